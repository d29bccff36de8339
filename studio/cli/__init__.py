"""The `studio` command: a Flask CLI group over the same services as the web."""
from __future__ import annotations

import json
import sys
from datetime import date
from functools import wraps
from pathlib import Path

import click
from flask.cli import AppGroup, FlaskGroup, with_appcontext

import knowledge
from studio import accounts, api_tokens, memberships
from studio.auth import ensure_demo_users
from studio.brands import kits
from studio.drafting import briefs, generation
from studio.errors import InvalidInput, StudioError
from studio.schema import require_migrated

brand_cli = AppGroup("brand", help="Brand kits.")
knowledge_cli = AppGroup("knowledge", help="The brand knowledge index.")
user_cli = AppGroup("user", help="Users and API tokens.")
demo_cli = AppGroup("demo", help="The demo brand and logins.")

# The demo kit ships inside the knowledge package, so an installed studio has it too.
DEMO_KIT = Path(knowledge.__file__).resolve().parent / "samples" / "chayun"


def _emit(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=None))


def read_csv_file(path: str) -> str:
    """A CSV file's text (a byte order mark dropped), or InvalidInput when it is not UTF-8."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return handle.read()
    except UnicodeDecodeError:
        raise InvalidInput(f"{path} 不是 UTF-8 编码的 CSV / {path} is not UTF-8 text") from None


def service_command(func):
    """Check the schema, then turn domain errors into a message on stderr and exit code 1."""
    @wraps(func)
    def wrapped(*args, **kwargs):
        try:
            require_migrated()
            return func(*args, **kwargs)
        except StudioError as exc:
            click.echo(f"错误 / error: {exc}", err=True)
            sys.exit(1)
    return wrapped


@brand_cli.command("import")
@click.argument("kit_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--reindex", is_flag=True, help="Drop and rebuild the brand's index (after changing the embedder).")
@click.option("--json", "as_json", is_flag=True)
@service_command
def import_brand(kit_dir: Path, reindex: bool, as_json: bool):
    """Import or update a brand kit folder (brand.yaml + knowledge/).

    A knowledge file that does not load is skipped, named on stderr, and keeps its earlier version in the
    index; the rest is imported and the exit code is 1. A bad brand.yaml changes nothing.
    """
    result = kits.import_brand_kit(kit_dir, reindex=reindex)
    if as_json:
        _emit(result)
    else:
        click.echo(f"imported {result['brand']}: {result['documents']} documents, {result['chunks']} chunks")
    for skipped in result.get("skipped", []):
        click.echo(f"跳过 / skipped {skipped['file']}: {skipped['reason']}", err=True)
    if result.get("skipped"):
        sys.exit(1)


@brand_cli.command("export")
@click.argument("slug")
@click.argument("kit_dir", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True)
@service_command
def export_brand(slug: str, kit_dir: Path, as_json: bool):
    """Write the brand out as a kit folder that `studio brand import` reads back to the same state: brand.yaml,
    knowledge/, posters/ and prompts/, and the group directory as groups.csv. KIT_DIR must be new or empty."""
    from studio.brands.export import export_brand as write_kit
    from studio.distribution.groups import groups_csv

    directory = groups_csv(slug)
    result = write_kit(slug, kit_dir, {"groups.csv": directory} if directory else None)
    if as_json:
        _emit(result)
    else:
        click.echo(f"exported {result['brand']} to {result['directory']}: {result['personas']} personas, "
                   f"{result['segments']} segments, {result['channels']} channels, {result['documents']} documents")


@knowledge_cli.command("search")
@click.argument("query")
@click.option("--brand", "brand_slug", required=True)
@click.option("-k", "k", default=5, show_default=True, type=click.IntRange(1, 100))
@click.option("--json", "as_json", is_flag=True)
@service_command
def knowledge_search(query: str, brand_slug: str, k: int, as_json: bool):
    """Hybrid search within one brand's knowledge."""
    hits = kits.search_knowledge(brand_slug, query, k=k)
    if as_json:
        _emit(hits)
        return
    language = kits.search_language(brand_slug, query)
    if language["language_mismatch"]:
        examples = f"，例如：{'、'.join(language['suggestions'])}" if language["suggestions"] else ""
        click.echo(f"注意：品牌知识库是中文的，查询里的英文词它大多没有，结果多半没有意义；请用中文检索{examples} / "
                   "the knowledge is in Chinese and most of the query's English words are not in it: "
                   "search in Chinese",
                   err=True)
    for rank, hit in enumerate(hits, 1):
        click.echo(f"{rank}. [{hit['doc_id']}] {hit['title']} ({hit['score']:.4f})\n   {hit['text'][:120]}")


