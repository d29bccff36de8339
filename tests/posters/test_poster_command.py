"""`studio poster render`: the JSON it prints, the file it writes, and a clear refusal for each mistake."""
from __future__ import annotations

import json
import shutil

import pytest
import yaml
from PIL import Image

from studio.cli import DEMO_KIT
from studio.extensions import db
from studio.models import ShortLink
from tests.posters.conftest import TASTING, add_brand_from_kit


def render(runner, *args):
    return runner.invoke(args=["poster", "render", "--brand", "chayun", *args])


def test_render_prints_the_poster_summary_and_writes_the_file(poster_ctx, runner, tmp_path, client):
    out = tmp_path / "tasting.jpg"
    result = render(runner, "--title", TASTING["title"], "--body", TASTING["body"], "--price", "¥598",
                    "--persona", "chen", "--link", "https://chayun.example.com/tasting?seat=2",
                    "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert set(summary) >= {"path", "width", "height", "bytes", "format", "qr_url", "lines", "render_ms"}
    assert (summary["width"], summary["height"], summary["format"]) == (1080, 1920, "jpeg")
    assert summary["bytes"] == out.stat().st_size <= 600 * 1024
    assert summary["lines"][0]["text"].startswith("周五晚8点") and summary["lines"][-1]["role"] == "body"
    with Image.open(out) as image:
        assert image.size == (1080, 1920) and image.format == "JPEG"
    token = summary["qr_url"].rsplit("/l/", 1)[1]
    assert len(token) >= 8
    response = client.get(f"/l/{token}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("https://chayun.example.com/tasting?seat=2&utm_source=poster")
    assert db.session.scalar(db.select(ShortLink.clicks).where(ShortLink.token == token)) == 1


def test_a_share_card_as_webp_at_its_own_size(poster_ctx, runner, tmp_path):
    out = tmp_path / "card.webp"
    result = render(runner, "--title", "新茶到货", "--template", "share-card", "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["width"], summary["height"], summary["format"]) == (1000, 800, "webp")
    assert summary["bytes"] <= 200 * 1024
    assert summary["qr_url"].startswith("http://127.0.0.1:5000/l/")


def test_a_size_picks_the_template_of_that_shape(poster_ctx, runner, tmp_path):
    result = render(runner, "--title", "新茶到货", "--size", "800x800", "--out", str(tmp_path / "sq.jpg"), "--json")
    assert result.exit_code == 0, result.output
    assert (json.loads(result.stdout)["width"], json.loads(result.stdout)["height"]) == (800, 800)


@pytest.mark.parametrize("args, message", [
    (["--template", "flyer"], "unknown template 'flyer'"),
    (["--size", "100x100"], "out of range"),
    (["--size", "5000x5000"], "out of range"),
    (["--template", "share-card", "--size", "1080x1920"], "out of range"),
    (["--size", "big"], "must look like 1080x1920"),
    (["--persona", "nobody"], "unknown persona"),
    (["--link", "javascript:alert(1)"], "http(s)"),
    (["--title", "🍵🍵"], "the title is empty"),
])
def test_mistakes_get_a_clear_message_and_a_non_zero_exit(poster_ctx, runner, tmp_path, args, message):
    out = tmp_path / "x.jpg"
    result = render(runner, "--title", "新茶到货", *args, "--out", str(out), "--json")
    assert result.exit_code != 0
    assert message in result.stderr
    assert not out.exists()
    assert db.session.scalar(db.select(db.func.count(ShortLink.id))) == 0  # nothing half-made is kept


@pytest.mark.parametrize("out", ["/nonexistent-folder/x.jpg", "{tmp}/x.png", "{tmp}"])
def test_an_unwritable_out_is_refused_before_rendering(poster_ctx, runner, tmp_path, out):
    result = render(runner, "--title", "新茶到货", "--out", out.format(tmp=tmp_path), "--json")
    assert result.exit_code != 0
    assert "--out" in result.stderr or "cannot write" in result.stderr


def test_an_unknown_brand_is_refused(poster_ctx, runner, tmp_path):
    result = runner.invoke(args=["poster", "render", "--brand", "nope", "--title", "x", "--out",
                                 str(tmp_path / "x.jpg")])
    assert result.exit_code != 0 and "unknown brand" in result.stderr


def test_a_missing_image_is_named(app, runner, tmp_path):
    kit = tmp_path / "kit"
    shutil.copytree(DEMO_KIT, kit)
    (kit / "posters" / "product.png").unlink()
    with app.app_context():
        add_brand_from_kit(kit)
        result = render(runner, "--title", "新茶到货", "--out", str(tmp_path / "x.jpg"))
    assert result.exit_code != 0
    assert "image missing" in result.stderr and "posters/product.png" in result.stderr


def test_the_brand_kit_can_bring_its_own_template(app, runner, tmp_path):
    kit = tmp_path / "kit"
    shutil.copytree(DEMO_KIT, kit)
    (kit / "posters" / "templates").mkdir()
    card = yaml.safe_load((DEMO_KIT.parents[2] / "templates" / "posters" / "share-card.yaml").read_text())
    card["name"] = "festival"
    (kit / "posters" / "templates" / "festival.yaml").write_text(yaml.safe_dump(card, allow_unicode=True))
    data = yaml.safe_load((kit / "brand.yaml").read_text(encoding="utf-8"))
    data["poster"]["templates"] = "posters/templates"
    (kit / "brand.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with app.app_context():
        add_brand_from_kit(kit)
        listed = runner.invoke(args=["poster", "templates", "--brand", "chayun", "--json"])
        result = render(runner, "--title", "中秋茶礼", "--template", "festival", "--out", str(tmp_path / "f.jpg"),
                        "--json")
    assert "festival" in [row["name"] for row in json.loads(listed.stdout)]
    assert result.exit_code == 0, result.output


def test_the_poster_bench_prints_times_and_sizes_per_template(runner):
    result = runner.invoke(args=["bench", "poster", "--runs", "2", "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)["templates"]
    assert set(figures) == {"poster", "share-card", "square"}
    for row in figures.values():
        assert row["p95_ms"] >= row["p50_ms"] > 0 and 0 < row["bytes_max"] <= row["budget_bytes"]
