"""The typed values a draft prompt is built from, and the mappings that read into them."""
from __future__ import annotations

from datetime import date

from prompts import DraftBrief, PersonaProfile, SegmentProfile, build_draft_prompt
from prompts.rewrite import build_rewrite_prompt


def typed(tea: dict) -> dict:
    return dict(tea, persona=PersonaProfile.of(tea["persona"]), segment=SegmentProfile.of(tea["segment"]),
                brief=DraftBrief.of(tea["brief"]))


def test_typed_inputs_build_the_same_prompt_as_plain_mappings(tea):
    assert build_draft_prompt(**typed(tea)) == build_draft_prompt(**tea)


def test_a_mapping_reads_into_the_typed_brief_persona_and_segment(tea):
    brief = DraftBrief.of(tea["brief"])
    assert brief.event_date == date(2024, 11, 29) and brief.products == ("白牡丹2024",)
    assert DraftBrief.of({"date": "下周五"}).event_date is None, "a date that is not ISO is left out"
    persona = PersonaProfile.of({**tea["persona"], "catchphrases": "亲们、喝茶是件慢事", "examples": "一条帖子"})
    assert persona.catchphrases == ("亲们", "喝茶是件慢事") and persona.examples == ("一条帖子",)
    assert SegmentProfile.of(None) == SegmentProfile()
    assert DraftBrief.of(brief) is brief


def test_the_rewrite_prompt_takes_the_typed_persona(tea):
    kwargs = {"passage": "白牡丹2024建议90℃冲泡。", "instruction": "更口语一点", "brand_name": "山茶小馆"}
    assert build_rewrite_prompt(**kwargs, persona=PersonaProfile.of(tea["persona"])) == \
        build_rewrite_prompt(**kwargs, persona=tea["persona"])


def test_the_package_exports_the_names_from_the_modules_that_define_them():
    from prompts import DraftPrompt, Fact, draft_inputs, draft_prompt
    from prompts import build_draft_prompt as moved

    assert Fact is draft_inputs.Fact and DraftPrompt is draft_prompt.DraftPrompt and moved is build_draft_prompt
