"""Clicks are written in groups: one transaction for every click that arrived meanwhile.

A burst of scans (a poster at an event, a post to 300 groups) would otherwise be one commit per click,
each waiting its turn for the database's write lock. Each redirect still waits until its own click is
committed, so an answered click is a counted click; a failed write fails every request of its group.
"""
from __future__ import annotations

import logging
import queue
import threading
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import DateTime, bindparam, func, insert, update
from sqlalchemy.dialects import postgresql, sqlite

from studio.extensions import db
from studio.models import LinkClick, LinkVisitor, ShortLink

log = logging.getLogger(__name__)
MAX_GROUP = 500
IDLE_SECONDS = 30.0  # a writer with nothing to do for this long stops; the next click starts another
WAIT_SECONDS = 30.0  # longest a request waits for its group's commit before it gives up


@dataclass
class Click:
    link_id: int
    at: object
    visitor: str  # "" for a robot
    bot: str
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None


class ClickRecorder:
    """One writer thread per app and process, started when a click arrives and stopped when idle."""

    def __init__(self, app):
        self.app = app
        self.pending: queue.Queue[Click] = queue.Queue()
        self.lock = threading.Lock()
        self.writer: threading.Thread | None = None

    def record(self, click: Click) -> None:
        """Queue the click and wait until it is committed; raise what stopped its group."""
        self.pending.put(click)
        self._ensure_writer()
        if not click.done.wait(WAIT_SECONDS):
            raise TimeoutError("the click was not written in time")
        if click.error is not None:
            raise click.error

    def _ensure_writer(self) -> None:
        with self.lock:
            if self.writer is None or not self.writer.is_alive():
                self.writer = threading.Thread(target=self._run, name="click-writer", daemon=True)
                self.writer.start()

    def _run(self) -> None:
        with self.app.app_context():
            engine = db.engine
        while True:
            try:
                first = self.pending.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                with self.lock:
                    if self.pending.empty():  # a click queued just now would otherwise wait for nobody
                        self.writer = None
                        return
                continue
            group = [first]
            while len(group) < MAX_GROUP:
                try:
                    group.append(self.pending.get_nowait())
                except queue.Empty:
                    break
            self._write(engine, group)

    def _write(self, engine, group: list[Click]) -> None:
        # A connection of the engine, not an ORM session: the writer runs a few fixed statements per group.
        try:
            with engine.begin() as connection:
                _count(connection, group)
        except Exception as exc:  # noqa: BLE001  every request of the group learns it was not counted
            log.warning("could not record %d clicks: %s", len(group), exc)
            for click in group:
                click.error = exc
        finally:
            for click in group:
                click.done.set()


def _count(connection, group: list[Click]) -> None:
    """The group's clicks, visitors and counters, in one transaction.

    Rows are touched in link and visitor order, so that two processes writing at once wait for each other
    rather than deadlock (PostgreSQL)."""
    new_visitors = set()
    pairs = sorted({(c.link_id, c.visitor) for c in group if not c.bot})
    if pairs:
        # One statement for the group; RETURNING names the visitors not seen on that link before.
        insert_visitors = (postgresql if connection.dialect.name == "postgresql" else sqlite).insert(LinkVisitor)
        new_visitors = set(connection.execute(
            insert_visitors.values([{"link_id": link_id, "visitor": visitor} for link_id, visitor in pairs])
            .on_conflict_do_nothing().returning(LinkVisitor.link_id, LinkVisitor.visitor)).all())
    unique = Counter(link_id for link_id, _visitor in new_visitors)
    counts = {}
    for click in group:
        people, robots, last = counts.get(click.link_id, (0, 0, None))
        counts[click.link_id] = (people + (0 if click.bot else 1), robots + (1 if click.bot else 0),
                                 click.at if not click.bot else last)
    connection.execute(COUNT, [{"link": link_id, "people": people, "unique": unique[link_id], "robots": robots,
                                "last": last} for link_id, (people, robots, last) in sorted(counts.items())])
    connection.execute(insert(LinkClick), [{"link_id": c.link_id, "at": c.at, "visitor": c.visitor,
                                            "bot": c.bot} for c in group])


# Executed with one set of parameters per link of the group, in id order; a group of robots only leaves the
# time of the last click by a person as it was.
COUNT = update(ShortLink).where(ShortLink.id == bindparam("link")).values(
    clicks=ShortLink.clicks + bindparam("people"), unique_clicks=ShortLink.unique_clicks + bindparam("unique"),
    bot_clicks=ShortLink.bot_clicks + bindparam("robots"),
    last_clicked_at=func.coalesce(bindparam("last", type_=DateTime), ShortLink.last_clicked_at))


def recorder(app) -> ClickRecorder:
    """The app's recorder in this process."""
    with _creation:
        found = app.extensions.get("click_recorder")
        if found is None:
            found = app.extensions["click_recorder"] = ClickRecorder(app)
        return found


_creation = threading.Lock()
