"""The advertising-law check as the studio applies it: brand lists, persona taboo, channel limits."""
from __future__ import annotations

from dataclasses import dataclass

from studio.compliance import Finding, lint_text
from studio.compliance.grounding import check_grounding
from studio.errors import InvalidInput, NotFound
from studio.extensions import db
from studio.models import Brand, Channel, Persona, Post
from studio.posts import get_post


def _strings(values) -> list[str]:
    if isinstance(values, str):
        values = [values]
    return [str(v).strip() for v in (values or []) if isinstance(v, (str, int, float)) and str(v).strip()]


def channel_limit(channel: Channel, kit_path: str) -> int | None:
    """The channel's own `max_chars` setting, else the limit in its prompt template (as drafting uses)."""
    value = (channel.settings or {}).get("max_chars")
    if value is not None:
        try:
            return int(value)
        except (TypeError, ValueError):
            pass
    try:
        from prompts.loader import kit_overrides, read_template, template_exists

        overrides = kit_overrides(kit_path)
        name = f"channels/{channel.type}.txt"
        if not template_exists(name, overrides):
            name = "channels/default.txt"
        return int(read_template(name, overrides).meta.get("max_chars", "")) or None
    except Exception:  # no template or no number: no length limit rather than a crash
        return None


def lint_options(brand: Brand, persona: Persona | None = None, channel: Channel | None = None,
                 max_chars: int | None = None) -> dict:
    """Keyword arguments for lint_text from the brand's lists, the persona's taboo and the channel's limit."""
    compliance = (brand.settings or {}).get("compliance") or {}
    if not isinstance(compliance, dict):
        raise InvalidInput(f"品牌 {brand.slug} 的 compliance 设置应为 {{allow: [...], deny: [...]}} / "
                           "brand setting 'compliance' must be a mapping")
    limit = max_chars if max_chars is not None else (channel_limit(channel, brand.kit_path) if channel else None)
    return {"persona_taboo": _strings(persona.taboo) if persona else [],
            "brand_allow": _strings(compliance.get("allow")), "brand_deny": _strings(compliance.get("deny")),
            "max_chars": limit}


def lint_options_for(brand_slug: str, persona_slug: str | None = None, channel_slug: str | None = None,
                     max_chars: int | None = None) -> dict:
    brand = db.session.scalar(db.select(Brand).where(Brand.slug == brand_slug))
    if brand is None:
        raise NotFound(f"没有品牌 {brand_slug!r} / unknown brand {brand_slug!r}")
    persona = channel = None
    if persona_slug:
        persona = db.session.scalar(db.select(Persona).where(Persona.brand_id == brand.id,
                                                             Persona.slug == persona_slug))
        if persona is None:
            raise InvalidInput(f"品牌 {brand_slug} 没有人设 {persona_slug!r} / unknown persona {persona_slug!r}")
    if channel_slug:
        channel = db.session.scalar(db.select(Channel).where(Channel.brand_id == brand.id,
                                                             Channel.slug == channel_slug))
        if channel is None:
            raise InvalidInput(f"品牌 {brand_slug} 没有渠道 {channel_slug!r} / unknown channel {channel_slug!r}")
    return lint_options(brand, persona, channel, max_chars)


def cited_facts(post: Post) -> list[dict]:
    """The retrieved facts the current revision cites (all retrieved ones when it cites none)."""
    facts = (post.generation or {}).get("facts", [])
    cited = set(post.current_revision.citations or []) if post.current_revision else set()
    return [fact for fact in facts if fact.get("doc_id") in cited] or facts


def lint_post_text(post: Post, text: str) -> list[Finding]:
    """Check a post's text against its brand, persona and channel, and its figures against its facts."""
    brief = post.brief
    findings = lint_text(text, **lint_options(brief.brand, brief.persona, brief.channel))
    if post.generation:  # a post written by hand from scratch has no facts to hold it to
        brief_text = " ".join([brief.goal, brief.key_message, *(brief.products or []),
                               brief.event_date.isoformat() if brief.event_date else ""])
        findings += check_grounding(text, cited_facts(post), brief_text)
    return sorted(findings, key=lambda f: (f.start, f.end))


