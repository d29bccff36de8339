"""One clock: every time the studio shows is wall-clock time in the brand's zone, with the zone named."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from studio.brands.kits import get_brand
from studio.distribution import alerts, deliveries, scheduling, sending
from studio.extensions import db
from studio.i18n import brand_time
from studio.models import AuditEvent, Delivery, Post, SandboxMessage
from tests.support.posts import approved_post, make_due, user


def tomorrow_evening(zone: str) -> datetime:
    """20:00 tomorrow on the brand's wall clock, naive, as the schedule form sends it."""
    return (datetime.now(ZoneInfo(zone)) + timedelta(days=1)).replace(hour=20, minute=0, second=0,
                                                                         microsecond=0, tzinfo=None)


def scheduled_post(zone: str = "Asia/Shanghai") -> tuple[Post, datetime]:
    brand = get_brand("chayun")
    brand.timezone = zone
    db.session.commit()
    post = approved_post()
    local = tomorrow_evening(zone)
    scheduling.schedule_post(post.id, local, ["sandbox-main"], user("reviewer"))
    return post, local


def test_brand_time_names_the_zone_and_keeps_utc_underneath():
    stored = datetime(2026, 12, 2, 12, 0)  # naive UTC, as the database keeps it
    assert brand_time(stored, "Asia/Shanghai") == "2026-12-02 20:00 (Asia/Shanghai)"
    assert brand_time(stored, "America/New_York", seconds=True) == "2026-12-02 07:00:00 (America/New_York)"
    assert brand_time(None, "Asia/Shanghai") == ""


def test_the_deliveries_page_dashboard_and_post_page_show_the_same_brand_time(ctx, client, auth):
    post, local = scheduled_post()
    [row] = scheduling.deliveries_of(post.id)
    assert row.due_at == local - timedelta(hours=8), "the database keeps UTC"
    due = f"{local:%Y-%m-%d %H:%M} (Asia/Shanghai)"
    auth.login("reviewer")

    for path in ("/deliveries", f"/posts/{post.id}"):
        page = client.get(path).get_data(as_text=True)
        assert due in page, path
        assert f"{row.due_at:%Y-%m-%d %H:%M}" not in page, f"{path} shows UTC"
        assert "(UTC)" not in page and " UTC<" not in page, path

    dashboard = client.get("/").get_data(as_text=True)
    updated = db.session.get(Post, post.id).updated_at
    assert brand_time(updated, "Asia/Shanghai") in dashboard
    assert " UTC<" not in dashboard


def test_another_brand_zone_moves_every_clock_with_it(ctx, client, auth):
    post, local = scheduled_post("America/New_York")
    auth.login("reviewer")
    page = client.get(f"/posts/{post.id}").get_data(as_text=True)
    assert f"{local:%Y-%m-%d %H:%M} (America/New_York)" in page
    assert "Asia/Shanghai" not in page
    for event in db.session.scalars(db.select(AuditEvent).where(AuditEvent.post_id == post.id)):
        assert brand_time(event.at, "America/New_York", seconds=True) in page, event.action
    assert f"{local:%Y-%m-%d %H:%M} (America/New_York)" in client.get("/deliveries").get_data(as_text=True)


def test_the_sandbox_chat_shows_when_a_message_arrived_on_the_brand_clock(ctx, client, auth):
    post, _ = scheduled_post()
    make_due(post.id)
    for delivery_id in deliveries.claim_due_deliveries():
        sending.send_delivery(delivery_id)
    message = db.session.scalars(db.select(SandboxMessage)).one()
    auth.login("editor")
    [shown] = client.get(f"/sandbox/{message.channel_id}/messages.json").json
    assert shown["time"] == brand_time(message.received_at, "Asia/Shanghai")
    assert shown["time"].endswith("(Asia/Shanghai)")
    assert "Asia/Shanghai" in client.get(f"/sandbox/{message.channel_id}").get_data(as_text=True)


def test_a_delivery_alert_names_the_due_time_in_the_brand_zone(ctx):
    post, local = scheduled_post()
    [row] = scheduling.deliveries_of(post.id)
    row.status, row.response = "failed", "HTTP 403"
    db.session.commit()
    alerts.send_alert(row.id, "failed")
    alert = db.session.scalars(db.select(SandboxMessage)).one()
    assert f"{local:%Y-%m-%d %H:%M} (Asia/Shanghai)" in alert.body
    assert f"{db.session.get(Delivery, row.id).due_at:%Y-%m-%d %H:%M}" not in alert.body, "no UTC in the alert"
