from flask import g, jsonify, request

from studio import api_tokens, posts
from studio.api import bp, json_object, list_field, scope_required, text_field, token_required
from studio.brands import kits
from studio.drafting import briefs
from studio.links import conversions
from studio.links.analytics import brand_by_slug
from studio.rendering import markdown_to_safe_html

OPENAPI = {
    "openapi": "3.1.0",
    "info": {"title": "Community Content Studio API", "version": "1"},
    "components": {"securitySchemes": {"token": {
        "type": "http", "scheme": "bearer",
        "description": "A token from `studio user token` or the API tokens page. Each operation names the scope "
                       "it needs (knowledge:read, posts:read, posts:write, review, schedule, analytics:read): "
                       "without it 403. A brand the token or its user does not reach is 404, like an unknown "
                       "id; an unknown, expired or revoked token 401; over the token's requests per minute, "
                       "429 with Retry-After."}}},
    "security": [{"token": []}],
    "paths": {
        "/api/v1/brands": {"get": {"summary": "The brands this token reaches",
                                   "responses": {"200": {"description": "brands"}}}},
        "/api/v1/brands/{slug}/search": {"get": {
            "summary": "Hybrid knowledge search",
            "security": [{"token": ["knowledge:read"]}],
            "parameters": [{"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}},
                           {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}},
                           {"name": "k", "in": "query", "schema": {"type": "integer", "default": 5}}],
            "responses": {"200": {
                "description": "hits, best first; each hit carries query_language and knowledge_language "
                               "(zh, en or empty) and language_mismatch, true when the query is in Latin letters "
                               "the brand's Chinese knowledge mostly does not have, whose hits then mean nothing",
                "headers": {"X-Search-Notice": {"description": "set when the query is not in the knowledge's "
                                                               "language", "schema": {"type": "string"}}}}}}},
        "/api/v1/briefs": {"post": {
            "summary": "Create a brief and draft one variant per segment on the workers (editor of the brand)",
            "security": [{"token": ["posts:write"]}],
            "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": [
                "brand", "persona", "channel", "segments", "key_message"]}}}},
            "responses": {"201": {"description": "brief created"}, "400": {"description": "invalid brief"}}}},
        "/api/v1/briefs/{id}": {"get": {"summary": "Drafting progress of a brief",
                                        "security": [{"token": ["posts:read"]}],
                                        "responses": {"200": {"description": "progress"}}}},
        "/api/v1/posts/{id}": {"get": {"summary": "A post with its current revision",
                                       "security": [{"token": ["posts:read"]}],
                                       "responses": {"200": {"description": "post"}}}},
        "/api/v1/brands/{slug}/orders": {"post": {
            "summary": "An order from the brand's shop, attributed to the short link it came from",
            "description": "Signed, not token-authenticated: the header X-Studio-Signature carries "
                           "sha256=<hex HMAC-SHA256 of the raw body under the brand's order webhook secret>. "
                           "Attribution: token, else landing_url (its click_ref parameter or a /l/<token> path), "
                           "else coupon. Each order_id counts once.",
            "security": [],
            "requestBody": {"content": {"application/json": {"schema": {
                "type": "object", "required": ["order_id", "amount"],
                "properties": {"order_id": {"type": "string"}, "amount": {"type": ["string", "number"]},
                               "currency": {"type": "string", "enum": ["CNY"]},
                               "ordered_at": {"type": "string", "format": "date-time"},
                               "token": {"type": "string"}, "landing_url": {"type": "string"},
                               "coupon": {"type": "string"}}}}}},
            "responses": {"201": {"description": "order stored"},
                          "200": {"description": "this order_id was stored before; nothing changed"},
                          "400": {"description": "a field is missing or wrong; the message names it"},
                          "401": {"description": "missing or wrong signature, or no webhook secret set"}}}},
    },
}


@bp.get("/openapi.json")
def openapi():
    return jsonify(OPENAPI)


@bp.get("/brands")
@token_required
def list_brands():
    """The brands this token reaches: its own brand, or every brand its user is a member of."""
    return jsonify([{"slug": b.slug, "name": b.name, "timezone": b.timezone}
                    for b in api_tokens.reachable_brands(g.api_token)])


# Headers are Latin-1: the notice is in English; the hits' "language_mismatch" says the same to any client.
LANGUAGE_NOTICE = ("The brand's knowledge is in Chinese and most of this query's English words are not "
                   "in it: these hits are unlikely to mean anything. Search in Chinese.")


@bp.get("/brands/<slug>/search")
@scope_required("knowledge:read")
def search(slug: str):
    api_tokens.brand_for(g.api_token, slug)
    query = request.args.get("q", "")
    hits = kits.search_knowledge(slug, query, k=min(max(request.args.get("k", 5, type=int) or 5, 1), 100))
    language = kits.search_language(slug, query)
    flags = {key: language[key] for key in ("query_language", "knowledge_language", "language_mismatch")}
    response = jsonify([{**hit, **flags} for hit in hits])
    if language["language_mismatch"]:
        response.headers["X-Search-Notice"] = LANGUAGE_NOTICE
    return response


@bp.post("/briefs")
@scope_required("posts:write")
def create_brief():
    data = json_object()
    brief_input = briefs.BriefInput(
        brand=text_field(data, "brand"), persona=text_field(data, "persona"), channel=text_field(data, "channel"),
        segments=briefs.parse_list(list_field(data, "segments")), key_message=text_field(data, "key_message"),
        goal=text_field(data, "goal"), products=briefs.parse_list(list_field(data, "products")))
    briefs.check_fields(brief_input)  # a field the database cannot store is named before the brand is looked up
    api_tokens.brand_for(g.api_token, brief_input.brand, "editor")
    brief = briefs.create_brief(brief_input, g.api_user.id)
    warning = briefs.start_drafting(brief.id)
    if warning:  # stored, not yet queued: the sweep queues it when the broker is back; 202, not an error to resend
        return jsonify({"id": brief.id, **briefs.brief_progress(brief.id), "warning": warning}), 202
    return jsonify({"id": brief.id, **briefs.brief_progress(brief.id)}), 201


@bp.get("/briefs/<int:brief_id>")
@scope_required("posts:read")
def brief_progress(brief_id: int):
    brief = briefs.get_brief(brief_id)
    api_tokens.require_brand(g.api_token, brief.brand_id, what=f"没有简报 #{brief_id}")
    return jsonify(briefs.brief_progress(brief_id))


@bp.get("/posts/<int:post_id>")
@scope_required("posts:read")
def get_post(post_id: int):
    post = posts.get_post(post_id)
    api_tokens.require_brand(g.api_token, post.brief.brand_id, what=f"没有帖子 #{post_id}")
    revision = post.current_revision
    return jsonify({"id": post.id, "status": post.status, "segment": post.segment.slug, "error": post.error or None,
                    "revision": revision.number if revision else None, "body": revision.body if revision else "",
                    "html": markdown_to_safe_html(revision.body) if revision else "",
                    "citations": revision.citations if revision else []})


@bp.post("/brands/<slug>/orders")
def record_order(slug: str):
    """An order from the brand's shop; the signature, not an API token, says the shop sent it."""
    brand = brand_by_slug(slug)
    signature = request.headers.get(conversions.SIGNATURE_HEADER, "")
    if not conversions.signature_matches(brand, request.get_data(cache=True), signature):
        return jsonify({"error": f"missing or wrong {conversions.SIGNATURE_HEADER}, or no order webhook secret "
                                 "is set for this brand"}), 401
    result = conversions.record_order(brand, json_object())
    return jsonify(result), 200 if result["duplicate"] else 201
