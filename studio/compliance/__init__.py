"""Advertising-law (广告法) compliance check for community posts.

Pure Python: import it from the web app, a Celery worker or a script alike.  The rules are YAML
files in ``studio/compliance/rules/`` (see `studio.compliance.rules` for the format)::

    from studio.compliance import lint_text
    for f in lint_text("全网第一的白茶", persona_taboo=["亲"], max_chars=300):
        print(f.start, f.end, f.text, f.rule, f.severity, f.message, f.suggestion)
"""
from .engine import Finding, findings_as_dicts, lint_text
from .rules import DEFAULT_RULES_DIR, RulesError, RuleSet, load_rules

__all__ = ["DEFAULT_RULES_DIR", "Finding", "RuleSet", "RulesError", "findings_as_dicts", "lint_text",
           "load_rules"]
