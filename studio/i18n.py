"""Simplified Chinese by default, English on request: a small phrase book, no build step.

Everything the user reads goes through here: fixed phrases (`gettext`, `_` in templates), state codes
(`status_label`), messages the services compose with values in them (`translate_message`) and the
phrases the page scripts use (`script_phrases`). Times are shown in the brand's zone by `brand_time`.
"""
from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import Blueprint, redirect, request, session, url_for
from markupsafe import Markup, escape

from studio.i18n_en import CHINESE_LABELS, ENGLISH, ENGLISH_LABELS, FINDINGS, MESSAGES, SCRIPT_PHRASES

bp = Blueprint("i18n", __name__)
LANGUAGES = ("zh", "en")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
TIME_FORMAT = "%Y-%m-%d %H:%M"
# A {text} in a message is a quoted word, so it holds no quotes: "“最好”是…；“最好”是…" is two findings' reasons.
VALUE_PATTERNS = {"text": "[^“”]+?"}


def current_language() -> str:
    try:
        return session.get("lang", "zh")
    except RuntimeError:
        return "zh"


def _user_content(value) -> Markup:
    """A value from the brand's own material, marked as such: it stays in the brand's language."""
    if isinstance(value, Markup):  # already translated, its brand material already marked
        return value
    text = str(value)
    if CJK.search(text):
        return Markup('<span class="user-content" lang="zh">{}</span>').format(text)
    return escape(text)


def gettext(text: str, **values) -> str:
    """Translate a Chinese UI phrase when the user chose English; `values` fill its {placeholders}."""
    if current_language() == "en":
        phrase = ENGLISH_LABELS.get(text) or ENGLISH.get(text, text)
    else:
        phrase = CHINESE_LABELS.get(text, text)
    if not values:
        return phrase
    return escape(phrase).format(**{name: _user_content(value) for name, value in values.items()})


def status_label(code) -> str:
    """The words for a state, role or kind code ("error" → "Drafting failed" / "生成失败")."""
    code = str(getattr(code, "value", code) or "")
    if current_language() == "en":
        return ENGLISH_LABELS.get(code) or ENGLISH.get(code, code.replace("_", " "))
    return CHINESE_LABELS.get(code, code)


PHRASE_TABLES = {"messages": MESSAGES, "findings": FINDINGS}


@lru_cache(maxsize=None)
def _patterns(table: str) -> list[tuple[re.Pattern, str, bool]]:
    compiled = []
    for chinese, english in PHRASE_TABLES[table].items():
        parts = re.split(r"\{(\w+)\}", chinese)
        regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>{VALUE_PATTERNS.get(part, '.+?')})"
                        for i, part in enumerate(parts))
        compiled.append((len("".join(parts[::2])), re.compile(regex, re.S), english, chinese.startswith("{")))
    # The most specific first: "渠道 {name}：{problem}" before "{channel}：{detail}".
    return [row[1:] for row in sorted(compiled, key=lambda row: -row[0])]


def _english_message(text: str, nested: bool = False, table: str = "messages") -> Markup | None:
    """The English for one composed message, or None when the phrase book does not know it.

    The patterns that begin with a value ("{channel}：{detail}") would take any text with a colon in
    it, a reviewer's words too: they count only when one of their values is known or not Chinese,
    and never for a value inside another message (`nested`).
    """
    text = text.strip()
    if text in ENGLISH_LABELS or text in ENGLISH:
        return escape(ENGLISH_LABELS.get(text) or ENGLISH[text])
    if text in PHRASE_TABLES[table]:
        return escape(PHRASE_TABLES[table][text])
    chinese, sep, english = text.rpartition(" / ")
    if sep and CJK.search(chinese) and not CJK.search(english):  # the services' own "中文 / English" pairs
        return escape(english)
    for pattern, template, open_start in _patterns(table):
        if nested and open_start:
            continue
        match = pattern.fullmatch(text)
        if not match:
            continue
        values = match.groupdict()
        known = {name: _english_message(value, True, table) or (None if CJK.search(value) else escape(value))
                 for name, value in values.items()}
        if open_start and all(value is None for value in known.values()):
            continue
        return escape(template).format(**{name: _user_content(value) if known[name] is None else known[name]
                                          for name, value in values.items()})
    return None


def translate_message(text, user_content: bool = False) -> Markup:
    """A message a service composed (an error, a flash, an audit detail) in the user's language.

    Values inside a known message that are brand material (a channel or segment name) keep their
    language and are marked as user content. An unknown message is shown as it is; with
    `user_content` it is text people wrote (a review comment, a group's answer) and marked so.
    """
    if isinstance(text, Markup):  # already in the user's language (a flash made with gettext)
        return text
    text = "" if text is None else str(text)
    if current_language() != "en" or not CJK.search(text):
        return escape(text)
    known = _english_message(text)
    if known is not None:
        return known
    return _user_content(text) if user_content else escape(text)


def brand_time(moment: datetime | None, zone, seconds: bool = False) -> str:
    """A stored UTC time as wall-clock time in the brand's zone, named: "2026-12-02 20:00 (Asia/Shanghai)".

    `zone` is a brand (anything with `.timezone`) or a zone name.
    """
    if moment is None:
        return ""
    name = getattr(zone, "timezone", zone) or "UTC"
    if moment.tzinfo is None:  # the database keeps naive UTC
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    local = moment.astimezone(ZoneInfo(name))
    return f"{local.strftime(TIME_FORMAT + (':%S' if seconds else ''))} ({name})"


def translate_channel_preview(preview: dict) -> dict:
    """A channel preview's platform, unit and verdict in the user's language (the page shows them as text)."""
    platform, _, rendering = preview.get("label", "").rpartition(" ")
    problem = preview.get("problem")
    return {**preview, "label": f"{gettext(platform)} {rendering}".strip(),
            "unit": gettext(preview.get("unit", "")),
            "problem": translate_message(problem).striptags() if problem else problem}


def translate_findings(findings: list[dict]) -> list[dict]:
    """The compliance check's findings with their reasons, advice and fix labels in the user's language.

    The editor shows them as plain text; the flagged words themselves stay as the post has them.
    """
    if current_language() != "en":
        return findings

    def words(text):
        if not text or not CJK.search(text):
            return text
        known = _english_message(text, table="findings")
        return known.striptags() if known is not None else text

    return [{**finding, "message": words(finding.get("message")),
             "suggestion": words(finding.get("suggestion")),
             "fix": finding.get("fix") and {**finding["fix"], "label": words(finding["fix"]["label"])}}
            for finding in findings]


def script_phrases() -> dict[str, str]:
    """The phrases the page scripts show, in the user's language, keyed by their Chinese originals."""
    english = current_language() == "en"
    return {phrase: (translation if english else phrase) for phrase, translation in SCRIPT_PHRASES.items()}


@bp.get("/lang/<code>")
def set_language(code: str):
    if code in LANGUAGES:
        session["lang"] = code
    target = request.referrer or url_for("web.dashboard")
    return redirect(target if target.startswith(request.host_url) else url_for("web.dashboard"))


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(_=gettext, current_language=current_language, status_label=status_label,
                                 script_phrases=script_phrases)
    app.jinja_env.filters.update(brand_time=brand_time, translate_message=translate_message)
