"""Draw a template's layers with Pillow, encode small, and read the QR back before anything leaves."""
from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageOps

from studio.errors import InvalidInput
from studio.posters.fonts import drawable, load_font
from studio.posters.kit import PosterKit, load_image
from studio.posters.layout import fit_text
from studio.posters.qr import decode_encoded, qr_image
from studio.posters.templates import Template

FORMATS = ("jpeg", "webp")
_SUPERSAMPLE = 4  # shapes are drawn 4× and scaled down, for smooth edges


class QRUnreadable(InvalidInput):
    """The rendered poster's QR code does not read back as the link it should carry."""

    status = 422


@dataclass
class PosterContent:
    """The words and link one poster carries; empty parts leave their layers out."""

    title: str
    qr_url: str
    body: str = ""
    price: str = ""
    cta: str = ""
    footer: str = ""
    persona_name: str = ""
    persona_slug: str = ""
    product_sku: str = ""  # whose picture fills the product image; the kit's general one when empty


@dataclass
class RenderedPoster:
    data: bytes
    width: int
    height: int
    format: str
    lines: list[dict] = field(default_factory=list)
    render_ms: float = 0.0


def render_poster(template: Template, kit: PosterKit, content: PosterContent, *, width: int | None = None,
                  height: int | None = None, fmt: str = "jpeg") -> RenderedPoster:
    """Lay out, draw, encode within the template's byte budget, and refuse it unless the QR scans."""
    started = time.perf_counter()
    image, lines = compose(template, kit, content, width or template.width, height or template.height)
    data = encode(image, fmt, template.max_kb * 1024)
    found = decode_encoded(data)
    if content.qr_url not in found:
        reason = (f"it reads {found[0]!r}" if found else "no QR code was found in the image")
        raise QRUnreadable(f"海报的二维码无法识别 / the poster's QR code does not scan: {reason}; "
                           f"give the QR more room or contrast in the template")
    return RenderedPoster(data, image.width, image.height, fmt, lines,
                          round((time.perf_counter() - started) * 1000, 1))


def compose(template: Template, kit: PosterKit, content: PosterContent, width: int, height: int):
    """The poster as an RGB image, and its title and body lines in reading order."""
    sx, sy = width / template.width, height / template.height
    scale = min(sx, sy)
    canvas = Image.new("RGB", (width, height), kit.color("background"))
    draw = ImageDraw.Draw(canvas)
    lines: list[dict] = []
    bottoms: dict[str, float] = {}  # where each text block's last line ends
    for layer in template.layers:
        kind = layer["type"]
        if kind == "fill":
            canvas.paste(_rgb(kit.color(layer.get("color", "background"))), (0, 0, width, height))
            continue
        x, y, w, h = _scaled_box(layer["box"], sx, sy)
        if kind == "block":
            _block(canvas, (x, y, w, h), kit.color(layer.get("color", "primary")), layer, scale)
        elif kind == "image":
            _image(canvas, (x, y, w, h), layer, kit, content, scale)
        elif kind == "text":
            text = _text_for(layer["role"], content)
            if layer.get("after") in bottoms:
                # Flow on below a block above (a body under a title of one line or three); the bottom stays.
                top = min(y, round(bottoms[layer["after"]] + layer.get("gap", 0) * scale))
                y, h = top, h + (y - top)
            if text:
                laid, bottoms[layer["role"]] = _text(draw, (x, y, w, h), text, layer, kit, scale)
                if layer["role"] in ("title", "body"):
                    lines.extend({"text": line, "role": layer["role"]} for line in laid)
        elif kind == "price" and content.price:
            _price(canvas, (x, y, w, h), content.price, layer, kit, scale)
        elif kind == "qr":
            _qr(canvas, (x, y, w, h), content.qr_url, layer, kit, scale)
    order = {"title": 0, "body": 1}
    lines.sort(key=lambda line: order[line["role"]])  # reading order, whatever the drawing order
    return canvas, lines


