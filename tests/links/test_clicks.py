"""Clicks by people, counted once per person, with link previews and robots counted apart."""
from __future__ import annotations

import pytest
from crawleruseragents import CRAWLER_USER_AGENTS_DATA, is_crawler

from studio import links
from studio.extensions import db
from studio.links.analytics import wilson_lower_bound
from studio.links.visitors import CHAT_PREVIEW_FETCHERS, VISITOR_COOKIE, robot_reason
from studio.models import LinkClick, LinkVisitor, ShortLink, utcnow
from workers import tasks

PHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
         "Mobile/15E148 MicroMessenger/8.0.49(0x18003137) NetType/WIFI Language/zh_CN")
DESKTOP = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/126.0.0.0 Safari/537.36")
ANDROID_WECOM = ("Mozilla/5.0 (Linux; Android 14; V2309A Build/UP1A.231005.007; wv) AppleWebKit/537.36 "
                 "(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160117 "
                 "MMWEBSDK/20240404 MMWEBID/1234 wxwork/4.1.22 MicroMessenger/7.0.1 Language/zh ColorScheme/Light")
PREVIEWS_AND_ROBOTS = {
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)": "preview",
    "TelegramBot (like TwitterBot)": "preview",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)": "preview",
    "Twitterbot/1.0": "preview",
    "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)": "preview",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)": "crawler",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)": "crawler",
    "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)": "crawler",
    "python-requests/2.32.3": "crawler",
    "curl/8.5.0": "crawler",
    "": "no-user-agent",
}


@pytest.mark.parametrize("agent, reason", PREVIEWS_AND_ROBOTS.items())
def test_previews_and_robots_are_told_from_people(agent, reason):
    assert robot_reason("GET", agent) == reason


@pytest.mark.parametrize("agent", [PHONE, DESKTOP, ANDROID_WECOM])
def test_people_in_browsers_and_chat_apps_are_people(agent):
    assert robot_reason("GET", agent) == ""
    assert robot_reason("HEAD", agent) == "head"  # a link checker, whatever it says it is


def test_robots_are_told_as_crawler_user_agents_and_the_preview_list_tell_them():
    """The quicker search answers as the library's is_crawler and the case-blind preview expression do."""
    agents = [instance for crawler in CRAWLER_USER_AGENTS_DATA for instance in crawler.get("instances", [])]
    agents += [PHONE, DESKTOP, ANDROID_WECOM, *PREVIEWS_AND_ROBOTS, "SLACKBOT-LinkExpanding", "Mozilla/5.0 TelegramBOT",
               "Mozilla/5.0 (ſlackbot; Keyboard)", "浏览器 DingTalk-Link 手机", "Googleboté/2.1"]
    expected = ["preview" if CHAT_PREVIEW_FETCHERS.search(agent.strip()[:512]) else
                "crawler" if is_crawler(agent.strip()[:512]) else "" for agent in agents]

    assert [robot_reason("GET", agent) if agent.strip() else "" for agent in agents] == expected
    assert {"preview", "crawler", ""} <= set(expected)
    assert len(agents) > 2000


def make_link(app) -> str:
    with app.app_context():
        token = links.create_link("https://chayun.example.com/tasting?from=group").token
        db.session.commit()
    return token


def counts(app, token):
    with app.app_context():
        link = db.session.scalar(db.select(ShortLink).where(ShortLink.token == token))
        return link.clicks, link.unique_clicks, link.bot_clicks


def test_a_person_clicking_again_is_one_unique_clicker_and_gets_a_cookie(app):
    token = make_link(app)
    person = app.test_client()

    first = person.get(f"/l/{token}", headers={"User-Agent": PHONE})
    cookie = person.get_cookie(VISITOR_COOKIE, path="/l/")
    second = person.get(f"/l/{token}", headers={"User-Agent": PHONE})

    assert first.status_code == second.status_code == 302
    assert cookie is not None and len(cookie.value) == 32 and cookie.http_only
    assert counts(app, token) == (2, 1, 0)


def test_a_person_without_cookies_is_recognised_by_a_daily_hash_of_address_and_browser(app):
    token = make_link(app)
    for _ in range(3):
        app.test_client().get(f"/l/{token}", headers={"User-Agent": DESKTOP})  # a new client: no cookie
    app.test_client().get(f"/l/{token}", headers={"User-Agent": PHONE})  # same address, another browser

    assert counts(app, token) == (4, 2, 0)
    with app.app_context():
        keys = set(db.session.scalars(db.select(LinkClick.visitor)))
    assert all(DESKTOP not in key and "127.0.0.1" not in key for key in keys)  # no raw address or browser


