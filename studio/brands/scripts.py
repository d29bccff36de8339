"""The brand's own script library (话术库) lines: its kit's prompts/scripts/<name>.yaml beside the built-in
file of that name, edited by the brand's admins and checked exactly as drafting reads them."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import yaml

from knowledge.kit import LIFECYCLE_STAGES
from prompts.loader import PROMPTS_DIR, PromptTemplateError
from prompts.scripts_library import SCRIPTS, SHARED, stage_scripts
from studio import audit
from studio.brands.editing import KitProblems
from studio.brands.kits import get_brand
from studio.brands.library import changing_library
from studio.errors import InvalidInput, NotFound
from studio.extensions import db

FILES = (*LIFECYCLE_STAGES, SHARED)  # one per stage, and the lines every stage shares
MAX_CHARS = 50_000


def script_files(slug: str) -> list[dict]:
    """Each script file: the built-in text and the kit's own (empty when it has none)."""
    kit_dir = _kit_dir(slug)
    return [{"name": stem, "builtin": (PROMPTS_DIR / SCRIPTS / f"{stem}.yaml").read_text(encoding="utf-8"),
             "own": _read(kit_dir / "prompts" / SCRIPTS / f"{stem}.yaml")} for stem in FILES]


def save_script_file(slug: str, stem: str, text: str, actor_id: int | None = None) -> bool:
    """Store the kit's own lines for one file (added to the built-in ones, or replacing them with
    `replace: true`); empty text removes the kit's file. True when the kit has its own file afterwards."""
    if stem not in FILES:
        raise NotFound(f"没有话术文件 {stem!r}")
    brand = get_brand(slug, "admin")
    kit_dir = _kit_dir(slug)
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_CHARS:
        raise KitProblems([f"{stem}.yaml: longer than {MAX_CHARS} characters"],
                          {"text": f"最多 {MAX_CHARS} 个字符 / at most {MAX_CHARS} characters"})
    target = kit_dir / "prompts" / SCRIPTS / f"{stem}.yaml"
    with changing_library():
        if text:
            _check(kit_dir, stem, text, _channel_types(brand))
            target.parent.mkdir(parents=True, exist_ok=True)
            staging = target.with_name(f".{target.name}.saving")
            staging.write_text(text + "\n", encoding="utf-8")
            os.replace(staging, target)
        else:
            target.unlink(missing_ok=True)
    audit.record("scripts.edit" if text else "scripts.reset", actor_id=actor_id, brand_id=brand.id,
                 detail=f"{SCRIPTS}/{stem}.yaml")
    db.session.commit()
    return bool(text)


def _check(kit_dir: Path, stem: str, text: str, channel_types: list[str]) -> None:
    """Read the kit's script files with this one in place, as drafting will, for every stage it touches and
    every channel type of the brand; a problem is named by the file and the key."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行 / line {mark.line + 1}: " if mark else ""
        raise KitProblems([f"{stem}.yaml: malformed YAML"], {"text": f"{where}YAML 格式有误 / malformed YAML: "
                                                                     f"{getattr(exc, 'problem', '') or exc}"}) from None
    if not isinstance(data, dict):
        raise KitProblems([f"{stem}.yaml: not a mapping"],
                          {"text": "应为“键: 列表”的映射，如 ctas: [...] / should map keys to lists"})
    with tempfile.TemporaryDirectory() as scratch:
        overrides = Path(scratch)
        if (kit_dir / "prompts" / SCRIPTS).is_dir():
            shutil.copytree(kit_dir / "prompts" / SCRIPTS, overrides / SCRIPTS)
        (overrides / SCRIPTS).mkdir(exist_ok=True)
        (overrides / SCRIPTS / f"{stem}.yaml").write_text(text, encoding="utf-8")
        stages = LIFECYCLE_STAGES if stem == SHARED else (stem,)
        try:
            for stage in stages:
                for channel_type in channel_types:
                    stage_scripts(stage, channel_type, overrides)
        except PromptTemplateError as exc:
            raise KitProblems([str(exc)], {"text": "话术有误 / " + str(exc).replace("kit:", "")}) from None


def _channel_types(brand) -> list[str]:
    return sorted({channel.type for channel in brand.channels if channel.active} | {"default"})


def _kit_dir(slug: str) -> Path:
    brand = get_brand(slug, "admin")
    if not brand.kit_path or not Path(brand.kit_path).is_dir():
        raise InvalidInput(f"品牌 {slug} 的资料包目录不存在：{brand.kit_path or '（未记录）'}，请重新导入")
    return Path(brand.kit_path)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return ""
