"""Posters kept with revisions: stored once, fetched by chat platforms at an unguessable address."""
from __future__ import annotations

import hashlib
import secrets

from studio.errors import NotFound
from studio.extensions import db
from studio.models import PosterImage
from studio.posters.service import MadePoster

EXTENSIONS = {"jpeg": "jpg", "webp": "webp"}
MEDIA_TYPES = {"jpeg": "image/jpeg", "webp": "image/webp"}


def store_poster(made: MadePoster, spec: dict, created_by_id: int | None) -> PosterImage:
    """Keep a rendered poster; added to the session and flushed, committed by the caller."""
    rendered = made.rendered
    poster = PosterImage(token=secrets.token_urlsafe(24), brand_id=made.brand_id, link_id=made.link_id,
                         format=rendered.format, width=rendered.width, height=rendered.height,
                         byte_size=len(rendered.data), md5=hashlib.md5(rendered.data).hexdigest(),
                         data=rendered.data, spec={**spec, "template": made.template}, qr_url=made.qr_url,
                         lines=rendered.lines, created_by_id=created_by_id)
    db.session.add(poster)
    db.session.flush()
    return poster


def poster_by_token(token: str) -> PosterImage:
    """The stored poster behind a public address; NotFound for anything else."""
    poster = None
    if 16 <= len(token) <= 64 and all(char.isalnum() or char in "-_" for char in token):
        poster = db.session.scalar(db.select(PosterImage).where(PosterImage.token == token))
    if poster is None:
        raise NotFound("没有这张海报 / no such poster")
    return poster


def poster_path(poster: PosterImage) -> str:
    """The path part of a poster's public address."""
    return f"/p/{poster.token}.{EXTENSIONS[poster.format]}"


def poster_url(base_url: str, poster: PosterImage) -> str:
    return base_url.rstrip("/") + poster_path(poster)
