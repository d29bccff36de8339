"""What a brand kit gives its posters: colours, images, avatars, default words and its own templates.

brand.yaml carries them under `poster:`; image and template paths are relative to the kit folder.
"""
from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image, UnidentifiedImageError

from studio.errors import InvalidInput
from studio.posters.templates import COLOR_NAMES, HEX_COLOR, InvalidTemplate, load_template_file

DEFAULT_COLORS = {"primary": "#2F3E46", "secondary": "#84A98C", "accent": "#C8553D", "background": "#F7F5F0",
                  "text": "#22262A", "muted": "#6B6F73", "on_primary": "#FFFFFF", "on_accent": "#FFFFFF"}
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_SIDE = 4096
_KEYS = {"colors", "images", "avatars", "products", "cta", "footer", "link", "templates"}


class MissingImage(InvalidInput):
    pass


@dataclass
class PosterKit:
    """A brand's poster material, resolved against its kit folder."""

    root: Path
    colors: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_COLORS))
    images: dict[str, str] = field(default_factory=dict)
    avatars: dict[str, str] = field(default_factory=dict)
    products: dict[str, str] = field(default_factory=dict)  # a product's own picture, by SKU
    cta: str = "扫码了解详情"
    footer: str = ""
    link: str = ""
    template_dir: Path | None = None

    def color(self, value: str) -> str:
        """A colour name of the brand, or a #rrggbb value as it is."""
        return self.colors.get(value, value)

    def image_path(self, name: str) -> Path:
        """The kit file of an image named in brand.yaml, refusing names that are missing or lead outside."""
        relative = self.images.get(name)
        if not relative:
            raise MissingImage(f"品牌资料包没有图片 {name!r} / the brand kit has no {name!r} image "
                               f"(brand.yaml poster.images.{name})")
        return self._inside(relative, f"poster.images.{name}")

    def product_path(self, sku: str) -> Path:
        """The picture of one product, by SKU; the kit's general product image when none is given."""
        if not sku:
            return self.image_path("product")
        relative = self.products.get(sku)
        if not relative:
            raise MissingImage(f"产品 {sku!r} 没有图片 / the brand kit has no picture of product {sku!r} "
                               f"(brand.yaml poster.products.{sku})")
        return self._inside(relative, f"poster.products.{sku}")

    def avatar_path(self, persona_slug: str) -> Path:
        """The avatar file of a persona."""
        relative = self.avatars.get(persona_slug)
        if not relative:
            raise MissingImage(f"人设 {persona_slug!r} 没有头像 / persona {persona_slug!r} has no avatar "
                               f"(brand.yaml poster.avatars.{persona_slug})")
        return self._inside(relative, f"poster.avatars.{persona_slug}")

    def _inside(self, relative: str, where: str) -> Path:
        root = Path(os.path.realpath(self.root))
        real = Path(os.path.realpath(root / relative))
        if root not in real.parents:
            raise MissingImage(f"{where}: {relative!r} is outside the brand kit folder")
        if not real.is_file():
            raise MissingImage(f"图片不存在 / image missing: {where} names {relative!r}, "
                               f"which is not in the brand kit {self.root}")
        return real


def poster_kit(root: str | Path, settings: dict | None) -> PosterKit:
    """The poster material of a kit folder and the `poster:` mapping of its brand.yaml (as imported)."""
    data = settings if isinstance(settings, dict) else {}
    colors = dict(DEFAULT_COLORS)
    colors.update({k: v for k, v in (data.get("colors") or {}).items() if isinstance(v, str)})
    template_dir = Path(root) / data["templates"] if isinstance(data.get("templates"), str) else None
    return PosterKit(root=Path(root), colors=colors, images=dict(data.get("images") or {}),
                     avatars=dict(data.get("avatars") or {}), products=_mapping(data.get("products")),
                     cta=str(data.get("cta") or "扫码了解详情"),
                     footer=str(data.get("footer") or ""), link=str(data.get("link") or ""),
                     template_dir=template_dir)


def _mapping(value) -> dict:
    return {str(key): path for key, path in value.items()} if isinstance(value, dict) else {}


