"""The script library (话术库): lines people wrote for each lifecycle stage and channel, read from
``prompts/scripts/*.yaml`` and merged with a brand kit's own ``prompts/scripts/*.yaml``.

A stage file (``促活.yaml``) and the shared file (``通用.yaml``) hold slots of alternative wordings
(``openers``, ``intro``, ``hooks``, ``fact_leads``, ``ctas``, ``closers``), ``stage_words`` (what a fact
that fits the stage talks about), optionally ``address`` and ``layout``, and a ``channels`` mapping of
the same keys per channel type.  A kit's file of the same name extends the built-in one; with
``replace: true`` it replaces it.  ``brief.yaml`` and ``products.yaml`` say how a brief and a product
row become post text.  Problems raise :class:`PromptTemplateError` naming the file and the key.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .loader import PROMPTS_DIR, PromptTemplateError, placeholders, render_text

SCRIPTS = "scripts"
SHARED = "通用"
SLOTS = ("openers", "intro", "hooks", "fact_leads", "ctas", "closers")
LAYOUT_PARTS = {"opener", "intro", "hook", "message", "fact", "cta", "closer"}
VALUES = {"persona", "brand", "address", "catchphrase"}
_STAGE_KEYS = {*SLOTS, "stage_words", "address", "layout", "channels", "replace"}


@dataclass(frozen=True)
class ScriptLine:
    """One wording, and where it came from (``scripts/促活.yaml#ctas/2``) for the generation record."""

    text: str
    source: str

    def render(self, values: dict[str, str]) -> str | None:
        """The line with its values filled in; None when a value it needs is empty."""
        if any(not values.get(key) for key in placeholders(self.text)):
            return None
        return render_text(self.text, values, name=self.source)


@dataclass
class StageScripts:
    """Everything the library says for one stage on one channel."""

    slots: dict[str, list[ScriptLine]] = field(default_factory=dict)
    stage_words: list[str] = field(default_factory=list)
    address: str = "大家"
    layout: list[list[str]] = field(default_factory=list)

    def lines(self, slot: str) -> list[ScriptLine]:
        return self.slots.get(slot, [])


def _read_yaml(path: Path, name: str) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise PromptTemplateError(f"{name}: cannot read: {exc}") from None
    if not isinstance(data, dict):
        raise PromptTemplateError(f"{name}: should be a mapping of keys to lists")
    return data


def _files(stem: str, overrides_dir: Path | None) -> list[tuple[str, dict]]:
    """The built-in file and the kit's file of that name, when there are; a kit file may replace."""
    found = []
    builtin = PROMPTS_DIR / SCRIPTS / f"{stem}.yaml"
    if builtin.is_file():
        found.append((f"{SCRIPTS}/{stem}.yaml", _read_yaml(builtin, f"{SCRIPTS}/{stem}.yaml")))
    if overrides_dir is not None:
        own = Path(overrides_dir) / SCRIPTS / f"{stem}.yaml"
        if own.is_file():
            name = f"kit:{SCRIPTS}/{stem}.yaml"
            data = _read_yaml(own, name)
            found = [(name, data)] if data.get("replace") is True else [*found, (name, data)]
    return found


def _string_list(value, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise PromptTemplateError(f"{where}: should be a list of strings")
    return value


def _check_line(text: str, where: str) -> None:
    unknown = placeholders(text) - VALUES
    if unknown:
        raise PromptTemplateError(f"{where}: unknown placeholder ${{{sorted(unknown)[0]}}} "
                                  f"(known: {', '.join(sorted(VALUES))})")


def _check_layout(value, where: str) -> list[list[str]]:
    if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
        raise PromptTemplateError(f"{where}: should be a list of paragraphs, each a list of parts")
    for row in value:
        for part in row:
            if part not in LAYOUT_PARTS:
                raise PromptTemplateError(f"{where}: unknown part {part!r} (known: {', '.join(sorted(LAYOUT_PARTS))})")
    return value


def _merge(into: StageScripts, data: dict, name: str, channel_type: str, prefix: str = "") -> None:
    unknown = set(data) - _STAGE_KEYS
    if unknown:
        raise PromptTemplateError(f"{name}: unknown key {sorted(unknown)[0]!r} (known: {', '.join(sorted(_STAGE_KEYS))})")
    for slot in SLOTS:
        if slot in data:
            where = f"{name}#{prefix}{slot}"
            for number, text in enumerate(_string_list(data[slot], where), 1):
                _check_line(text, f"{where}/{number}")
                into.slots.setdefault(slot, []).append(ScriptLine(text, f"{where}/{number}"))
    if "stage_words" in data:
        into.stage_words += _string_list(data["stage_words"], f"{name}#{prefix}stage_words")
    if "address" in data:
        if not isinstance(data["address"], str) or not data["address"].strip():
            raise PromptTemplateError(f"{name}#{prefix}address: should be a word such as 茶友们")
        into.address = data["address"].strip()
    if "layout" in data:
        into.layout = _check_layout(data["layout"], f"{name}#{prefix}layout")
    channels = data.get("channels") or {}
    if not isinstance(channels, dict):
        raise PromptTemplateError(f"{name}#channels: should map channel types to the same keys")
    if channel_type in channels:
        section = channels[channel_type]
        if not isinstance(section, dict) or "channels" in section:
            raise PromptTemplateError(f"{name}#channels/{channel_type}: should be a mapping of slots")
        # A channel's own wordings come before the general ones of the same file.
        own = StageScripts()
        _merge(own, section, name, channel_type, prefix=f"channels/{channel_type}/")
        for slot, lines in own.slots.items():
            into.slots[slot] = [*lines, *into.slots.get(slot, [])]
        into.stage_words += own.stage_words
        into.address = own.address if "address" in section else into.address
        into.layout = own.layout or into.layout


def stage_scripts(stage: str, channel_type: str, overrides_dir: Path | None = None) -> StageScripts:
    """The stage's lines first, then the shared ones, for one channel type."""
    if not re.fullmatch(r"[\w\u4e00-\u9fff]{1,20}", stage or ""):
        stage = SHARED
    scripts = StageScripts()
    for stem in dict.fromkeys((stage, SHARED)):
        for name, data in _files(stem, overrides_dir):
            _merge(scripts, data, name, channel_type)
    if not scripts.layout:
        raise PromptTemplateError(f"{SCRIPTS}/{SHARED}.yaml: no layout")
    return scripts


def read_rules(stem: str, overrides_dir: Path | None = None) -> dict:
    """``brief.yaml`` or ``products.yaml``: the kit's file when it has one, else the built-in one."""
    files = _files(stem, overrides_dir)
    if not files:
        raise PromptTemplateError(f"{SCRIPTS}/{stem}.yaml is missing")
    return files[-1][1] | {"_name": files[-1][0]}


def rules_version(stem: str, overrides_dir: Path | None = None) -> tuple:
    """When the built-in and the kit's file of that name last changed: a cache key that a re-imported kit
    invalidates."""
    paths = [PROMPTS_DIR / SCRIPTS / f"{stem}.yaml"]
    if overrides_dir is not None:
        paths.append(Path(overrides_dir) / SCRIPTS / f"{stem}.yaml")
    return tuple(p.stat().st_mtime_ns if p.is_file() else None for p in paths)


def script_texts() -> list[str]:
    """Every built-in script line, for checks that ask whether a sentence came from material people wrote."""
    texts = []
    for path in sorted((PROMPTS_DIR / SCRIPTS).glob("*.yaml")):
        data = _read_yaml(path, path.name)
        sections = [data, *(data.get("channels") or {}).values()]
        texts += [line for section in sections for slot in SLOTS for line in section.get(slot, [])]
    return texts
