"""Login, logout and the rule that every page needs a signed-in user."""
from __future__ import annotations

import threading
from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.security import check_password_hash
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from studio import accounts, memberships
from studio.extensions import db, login_manager
from studio.i18n import gettext as _
from studio.models import User

bp = Blueprint("auth", __name__)
PUBLIC_ENDPOINTS = {"auth.login", "health", "static", "i18n.set_language", "links.follow",
                    "links.poster_image",
                    "web.calendar_feed",  # a secret URL that calendar apps fetch without a login
                    "web.accept_invitation"}  # a secret link an invited person opens before having an account
# The logins `studio demo setup` creates, as the README documents them: (username, role, password).
DEMO_USERS = (("editor", "editor", "studio-editor"), ("reviewer", "reviewer", "studio-reviewer"),
              ("admin", "admin", "studio-admin"))
# (username, password hash) -> whether that hash is of the documented password; a new hash is checked once,
# so the login page costs a password hash only after a password changed.
_default_password_checked: dict[tuple[str, str], bool] = {}
_default_password_lock = threading.Lock()


class LoginForm(FlaskForm):
    username = StringField("username", validators=[DataRequired()])
    password = PasswordField("password", validators=[DataRequired()])


@login_manager.user_loader
def load_user(session_id: str):
    return accounts.user_for_session(session_id)


def init_app(app) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    app.register_blueprint(bp)

    @app.before_request
    def require_login():
        endpoint = request.endpoint or ""
        # The JSON API authenticates by token; a path under it that matches no route answers JSON 404 or 405.
        if endpoint in PUBLIC_ENDPOINTS or endpoint.startswith("api.") or request.path.startswith("/api/"):
            return None
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
        memberships.act_as(current_user._get_current_object())
        return None

    @app.teardown_request
    def forget_actor(_exc=None):
        memberships.act_as(None)


def role_required(*roles: str):
    """Allow the view only to users holding one of the roles (admins hold all)."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.can(*roles):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def _safe_next(target: str | None) -> str:
    """Only a path on this site: no scheme, no host, no backslash or control tricks."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")) \
            and not any(ch == "\\" or ord(ch) < 32 for ch in target) and not urlsplit(target).netloc:
        return target
    return url_for("web.dashboard")


def ensure_demo_users(brand_slug: str) -> None:
    """Create the demo logins that are missing (a changed password stays) and make the editor and the
    reviewer members of the demo brand; the demo admin is a site admin."""
    for username, role, password in DEMO_USERS:
        user = accounts.ensure_user(username, password, role)
        if not user.is_site_admin and brand_slug not in dict(memberships.memberships_of(username)):
            memberships.add_member(username, brand_slug, role)


def demo_logins() -> list[tuple[str, str, str]]:
    """The demo logins that still have their documented password: (username, role, password).

    A demo user whose password was changed, or who was never created, is left out."""
    names = [username for username, _role, _password in DEMO_USERS]
    users = {u.username: u for u in db.session.scalars(db.select(User).where(User.username.in_(names)))}
    unchanged = []
    for username, role, password in DEMO_USERS:
        user = users.get(username)
        if user is None or user.role != role or not user.password_hash:
            continue
        key = (username, user.password_hash)
        with _default_password_lock:
            is_default = _default_password_checked.get(key)
        if is_default is None:
            is_default = check_password_hash(user.password_hash, password)
            with _default_password_lock:
                _default_password_checked[key] = is_default
        if is_default:
            unchanged.append((username, role, password))
    return unchanged


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = accounts.login(form.username.data, form.password.data, request.remote_addr or "",
                                  current_app.config["SECRET_KEY"])
        except accounts.TooManyAttempts as exc:
            user, status = None, 429
            flash(_("登录尝试次数过多，请 {minutes} 分钟后再试", minutes=exc.minutes), "error")
        else:
            if user:
                login_user(user, remember=False)
                return redirect(_safe_next(request.args.get("next")))
            flash(_("用户名或密码不正确"), "error")
    # A demo install says which demo logins work and where their passwords are written; the page itself
    # never shows a password, even a documented one.
    demo_usernames = [(username, role) for username, role, _password in demo_logins()]
    return render_template("login.html", form=form, demo_usernames=demo_usernames), status


@bp.post("/logout")
def logout():
    """End this session and every other one of the user: a copied session cookie stops working too."""
    if current_user.is_authenticated:
        accounts.end_sessions(current_user)
        db.session.commit()
    logout_user()
    return redirect(url_for("auth.login"))
