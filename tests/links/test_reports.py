"""What worked, by persona, channel type and poster template; which groups are going quiet; the reports page
and its CSV export."""
from __future__ import annotations

import csv
import io
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import lxml.html

from studio.extensions import db
from studio.links.analytics import analytics
from studio.links.health import group_health
from studio.links.report import rows_as_csv
from studio.models import Channel, PosterImage, ShortLink, utcnow
from tests.links.test_clicks import PHONE
from tests.links.reporting import add_group, approved, brand_id, link_of, people_click, sent
from tests.web.test_english_ui import stray_chinese


def by_key(rows: list[dict]) -> dict[str, dict]:
    return {row["key"]: row for row in rows}


def test_rows_by_persona_channel_type_and_poster_template(ctx, app, receiver):
    brand = brand_id()
    add_group(brand, "big-1", 300)
    add_group(brand, "big-2", 200)
    hook = db.session.scalar(db.select(Channel).where(Channel.slug == "partner-webhook"))
    hook.target, hook.members = receiver.url, 100
    db.session.commit()
    plain = approved(persona="xiaocha")
    with_poster = approved(persona="chen", segment="vip", poster=True)
    [to_big_1] = sent(plain, ["big-1"])
    to_hook, to_big_2 = sent(with_poster, ["partner-webhook", "big-2"])
    people_click(app, link_of(to_big_1), 30, robots=2)
    people_click(app, link_of(to_hook), 5)
    people_click(app, link_of(to_big_2), 20)
    qr = db.session.scalar(db.select(ShortLink).join(PosterImage, PosterImage.link_id == ShortLink.id))
    people_click(app, qr.token, 4)  # the poster's own QR code, scanned

    personas = by_key(analytics("chayun", "persona", min_reach=50))
    kinds = by_key(analytics("chayun", "channel_type", min_reach=50))
    templates = by_key(analytics("chayun", "template", min_reach=50))

    assert set(personas) == {"xiaocha", "chen"}
    xiaocha, chen = personas["xiaocha"], personas["chen"]
    assert (xiaocha["reach"], xiaocha["unique"], xiaocha["bots"]) == (300, 30, 2)
    assert (chen["deliveries"], chen["groups"], chen["reach"]) == (2, 2, 300)
    assert chen["unique"] == 25 and chen["label"] == "陈师傅"
    assert (kinds["sandbox"]["reach"], kinds["sandbox"]["unique"]) == (500, 50)
    assert (kinds["webhook"]["reach"], kinds["webhook"]["unique"], kinds["webhook"]["rate"]) == (100, 5, 0.05)
    assert (templates[""]["reach"], templates[""]["unique"], templates[""]["label"]) == (300, 30, "")
    assert (templates["share-card"]["reach"], templates["share-card"]["unique"]) == (300, 29)  # 25 + 4 scans
    assert templates["share-card"]["deliveries"] == 2


def test_a_kit_that_words_the_winback_stage_its_own_way_suggests_its_own_words(ctx, app, tmp_path):
    import shutil

    from studio.brands import kits
    from studio.cli import DEMO_KIT

    kit = tmp_path / "kit"
    shutil.copytree(DEMO_KIT, kit)
    (kit / "prompts" / "stages").mkdir(parents=True, exist_ok=True)
    (kit / "prompts" / "stages" / "召回.txt").write_text(
        "---\nshort: 请老茶友回来喝一杯新茶，送上一份小心意。\nopening: 好久不见！\nclosing: 等你回来。\n---\n正文\n",
        encoding="utf-8")
    kits.import_brand_kit(kit)
    add_group(brand_id(), "silent", 120)
    sent(approved(), ["silent"])

    [silent] = [g for g in group_health("chayun", now=utcnow() + timedelta(days=20)) if g["slug"] == "silent"]

    assert silent["winback"]["key_message"] == "请老茶友回来喝一杯新茶，送上一份小心意。"