def check_poster_kit(root: str | Path, settings, persona_slugs: list[str]) -> list[str]:
    """Every problem with a kit's `poster:` section: colours, images that open, avatars of known personas,
    the default link, and its own templates."""
    if settings is None:
        return []
    where = "brand.yaml: poster"
    if not isinstance(settings, dict):
        return [f"{where} must be a mapping"]
    problems = [f"{where}: unknown key {key!r}" for key in settings if key not in _KEYS]
    colors = settings.get("colors") or {}
    if not isinstance(colors, dict):
        problems.append(f"{where}.colors must map names to #rrggbb")
        colors = {}
    for name, value in colors.items():
        if name not in COLOR_NAMES:
            problems.append(f"{where}.colors: {name!r} is not one of {', '.join(COLOR_NAMES)}")
        if not (isinstance(value, str) and HEX_COLOR.match(value)):
            problems.append(f"{where}.colors.{name}: {value!r} is not a #rrggbb colour")
    kit = poster_kit(root, settings)
    lookups = {"images": kit.image_path, "avatars": kit.avatar_path, "products": kit.product_path}
    for key, names in (("images", kit.images), ("avatars", kit.avatars), ("products", kit.products)):
        if not isinstance(settings.get(key) or {}, dict):
            problems.append(f"{where}.{key} must map names to files in the kit")
            continue
        for name, relative in names.items():
            if key == "avatars" and name not in persona_slugs:
                problems.append(f"{where}.avatars: {name!r} is not a persona of the brand")
            if not isinstance(relative, str):
                problems.append(f"{where}.{key}.{name} must be a file path")
                continue
            try:
                path = lookups[key](name)
            except MissingImage as exc:
                problems.append(str(exc))
                continue
            problems.extend(_image_problems(path, f"{where}.{key}.{name}"))
    if kit.link:
        parts = urlsplit(kit.link)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            problems.append(f"{where}.link must be an http(s) address")
    if isinstance(settings.get("templates"), str):
        if not kit.template_dir or not kit.template_dir.is_dir():
            problems.append(f"{where}.templates: folder {settings['templates']!r} missing")
        else:
            for path in sorted(kit.template_dir.glob("*.yaml")):
                try:
                    load_template_file(path)
                except InvalidTemplate as exc:
                    problems.append(f"{settings['templates']}/{exc}")
    return problems


def _image_problems(path: Path, where: str) -> list[str]:
    if path.stat().st_size > MAX_IMAGE_BYTES:
        return [f"{where}: {path.name} is larger than {MAX_IMAGE_BYTES // 1024 // 1024} MB"]
    try:
        with Image.open(path) as image:
            image.verify()
            width, height = image.size
    except (OSError, UnidentifiedImageError, SyntaxError):
        return [f"{where}: {path.name} is not an image Pillow can open"]
    if max(width, height) > MAX_IMAGE_SIDE:
        return [f"{where}: {path.name} is {width}×{height}; at most {MAX_IMAGE_SIDE} pixels a side"]
    return []


@lru_cache(maxsize=32)
def _load_image(path: str, mtime: float) -> Image.Image:
    with Image.open(path) as image:
        image.load()
        return image.convert("RGBA")


def load_image(path: Path) -> Image.Image:
    """A kit image as RGBA, decoded once per file version."""
    return _load_image(str(path), path.stat().st_mtime)


def product_names(root: str | Path) -> dict[str, str]:
    """SKU → product name from the kit's product tables (knowledge/*.csv with sku and name columns)."""
    folder = Path(root) / "knowledge"
    names: dict[str, str] = {}
    for table in sorted(folder.glob("*.csv")) if folder.is_dir() else ():
        try:
            with open(table, encoding="utf-8-sig", newline="") as handle:
                for row in csv.DictReader(handle):
                    if row.get("sku") and row.get("name"):
                        names.setdefault(row["sku"].strip(), row["name"].strip())
        except (OSError, UnicodeDecodeError, csv.Error):
            continue  # the import reports a broken table; a poster still gets the general picture
    return names
