"""Failed drafts, in bulk: retry them or archive them; restore an archived one."""
from flask import flash, redirect, request, url_for
from flask_login import current_user

from studio.auth import role_required
from studio.drafting import triage
from studio.errors import InvalidInput
from studio.i18n import gettext as _
from studio.routing import int_arg
from studio.web import bp

ACTIONS = {"regenerate": triage.regenerate_posts, "archive": triage.archive_posts}


@bp.post("/posts/batch")
@role_required("editor")
def posts_batch():
    action = ACTIONS.get(request.form.get("action", ""))
    if action is None:
        raise InvalidInput("未知的批量操作 / unknown batch action")
    post_ids = [int_arg({"post_ids": raw}, "post_ids", None) for raw in request.form.getlist("post_ids")]
    result = action([post_id for post_id in post_ids if post_id is not None], current_user)
    if result.done:
        flash(_("已处理 {count} 条帖子", count=len(result.done)), "ok")
    for post_id, reason in result.refused.items():
        flash(f"#{post_id}：{reason}", "error")
    return redirect(url_for("web.dashboard"))


@bp.post("/posts/<int:post_id>/restore")
@role_required("editor")
def restore_post(post_id: int):
    triage.restore_post(post_id, current_user)
    flash(_("已恢复"), "ok")
    return redirect(url_for("web.post", post_id=post_id))
