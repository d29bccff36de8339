from datetime import datetime

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from studio import audit, posts
from studio.auth import role_required
from studio.channels import preview as channel_preview
from studio.distribution import deliveries, scheduling
from studio.distribution.deliveries import NEEDS_ATTENTION
from studio.drafting import briefs, jobs, rewriting
from studio.errors import InvalidInput, StudioError
from studio.i18n import gettext as _, translate_channel_preview, translate_findings
from studio.rendering import MAX_RENDER_CHARS, markdown_to_safe_html, render_problems
from studio.models import PostStatus
from studio.review import citations, post_lint, posters, workflow
from studio.routing import int_arg
from studio.web import bp


@bp.get("/posts/<int:post_id>")
def post(post_id: int):
    post = posts.get_post(post_id)
    brand = post.brief.brand
    deliveries = scheduling.deliveries_of(post_id)
    return render_template(
        "post.html", post=post, brand=brand, revision=post.current_revision,
        preview=markdown_to_safe_html(post.current_revision.body if post.current_revision else ""),
        facts=(post.generation or {}).get("facts", []), events=audit.events_for_post(post_id),
        deliveries=deliveries, needs_attention=NEEDS_ATTENTION, approved=posts.is_approved(post),
        findings=translate_findings(post_lint.finding_dicts(post_lint.lint_post(post_id), post.current_revision.body)
                                    if post.current_revision else []),
        fact_uses=citations.fact_uses(post.current_revision.body, (post.generation or {}).get("facts", []),
                                      (post.generation or {}).get("sentences")) if post.current_revision else {},
        regenerating=jobs.regenerating(post), poster_panel=posters.panel(post) if post.current_revision else None,
        can_edit=current_user.can("editor", brand_id=brand.id) and post.status not in (PostStatus.GENERATING, PostStatus.ARCHIVED))


@bp.get("/posts/<int:post_id>/progress.json")
def post_progress(post_id: int):
    """Drafting state and the text written so far, polled by the post page while the model writes."""
    return jsonify(briefs.post_progress(post_id))


@bp.post("/posts/<int:post_id>/revisions")
@role_required("editor")
def save_revision(post_id: int):
    workflow.save_revision(post_id, request.form.get("body", ""), current_user, note=request.form.get("note", ""))
    flash(_("已保存新修订"), "ok")
    return redirect(url_for("web.post", post_id=post_id))


@bp.post("/posts/<int:post_id>/submit")
@role_required("editor")
def submit(post_id: int):
    workflow.submit_for_review(post_id, current_user)
    flash(_("已提交审核"), "ok")
    return redirect(url_for("web.post", post_id=post_id))


@bp.post("/posts/<int:post_id>/approve")
@role_required("reviewer")
def approve(post_id: int):
    workflow.approve(post_id, current_user, int_arg(request.form, "revision_id", None),
                   override_reason=request.form.get("override_reason", ""))
    flash(_("已批准"), "ok")
    return redirect(url_for("web.post", post_id=post_id))


@bp.post("/posts/<int:post_id>/send-back")
@role_required("reviewer")
def send_back(post_id: int):
    workflow.send_back(post_id, current_user, request.form.get("comment", ""))
    flash(_("已退回修改"), "ok")
    return redirect(url_for("web.review_queue"))


@bp.post("/posts/<int:post_id>/schedule")
@role_required("editor", "reviewer")
def schedule(post_id: int):
    raw = request.form.get("send_at", "").strip()
    try:
        local_time = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"发送时间格式不正确：{raw!r}") from None
    scheduling.schedule_post(post_id, local_time, request.form.getlist("channels"), current_user,
                             audience=request.form.get("audience", "")[:500])
    flash(_("已排期"), "ok")
    return redirect(url_for("web.post", post_id=post_id))


@bp.post("/preview")
def preview():
    """Sanitized HTML of the editor's text and, for a post, the text as each of its brand's channels renders it."""
    body = request.form.get("body", "")
    if len(body) > MAX_RENDER_CHARS:
        return jsonify({"error": f"正文过长（最多{MAX_RENDER_CHARS}字），无法预览 / "
                                 f"longer than {MAX_RENDER_CHARS} characters"}), 413
    result = {"html": markdown_to_safe_html(body), "problems": [str(p) for p in render_problems(body)]}
    post_id = int_arg(request.form, "post_id", None)
    if post_id:
        result["channels"] = [translate_channel_preview(row)
                              for row in channel_preview.channel_previews(post_id, body)]
    return jsonify(result)


@bp.post("/posts/<int:post_id>/lint")
def lint(post_id: int):
    """Findings for the text in the editor, as the editor types."""
    body = request.form.get("body", "")
    return jsonify(translate_findings(post_lint.finding_dicts(post_lint.lint_post(post_id, body), body)))


@bp.post("/deliveries/<int:delivery_id>/mark-sent")
@role_required("reviewer")
def mark_delivery_sent(delivery_id: int):
    row = deliveries.mark_sent(delivery_id, current_user)
    flash(_("已标记为已发送"), "ok")
    return redirect(url_for("web.post", post_id=row.post_id))


@bp.post("/deliveries/<int:delivery_id>/send-again")
@role_required("reviewer")
def send_delivery_again(delivery_id: int):
    row = deliveries.send_again(delivery_id, current_user)
    flash(_("已重新排入发送"), "ok")
    return redirect(url_for("web.post", post_id=row.post_id))


@bp.post("/posts/<int:post_id>/regenerate")
@role_required("editor")
def regenerate(post_id: int):
    briefs.request_regeneration(post_id, current_user, request.form.get("instruction", ""))
    flash(_("已开始重新生成：完成后新的修订会自动出现"), "ok")
    return redirect(url_for("web.post", post_id=post_id))


@bp.post("/posts/<int:post_id>/rewrite")
@role_required("editor")
def rewrite(post_id: int):
    """The selected passage rewritten by the model, as JSON for the editor to put in place of the selection."""
    try:
        result = rewriting.rewrite_passage(post_id, current_user, request.form.get("passage", ""),
                                           request.form.get("instruction", ""))
    except StudioError as exc:
        return jsonify({"error": str(exc)}), exc.status
    return jsonify(result)
