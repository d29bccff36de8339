"""The folders a channel may read files from: its brand kit's own folder, and nothing else on the server."""
from __future__ import annotations

import os
from pathlib import Path

from flask import has_app_context

from studio.extensions import db
from studio.models import Brand, Channel


def image_roots(channel_id: int | None = None) -> list[Path]:
    """The kit folder of the channel's brand; of every brand when the channel is not known yet.

    Outside the app there is no kit to read from, so no folder is allowed.
    """
    if not has_app_context():
        return []
    query = db.select(Brand.kit_path)
    if channel_id is not None:
        query = query.join(Channel, Channel.brand_id == Brand.id).where(Channel.id == channel_id)
    return [Path(path) for path in db.session.scalars(query) if path]


def locate_inside(path: str, roots: list[Path]) -> Path | None:
    """The real file a setting names, if it is a file inside one of the folders; None otherwise.

    A relative path is taken from each folder in turn. Symlinks and ../ are resolved before the check,
    so neither can lead outside.
    """
    raw = Path(path)
    real_roots = [Path(os.path.realpath(root)) for root in roots]
    candidates = [raw] if raw.is_absolute() else [root / raw for root in real_roots]
    for candidate in candidates:
        real = Path(os.path.realpath(candidate))
        if any(root in real.parents for root in real_roots) and real.is_file():
            return real
    return None
