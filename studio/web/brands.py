from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from studio.auth import role_required
from studio.brands import kits, library, library_jobs
from studio.channels import probe
from studio.errors import StudioError
from studio.i18n import gettext as _
from studio.web import bp


@bp.get("/brands/<slug>")
def brand(slug: str):
    brand = kits.get_brand(slug)
    query = request.args.get("q", "").strip()
    hits, error, language = [], "", None
    try:
        hits = library.search_playground(slug, query)
        language = kits.search_language(slug, query) if query else None
    except StudioError as exc:
        error = str(exc)
    return render_template("brand.html", brand=brand, documents=kits.list_documents(brand.id), query=query,
                           hits=hits, error=error, language=language,
                           library_jobs=library_jobs.recent_jobs(brand.id), stage_labels=library_jobs.STAGE_LABELS)


@bp.get("/brands/<slug>/documents/<doc_id>")
def document(slug: str, doc_id: str):
    row, chunks = library.document_chunks(slug, doc_id)
    return render_template("document.html", brand=kits.get_brand(slug), document=row, chunks=chunks)


@bp.post("/brands/<slug>/documents")
@role_required("editor")
def upload_documents(slug: str):
    files = [(f.filename or "", f.read()) for f in request.files.getlist("files") if f and f.filename]
    outcome = library_jobs.upload(slug, files, current_user.id)
    if outcome.result is not None:
        flash(_("已导入：{documents} 篇文档，{chunks} 个片段", documents=outcome.result["documents"],
                chunks=outcome.result["chunks"]), "ok")
    elif outcome.queue_down:
        flash(_("文件已保存，但消息队列暂时不可用：队列恢复后会自动建立索引，本页会显示进度。"), "warn")
    else:
        flash(_("文件较大，已交给后台建立索引，本页会显示进度。"), "ok")
    return redirect(url_for("web.brand", slug=slug))


@bp.get("/brands/<slug>/library-jobs/<int:job_id>.json")
def library_job(slug: str, job_id: int):
    """A large upload's indexing state, polled by the brand page until it is done or failed."""
    state = library_jobs.job_state(library_jobs.get_job(slug, job_id))
    state["label"] = _(library_jobs.STAGE_LABELS[state["stage"]])
    return jsonify(state)


@bp.post("/brands/<slug>/documents/<doc_id>/delete")
@role_required("editor")
def delete_document(slug: str, doc_id: str):
    library.delete_document(slug, doc_id)
    flash(_("已删除 {doc_id}", doc_id=doc_id), "ok")
    return redirect(url_for("web.brand", slug=slug))


@bp.post("/brands/<slug>/reindex")
@role_required("admin")
def reindex(slug: str):
    result = library.reindex(slug)
    flash(_("已重建索引：{chunks} 个片段", chunks=result["chunks"]), "ok")
    return redirect(url_for("web.brand", slug=slug))


@bp.route("/brands/<slug>/channels/<channel_slug>", methods=["GET"])
def channel(slug: str, channel_slug: str):
    row = probe.get_channel(slug, channel_slug)
    return render_template("channel.html", brand=row.brand, channel=row,
                           settings=probe.visible_settings(row), problems=probe.channel_problems(row),
                           result=None)


@bp.post("/brands/<slug>/channels/<channel_slug>/test")
@role_required("admin")
def channel_test(slug: str, channel_slug: str):
    result = probe.send_test_message(slug, channel_slug, current_user)
    row = probe.get_channel(slug, channel_slug)
    return render_template("channel.html", brand=row.brand, channel=row,
                           settings=probe.visible_settings(row), problems=probe.channel_problems(row),
                           result=result)