def encode(image: Image.Image, fmt: str, max_bytes: int) -> bytes:
    """JPEG or WebP, stepping the quality down until the file fits the budget."""
    if fmt not in FORMATS:
        raise InvalidInput(f"格式只能是 JPEG 或 WebP / format must be jpeg or webp, not {fmt!r}")
    for quality in (86, 80, 74, 68, 62, 56):
        out = io.BytesIO()
        if fmt == "jpeg":
            image.save(out, "JPEG", quality=quality, optimize=True, progressive=True, subsampling="4:2:0")
        else:
            image.save(out, "WEBP", quality=quality, method=4)
        if out.tell() <= max_bytes:
            return out.getvalue()
    raise InvalidInput(f"海报超出大小上限 / the poster stays above {max_bytes // 1024} KB even at quality "
                       f"{quality}: use a simpler template or smaller images")


def _text_for(role: str, content: PosterContent) -> str:
    return {"title": content.title, "body": content.body, "cta": content.cta, "footer": content.footer,
            "persona": content.persona_name}[role]


def _scaled_box(box, sx: float, sy: float) -> tuple[int, int, int, int]:
    x, y, w, h = box
    return round(x * sx), round(y * sy), max(1, round(w * sx)), max(1, round(h * sy))


def _rgb(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    if len(color) == 3:
        color = "".join(c * 2 for c in color)
    return int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)


@lru_cache(maxsize=64)
def _shape_mask(w: int, h: int, radius: int, circle: bool) -> Image.Image:
    """An antialiased mask of a rounded rectangle or circle."""
    big = Image.new("L", (w * _SUPERSAMPLE, h * _SUPERSAMPLE), 0)
    painter = ImageDraw.Draw(big)
    box = (0, 0, big.width - 1, big.height - 1)
    if circle:
        painter.ellipse(box, fill=255)
    else:
        painter.rounded_rectangle(box, radius=radius * _SUPERSAMPLE, fill=255)
    return big.reduce(_SUPERSAMPLE)


def _block(canvas: Image.Image, box, color: str, layer: dict, scale: float) -> None:
    x, y, w, h = box
    radius = round(layer.get("radius", 0) * scale)
    circle = layer.get("shape") == "circle"
    if not radius and not circle:
        canvas.paste(_rgb(color), (x, y, x + w, y + h))
        return
    canvas.paste(_rgb(color), (x, y, x + w, y + h), _shape_mask(w, h, radius, circle))


@lru_cache(maxsize=64)
def _fitted_image(path: str, mtime: float, w: int, h: int, fit: str) -> Image.Image:
    source = load_image(Path(path))
    if fit == "cover":
        return ImageOps.fit(source, (w, h), Image.Resampling.LANCZOS)
    return ImageOps.contain(source, (w, h), Image.Resampling.LANCZOS)


def _image(canvas: Image.Image, box, layer: dict, kit: PosterKit, content: PosterContent, scale: float) -> None:
    x, y, w, h = box
    source = layer["source"]
    if source == "avatar":
        if not content.persona_slug:
            return
        path = kit.avatar_path(content.persona_slug)
    elif source == "product":
        path = kit.product_path(content.product_sku)
    else:
        path = kit.image_path(source)
    circle = layer.get("shape") == "circle"
    fit = "cover" if circle else layer.get("fit", "contain")
    picture = _fitted_image(str(path), path.stat().st_mtime, w, h, fit)
    px, py = x + (w - picture.width) // 2, y + (h - picture.height) // 2
    if circle or layer.get("radius"):
        border = round(layer.get("border_width", 0) * scale)
        if border and layer.get("border"):
            _block(canvas, (px - border, py - border, picture.width + 2 * border, picture.height + 2 * border),
                   kit.color(layer["border"]), {"shape": "circle"} if circle else
                   {"radius": layer.get("radius", 0) + layer.get("border_width", 0)}, scale)
        mask = _shape_mask(picture.width, picture.height, round(layer.get("radius", 0) * scale), circle)
        alpha = picture.getchannel("A")
        mask = Image.composite(alpha, Image.new("L", alpha.size, 0), mask) if alpha.getextrema()[0] < 255 else mask
        canvas.paste(picture.convert("RGB"), (px, py), mask)
    else:
        canvas.paste(picture, (px, py), picture)


