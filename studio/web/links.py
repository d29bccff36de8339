"""The public ends of what the studio hands out: short links `/l/<token>` and poster images `/p/<token>.jpg`.

No login: chat platforms and readers reach them from outside, and their tokens are not guessable.
"""
from flask import Blueprint, Response, abort, current_app, request

from studio import links
from studio.errors import StudioError
from studio.links.visitors import VISITOR_COOKIE, VISITOR_COOKIE_DAYS
from studio.posters import stored

bp = Blueprint("links", __name__)
FAILED_CLICK = "studio.failed_click"  # environ key: why the fast path could not count a click


@bp.get("/l/<token>")
def follow(token: str):
    """Send a reader on to the link's destination, with its UTM tags; previews and robots count apart.

    Normally answered before Flask by studio.web.link_redirect; this view answers when that is not in front."""
    failed = request.environ.pop(FAILED_CLICK, None)
    if failed is not None:  # the fast path could not record the click: the app's error handlers answer
        raise failed
    visit = links.Visit(method=request.method, user_agent=request.headers.get("User-Agent", ""),
                        address=request.remote_addr or "", cookie=request.cookies.get(VISITOR_COOKIE, ""))
    try:
        return redirect_to_link(token, visit)
    except StudioError:  # unknown, or a stored destination that is no longer a plain http(s) address
        abort(404)


def redirect_to_link(token: str, visit: links.Visit) -> Response:
    """Count the visit and answer with the redirect; StudioError (nothing counted) when the token leads nowhere."""
    followed = links.follow_link(token, visit)
    response = current_app.redirect(followed.target, code=302)
    response.headers["Cache-Control"] = "no-store"  # every scan reaches the studio and is counted
    response.headers["Referrer-Policy"] = "no-referrer"
    if followed.visitor and followed.visitor != visit.cookie:
        response.set_cookie(VISITOR_COOKIE, followed.visitor, max_age=VISITOR_COOKIE_DAYS * 86400,
                            path="/l/", httponly=True, samesite="Lax")
    return response


@bp.get("/p/<token>.<extension>")
def poster_image(token: str, extension: str):
    """A stored poster, for chat platforms that show pictures from a URL."""
    try:
        poster = stored.poster_by_token(token)
    except StudioError:
        abort(404)
    if stored.EXTENSIONS[poster.format] != extension:
        abort(404)
    response = Response(poster.data, mimetype=stored.MEDIA_TYPES[poster.format])
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"  # a stored poster never changes
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["ETag"] = f'"{poster.md5}"'
    return response
