"""Poster templates: YAML files of layers in templates/posters/, and a brand kit's own, validated on load."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from studio.errors import InvalidInput, NotFound

_STUDIO = Path(__file__).resolve().parent.parent
# Inside the package when installed from a wheel (setup.py copies templates/ there), else the checkout's.
BUILTIN_DIR = next((d for d in (_STUDIO / "templates" / "posters", _STUDIO.parent / "templates" / "posters")
                    if d.is_dir()), _STUDIO.parent / "templates" / "posters")
LAYER_TYPES = {"fill", "block", "image", "text", "price", "qr"}
TEXT_ROLES = {"title", "body", "cta", "footer", "persona"}
IMAGE_SOURCES = {"product", "logo", "avatar"}
COLOR_NAMES = ("primary", "secondary", "accent", "background", "text", "muted", "on_primary", "on_accent")
HEX_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")
NAME_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Each side of a rendered image, in pixels; beyond these the size budgets and the QR's scan size do not hold.
MIN_SIDE, MAX_SIDE = 320, 2160
# How far a requested size may stray from the template's own aspect ratio before the layout breaks.
ASPECT_TOLERANCE = 0.15


class TemplateNotFound(NotFound):
    pass


class InvalidTemplate(InvalidInput):
    pass


@dataclass
class Template:
    """One validated template: its base size, byte budget and layers in drawing order."""

    name: str
    description: str
    width: int
    height: int
    max_kb: int
    layers: list[dict] = field(default_factory=list)
    source: str = ""

    @property
    def aspect(self) -> float:
        return self.width / self.height


def load_template_file(path: Path) -> Template:
    """Read and validate one template file, raising InvalidTemplate with every problem found."""
    problems: list[str] = []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InvalidTemplate(f"{path.name}: 无法读取模板 / unreadable template: {exc}") from None
    template = _template_from_mapping(data, path.stem, problems)
    if problems:
        raise InvalidTemplate(f"{path.name}: " + "; ".join(problems))
    template.source = str(path)
    return template


def _template_from_mapping(data, stem: str, problems: list[str]) -> Template:
    if not isinstance(data, dict):
        problems.append("must be a mapping with name, size and layers")
        return Template(stem, "", 0, 0, 0)
    name = data.get("name", stem)
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        problems.append(f"name {name!r} must be lowercase letters, digits and dashes")
    size = data.get("size")
    if not (isinstance(size, list) and len(size) == 2 and all(isinstance(v, int) for v in size)
            and all(MIN_SIDE <= v <= MAX_SIDE for v in size)):
        problems.append(f"size must be [width, height] in pixels, each {MIN_SIDE}..{MAX_SIDE}")
        size = [0, 0]
    max_kb = data.get("max_kb", 600)
    if not isinstance(max_kb, int) or not 20 <= max_kb <= 2000:
        problems.append("max_kb must be a whole number of kilobytes, 20..2000")
    layers = data.get("layers")
    if not isinstance(layers, list) or not layers:
        problems.append("layers must be a non-empty list")
        layers = []
    for number, layer in enumerate(layers, start=1):
        _check_layer(layer, number, size, problems)
    kinds = [layer.get("type") for layer in layers if isinstance(layer, dict)]
    roles = [layer.get("role") for layer in layers if isinstance(layer, dict) and layer.get("type") == "text"]
    if kinds.count("qr") != 1:
        problems.append("needs exactly one qr layer")
    if "title" not in roles:
        problems.append("needs a text layer with role title")
    return Template(str(name), str(data.get("description", "")), size[0], size[1], max_kb
                    if isinstance(max_kb, int) else 0, layers)


def _check_layer(layer, number: int, size: list[int], problems: list[str]) -> None:
    where = f"layer {number}"
    if not isinstance(layer, dict):
        problems.append(f"{where}: must be a mapping")
        return
    kind = layer.get("type")
    if kind not in LAYER_TYPES:
        problems.append(f"{where}: type {kind!r} is not one of {', '.join(sorted(LAYER_TYPES))}")
        return
    if kind != "fill":
        box = layer.get("box")
        if not (isinstance(box, list) and len(box) == 4 and all(isinstance(v, (int, float)) for v in box)
                and box[2] > 0 and box[3] > 0 and box[0] >= 0 and box[1] >= 0
                and box[0] + box[2] <= size[0] and box[1] + box[3] <= size[1]):
            problems.append(f"{where}: box must be [x, y, width, height] inside the {size[0]}×{size[1]} canvas")
    for key in ("color", "text_color", "border", "dark"):
        if key in layer and not is_color(layer[key]):
            problems.append(f"{where}: {key} {layer[key]!r} is not a brand colour name or #rrggbb")
    if kind == "text" and layer.get("role") not in TEXT_ROLES:
        problems.append(f"{where}: role must be one of {', '.join(sorted(TEXT_ROLES))}")
    if kind == "image" and layer.get("source") not in IMAGE_SOURCES:
        problems.append(f"{where}: source must be one of {', '.join(sorted(IMAGE_SOURCES))}")
    if kind in ("text", "price"):
        top, floor = layer.get("size"), layer.get("min_size", layer.get("size"))
        if not (isinstance(top, int) and isinstance(floor, int) and 8 <= floor <= top <= 400):
            problems.append(f"{where}: size and min_size must be pixels with 8 <= min_size <= size <= 400")
        if "after" in layer and layer["after"] not in TEXT_ROLES:
            problems.append(f"{where}: after must name a text role drawn before it")
        if layer.get("align", "left") not in ("left", "center", "right"):
            problems.append(f"{where}: align must be left, center or right")


def is_color(value) -> bool:
    """A brand colour name or a #rrggbb value."""
    return isinstance(value, str) and (value in COLOR_NAMES or bool(HEX_COLOR.match(value)))


