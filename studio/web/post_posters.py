"""The post page's poster panel: a live preview while choosing, then the poster stored with a new revision."""
from flask import Response, flash, jsonify, redirect, request, url_for
from flask_login import current_user

from studio.auth import role_required
from studio.errors import StudioError
from studio.i18n import gettext as _, translate_message
from studio.posters.stored import MEDIA_TYPES
from studio.review import posters
from studio.web import bp


@bp.post("/posts/<int:post_id>/poster/preview")
@role_required("editor")
def poster_preview(post_id: int):
    """The poster as chosen so far, as an image; nothing is stored."""
    try:
        rendered = posters.preview_poster(post_id, posters.PosterSpec.from_values(request.form), current_user)
    except StudioError as exc:
        return jsonify({"error": str(translate_message(str(exc)))}), exc.status
    response = Response(rendered.data, mimetype=MEDIA_TYPES[rendered.format])
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Render-Ms"] = str(rendered.render_ms)
    return response


@bp.post("/posts/<int:post_id>/poster")
@role_required("editor")
def attach_poster(post_id: int):
    revision = posters.attach_poster(post_id, posters.PosterSpec.from_values(request.form), current_user)
    flash(_("海报已保存为修订 {number}", number=revision.number), "ok")
    return redirect(url_for("web.post", post_id=post_id, _anchor="poster"))


@bp.post("/posts/<int:post_id>/poster/remove")
@role_required("editor")
def remove_poster(post_id: int):
    revision = posters.remove_poster(post_id, current_user)
    flash(_("已移除海报（修订 {number}）", number=revision.number), "ok")
    return redirect(url_for("web.post", post_id=post_id, _anchor="poster"))
