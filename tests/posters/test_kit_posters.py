"""A brand kit's poster colours, images, avatars and templates are checked when the kit is imported."""
from __future__ import annotations

import io
import shutil

import pytest
import yaml
from PIL import Image, ImageStat

from studio.brands import kits
from studio.cli import DEMO_KIT
from studio.errors import InvalidInput, NotFound
from studio.extensions import db
from studio.models import Brand
from studio.posters.service import PosterRequest, make_poster


def kit_copy(tmp_path, change):
    kit = tmp_path / "kit"
    shutil.copytree(DEMO_KIT, kit)
    data = yaml.safe_load((kit / "brand.yaml").read_text(encoding="utf-8"))
    change(kit, data["poster"])
    (kit / "brand.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return kit


def test_a_kit_with_poster_problems_is_refused_naming_each(app, tmp_path):
    def spoil(kit, poster):
        poster["colors"]["primary"] = "green"
        poster["colors"]["glow"] = "#FFFFFF"
        poster["images"]["product"] = "posters/missing.png"
        poster["images"]["logo"] = "../../etc/passwd"
        poster["avatars"]["stranger"] = "posters/chen.png"
        (kit / "posters" / "broken.png").write_bytes(b"not a picture")
        poster["images"]["banner"] = "posters/broken.png"
        poster["products"]["BM-2021"] = "posters/no-such-tin.png"
        poster["link"] = "ftp://files.example/"
        poster["templates"] = "posters/templates"
        (kit / "posters" / "templates").mkdir()
        (kit / "posters" / "templates" / "odd.yaml").write_text("name: odd\nsize: [10, 10]\nlayers: []\n")

    kit = kit_copy(tmp_path, spoil)
    with app.app_context():
        with pytest.raises(InvalidInput) as caught:
            kits.import_brand_kit(kit)
        assert db.session.scalar(db.select(Brand)) is None
    message = str(caught.value)
    for expected in ("colors.primary: 'green'", "'glow' is not one of", "posters/missing.png",
                     "outside the brand kit", "'stranger' is not a persona", "broken.png is not an image",
                     "link must be an http(s) address", "odd.yaml", "posters/no-such-tin.png"):
        assert expected in message, expected


def test_the_demo_kit_poster_section_is_valid():
    from knowledge.kit import load_brand_kit
    from studio.posters.kit import check_poster_kit

    kit = load_brand_kit(DEMO_KIT)
    assert check_poster_kit(kit.root, kit.extra["poster"], [p.slug for p in kit.personas]) == []


def test_a_poster_shows_the_picture_of_the_product_it_names(poster_ctx):
    def product_area(sku: str):
        data = make_poster(PosterRequest(brand="chayun", title="品鉴会", template="share-card",
                                         product=sku)).rendered.data
        with Image.open(io.BytesIO(data)) as image:
            return ImageStat.Stat(image.crop((60, 200, 360, 560))).mean  # the product box of share-card

    general, spring, aged = product_area(""), product_area("BM-2024"), product_area("BM-2021")

    assert general == pytest.approx(spring, abs=1.0)  # the kit's general picture is the 2024 tin
    assert sum(abs(a - b) for a, b in zip(spring, aged)) > 15  # the 2021 tin is brown, not green and white


def test_a_product_without_a_picture_is_refused_naming_those_that_have_one(poster_ctx):
    with pytest.raises(NotFound) as caught:
        make_poster(PosterRequest(brand="chayun", title="品鉴会", product="SY-2025"))

    assert "SY-2025" in str(caught.value) and "BM-2024" in str(caught.value)
