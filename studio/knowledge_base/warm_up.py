"""Loading the knowledge index, jieba and the brands' words when a process starts, not at its first search.

A process's first search used to pay for opening Chroma, reading each BM25 file, teaching jieba the brand's
words and building jieba's dictionary: more than a second on an idle machine, about 11 s on a busy one.
"""
from __future__ import annotations

import gc
import logging
import os
import threading
import time

from flask import Flask

from studio.config import env_flag
from studio.extensions import db
from studio.knowledge_base.index import get_index, index_errors
from studio.models import Brand

log = logging.getLogger(__name__)


def warm_up_index(brand_slug: str | None = None) -> dict[str, float]:
    """Run one search per brand (or for one brand) in the current app context; seconds per brand, by slug.

    A brand whose index cannot be searched (built by another embedder, never imported) is skipped: its
    first real search gives the reason to the person who asked."""
    from knowledge.bm25 import tokenize

    tokenize("预热")  # jieba's dictionary, also when no brand has an index yet
    timings = {}
    slugs = db.select(Brand.slug).order_by(Brand.slug)
    if brand_slug is not None:
        slugs = slugs.where(Brand.slug == brand_slug)
    for slug in db.session.scalars(slugs):
        started = time.perf_counter()
        try:
            with index_errors():
                get_index().warm_up(slug)
        except Exception as exc:  # noqa: BLE001  a warm-up never stops a process from starting
            log.warning("knowledge warm-up skipped brand %s: %s", slug, exc)
            continue
        timings[slug] = time.perf_counter() - started
    db.session.remove()
    return timings


def start_in_background(app: Flask, *also) -> threading.Thread:
    """Warm the index (and run each of `also`) in a daemon thread inside an app context of `app`."""
    def run() -> None:
        started = time.perf_counter()
        with app.app_context():
            try:
                timings = warm_up_index()
            except Exception as exc:  # noqa: BLE001  e.g. a database not migrated yet
                log.warning("knowledge warm-up failed: %s", exc)
                timings = {}
            for step in also:
                try:
                    step()
                except Exception as exc:  # noqa: BLE001
                    log.warning("warm-up step %s failed: %s", getattr(step, "__name__", step), exc)
        # jieba's dictionary and the index are millions of long-lived objects: out of the collector's way,
        # a burst of requests does not pay for walking them again and again.
        gc.collect()
        gc.freeze()
        log.info("warm-up done in %.2f s (%d brands)", time.perf_counter() - started, len(timings))

    thread = threading.Thread(target=run, name="knowledge-warm-up", daemon=True)
    thread.start()
    return thread


def init_app(app: Flask, *also) -> None:
    """Start the warm-up with the app when STUDIO_WARM_UP is on (a setting, or the environment).

    Meant for processes that serve (`make run`'s web app, gunicorn without --preload): the thread starts
    at once, so the index is ready before anyone has logged in. Off for commands and tests."""
    enabled = app.config.get("STUDIO_WARM_UP")
    if enabled is None:
        enabled = env_flag(os.environ, "STUDIO_WARM_UP")
    if enabled:
        start_in_background(app, *also)