def lint_post(post_id: int, text: str | None = None) -> list[Finding]:
    post = get_post(post_id)
    if text is None:
        text = post.current_revision.body if post.current_revision else ""
    return lint_post_text(post, text)


def blocking(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "block"]


def replacement_for(finding: Finding) -> str | None:
    """The text a one-click fix puts in place of the flagged span, or None when only a person can fix it."""
    suggestion = finding.suggestion or ""
    if suggestion.startswith("改为“") and "”" in suggestion:
        return suggestion[3:suggestion.index("”")]
    if suggestion.startswith("删去") and finding.rule.startswith(("absolute.", "health.")):
        return ""
    if suggestion and len(suggestion) <= 12 and not any(mark in suggestion for mark in "，；。、 "):
        return suggestion
    return None


_CLAUSE_ENDS = "，,；;、"
_SENTENCE_ENDS = "。！!？?~～…\n"


@dataclass(frozen=True)
class OneClickFix:
    start: int
    end: int
    text: str  # what the fix replaces, as it stands in the body
    replacement: str
    label: str


def one_click_fix(body: str, finding: Finding) -> OneClickFix | None:
    """What a one-click fix changes. A deleted health claim takes its clause with it, so no fragment such as
    "喝了还能哦~" is left; a deleted absolute word takes the "的" that hung on it."""
    replacement = replacement_for(finding)
    if replacement is None or body[finding.start:finding.end] != finding.text:
        return None
    if replacement or not finding.rule.startswith("health."):
        end = finding.end + 1 if not replacement and body[finding.end:finding.end + 1] == "的" else finding.end
        label = f"改为“{replacement}”" if replacement else "删去"
        return OneClickFix(finding.start, end, body[finding.start:end], replacement, label)
    start = max(body.rfind(mark, 0, finding.start) for mark in _CLAUSE_ENDS + _SENTENCE_ENDS) + 1
    ends = [index for index in (body.find(mark, finding.end) for mark in _CLAUSE_ENDS + _SENTENCE_ENDS)
            if index != -1]
    end = min(ends) if ends else len(body)
    stop = end  # past the marks that end the clause: "，", "。", "~~", "！？"
    while stop < len(body) and body[stop] in _CLAUSE_ENDS + _SENTENCE_ENDS and body[stop] != "\n":
        stop += 1
    if end < len(body) and body[end] in _CLAUSE_ENDS:
        span, label = (start, stop), "删去这一分句"
    elif start > 0 and body[start - 1] in _CLAUSE_ENDS:
        span, label = (start - 1, end), "删去这一分句"  # the sentence keeps its own end
    else:
        span, label = (start, stop), "删去这一句"
    return OneClickFix(span[0], span[1], body[span[0]:span[1]], "", label)


def finding_dicts(findings: list[Finding], body: str = "") -> list[dict]:
    dicts = []
    for f in findings:
        fix = one_click_fix(body, f) if body else None
        dicts.append({"start": f.start, "end": f.end, "text": f.text, "rule": f.rule, "severity": f.severity,
                      "message": f.message, "suggestion": f.suggestion,
                      "replacement": fix.replacement if fix else None,
                      "fix": {"start": fix.start, "end": fix.end, "text": fix.text, "label": fix.label}
                      if fix else None})
    return dicts


def apply_replacements(text: str, findings: list[Finding]) -> str:
    """Apply every one-click fix, right to left so earlier offsets stay valid; fixes that overlap one
    already applied are left for the next check."""
    fixes = [fix for fix in (one_click_fix(text, f) for f in findings) if fix]
    applied_from = len(text) + 1
    for fix in sorted(fixes, key=lambda fix: fix.start, reverse=True):
        if fix.end <= applied_from:
            text = text[:fix.start] + fix.replacement + text[fix.end:]
            applied_from = fix.start
    return text