def _text(draw: ImageDraw.ImageDraw, box, text: str, layer: dict, kit: PosterKit,
          scale: float) -> tuple[list[str], float]:
    """Fit and draw one text block; the lines as drawn and where the last one ends."""
    x, y, w, h = box
    weight = layer.get("weight", "regular")
    text = drawable(text, weight)
    top = max(8, round(layer["size"] * scale))
    floor = max(8, min(top, round(layer.get("min_size", layer["size"]) * scale)))
    fitted = fit_text(text, w, h, lambda size: load_font(weight, size).getlength, max_size=top, min_size=floor,
                      leading=layer.get("leading", 1.3), max_lines=layer.get("max_lines"),
                      balance=layer.get("balance", layer.get("role") in ("title", "cta")))
    font = load_font(weight, fitted.size)
    fill = kit.color(layer.get("color", "text"))
    align = layer.get("align", "left")
    # Centre the block vertically when the template asks; otherwise it hangs from the box top.
    block_height = fitted.line_height * len(fitted.lines)
    top_y = y + (h - block_height) / 2 if layer.get("valign") == "middle" else y
    for number, line in enumerate(fitted.lines):
        line_y = top_y + number * fitted.line_height + (fitted.line_height - fitted.size) / 2
        if align == "left":
            draw.text((x, line_y), line, font=font, fill=fill, anchor="lt")
        else:
            anchor_x = x + w / 2 if align == "center" else x + w
            draw.text((anchor_x, line_y), line, font=font, fill=fill, anchor="mt" if align == "center" else "rt")
    return fitted.lines, top_y + block_height


def _price(canvas: Image.Image, box, price: str, layer: dict, kit: PosterKit, scale: float) -> None:
    x, y, w, h = box
    _block(canvas, box, kit.color(layer.get("color", "accent")), {"radius": layer.get("radius", h // 2)}, scale)
    pad = round(h * 0.18)
    inner = {**layer, "color": layer.get("text_color", "on_accent"), "align": "center", "valign": "middle",
             "max_lines": 1, "weight": layer.get("weight", "bold"), "leading": 1.1}
    _text(ImageDraw.Draw(canvas), (x + pad, y, w - 2 * pad, h), price, inner, kit, scale)


def _qr(canvas: Image.Image, box, url: str, layer: dict, kit: PosterKit, scale: float) -> None:
    x, y, w, h = box
    side = min(w, h)
    with_logo = bool(layer.get("logo")) and "logo" in kit.images
    _block(canvas, (x, y, side, side), "#FFFFFF", {"radius": layer.get("radius", 0)}, scale)
    code = qr_image(url, side, with_logo=with_logo, dark=_rgb(kit.color(layer.get("dark", "text"))))
    if code.width > side:
        raise QRUnreadable(f"二维码放不下 / the QR code does not fit: it needs {code.width} px with two pixels a "
                           f"module and its box is {side} px at this size; choose a larger size")
    canvas.paste(code, (x + (side - code.width) // 2, y + (side - code.height) // 2))
    if with_logo:
        # At most a fifth of the code: level H restores 30 % of the modules, so the logo leaves margin.
        logo_side = round(code.width * 0.2)
        plate = round(logo_side * 1.16)
        cx, cy = x + side // 2, y + side // 2
        _block(canvas, (cx - plate // 2, cy - plate // 2, plate, plate), "#FFFFFF", {"radius": plate // 5}, 1)
        path = kit.image_path("logo")
        logo = _fitted_image(str(path), path.stat().st_mtime, logo_side, logo_side, "contain")
        canvas.paste(logo, (cx - logo.width // 2, cy - logo.height // 2), logo)
