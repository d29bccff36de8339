"""A brand's tracked short links and what each breakdown of its deliveries did."""
from __future__ import annotations

from flask import current_app, g, jsonify

from studio import api_tokens
from studio.api import bp, page, scope_required
from studio.api.schemas import BrandPath, BreakdownOut, BreakdownQuery, LinkBody, LinkCreated, LinkPage, PageQuery
from studio.links import analytics
from studio.links.manual import make_link


@bp.get("/brands/<slug>/links", summary="A brand's short links with their clicks, by token",
        responses={200: LinkPage})
@scope_required("analytics:read")
def list_links(path: BrandPath, query: PageQuery):
    api_tokens.brand_for(g.api_token, path.slug)
    rows = analytics.link_stats(path.slug, current_app.config["STUDIO_BASE_URL"])
    return jsonify(page(rows, lambda row: (row["token"],), query.limit, query.cursor))


@bp.post("/brands/<slug>/links", summary="Make a tracked short link for a segment, group or post (editor)",
         responses={201: LinkCreated})
@scope_required("posts:write")
def create_link(path: BrandPath, body: LinkBody):
    api_tokens.brand_for(g.api_token, path.slug, "editor")
    result = make_link(path.slug, body.url, current_app.config["STUDIO_BASE_URL"], segment=body.segment,
                       group=body.group, post_id=body.post_id, coupon=body.coupon)
    return jsonify(result), 201


@bp.get("/brands/<slug>/analytics", summary="Deliveries, reach, clicks, rates and orders by one breakdown",
        description="Rows whose reach is at least the minimum come first, best lower bound first; a report, "
                    "given whole.", responses={200: BreakdownOut})
@scope_required("analytics:read")
def breakdown(path: BrandPath, query: BreakdownQuery):
    api_tokens.brand_for(g.api_token, path.slug)
    rows = analytics.analytics(path.slug, query.by, current_app.config["STUDIO_MIN_REACH"])
    return jsonify({"by": query.by, "rows": rows})
