"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from studio.extensions import db
from tests.support import create_postgres_database, drop_postgres_database
from tests.support.app import make_app


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_migrated_schema_matches_the_models(tmp_path, database):
    url = create_postgres_database() if database == "postgresql" else f"sqlite:///{tmp_path / 'm.sqlite3'}"
    try:
        app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=url.replace("postgresql://", "postgresql+psycopg://"))
        with app.app_context():
            with db.engine.connect() as connection:
                assert compare_metadata(MigrationContext.configure(connection), db.metadata) == []
                indexes = {ix["name"] for ix in db.inspect(connection).get_indexes("delivery")}
            db.engine.dispose()
        assert "ix_delivery_status_not_before" in indexes
    finally:
        if database == "postgresql":
            drop_postgres_database(url)


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_a_token_from_before_scopes_keeps_working_after_the_upgrade(tmp_path, database):
    """Migration 0015 moves a user's one token into api_token with every scope, no brand and no expiry."""
    import hashlib

    from flask_migrate import downgrade, upgrade

    from studio import api_tokens, create_app
    from studio.models import ApiToken
    from tests.support.runtime import ROOT

    migrations = str(ROOT / "studio" / "migrations")
    url = create_postgres_database() if database == "postgresql" else f"sqlite:///{tmp_path / 'm.sqlite3'}"
    token = "cs_" + "old-token-made-before-scopes-existed-0123456"
    digest = hashlib.sha256(token.encode()).hexdigest()
    try:
        app = create_app({"STUDIO_DATA_DIR": str(tmp_path), "TESTING": True,
                          "SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://"),
                          "CELERY": {"broker_url": f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}"}})
        with app.app_context():
            upgrade(directory=migrations, revision="0014")
            db.session.execute(db.text(
                "INSERT INTO brand (slug, name, timezone, settings, kit_path, imported_at) "
                "VALUES ('chayun', '茶韵山房', 'Asia/Shanghai', '{}', '', CURRENT_TIMESTAMP)"))
            db.session.execute(db.text(
                "INSERT INTO \"user\" (username, password_hash, role, api_token_hash, session_epoch, created_at) "
                "VALUES ('mei', 'x', 'member', :digest, 0, CURRENT_TIMESTAMP)"), {"digest": digest})
            db.session.execute(db.text(
                "INSERT INTO membership (user_id, brand_id, role, created_at) SELECT u.id, b.id, 'editor', "
                "CURRENT_TIMESTAMP FROM \"user\" u, brand b"))
            db.session.commit()
            upgrade(directory=migrations)
            row = db.session.scalar(db.select(ApiToken))
            assert (row.digest, row.brand_id, row.expires_at, row.revoked_at, row.name) == \
                (digest, None, None, None, "legacy")
            assert row.scopes == list(api_tokens.SCOPES) and row.prefix == digest[:8]
        answer = app.test_client().get("/api/v1/brands", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200 and [b["slug"] for b in answer.json] == ["chayun"]
        with app.app_context():
            db.session.remove()
            downgrade(directory=migrations, revision="0014")
            assert db.session.execute(db.text("SELECT api_token_hash FROM \"user\"")).scalar() == digest
            db.session.remove()
            db.engine.dispose()
    finally:
        if database == "postgresql":
            drop_postgres_database(url)
