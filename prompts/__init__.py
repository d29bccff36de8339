"""Prompt building for community-group drafts.

Pure Python: reads the template files in this package (or a brand kit's overrides) and returns the
texts a model is given.  Never imports Flask, the studio app or the workers.

    prompt = build_draft_prompt(brand_name=..., persona=PersonaProfile(...), segment=SegmentProfile(...),
                                channel_type="wecom", brief=DraftBrief(...),
                                facts=[Fact(1, "doc-1", "白牡丹2024", "...")])
    prompt.completion   # few-shot document for base models (ends with the opening of the new post)
    prompt.system, prompt.user   # messages for chat models

``loader`` reads the template files; ``draft_prompt`` and ``rewrite`` build the prompts from them.
"""
from .draft_inputs import DraftBrief, Fact, PersonaProfile, SegmentProfile
from .draft_prompt import LIFECYCLE_STAGES, DraftPrompt, build_draft_prompt, normalize_stage
from .loader import PROMPTS_DIR, PromptTemplateError, TemplateFile, read_template

__all__ = [
    "Fact",
    "DraftBrief",
    "PersonaProfile",
    "SegmentProfile",
    "DraftPrompt",
    "build_draft_prompt",
    "PromptTemplateError",
    "LIFECYCLE_STAGES",
    "normalize_stage",
    "PROMPTS_DIR",
    "TemplateFile",
    "read_template",
]
