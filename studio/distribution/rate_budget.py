"""Per-bot send budgets shared by every worker process and machine.

A budget belongs to a channel *target* (the bot's webhook URL, the chat id), not to a channel row, so two
channels pointing at the same bot share it. Each target has one or more sliding windows ("at most N sends
in any S seconds"); a send may go only when every window has room, and then it takes one slot in each.

- ``reserve(channel)`` returns 0.0 and consumes one slot in every window, or the seconds to wait before
  trying again (and consumes nothing).
- ``pause(channel, seconds)`` holds the whole target: until the pause ends, reserve returns at least what
  is left of it. Used when a platform answers with Retry-After or a rate-limit code.

Storage: Redis (sorted set per window, one Lua script per call, so it is atomic) when the Celery broker is
Redis, otherwise the studio database (table ``rate_budget``: one row per target and window holding the send
log, changed only by a conditional UPDATE on a version number, so two processes never both take the last
slot; works on SQLite and PostgreSQL). Times come from this machine's clock (``clock``), so machines that
share a budget should keep their clocks in sync (NTP).
"""
from __future__ import annotations

import hashlib
import json
import logging
import math
import random
import time
import uuid
from typing import Protocol

from flask import current_app
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from studio.extensions import db
from studio.models import RateBudget, utcnow

log = logging.getLogger(__name__)

Window = tuple[int, float]  # (sends allowed, per this many seconds)

# Published limits per bot / chat; webhook and sandbox have none unless a channel sets "rate_limits".
DEFAULT_LIMITS: dict[str, tuple[Window, ...]] = {
    "wecom": ((20, 60.0),),
    "dingtalk": ((20, 60.0),),
    "feishu": ((5, 1.0), (100, 60.0)),
    "slack": ((1, 1.0),),
    "telegram": ((20, 60.0),),
}
# A bare key / token in a channel's target means this URL; normalising lets a bare key and the full URL share.
TARGET_PREFIXES = {
    "wecom": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=",
    "dingtalk": "https://oapi.dingtalk.com/robot/send?access_token=",
    "feishu": "https://open.feishu.cn/open-apis/bot/v2/hook/",
}
PAUSE_WINDOW_MS = 0  # the database row of a target that holds its pause
CAS_ATTEMPTS = 40
BUSY_WAIT = 1.0  # what reserve answers when it could not get a consistent answer from the store
REDIS_PREFIX = "studio:rate:"

clock = time.time  # seconds since the epoch; tests replace it to move time forward


class ChannelLike(Protocol):
    type: str
    target: str
    settings: dict | None


# --------------------------------------------------------------------------------------------- limits


def limits_for(channel: ChannelLike) -> tuple[Window, ...]:
    """The channel's windows: its setting ``rate_limits: [[20, 60], ...]`` or the default of its type.

    An explicit empty list means unlimited; invalid entries are skipped with a warning.
    """
    settings = channel.settings or {}
    raw = settings.get("rate_limits")
    if raw is None:
        return DEFAULT_LIMITS.get(channel.type, ())
    windows: list[Window] = []
    for entry in raw if isinstance(raw, (list, tuple)) else [raw]:
        try:
            count, seconds = entry
            count, seconds = int(count), float(seconds)
        except (TypeError, ValueError):
            count, seconds = 0, 0.0
        if count < 1 or not (seconds > 0) or math.isinf(seconds):
            log.warning("ignoring invalid rate limit %r on a %s channel", entry, channel.type)
            continue
        windows.append((count, seconds))
    if not windows and raw:  # nothing usable: fall back rather than send unlimited by mistake
        return DEFAULT_LIMITS.get(channel.type, ())
    return tuple(sorted(set(windows), key=lambda w: w[1]))


def budget_key(channel: ChannelLike) -> str:
    """A stable id of the channel's target. Hashed: webhook URLs carry the bot's key, which is a credential."""
    target = (channel.target or "").strip()
    prefix = TARGET_PREFIXES.get(channel.type)
    if prefix and target and not target.startswith(("http://", "https://")):
        target = prefix + target
    elif channel.type == "telegram":
        target = "telegram:" + target
    elif channel.type == "sandbox":
        target = "sandbox:" + target
    return hashlib.sha256(target.encode()).hexdigest()[:40]


