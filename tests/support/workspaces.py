"""Two brands for the access matrices: chayun, where an editor, a reviewer and a brand admin work, and yagu,
where none of them does; one record of each kind the routes name in each; a digest of every table."""
from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

from flask_migrate import upgrade

from studio import accounts, invitations, memberships
from studio.brands import kits
from studio.brands.library import copy_kit
from studio.cli import DEMO_KIT
from studio.drafting import briefs
from studio.extensions import db
from studio.models import (Channel, Delivery, DeliveryStatus, Invitation, KnowledgeDocument, LibraryJob, Revision,
                           utcnow)
from studio.rituals import service as rituals
from tests.support.app import make_app
from tests.support.runtime import ROOT

PEOPLE = {"editor": ("editor", "editor"), "reviewer": ("reviewer", "reviewer"), "brand_admin": ("boss", "admin")}
PASSWORD = "matrix-pass-1"


def brand_records(slug: str, persona: str, segment: str, author_id: int) -> dict:
    """One record of each kind the routes name, in the brand: a post in review, its brief, a waiting and a
    failed delivery, the sandbox group, a document and a ritual."""
    brand = kits.get_brand(slug)
    brief = briefs.create_brief(briefs.BriefInput(brand=slug, persona=persona, channel="sandbox-main",
                                                  segments=[segment], key_message=f"{slug} 的帖子"), author_id)
    post = brief.posts[0]
    revision = Revision(post_id=post.id, number=1, body=f"{slug} 的正文。", note="测试")
    db.session.add(revision)
    db.session.flush()
    post.current_revision_id, post.status = revision.id, "in_review"
    sandbox = db.session.scalar(db.select(Channel).where(Channel.brand_id == brand.id, Channel.slug == "sandbox-main"))
    failed = Delivery(post_id=post.id, channel_id=sandbox.id, due_at=utcnow() - timedelta(hours=1),
                      not_before=utcnow() - timedelta(hours=1), status=DeliveryStatus.FAILED,
                      revision_id=revision.id, key=f"matrix-{slug}")
    db.session.add(failed)
    doc = db.session.scalar(db.select(KnowledgeDocument.doc_id).where(KnowledgeDocument.brand_id == brand.id)
                            .order_by(KnowledgeDocument.doc_id))
    db.session.commit()
    rituals.create(rituals.RitualInput(
        brand=slug, name="周五品鉴会", slug="friday", rrule="FREQ=WEEKLY;BYDAY=FR", start="2026-01-02T20:00",
        timezone="Asia/Shanghai", brief="周五晚8点品鉴会", persona=persona, segments=[segment], audience="", lead_hours=48,
        freeze_hours=2, exdates=[], holidays="include"), author_id)
    job = LibraryJob(brand_id=brand.id, files=[f"{slug}-大文件.txt"], total_bytes=300_000, state="done",
                     stage="done", fraction=1.0, documents=1, chunks=40, error="", in_queue=True)
    db.session.add(job)
    db.session.commit()
    invitations.invite(slug, "editor", None, note="待接受")
    invitation_id = db.session.scalar(db.select(Invitation.id).order_by(Invitation.id.desc()))
    return {"slug": slug, "post_id": post.id, "brief_id": brief.id, "delivery_id": failed.id,
            "channel_id": sandbox.id, "channel_slug": "sandbox-main", "doc_id": doc, "ritual_slug": "friday",
            "username": "outsider", "revision_id": revision.id, "section": "personas", "item": persona,
            "name": "促活", "invitation_id": invitation_id, "job_id": job.id}


def two_brands(data: Path, **config):
    """The app with both brands, their people (password PASSWORD) and their records: (app, {"own", "other"})."""
    app = make_app(data, **config)
    with app.app_context():
        upgrade(directory=str(ROOT / "studio" / "migrations"))
        kits.import_brand_kit(copy_kit(DEMO_KIT, data, "chayun"))
        kits.import_brand_kit(copy_kit(ROOT / "tests" / "data" / "kits" / "yagu", data, "yagu"))
        site_admin = accounts.create_user("root", PASSWORD, "admin")
        accounts.create_user("outsider", PASSWORD, "member")
        for username, role in PEOPLE.values():
            accounts.create_user(username, PASSWORD, "member")
            memberships.add_member(username, "chayun", role)
        memberships.add_member("outsider", "yagu", "editor")
        memberships.add_member("outsider", "chayun", "editor")
        records = {"own": brand_records("chayun", "xiaocha", "newcomer", site_admin.id),
                   "other": brand_records("yagu", "yaya", "new-parents", site_admin.id)}
    return app, records


def fingerprint(app, skip: tuple[str, ...] = ()) -> str:
    """A digest of every row of every table but those skipped: equal digests mean nothing was written."""
    digest = hashlib.sha256()
    with app.app_context():
        for table in db.metadata.sorted_tables:
            if table.name in ("login_failure", *skip):
                continue
            for row in db.session.execute(db.select(table).order_by(*table.primary_key.columns)):
                digest.update(repr(tuple(row)).encode())
        db.session.remove()
    return digest.hexdigest()
