"""A brand's rituals: the list with their next occurrences, forms to create or edit one, switch it off and on,
and skip, move or rewrite one occurrence. Each calls the rituals service; errors come back as flashes."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from studio.auth import role_required
from studio.brands.kits import get_brand
from studio.errors import InvalidInput
from studio.i18n import gettext as _
from studio.rituals import service
from studio.rituals.holidays import HOLIDAY_POLICIES
from studio.web import bp


@bp.get("/brands/<slug>/rituals")
def rituals(slug: str):
    return render_template("rituals.html", brand=get_brand(slug), rituals=service.list_rituals(slug),
                           holidays=HOLIDAY_POLICIES)


@bp.post("/brands/<slug>/rituals")
def create_ritual(slug: str):
    if not current_user.can("editor"):
        abort(403)
    form = request.form
    ritual = service.create(service.RitualInput(
        brand=slug, name=form.get("name", ""), slug=form.get("slug", ""), rrule=form.get("rrule", ""),
        start=form.get("start", ""), timezone=form.get("timezone", ""), brief=form.get("brief", ""),
        persona=form.get("persona", ""), segments=form.getlist("segments"), audience=form.get("audience", ""),
        lead_hours=_hours(form.get("lead_hours"), 48), freeze_hours=_hours(form.get("freeze_hours"), 2),
        exdates=[form.get("exdates", "")], holidays=form.get("holidays", "include")), created_by_id=current_user.id)
    flash(_("已创建仪式“{name}”", name=ritual["name"]), "ok")
    return redirect(url_for("web.rituals", slug=slug))


# The edit form's fields, by RitualInput's names; hours are numbers, segments a list.
EDIT_FIELDS = ("name", "rrule", "start", "timezone", "brief", "audience")


@bp.post("/brands/<slug>/rituals/<ritual_slug>")
@role_required("editor")
def update_ritual(slug: str, ritual_slug: str):
    """Change the fields the form sent; the rest stay."""
    form = request.form
    changes = {name: form[name] for name in EDIT_FIELDS if name in form}
    changes.update({name: _hours(form[name], 0) for name in ("lead_hours", "freeze_hours")
                    if form.get(name, "").strip()})
    if form.getlist("segments"):
        changes["segments"] = form.getlist("segments")
    ritual = service.update(slug, ritual_slug, changes)
    flash(_("已保存仪式“{name}”", name=ritual["name"]), "ok")
    return redirect(url_for("web.rituals", slug=slug))


@bp.post("/brands/<slug>/rituals/<ritual_slug>/active")
@role_required("editor")
def set_ritual_active(slug: str, ritual_slug: str):
    """Deactivate (active=0) or activate again (active=1)."""
    ritual = service.set_active(slug, ritual_slug, request.form.get("active") == "1")
    flash(_("已重新启用仪式“{name}”", name=ritual["name"]) if ritual["active"]
          else _("已停用仪式“{name}”：不再生成新的简报", name=ritual["name"]), "ok")
    return redirect(url_for("web.rituals", slug=slug))


@bp.post("/brands/<slug>/rituals/<ritual_slug>/occurrence")
@role_required("editor")
def change_occurrence(slug: str, ritual_slug: str):
    """Skip, move or give its own brief to one occurrence (its local time in the series in `at`)."""
    form = request.form
    at = form.get("at", "")
    shown = at.replace("T", " ")
    action = form.get("action")
    if action == "skip":
        service.change_occurrence(slug, ritual_slug, at, skip=True, actor_id=current_user.id)
        flash(_("已跳过 {at} 这一次", at=shown), "ok")
    elif action == "move":
        moved = form.get("move_to", "")
        if not moved:
            raise InvalidInput("请填写新时间 / give the new time")
        service.change_occurrence(slug, ritual_slug, at, move_to=moved)
        flash(_("已把 {at} 这一次改到 {to}", at=shown, to=moved.replace("T", " ")), "ok")
    elif action == "brief":
        row = service.change_occurrence(slug, ritual_slug, at, brief=form.get("brief", ""))
        flash(_("{at} 这一次有了自己的简报", at=shown) if row["own_brief"]
              else _("{at} 这一次改回仪式的简报", at=shown), "ok")
    else:
        abort(400)
    return redirect(url_for("web.rituals", slug=slug))


def _hours(value, default: float) -> float:
    try:
        return float(value) if (value or "").strip() else default
    except ValueError:
        raise InvalidInput(f"小时数无法识别：{value!r} / not a number of hours: {value!r}") from None
