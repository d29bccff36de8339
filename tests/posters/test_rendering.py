"""Each template renders as its golden image (within a perceptual tolerance), within its byte budget,
and with a QR code that scans back to the poster's short link."""
from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pytest
import yaml
from PIL import Image, ImageFilter

from studio.cli import DEMO_KIT
from studio.posters.kit import poster_kit
from studio.posters.qr import decode_encoded, decode_qr, qr_image
from studio.posters.render import PosterContent, QRUnreadable, render_poster
from studio.posters.templates import Template, available_templates, get_template, load_template_file
from tests.posters.conftest import TASTING

GOLDEN = Path(__file__).parent / "golden"
QR_URL = "http://127.0.0.1:5000/l/GoldenTok3"
# Goldens are kept at a quarter of the size; compared after a slight blur, as a person sees the poster.
GOLDEN_SCALE = 4
MEAN_TOLERANCE, PIXEL_TOLERANCE, PIXEL_SHARE = 2.0, 48, 0.01


def demo_kit():
    settings = yaml.safe_load((DEMO_KIT / "brand.yaml").read_text(encoding="utf-8"))["poster"]
    return poster_kit(DEMO_KIT, settings)


def content(kit, **overrides) -> PosterContent:
    values = dict(TASTING, qr_url=QR_URL, cta=kit.cta, footer=kit.footer, persona_name="小茶",
                  persona_slug="xiaocha")
    values.update(overrides)
    return PosterContent(**values)


def perceptual(image: Image.Image, size: tuple[int, int]) -> np.ndarray:
    small = image.convert("L").resize(size, Image.Resampling.BOX).filter(ImageFilter.GaussianBlur(1))
    return np.asarray(small, dtype=np.int16)


