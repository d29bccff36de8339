"""Login, logout and the rule that every page needs a signed-in user."""
from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from studio import accounts
from studio.extensions import login_manager
from studio.i18n import gettext as _

bp = Blueprint("auth", __name__)
PUBLIC_ENDPOINTS = {"auth.login", "health", "static", "i18n.set_language"}


class LoginForm(FlaskForm):
    username = StringField("username", validators=[DataRequired()])
    password = PasswordField("password", validators=[DataRequired()])


@login_manager.user_loader
def load_user(user_id: str):
    return accounts.get_user(int(user_id))


def init_app(app) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    app.register_blueprint(bp)

    @app.before_request
    def require_login():
        endpoint = request.endpoint or ""
        if endpoint in PUBLIC_ENDPOINTS or endpoint.startswith("api."):
            return None
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
        return None


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


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.username.data, form.password.data)
        if user:
            login_user(user, remember=False)
            return redirect(_safe_next(request.args.get("next")))
        flash(_("用户名或密码不正确"), "error")
    return render_template("login.html", form=form)


@bp.post("/logout")
def logout():
    logout_user()
    return redirect(url_for("auth.login"))