def _window_ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))


# ----------------------------------------------------------------------------------------------- API


def reserve(channel: ChannelLike) -> float:
    """0.0 if a send to this channel's target may go now (one slot taken in every window), else seconds to wait."""
    return get_backend().reserve(budget_key(channel), limits_for(channel))


def pause(channel: ChannelLike, seconds: float) -> None:
    """Hold every send to this channel's target for ``seconds`` (a longer pause already set is kept)."""
    try:
        seconds = float(seconds)
    except (TypeError, ValueError):
        return
    if not seconds > 0 or math.isinf(seconds):
        return
    get_backend().pause(budget_key(channel), seconds)


def get_backend(app=None) -> RedisBudget | DatabaseBudget:
    """One backend per app: Redis when the Celery broker is Redis (same URL), otherwise the database."""
    app = app or current_app._get_current_object()
    backend = app.extensions.get("studio_rate_budget")
    if backend is None:
        broker = str((app.config.get("CELERY") or {}).get("broker_url") or "")
        backend = RedisBudget(broker) if broker.startswith(("redis://", "rediss://")) else DatabaseBudget()
        app.extensions["studio_rate_budget"] = backend
    return backend


def _wait_for(stamps: list[float], limit: int, window: float, now: float) -> float:
    """Seconds until a window holding these send times (all within the window) has room for one more."""
    if len(stamps) < limit:
        return 0.0
    stamps = sorted(stamps)
    # The oldest len - limit + 1 sends must leave the window; the last of them decides.
    return max(0.0, stamps[len(stamps) - limit] + window - now)


# --------------------------------------------------------------------------------------------- Redis

# KEYS[1] pause key, KEYS[2..] one sorted set per window. ARGV[1] now (ms), ARGV[2] member,
# then per window: limit, window (ms). Returns 0 (slot taken in every window) or the wait in ms.
_RESERVE_LUA = """
local now = tonumber(ARGV[1])
local wait = 0
local paused = redis.call('GET', KEYS[1])
if paused then
  local left = tonumber(paused) - now
  if left > wait then wait = left end
end
for i = 2, #KEYS do
  local limit = tonumber(ARGV[2 * i - 1])
  local span = tonumber(ARGV[2 * i])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - span)
  local count = redis.call('ZCARD', KEYS[i])
  if count >= limit then
    local oldest = redis.call('ZRANGE', KEYS[i], count - limit, count - limit, 'WITHSCORES')
    local left = tonumber(oldest[2]) + span - now
    if left > wait then wait = left end
  end
end
if wait > 0 then return math.ceil(wait) end
for i = 2, #KEYS do
  redis.call('ZADD', KEYS[i], now, ARGV[2])
  redis.call('PEXPIRE', KEYS[i], ARGV[2 * i])
end
return 0
"""

# KEYS[1] pause key. ARGV[1] pause end (ms since epoch), ARGV[2] pause length (ms). Keeps the later end.
_PAUSE_LUA = """
local ends = tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if ends > current then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return 1
"""


class RedisBudget:
    """Sliding-window logs in Redis sorted sets, checked and updated by one Lua script per call."""

    def __init__(self, url: str):
        import redis

        self.url = url
        self.client = redis.Redis.from_url(url)
        self._reserve = self.client.register_script(_RESERVE_LUA)
        self._pause = self.client.register_script(_PAUSE_LUA)

    def reserve(self, key: str, windows: tuple[Window, ...]) -> float:
        now_ms = clock() * 1000.0
        keys = [f"{REDIS_PREFIX}{key}:pause"] + [f"{REDIS_PREFIX}{key}:{_window_ms(s)}" for _, s in windows]
        args: list = [repr(now_ms), f"{now_ms:.3f}-{uuid.uuid4().hex[:12]}"]
        for limit, seconds in windows:
            args += [limit, _window_ms(seconds)]
        wait_ms = int(self._reserve(keys=keys, args=args))
        return wait_ms / 1000.0

    def pause(self, key: str, seconds: float) -> None:
        ends_ms = math.ceil(clock() * 1000.0 + seconds * 1000.0)
        self._pause(keys=[f"{REDIS_PREFIX}{key}:pause"], args=[ends_ms, max(1, math.ceil(seconds * 1000))])


