"""The content calendar: month and week views in the brand's zone, drag to reschedule, a subscribable feed."""
from datetime import datetime

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from studio.calendar import feed, items, page, rescheduling
from studio.errors import InvalidInput, NotFound, StudioError
from studio.i18n import gettext as _
from studio.i18n import status_label, translate_message
from studio.models import DeliveryStatus
from studio.web import bp


@bp.get("/brands/<slug>/calendar")
def calendar(slug: str):
    return render_template("calendar.html", view=page.calendar_view(slug),
                           state_labels={state: _(words) for state, words in items.STATE_WORDS.items()},
                           delivery_labels={status.value: status_label(status) for status in DeliveryStatus})


@bp.get("/brands/<slug>/calendar/items.json")
def calendar_items(slug: str):
    try:
        found = items.calendar_items(slug, items.parse_day(request.args.get("from", "")),
                                     items.parse_day(request.args.get("to", "")))
    except StudioError as exc:
        return _json_error(exc)
    return jsonify([item.to_dict() for item in found])


@bp.post("/posts/<int:post_id>/reschedule")
def reschedule(post_id: int):
    """Move a post to the wall-clock time in the JSON body ({"local_start": "YYYY-MM-DDTHH:MM"})."""
    try:
        local_start = _local_time((request.get_json(silent=True) or {}).get("local_start"))
        moved = rescheduling.reschedule_post(post_id, local_start, current_user)
    except StudioError as exc:
        return _json_error(exc)
    return jsonify({"moved": len(moved), "local_start": local_start.strftime("%Y-%m-%dT%H:%M")})


@bp.post("/brands/<slug>/calendar/feed-token")
def rotate_feed_token(slug: str):
    feed.rotate_feed_token(slug, current_user)
    flash(_("已生成新的订阅地址，旧地址已失效"), "ok")
    return redirect(url_for("web.calendar", slug=slug) + "#feed")


@bp.get("/brands/<slug>/calendar/<token>.ics")
def calendar_feed(slug: str, token: str):
    """The secret URL a calendar app subscribes to: no login, a wrong token is 404."""
    try:
        ics = feed.feed_ics(slug, token)
    except NotFound:
        abort(404)
    return Response(ics, mimetype="text/calendar",
                    headers={"Cache-Control": "private, max-age=300", "Referrer-Policy": "no-referrer"})


def _local_time(value) -> datetime:
    try:
        return datetime.strptime(str(value or ""), "%Y-%m-%dT%H:%M")
    except ValueError:
        raise InvalidInput(f"时间无法识别：{value!r} / the time is not understood: {value!r}") from None


def _json_error(exc: StudioError):
    return jsonify({"error": translate_message(str(exc)).striptags()}), exc.status
