"""Posts and review: list, read, edit, lint, submit, approve, send back, regenerate, posters, the queue."""
from __future__ import annotations

from flask import g, jsonify

from studio import api_tokens, posts
from studio.api import bp, encode_cursor, id_cursor, page, reach, scope_required
from studio.api.schemas import (
    ApproveBody, BrandPath, LintBody, LintOut, PageQuery, PosterBody, PostListQuery, PostOut, PostPage, PostPath,
    RegenerateBody, RevisionBody, RevisionOut, RevisionPage, SendBackBody)
from studio.api.views import post_detail, post_summary, revision_dict
from studio.drafting import briefs
from studio.review import post_lint, posters, workflow

def reached_post(post_id: int, *roles: str):
    """The post when the token reaches its brand and the user holds one of the roles there."""
    post = posts.get_post(post_id)
    reach(post.brief.brand_id, *roles, what=f"没有帖子 #{post_id}")
    return post


@bp.get("/brands/<slug>/posts", summary="A brand's posts, newest first", responses={200: PostPage})
@scope_required("posts:read")
def brand_posts(path: BrandPath, query: PostListQuery):
    brand = api_tokens.brand_for(g.api_token, path.slug)
    rows = posts.brand_posts(brand.id, query.status, id_cursor(query.cursor), query.limit + 1)
    chunk = rows[:query.limit]
    return jsonify({"items": [post_summary(post) for post in chunk],
                    "next_cursor": encode_cursor((chunk[-1].id,)) if len(rows) > query.limit else None})


@bp.get("/posts/<int:post_id>", summary="A post with its current revision", responses={200: PostOut})
@scope_required("posts:read")
def get_post(path: PostPath):
    return jsonify(post_detail(reached_post(path.post_id)))


@bp.get("/posts/<int:post_id>/revisions", summary="A post's revisions, newest first", responses={200: RevisionPage})
@scope_required("posts:read")
def post_revisions(path: PostPath, query: PageQuery):
    post = reached_post(path.post_id)
    return jsonify(page(post.revisions, lambda r: (r.number,), query.limit, query.cursor, newest_first=True,
                        dump=revision_dict))


@bp.post("/posts/<int:post_id>/revisions", summary="Store an edit as a new revision (editor)",
         description="An approved or scheduled post goes back to review; its waiting deliveries are cancelled.",
         responses={201: RevisionOut})
@scope_required("posts:write")
def save_revision(path: PostPath, body: RevisionBody):
    reached_post(path.post_id, "editor")
    revision = workflow.save_revision(path.post_id, body.body, g.api_user, note=body.note)
    return jsonify(revision_dict(revision)), 201


@bp.post("/posts/<int:post_id>/lint", summary="Compliance findings for a text of the post (nothing is stored)",
         responses={200: LintOut})
@scope_required("posts:read")
def lint_post(path: PostPath, body: LintBody):
    post = reached_post(path.post_id)
    text = body.text if body.text is not None else (post.current_revision.body if post.current_revision else "")
    findings = post_lint.lint_post(path.post_id, text)
    return jsonify({"findings": post_lint.finding_dicts(findings, text),
                    "blocking": len(post_lint.blocking(findings))})


@bp.post("/posts/<int:post_id>/submit", summary="Send the current revision to review (editor)",
         responses={200: PostOut})
@scope_required("posts:write")
def submit(path: PostPath):
    reached_post(path.post_id, "editor")
    return jsonify(post_detail(workflow.submit_for_review(path.post_id, g.api_user)))


@bp.post("/posts/<int:post_id>/approve", summary="Approve the revision the reviewer read (reviewer)",
         responses={200: PostOut})
@scope_required("review")
def approve(path: PostPath, body: ApproveBody):
    reached_post(path.post_id, "reviewer")
    return jsonify(post_detail(workflow.approve(path.post_id, g.api_user, body.revision_id,
                                                override_reason=body.override_reason)))


@bp.post("/posts/<int:post_id>/send-back", summary="Send a post back with a comment (reviewer)",
         responses={200: PostOut})
@scope_required("review")
def send_back(path: PostPath, body: SendBackBody):
    reached_post(path.post_id, "reviewer")
    return jsonify(post_detail(workflow.send_back(path.post_id, g.api_user, body.comment)))


@bp.post("/posts/<int:post_id>/regenerate", summary="Queue a new model version of the post (editor)",
         responses={202: PostOut})
@scope_required("posts:write")
def regenerate(path: PostPath, body: RegenerateBody):
    reached_post(path.post_id, "editor")
    briefs.request_regeneration(path.post_id, g.api_user, body.instruction)
    return jsonify(post_detail(posts.get_post(path.post_id))), 202


@bp.post("/posts/<int:post_id>/poster", summary="Render a poster and store it with a new revision (editor)",
         responses={201: RevisionOut})
@scope_required("posts:write")
def attach_poster(path: PostPath, body: PosterBody):
    reached_post(path.post_id, "editor")
    revision = posters.attach_poster(path.post_id, posters.PosterSpec.from_values(body.model_dump()), g.api_user)
    return jsonify(revision_dict(revision)), 201


@bp.delete("/posts/<int:post_id>/poster", summary="A new revision without the poster (editor)",
           responses={200: RevisionOut})
@scope_required("posts:write")
def remove_poster(path: PostPath):
    reached_post(path.post_id, "editor")
    return jsonify(revision_dict(posters.remove_poster(path.post_id, g.api_user)))


@bp.get("/review-queue", summary="Posts waiting for review in the brands the token reaches, oldest first",
        responses={200: PostPage})
@scope_required("posts:read")
def review_queue(query: PageQuery):
    token = g.api_token
    waiting = [post for post in workflow.review_queue() if token.brand_id in (None, post.brief.brand_id)]
    return jsonify(page(waiting, lambda p: (p.id,), query.limit, query.cursor, dump=post_summary))
