"""The site admin's users page: every account with the brands it works in; make one, or set a new password
(which signs the user out everywhere)."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from studio import accounts, memberships
from studio.brands import kits
from studio.errors import InvalidInput
from studio.i18n import gettext as _
from studio.web import bp


@bp.get("/admin/users")
def users():
    memberships.require_site_admin(current_user)
    return render_template("users.html", users=accounts.list_users(), brands=kits.list_brands(),
                           roles=memberships.ROLE_NAMES)


@bp.post("/admin/users")
def create_user():
    """A new account: a site admin, or a member of one brand in a role."""
    memberships.require_site_admin(current_user)
    form = request.form
    username, password = form.get("username", "").strip(), form.get("password", "")
    if password != form.get("confirm", ""):
        raise InvalidInput("两次输入的密码不一致 / the two passwords differ")
    if accounts.get_user_by_name(username) is not None:
        raise InvalidInput(f"用户名 {username} 已被使用 / the username {username} is taken")
    site_admin = form.get("site_admin") == "1"
    accounts.create_user(username, password, "admin" if site_admin else "member")
    if not site_admin and form.get("brand"):
        memberships.add_member(username, form.get("brand", ""), form.get("role", "editor"), granted_by=current_user)
    flash(_("已创建用户 {username}", username=username), "ok")
    return redirect(url_for("web.users"))


@bp.post("/admin/users/<username>/password")
def reset_password(username: str):
    memberships.require_site_admin(current_user)
    user = accounts.get_user_by_name(username)
    if user is None:
        raise InvalidInput(f"没有用户 {username!r}")
    accounts.create_user(username, request.form.get("password", ""), user.role)  # ends the user's sessions
    flash(_("已为 {username} 设置新密码，其所有会话已退出", username=username), "ok")
    return redirect(url_for("web.users"))
