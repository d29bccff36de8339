"""Every link in a post becomes a short link of the delivery that carries it, at send time.

A click then names the post (one segment's variant), the segment, the group and the channel type. The
destination gets UTM tags from a fixed vocabulary and keeps its own query string. A delivery sent again
reuses its links, so its clicks stay together.
"""
from __future__ import annotations

import re

from studio.errors import InvalidInput
from studio.extensions import db
from studio.links import check_destination, create_link, short_url
from studio.models import Delivery, ShortLink

UTM_MEDIUM = "community"
# An http(s) address up to whitespace, brackets, quotes or Chinese punctuation; Markdown's [text](url),
# <url> and bare addresses all contain one.
URL = re.compile(r"https?://[^\s<>()\[\]{}\"'`\u3000-\u303f\uff00-\uffef]+")
TRAILING = ".,;:!?*_~"


def delivery_utm(delivery: Delivery) -> dict:
    """utm_source: the channel type; medium: community; campaign: the brief; content: the segment."""
    post = delivery.post
    return {"utm_source": delivery.channel.type, "utm_medium": UTM_MEDIUM,
            "utm_campaign": f"brief-{post.brief_id}", "utm_content": post.segment.slug}


def tracked_bodies(deliveries: list[Delivery], bodies: dict[int, str], base_url: str) -> dict[int, str]:
    """Each delivery's text with its links replaced by its own short links, made where missing.

    Adds the new links to the session; the caller commits them with whatever it records next.
    """
    base = base_url.rstrip("/") + "/"
    wanted = {row.id: _addresses(bodies[row.id], base) for row in deliveries}
    if not any(wanted.values()):
        return dict(bodies)
    existing = {(link.delivery_id, link.destination): link for link in db.session.scalars(
        db.select(ShortLink).where(ShortLink.delivery_id.in_([i for i, urls in wanted.items() if urls])))}
    result = {}
    for row in deliveries:
        replacements = {}
        for url in wanted[row.id]:
            link = existing.get((row.id, url))
            if link is None:
                link = create_link(url, brand_id=row.channel.brand_id, utm=delivery_utm(row), post_id=row.post_id,
                                   segment_id=row.post.segment_id, channel_id=row.channel_id, delivery_id=row.id)
            replacements[url] = short_url(base_url, link.token)
        result[row.id] = _replace(bodies[row.id], replacements)
    return result


def _addresses(text: str, own_base: str) -> list[str]:
    """The distinct addresses a text links to, in order, leaving out the studio's own and unusable ones."""
    found = []
    for match in URL.finditer(text):
        url = match.group().rstrip(TRAILING)
        if url.startswith(own_base) or url in found:
            continue
        try:
            check_destination(url)
        except InvalidInput:
            continue  # left as written: the platform shows it, nobody is sent through the studio
        found.append(url)
    return found


def _replace(text: str, replacements: dict[str, str]) -> str:
    if not replacements:
        return text

    def swap(match: re.Match) -> str:
        url = match.group()
        core = url.rstrip(TRAILING)
        return replacements.get(core, core) + url[len(core):]

    return URL.sub(swap, text)
