"""`studio lint`: the advertising-law check from the command line (register with
``app.cli.add_command(lint_command)``)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from studio.compliance import RulesError, findings_as_dicts, lint_text

SEVERITY_LABEL = {"block": "阻断", "warn": "提示"}


class _LintError(Exception):
    """A problem with the command's input; printed on stderr, exit code 1."""


@click.command("lint", help="""检查帖子的广告法合规风险 / Check posts for advertising-law (广告法) risks.

\b
Without FILE, reads ONE post from standard input.
With FILE (JSON Lines, one {"id": ..., "text": ...} per line; "-" = stdin),
checks each line in this one process.

\b
--json output:
  one text:  [{"start", "end", "text", "rule", "severity", "message", "suggestion"}, ...]
  FILE:      one line per input line: {"id": ..., "findings": [...]}
start/end are character offsets into the text; severity is "block" or "warn".

\b
Exit codes: 0 when the check ran — EVEN IF IT FOUND PROBLEMS (the output is a
report; look at the findings / severities). 1 for an unknown brand, persona or
channel, a malformed rules file, or malformed input lines (the good lines of
FILE are still reported; every bad line is named on stderr by its number).

\b
The brand's allow/deny lists come from brand.yaml's `compliance:` key
({"allow": [...], "deny": [...]}); --persona adds that persona's taboo words;
--channel applies the channel's length limit (channel setting `max_chars`, else
the limit of its prompt template); --announcement permits @所有人 and the like.""")
@click.option("--brand", "brand_slug", required=True, help="Brand slug.")
@click.option("--persona", "persona_slug", default=None, help="Persona slug: adds the persona's taboo words.")
@click.option("--channel", "channel_slug", default=None, help="Channel slug: applies its length limit.")
@click.option("--max-chars", type=click.IntRange(1), default=None,
              help="Length limit (overrides --channel's).")
@click.option("--announcement", is_flag=True, help="The post is an announcement: mass mentions are allowed.")
@click.option("--rules", "rules_dir", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="A rules folder to use instead of the built-in one.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.argument("file", required=False, type=click.File("r", encoding="utf-8-sig"))
@with_appcontext
def lint_command(brand_slug, persona_slug, channel_slug, max_chars, announcement, rules_dir, as_json, file):
    try:
        options = _options(brand_slug, persona_slug, channel_slug, max_chars)
    except _LintError as exc:
        click.echo(f"错误 / error: {exc}", err=True)
        sys.exit(1)
    options.update(announcement=announcement, rules_dir=rules_dir)
    try:
        if file is None:
            text = click.get_text_stream("stdin").read()
            findings = lint_text(text, **options)
            _print_one(findings, as_json)
            return
        ok = _lint_lines(file, options, as_json)
    except RulesError as exc:
        click.echo(f"错误 / error: 合规规则文件有误 / bad rules file: {exc}", err=True)
        sys.exit(1)
    if not ok:
        sys.exit(1)


def _options(brand_slug, persona_slug, channel_slug, max_chars) -> dict:
    from studio.errors import StudioError
    from studio.review.post_lint import lint_options_for
    from studio.schema import require_migrated

    try:
        require_migrated()
        return lint_options_for(brand_slug, persona_slug, channel_slug, max_chars)
    except StudioError as exc:
        raise _LintError(str(exc)) from None


def _lint_lines(stream, options: dict, as_json: bool) -> bool:
    ok = True
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            click.echo(f"错误 / error: 第 {number} 行不是有效的 JSON / line {number} is not valid JSON: {exc}",
                       err=True)
            ok = False
            continue
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            click.echo(f"错误 / error: 第 {number} 行缺少字符串字段 text / line {number} needs a "
                       '{"id": ..., "text": "..."} object', err=True)
            ok = False
            continue
        item_id = item.get("id", number)
        findings = lint_text(item["text"], **options)
        if as_json:
            row = {"id": item_id, "findings": findings_as_dicts(findings)}
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            click.echo(f"== {item_id} ==")
            _print_readable(findings)
    return ok


def _print_one(findings, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(findings_as_dicts(findings), ensure_ascii=False))
    else:
        _print_readable(findings)


def _print_readable(findings) -> None:
    if not findings:
        click.echo("未发现问题 / no findings")
        return
    for f in findings:
        click.echo(f"[{SEVERITY_LABEL.get(f.severity, f.severity)}] {f.start}-{f.end} “{f.text}” ({f.rule})")
        click.echo(f"    {f.message}")
        click.echo(f"    建议 / suggestion: {f.suggestion}")
    blocks = sum(f.severity == "block" for f in findings)
    click.echo(f"共 {len(findings)} 处：阻断 {blocks}，提示 {len(findings) - blocks} "
               f"/ {len(findings)} findings: {blocks} block, {len(findings) - blocks} warn")
