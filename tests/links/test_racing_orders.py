"""A shop that sends one order twice at the same moment (a retry racing the original) stores it once, on
SQLite and on PostgreSQL: the unique order id decides, not a look before the insert."""
import json
import threading

import pytest

from studio.extensions import db
from studio.links.analytics import brand_by_slug
from studio.links.conversions import sign, webhook_secret
from studio.models import Conversion
from tests.support.app import demo_app_on


@pytest.fixture(params=["sqlite", "postgresql"])
def shop_app(request, tmp_path):
    with demo_app_on(request.param, tmp_path / "data") as app:
        yield app


def test_the_same_order_sent_eight_times_at_once_is_stored_once(shop_app):
    with shop_app.app_context():
        secret, _ = webhook_secret(brand_by_slug("chayun"))
        db.session.commit()
    body = json.dumps({"order_id": "RACE-1", "amount": "88.00"}).encode()
    headers = {"Content-Type": "application/json", "X-Studio-Signature": sign(secret, body)}
    start = threading.Barrier(8, timeout=30)
    statuses = []

    def shop():
        client = shop_app.test_client()
        start.wait()
        statuses.append(client.post("/api/v1/brands/chayun/orders", data=body, headers=headers).status_code)

    threads = [threading.Thread(target=shop) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sorted(statuses) == [200] * 7 + [201]
    with shop_app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Conversion)) == 1
