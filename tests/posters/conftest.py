"""A brand made from the demo kit's brand.yaml without indexing its knowledge: posters need no index."""
from __future__ import annotations

import pytest

from knowledge.kit import load_brand_kit
from studio.cli import DEMO_KIT
from studio.extensions import db
from studio.models import Brand, Persona

TASTING = dict(title="周五晚8点 冬日品鉴会：2024白牡丹对比2021老白茶",
               body="陈师傅带大家对比喝两个年份的白牡丹，新茶清鲜、老茶蜜甜。名额30位，19:30签到，备好盖碗和好奇心就行~",
               price="¥598")


def add_brand_from_kit(kit_dir=DEMO_KIT) -> Brand:
    """The kit's brand and personas as rows, the way an import leaves them."""
    kit = load_brand_kit(kit_dir)
    brand = Brand(slug=kit.slug, name=kit.name, timezone=kit.timezone, settings=kit.extra,
                  kit_path=str(kit_dir))
    db.session.add(brand)
    db.session.flush()
    for spec in kit.personas:
        db.session.add(Persona(brand_id=brand.id, slug=spec.slug, name=spec.name, voice=spec.voice))
    db.session.commit()
    return brand


@pytest.fixture
def poster_ctx(app):
    """Inside an app context with the demo brand's rows."""
    with app.app_context():
        add_brand_from_kit()
        yield app
