"""Simplified Chinese by default, English on request: a small phrase book, no build step."""
from __future__ import annotations

from flask import Blueprint, redirect, request, session, url_for

from studio.i18n_en import CHINESE_LABELS, ENGLISH

bp = Blueprint("i18n", __name__)
LANGUAGES = ("zh", "en")


def current_language() -> str:
    try:
        return session.get("lang", "zh")
    except RuntimeError:
        return "zh"


def gettext(text: str) -> str:
    """Translate a Chinese UI phrase when the user chose English."""
    if current_language() == "en":
        return ENGLISH.get(text, text)
    return CHINESE_LABELS.get(text, text)


@bp.get("/lang/<code>")
def set_language(code: str):
    if code in LANGUAGES:
        session["lang"] = code
    target = request.referrer or url_for("web.dashboard")
    return redirect(target if target.startswith(request.host_url) else url_for("web.dashboard"))


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(_=gettext, current_language=current_language)
