"""The brand's kit edited from the studio: each change is checked exactly as an imported kit is, then written
to the kit's brand.yaml and imported, so the YAML and the admin pages never disagree."""
from __future__ import annotations

import copy
import re
from pathlib import Path

import yaml

from knowledge.kit import LIFECYCLE_STAGES, brand_mapping_problems
from studio.brands.export import brand_kit_mapping
from studio.brands.kits import get_brand
from studio.brands.library import changing_library, replace_and_reimport
from studio.errors import InvalidInput, NotFound
from studio.posters.kit import MAX_IMAGE_BYTES, check_poster_kit

SECTIONS = ("personas", "segments", "channels")
LIST_FIELDS = {"catchphrases", "taboo", "examples"}  # one entry per line in the forms
COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
AVATAR_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
POSTER_COLORS = ("primary", "secondary", "accent", "background", "text", "muted", "on_primary", "on_accent")


class KitProblems(InvalidInput):
    """The edit would make a kit that does not import; `fields` names the form field of each problem."""

    def __init__(self, problems: list[str], fields: dict[str, str]):
        self.problems, self.fields = problems, fields
        super().__init__("品牌资料包有误 / invalid brand kit: " + "; ".join(problems))


def kit_mapping(slug: str) -> dict:
    """The brand as its brand.yaml says it (for a brand admin)."""
    return brand_kit_mapping(get_brand(slug, "admin"))


def update_brand(slug: str, values: dict) -> dict:
    """Change the brand's own settings: name, timezone, description, alert channel, grace and poster colours."""
    def change(kit: dict) -> None:
        for key in ("name", "timezone", "description", "alert_channel"):
            if key in values:
                kit[key] = (values[key] or "").strip()
        if "grace_minutes" in values:
            kit["grace_minutes"] = _minutes(values["grace_minutes"])
        colors = {name: (values.get(f"color_{name}") or "").strip() for name in POSTER_COLORS
                  if f"color_{name}" in values}
        bad = [name for name, value in colors.items() if value and not COLOR.match(value)]
        if bad:
            raise KitProblems([f"poster colour {name}: {colors[name]!r} is not #RRGGBB" for name in bad],
                              {f"color_{name}": "应为 #RRGGBB 形式的颜色 / #RRGGBB" for name in bad})
        if colors:
            poster = kit.setdefault("poster", {})
            poster["colors"] = {**(poster.get("colors") or {}), **{k: v for k, v in colors.items() if v}}
    return _edit(slug, change, "brand")


def save_item(slug: str, section: str, item_slug: str, values: dict, avatar: tuple[str, bytes] | None = None) -> dict:
    """Create (item_slug "") or change one persona, segment or channel; a persona may bring its avatar
    picture (file name, bytes), stored in the kit's posters/ folder."""
    if section not in SECTIONS:
        raise NotFound(f"没有 {section!r} 这一类设置")
    files: dict[str, bytes] = {}

    def change(kit: dict) -> dict[str, bytes]:
        items = kit.setdefault(section, [])
        item = next((i for i in items if i.get("slug") == item_slug), None) if item_slug else None
        if item_slug and item is None:
            raise NotFound(f"没有 {item_slug!r}")
        if item is None:
            item = {}
            items.append(item)
        for key, value in values.items():
            if key == "target" and not (value or "").strip() and item.get("target"):
                continue  # a secret left empty in the form keeps the stored one
            item[key] = _lines(value) if key in LIST_FIELDS else (value or "").strip()
        for key in [k for k, v in item.items() if v in ("", [])]:
            del item[key]
        if avatar is not None and section == "personas":
            path = _avatar_path(item.get("slug") or "", *avatar)
            kit.setdefault("poster", {}).setdefault("avatars", {})[item.get("slug")] = path
            files[path] = avatar[1]
        return files
    return _edit(slug, change, section)


def _avatar_path(persona_slug: str, name: str, data: bytes) -> str:
    suffix = Path(name or "").suffix.lower()
    if suffix not in AVATAR_SUFFIXES:
        raise KitProblems([f"avatar {name[:80]!r}: not a PNG, JPEG or WebP picture"],
                          {"avatar": "头像应为 PNG、JPEG 或 WebP 图片 / a PNG, JPEG or WebP picture"})
    if not data or len(data) > MAX_IMAGE_BYTES:
        raise KitProblems([f"avatar {name[:80]!r}: empty or over 5 MB"],
                          {"avatar": "头像图片是空的或超过 5 MB / empty or over 5 MB"})
    return f"posters/avatar-{persona_slug}{suffix}"


