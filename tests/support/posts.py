"""Build posts in a known state without the model (drafting itself is tested with the real model)."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from studio.distribution import scheduling
from studio.drafting import briefs
from studio.extensions import db
from studio.models import Channel, Post, Revision, User, utcnow
from studio.review import workflow


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


def approved_post(receiver=None, body="小茶来啦~ 白牡丹2024建议90℃冲泡，一盒168元。@all 快来"):
    """A drafted post approved by the reviewer; with a receiver, the partner webhook points at it."""
    if receiver is not None:
        hook = db.session.scalar(db.select(Channel).where(Channel.slug == "partner-webhook"))
        hook.target = receiver.url
        db.session.commit()
    post = drafted_post(body=body)
    post.status = "in_review"  # the @all below would block submission; a reviewer lets it through
    db.session.commit()
    workflow.approve(post.id, user("reviewer"), post.current_revision_id, override_reason="测试：验证发送时转义")
    return post


def shanghai_now() -> datetime:
    return datetime.now(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None)


def make_due(post_id: int) -> None:
    for row in scheduling.deliveries_of(post_id):
        row.not_before = row.due_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
