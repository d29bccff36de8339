"""Build posts in a known state without the model (drafting itself is tested with the real model)."""
from studio.drafting import briefs
from studio.extensions import db
from studio.models import Post, Revision, User


def user(name: str) -> User:
    return db.session.scalar(db.select(User).where(User.username == name))


def drafted_post(author: str = "editor", body: str = "小茶来啦~ 白牡丹2024建议90℃冲泡，一盒168元。",
                 segments=("newcomer",), channel: str = "sandbox-main") -> Post:
    brief = briefs.create_brief(briefs.BriefInput(
        brand="chayun", persona="xiaocha", channel=channel, segments=list(segments),
        key_message="冬日品鉴会，白牡丹2024上新", products=["白牡丹2024"]), author_id=user(author).id)
    post = brief.posts[0]
    revision = Revision(post_id=post.id, number=1, body=body, citations=["product-bm-2024"], note="模型初稿")
    db.session.add(revision)
    db.session.flush()
    post.current_revision_id, post.status = revision.id, "draft"
    db.session.commit()
    return post
