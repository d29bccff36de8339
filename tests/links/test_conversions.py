"""Orders from the brand's shop: a signed webhook and coupon redemptions, each attributed to the link it came
from, counted once, and reported per post, segment and group."""
from __future__ import annotations

import io
import json
from urllib.parse import parse_qs, urlsplit

from studio import links
from studio.extensions import db
from studio.links.analytics import analytics
from studio.links.conversions import sign
from studio.models import Brand, Conversion, Coupon, ShortLink
from tests.links.reporting import add_group, approved, brand_id, link_of, people_click, sent
from tests.links.test_clicks import PHONE
from tests.links.test_reports import by_key

ORDERS = "/api/v1/brands/chayun/orders"


def order_secret(runner) -> str:
    db.session.rollback()
    result = runner.invoke(args=["orders", "secret", "--brand", "chayun", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["secret"]


def post_order(app, secret: str, order: dict, signature: str | None = None):
    body = json.dumps(order).encode()
    headers = {"Content-Type": "application/json", "X-Studio-Signature": signature or sign(secret, body)}
    response = app.test_client().post(ORDERS, data=body, headers=headers)
    db.session.rollback()
    return response


def follow_uncached(app, token: str) -> str:
    """Where the link sends a phone now: a destination is cached for 30 s, and the test does not wait."""
    links._resolved.clear()
    return app.test_client().get(f"/l/{token}", headers={"User-Agent": PHONE}).headers["Location"]


def test_a_signed_order_from_a_clicked_link_counts_for_its_post_segment_and_group(ctx, app, runner):
    brand = brand_id()
    add_group(brand, "north", 200)
    add_group(brand, "south", 150)
    post = approved()
    to_north, to_south = sent(post, ["north", "south"])
    people_click(app, link_of(to_north), 10)
    secret = order_secret(runner)

    # A buyer taps the link in the north group; the shop keeps the address it landed on.
    landing = follow_uncached(app, link_of(to_north))
    query = parse_qs(urlsplit(landing).query)
    assert query["click_ref"] == [link_of(to_north)] and query["utm_medium"] == ["community"]

    first = post_order(app, secret, {"order_id": "YZ-1001", "amount": "168.00", "landing_url": landing,
                                     "ordered_at": "2026-12-01T20:15:00+08:00"})
    again = post_order(app, secret, {"order_id": "YZ-1001", "amount": "168.00", "landing_url": landing})
    second = post_order(app, secret, {"order_id": "YZ-1002", "amount": 99.5, "token": link_of(to_north)})
    by_token_of_south = post_order(app, secret, {"order_id": 1003, "amount": "30", "token": link_of(to_south)})

    assert first.status_code == 201, first.json
    assert first.json == {"order_id": "YZ-1001", "amount": "168.00", "currency": "CNY",
                          "ordered_at": "2026-12-01T12:15:00Z", "token": link_of(to_north),
                          "attributed_by": "landing_url", "source": "webhook", "duplicate": False}
    assert again.status_code == 200 and again.json["duplicate"] is True  # a retry of the same order
    assert second.status_code == 201 and second.json["attributed_by"] == "token"
    assert by_token_of_south.status_code == 201 and by_token_of_south.json["order_id"] == "1003"
    assert db.session.scalar(db.select(db.func.count()).select_from(Conversion)) == 3
    groups = by_key(analytics("chayun", "group", min_reach=50))
    assert (groups["north"]["orders"], groups["north"]["revenue"]) == (2, 267.5)
    assert (groups["south"]["orders"], groups["south"]["revenue"]) == (1, 30.0)
    [segment] = analytics("chayun", "segment", min_reach=50)
    [by_post] = analytics("chayun", "post", min_reach=50)
    assert (segment["key"], segment["orders"], segment["revenue"]) == ("active", 3, 297.5)
    assert (by_post["key"], by_post["orders"]) == (str(post.id), 3)


def test_links_carry_no_click_ref_until_the_brand_takes_orders(ctx, app, runner):
    add_group(brand_id(), "north", 200)
    [delivery] = sent(approved(), ["north"])
    token = link_of(delivery)

    before = app.test_client().get(f"/l/{token}", headers={"User-Agent": PHONE}).headers["Location"]
    order_secret(runner)
    after_cache = follow_uncached(app, token)

    assert "click_ref" not in parse_qs(urlsplit(before).query)
    assert parse_qs(urlsplit(after_cache).query)["click_ref"] == [token]


def test_an_order_without_a_valid_signature_is_refused_and_nothing_is_stored(ctx, app, runner):
    unset = post_order(app, "", {"order_id": "A", "amount": "1"}, signature="sha256=00")
    secret = order_secret(runner)
    wrong = post_order(app, secret, {"order_id": "A", "amount": "1"}, signature=sign("whsec_other", b"{}"))
    missing = app.test_client().post(ORDERS, json={"order_id": "A", "amount": "1"})
    tampered_body = json.dumps({"order_id": "A", "amount": "1000"}).encode()
    tampered = app.test_client().post(ORDERS, data=tampered_body, headers={
        "Content-Type": "application/json", "X-Studio-Signature": sign(secret, b'{"order_id": "A", "amount": "1"}')})

    assert [r.status_code for r in (unset, wrong, missing, tampered)] == [401, 401, 401, 401]
    assert "X-Studio-Signature" in unset.json["error"]["message"]
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(Conversion)) == 0


def test_a_bad_field_is_named_and_nothing_is_stored(ctx, app, runner):
    secret = order_secret(runner)
    cases = {"order_id": {"amount": "10"}, "amount": {"order_id": "B1", "amount": "ten yuan"},
             "currency": {"order_id": "B2", "amount": "1", "currency": "USD"},
             "ordered_at": {"order_id": "B3", "amount": "1", "ordered_at": "yesterday"}}
    negative = post_order(app, secret, {"order_id": "B4", "amount": "-5"})
    future = post_order(app, secret, {"order_id": "B5", "amount": "5", "ordered_at": "2099-01-01T00:00:00Z"})
    nested = b'{"order_id": "B6", "amount": "1", "x": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    deep = app.test_client().post(ORDERS, data=nested, headers={"Content-Type": "application/json",
                                                                "X-Studio-Signature": sign(secret, nested)})

    for field, order in cases.items():
        response = post_order(app, secret, order)
        assert response.status_code == 400 and field in response.json["error"]["message"], (field, response.json)
    assert negative.status_code == 400 and "amount" in negative.json["error"]["message"]
    assert future.status_code == 400 and "future" in future.json["error"]["message"]
    assert deep.status_code == 400
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(Conversion)) == 0