def available_templates(kit_template_dir: Path | None = None) -> dict[str, Path]:
    """Template files by name: the built-in ones, then the brand kit's own, which may replace them."""
    found = {path.stem: path for path in sorted(BUILTIN_DIR.glob("*.yaml"))}
    if kit_template_dir and kit_template_dir.is_dir():
        found.update({path.stem: path for path in sorted(kit_template_dir.glob("*.yaml"))})
    return found


def get_template(name: str, kit_template_dir: Path | None = None) -> Template:
    """The template called `name`, validated."""
    files = available_templates(kit_template_dir)
    if name not in files:
        raise TemplateNotFound(f"没有海报模板 {name!r} / unknown template {name!r}; "
                               f"available: {', '.join(sorted(files))}")
    return load_template_file(files[name])


def template_for_size(width: int, height: int, kit_template_dir: Path | None = None) -> Template:
    """The built-in or kit template whose aspect ratio is closest to the size asked for."""
    templates = [load_template_file(path) for path in available_templates(kit_template_dir).values()]
    return min(templates, key=lambda t: abs(t.aspect - width / height))


def check_size(template: Template, width: int, height: int) -> None:
    """Refuse sizes the template cannot be laid out at."""
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        raise InvalidInput(f"尺寸超出范围 / size {width}x{height} out of range: "
                           f"each side {MIN_SIDE}..{MAX_SIDE} pixels")
    if abs((width / height) / template.aspect - 1) > ASPECT_TOLERANCE:
        raise InvalidInput(f"尺寸超出范围 / size {width}x{height} out of range for template {template.name!r} "
                           f"({template.width}x{template.height}): the aspect ratio may differ by at most "
                           f"{int(ASPECT_TOLERANCE * 100)}%")


def parse_size(text: str) -> tuple[int, int]:
    """'1080x1920' (or ×) as (width, height)."""
    match = re.fullmatch(r"\s*(\d{2,5})\s*[x×X*]\s*(\d{2,5})\s*", text or "")
    if not match:
        raise InvalidInput(f"尺寸格式应为 宽x高 / size {text!r} must look like 1080x1920")
    return int(match.group(1)), int(match.group(2))
