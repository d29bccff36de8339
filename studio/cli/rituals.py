"""`studio ritual`: recurring posts (rituals) computed from their rule, zone and calendar."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from studio.cli import _emit, service_command
from studio.errors import StudioError
from studio.rituals import service
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


@ritual_cli.command("create")
@click.option("--brand", "brand_slug", required=True)
@click.option("--name", required=True, help="What planners call it, e.g. 周五品鉴会.")
@click.option("--rrule", "rule", required=True, help="RFC 5545 RRULE or an RFC 7529 lunar rule.")
@click.option("--start", required=True, help="First local date and time, YYYY-MM-DDTHH:MM.")
@click.option("--tz", "zone", required=True, help="IANA time zone, e.g. Asia/Shanghai.")
@click.option("--brief", "brief_text", required=True,
              help="Key message of each brief; {weekday} {relative_weekday} {date} {lunar} {festival} {clock} "
                   "are filled from the occurrence.")
@click.option("--slug", default="", help="Its short name in commands (default: from the name, else ritual-N).")
@click.option("--persona", default="", help="Persona slug (default: the brand's first).")
@click.option("--channel", default="", help="Channel the drafts are written for (default: the brand's first).")
@click.option("--segments", default="", help="Comma-separated segment slugs (default: those the audience reaches).")
@click.option("--audience", default="", help="Audience expression, e.g. \"segment:vip region:华东\".")
@click.option("--lead-hours", default=48.0, show_default=True, type=float,
              help="How long before each occurrence its brief is written.")
@click.option("--freeze-hours", default=2.0, show_default=True, type=float,
              help="How long before each occurrence review closes: what is not approved is not sent.")
@click.option("--exdate", "exdates", multiple=True, help="A local YYYY-MM-DDTHH:MM or date to leave out.")
@click.option("--holidays", default="include", show_default=True, type=click.Choice(HOLIDAY_POLICIES))
@click.option("--json", "as_json", is_flag=True)
@service_command
def create_command(brand_slug, name, rule, start, zone, brief_text, slug, persona, channel, segments, audience,
                   lead_hours, freeze_hours, exdates, holidays, as_json):
    """Store a ritual: each occurrence becomes a brief in the review queue once its lead time begins."""
    ritual = service.create(service.RitualInput(
        brand=brand_slug, name=name, slug=slug, rrule=rule, start=start, timezone=zone, brief=brief_text,
        persona=persona,
        channel=channel, segments=[s for s in segments.split(",") if s.strip()], audience=audience,
        lead_hours=lead_hours, freeze_hours=freeze_hours, exdates=list(exdates), holidays=holidays))
    if as_json:
        _emit(ritual)
        return
    click.echo(f"ritual {ritual['slug']} (#{ritual['id']}) {ritual['rrule']} {ritual['timezone']}")
    for row in ritual["next"]:
        click.echo(f"  {row['local']}  {row['utc']}")


@ritual_cli.command("update")
@click.option("--brand", "brand_slug", required=True)
@click.option("--ritual", "ritual_slug", required=True)
@click.option("--name", default=None)
@click.option("--rrule", "rule", default=None, help="RFC 5545 RRULE or an RFC 7529 lunar rule.")
@click.option("--start", default=None, help="First local date and time, YYYY-MM-DDTHH:MM.")
@click.option("--tz", "zone", default=None, help="IANA time zone, e.g. Asia/Shanghai.")
@click.option("--brief", "brief_text", default=None,
              help="Key message of each brief, with the same placeholders.")
@click.option("--persona", default=None)
@click.option("--channel", default=None)
@click.option("--segments", default=None,
              help="Comma-separated segment slugs (empty: those the audience reaches).")
@click.option("--audience", default=None)
@click.option("--lead-hours", default=None, type=float)
@click.option("--freeze-hours", default=None, type=float)
@click.option("--exdate", "exdates", multiple=True, help="Replaces the dates left out (repeat it).")
@click.option("--holidays", default=None, type=click.Choice(HOLIDAY_POLICIES))
@click.option("--json", "as_json", is_flag=True)
@service_command
def update_command(brand_slug, ritual_slug, name, rule, start, zone, brief_text, persona, channel, segments,
                   audience, lead_hours, freeze_hours, exdates, holidays, as_json):
    """Change the given fields, checked as by create; briefs already written stay as they are."""
    given = dict(name=name, rrule=rule, start=start, timezone=zone, brief=brief_text, persona=persona,
                 channel=channel, audience=audience, lead_hours=lead_hours, freeze_hours=freeze_hours,
                 holidays=holidays, exdates=list(exdates) or None,
                 segments=None if segments is None else [s for s in segments.split(",") if s.strip()])
    changes = {key: value for key, value in given.items() if value is not None}
    if not changes:
        raise click.UsageError("give at least one field to change")
    ritual = service.update(brand_slug, ritual_slug, changes)
    if as_json:
        _emit(ritual)
        return
    click.echo(f"ritual {ritual['slug']} (#{ritual['id']}) {ritual['rrule']} {ritual['timezone']}"
               f"{' inactive' if not ritual['active'] else ''}")


@ritual_cli.command("deactivate")
@click.option("--brand", "brand_slug", required=True)
@click.option("--ritual", "ritual_slug", required=True)
@click.option("--json", "as_json", is_flag=True)
@service_command
def deactivate_command(brand_slug, ritual_slug, as_json):
    """Write no more briefs for the ritual; those already written are reviewed and sent as before."""
    _print_switched(service.set_active(brand_slug, ritual_slug, False), as_json)


@ritual_cli.command("activate")
@click.option("--brand", "brand_slug", required=True)
@click.option("--ritual", "ritual_slug", required=True)
@click.option("--json", "as_json", is_flag=True)
@service_command
def activate_command(brand_slug, ritual_slug, as_json):
    """Write the ritual's briefs again, from its next occurrence on."""
    _print_switched(service.set_active(brand_slug, ritual_slug, True), as_json)


