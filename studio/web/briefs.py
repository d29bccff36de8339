from datetime import date, datetime

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from studio.auth import role_required
from studio.brands import kits
from studio.distribution import brief_schedule
from studio.drafting import briefs, playbook
from studio.errors import InvalidInput, StudioError
from studio.i18n import gettext as _
from studio.web import bp


def _form_to_brief(form) -> briefs.BriefInput:
    raw_date = form.get("event_date", "").strip()
    try:
        event_date = date.fromisoformat(raw_date) if raw_date else None
    except ValueError:
        raise InvalidInput(f"日期格式不正确：{raw_date!r}（应为 YYYY-MM-DD）") from None
    return briefs.BriefInput(
        brand=form.get("brand", ""), persona=form.get("persona", ""), channel=form.get("channel", ""),
        segments=form.getlist("segments"), goal=form.get("goal", ""), key_message=form.get("key_message", ""),
        products=briefs.parse_list(form.get("products", "")), event_date=event_date)


@bp.route("/briefs/new", methods=["GET", "POST"])
@role_required("editor")
def new_brief():
    all_brands = kits.list_brands()
    slug = request.values.get("brand") or (all_brands[0].slug if all_brands else "")
    brand = kits.get_brand(slug) if slug else None
    error = ""
    if request.method == "POST":
        try:
            brief = briefs.create_brief(_form_to_brief(request.form), author_id=current_user.id)
            warning = briefs.start_drafting(brief.id)
            if warning:  # the brief is stored; its drafts are queued once the queue is back
                flash(warning, "error")
            return redirect(url_for("web.brief", brief_id=brief.id))
        except StudioError as exc:
            error = str(exc)
    # A GET may carry the fields in its query (a suggested brief, such as a win-back for a quiet group).
    form = request.form if request.method == "POST" else request.args
    return render_template("brief_new.html", brands=all_brands, brand=brand, form=form, error=error), \
        (400 if error else 200)


@bp.get("/briefs/<int:brief_id>")
def brief(brief_id: int):
    brief = briefs.get_brief(brief_id)
    return render_template("brief.html", brief=brief, progress=briefs.brief_progress(brief_id),
                           warnings=briefs.brief_warnings(brief_id), playbooks=playbook.brief_playbooks(brief))


@bp.post("/briefs/<int:brief_id>/schedule")
@role_required("editor", "reviewer")
def schedule_brief(brief_id: int):
    raw = request.form.get("send_at", "").strip()
    try:
        local_time = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"发送时间格式不正确：{raw!r}") from None
    result = brief_schedule.schedule_brief(brief_id, local_time, current_user,
                                           audience=request.form.get("audience", "")[:500])
    count = sum(len(slugs) for slugs in result.sent_to.values())
    flash(_("已排期：{count} 个群", count=count), "ok")
    for slug, why in result.left_out.items():
        flash(f"{slug}：{why}", "warn")
    return redirect(url_for("web.brief", brief_id=brief_id))


@bp.get("/briefs/<int:brief_id>/progress.json")
def brief_progress(brief_id: int):
    return jsonify(briefs.brief_progress(brief_id))
