"""The embedded broker: kombu's SQLAlchemy transport, made fit for several processes starting at once.

- It polls its table every 0.1 s instead of every second. With one task prefetched per pool process, a
  worker that finds its queue empty sleeps a whole polling interval, so the 1 s default would cap a worker at
  about one task a second.
- Processes that start together on a fresh broker file race to create its tables and queue rows; the loser
  of either race reads what the winner wrote instead of dropping its connection.
- A broker file deleted or replaced under running processes is noticed within a second: each process opens
  the file now at that path, so a restarted worker and the ones still running share one queue again (the
  tasks the old file held are gone; the drafting sweep queues their jobs again). The deleted file's WAL and
  shared-memory files are moved aside before a new file is made (replayed into a new file they corrupt it),
  and the old connections are left open rather than closed: SQLite's last close deletes the WAL by its path,
  which by then is the new file's.
- ``python -m studio.embedded_broker check`` (run by `make run`) moves a corrupt broker file aside, with a note.

The transport is registered under the ``sqla`` scheme the default broker URL uses (``sqla+sqlite:///…``).
"""
import fcntl
import os
import sqlite3
import sys
import time
from datetime import datetime
from pathlib import Path

from kombu.transport import TRANSPORT_ALIASES
from kombu.transport import sqlalchemy as kombu_sqlalchemy
from sqlalchemy.exc import IntegrityError, OperationalError

POLLING_INTERVAL = 0.1
CREATE_ATTEMPTS = 5
IDENTITY_CHECK_EVERY_S = 1.0
SIDE_FILES = ("-wal", "-shm", "-journal")
# Engines on a deleted broker file, kept open for the life of the process (see the module's docstring).
_ABANDONED: list = []


def sqlite_path(url: str) -> Path | None:
    """The file of a ``sqla+sqlite:///…`` or ``sqlite:///…`` URL; None for any other broker."""
    for prefix in ("sqla+sqlite:///", "sqlalchemy+sqlite:///", "sqlite:///"):
        if url.startswith(prefix):
            rest = url[len(prefix):].split("?", 1)[0]
            return Path(rest) if rest and rest != ":memory:" else None
    return None


def _identity(path: Path | None) -> tuple[int, int] | None:
    try:
        stat = os.stat(path) if path else None
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino) if stat else None


def _prepare_file(path: Path | None) -> None:
    """Before a process opens the broker: when the file is missing, move a deleted file's leftovers aside and
    make the new file, one process at a time."""
    if path is None or path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if path.exists():
                return
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
            for suffix in SIDE_FILES:
                leftover = path.with_name(path.name + suffix)
                try:
                    leftover.rename(path.with_name(f"{path.name}.orphan-{stamp}{suffix}"))
                except FileNotFoundError:
                    pass
            connection = sqlite3.connect(path)
            try:
                connection.execute("PRAGMA journal_mode=WAL")
            finally:
                connection.close()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class Channel(kombu_sqlalchemy.Channel):
    _opened_identity = None
    _identity_checked_at = 0.0

    @property
    def session(self):
        self._reopen_if_replaced()
        session = kombu_sqlalchemy.Channel.session.fget(self)
        if self._opened_identity is None:
            self._opened_identity = _identity(self._path())
        return session

    def _open(self):
        _prepare_file(self._path())
        for attempt in range(CREATE_ATTEMPTS):
            try:
                return super()._open()
            except OperationalError:  # another process created the tables first ("already exists")
                if attempt == CREATE_ATTEMPTS - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))

    def _get_or_create(self, queue):
        try:
            return super()._get_or_create(queue)
        except IntegrityError:  # another process inserted this queue's row first
            self.session.rollback()
            return self.session.query(self.queue_cls).filter(self.queue_cls.name == queue).one()

    def _path(self) -> Path | None:
        return sqlite_path(self.connection.client.hostname or "")

    def _reopen_if_replaced(self) -> None:
        """Drop the connection to a broker file that was deleted or replaced, so the next use opens the new one."""
        now = time.monotonic()
        if self._session is None or now - self._identity_checked_at < IDENTITY_CHECK_EVERY_S:
            return
        self._identity_checked_at = now
        path = self._path()
        current = _identity(path) if path else None
        if path is None or (current is not None and current == self._opened_identity):
            return
        engine = self._session.get_bind()
        _ABANDONED.append((self._session, engine))  # left open: closing would delete the new file's WAL
        self._session, self._opened_identity = None, None
        host = self.connection.client.hostname
        cached = self._engines.get(host)
        if cached is not None and cached[0] is engine:  # not one another channel opened on the new file
            self._engines.pop(host, None)


class Transport(kombu_sqlalchemy.Transport):
    Channel = Channel
    polling_interval = POLLING_INTERVAL


def register() -> None:
    for scheme in ("sqla", "sqlalchemy"):
        TRANSPORT_ALIASES[scheme] = f"{__name__}:Transport"


def is_corrupt(path: Path) -> bool:
    """True when the file exists but SQLite cannot read it as a sound database."""
    if not path.exists() or path.stat().st_size == 0:
        return False
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            row = connection.execute("PRAGMA quick_check").fetchone()
        finally:
            connection.close()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):  # another process is writing: busy, not broken
            return False
        return True
    except sqlite3.DatabaseError:
        return True
    return not row or row[0] != "ok"


def set_aside_if_corrupt(path: Path) -> Path | None:
    """Move a corrupt broker file (and its journal files) aside so a fresh one is made; returns where it went."""
    if not is_corrupt(path):
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    for suffix in SIDE_FILES:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.rename(target.with_name(target.name + suffix))
    path.rename(target)
    return target


def configured_broker_path(environ=os.environ) -> Path | None:
    """The embedded broker's file as the studio's settings name it (CELERY_BROKER_URL, else the data folder)."""
    url = environ.get("CELERY_BROKER_URL")
    if url:
        return sqlite_path(url)
    return Path(environ.get("STUDIO_DATA_DIR") or "var").resolve() / "broker.sqlite3"


def main(argv: list[str]) -> int:
    if argv[:1] != ["check"]:
        print("usage: python -m studio.embedded_broker check", file=sys.stderr)
        return 2
    path = configured_broker_path()
    moved = set_aside_if_corrupt(path) if path else None
    if moved:
        print(f"消息队列文件已损坏，已移到 {moved}，将使用新的空队列；之前排队中的生成任务会被自动重新排队。\n"
              f"The broker file {path} was corrupt: moved to {moved}; a fresh one is made and waiting drafts "
              "are queued again.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