def test_another_brands_token_attributes_nothing(ctx, app, runner):
    other = Brand(slug="other", name="别家", timezone="Asia/Shanghai", settings={})
    db.session.add(other)
    db.session.flush()
    db.session.add(ShortLink(token="OtherBrand01", destination="https://other.example/", brand_id=other.id, utm={},
                             clicks=0, unique_clicks=0, bot_clicks=0))
    db.session.commit()
    secret = order_secret(runner)

    response = post_order(app, secret, {"order_id": "C1", "amount": "20", "token": "OtherBrand01"})

    assert response.status_code == 201
    assert (response.json["token"], response.json["attributed_by"]) == (None, None)
    result = runner.invoke(args=["orders", "stats", "--brand", "chayun", "--json"])
    assert json.loads(result.output) == {"orders": 1, "revenue": 20.0, "attributed_orders": 0,
                                         "attributed_revenue": 0.0, "unattributed_orders": 1}


def test_coupon_redemptions_are_attributed_by_code_once_and_a_bad_file_changes_nothing(ctx, app, runner, tmp_path):
    add_group(brand_id(), "north", 200)
    made = runner.invoke(args=["links", "create", "--brand", "chayun", "--url", "https://shop.example/gift",
                               "--group", "north", "--segment", "active", "--coupon", "tea618", "--json"])
    taken = runner.invoke(args=["links", "create", "--brand", "chayun", "--url", "https://shop.example/other",
                                "--coupon", "TEA618", "--json"])
    good = tmp_path / "redemptions.csv"
    good.write_text("code,order_id,amount,redeemed_at\n"
                    "TEA618,W-1,128.00,2026-12-01 20:30\n"
                    "tea618,W-2,\"1,280.50\",2026-12-02T09:00:00+08:00\n"
                    "SUMMER9,W-3,50,2026-12-02 10:00\n"
                    "TEA618,W-1,128.00,2026-12-01 20:30\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("code,order_id,amount,redeemed_at\n"
                   "TEA618,W-9,12,2026-12-01 20:30\n"
                   "TEA618,W-10,twelve,2026-12-01 20:30\n"
                   "TEA618,,12,\n", encoding="utf-8")

    imported = runner.invoke(args=["orders", "import", str(good), "--brand", "chayun", "--json"])
    again = runner.invoke(args=["orders", "import", str(good), "--brand", "chayun", "--json"])
    refused = runner.invoke(args=["orders", "import", str(bad), "--brand", "chayun", "--json"])

    assert made.exit_code == 0 and json.loads(made.output)["coupon"] == "TEA618"
    assert taken.exit_code == 1 and "TEA618" in taken.output and json.loads(made.output)["token"] in taken.output
    assert json.loads(imported.output) == {"rows": 4, "created": 2, "duplicates": 1, "attributed": 2, "skipped": 1,
                                           "unknown_codes": ["SUMMER9"]}
    assert json.loads(again.output)["created"] == 0 and json.loads(again.output)["duplicates"] == 3
    assert refused.exit_code == 1
    assert "line 3" in refused.output and "amount" in refused.output and "line 4" in refused.output
    assert "line 2:" not in refused.output
    db.session.rollback()
    stored = db.session.scalars(db.select(Conversion).order_by(Conversion.order_id)).all()
    assert [(c.order_id, c.amount_cents, c.coupon, c.attributed_by) for c in stored] == [
        ("W-1", 12800, "TEA618", "coupon"), ("W-2", 128050, "TEA618", "coupon")]
    assert db.session.scalar(db.select(db.func.count()).select_from(Coupon)) == 1
    [north] = [row for row in analytics("chayun", "group", 50) if row["key"] == "north"]
    assert (north["orders"], north["revenue"]) == (2, 1408.5)


