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
