"""The group directory: every chat group a bot reaches, by segment, region and store, and the audiences that
pick groups out of it.

A group is a channel with directory fields. Groups come from the brand kit or from a CSV import; an import is
all or nothing, and a brand kit's re-import leaves imported groups alone.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from urllib.parse import urlsplit

from studio.brands.kits import get_brand
from studio.channels import ADAPTERS
from studio.errors import InvalidInput
from studio.extensions import db
from studio.models import Channel, Segment

CSV_COLUMNS = ("slug", "type", "target", "name", "secret", "segments", "region", "store", "members")
OPTIONAL_COLUMNS = ("tags", "owner")
AUDIENCE_KEYS = ("segment", "region", "store", "tag", "type")
MAX_ROWS = 5000
MAX_BULK = 1000


@dataclass(frozen=True)
class GroupRow:
    line: int
    slug: str
    type: str
    target: str
    name: str
    secret: str
    segments: tuple[str, ...]
    region: str
    store: str
    members: int
    tags: tuple[str, ...]
    owner: str


def list_cell(value: str) -> tuple[str, ...]:
    """A ';'-separated cell as its values, blanks and repeats dropped, order kept."""
    return tuple(dict.fromkeys(part.strip() for part in (value or "").split(";") if part.strip()))


def _read_rows(text: str, segment_slugs: set[str]) -> tuple[list[GroupRow], list[str]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in CSV_COLUMNS if name not in header]
    if missing:
        raise InvalidInput(f"CSV 缺少列：{', '.join(missing)}（需要 {','.join(CSV_COLUMNS)}，可选 "
                           f"{','.join(OPTIONAL_COLUMNS)}） / missing columns: {', '.join(missing)}")
    reader.fieldnames = header
    rows, problems, seen = [], [], {}
    for record in reader:
        line = reader.line_num
        if len(rows) + len(problems) >= MAX_ROWS:
            raise InvalidInput(f"一次最多导入 {MAX_ROWS} 个群 / at most {MAX_ROWS} groups per file")
        if None in record:
            problems.append(f"第 {line} 行：列数多于表头 / more cells than columns")
            continue
        row, row_problems = _row(line, {key: (value or "").strip() for key, value in record.items()},
                                 segment_slugs)
        if row and row.slug in seen:
            row_problems.append(f"slug {row.slug!r} 与第 {seen[row.slug]} 行重复 / repeats line {seen[row.slug]}")
        problems.extend(f"第 {line} 行：{problem}" for problem in row_problems)
        if row and not row_problems:
            seen[row.slug] = line
            rows.append(row)
    return rows, problems


def _row(line: int, cells: dict, segment_slugs: set[str]) -> tuple[GroupRow | None, list[str]]:
    problems = []
    slug, kind, target = cells.get("slug", ""), cells.get("type", ""), cells.get("target", "")
    if not slug or len(slug) > 64 or not all(c.isalnum() or c in "-_." for c in slug):
        problems.append(f"slug {slug!r} 无效（字母、数字、-_.，最多64个） / bad slug")
    adapter = ADAPTERS.get(kind)
    if adapter is None:
        problems.append(f"未知类型 {kind!r}（可用：{', '.join(sorted(ADAPTERS))}） / unknown type")
    if not target:
        problems.append("缺少 target / missing target")
    elif len(target) > 500:
        problems.append("target 超过500字 / target too long")
    elif adapter is not None:
        problem = _target_problem(adapter(), target)
        if problem:
            problems.append(problem)
    segments = list_cell(cells.get("segments", ""))
    unknown = [segment for segment in segments if segment not in segment_slugs]
    if unknown:
        problems.append(f"未知人群 {', '.join(unknown)}（可用：{', '.join(sorted(segment_slugs))}） / unknown segment")
    members_cell = cells.get("members", "") or "0"
    try:
        members = int(members_cell)
        if not 0 <= members <= 10_000_000:
            raise ValueError
    except ValueError:
        problems.append(f"members {members_cell!r} 应为 0 到 10000000 的整数 / members must be a whole number")
        members = 0
    for column, limit in (("name", 100), ("region", 100), ("store", 100), ("owner", 100), ("secret", 500)):
        if len(cells.get(column, "")) > limit:
            problems.append(f"{column} 超过{limit}字 / {column} too long")
    if problems:
        return None, problems
    return GroupRow(line, slug, kind, target, cells.get("name") or slug, cells.get("secret", ""), segments,
                    cells.get("region", ""), cells.get("store", ""), members, list_cell(cells.get("tags", "")),
                    cells.get("owner", "")), []


def _target_problem(adapter, target: str) -> str:
    """A target that cannot be a bot address, judged by its form (the address itself is checked at send time)."""
    url = adapter.endpoint(target, {"bot_token": "x"})
    if url is None:
        return ""
    if not url:
        return f"target {target!r} 不是有效的{adapter.label}地址 / bad URL"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"target {target!r} 不是 http(s) 地址 / bad URL"
    return ""


def _secret_key(kind: str) -> str:
    secret = next((s.key for s in ADAPTERS[kind].settings_read if getattr(s, "secret", False)), None)
    return secret or "secret"


def groups_csv(brand_slug: str) -> str:
    """The groups the directory imported, as the CSV import_groups reads back; "" when there are none."""
    brand = get_brand(brand_slug)
    groups = db.session.scalars(db.select(Channel).where(Channel.brand_id == brand.id, Channel.active,
                                                         Channel.origin == "directory").order_by(Channel.id)).all()
    if not groups:
        return ""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS + OPTIONAL_COLUMNS)
    for group in groups:
        cells = {"slug": group.slug, "type": group.type, "target": group.target, "name": group.name,
                 "secret": (group.settings or {}).get(_secret_key(group.type), ""),
                 "segments": ";".join(group.segments or []), "region": group.region, "store": group.store,
                 "members": group.members, "tags": ";".join(group.tags or []), "owner": group.owner}
        writer.writerow([cells[column] for column in CSV_COLUMNS + OPTIONAL_COLUMNS])
    return out.getvalue()


def import_groups(brand_slug: str, text: str) -> dict:
    """Create or update the brand's groups from CSV text, by slug; any bad row changes nothing and every bad
    line is named."""
    brand = get_brand(brand_slug, "editor")
    segment_slugs = set(db.session.scalars(db.select(Segment.slug).where(Segment.brand_id == brand.id)))
    rows, problems = _read_rows(text, segment_slugs)
    if problems:
        raise InvalidInput("群目录没有导入，请修正后重试 / nothing imported:\n" + "\n".join(problems))
    existing = {channel.slug: channel for channel in db.session.scalars(
        db.select(Channel).where(Channel.brand_id == brand.id))}
    created = updated = 0
    for row in rows:
        channel = existing.get(row.slug)
        if channel is None:
            channel = Channel(brand_id=brand.id, slug=row.slug, settings={}, origin="directory")
            db.session.add(channel)
            created += 1
        before = _fields(channel)
        settings = dict(channel.settings or {})
        settings["name"] = row.name
        if row.secret:
            settings[_secret_key(row.type)] = row.secret
        channel.type, channel.target, channel.name, channel.settings = row.type, row.target, row.name, settings
        channel.segments, channel.tags = list(row.segments), list(row.tags)
        channel.region, channel.store, channel.members, channel.owner = row.region, row.store, row.members, row.owner
        channel.active = True
        if before is not None and before != _fields(channel):
            updated += 1
    db.session.commit()
    return {"groups": len(rows), "created": created, "updated": updated}


def _fields(channel: Channel) -> tuple | None:
    if channel.id is None:
        return None
    return (channel.type, channel.target, channel.name, dict(channel.settings or {}), list(channel.segments or []),
            list(channel.tags or []), channel.region, channel.store, channel.members, channel.owner, channel.active)


# -- audiences ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Audience:
    """Space-separated ``key:v1,v2`` terms: values of one key are OR-ed, different terms AND-ed."""

    terms: tuple[tuple[str, frozenset[str]], ...] = ()

    def matches(self, channel: Channel) -> bool:
        return all(_values(channel, key) & values for key, values in self.terms)

    def __str__(self) -> str:
        return " ".join(f"{key}:{','.join(sorted(values))}" for key, values in self.terms)


def parse_audience(expression: str) -> Audience:
    terms = []
    for term in (expression or "").split():
        key, sep, values = term.partition(":")
        if not sep or key not in AUDIENCE_KEYS:
            raise InvalidInput(f"受众条件 {term!r} 无效：应为 key:值1,值2，key 为 {', '.join(AUDIENCE_KEYS)} / "
                               f"bad audience term {term!r}")
        picked = frozenset(value.strip() for value in values.split(",") if value.strip())
        if not picked:
            raise InvalidInput(f"受众条件 {term!r} 没有值 / audience term {term!r} has no values")
        terms.append((key, picked))
    return Audience(tuple(terms))


def _values(channel: Channel, key: str) -> set[str]:
    if key == "segment":
        return set(channel.segments or [])
    if key == "tag":
        return set(channel.tags or [])
    return {{"region": channel.region, "store": channel.store, "type": channel.type}[key] or ""}


def groups_of(brand_slug: str, include_inactive: bool = False) -> list[Channel]:
    brand = get_brand(brand_slug)
    query = db.select(Channel).where(Channel.brand_id == brand.id).order_by(Channel.slug)
    if not include_inactive:
        query = query.where(Channel.active.is_(True))
    return list(db.session.scalars(query))


def match_groups(brand_slug: str, expression: str) -> list[Channel]:
    """The brand's active groups in the audience, by slug."""
    audience = parse_audience(expression)
    return [channel for channel in groups_of(brand_slug) if audience.matches(channel)]


