"""Make a poster or share card for a brand: one call that the CLI, pages and channel deliveries share."""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path

from flask import current_app

from studio import links
from studio.errors import InvalidInput, NotFound
from studio.extensions import db
from studio.models import Brand, Persona
from studio.posters.fonts import drawable
from studio.posters.kit import PosterKit, poster_kit, product_names
from studio.posters.render import FORMATS, PosterContent, RenderedPoster, render_poster
from studio.posters.templates import (Template, available_templates, check_size, get_template, load_template_file,
                                      parse_size, template_for_size)

DEFAULT_TEMPLATE = "poster"
FORMAT_BY_SUFFIX = {".jpg": "jpeg", ".jpeg": "jpeg", ".webp": "webp"}
MAX_TITLE, MAX_BODY, MAX_PRICE = 120, 600, 24


@dataclass
class PosterRequest:
    """What one poster should say and where its QR leads; empty values fall back to the brand kit."""

    brand: str
    title: str
    body: str = ""
    price: str = ""
    link: str = ""
    persona: str = ""
    template: str = ""
    size: str = ""
    format: str = "jpeg"
    product: str = ""  # a SKU with its own picture in the kit


@dataclass
class MadePoster:
    rendered: RenderedPoster
    qr_url: str
    template: str
    link_token: str
    link_id: int | None = None
    brand_id: int | None = None


def make_poster(request: PosterRequest, *, commit: bool = True, track: bool = True) -> MadePoster:
    """Render a poster whose QR carries a new tracked short link, refusing one whose QR does not scan.

    The short link is committed only when the poster rendered and scanned; with commit=False the caller
    commits it together with whatever it stores beside it. A preview (track=False) stores no link: its QR
    carries an address that leads nowhere yet.
    """
    title = (request.title or "").strip()
    if not drawable(title, "bold"):
        raise InvalidInput("标题不能为空 / the title is empty (or has nothing the font can draw)")
    for label, value, limit in (("title", title, MAX_TITLE), ("body", request.body, MAX_BODY),
                                ("price", request.price, MAX_PRICE)):
        if len(value or "") > limit:
            raise InvalidInput(f"{label} 超过 {limit} 字 / the {label} is longer than {limit} characters")
    if request.format not in FORMATS:
        raise InvalidInput(f"格式只能是 JPEG 或 WebP / format must be jpeg or webp, not {request.format!r}")
    brand = db.session.scalar(db.select(Brand).where(Brand.slug == request.brand))
    if brand is None:
        raise NotFound(f"没有品牌 {request.brand!r} / unknown brand {request.brand!r}")
    kit = brand_poster_kit(brand)
    persona = _persona(brand, request.persona)
    template, width, height = choose_template(kit, request.template, request.size)
    destination = request.link or kit.link
    if not destination:
        raise InvalidInput("没有二维码链接 / no link for the QR: pass --link or set poster.link in brand.yaml")
    if track:
        link = links.create_link(destination, brand_id=brand.id, utm={
            "utm_source": "poster", "utm_medium": template.name, "utm_campaign": brand.slug})
        token, link_id = link.token, link.id
    else:
        token, link_id = links.new_token(), None
        links.check_destination(destination)
    qr_url = links.short_url(current_app.config["STUDIO_BASE_URL"], token)
    content = PosterContent(title=title, qr_url=qr_url, body=(request.body or "").strip(),
                            price=(request.price or "").strip(), cta=kit.cta, footer=kit.footer or brand.name,
                            persona_name=persona.name if persona else "", persona_slug=persona.slug if persona else "",
                            product_sku=_product(kit, request.product))
    try:
        rendered = render_poster(template, kit, content, width=width, height=height, fmt=request.format)
    except Exception:
        db.session.rollback()
        raise
    if commit and track:
        db.session.commit()
    return MadePoster(rendered, qr_url, template.name, token, link_id, brand.id)