# ------------------------------------------------------------------------------------------ database


class DatabaseBudget:
    """Sliding-window logs in the ``rate_budget`` table, changed by compare-and-swap on a version number.

    Works on its own connection and transaction, never the caller's session, so a budget check neither
    commits nor rolls back the caller's work.
    """

    def reserve(self, key: str, windows: tuple[Window, ...]) -> float:
        spans = [_window_ms(seconds) for _, seconds in windows]
        wanted = [PAUSE_WINDOW_MS] + spans
        for attempt in range(CAS_ATTEMPTS):
            now = clock()
            with db.engine.connect() as conn:
                rows = {row.window_ms: row for row in conn.execute(
                    select(RateBudget).where(RateBudget.target_key == key,
                                             RateBudget.window_ms.in_(wanted)))}
                conn.rollback()  # end the read: the writes below start a fresh transaction
                pause_row = rows.get(PAUSE_WINDOW_MS)
                wait = max(0.0, (pause_row.paused_until or 0.0) - now) if pause_row is not None else 0.0
                if not windows:
                    return wait
                missing = [span for span in spans if span not in rows]
                if missing:
                    self._create_rows(conn, key, missing)
                    continue
                logs = {}
                for (limit, seconds), span in zip(windows, spans):
                    stamps = [t for t in json.loads(rows[span].hits or "[]") if t > now - seconds]
                    wait = max(wait, _wait_for(stamps, limit, seconds, now))
                    logs[span] = stamps
                if wait > 0:
                    return wait
                taken = True
                for span in sorted(spans):  # one order everywhere, so two writers never deadlock
                    changed = conn.execute(
                        update(RateBudget).where(RateBudget.target_key == key, RateBudget.window_ms == span,
                                                 RateBudget.version == rows[span].version)
                        .values(hits=json.dumps(logs[span] + [now]), version=RateBudget.version + 1,
                                updated_at=utcnow())).rowcount
                    if changed != 1:
                        taken = False
                        break
                if taken:
                    conn.commit()
                    return 0.0
                conn.rollback()  # someone else changed a window first: look again
            time.sleep(random.uniform(0.001, 0.005 * (attempt + 1)))
        log.warning("rate budget for %s stayed contended after %d tries", key[:8], CAS_ATTEMPTS)
        return BUSY_WAIT

    def pause(self, key: str, seconds: float) -> None:
        for attempt in range(CAS_ATTEMPTS):
            ends = clock() + seconds
            with db.engine.connect() as conn:
                row = conn.execute(select(RateBudget).where(RateBudget.target_key == key,
                                                            RateBudget.window_ms == PAUSE_WINDOW_MS)).first()
                conn.rollback()
                if row is None:
                    self._create_rows(conn, key, [PAUSE_WINDOW_MS])
                    continue
                if (row.paused_until or 0.0) >= ends:
                    return
                changed = conn.execute(
                    update(RateBudget).where(RateBudget.target_key == key, RateBudget.window_ms == PAUSE_WINDOW_MS,
                                             RateBudget.version == row.version)
                    .values(paused_until=ends, version=RateBudget.version + 1, updated_at=utcnow())).rowcount
                conn.commit()
                if changed == 1:
                    return
            time.sleep(random.uniform(0.001, 0.005 * (attempt + 1)))
        log.warning("could not record a pause for %s after %d tries", key[:8], CAS_ATTEMPTS)

    @staticmethod
    def _create_rows(conn, key: str, spans: list[int]) -> None:
        """Insert empty rows; a row another process inserted meanwhile is fine."""
        for span in spans:
            try:
                conn.execute(insert(RateBudget).values(target_key=key, window_ms=span, hits="[]", version=0,
                                                       paused_until=None, updated_at=utcnow()))
                conn.commit()
            except IntegrityError:
                conn.rollback()