@click.group("draft", invoke_without_command=True)
@click.option("--brand", "brand_slug")
@click.option("--persona")
@click.option("--segments", help="Comma-separated segment slugs.")
@click.option("--channel")
@click.option("--brief", "brief_text", help="The key message of the brief.")
@click.option("--goal", default="")
@click.option("--products", default="", help="Comma-separated product names or SKUs.")
@click.option("--date", "event_date", default="", help="Event date, YYYY-MM-DD.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@with_appcontext
@service_command
def draft(ctx, brand_slug, persona, segments, channel, brief_text, goal, products, event_date, as_json):
    """Draft one variant per segment in this process (no worker needed); `draft eval` measures drafting."""
    if ctx.invoked_subcommand is not None:
        return
    missing = [name for name, value in (("--brand", brand_slug), ("--persona", persona), ("--segments", segments),
                                        ("--channel", channel), ("--brief", brief_text)) if value is None]
    if missing:
        raise click.UsageError(f"missing option(s): {', '.join(missing)}")
    try:
        on_date = date.fromisoformat(event_date) if event_date else None
    except ValueError:
        raise click.BadParameter(f"{event_date!r} is not YYYY-MM-DD", param_hint="--date") from None
    data = briefs.BriefInput(
        brand=brand_slug, persona=persona, channel=channel, segments=briefs.parse_list(segments),
        key_message=brief_text, goal=goal, products=briefs.parse_list(products), event_date=on_date)
    for warning in briefs.product_warnings(data):
        click.echo(f"注意：{warning}", err=True)
    variants = generation.draft_variants_now(data)
    rows = [{"segment": v.segment, "body": v.body, "citations": v.citations, "error": v.error or None}
            for v in variants]
    if as_json:
        _emit(rows)
    else:
        for row in rows:
            click.echo(f"== {row['segment']} ==\n{row['body'] or row['error']}\n引用: {', '.join(row['citations'])}\n")
    if all(row["error"] for row in rows):
        sys.exit(1)


@draft.command("eval")
@click.argument("briefs_file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--brand", "brand_slug", required=True)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
@service_command
def draft_eval(briefs_file, brand_slug: str, as_json: bool):
    """Draft every variant of each brief in BRIEFS.jsonl and report the share that passes each check."""
    from studio.drafting.evaluation import evaluate_briefs, load_briefs

    report = evaluate_briefs(brand_slug, load_briefs(briefs_file.readlines()))
    if as_json:
        _emit(report)
    else:
        failures = report.pop("failures")
        for key, value in report.items():
            click.echo(f"{key:>26}: {value}")
        for failure in failures:
            click.echo(f"\n✗ {failure['brief']} / {failure['segment']}: {', '.join(failure['failed'])}")
            for check, found in failure["evidence"].items():
                click.echo(f"  {check}: {'、'.join(found)}")
            click.echo("  " + (failure["body"] or failure["error"] or "").replace("\n", "\n  "))


@user_cli.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["editor", "reviewer", "admin"]))
@click.option("--brand", "brand_slugs", multiple=True,
              help="A brand the user works in with this role (repeatable); admin means site admin without it.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@service_command
def create_user(username: str, role: str, brand_slugs: tuple[str, ...], password_stdin: bool):
    """Create a user (or reset their password and role). Editors and reviewers work only in the brands
    they are members of: --brand here, or `studio member add` later."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    site_role = "admin" if role == "admin" and not brand_slugs else "member"
    user = accounts.create_user(username, password, site_role)
    for slug in brand_slugs:
        memberships.add_member(username, slug, role)
    brands = ", ".join(f"{slug} ({role})" for slug in brand_slugs) or (
        "every brand (site admin)" if user.is_site_admin else "no brand yet: studio member add")
    click.echo(f"user {user.username} ready: {brands}")


@user_cli.command("token")
@click.argument("username")
@click.option("--brand", "brand_slug", help="Limit the token to this brand (the user must be a member of it).")
@click.option("--scope", "scopes", multiple=True,
              help=f"A scope the token carries (repeatable; default all): {', '.join(api_tokens.SCOPES)}.")
@click.option("--expires-days", type=int, help="The token stops working after this many days (default never).")
@click.option("--name", default="", help="A label shown in `studio user tokens`.")
@service_command
def user_token(username: str, brand_slug: str | None, scopes: tuple[str, ...], expires_days: int | None,
               name: str):
    """Issue a new API token and print it once (the only line on stdout); earlier tokens keep working."""
    token, row = api_tokens.issue_token(username, brand=brand_slug, scopes=scopes, expires_days=expires_days,
                                        name=name)
    click.echo(token)
    expiry = f"expires {row.expires_at:%Y-%m-%d %H:%M} UTC" if row.expires_at else "does not expire"
    click.echo(f"token {row.prefix}… for {username}: {brand_slug or 'every brand of the user'}; "
               f"{', '.join(row.scopes)}; {expiry}. It is shown this once.", err=True)


@user_cli.command("tokens")
@click.argument("username")
@click.option("--json", "as_json", is_flag=True)
@service_command
def user_tokens(username: str, as_json: bool):
    """List USER's API tokens (prefix, brand, scopes, dates, state); never their text."""
    rows = api_tokens.list_tokens(username)
    if as_json:
        _emit(rows)
        return
    for row in rows:
        click.echo("\t".join([row["prefix"], row["state"], row["brand"] or "*", ",".join(row["scopes"]),
                              f"created {row['created_at']}", f"expires {row['expires_at'] or 'never'}",
                              f"last used {row['last_used_at'] or 'never'}"] + ([row["name"]] if row["name"] else [])))


@user_cli.command("revoke-token")
@click.argument("username")
@click.argument("prefix")
@service_command
def user_revoke_token(username: str, prefix: str):
    """Revoke one of USER's API tokens, named by its prefix (or its id); it stops working at once."""
    row = api_tokens.revoke_token(username, prefix)
    click.echo(f"revoked {row['prefix']} of {username}")


@demo_cli.command("setup")
@service_command
def demo_setup():
    """Import the demo brand kit and create the demo logins."""
    from flask import current_app

    from studio.brands.library import copy_kit
    from studio.cli.ready import login_lines

    kit = copy_kit(DEMO_KIT, Path(current_app.config["STUDIO_DATA_DIR"]), "chayun")
    result = kits.import_brand_kit(kit)
    ensure_demo_users(result["brand"])
    click.echo(f"demo brand {result['brand']}: {result['documents']} documents, {result['chunks']} chunks")
    # A password someone changed since an earlier setup is never printed.
    for line in login_lines():
        click.echo(line)


def init_app(app) -> None:
    from studio.cli.bench import bench_cli
    from studio.cli.calendar import calendar_command
    from studio.cli.groups import groups_cli
    from studio.cli.knowledge_eval import eval_command
    from studio.cli.links import analytics_command, links_cli
    from studio.cli.lint import lint_command
    from studio.cli.members import member_cli
    from studio.cli.orders import orders_cli
    from studio.cli.poster import poster_cli
    from studio.cli.ready import ready_command
    from studio.cli.routes import routes_command
    from studio.cli.rituals import ritual_cli

    if "eval" not in knowledge_cli.commands:
        knowledge_cli.add_command(eval_command)
    if "ready" not in demo_cli.commands:
        demo_cli.add_command(ready_command)
    for group in (brand_cli, knowledge_cli, user_cli, demo_cli):
        app.cli.add_command(group)
    app.cli.add_command(draft)
    app.cli.add_command(lint_command)
    app.cli.add_command(bench_cli)
    app.cli.add_command(poster_cli)
    app.cli.add_command(groups_cli)
    app.cli.add_command(ritual_cli)
    app.cli.add_command(calendar_command)
    app.cli.add_command(links_cli)
    app.cli.add_command(analytics_command)
    app.cli.add_command(orders_cli)
    app.cli.add_command(member_cli)
    app.cli.add_command(routes_command)


def _create_app():
    from studio import create_app

    return create_app()


def main() -> None:
    """Entry point of the `studio` command."""
    group = FlaskGroup(create_app=_create_app, add_version_option=False, load_dotenv=False,
                       help="Community Content Studio.")
    group.commands.pop("routes", None)  # Flask's own would hide `studio routes`, which also names API scopes
    group(prog_name="studio")



