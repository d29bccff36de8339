"""Parse and validate a brand kit directory (brand.yaml + knowledge/)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from .errors import KitError
from .loaders import DOC_TYPES, Document, load_documents, parse_yaml, yaml_reason

__all__ = [
    "BrandKit", "ChannelSpec", "DOC_TYPES", "Document", "LIFECYCLE_STAGES", "Persona", "Segment",
    "load_brand_kit",
]

LIFECYCLE_STAGES = ("引入", "破冰", "促活", "转化", "留存", "召回")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_BRAND_KEYS = {"slug", "name", "timezone", "personas", "segments", "channels"}
_CHANNEL_KEYS = {"slug", "type", "target"}


@dataclass
class Persona:
    """A voice the brand speaks with in its groups."""

    slug: str
    name: str
    voice: str
    catchphrases: list[str] = field(default_factory=list)
    taboo: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    backstory: str = ""


@dataclass
class Segment:
    """A group of community members at one lifecycle stage."""

    slug: str
    name: str
    lifecycle_stage: str
    description: str = ""


@dataclass
class ChannelSpec:
    """Where posts go; every key besides slug/type/target is kept in settings."""

    slug: str
    type: str
    target: str
    settings: dict = field(default_factory=dict)


@dataclass
class BrandKit:
    """A fully validated brand kit."""

    slug: str
    name: str
    timezone: str
    personas: list[Persona]
    segments: list[Segment]
    channels: list[ChannelSpec]
    documents: list[Document]
    extra: dict
    root: Path
    # Knowledge files left out by load_brand_kit(strict=False): (file, reason).
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def persona(self, slug: str) -> Persona | None:
        """The persona with this slug, or None."""
        return next((p for p in self.personas if p.slug == slug), None)

    def segment(self, slug: str) -> Segment | None:
        """The segment with this slug, or None."""
        return next((s for s in self.segments if s.slug == slug), None)

    def channel(self, slug: str) -> ChannelSpec | None:
        """The channel with this slug, or None."""
        return next((c for c in self.channels if c.slug == slug), None)


def load_brand_kit(path: str | Path, *, strict: bool = True) -> BrandKit:
    """Load a brand kit directory, raising one KitError that lists every problem.

    strict=False is "skip and report": a knowledge file with problems (unreadable PDF, wrong encoding,
    bad front matter, ...) is left out and listed in `kit.skipped` as (file, reason). Problems of
    brand.yaml, or a missing knowledge/ folder, still raise.
    """
    root = Path(path)
    problems: list[str] = []
    if not root.is_dir():
        raise KitError([f"{root}: not a directory"], root=root)
    brand = _read_brand_yaml(root / "brand.yaml", problems)
    knowledge_dir = root / "knowledge"
    documents: list[Document] = []
    skipped: list[tuple[str, str]] | None = None if strict else []
    if knowledge_dir.is_dir():
        documents = load_documents(knowledge_dir, root, problems, skipped)
    else:
        problems.append("knowledge/: folder missing / 缺少 knowledge 目录")
    kit = _brand_from_mapping(brand, root, documents, problems) if brand is not None else None
    if problems or kit is None:
        raise KitError(problems, root=root)
    kit.skipped = skipped or []
    return kit


def brand_mapping_problems(data: dict, root: str | Path) -> list[str]:
    """What is wrong with brand.yaml's content (already parsed), worded as a kit import words it; documents
    are not looked at."""
    problems: list[str] = []
    if not isinstance(data, dict):
        return ["brand.yaml: must be a mapping with slug, name, timezone, ..."]
    _brand_from_mapping(data, Path(root), [], problems)
    return problems


def _read_brand_yaml(path: Path, problems: list[str]) -> dict | None:
    if not path.is_file():
        problems.append("brand.yaml: missing / 缺少 brand.yaml")
        return None
    try:
        data = parse_yaml(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        problems.append("brand.yaml: not UTF-8 / 文件不是 UTF-8 编码")
        return None
    except yaml.YAMLError as exc:
        problems.append(f"brand.yaml: malformed YAML: {yaml_reason(exc)}")
        return None
    if not isinstance(data, dict):
        problems.append("brand.yaml: must be a mapping with slug, name, timezone, ...")
        return None
    return data


def _brand_from_mapping(data: dict, root: Path, documents: list[Document], problems: list[str]) -> BrandKit:
    slug = _slug(data, "brand.yaml", problems)
    name = _text(data, "name", "brand.yaml", problems, required=True)
    timezone = _text(data, "timezone", "brand.yaml", problems, required=True)
    if timezone:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(f"brand.yaml: timezone {timezone!r} is not an IANA time zone like Asia/Shanghai")
    return BrandKit(
        slug=slug, name=name, timezone=timezone,
        personas=[_persona(item, where, problems) for item, where in _items(data, "personas", problems)],
        segments=[_segment(item, where, problems) for item, where in _items(data, "segments", problems)],
        channels=[_channel(item, where, problems) for item, where in _items(data, "channels", problems)],
        documents=documents,
        extra={k: v for k, v in data.items() if k not in _BRAND_KEYS},
        root=root,
    )


def _items(data: dict, key: str, problems: list[str]) -> list[tuple[dict, str]]:
    """The mappings listed under `key`, each with a label for messages; duplicates reported."""
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(f"brand.yaml: {key} must be a list")
        return []
    items, seen = [], set()
    singular = key[:-1]
    for number, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            problems.append(f"brand.yaml: {singular} #{number} must be a mapping")
            continue
        label = item.get("slug")
        where = f"brand.yaml: {singular} {label!r}" if isinstance(label, str) and label else (
            f"brand.yaml: {singular} #{number}")
        if isinstance(label, str) and label in seen:
            problems.append(f"{where}: duplicate slug")
        if isinstance(label, str):
            seen.add(label)
        items.append((item, where))
    return items


def _persona(item: dict, where: str, problems: list[str]) -> Persona:
    return Persona(
        slug=_slug(item, where, problems),
        name=_text(item, "name", where, problems, required=True),
        voice=_text(item, "voice", where, problems),
        catchphrases=_strings(item, "catchphrases", where, problems),
        taboo=_strings(item, "taboo", where, problems),
        examples=_strings(item, "examples", where, problems),
        backstory=_text(item, "backstory", where, problems),
    )


def _segment(item: dict, where: str, problems: list[str]) -> Segment:
    stage = _text(item, "lifecycle_stage", where, problems, required=True)
    if stage and stage not in LIFECYCLE_STAGES:
        problems.append(f"{where}: lifecycle_stage {stage!r} is not one of {', '.join(LIFECYCLE_STAGES)}")
    return Segment(
        slug=_slug(item, where, problems),
        name=_text(item, "name", where, problems, required=True),
        lifecycle_stage=stage,
        description=_text(item, "description", where, problems),
    )


def _channel(item: dict, where: str, problems: list[str]) -> ChannelSpec:
    return ChannelSpec(
        slug=_slug(item, where, problems),
        type=_text(item, "type", where, problems, required=True),
        target=_text(item, "target", where, problems),
        settings={k: v for k, v in item.items() if k not in _CHANNEL_KEYS},
    )


def _slug(item: dict, where: str, problems: list[str]) -> str:
    slug = _text(item, "slug", where, problems, required=True)
    if slug and not SLUG_PATTERN.match(slug):
        problems.append(f"{where}: slug {slug!r} must be lowercase letters, digits and single dashes")
    return slug


def _text(item: dict, key: str, where: str, problems: list[str], *, required: bool = False) -> str:
    value = item.get(key)
    if value is None or value == "":
        if required:
            problems.append(f"{where}: missing {key!r}")
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        problems.append(f"{where}: {key} must be text")
        return ""
    return value.strip()


def _strings(item: dict, key: str, where: str, problems: list[str]) -> list[str]:
    value = item.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f"{where}: {key} must be a list of strings")
        return []
    return [v.strip() for v in value if v.strip()]
