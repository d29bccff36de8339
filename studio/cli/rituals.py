"""`studio ritual`: recurring posts (rituals) computed from their rule, zone and calendar."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from studio.cli import _emit
from studio.errors import StudioError
from studio.rituals.holidays import HOLIDAY_POLICIES
from studio.rituals.recurrence import DEFAULT_PREVIEW, MAX_PREVIEW, preview

ritual_cli = AppGroup("ritual", help="Rituals: posts that recur on a rule / 周期性的社群仪式。")


@ritual_cli.command("preview")
@click.option("--rrule", "rule", required=True, help="RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=FR, or an RFC 7529 "
              "lunar rule, e.g. RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=8;BYMONTHDAY=15.")
@click.option("--start", required=True, help="First local date and time, YYYY-MM-DDTHH:MM.")
@click.option("--tz", "zone", required=True, help="IANA time zone, e.g. Asia/Shanghai.")
@click.option("--count", default=DEFAULT_PREVIEW, show_default=True, type=int,
              help=f"How many occurrences to show (at most {MAX_PREVIEW}).")
@click.option("--exdate", "exdates", multiple=True,
              help="A local YYYY-MM-DDTHH:MM to leave out (repeat it, or separate with commas; a bare date "
                   "leaves out that whole day).")
@click.option("--holidays", default="include", show_default=True, type=click.Choice(HOLIDAY_POLICIES),
              help="Mainland holidays: include them, skip them, or keep only workdays (调休 included).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON list.")
@click.argument("more_exdates", nargs=-1, metavar="[EXDATE]...")
def preview_command(rule, start, zone, count, exdates, holidays, as_json, more_exdates):
    """The first occurrences of a rule after EXDATEs, as local times with their offset and in UTC."""
    try:
        rows = preview(rule, start, zone, count=count, exdate_texts=exdates + more_exdates, holidays=holidays)
    except StudioError as exc:
        click.echo(f"错误 / error: {exc}", err=True)
        sys.exit(1)
    if as_json:
        _emit(rows)
        return
    for row in rows:
        click.echo(f"{row['local']}  {row['utc']}")
