"""What the CLI, pages and tasks ask of rituals, in plain values: one call each."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from studio.brands.kits import get_brand
from studio.errors import InvalidInput
from studio.models import RitualOccurrence
from studio.rituals import definitions, editing, materializing, single_occurrences
from studio.rituals.definitions import RitualInput  # noqa: F401  the input of create()

__all__ = ["RitualInput", "change_occurrence", "create", "list_rituals", "materialize", "run_beat",
           "schedule_occurrence", "set_active", "update"]


def create(data: RitualInput, created_by_id: int | None = None) -> dict:
    """Store a ritual; its plain values with the next occurrences."""
    get_brand(data.brand, "editor")
    return definitions.ritual_dict(definitions.create_ritual(data, created_by_id))


def update(brand_slug: str, ritual_slug: str, changes: dict) -> dict:
    """Change the given fields (RitualInput's names), checked as on creation; its plain values, with how many
    planned changes to occurrences the new series no longer has were dropped."""
    get_brand(brand_slug, "editor")
    ritual, dropped = editing.update_ritual(brand_slug, ritual_slug, changes)
    return {**definitions.ritual_dict(ritual), "dropped_plans": dropped}


def set_active(brand_slug: str, ritual_slug: str, active: bool) -> dict:
    """Deactivate the ritual (nothing more is materialized) or activate it again."""
    get_brand(brand_slug, "editor")
    return definitions.ritual_dict(editing.set_active(brand_slug, ritual_slug, active))


def list_rituals(brand_slug: str) -> list[dict]:
    return [definitions.ritual_dict(ritual) for ritual in definitions.rituals_of(brand_slug)]


def materialize(brand_slug: str, until_text: str = "") -> list[dict]:
    """The brand's open occurrences that are due (or fall by `until`), each with its brief and whether this
    call wrote it."""
    brand = get_brand(brand_slug, "editor")
    until = _instant(until_text, brand.timezone) if (until_text or "").strip() else None
    return [row.as_dict() for row in materializing.materialize_due(brand_id=brand.id, until=until)]


def run_beat() -> dict:
    """Freeze, schedule and materialize every brand's rituals: what the beat runs each minute."""
    return materializing.run_rituals()


def schedule_occurrence(occurrence_id: int) -> int:
    """Schedule an open occurrence's approved variants now (one was just approved); how many were."""
    return materializing.schedule_occurrence(occurrence_id)


def change_occurrence(brand_slug: str, ritual_slug: str, at: str, *, skip: bool = False, move_to: str = "",
                      brief: str | None = None, actor_id: int | None = None) -> dict:
    """Skip, move or rewrite the occurrence at local time `at`."""
    get_brand(brand_slug, "editor")
    ritual = definitions.get_ritual(brand_slug, ritual_slug)
    if skip:
        row = single_occurrences.skip_occurrence(ritual, at, actor_id)
    elif move_to:
        row = single_occurrences.move_occurrence(ritual, at, move_to)
    else:
        row = single_occurrences.set_own_brief(ritual, at, brief or "")
    return occurrence_dict(row)


def occurrence_dict(row: RitualOccurrence) -> dict:
    return {"ritual": row.ritual.slug, "occurrence_utc": _z(row.occurrence_utc), "due_utc": _z(row.due_utc),
            "state": str(row.state.value), "brief_id": row.brief_id, "own_brief": row.brief_override,
            "note": row.note}


def _instant(text: str, zone_name: str) -> datetime:
    """ISO 8601 as naive UTC; without an offset it is the brand's local time."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"--until {text!r} 不是 ISO 8601 时间 / --until {text!r} is not an ISO 8601 time") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(zone_name))
    return value.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def _z(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


