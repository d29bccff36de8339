"""`studio member`: who works in which brand, in which role."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from studio import memberships
from studio.cli import _emit, service_command
from studio.models import ROLES

member_cli = AppGroup("member", help="Brand memberships and roles / 品牌成员与角色。")


@member_cli.command("add")
@click.argument("username")
@click.option("--brand", "brand_slug", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@service_command
def add_command(username: str, brand_slug: str, role: str):
    """Make USER a member of the brand with the role, or change their role there."""
    memberships.add_member(username, brand_slug, role)
    click.echo(f"{username}: {role} @ {brand_slug}")


@member_cli.command("remove")
@click.argument("username")
@click.option("--brand", "brand_slug", required=True)
@service_command
def remove_command(username: str, brand_slug: str):
    """End USER's membership of the brand."""
    removed = memberships.remove_member(username, brand_slug)
    click.echo(f"{username}: removed from {brand_slug}" if removed else f"{username} was not a member of {brand_slug}")


@member_cli.command("list")
@click.argument("username")
@click.option("--json", "as_json", is_flag=True)
@service_command
def list_command(username: str, as_json: bool):
    """The brands USER is a member of, with the role in each."""
    rows = memberships.memberships_of(username)
    if as_json:
        _emit([{"brand": slug, "role": role} for slug, role in rows])
        return
    for slug, role in rows:
        click.echo(f"{slug}\t{role}")
