"""A local Chroma folder that several processes share: one writer at a time, readers reopen after a write.

A PersistentClient keeps each collection's vector segment in memory, and chromadb hands every new client
on the same path the System it cached first. So a process that opened the folder never sees what another
process wrote since: its queries miss the new chunks or fail with "Error finding id", and its own next
write could persist its outdated segment over the other's. Here every write holds an exclusive file lock,
reopens the folder when another process wrote since it was opened, and bumps a stamp file when it ends;
every read holds a shared lock and reopens when the stamp has moved.
"""
from __future__ import annotations

import fcntl
import os
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator



class FileLock:
    """An inter-process lock on a file (flock), shared or exclusive; re-entrant within a thread.

    Every acquisition opens the file anew, so threads of one process exclude each other as processes do.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._held = threading.local()

    @property
    def held(self) -> str | None:
        """"shared" or "exclusive" when this thread holds the lock, else None."""
        return getattr(self._held, "mode", None)

    @contextmanager
    def shared(self) -> Iterator[bool]:
        """Hold the lock shared; yields True when this call took it (not already held by this thread)."""
        with self._acquire("shared") as outermost:
            yield outermost

    @contextmanager
    def exclusive(self) -> Iterator[bool]:
        """Hold the lock alone; yields True when this call took it (not already held by this thread)."""
        with self._acquire("exclusive") as outermost:
            yield outermost

    @contextmanager
    def _acquire(self, mode: str) -> Iterator[bool]:
        if self.held == "exclusive" or (self.held == "shared" and mode == "shared"):
            yield False
            return
        if self.held == "shared":
            raise RuntimeError(f"{self.path}: cannot take the lock exclusively while holding it shared")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX if mode == "exclusive" else fcntl.LOCK_SH)
            self._held.mode = mode
            try:
                yield True
            finally:
                self._held.mode = None
                fcntl.flock(handle, fcntl.LOCK_UN)


class SharedChromaFolder:
    """The Chroma client of a folder other processes also read and write; use it inside reading()/writing()."""

    def __init__(self, path: str | Path, open_client: Callable[[Path], object] | None = None):
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self._open_client = open_client or open_persistent_client
        # Beside the folder, not in it: the folder is Chroma's.
        self.lock = FileLock(self.path.with_name(self.path.name + ".lock"))
        self._stamp_path = self.path.with_name(self.path.name + ".version")
        self._client = None
        self._stamp: str | None = None
        self._reopen = threading.Lock()

    @property
    def client(self):
        """The client as last opened (opened now if never); inside reading()/writing() it is current."""
        with self._reopen:
            if self._client is None:
                self._open(self._read_stamp())
            return self._client

    @property
    def stamp(self) -> str:
        """The version of the folder's contents: changes after every write from any process."""
        return self._read_stamp()

    @contextmanager
    def reading(self):
        """The current client, with no write from any process until the block ends."""
        with self.lock.shared():
            yield self._current()

    @contextmanager
    def writing(self):
        """The current client, written by nobody else until the block ends; readers reopen afterwards."""
        with self.lock.exclusive() as outermost:
            try:
                yield self._current()
            finally:
                # Also after a failed write: whatever part of it landed, readers must not trust their copy.
                if outermost:
                    self._bump()

    def _current(self):
        with self._reopen:
            stamp = self._read_stamp()
            if self._client is None or stamp != self._stamp:
                self._open(stamp)
            return self._client

    def _open(self, stamp: str) -> None:
        _forget_cached_system(self.path)
        self._client = self._open_client(self.path)
        self._stamp = stamp

    def _read_stamp(self) -> str:
        try:
            return self._stamp_path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return ""

    def _bump(self) -> None:
        stamp = uuid.uuid4().hex
        tmp = self._stamp_path.with_name(f".{self._stamp_path.name}.{os.getpid()}.{threading.get_ident()}")
        tmp.write_text(stamp, encoding="ascii")
        os.replace(tmp, self._stamp_path)
        with self._reopen:
            self._stamp = stamp


def open_persistent_client(path: str | Path):
    """A Chroma PersistentClient at path with telemetry off."""
    import chromadb

    return chromadb.PersistentClient(path=str(path), settings=chromadb.Settings(anonymized_telemetry=False))


def _forget_cached_system(path: Path) -> None:
    """Make the next PersistentClient on path load the folder from disk instead of reusing this process's copy.

    Only this path's entry is dropped: clients of other folders in the process keep theirs. The old System
    is not stopped, since a caller may still hold a collection of it; it goes when the last one does.
    """
    from chromadb.api.client import SharedSystemClient

    cache = SharedSystemClient._identifier_to_system
    for identifier in [key for key in cache if _same_path(key, path)]:
        cache.pop(identifier, None)


def _same_path(identifier, path: Path) -> bool:
    try:
        return Path(str(identifier)).resolve() == path.resolve()
    except (OSError, ValueError):
        return False
