"""A brand's channels and groups: the directory filtered by an audience, and how many it reaches."""
from __future__ import annotations

from flask import g, jsonify

from studio import api_tokens
from studio.api import bp, page, scope_required
from studio.api.schemas import AudienceQuery, AudienceSize, BrandPath, GroupPage, GroupQuery
from studio.distribution import groups


@bp.get("/brands/<slug>/groups", summary="A brand's active groups, by slug; audience filters them",
        responses={200: GroupPage})
@scope_required("schedule")
def list_groups(path: BrandPath, query: GroupQuery):
    api_tokens.brand_for(g.api_token, path.slug)
    matched = groups.match_groups(path.slug, query.audience)
    return jsonify(page(matched, lambda c: (c.slug,), query.limit, query.cursor, dump=groups.group_dict))


@bp.get("/brands/<slug>/audience-size", summary="How many groups and members an audience reaches",
        responses={200: AudienceSize})
@scope_required("schedule")
def audience_size(path: BrandPath, query: AudienceQuery):
    api_tokens.brand_for(g.api_token, path.slug)
    return jsonify(groups.audience_size(groups.match_groups(path.slug, query.audience)))