def test_the_reports_page_shows_orders_and_a_new_secret_only_once(ctx, app, client, auth):
    import lxml.html

    add_group(brand_id(), "north", 200)
    [delivery] = sent(approved(), ["north"])
    auth.login("editor")
    refused = client.post("/brands/chayun/orders/secret", data={"by": "group"})
    auth.logout()
    auth.login("admin")

    made = client.post("/brands/chayun/orders/secret", data={"by": "group"}).get_data(as_text=True)
    secret = lxml.html.document_fromstring(made).get_element_by_id("new-order-secret").findtext("code")
    post_order(app, secret, {"order_id": "P-1", "amount": "88", "token": link_of(delivery)})
    later = client.get("/brands/chayun/reports?by=group").get_data(as_text=True)
    page = lxml.html.document_fromstring(later)

    assert refused.status_code == 403
    assert secret.startswith("whsec_") and len(secret) > 40
    assert secret not in later and secret[:10] in later
    assert page.get_element_by_id("order-webhook-url").text.endswith("/api/v1/brands/chayun/orders")
    [row] = page.xpath('//table[@id="report-table"]//tr[@data-key="north"]')
    assert [cell.text_content().strip() for cell in row.xpath("td")][8:10] == ["1", "88.00"]
    assert "共 1 单，销售额 88.00 元；经链接带来 1 单" in page.get_element_by_id("orders").text_content()


def test_redemptions_imported_on_the_page_say_what_came_in(ctx, app, client, auth, runner):
    add_group(brand_id(), "north", 200)
    runner.invoke(args=["links", "create", "--brand", "chayun", "--url", "https://shop.example/gift",
                        "--group", "north", "--coupon", "WINTER8"])
    auth.login("editor")
    data = "code,order_id,amount,redeemed_at\nWINTER8,K-1,66,2026-12-01 19:00\nNOPE,K-2,1,2026-12-01 19:00\n"

    answer = client.post("/brands/chayun/orders/import", data={"file": (io.BytesIO(data.encode()), "r.csv")},
                         content_type="multipart/form-data")
    shown = client.get(answer.headers["Location"]).get_data(as_text=True)
    broken = client.post("/brands/chayun/orders/import", headers={"Referer": "http://localhost/brands/chayun/reports"},
                         data={"file": (io.BytesIO(b"code,order_id\nX,1\n"), "r.csv")},
                         content_type="multipart/form-data")

    assert answer.status_code == 302 and answer.headers["Location"].endswith("/brands/chayun/reports#orders")
    assert "已导入核销记录：2 行，新订单 1，重复 0，未知券码 1" in shown
    assert broken.status_code == 302
    assert "amount, redeemed_at" in client.get(broken.headers["Location"]).get_data(as_text=True)


def test_the_order_secret_is_stored_encrypted(ctx, app, runner):
    secret = order_secret(runner)

    stored = db.session.scalar(db.select(Brand).where(Brand.slug == "chayun")).settings["studio"]
    response = post_order(app, secret, {"order_id": "E-1", "amount": "1"})

    assert secret not in json.dumps(stored) and stored["order_webhook_secret"].startswith("enc1:")
    assert response.status_code == 201
