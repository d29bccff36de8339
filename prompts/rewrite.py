"""Building the prompt that rewrites one passage of a post (``prompts/rewrite/*.txt``).

A base model gets a notebook of passages, instructions and their rewrites that ends with the new
passage and instruction; an instruction-tuned model gets a system and a user message. Nothing here
knows about Flask, the database or the model server.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from prompts.loader import _clean, _stop_list, _str_list, _Templates

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


def build_rewrite_prompt(*, passage: str, instruction: str, brand_name: str, persona: dict,
                         overrides_dir: Path | None = None) -> RewritePrompt:
    templates = _Templates(overrides_dir)
    document = templates.get("rewrite/completion.txt")
    passage = (passage or "").replace("\r\n", "\n").strip()
    instruction = _clean(instruction) or document.meta.get("default_instruction", "")
    taboo = _str_list((persona or {}).get("taboo"))
    values = {"passage": passage, "instruction": instruction, "brand_name": _clean(brand_name) or "我们",
              "persona_name": _clean((persona or {}).get("name")) or "社群主理人",
              "persona_voice": _clean((persona or {}).get("voice")) or "亲切、真诚、口语化",
              "taboo": "、".join(taboo) or "无"}
    system = templates.get("rewrite/system.txt").render(**values).strip()
    user = templates.get("rewrite/user.txt").render(**values).strip()
    return RewritePrompt(
        system=system, user=user, completion=document.render(**values).rstrip("\n"), stop=_stop_list(document),
        files=dict(templates.files), passage=passage, instruction=instruction, taboo=taboo,
        example_posts=[m.group(1).strip() for m in _REWRITTEN_LINE.finditer(document.body)],
        max_chars=int(len(re.sub(r"\s+", "", passage)) * 1.6) + 40)
