"""Is the database at the newest migration? Commands ask before touching it."""
from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from studio.errors import DatabaseNotMigrated
from studio.extensions import db

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def head_revisions() -> set[str]:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return set(ScriptDirectory.from_config(config).get_heads())


def require_migrated() -> None:
    """Raise DatabaseNotMigrated unless the database is at the newest migration."""
    with db.engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    if current != head_revisions():
        raise DatabaseNotMigrated("数据库尚未迁移到最新版本：请先运行 `studio db upgrade` "
                                  "/ the database is not migrated: run `studio db upgrade`")
