"""Links in a post become the delivery's own tracked links, and reports rank what people clicked."""
from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from studio.distribution import deliveries, scheduling, sending
from studio.extensions import db
from studio.models import Channel, Delivery, ShortLink
from studio.review import workflow
from tests.links.test_clicks import DESKTOP, PHONE
from tests.support.posts import approved_post, drafted_post, shanghai_now, user

BODY = ("小茶来啦~ 周五品鉴会报名：[点这里](https://chayun.example.com/tasting?from=group&seat=2)，"
        "新品介绍 https://chayun.example.com/bm-2024。名额有限！")


def add_groups(brand_id: int, members: dict[str, int]) -> None:
    for slug, count in members.items():
        db.session.add(Channel(brand_id=brand_id, slug=slug, name=f"群 {slug}", type="sandbox", target=slug,
                               settings={}, active=True, members=count, origin="directory"))
    db.session.commit()


def send_now(post, channel_slugs) -> list[int]:
    scheduling.schedule_post(post.id, shanghai_now() + timedelta(minutes=1), channel_slugs, user("reviewer"))
    for row in scheduling.deliveries_of(post.id):
        row.not_before = row.due_at = row.due_at - timedelta(minutes=2)
    db.session.commit()
    claimed = deliveries.claim_due_deliveries()
    assert set(sending.send_deliveries(claimed).values()) == {"sent"}
    return claimed


def test_each_link_of_a_delivery_becomes_its_own_tracked_link(ctx, receiver):
    post = approved_post(receiver, body=BODY)
    send_now(post, ["partner-webhook"])

    [request] = receiver.requests
    markdown = request.json["markdown"]
    assert "chayun.example.com" not in markdown
    rows = db.session.scalars(db.select(ShortLink).order_by(ShortLink.id)).all()
    assert [row.destination for row in rows] == ["https://chayun.example.com/tasting?from=group&seat=2",
                                                 "https://chayun.example.com/bm-2024"]
    delivery = db.session.scalar(db.select(Delivery))
    for row in rows:
        assert f"/l/{row.token}" in markdown
        assert (row.delivery_id, row.post_id, row.segment_id) == (delivery.id, post.id, post.segment_id)
        assert row.utm == {"utm_source": "webhook", "utm_medium": "community",
                           "utm_campaign": f"brief-{post.brief_id}", "utm_content": "newcomer"}
    assert "[点这里](http://127.0.0.1:5000/l/" in markdown and "。名额有限" in markdown


def test_a_click_keeps_the_destinations_query_and_adds_the_delivery_utm_tags(ctx, receiver, client):
    post = approved_post(receiver, body=BODY)
    send_now(post, ["partner-webhook"])
    link = db.session.scalar(db.select(ShortLink).order_by(ShortLink.id))

    answer = client.get(f"/l/{link.token}", headers={"User-Agent": PHONE})

    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query == {"from": ["group"], "seat": ["2"], "utm_source": ["webhook"], "utm_medium": ["community"],
                     "utm_campaign": [f"brief-{post.brief_id}"], "utm_content": ["newcomer"]}


def test_a_delivery_sent_again_reuses_its_links(ctx, receiver):
    post = approved_post(receiver, body=BODY)
    [delivery_id] = send_now(post, ["partner-webhook"])
    tokens = set(db.session.scalars(db.select(ShortLink.token)))
    row = db.session.get(Delivery, delivery_id)
    row.status = "failed"
    db.session.commit()

    deliveries.send_again(delivery_id, user("reviewer"))
    make_due = db.session.get(Delivery, delivery_id)
    make_due.not_before = make_due.due_at - timedelta(minutes=5)
    db.session.commit()
    sending.send_deliveries(deliveries.claim_due_deliveries())

    assert set(db.session.scalars(db.select(ShortLink.token))) == tokens
    assert len(receiver.requests) == 2 and receiver.requests[0].json["markdown"] == receiver.requests[1].json["markdown"]