def _print_switched(ritual: dict, as_json: bool) -> None:
    if as_json:
        _emit(ritual)
    else:
        click.echo(f"ritual {ritual['slug']} {'active' if ritual['active'] else 'inactive'}")


@ritual_cli.command("list")
@click.option("--brand", "brand_slug", required=True)
@click.option("--json", "as_json", is_flag=True)
@service_command
def list_command(brand_slug, as_json):
    """The brand's rituals with their next occurrences."""
    rows = service.list_rituals(brand_slug)
    if as_json:
        _emit(rows)
        return
    for ritual in rows:
        upcoming = ritual["next"][0]["local"] if ritual["next"] else "-"
        click.echo(f"{ritual['slug']}\t{ritual['name']}\t{ritual['rrule']}\tnext {upcoming}")


@ritual_cli.command("materialize")
@click.option("--brand", "brand_slug", required=True)
@click.option("--until", default="", help="Also write the briefs of occurrences up to this time (ISO 8601; "
              "without an offset, the brand's local time).")
@click.option("--json", "as_json", is_flag=True)
@service_command
def materialize_command(brand_slug, until, as_json):
    """Write the brief of each occurrence whose lead time has begun; a second run writes none again."""
    rows = service.materialize(brand_slug, until)
    if as_json:
        _emit(rows)
        return
    for row in rows:
        click.echo(f"{row['occurrence_utc']}\t{row['ritual']}\tbrief #{row['brief_id']}\t"
                   f"{'created' if row['created'] else 'exists'}")


@ritual_cli.command("occurrence")
@click.option("--brand", "brand_slug", required=True)
@click.option("--ritual", "ritual_slug", required=True)
@click.option("--at", "at", required=True, help="The occurrence's local time in the series, YYYY-MM-DDTHH:MM.")
@click.option("--skip", is_flag=True, help="Leave this occurrence out.")
@click.option("--move-to", default="", help="Send it at this local time instead.")
@click.option("--brief", "brief_text", default=None, help="Its own key message (empty: the ritual's again).")
@click.option("--json", "as_json", is_flag=True)
@service_command
def occurrence_command(brand_slug, ritual_slug, at, skip, move_to, brief_text, as_json):
    """Skip, move or rewrite one occurrence without changing the series."""
    if sum((skip, bool(move_to), brief_text is not None)) != 1:
        raise click.UsageError("give exactly one of --skip, --move-to, --brief")
    row = service.change_occurrence(brand_slug, ritual_slug, at, skip=skip, move_to=move_to, brief=brief_text)
    if as_json:
        _emit(row)
    else:
        click.echo(f"{row['occurrence_utc']}\t{row['state']}\t{row['due_utc']}")
