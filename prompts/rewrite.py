"""Building the prompt that rewrites one passage of a post (``prompts/rewrite/*.txt``).

A base model gets a notebook of passages, instructions and their rewrites that ends with the new
passage and instruction; an instruction-tuned model gets a system and a user message. Nothing here
knows about Flask, the database or the model server.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from prompts.draft_inputs import PersonaProfile
from prompts.loader import TemplateReader
from prompts.text_values import one_line, word_list

_REWRITTEN_LINE = re.compile(r"^改写：(.+)$", re.MULTILINE)


@dataclass
class RewritePrompt:
    system: str
    user: str
    completion: str
    stop: list[str]
    files: dict[str, str]  # template file name -> short sha256 version
    passage: str
    instruction: str
    taboo: list[str] = field(default_factory=list)
    # The rewrites shown as examples: a new rewrite that copies one is rejected.
    example_posts: list[str] = field(default_factory=list)
    # The streaming reader of a completion caps the text at about this many visible characters.
    max_chars: int = 300
    prefix: str = ""  # a rewrite starts from nothing: no opening for the model to continue


def build_rewrite_prompt(*, passage: str, instruction: str, brand_name: str,
                         persona: PersonaProfile | Mapping, overrides_dir: Path | None = None) -> RewritePrompt:
    """The prompt that rewrites ``passage`` as ``instruction`` asks, in the persona's voice."""
    templates = TemplateReader(overrides_dir)
    persona = PersonaProfile.of(persona)
    document = templates.get("rewrite/completion.txt")
    passage = (passage or "").replace("\r\n", "\n").strip()
    instruction = one_line(instruction) or document.meta.get("default_instruction", "")
    taboo = word_list(persona.taboo)
    values = {"passage": passage, "instruction": instruction, "brand_name": one_line(brand_name) or "我们",
              "persona_name": one_line(persona.name) or "社群主理人",
              "persona_voice": one_line(persona.voice) or "亲切、真诚、口语化",
              "taboo": "、".join(taboo) or "无"}
    system = templates.get("rewrite/system.txt").render(**values).strip()
    user = templates.get("rewrite/user.txt").render(**values).strip()
    return RewritePrompt(
        system=system, user=user, completion=document.render(**values).rstrip("\n"),
        stop=document.stop_sequences(),
        files=dict(templates.files), passage=passage, instruction=instruction, taboo=taboo,
        example_posts=[m.group(1).strip() for m in _REWRITTEN_LINE.finditer(document.body)],
        max_chars=int(len(re.sub(r"\s+", "", passage)) * 1.6) + 40)
