"""Run inside a process whose `studio` comes from an installed wheel: set up the demo and fetch every page.

Prints one JSON object: where the packages and templates were loaded from, and each page's status code.
"""
import json
import sys
from pathlib import Path

import studio
from studio import create_app
from studio.drafting import briefs
from studio.extensions import db
from studio.models import Brand, Channel, KnowledgeDocument, Revision, User

data_dir = Path(sys.argv[1])
app = create_app({"STUDIO_DATA_DIR": str(data_dir), "TESTING": True, "WTF_CSRF_ENABLED": False,
                  "SQLALCHEMY_DATABASE_URI": f"sqlite:///{data_dir / 'studio.sqlite3'}",
                  "CELERY": {"broker_url": f"sqla+sqlite:///{data_dir / 'broker.sqlite3'}"}})
runner = app.test_cli_runner()
commands = {" ".join(args): runner.invoke(args=args).exit_code for args in (["db", "upgrade"], ["demo", "setup"])}

with app.app_context():
    author = db.session.scalar(db.select(User).where(User.username == "editor"))
    brief = briefs.create_brief(briefs.BriefInput(
        brand="chayun", persona="xiaocha", channel="sandbox-main", segments=["newcomer"],
        key_message="冬日品鉴会，白牡丹2024上新", products=["白牡丹2024"]), author_id=author.id)
    post = brief.posts[0]
    revision = Revision(post_id=post.id, number=1, body="小茶来啦~ 白牡丹2024上新。", citations=[], note="")
    db.session.add(revision)
    db.session.flush()
    post.current_revision_id, post.status = revision.id, "draft"
    db.session.commit()
    brand = db.session.scalar(db.select(Brand).where(Brand.slug == "chayun"))
    document = db.session.scalar(db.select(KnowledgeDocument).where(KnowledgeDocument.brand_id == brand.id))
    channels = db.session.scalars(db.select(Channel).where(Channel.brand_id == brand.id)).all()
    sandbox = next(c for c in channels if c.type == "sandbox")
    pages = ["/", "/review", "/deliveries", "/briefs/new", f"/briefs/{brief.id}", f"/posts/{post.id}",
             "/brands/chayun", f"/brands/chayun/documents/{document.doc_id}", "/sandbox", f"/sandbox/{sandbox.id}"]
    pages += [f"/brands/chayun/channels/{channel.slug}" for channel in channels]

client = app.test_client()
status = {"/login": client.get("/login").status_code}
client.post("/login", data={"username": "admin", "password": "studio-admin"})
status.update({page: client.get(page).status_code for page in pages})
print(json.dumps({"studio": studio.__file__, "templates": app.template_folder, "commands": commands,
                  "status": status}))
