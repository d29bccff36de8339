"""Rituals (recurring briefs) and the content calendar."""
from __future__ import annotations

from flask import g, jsonify

from studio import api_tokens
from studio.api import bp, field_error, page, scope_required
from studio.api.schemas import (
    BrandPath, CalendarPage, CalendarQuery, OccurrenceBody, OccurrenceOut, PageQuery, RitualActiveBody, RitualBody,
    RitualChangeBody, RitualOut, RitualPage, RitualPath)
from studio.calendar import items
from studio.rituals import service as rituals


@bp.get("/brands/<slug>/rituals", summary="A brand's rituals with their next occurrences, by slug",
        responses={200: RitualPage})
@scope_required("posts:read")
def list_rituals(path: BrandPath, query: PageQuery):
    api_tokens.brand_for(g.api_token, path.slug)
    return jsonify(page(rituals.list_rituals(path.slug), lambda r: (r["slug"],), query.limit, query.cursor))


@bp.post("/brands/<slug>/rituals", summary="Create a ritual (editor)", responses={201: RitualOut})
@scope_required("posts:write")
def create_ritual(path: BrandPath, body: RitualBody):
    api_tokens.brand_for(g.api_token, path.slug, "editor")
    ritual = rituals.create(rituals.RitualInput(brand=path.slug, **body.model_dump()), created_by_id=g.api_user.id)
    return jsonify(ritual), 201


@bp.patch("/brands/<slug>/rituals/<ritual_slug>", summary="Change the fields sent (editor)",
          responses={200: RitualOut})
@scope_required("posts:write")
def update_ritual(path: RitualPath, body: RitualChangeBody):
    api_tokens.brand_for(g.api_token, path.slug, "editor")
    return jsonify(rituals.update(path.slug, path.ritual_slug, body.model_dump(exclude_none=True)))


@bp.post("/brands/<slug>/rituals/<ritual_slug>/active", summary="Deactivate or activate a ritual again (editor)",
         responses={200: RitualOut})
@scope_required("posts:write")
def set_ritual_active(path: RitualPath, body: RitualActiveBody):
    api_tokens.brand_for(g.api_token, path.slug, "editor")
    return jsonify(rituals.set_active(path.slug, path.ritual_slug, body.active))


@bp.post("/brands/<slug>/rituals/<ritual_slug>/occurrence",
         summary="Skip, move or give its own brief to one occurrence (editor)", responses={200: OccurrenceOut})
@scope_required("posts:write")
def change_occurrence(path: RitualPath, body: OccurrenceBody):
    api_tokens.brand_for(g.api_token, path.slug, "editor")
    if body.action == "skip":
        row = rituals.change_occurrence(path.slug, path.ritual_slug, body.at, skip=True, actor_id=g.api_user.id)
    elif body.action == "move":
        if not body.move_to:
            raise field_error("move_to", "give the new time in move_to / 请填写新时间")
        row = rituals.change_occurrence(path.slug, path.ritual_slug, body.at, move_to=body.move_to)
    else:
        row = rituals.change_occurrence(path.slug, path.ritual_slug, body.at, brief=body.brief)
    return jsonify(row)


@bp.get("/brands/<slug>/calendar", summary="Calendar items from one day to another, in the brand's zone",
        responses={200: CalendarPage})
@scope_required("posts:read")
def calendar_items(path: BrandPath, query: CalendarQuery):
    api_tokens.brand_for(g.api_token, path.slug)
    found = items.calendar_items(path.slug, items.parse_day(query.from_), items.parse_day(query.to))
    return jsonify(page([item.to_dict() for item in found], lambda i: (i["start_utc"], i["uid"]), query.limit,
                        query.cursor))