@pytest.mark.parametrize("name", sorted(available_templates()))
def test_each_template_matches_its_golden_image(name):
    kit = demo_kit()
    template = get_template(name)
    rendered = render_poster(template, kit, content(kit))
    image = Image.open(io.BytesIO(rendered.data))
    size = (image.width // GOLDEN_SCALE, image.height // GOLDEN_SCALE)
    golden_path = GOLDEN / f"{name}.png"
    if os.environ.get("STUDIO_UPDATE_GOLDEN"):  # rewrite the golden, then compare against what was written
        image.convert("L").resize(size, Image.Resampling.BOX).save(golden_path, optimize=True)
    golden = np.asarray(Image.open(golden_path).convert("L").filter(ImageFilter.GaussianBlur(1)), dtype=np.int16)
    difference = np.abs(perceptual(image, size) - golden)
    assert difference.mean() <= MEAN_TOLERANCE, f"{name}: mean difference {difference.mean():.2f}"
    assert (difference > PIXEL_TOLERANCE).mean() <= PIXEL_SHARE, f"{name}: too many pixels changed"


@pytest.mark.parametrize("name", sorted(available_templates()))
def test_each_template_stays_within_its_byte_budget_and_its_qr_scans(name):
    kit = demo_kit()
    template = get_template(name)
    for fmt in ("jpeg", "webp"):
        rendered = render_poster(template, kit, content(kit), fmt=fmt)
        assert len(rendered.data) <= template.max_kb * 1024
        assert decode_encoded(rendered.data) == [QR_URL]
        assert Image.open(io.BytesIO(rendered.data)).format == fmt.upper()


def test_the_budgets_are_600_kb_for_a_poster_and_200_kb_for_a_share_card():
    assert get_template("poster").max_kb <= 600 and get_template("share-card").max_kb <= 200
    assert (get_template("share-card").width, get_template("share-card").height) == (1000, 800)
    assert (get_template("poster").width, get_template("poster").height) == (1080, 1920)
    assert (get_template("square").width, get_template("square").height) == (1080, 1080)


def test_lines_come_title_first_then_body_as_drawn():
    kit = demo_kit()
    rendered = render_poster(get_template("poster"), kit, content(kit))
    roles = [line["role"] for line in rendered.lines]
    assert roles == sorted(roles, key=["title", "body"].index) and roles[0] == "title" and "body" in roles
    assert "".join(line["text"] for line in rendered.lines if line["role"] == "title").replace(" ", "") == \
        TASTING["title"].replace(" ", "")


def test_a_long_body_shrinks_to_its_floor_and_ends_in_an_ellipsis():
    kit = demo_kit()
    rendered = render_poster(get_template("share-card"), kit, content(kit, body="一山一水一盏茶，慢慢来。" * 40))
    body = [line["text"] for line in rendered.lines if line["role"] == "body"]
    assert body[-1].endswith("…") and len(body) <= 6


def test_a_qr_with_a_logo_uses_high_error_correction_and_still_scans():
    image = qr_image(QR_URL, 240, with_logo=True)
    # Cover the middle fifth, as the logo does.
    side = image.width // 5
    image.paste((40, 80, 60), (image.width // 2 - side // 2, image.height // 2 - side // 2,
                               image.width // 2 + side // 2, image.height // 2 + side // 2))
    assert decode_qr(image) == [QR_URL]


def test_a_poster_whose_qr_does_not_scan_is_refused_with_the_reason(tmp_path):
    kit = demo_kit()
    source = yaml.safe_load(Path(get_template("poster").source).read_text(encoding="utf-8"))
    # A colour block drawn over the lower half of the code, as a careless template edit would.
    source["layers"].append({"type": "block", "box": [72, 1800, 196, 98], "color": "primary"})
    path = tmp_path / "tiny-qr.yaml"
    path.write_text(yaml.safe_dump(source, allow_unicode=True), encoding="utf-8")
    with pytest.raises(QRUnreadable, match="does not scan"):
        render_poster(load_template_file(path), kit, content(kit))


def test_a_template_with_problems_names_every_one(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump({"name": "broken", "size": [1000, 800], "layers": [
        {"type": "text", "role": "headline", "box": [0, 0, 2000, 10], "size": 10},
        {"type": "sparkle"}, {"type": "block", "box": [0, 0, 10, 10], "color": "pink"}]}), encoding="utf-8")
    from studio.posters.templates import InvalidTemplate
    with pytest.raises(InvalidTemplate) as caught:
        load_template_file(path)
    message = str(caught.value)
    for expected in ("role must be", "box must be", "sparkle", "'pink'", "exactly one qr", "role title"):
        assert expected in message


def test_templates_render_at_other_sizes_of_their_shape():
    kit = demo_kit()
    template: Template = get_template("poster")
    rendered = render_poster(template, kit, content(kit), width=720, height=1280)
    assert (rendered.width, rendered.height) == (720, 1280)
    assert decode_encoded(rendered.data) == [QR_URL]


def test_a_missing_font_says_which_package_to_install(monkeypatch):
    from studio.posters.fonts import FontMissing, font_path

    monkeypatch.setenv("STUDIO_POSTER_FONT", "/nonexistent/font.ttc")
    with pytest.raises(FontMissing, match="fonts-noto-cjk"):
        font_path()


def test_the_font_covers_every_character_of_gb_2312():
    from studio.posters.fonts import has_glyph

    characters = []
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                characters.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    assert len(characters) > 7400
    for weight in ("regular", "bold"):
        assert [c for c in characters if not has_glyph(weight, c)] == []


def test_characters_the_font_cannot_draw_are_left_out_rather_than_boxed():
    kit = demo_kit()
    rendered = render_poster(get_template("share-card"), kit, content(kit, title="新茶到货🍵\u200b啦\x07", body=""))
    assert [line["text"] for line in rendered.lines] == ["新茶到货啦"]


def test_a_size_too_small_for_a_scannable_qr_is_refused_with_the_reason():
    kit = demo_kit()
    with pytest.raises(QRUnreadable, match="does not fit"):
        render_poster(get_template("poster"), kit, content(kit), width=320, height=569)
