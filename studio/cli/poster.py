"""`studio poster`: render posters and share cards from the command line."""
from __future__ import annotations

import json
import sys

import click
from flask.cli import AppGroup

from studio.errors import StudioError
from studio.posters import service
from studio.schema import require_migrated

poster_cli = AppGroup("poster", help="Posters and share cards / 海报与分享卡片。")


@poster_cli.command("render")
@click.option("--brand", "brand", required=True, help="Brand slug.")
@click.option("--persona", "persona", default="", help="Persona slug (default: the first with an avatar).")
@click.option("--title", "title", required=True)
@click.option("--body", "body", default="")
@click.option("--price", "price", default="", help="Price badge text, e.g. ¥598.")
@click.option("--link", "link", default="", help="Where the QR leads (default: poster.link of the brand kit).")
@click.option("--template", "template", default="", help="poster, share-card, square or a template of the kit.")
@click.option("--size", "size", default="", help="WIDTHxHEIGHT, e.g. 1080x1920 (default: the template's).")
@click.option("--product", "product", default="", help="SKU whose picture the kit has (default: its general one).")
@click.option("--out", "out", required=True, help="Output file: .jpg, .jpeg or .webp.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
def render_command(out: str, as_json: bool, **options):
    """Render one poster whose QR carries a new tracked short link."""
    try:
        require_migrated()
        result = service.save_poster(service.PosterRequest(**options), out)
    except StudioError as exc:
        click.echo(f"错误 / error: {exc}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    click.echo(f"{result['path']}  {result['width']}x{result['height']} {result['format']} "
               f"{result['bytes'] // 1024} KB  {result['render_ms']} ms  QR {result['qr_url']}")
    for line in result["lines"]:
        click.echo(f"  {line['text']}")


@poster_cli.command("templates")
@click.option("--brand", "brand", required=True, help="Brand slug.")
@click.option("--json", "as_json", is_flag=True)
def templates_command(brand: str, as_json: bool):
    """List the templates a brand can use."""
    try:
        require_migrated()
        rows = service.list_templates(brand)
    except StudioError as exc:
        click.echo(f"错误 / error: {exc}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        click.echo(f"{row['name']:<14} {row['width']}x{row['height']}  ≤{row['max_kb']} KB  {row['description']}")
