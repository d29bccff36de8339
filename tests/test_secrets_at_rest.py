"""Secrets at rest: a channel's target and settings are stored encrypted, read back as written, and a
migration encrypts rows stored before, on SQLite and PostgreSQL."""
from __future__ import annotations

import json
import os
import stat

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from studio.extensions import db
from studio.models import Channel
from studio.secret_box import KEY_FILE, PREFIX, SecretsKeyMismatch, load_box
from tests.support import create_postgres_database, drop_postgres_database
from tests.support.app import ROOT, make_app

WEBHOOK = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
MIGRATIONS = str(ROOT / "studio" / "migrations")


def raw_channel(slug: str) -> tuple[str, str]:
    return db.session.execute(sa.text("SELECT target, settings FROM channel WHERE slug = :slug"),
                              {"slug": slug}).one()


def test_a_channels_key_and_secrets_never_reach_the_database_in_the_clear(ctx):
    brand_id = db.session.scalar(sa.select(Channel.brand_id))
    db.session.add(Channel(brand_id=brand_id, slug="wecom-vip", name="VIP群", type="wecom", target=WEBHOOK,
                           settings={"name": "VIP群", "secret": "SEC-sign-me-9f8e"}))
    db.session.commit()

    target, settings = raw_channel("wecom-vip")
    db.session.expire_all()
    channel = db.session.scalar(sa.select(Channel).where(Channel.slug == "wecom-vip"))

    assert target.startswith(PREFIX) and settings.startswith(PREFIX)
    assert "693a91f6" not in target and "SEC-sign-me" not in settings and "VIP" not in settings
    assert channel.target == WEBHOOK and channel.settings == {"name": "VIP群", "secret": "SEC-sign-me-9f8e"}
    assert all(raw_channel(c.slug)[0].startswith(PREFIX) for c in db.session.scalars(sa.select(Channel)))


def test_the_key_is_made_once_in_the_data_folder_for_its_owner_only(tmp_path):
    first = load_box(tmp_path, environ={})
    again = load_box(tmp_path, environ={})
    mode = stat.S_IMODE(os.stat(tmp_path / KEY_FILE).st_mode)

    assert mode == 0o600
    assert again.decrypt(first.encrypt(b"x")) == b"x"


def test_a_wrong_key_is_named_not_a_crash_deep_in_a_page(app, demo_brand, tmp_path, monkeypatch):
    with app.app_context():
        app.extensions["secret_box"] = load_box(tmp_path / "another", environ={})
        with pytest.raises(SecretsKeyMismatch, match="STUDIO_SECRETS_KEY"):
            db.session.scalars(sa.select(Channel)).all()


def test_a_key_from_the_environment_wins_and_keys_can_be_rotated(tmp_path):
    from cryptography.fernet import Fernet

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    token = load_box(tmp_path, environ={"STUDIO_SECRETS_KEY": old}).encrypt(b"secret")

    rotated = load_box(tmp_path, environ={"STUDIO_SECRETS_KEY": f"{new},{old}"})

    assert rotated.decrypt(token) == b"secret"
    assert not (tmp_path / KEY_FILE).exists()


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_the_migration_encrypts_rows_stored_before_and_the_downgrade_restores_them(tmp_path, database):
    url = create_postgres_database() if database == "postgresql" else f"sqlite:///{tmp_path / 'm.sqlite3'}"
    try:
        app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=url.replace("postgresql://", "postgresql+psycopg://"))
        with app.app_context():
            downgrade(directory=MIGRATIONS, revision="0011")
            with db.engine.begin() as connection:
                connection.execute(sa.text("INSERT INTO brand (slug, name, timezone, settings, kit_path, imported_at)"
                                           " VALUES ('b', 'B', 'Asia/Shanghai', '{}', '', CURRENT_TIMESTAMP)"))
                connection.execute(sa.text(
                    "INSERT INTO channel (brand_id, slug, name, type, target, settings, active, segments, region, "
                    "store, members, tags, owner, origin) SELECT id, 'old', 'Old', 'wecom', :target, :settings, "
                    "true, '[]', '', '', 0, '[]', '', 'kit' FROM brand"),
                    {"target": WEBHOOK, "settings": json.dumps({"secret": "kept-secret"})})
            upgrade(directory=MIGRATIONS)
            target, settings = raw_channel("old")
            channel = db.session.scalar(sa.select(Channel).where(Channel.slug == "old"))
            read_back = (channel.target, channel.settings)
            db.session.rollback()
            downgrade(directory=MIGRATIONS, revision="0011")
            with db.engine.connect() as connection:
                plain = connection.execute(sa.text("SELECT target, settings FROM channel")).one()
            db.engine.dispose()

        assert target.startswith(PREFIX) and "kept-secret" not in settings
        assert read_back == (WEBHOOK, {"secret": "kept-secret"})
        plain_settings = json.loads(plain[1]) if isinstance(plain[1], str) else plain[1]
        assert (plain[0], plain_settings) == (WEBHOOK, {"secret": "kept-secret"})
    finally:
        if database == "postgresql":
            drop_postgres_database(url)
