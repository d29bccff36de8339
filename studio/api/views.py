"""Records as the API shows them: plain values for the response models."""
from __future__ import annotations

from datetime import datetime

from studio.models import Delivery, Post, Revision
from studio.rendering import markdown_to_safe_html


def stamp(moment: datetime | None) -> str | None:
    """A UTC time as ISO 8601 with Z."""
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


def post_summary(post: Post) -> dict:
    revision = post.current_revision
    return {"id": post.id, "brief_id": post.brief_id, "status": str(post.status), "segment": post.segment.slug,
            "revision": revision.number if revision else None, "revision_id": post.current_revision_id,
            "approved_revision_id": post.approved_revision_id, "updated_at": stamp(post.updated_at)}


def post_detail(post: Post) -> dict:
    revision = post.current_revision
    return {**post_summary(post), "error": post.error or None, "body": revision.body if revision else "",
            "html": markdown_to_safe_html(revision.body) if revision else "",
            "citations": list(revision.citations or []) if revision else []}


def revision_dict(revision: Revision) -> dict:
    return {"id": revision.id, "number": revision.number, "body": revision.body, "note": revision.note or "",
            "author": revision.author.username if revision.author else None,
            "citations": list(revision.citations or []), "poster_id": revision.poster_id,
            "created_at": stamp(revision.created_at)}


def delivery_dict(delivery: Delivery) -> dict:
    return {"id": delivery.id, "post_id": delivery.post_id, "revision_id": delivery.revision_id,
            "channel": delivery.channel.slug, "channel_name": delivery.channel.name, "status": str(delivery.status),
            "due_at": stamp(delivery.due_at), "sent_at": stamp(delivery.sent_at), "attempts": delivery.attempts or 0}
