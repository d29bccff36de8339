"""`studio groups`: the group directory from a CSV file, and the groups an audience picks."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from studio.cli import _emit, read_csv_file, service_command
from studio.distribution import groups

groups_cli = AppGroup("groups", help="The group directory: import groups, match audiences.")


@groups_cli.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--brand", "brand_slug", required=True)
@click.option("--json", "as_json", is_flag=True)
@service_command
def import_groups(csv_file: str, brand_slug: str, as_json: bool):
    """Create or update groups by slug from CSV (slug,type,target,name,secret,segments,region,store,members
    [,tags,owner]; list cells are ';'-separated). A file with any bad row changes nothing."""
    text = read_csv_file(csv_file)
    result = groups.import_groups(brand_slug, text)
    if as_json:
        _emit(result)
    else:
        click.echo(f"{result['groups']} 个群：新建 {result['created']}，更新 {result['updated']}")


@groups_cli.command("match")
@click.option("--brand", "brand_slug", required=True)
@click.option("--audience", default="", help="e.g. 'segment:vip,active region:华东 type:wecom'")
@click.option("--json", "as_json", is_flag=True)
@service_command
def match_groups(brand_slug: str, audience: str, as_json: bool):
    """The brand's active groups in the audience."""
    matched = groups.match_groups(brand_slug, audience)
    if as_json:
        _emit([groups.group_dict(channel) for channel in matched])
        return
    for channel in matched:
        click.echo(f"{channel.slug}\t{channel.name}\t{','.join(channel.segments or [])}\t{channel.members}")
    size = groups.audience_size(matched)
    click.echo(f"{size['groups']} 个群，{size['members']} 人", err=True)
