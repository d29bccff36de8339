"""The plain values drafting works from, taken from the stored brand, brief, persona and segment.

Plain frozen values, not database rows, so several variants can be drafted in threads.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from prompts import DraftBrief, PersonaProfile, SegmentProfile
from prompts.loader import kit_overrides
from studio.models import Brand, Brief, Persona, Segment


@dataclass(frozen=True)
class BrandContext:
    """The brand a post is drafted for: whose knowledge, which clock, which prompt overrides."""

    slug: str
    name: str
    timezone: str
    kit_path: str = ""

    @property
    def prompt_overrides(self) -> Path | None:
        """The brand kit's ``prompts`` folder, when it ships one."""
        return kit_overrides(self.kit_path)


def brand_context(brand: Brand) -> BrandContext:
    return BrandContext(slug=brand.slug, name=brand.name, timezone=brand.timezone,
                        kit_path=brand.kit_path or "")


def written_brief(goal: str, key_message: str, products: Iterable[str] | None,
                  event_date: date | None, audience: Iterable[str] = ()) -> DraftBrief:
    """A brief as an editor writes it; its text is the goal and the key message together."""
    return DraftBrief(key_message=key_message, goal=goal, products=tuple(products or ()),
                      event_date=event_date, text=" ".join(part for part in (goal, key_message) if part),
                      audience=tuple(audience))


def brief_for_prompt(brief: Brief) -> DraftBrief:
    return written_brief(brief.goal, brief.key_message, brief.products, brief.event_date,
                         [post.segment.name for post in brief.posts])


def persona_for_prompt(persona: Persona) -> PersonaProfile:
    return PersonaProfile(name=persona.name, voice=persona.voice or "", backstory=persona.backstory or "",
                          catchphrases=tuple(persona.catchphrases or ()), taboo=tuple(persona.taboo or ()),
                          examples=tuple(persona.examples or ()), slug=persona.slug)


def segment_for_prompt(segment: Segment) -> SegmentProfile:
    return SegmentProfile(slug=segment.slug, name=segment.name, lifecycle_stage=segment.lifecycle_stage,
                          description=segment.description or "")
