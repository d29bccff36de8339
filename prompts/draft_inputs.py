"""What a draft prompt is built from: the brief, the persona, the segment and the retrieved facts.

Each also reads from a plain mapping of the same fields, for callers outside the studio.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from prompts.text_values import word_list


@dataclass(frozen=True)
class Fact:
    """A retrieved document as the prompt shows it, numbered for citation."""

    number: int
    doc_id: str
    title: str
    text: str


def _texts(values) -> tuple[str, ...]:
    if isinstance(values, str):
        return (values,)
    return tuple(values or ())


def _iso_date(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip()[:10])
    except ValueError:
        return None


@dataclass(frozen=True)
class DraftBrief:
    """What the post is to say."""

    key_message: str = ""
    goal: str = ""
    products: tuple[str, ...] = ()
    event_date: date | None = None
    text: str = ""  # the brief as one text: what retrieval searches for and the prompt shows
    audience: tuple[str, ...] = ()  # the names of the segments the brief is for: whom a clause speaks to

    @classmethod
    def of(cls, value: DraftBrief | Mapping | None) -> DraftBrief:
        """``value`` itself, or read from a mapping with ``date`` as an ISO date string."""
        if isinstance(value, DraftBrief):
            return value
        value = value or {}
        return cls(key_message=str(value.get("key_message") or ""), goal=str(value.get("goal") or ""),
                   products=tuple(word_list(value.get("products"))), event_date=_iso_date(value.get("date")),
                   text=str(value.get("text") or ""), audience=tuple(word_list(value.get("audience"))))


@dataclass(frozen=True)
class PersonaProfile:
    """Who writes the post, and how."""

    name: str = ""
    voice: str = ""
    backstory: str = ""
    catchphrases: tuple[str, ...] = ()
    taboo: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()  # posts in the persona's voice
    slug: str = ""

    @classmethod
    def of(cls, value: PersonaProfile | Mapping | None) -> PersonaProfile:
        """``value`` itself, or read from a mapping of the same fields."""
        if isinstance(value, PersonaProfile):
            return value
        value = value or {}
        return cls(name=str(value.get("name") or ""), voice=str(value.get("voice") or ""),
                   backstory=str(value.get("backstory") or ""),
                   catchphrases=tuple(word_list(value.get("catchphrases"))),
                   taboo=tuple(word_list(value.get("taboo"))), examples=_texts(value.get("examples")),
                   slug=str(value.get("slug") or ""))


@dataclass(frozen=True)
class SegmentProfile:
    """Who the post is for: a group of members at one lifecycle stage."""

    slug: str = ""
    name: str = ""
    lifecycle_stage: str = ""
    description: str = ""

    @classmethod
    def of(cls, value: SegmentProfile | Mapping | None) -> SegmentProfile:
        """``value`` itself, or read from a mapping of the same fields."""
        if isinstance(value, SegmentProfile):
            return value
        value = value or {}
        return cls(**{name: str(value.get(name) or "") for name in ("slug", "name", "lifecycle_stage",
                                                                   "description")})