def save_poster(request: PosterRequest, out: str | Path) -> dict:
    """Make a poster and write it to `out`; the format follows the file's suffix. Returns the summary."""
    out = Path(out)
    fmt = FORMAT_BY_SUFFIX.get(out.suffix.lower())
    if fmt is None:
        raise InvalidInput(f"输出文件应以 .jpg、.jpeg 或 .webp 结尾 / --out must end in .jpg, .jpeg or .webp: {out}")
    check_writable(out)
    made = make_poster(PosterRequest(**{**asdict(request), "format": fmt}))
    try:
        out.write_bytes(made.rendered.data)
    except OSError as exc:
        raise InvalidInput(f"无法写入 / cannot write {out}: {exc.strerror or exc}") from None
    rendered = made.rendered
    return {"path": str(out.resolve()), "width": rendered.width, "height": rendered.height,
            "bytes": len(rendered.data), "format": rendered.format, "qr_url": made.qr_url,
            "lines": rendered.lines, "render_ms": rendered.render_ms, "template": made.template}


def check_writable(out: Path) -> None:
    """Refuse an output path that cannot be written before any work is done."""
    parent = out.parent if str(out.parent) else Path(".")
    if out.is_dir():
        raise InvalidInput(f"输出路径是目录 / --out {out} is a folder")
    if not parent.is_dir():
        raise InvalidInput(f"输出目录不存在 / the folder of --out does not exist: {parent}")
    if not os.access(parent, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise InvalidInput(f"无法写入 / cannot write {out}: permission denied")


def brand_poster_kit(brand: Brand) -> PosterKit:
    """The brand's poster material from its imported kit."""
    if not brand.kit_path or not Path(brand.kit_path).is_dir():
        raise NotFound(f"品牌 {brand.slug!r} 的资料包目录不存在 / the brand kit folder {brand.kit_path!r} is missing")
    return poster_kit(brand.kit_path, (brand.settings or {}).get("poster"))


def choose_template(kit: PosterKit, name: str, size: str) -> tuple[Template, int, int]:
    """The template asked for (or the one that suits the size), and the size it renders at."""
    if size:
        width, height = parse_size(size)
        template = get_template(name, kit.template_dir) if name else template_for_size(width, height,
                                                                                       kit.template_dir)
        check_size(template, width, height)
        return template, width, height
    template = get_template(name or DEFAULT_TEMPLATE, kit.template_dir)
    return template, template.width, template.height


def _persona(brand: Brand, slug: str) -> Persona | None:
    """The persona asked for; by default the brand's first active persona that has an avatar."""
    personas = [p for p in brand.personas if p.active]
    if slug:
        match = next((p for p in personas if p.slug == slug), None)
        if match is None:
            raise NotFound(f"没有人设 {slug!r} / unknown persona {slug!r} of brand {brand.slug!r}")
        return match
    return next((p for p in personas if has_avatar(brand, p.slug)), None)


def _product(kit: PosterKit, sku: str) -> str:
    """The SKU asked for, if the kit has its picture; a clear refusal naming the ones it has otherwise."""
    sku = (sku or "").strip()
    if sku and sku not in kit.products:
        known = "、".join(kit.products) or "none"
        raise NotFound(f"品牌资料包没有产品 {sku!r} 的图片 / no picture of product {sku!r} in the brand kit "
                       f"(poster.products has: {known})")
    return sku


def product_choices(brand: Brand) -> list[dict]:
    """The products a poster can show, with their names from the kit's product table."""
    kit = brand_poster_kit(brand)
    names = product_names(kit.root)
    return [{"sku": sku, "name": names.get(sku, sku)} for sku in kit.products]


def has_avatar(brand: Brand, persona_slug: str) -> bool:
    """Whether the brand kit gives this persona an avatar to put on posters."""
    avatars = ((brand.settings or {}).get("poster") or {}).get("avatars") or {}
    return persona_slug in avatars


def list_templates(brand_slug: str) -> list[dict]:
    """The templates a brand can use, built-in and its own, for pickers."""
    brand = db.session.scalar(db.select(Brand).where(Brand.slug == brand_slug))
    if brand is None:
        raise NotFound(f"没有品牌 {brand_slug!r} / unknown brand {brand_slug!r}")
    kit = brand_poster_kit(brand)
    out = []
    for name, path in available_templates(kit.template_dir).items():
        template = load_template_file(path)
        out.append({"name": name, "description": template.description, "width": template.width,
                    "height": template.height, "max_kb": template.max_kb})
    return out
