"""The reports page in chromium: the chart is drawn, the breakdown switches, the CSV downloads (screenshots in
test-artifacts/)."""
from __future__ import annotations

import csv
import io

from studio.extensions import db
from studio.models import Channel
from tests.links.reporting import add_group, approved, brand_id, link_of, people_click, sent
from tests.support.app import PASSWORDS
from tests.support.browser import chromium, log_in, served, shot, wait_for
from tests.web.test_english_ui import stray_chinese

# Pixels the chart's canvas has painted: a blank canvas has none.
PAINTED = """() => {
  const canvas = document.querySelector("#report-chart canvas");
  if (!canvas) return 0;
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let alpha = 3; alpha < pixels.length; alpha += 4) if (pixels[alpha]) painted += 1;
  return painted;
}"""
BARS = "() => echarts.getInstanceByDom(document.getElementById('report-chart')).getOption()" \
       ".series[0].data.length"


def seed_a_month_of_posts(app) -> None:
    """Three segments' posts in five groups; one group big and keen, one small and lucky, one gone quiet."""
    brand = brand_id()
    for slug, members, segments in (("hz-west", 320, ("active",)), ("hz-east", 280, ("active",)),
                                    ("sh-vip", 120, ("vip",)), ("tiny-vip", 6, ("vip",)),
                                    ("old-friends", 90, ("loyal",))):
        add_group(brand, slug, members, segments)
    for group in db.session.scalars(db.select(Channel).where(Channel.slug.in_(("hz-west", "hz-east")))):
        group.name = {"hz-west": "杭州西湖店会员群", "hz-east": "杭州滨江店会员群"}[group.slug]
    db.session.commit()
    active = sent(approved(segment="active"), ["hz-west", "hz-east"], days_ago=3)
    vip = sent(approved(persona="chen", segment="vip", poster=True), ["sh-vip", "tiny-vip"], days_ago=5)
    sent(approved(segment="loyal"), ["old-friends"], days_ago=21)
    for delivery, people in zip(active + vip, (48, 22, 15, 4)):
        people_click(app, link_of(delivery), people, robots=2)


def test_the_reports_page_draws_its_chart_switches_breakdown_and_downloads_csv(ctx, app):
    seed_a_month_of_posts(app)

    with served(app) as base, chromium() as browser:
        page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900},
                                accept_downloads=True)
        log_in(page, base, "editor", PASSWORDS["editor"])
        page.goto(f"{base}/brands/chayun")
        page.click("#reports-link")
        page.wait_for_selector("#report-chart canvas")
        wait_for(page, f"({PAINTED})() > 2000")
        assert page.evaluate(BARS) == 3
        assert page.locator("#report-table tbody tr").count() == 3
        assert page.locator("#report-table tbody tr.below-reach").count() == 0
        assert page.locator(".health-table tr.quiet").count() == 1
        assert page.get_attribute(".health-table tr.quiet", "data-group") == "old-friends"
        assert "/briefs/new?" in page.get_attribute(".health-table tr.quiet a.winback", "href")
        shot(page, "reports-segment-zh")

        page.click(".breakdowns a[data-by=group]")
        page.wait_for_url("**/reports?by=group")
        wait_for(page, f"({PAINTED})() > 2000")
        assert page.evaluate(BARS) == 5
        assert page.locator("#report-table tbody tr").count() == 5
        assert page.get_attribute("#report-table tbody tr:first-child", "data-key") == "hz-west"
        assert page.get_attribute("#report-table tbody tr.below-reach", "data-key") == "tiny-vip"
        shot(page, "reports-group-zh")

        with page.expect_download() as waiting:
            page.click("#csv-link")
        download = waiting.value
        data = open(download.path(), "rb").read()
        assert download.suggested_filename == "chayun-group.csv" and data.startswith(b"\xef\xbb\xbf")
        lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert lines[0][:3] == ["代码", "群", "发送次数"]
        assert [line[0] for line in lines[1:]] == ["hz-west", "sh-vip", "hz-east", "old-friends", "tiny-vip"]
        assert lines[1][1] == "杭州西湖店会员群"

        page.click(".breakdowns a[data-by=template]")
        page.wait_for_url("**/reports?by=template")
        wait_for(page, f"({PAINTED})() > 2000")
        assert page.locator("#report-table tbody tr").count() == 2
        shot(page, "reports-template-zh")

        page.click(".breakdowns a[data-by=post]")
        page.wait_for_url("**/reports?by=post")
        wait_for(page, f"({PAINTED})() > 2000")
        assert page.evaluate(BARS) == 3 and "冬日品鉴会" in page.inner_text("#report-table")
        shot(page, "reports-post-zh")

        page.goto(f"{base}/lang/en")
        page.goto(f"{base}/brands/chayun/reports?by=persona")
        wait_for(page, f"({PAINTED})() > 2000")
        assert page.evaluate(BARS) == 2 and "Group health" in page.inner_text("main")
        assert stray_chinese(page.content()) == []
        shot(page, "reports-persona-en")


def test_an_admin_turns_orders_on_and_an_editor_imports_redemptions(ctx, app, runner, tmp_path):
    import json

    from studio.links.conversions import sign

    seed_a_month_of_posts(app)
    runner.invoke(args=["links", "create", "--brand", "chayun", "--url", "https://shop.example/gift",
                        "--group", "hz-east", "--segment", "active", "--coupon", "XMAS12"])
    redemptions = tmp_path / "redemptions.csv"
    redemptions.write_text("code,order_id,amount,redeemed_at\nXMAS12,R-1,199,2026-12-01 21:00\n"
                           "XMAS12,R-2,59.9,2026-12-02 09:30\nOTHER,R-3,10,2026-12-02 10:00\n", encoding="utf-8")

    with served(app) as base, chromium() as browser:
        page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
        log_in(page, base, "admin", PASSWORDS["admin"])
        page.goto(f"{base}/brands/chayun/reports?by=group")
        assert "还没有密钥" in page.inner_text("#orders")
        page.click("#rotate-order-secret")
        secret = page.inner_text("#new-order-secret code")
        body = json.dumps({"order_id": "W-1", "amount": "268.00", "token": link_of(_delivery_to("hz-west"))})
        answer = app.test_client().post("/api/v1/brands/chayun/orders", data=body, headers={
            "Content-Type": "application/json", "X-Studio-Signature": sign(secret, body.encode())})
        assert answer.status_code == 201
        page.set_input_files("#orders input[type=file]", str(redemptions))
        page.click("#import-redemptions")
        page.wait_for_url("**/reports#orders")
        assert "新订单 2" in page.inner_text(".flash") and "未知券码 1" in page.inner_text(".flash")
        page.goto(f"{base}/brands/chayun/reports?by=group")
        assert secret not in page.content() and "已设置密钥" in page.inner_text("#orders")
        cells = page.locator("#report-table tr[data-key=hz-east] td").all_inner_texts()
        assert cells[8:10] == ["2", "258.90"]
        assert "共 3 单，销售额 526.90 元；经链接带来 3 单" in page.inner_text("#orders")
        page.locator("#orders").scroll_into_view_if_needed()
        shot(page, "reports-orders-zh")
        page.once("dialog", lambda dialog: dialog.dismiss())  # replacing the secret asks first
        page.click("#rotate-order-secret")
        assert "已设置密钥" in page.inner_text("#orders")


def _delivery_to(group_slug: str) -> int:
    from studio.models import Delivery

    return db.session.scalar(db.select(Delivery.id).join(Channel, Channel.id == Delivery.channel_id)
                             .where(Channel.slug == group_slug))
