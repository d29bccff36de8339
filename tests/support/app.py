"""The real app on a throwaway data folder, database and Chroma index, and the test users' passwords."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import workers.tasks  # noqa: F401  eager-mode tests run the tasks registered under their names
from studio import create_app
from tests.support.runtime import ROOT

PASSWORDS = {"editor": "editor-pass-1", "editor2": "editor-pass-2", "reviewer": "reviewer-pass-1",
             "admin": "admin-pass-1"}
ROLES = {"editor": "editor", "editor2": "editor", "reviewer": "reviewer", "admin": "admin"}


def make_app(data_dir: Path, **overrides):
    from flask_migrate import upgrade

    config = {"STUDIO_DATA_DIR": str(data_dir), "TESTING": True, "WTF_CSRF_ENABLED": False,
              "SQLALCHEMY_DATABASE_URI": f"sqlite:///{data_dir / 'studio.sqlite3'}",
              "CELERY": {"broker_url": f"sqla+sqlite:///{data_dir / 'broker.sqlite3'}"}}
    config.update(overrides)
    app = create_app(config)
    with app.app_context():
        upgrade(directory=str(ROOT / "studio" / "migrations"))
    return app


def demo_app(data_dir: Path, **overrides):
    """make_app with the demo brand kit (chayun) imported."""
    from studio.brands import kits
    from studio.cli import DEMO_KIT

    app = make_app(data_dir, **overrides)
    with app.app_context():
        kits.import_brand_kit(DEMO_KIT)
        join_brands()
    return app


def add_users(*names: str) -> None:
    """Create these test users (PASSWORDS, ROLES) in the current app context."""
    from studio import accounts

    for name in names:
        accounts.create_user(name, PASSWORDS[name], ROLES[name])
    join_brands()


def join_brands() -> None:
    """Make the test users who exist members of every brand that exists, with their role in ROLES; tests of
    the boundary between brands add a brand afterwards, or remove a membership."""
    from studio.extensions import db
    from studio.models import Brand, Membership, User

    brand_ids = db.session.scalars(db.select(Brand.id)).all()
    for user in db.session.scalars(db.select(User).where(User.username.in_(list(ROLES)))):
        held = {m.brand_id for m in user.memberships}
        if user.is_site_admin:
            continue
        for brand_id in brand_ids:
            if brand_id not in held:
                user.memberships.append(Membership(brand_id=brand_id, role=ROLES[user.username]))
    db.session.commit()


class AuthActions:
    """Logs a test client in and out as one of the users in PASSWORDS."""

    def __init__(self, client):
        self.client = client

    def login(self, username: str):
        return self.client.post("/login", data={"username": username, "password": PASSWORDS[username]})

    def logout(self):
        return self.client.post("/logout")


@contextmanager
def demo_app_on(database: str, data_dir: Path, *users: str):
    """The demo brand's app on a fresh SQLite file ("sqlite") or PostgreSQL database ("postgresql"), with
    these users; the database is dropped afterwards."""
    from studio.extensions import db
    from tests.support.services import create_postgres_database, drop_postgres_database

    url = create_postgres_database() if database == "postgresql" else None
    overrides = {"SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://")} if url else {}
    app = demo_app(data_dir, **overrides)
    with app.app_context():
        add_users(*users)
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if url:
            drop_postgres_database(url)
