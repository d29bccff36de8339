"""The group directory page: filter by audience, count groups and members, import a CSV, edit tags in bulk."""
from flask import flash, jsonify, redirect, render_template, request, url_for

from studio.auth import role_required
from studio.brands import kits
from studio.distribution import groups
from studio.errors import InvalidInput, StudioError
from studio.extensions import db
from studio.i18n import gettext as _
from studio.models import Segment
from studio.web import bp
from studio.web.uploads import uploaded_csv

MAX_CSV_BYTES = 2 * 1024 * 1024


@bp.get("/brands/<slug>/groups")
def group_directory(slug: str):
    brand = kits.get_brand(slug)
    audience = request.args.get("audience", "").strip()
    error, matched = "", []
    try:
        matched = groups.match_groups(slug, audience)
    except StudioError as exc:
        error = str(exc)
    return render_template("groups.html", brand=brand, audience=audience, groups=matched, error=error,
                           size=groups.audience_size(matched), segments=_segments(brand.id)), 400 if error else 200


@bp.get("/brands/<slug>/groups/count.json")
def audience_count(slug: str):
    """How many groups and members an audience reaches, for the schedule form to show before it is sent."""
    try:
        return jsonify(groups.audience_size(groups.match_groups(slug, request.args.get("audience", "")[:500])))
    except InvalidInput as exc:
        return jsonify({"error": str(exc)}), 400


def _segments(brand_id: int) -> dict:
    return {s.slug: s.name for s in db.session.scalars(db.select(Segment).where(Segment.brand_id == brand_id))}


@bp.post("/brands/<slug>/groups/import")
@role_required("editor")
def import_groups(slug: str):
    result = groups.import_groups(slug, uploaded_csv(max_bytes=MAX_CSV_BYTES))
    flash(_("已导入群目录：{groups} 个群，新建 {created}，更新 {updated}", **result), "ok")
    return redirect(url_for("web.group_directory", slug=slug))


@bp.post("/brands/<slug>/groups/bulk")
@role_required("editor")
def bulk_edit_groups(slug: str):
    form = request.form
    changed = groups.bulk_edit(slug, form.getlist("groups"), add_tags=_words(form, "add_tags"),
                               remove_tags=_words(form, "remove_tags"), add_segments=form.getlist("add_segments"),
                               remove_segments=form.getlist("remove_segments"))
    flash(_("已修改 {count} 个群", count=changed), "ok")
    return redirect(url_for("web.group_directory", slug=slug, audience=form.get("audience", "")))


def _words(form, name: str) -> list[str]:
    words = form.get(name, "").replace("，", ",").replace(";", ",").split(",")
    return [word.strip()[:50] for word in words if word.strip()]