def test_analytics_rank_segments_by_the_lower_bound_of_their_click_rate(ctx, app, runner):
    brand_id = db.session.scalar(db.select(Channel.brand_id).where(Channel.slug == "sandbox-main"))
    add_groups(brand_id, {"big-1": 300, "big-2": 300, "tiny": 4})
    steady = drafted_post(body=BODY, segments=("active",))
    lucky = drafted_post(body=BODY, segments=("vip",))
    for post in (steady, lucky):
        post.status = "in_review"
        db.session.commit()
        workflow.approve(post.id, user("reviewer"), post.current_revision_id)
    send_now(steady, ["big-1", "big-2"])
    send_now(lucky, ["tiny"])
    clicks = {("active", "big-1"): 40, ("active", "big-2"): 50, ("vip", "tiny"): 3}
    for (segment, group), people in clicks.items():
        link = db.session.scalar(db.select(ShortLink).join(Channel, Channel.id == ShortLink.channel_id)
                                 .where(Channel.slug == group).order_by(ShortLink.id))
        for person in range(people):
            app.test_client().get(f"/l/{link.token}", headers={"User-Agent": f"{DESKTOP} person-{person}"})
            app.test_client().get(f"/l/{link.token}", headers={"User-Agent": "TelegramBot (like TwitterBot)"})

    db.session.rollback()  # the test's own read ends: the command shares its session and must see the clicks
    result = runner.invoke(args=["analytics", "--brand", "chayun", "--by", "segment", "--json"])

    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [row["key"] for row in rows] == ["active", "vip"]
    active, vip = rows
    assert (active["deliveries"], active["reach"], active["unique"], active["clicks"]) == (2, 600, 90, 90)
    assert active["rate"] == 0.15 and 0.12 < active["rate_low"] < 0.15 and active["ranked"]
    assert (vip["reach"], vip["unique"], vip["rate"], vip["ranked"]) == (4, 3, 0.75, False)  # lucky, too small
    by_group = json.loads(runner.invoke(args=["analytics", "--brand", "chayun", "--by", "group", "--json"]).output)
    assert [row["key"] for row in by_group] == ["big-2", "big-1", "tiny"]
    for by in ("post", "hour"):
        rows = json.loads(runner.invoke(args=["analytics", "--brand", "chayun", "--by", by, "--json"]).output)
        assert sum(row["unique"] for row in rows) == 93 and sum(row["reach"] for row in rows) == 604
        assert {"deliveries", "reach", "clicks", "unique", "rate", "rate_low"} <= set(rows[0])


def test_links_made_by_hand_count_for_what_they_were_made_for(ctx, app, runner):
    made = runner.invoke(args=["links", "create", "--brand", "chayun", "--url",
                               "https://chayun.example.com/counter?store=xm01", "--segment", "vip", "--json"])
    assert made.exit_code == 0, made.output
    link = json.loads(made.output)
    assert set(link) == {"token", "short_url"} and link["short_url"].startswith(app.config["STUDIO_BASE_URL"])
    assert len(link["token"]) >= 8
    client = app.test_client()
    client.get(f"/l/{link['token']}", headers={"User-Agent": PHONE})
    client.get(f"/l/{link['token']}", headers={"User-Agent": PHONE})
    client.get(f"/l/{link['token']}", headers={"User-Agent": "Slackbot-LinkExpanding 1.0"})

    stats = json.loads(runner.invoke(args=["links", "stats", "--brand", "chayun", "--json"]).output)
    by_segment = json.loads(runner.invoke(args=["analytics", "--brand", "chayun", "--by", "segment",
                                                "--json"]).output)

    assert stats == [{"token": link["token"], "short_url": link["short_url"],
                      "url": "https://chayun.example.com/counter?store=xm01", "clicks": 2, "unique": 1, "bots": 1}]
    assert [(row["key"], row["clicks"], row["unique"], row["reach"]) for row in by_segment] == [("vip", 2, 1, 0)]


def test_bad_link_commands_name_the_problem(ctx, runner):
    for args, expected in ((["links", "create", "--brand", "nope", "--url", "https://a.example/"], "nope"),
                           (["links", "create", "--brand", "chayun", "--url", "javascript:alert(1)"], "http"),
                           (["links", "create", "--brand", "chayun", "--url", "https://a.example/", "--segment",
                             "ghosts"], "ghosts"),
                           (["links", "create", "--brand", "chayun", "--url", "https://a.example/", "--post",
                             "999"], "999"),
                           (["analytics", "--brand", "chayun", "--by", "weather"], "weather")):
        result = runner.invoke(args=args)
        assert result.exit_code != 0 and expected in result.output, (args, result.output)
        assert "Traceback" not in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(ShortLink)) == 0