def test_previews_and_robots_are_counted_apart_and_leave_no_cookie(app):
    token = make_link(app)
    client = app.test_client()
    for agent in PREVIEWS_AND_ROBOTS:
        answer = client.get(f"/l/{token}", headers={"User-Agent": agent})
        assert answer.status_code == 302  # a preview still learns where the link goes
    client.head(f"/l/{token}", headers={"User-Agent": PHONE})

    assert counts(app, token) == (0, 0, len(PREVIEWS_AND_ROBOTS) + 1)
    assert client.get_cookie(VISITOR_COOKIE, path="/l/") is None
    with app.app_context():
        reasons = {row.bot for row in db.session.scalars(db.select(LinkClick))}
    assert reasons == {"preview", "crawler", "no-user-agent", "head"}


def test_old_click_events_are_forgotten_and_the_counts_stay(app):
    token = make_link(app)
    app.test_client().get(f"/l/{token}", headers={"User-Agent": PHONE})
    with app.app_context():
        for row in db.session.scalars(db.select(LinkClick)):
            row.at = utcnow().replace(year=2020)
        db.session.commit()
        assert links.forget_old_clicks(90) == 1
        assert db.session.scalar(db.select(db.func.count()).select_from(LinkClick)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(LinkVisitor)) == 1
    assert counts(app, token) == (1, 1, 0)


def test_the_wilson_lower_bound_ranks_a_steady_rate_above_a_lucky_small_one():
    lucky = wilson_lower_bound(1, 3)  # 33 % of a group of three
    steady = wilson_lower_bound(90, 600)  # 15 % of six hundred
    assert steady > lucky
    assert wilson_lower_bound(0, 100) == 0.0 and wilson_lower_bound(5, 0) == 0.0
    assert wilson_lower_bound(50, 100) == pytest.approx(0.4038, abs=1e-4)  # the textbook value
    assert wilson_lower_bound(120, 100) == wilson_lower_bound(100, 100) < 1.0


def test_beat_forgets_old_click_events_on_its_own(app):
    token = make_link(app)
    app.test_client().get(f"/l/{token}", headers={"User-Agent": PHONE})
    with app.app_context():
        db.session.execute(db.update(LinkClick).values(at=utcnow().replace(year=2020)))
        db.session.commit()
        entry = app.config["CELERY"]["beat_schedule"]["forget-old-clicks"]
        assert entry["task"] == tasks.forget_old_clicks.name
        assert tasks.forget_old_clicks() == 1


def test_a_group_of_clicks_counts_each_link_once_in_id_order(app):
    """People and robots on several links in one group: each link's counters move by its own clicks, a link
    with robots only keeps the time of its last person, and links are updated in id order (two processes
    writing at once then wait for each other instead of deadlocking)."""
    from sqlalchemy import event

    from studio.links.recorder import Click, _count

    with app.app_context():
        first, second, third = (links.create_link(f"https://chayun.example.com/{n}") for n in range(3))
        earlier = utcnow().replace(year=2024)
        second.last_clicked_at = earlier
        db.session.commit()
        now = utcnow()
        group = [Click(third.id, now, "c" * 32, ""), Click(second.id, now, "", "preview"),
                 Click(first.id, now, "a" * 32, ""), Click(third.id, now, "c" * 32, ""),
                 Click(first.id, now, "b" * 32, ""), Click(second.id, now, "", "head")]
        updated = []

        def seen(conn, cursor, statement, parameters, context, executemany):
            if statement.startswith("UPDATE short_link"):
                updated.extend(row[-1] if isinstance(row, tuple) else row["link"] for row in parameters)

        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            with db.engine.begin() as connection:
                _count(connection, group)
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)
        rows = {link.id: link for link in db.session.scalars(db.select(ShortLink).execution_options(
            populate_existing=True))}

    assert updated == sorted([first.id, second.id, third.id])
    assert (rows[first.id].clicks, rows[first.id].unique_clicks, rows[first.id].bot_clicks) == (2, 2, 0)
    assert (rows[second.id].clicks, rows[second.id].unique_clicks, rows[second.id].bot_clicks) == (0, 0, 2)
    assert (rows[third.id].clicks, rows[third.id].unique_clicks, rows[third.id].bot_clicks) == (2, 1, 0)
    assert rows[second.id].last_clicked_at == earlier and rows[first.id].last_clicked_at == now
