"""A brand's members and its audit log: brand admins add people, change their role and remove them."""
from datetime import datetime, timedelta

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user

from studio import audit, invitations, memberships
from studio.brands.kits import get_brand
from studio.errors import InvalidInput, StudioError
from studio.i18n import gettext as _
from studio.web import bp


@bp.get("/brands/<slug>/members")
def members(slug: str):
    return _members_page(slug)


def _members_page(slug: str, new_link: str = ""):
    brand = get_brand(slug, "admin")
    return render_template("members.html", brand=brand, members=memberships.members_of(brand.id),
                           roles=memberships.ROLE_NAMES, invitations=invitations.pending(brand.id),
                           new_link=new_link, valid_days=invitations.VALID_DAYS)


@bp.post("/brands/<slug>/invitations")
def invite_member(slug: str):
    """A link for one person to join in a role, shown on this page once."""
    days = request.form.get("days", "").strip()
    secret = invitations.invite(slug, request.form.get("role", ""), current_user, note=request.form.get("note", ""),
                                days=int(days) if days.isdigit() else invitations.VALID_DAYS)
    link = current_app.config["STUDIO_BASE_URL"].rstrip("/") + url_for("web.accept_invitation", token=secret)
    return _members_page(slug, new_link=link)


@bp.post("/brands/<slug>/invitations/<int:invitation_id>/withdraw")
def withdraw_invitation(slug: str, invitation_id: int):
    invitations.withdraw(slug, invitation_id, current_user)
    flash(_("已撤回邀请"), "ok")
    return redirect(url_for("web.members", slug=slug))


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """The link an invited person opens: join with the account they are signed in with, or make one."""
    try:
        invitation = invitations.open_invitation(token)
    except invitations.InvitationSpent as exc:
        return render_template("error_page.html", message=str(exc)), 404
    error = ""
    if request.method == "POST":
        if not current_user.is_authenticated and request.form.get("password") != request.form.get("confirm"):
            error = _("两次输入的密码不一致")
        else:
            try:
                user = invitations.accept(token, current_user if current_user.is_authenticated else None,
                                          username=request.form.get("username", ""),
                                          password=request.form.get("password", ""))
            except StudioError as exc:
                error = str(exc)
            else:
                if not current_user.is_authenticated:
                    login_user(user, remember=False)
                flash(_("欢迎加入 {brand}", brand=invitation.brand.name), "ok")
                return redirect(url_for("web.brand", slug=invitation.brand.slug))
    return render_template("invitation.html", invitation=invitation, roles=memberships.ROLE_NAMES, error=error,
                           username=request.form.get("username", "")), 400 if error else 200


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