def group_dict(channel: Channel) -> dict:
    return {"slug": channel.slug, "name": channel.name, "segments": list(channel.segments or []),
            "region": channel.region or "", "store": channel.store or "", "members": channel.members or 0}


def audience_size(groups: list[Channel]) -> dict:
    return {"groups": len(groups), "members": sum(channel.members or 0 for channel in groups)}


def bulk_edit(brand_slug: str, slugs: list[str], *, add_tags=(), remove_tags=(), add_segments=(),
              remove_segments=()) -> int:
    """Add or remove tags and segments on many groups at once; returns how many groups changed."""
    brand = get_brand(brand_slug, "editor")
    if not slugs:
        raise InvalidInput("请先勾选群 / select some groups first")
    if len(slugs) > MAX_BULK:
        raise InvalidInput(f"一次最多修改 {MAX_BULK} 个群 / at most {MAX_BULK} groups at once")
    known = set(db.session.scalars(db.select(Segment.slug).where(Segment.brand_id == brand.id)))
    unknown = [s for s in (*add_segments, *remove_segments) if s not in known]
    if unknown:
        raise InvalidInput(f"未知人群 {', '.join(unknown)} / unknown segment")
    channels = list(db.session.scalars(db.select(Channel).where(Channel.brand_id == brand.id,
                                                                Channel.slug.in_(slugs))))
    changed = 0
    for channel in channels:
        tags = [t for t in (channel.tags or []) if t not in remove_tags] + \
            [t for t in add_tags if t not in (channel.tags or [])]
        segments = [s for s in (channel.segments or []) if s not in remove_segments] + \
            [s for s in add_segments if s not in (channel.segments or [])]
        if tags != list(channel.tags or []) or segments != list(channel.segments or []):
            channel.tags, channel.segments = tags, segments
            changed += 1
    db.session.commit()
    return changed