def remove_item(slug: str, section: str, item_slug: str) -> dict:
    """Take a persona, segment or channel out of the kit (its row stays, inactive, for the posts that used it)."""
    if section not in SECTIONS:
        raise NotFound(f"没有 {section!r} 这一类设置")

    def change(kit: dict) -> None:
        before = len(kit.get(section, []))
        kit[section] = [i for i in kit.get(section, []) if i.get("slug") != item_slug]
        if len(kit[section]) == before:
            raise NotFound(f"没有 {item_slug!r}")
        if section == "personas" and not kit[section]:
            raise InvalidInput("品牌至少要有一个人设 / a brand needs at least one persona")
        if section == "personas":  # the poster kit's avatar of that persona goes with it
            avatars = (kit.get("poster") or {}).get("avatars")
            if isinstance(avatars, dict):
                avatars.pop(item_slug, None)
    return _edit(slug, change, section)


def _edit(slug: str, change, section: str) -> dict:
    brand = get_brand(slug, "admin")
    kit_dir = Path(brand.kit_path or "")
    if not brand.kit_path or not (kit_dir / "brand.yaml").is_file():
        raise InvalidInput(f"品牌 {slug} 的资料包目录不存在：{brand.kit_path or '（未记录）'}，请重新导入")
    with changing_library():
        kit = copy.deepcopy(brand_kit_mapping(brand))
        files = change(kit) or {}
        problems = brand_mapping_problems(kit, kit_dir)
        if not files:  # new pictures are checked by the import itself, once they are in the folder
            problems += check_poster_kit(kit_dir, kit.get("poster"), [p.get("slug") for p in kit.get("personas", [])])
        if kit.get("slug") != brand.slug:
            problems.append("brand.yaml: slug cannot change here")
        if problems:
            raise KitProblems(problems, _fields_of(problems))
        for path in files:
            (kit_dir / path).parent.mkdir(parents=True, exist_ok=True)
        changes = {kit_dir / path: data for path, data in files.items()}
        changes[kit_dir / "brand.yaml"] = yaml.safe_dump(kit, allow_unicode=True, sort_keys=False,
                                                         width=1000).encode("utf-8")
        try:
            return replace_and_reimport(slug, changes)
        except InvalidInput as exc:  # the import refused it, and put every file back
            problems = [part.strip() for part in str(exc).split("invalid brand kit:", 1)[-1].split("; ")]
            about_avatar = [p for p in problems if "avatars" in p]
            fields = _fields_of([p for p in problems if p not in about_avatar])
            if about_avatar:
                fields["avatar"] = "头像图片打不开或不合规格 / the picture does not open: " + "；".join(
                    _reworded(p) for p in about_avatar)
            raise KitProblems(problems, fields) from None


def _fields_of(problems: list[str]) -> dict[str, str]:
    """Each problem under the form field it is about: the last known key the message names."""
    keys = ("slug", "name", "timezone", "description", "alert_channel", "grace_minutes", "voice", "backstory",
            "catchphrases", "taboo", "examples", "lifecycle_stage", "type", "target", "poster", "colors")
    fields: dict[str, str] = {}
    for problem in problems:
        detail = problem.split(": ", 1)[-1] if problem.startswith("brand.yaml") else problem
        named = [key for key in keys if re.search(rf"(?<![a-z_]){key}(?![a-z_])", detail)]
        field = named[0] if named else ""
        fields[field] = (fields.get(field, "") + "；" if field in fields else "") + _reworded(problem)
    return fields


# The kit loader words its problems in English; the form says what to do in Chinese first.
HINTS = (
    (re.compile(r"lifecycle_stage .* is not one of"), "生命周期阶段应为 " + "、".join(LIFECYCLE_STAGES) + " 之一"),
    (re.compile(r"timezone .* is not an IANA"), "时区应为 IANA 名称，如 Asia/Shanghai"),
    (re.compile(r"slug .* must be lowercase"), "代号只能用小写字母、数字和单个连字符"),
    (re.compile(r"duplicate slug"), "代号已被使用"),
    (re.compile(r"missing '"), "必填"),
)


def _reworded(problem: str) -> str:
    detail = problem.split(": ", 2)[-1] if problem.startswith("brand.yaml") else problem
    hint = next((words for pattern, words in HINTS if pattern.search(detail)), "")
    return f"{hint} / {detail}" if hint else detail


def _lines(value) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [line.strip() for line in str(value or "").splitlines() if line.strip()]


def _minutes(value) -> int:
    try:
        minutes = int(str(value).strip())
    except ValueError:
        raise KitProblems([f"grace_minutes {value!r} is not a whole number"],
                          {"grace_minutes": "应为整数分钟 / a whole number of minutes"}) from None
    if not 0 <= minutes <= 24 * 60:
        raise KitProblems([f"grace_minutes {minutes} is outside 0–1440"],
                          {"grace_minutes": "应在 0 到 1440 分钟之间 / between 0 and 1440"})
    return minutes
