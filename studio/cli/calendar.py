"""`studio calendar`: a brand's calendar items between two of its local dates."""
from __future__ import annotations

import click

from studio.calendar import items
from studio.cli import _emit, service_command


@click.command("calendar")
@click.option("--brand", "brand_slug", required=True)
@click.option("--from", "first", required=True, help="YYYY-MM-DD in the brand's time zone.")
@click.option("--to", "last", required=True, help="YYYY-MM-DD in the brand's time zone, included.")
@click.option("--json", "as_json", is_flag=True)
@service_command
def calendar_command(brand_slug: str, first: str, last: str, as_json: bool):
    """Scheduled posts of a brand, one item per post and due time, with each group's delivery status."""
    found = items.calendar_items(brand_slug, items.parse_day(first), items.parse_day(last))
    if as_json:
        _emit([item.to_dict() for item in found])
        return
    for item in found:
        groups = ",".join(f"{d.channel}:{d.status}" for d in item.deliveries)
        click.echo(f"{item.local_start}\t{item.state}\t#{item.post_id or '-'}\t{item.segment['slug']}\t{item.title}\t{groups}")
    click.echo(f"{len(found)} items ({found[0].timezone if found else brand_slug})", err=True)