def test_one_person_who_taps_two_links_of_a_post_is_one_clicker(ctx, app):
    add_group(brand_id(), "big-1", 300)
    body = "报名：https://chayun.example.com/tasting 看茶：https://chayun.example.com/bm-2024"
    [delivery] = sent(approved(body=body), ["big-1"])
    tokens = db.session.scalars(db.select(ShortLink.token).where(ShortLink.delivery_id == delivery)).all()
    phone = app.test_client()  # one person: the cookie from the first tap comes back with the second
    for token in tokens:
        phone.get(f"/l/{token}", headers={"User-Agent": PHONE})
    people_click(app, tokens[0], 3)
    db.session.rollback()

    [row] = analytics("chayun", "group", min_reach=50)
    [health] = [group for group in group_health("chayun") if group["slug"] == "big-1"]

    assert len(tokens) == 2
    assert (row["clicks"], row["unique"]) == (5, 4)
    assert (health["clicks"], health["unique"]) == (5, 4)


def test_the_first_breakdowns_still_answer_as_before(ctx, app):
    add_group(brand_id(), "big-1", 300)
    [delivery] = sent(approved(), ["big-1"])
    people_click(app, link_of(delivery), 12)

    for by in ("segment", "group", "post", "hour"):
        [row] = analytics("chayun", by, min_reach=50)
        assert (row["deliveries"], row["reach"], row["unique"], row["ranked"]) == (1, 300, 12, True), by
    assert analytics("chayun", "group", 50)[0]["key"] == "big-1"


def test_a_group_that_got_posts_for_two_weeks_without_a_click_is_going_quiet(ctx, app):
    brand = brand_id()
    add_group(brand, "silent", 120, segments=("active", "loyal"))
    add_group(brand, "lively", 80)
    post = approved()
    deliveries = dict(zip(("silent", "lively"), sent(post, ["silent", "lively"])))
    people_click(app, link_of(deliveries["lively"]), 8)

    ten_days_on = by_slug(group_health("chayun", now=utcnow() + timedelta(days=10)))
    twenty_days_on = by_slug(group_health("chayun", now=utcnow() + timedelta(days=20)))

    assert not ten_days_on["silent"]["quiet"] and ten_days_on["silent"]["winback"] is None
    silent, lively = twenty_days_on["silent"], twenty_days_on["lively"]
    assert silent["quiet"] and silent["reasons"] == ["no_clicks"]
    assert silent["days_since_click"] is None and silent["clicks_per_member"] == 0
    assert silent["winback"]["channel"] == "silent" and silent["winback"]["segments"] == ["active", "loyal"]
    assert silent["winback"]["brand"] == "chayun" and silent["winback"]["goal"] == "召回：群 silent"
    assert "问候" in silent["winback"]["key_message"] and "回来" in silent["winback"]["key_message"]
    assert not lively["quiet"] and lively["days_since_click"] == 20
    assert (lively["clicks"], lively["unique"], lively["clicks_per_member"], lively["unique_per_member"]) == \
        (8, 8, 0.1, 0.1)
    assert [row["slug"] for row in group_health("chayun", now=utcnow() + timedelta(days=20))][0] == "silent"


def test_a_group_whose_click_rate_fell_by_more_than_half_is_going_quiet(ctx, app):
    add_group(brand_id(), "fading", 100)
    add_group(brand_id(), "steady", 100)
    earlier = sent(approved(), ["fading", "steady"], days_ago=45)
    recent = sent(approved(), ["fading", "steady"], days_ago=10)
    for delivery, people in zip(earlier + recent, (10, 10, 2, 9)):
        people_click(app, link_of(delivery), people)

    groups = by_slug(group_health("chayun"))

    fading, steady = groups["fading"], groups["steady"]
    assert (fading["earlier_rate"], fading["recent_rate"]) == (0.1, 0.02)
    assert fading["quiet"] and fading["reasons"] == ["falling"] and fading["days_since_click"] == 0
    assert fading["deliveries"] == 2 and fading["deliveries_30d"] == 1
    assert not steady["quiet"] and steady["winback"] is None


