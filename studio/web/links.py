"""`/l/<token>`: the public end of tracked short links; no login, redirects only to stored destinations."""
from flask import Blueprint, abort, redirect, request

from studio import links
from studio.errors import StudioError

bp = Blueprint("links", __name__)


@bp.get("/l/<token>")
def follow(token: str):
    """Send a reader on to the link's destination, with its UTM tags."""
    try:
        # Link checkers and previews ask with HEAD: they learn where it goes, and no click is counted.
        target = links.follow_link(token, count=request.method != "HEAD")
    except StudioError:  # unknown, or a stored destination that is no longer a plain http(s) address
        abort(404)
    response = redirect(target, code=302)
    response.headers["Cache-Control"] = "no-store"  # every scan reaches the studio and is counted
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
