"""A copy of the demo kit imported as the brand, so that tests may change its files; test users join it."""
from __future__ import annotations

import shutil

import pytest

from studio.brands import kits
from studio.cli import DEMO_KIT
from tests.support.app import join_brands


@pytest.fixture
def kit(app, tmp_path):
    target = tmp_path / "kit"
    shutil.copytree(DEMO_KIT, target)
    with app.app_context():
        kits.import_brand_kit(target)
        join_brands()
    return target


@pytest.fixture
def admin(client, auth, kit):
    """A test client signed in as the site admin."""
    auth.login("admin")
    return client