def test_a_group_with_no_posts_is_not_going_quiet_and_shows_no_rate(ctx):
    add_group(brand_id(), "new-group", 0)

    [row] = [row for row in group_health("chayun") if row["slug"] == "new-group"]

    assert not row["quiet"] and row["days_since_click"] is None and row["deliveries_30d"] == 0
    assert row["clicks_per_member"] is None and row["unique_per_member"] is None


def test_the_reports_page_and_its_csv_need_a_login(ctx, client):
    for path in ("/brands/chayun/reports", "/brands/chayun/reports.csv?by=group"):
        answer = client.get(path)
        assert answer.status_code == 302 and "/login" in answer.headers["Location"], path


def test_the_reports_page_shows_rows_ranked_or_not_and_quiet_groups_with_a_winback_brief(ctx, app, client,
                                                                                          auth):
    add_group(brand_id(), "big-1", 300)
    add_group(brand_id(), "tiny", 4, segments=("vip",))
    post = approved()
    [big] = sent(post, ["big-1"], days_ago=20)
    sent(approved(segment="vip"), ["tiny"], days_ago=20)
    people_click(app, link_of(big), 30)
    auth.login("editor")

    page = lxml.html.document_fromstring(client.get("/brands/chayun/reports?by=group").get_data(as_text=True))

    rows = {row.get("data-key"): row for row in page.xpath('//table[@id="report-table"]/tbody/tr')}
    assert rows["big-1"].get("class") == "ranked" and rows["tiny"].get("class") == "below-reach"
    cells = [cell.text_content().strip() for cell in rows["big-1"].xpath("td")]
    assert cells[:7] == ["群 big-1", "1", "1", "300", "30", "30", "10.0%"] and cells[8:] == ["0", "0.00", ""]
    assert 6.0 < float(cells[7].rstrip("%")) < 10.0
    assert rows["tiny"].xpath('.//span[contains(@class, "unranked")]')
    current = page.xpath('//nav[contains(@class, "breakdowns")]/a[@aria-current]')
    assert [tab.get("data-by") for tab in current] == ["group"]
    quiet = {row.get("data-group"): row
             for row in page.xpath('//table[@class="health-table"]/tbody/tr[@class="quiet"]')}
    assert set(quiet) == {"tiny"}
    brief_link = urlsplit(quiet["tiny"].xpath('.//a[@class="winback"]')[0].get("href"))
    assert brief_link.path == "/briefs/new"
    assert parse_qs(brief_link.query) | {"key_message": []} == {
        "brand": ["chayun"], "channel": ["tiny"], "segments": ["vip"], "goal": ["召回：群 tiny"],
        "key_message": []}
    assert page.get_element_by_id("csv-link").get("href") == "/brands/chayun/reports.csv?by=group"


def test_the_suggested_winback_brief_opens_the_new_brief_form_filled_in(ctx, app, client, auth):
    add_group(brand_id(), "tiny", 4, segments=("vip", "loyal"))
    sent(approved(segment="vip"), ["tiny"], days_ago=20)
    auth.login("editor")
    page = lxml.html.document_fromstring(client.get("/brands/chayun/reports").get_data(as_text=True))
    [href] = [link.get("href") for link in page.xpath('//a[@class="winback"]')]

    form = lxml.html.document_fromstring(client.get(href).get_data(as_text=True)).get_element_by_id(
        "brief-form")

    assert form.xpath('.//input[@name="goal"]')[0].get("value") == "召回：群 tiny"
    assert "问候" in form.xpath('.//textarea[@name="key_message"]')[0].text  # the win-back stage's guidance
    assert form.xpath('.//select[@name="channel"]/option[@selected]')[0].get("value") == "tiny"
    checked = form.xpath('.//input[@name="segments"][@checked]')
    assert sorted(box.get("value") for box in checked) == ["loyal", "vip"]


