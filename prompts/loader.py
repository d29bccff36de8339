"""Reading and rendering the prompt template files.

Template files are plain UTF-8 text kept next to this module (``prompts/draft/completion.txt``,
``prompts/stages/引入.txt`` ...).  A brand kit may ship a folder with the same relative paths; a
file found there wins over the built-in one.

File format
-----------
* An optional metadata header: the first line is ``---``, then ``key: value`` lines, then ``---``.
* The body.  Placeholders are written ``${name}``; ``$$`` stands for a literal ``$``.  Any other
  ``$`` is left alone, so prices such as ``$9.9`` need no escaping.
* Example files use sections: a line ``【资料】`` starts the section named ``资料`` and so on.

The prompts themselves are built in ``prompts.draft_prompt`` and ``prompts.rewrite``.  Nothing here
knows about Flask, the database or the model server.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

PROMPTS_DIR = Path(__file__).resolve().parent

_PLACEHOLDER = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|(\$))")
_SECTION = re.compile(r"^【([^】\n]{1,20})】[ \t]*$", re.MULTILINE)


class PromptTemplateError(Exception):
    """A template file is missing, unreadable, or refers to a value that was not supplied."""


@dataclass(frozen=True)
class TemplateFile:
    name: str  # relative path, e.g. "draft/completion.txt"
    body: str  # text after the metadata header
    meta: dict[str, str] = field(default_factory=dict)
    version: str = ""  # short sha256 of the file's bytes
    path: Path | None = None
    overridden: bool = False

    def render(self, drop_empty: bool = False, **values) -> str:
        return render_text(self.body, values, name=self.name, drop_empty=drop_empty)

    def meta_int(self, key: str, default: int) -> int:
        """A whole number from the metadata header, ``default`` when the key is absent."""
        try:
            return int(self.meta.get(key, default))
        except ValueError as exc:
            raise PromptTemplateError(f"{self.name}: {key} must be a whole number") from exc

    def stop_sequences(self) -> list[str]:
        """The header's ``stop`` value: texts separated by ``|``, ``\\n`` standing for a line break."""
        raw = self.meta.get("stop", "")
        return [part.replace("\\n", "\n") for part in raw.split("|") if part.strip()]


def _safe_relative(name: str) -> Path:
    rel = Path(name)
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        raise PromptTemplateError(f"bad template name {name!r}")
    return rel


def _resolve(name: str, overrides_dir: Path | None) -> tuple[Path, bool]:
    rel = _safe_relative(name)
    if overrides_dir is not None:
        base = Path(overrides_dir).resolve()
        candidate = (base / rel).resolve()
        if candidate.is_relative_to(base) and candidate.is_file():
            return candidate, True
    candidate = PROMPTS_DIR / rel
    if candidate.is_file():
        return candidate, False
    raise PromptTemplateError(f"prompt template {name!r} not found")


def kit_overrides(kit_path: str | Path | None) -> Path | None:
    """A brand kit's own ``prompts`` folder, which overrides and extends these files, when the kit has one."""
    folder = Path(kit_path) / "prompts" if kit_path else None
    return folder if folder and folder.is_dir() else None


def template_exists(name: str, overrides_dir: Path | None = None) -> bool:
    try:
        _resolve(name, overrides_dir)
    except PromptTemplateError:
        return False
    return True


