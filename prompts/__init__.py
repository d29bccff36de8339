"""Prompt building for community-group drafts.

Pure Python: reads the template files in this package (or a brand kit's overrides) and returns the
texts a model is given.  Never imports Flask, the studio app or the workers.

    prompt = build_draft_prompt(brand_name=..., persona={...}, segment={...}, channel_type="wecom",
                                brief={...}, facts=[Fact(1, "doc-1", "白牡丹2024", "...")])
    prompt.completion   # few-shot document for base models (ends with the opening of the new post)
    prompt.system, prompt.user   # messages for chat models
"""
from .loader import (
    LIFECYCLE_STAGES,
    PROMPTS_DIR,
    DraftPrompt,
    Fact,
    PromptTemplateError,
    TemplateFile,
    build_draft_prompt,
    normalize_stage,
    read_template,
)

__all__ = [
    "Fact",
    "DraftPrompt",
    "build_draft_prompt",
    "PromptTemplateError",
    "LIFECYCLE_STAGES",
    "normalize_stage",
    "PROMPTS_DIR",
    "TemplateFile",
    "read_template",
]