def test_a_reviewer_sees_quiet_groups_without_a_brief_link(ctx, app, client, auth):
    add_group(brand_id(), "tiny", 4, segments=("vip",))
    sent(approved(segment="vip"), ["tiny"], days_ago=20)
    auth.login("reviewer")

    page = lxml.html.document_fromstring(client.get("/brands/chayun/reports").get_data(as_text=True))

    assert page.xpath('//tr[@class="quiet"]') and not page.xpath('//a[@class="winback"]')


def test_the_csv_export_starts_with_a_byte_order_mark_and_has_a_header_and_one_line_per_row(ctx, app, client,
                                                                                              auth):
    add_group(brand_id(), "big-1", 300)
    [delivery] = sent(approved(), ["big-1"])
    people_click(app, link_of(delivery), 30, robots=1)
    auth.login("reviewer")

    answer = client.get("/brands/chayun/reports.csv?by=segment")

    assert answer.status_code == 200 and answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert answer.headers["Content-Disposition"] == 'attachment; filename="chayun-segment.csv"'
    assert answer.data.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))
    assert lines[0] == ["代码", "人群", "发送次数", "群数", "触达人数", "点击次数", "点击人数", "预览与机器人", "点击率",
                        "点击率下限（95%）", "参与排名", "订单", "销售额（元）"]
    [row] = lines[1:]
    assert row[0] == "active" and row[2:8] == ["1", "1", "300", "30", "30", "1"] and row[8] == "0.1"
    assert 0.06 < float(row[9]) < 0.1 and row[10:] == ["是", "0", "0.0"]


def test_the_csv_export_follows_the_language_and_names_deliveries_without_a_poster(ctx, app, client, auth):
    add_group(brand_id(), "big-1", 300)
    sent(approved(), ["big-1"])
    auth.login("reviewer")
    client.get("/lang/en")
    data = client.get("/brands/chayun/reports.csv?by=template").data

    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))

    assert lines[0][:3] == ["Key", "Poster template", "Deliveries"]
    assert lines[1][:2] == ["", "No poster"] and lines[1][10] == "yes"


def test_csv_cells_a_spreadsheet_would_run_as_formulas_are_quoted():
    row = {"key": "x", "label": '=HYPERLINK("http://evil.example")', "deliveries": 1, "groups": 1, "reach": 0,
           "clicks": 0, "unique": 0, "bots": 0, "rate": None, "rate_low": 0.0, "ranked": False, "orders": 0,
           "revenue": 0.0}

    [_, line] = list(csv.reader(io.StringIO(rows_as_csv([row], ["h"] * 13).decode("utf-8-sig"))))

    assert line[1] == "'=HYPERLINK(\"http://evil.example\")" and line[8] == ""


def test_an_unknown_breakdown_is_refused_with_the_choices_named(ctx, client, auth):
    auth.login("reviewer")

    answer = client.get("/brands/chayun/reports?by=weather")

    assert answer.status_code == 302
    shown = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "segment、group、post、hour、persona、channel_type、template" in shown


def test_every_breakdown_of_the_page_in_english_shows_no_studio_chinese(ctx, app, client, auth):
    add_group(brand_id(), "big-1", 300)
    add_group(brand_id(), "quiet", 50)
    sent(approved(poster=True), ["big-1", "quiet"], days_ago=20)
    auth.login("editor")
    client.get("/lang/en")

    for by in ("segment", "group", "post", "hour", "persona", "channel_type", "template"):
        html = client.get(f"/brands/chayun/reports?by={by}").get_data(as_text=True)
        assert stray_chinese(html) == [], (by, stray_chinese(html))
    assert "Write a win-back brief" in html and "Going quiet" in html and "Poster template" in html


def by_slug(rows: list[dict]) -> dict[str, dict]:
    return {row["slug"]: row for row in rows}
