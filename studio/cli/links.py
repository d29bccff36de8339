"""`studio links` and `studio analytics`: tracked links, and what each segment, group, post, hour, persona,
channel type or poster template did."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from studio.cli import _emit, service_command
from studio.links import analytics as reports
from studio.links.manual import make_link

links_cli = AppGroup("links", help="Tracked short links / 可追踪短链接。")


@links_cli.command("create")
@click.option("--brand", "brand_slug", required=True)
@click.option("--url", required=True, help="Where the link leads (http or https).")
@click.option("--segment", default="", help="The segment it is for.")
@click.option("--group", default="", help="The group (channel slug) it is for.")
@click.option("--post", "post_id", type=int, default=None, help="The post it belongs to.")
@click.option("--coupon", default="", help="A coupon code handed out with the link: its redemptions are its orders.")
@click.option("--json", "as_json", is_flag=True)
@service_command
def create_command(brand_slug: str, url: str, segment: str, group: str, post_id: int | None, coupon: str,
                   as_json: bool):
    """Make a short link whose clicks (and coupon's orders) count for the segment, group or post named."""
    result = make_link(brand_slug, url, current_app.config["STUDIO_BASE_URL"], segment=segment, group=group,
                       post_id=post_id, coupon=coupon)
    _emit(result) if as_json else click.echo(result["short_url"])


@links_cli.command("stats")
@click.option("--brand", "brand_slug", required=True)
@click.option("--json", "as_json", is_flag=True)
@service_command
def stats_command(brand_slug: str, as_json: bool):
    """Every link of the brand: clicks by people, unique people, and robots and previews apart."""
    rows = reports.link_stats(brand_slug, current_app.config["STUDIO_BASE_URL"])
    if as_json:
        _emit([{key: row[key] for key in ("token", "short_url", "url", "clicks", "unique", "bots")}
               for row in rows])
        return
    for row in rows:
        click.echo(f"{row['short_url']}  {row['clicks']:>5} 次 {row['unique']:>5} 人  机器人 {row['bots']:>4}  "
                   f"{row['url']}")


@click.command("analytics")
@click.option("--brand", "brand_slug", required=True)
@click.option("--by", "by", type=click.Choice(reports.BREAKDOWNS), required=True)
@click.option("--json", "as_json", is_flag=True)
@service_command
def analytics_command(brand_slug: str, by: str, as_json: bool):
    """Deliveries, members reached, clicks, unique clickers and click rates, best lower bound first."""
    rows = reports.analytics(brand_slug, by, current_app.config["STUDIO_MIN_REACH"])
    if as_json:
        _emit(rows)
        return
    for row in rows:
        rate = "-" if row["rate"] is None else f"{row['rate']:.1%} (≥{row['rate_low']:.1%})"
        mark = "" if row["ranked"] else "  *reach below the minimum"
        click.echo(f"{row['label']:<24} {row['deliveries']:>4} 次发送 {row['reach']:>6} 人 "
                   f"{row['unique']:>5} 人点击  {rate}{mark}")
