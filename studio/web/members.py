"""A brand's members and its audit log: brand admins add people, change their role and remove them."""
from datetime import datetime, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from studio import audit, memberships
from studio.brands.kits import get_brand
from studio.errors import InvalidInput
from studio.i18n import gettext as _
from studio.web import bp


@bp.get("/brands/<slug>/members")
def members(slug: str):
    brand = get_brand(slug, "admin")
    return render_template("members.html", brand=brand, members=memberships.members_of(brand.id),
                           roles=memberships.ROLE_NAMES)


@bp.post("/brands/<slug>/members")
def add_member(slug: str):
    """Add a user by name, or change the role of a member: never beyond what the brand admin holds."""
    username, role = request.form.get("username", "").strip(), request.form.get("role", "")
    memberships.add_member(username, slug, role, granted_by=current_user)
    flash(_("{username} 现在是{role}", username=username, role=_(memberships.ROLE_NAMES.get(role, role))), "ok")
    return redirect(url_for("web.members", slug=slug))


@bp.post("/brands/<slug>/members/<username>/remove")
def remove_member(slug: str, username: str):
    memberships.remove_member(username, slug, removed_by=current_user)
    flash(_("已移除 {username}", username=username), "ok")
    return redirect(url_for("web.members", slug=slug))


@bp.get("/brands/<slug>/audit")
def audit_log(slug: str):
    """Who did what, when: filtered by username, by the start of the action's name and by days."""
    brand = get_brand(slug, "admin")
    who, what = request.args.get("who", "").strip()[:64], request.args.get("what", "").strip()[:32]
    since, until = _day(request.args.get("from", "")), _day(request.args.get("to", ""))
    events = audit.events_for_brand(brand.id, actor=who, action=what, since=since,
                                    until=until + timedelta(days=1) if until else None)
    return render_template("audit.html", brand=brand, events=events, who=who, what=what,
                           since=request.args.get("from", ""), until=request.args.get("to", ""))


def _day(value: str) -> datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        raise InvalidInput(f"日期格式不正确：{value[:20]!r}（应为 YYYY-MM-DD）") from None
