"""The API's description, brands, knowledge search, briefs, and the shop's signed order webhook."""
from __future__ import annotations

from flask import current_app, g, jsonify, request

from studio import api_tokens
from studio.api import bp, error_response, json_object, public, scope_required, token_required
from studio.api.schemas import BrandOut, BriefBody, BriefPath, BriefProgress, BrandPath, SearchQuery
from studio.brands import kits
from studio.drafting import briefs
from studio.links import conversions
from studio.links.analytics import brand_by_slug



@bp.get("/openapi.json", summary="This document: every route, its bodies, security and scope")
@public
def openapi():
    return jsonify(current_app.api_doc)


@bp.get("/brands", summary="The brands this token reaches", responses={200: BrandOut})
@token_required
def list_brands():
    """The brands this token reaches: its own brand, or every brand its user is a member of."""
    return jsonify([BrandOut(slug=b.slug, name=b.name, timezone=b.timezone).model_dump()
                    for b in api_tokens.reachable_brands(g.api_token)])


# Headers are Latin-1: the notice is in English; the hits' "language_mismatch" says the same to any client.
LANGUAGE_NOTICE = ("The brand's knowledge is in Chinese and most of this query's English words are not "
                   "in it: these hits are unlikely to mean anything. Search in Chinese.")


@bp.get("/brands/<slug>/search", summary="Hybrid knowledge search",
        description="Hits, best first; each carries query_language and knowledge_language (zh, en or empty) and "
                    "language_mismatch, true when the query is in Latin letters the brand's Chinese knowledge "
                    "mostly does not have. The header X-Search-Notice then says so too.",
        responses={200: {"description": "hits, best first, each flagged with the languages",
                         "headers": {"X-Search-Notice": {
                             "description": "set when the query is not in the knowledge's language",
                             "schema": {"type": "string"}}},
                         "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}}}})
@scope_required("knowledge:read")
def search(path: BrandPath, query: SearchQuery):
    api_tokens.brand_for(g.api_token, path.slug)
    hits = kits.search_knowledge(path.slug, query.q, k=min(max(query.k or 5, 1), 100))
    language = kits.search_language(path.slug, query.q)
    flags = {key: language[key] for key in ("query_language", "knowledge_language", "language_mismatch")}
    response = jsonify([{**hit, **flags} for hit in hits])
    if language["language_mismatch"]:
        response.headers["X-Search-Notice"] = LANGUAGE_NOTICE
    return response


@bp.post("/briefs", summary="Create a brief; one variant per segment is drafted on the workers (editor)",
         responses={201: BriefProgress, 202: BriefProgress})
@scope_required("posts:write")
def create_brief(body: BriefBody):
    brief_input = briefs.BriefInput(
        brand=body.brand, persona=body.persona, channel=body.channel, segments=briefs.parse_list(body.segments),
        key_message=body.key_message, goal=body.goal, products=briefs.parse_list(body.products))
    briefs.check_fields(brief_input)  # a field the database cannot store is named before the brand is looked up
    api_tokens.brand_for(g.api_token, brief_input.brand, "editor")
    brief = briefs.create_brief(brief_input, g.api_user.id)
    warning = briefs.start_drafting(brief.id)
    if warning:  # stored, not yet queued: the sweep queues it when the broker is back; 202, not an error to resend
        return jsonify({"id": brief.id, **briefs.brief_progress(brief.id), "warning": warning}), 202
    return jsonify({"id": brief.id, **briefs.brief_progress(brief.id)}), 201


@bp.get("/briefs/<int:brief_id>", summary="Drafting progress of a brief", responses={200: BriefProgress})
@scope_required("posts:read")
def brief_progress(path: BriefPath):
    brief = briefs.get_brief(path.brief_id)
    api_tokens.require_brand(g.api_token, brief.brand_id, what=f"没有简报 #{path.brief_id}")
    return jsonify({"id": brief.id, **briefs.brief_progress(path.brief_id)})


@bp.post("/brands/<slug>/orders", summary="An order from the brand's shop, attributed to its short link",
         description="Signed, not token-authenticated: the header X-Studio-Signature carries sha256=<hex "
                     "HMAC-SHA256 of the raw body under the brand's order webhook secret>. The body is a JSON "
                     "object: order_id and amount required; currency (CNY), ordered_at, token, landing_url, "
                     "coupon. Attribution: token, else landing_url (its click_ref parameter or a /l/<token> "
                     "path), else coupon. Each order_id counts once: 201 stored, 200 stored before.")
@public
def record_order(path: BrandPath):
    """An order from the brand's shop; the signature, not an API token, says the shop sent it."""
    brand = brand_by_slug(path.slug)
    signature = request.headers.get(conversions.SIGNATURE_HEADER, "")
    if not conversions.signature_matches(brand, request.get_data(cache=True), signature):
        return error_response(401, "bad_signature", f"missing or wrong {conversions.SIGNATURE_HEADER}, or no order "
                                                    "webhook secret is set for this brand")
    result = conversions.record_order(brand, json_object())
    return jsonify(result), 200 if result["duplicate"] else 201