def short_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def split_meta(text: str) -> tuple[dict[str, str], str]:
    """Split an optional ``---`` header of ``key: value`` lines from the body."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text
    meta: dict[str, str] = {}
    for index in range(1, len(lines)):
        line = lines[index]
        if line.strip() == "---":
            return meta, "\n".join(lines[index + 1:])
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise PromptTemplateError(f"bad metadata line {line!r}")
        meta[key.strip()] = value.strip()
    raise PromptTemplateError("metadata header is not closed with ---")


def read_template(name: str, overrides_dir: Path | None = None) -> TemplateFile:
    path, overridden = _resolve(name, overrides_dir)
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig").replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise PromptTemplateError(f"cannot read prompt template {name!r}: {exc}") from exc
    try:
        meta, body = split_meta(text)
    except PromptTemplateError as exc:
        raise PromptTemplateError(f"{name}: {exc}") from None
    # One trailing newline is the file's, not the template's.
    if body.endswith("\n"):
        body = body[:-1]
    return TemplateFile(name=name, body=body, meta=meta, version=short_hash(raw), path=path,
                        overridden=overridden)


def render_text(text: str, values: dict, *, name: str = "<template>", drop_empty: bool = False) -> str:
    """Replace ``${key}`` with ``values[key]`` in a single pass (inserted values are not re-scanned).

    With ``drop_empty`` a line whose placeholders all rendered empty is left out, so optional fields
    ("日期：${date}") vanish instead of leaving a dangling label.
    """
    if drop_empty:
        kept = []
        for line in text.split("\n"):
            keys = placeholders(line)
            if keys and all(not str(values.get(key) or "").strip() for key in keys):
                continue
            kept.append(line)
        text = "\n".join(kept)

    def substitute(match: re.Match) -> str:
        if match.group(2):
            return "$"
        key = match.group(1)
        if key not in values:
            raise PromptTemplateError(f"{name}: no value for ${{{key}}}")
        value = values[key]
        return "" if value is None else str(value)

    return _PLACEHOLDER.sub(substitute, text)


def placeholders(text: str) -> set[str]:
    return {m.group(1) for m in _PLACEHOLDER.finditer(text) if m.group(1)}


def parse_sections(text: str) -> dict[str, str]:
    """``【资料】 ... 【文案】 ...`` -> {"资料": "...", "文案": "..."}; text before the first marker is dropped."""
    sections: dict[str, str] = {}
    matches = list(_SECTION.finditer(text))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        sections[match.group(1).strip()] = text[match.end():end].strip("\n").strip()
    return sections


def list_templates(folder: str, overrides_dir: Path | None = None) -> list[str]:
    """Relative names of the ``.txt`` files in ``folder`` (built-in plus brand-kit ones), sorted."""
    rel = _safe_relative(folder)
    names: set[str] = set()
    roots = [PROMPTS_DIR]
    if overrides_dir is not None:
        roots.append(Path(overrides_dir).resolve())
    for root in roots:
        directory = root / rel
        if directory.is_dir():
            names.update(f"{rel.as_posix()}/{p.name}" for p in directory.glob("*.txt") if p.is_file())
    return sorted(names)


class TemplateReader:
    """Reads the templates one prompt is built from, each once, remembering the version of each file used."""

    def __init__(self, overrides_dir: Path | None):
        self.overrides_dir = Path(overrides_dir) if overrides_dir else None
        self.files: dict[str, str] = {}
        self._cache: dict[str, TemplateFile] = {}

    def get(self, name: str, record: bool = True) -> TemplateFile:
        if name not in self._cache:
            self._cache[name] = read_template(name, self.overrides_dir)
        tpl = self._cache[name]
        if record:
            self.files[name] = tpl.version
        return tpl

    def exists(self, name: str) -> bool:
        return template_exists(name, self.overrides_dir)


def template_texts(folders: tuple[str, ...]) -> list[str]:
    """The bodies of every built-in template in these folders."""
    return [read_template(name).body for folder in folders for name in list_templates(folder)]


def scaffold_fragments(folders: tuple[str, ...] = ("draft", "rewrite")) -> set[str]:
    """The fixed wording of the prompt templates (labels, instructions), which a post must never repeat.

    A fragment is a literal run of a template line between placeholders that is distinctive enough to mean
    a copied prompt: it carries a label mark (【】, [], ：) or is at least six characters long.
    """
    fragments: set[str] = set()
    for body in template_texts(folders):
        for line in body.split("\n"):
            for piece in _PLACEHOLDER.sub("\0", line).split("\0"):
                piece = piece.strip()
                if len(piece) >= 3 and (re.search(r"[【】\[\]：]", piece) or len(piece) >= 6):
                    fragments.add(piece)
    return fragments
