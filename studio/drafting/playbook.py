"""What worked, per segment: a playbook written from click rates, read back when drafting for that segment.

Written nightly (and on demand): the segment's posts with the best and the worst Wilson lower bound of their
click rate (among those that reached the minimum), and what the best had in common: the hour they went
out, their length, the stage, the script lines they used and their poster template. Drafting for the
segment then tries the best posts' script lines first, and the generation record names the entries used.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timezone
from statistics import median
from zoneinfo import ZoneInfo

from studio.extensions import db
from studio.links.analytics import analytics
from studio.models import Brand, Delivery, DeliveryStatus, Post, utcnow

BEST, WORST = 3, 3
EXAMPLE_CHARS = 400
SETTING_PREFIX = "playbook:"


@dataclass(frozen=True)
class PlaybookHint:
    """What drafting takes from a segment's playbook: proven script lines and where they came from."""

    segment: str
    lines: tuple[str, ...]  # script sources ("script:…") the best posts used
    posts: tuple[int, ...]  # the best posts
    written_at: str
    examples: tuple[str, ...] = ()  # the best posts' texts, for a model that writes


def write_playbooks(min_reach: int) -> dict[str, int]:
    """Write every brand's playbooks; the number of segments with one, by brand."""
    written = {}
    for brand in db.session.scalars(db.select(Brand).order_by(Brand.id)):
        written[brand.slug] = write_brand_playbooks(brand, min_reach)
    return written


def write_brand_playbooks(brand: Brand, min_reach: int) -> int:
    """The brand's playbooks, one per segment whose posts reached enough members to be ranked."""
    rows = {int(row["key"]): row for row in analytics(brand.slug, "post", min_reach) if row["ranked"]}
    posts = db.session.scalars(db.select(Post).where(Post.id.in_(rows))).all() if rows else []
    by_segment: dict[int, list[Post]] = {}
    for post in posts:
        by_segment.setdefault(post.segment_id, []).append(post)
    count = 0
    for segment in brand.segments:
        ranked = sorted(by_segment.get(segment.id, []), key=lambda p: -rows[p.id]["rate_low"])
        playbook = _playbook(brand, ranked, rows) if ranked else None
        if playbook is not None or brand.studio_setting(SETTING_PREFIX + segment.slug):
            brand.store_studio_setting(SETTING_PREFIX + segment.slug, playbook)
            count += playbook is not None
    db.session.commit()
    return count


def _playbook(brand: Brand, ranked: list[Post], rows: dict) -> dict:
    best, worst = ranked[:BEST], ranked[-WORST:] if len(ranked) > BEST else []
    zone = ZoneInfo(brand.timezone)
    entries = [_entry(post, rows[post.id], zone) for post in ranked]
    by_id = {entry["post"]: entry for entry in entries}
    best_entries = [by_id[p.id] for p in best]
    worst_lines = {line for p in worst for line in by_id[p.id]["lines"]}
    line_counts = Counter(line for entry in best_entries for line in entry["lines"])
    # Lines the best posts share, or that a best post used and no worst post did.
    lines = [line for line, n in line_counts.most_common() if n >= 2 or line not in worst_lines]
    return {
        "written_at": utcnow().isoformat(timespec="seconds") + "Z",
        "best": best_entries, "worst": [by_id[p.id] for p in worst],
        "common": {
            "hours": [hour for hour, _n in Counter(e["hour"] for e in best_entries if e["hour"] is not None)
                      .most_common(2)],
            "median_length": round(median(e["length"] for e in best_entries)),
            "stages": sorted({e["stage"] for e in best_entries}),
            "templates": [t for t, _n in Counter(e["template"] for e in best_entries if e["template"])
                          .most_common(2)],
            "lines": lines[:8],
        },
    }


def _entry(post: Post, row: dict, zone: ZoneInfo) -> dict:
    revision = post.current_revision
    sent = db.session.scalar(db.select(db.func.min(Delivery.sent_at)).where(
        Delivery.post_id == post.id, Delivery.status == DeliveryStatus.SENT))
    sentences = (post.generation or {}).get("sentences") or []
    return {
        "post": post.id, "rate": row["rate"], "rate_low": row["rate_low"], "reach": row["reach"],
        "unique": row["unique"], "stage": post.segment.lifecycle_stage,
        "hour": sent.replace(tzinfo=timezone.utc).astimezone(zone).hour if sent else None,
        "length": len(revision.body) if revision else 0,
        "template": (revision.poster.spec.get("template", "") if revision and revision.poster else ""),
        "lines": list(dict.fromkeys(s["source"] for s in sentences
                                    if str(s.get("source", "")).startswith("script:"))),
        "excerpt": (revision.body[:60] if revision else ""),
        "text": (revision.body[:EXAMPLE_CHARS] if revision else ""),
    }


def playbook(brand: Brand, segment_slug: str) -> dict | None:
    """The segment's playbook as written last, or None."""
    return brand.studio_setting(SETTING_PREFIX + segment_slug)


def drafting_hint(brand: Brand, segment_slug: str) -> PlaybookHint | None:
    """What drafting for the segment takes from its playbook, when it has one."""
    written = playbook(brand, segment_slug)
    if not written or not written["best"]:
        return None
    return PlaybookHint(segment=segment_slug, lines=tuple(written["common"]["lines"]),
                        posts=tuple(entry["post"] for entry in written["best"]), written_at=written["written_at"],
                        examples=tuple(entry["text"] for entry in written["best"] if entry.get("text")))


def brief_playbooks(brief) -> dict[str, dict]:
    """The playbooks of a brief's segments that have one, by segment slug, for the brief page."""
    found = {}
    for post in brief.posts:
        written = playbook(brief.brand, post.segment.slug)
        if written:
            found[post.segment.slug] = written
    return found
