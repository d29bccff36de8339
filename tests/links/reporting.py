"""Sent deliveries and clicks by people, to report on: posts by persona and segment, groups, posters."""
from __future__ import annotations

from datetime import timedelta

from studio.drafting import briefs
from studio.extensions import db
from studio.models import Channel, Delivery, Post, Revision, ShortLink
from studio.review import posters, workflow
from tests.links.test_clicks import DESKTOP
from tests.links.test_delivery_links import send_now
from tests.support.posts import user

BODY = "小茶来啦~ 周五品鉴会报名：https://chayun.example.com/tasting 名额有限！"
POSTER = posters.PosterSpec(title="周五晚8点 冬日品鉴会", body="陈师傅带大家对比两个年份的白牡丹。", price="¥168",
                            link="https://chayun.example.com/tasting?from=poster", template="share-card")


def add_group(brand_id: int, slug: str, members: int, segments=("active",)) -> Channel:
    group = Channel(brand_id=brand_id, slug=slug, name=f"群 {slug}", type="sandbox", target=slug, settings={},
                    active=True, members=members, segments=list(segments), origin="directory")
    db.session.add(group)
    db.session.commit()
    return group


def brand_id() -> int:
    return db.session.scalar(db.select(Channel.brand_id).where(Channel.slug == "sandbox-main"))


def approved(persona: str = "xiaocha", segment: str = "active", poster: bool = False, body: str = BODY) -> Post:
    """A post of one segment, written in a persona's name, approved; with a poster when asked."""
    brief = briefs.create_brief(briefs.BriefInput(
        brand="chayun", persona=persona, channel="sandbox-main", segments=[segment], key_message="冬日品鉴会"),
        author_id=user("editor").id)
    post = brief.posts[0]
    revision = Revision(post_id=post.id, number=1, body=body, citations=[], note="")
    db.session.add(revision)
    db.session.flush()
    post.current_revision_id, post.status = revision.id, "draft"
    db.session.commit()
    if poster:
        posters.attach_poster(post.id, POSTER, user("editor"))
    post.status = "in_review"
    db.session.commit()
    workflow.approve(post.id, user("reviewer"), post.current_revision_id)
    return post


def sent(post: Post, groups: list[str], days_ago: float = 0) -> list[int]:
    """Send the post to the groups now, then date the sending back."""
    delivery_ids = send_now(post, groups)
    for delivery_id in delivery_ids:
        row = db.session.get(Delivery, delivery_id)
        row.sent_at -= timedelta(days=days_ago)
    db.session.commit()
    return delivery_ids


def people_click(app, token: str, people: int, robots: int = 0) -> None:
    for person in range(people):
        app.test_client().get(f"/l/{token}", headers={"User-Agent": f"{DESKTOP} person-{person}"})
    for _ in range(robots):
        app.test_client().get(f"/l/{token}", headers={"User-Agent": "TelegramBot (like TwitterBot)"})
    db.session.rollback()  # the test's own read ends: it must see what the redirects committed


def link_of(delivery_id: int) -> str:
    return db.session.scalar(db.select(ShortLink.token).where(ShortLink.delivery_id == delivery_id))
