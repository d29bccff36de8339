"""A shop that sends one order twice at the same moment (a retry racing the original) stores it once, on
SQLite and on PostgreSQL: the unique order id decides, not a look before the insert."""
import json
import threading

import pytest

from studio.brands import kits
from studio.cli import DEMO_KIT
from studio.extensions import db
from studio.links.analytics import brand_by_slug
from studio.links.conversions import sign, webhook_secret
from studio.models import Conversion
from tests.support import create_postgres_database, drop_postgres_database
from tests.support.app import make_app


@pytest.fixture(params=["sqlite", "postgresql"])
def shop_app(request, tmp_path):
    url = create_postgres_database() if request.param == "postgresql" else None
    overrides = {"SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://")} if url else {}
    app = make_app(tmp_path / "data", **overrides)
    with app.app_context():
        kits.import_brand_kit(DEMO_KIT)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if url:
        drop_postgres_database(url)


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
