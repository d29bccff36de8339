"""Users, roles, passwords and sessions (API tokens: studio.api_tokens)."""
from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from studio.errors import InvalidInput, StudioError
from studio.extensions import db
from studio.models import ROLES, LoginFailure, User, utcnow

USERNAME = re.compile(r"^[A-Za-z0-9_.-]{2,64}$")


def create_user(username: str, password: str, role: str) -> User:
    """Create a user, or reset the password and role of an existing one."""
    if not USERNAME.match(username or ""):
        raise InvalidInput("用户名只能包含字母、数字、点、下划线和连字符（2–64位）")
    if role not in ROLES + ("member",):  # editor, reviewer and member: a member of the brands given to them
        raise InvalidInput(f"未知角色 {role!r}：应为 {', '.join(ROLES)} 之一")
    if len(password or "") < 8:
        raise InvalidInput("密码至少需要8个字符")
    user = db.session.scalar(db.select(User).where(User.username == username))
    if user is None:
        user = User(username=username)
        db.session.add(user)
    if user.password_hash:
        end_sessions(user)  # a new password ends every session signed in with the old one
    user.password_hash = generate_password_hash(password)
    user.role = role
    db.session.commit()
    return user


def end_sessions(user: User) -> None:
    """End every session of the user, on every device: their ids carry the old epoch. Committed by the caller."""
    user.session_epoch = (user.session_epoch or 0) + 1


def user_for_session(session_id: str) -> User | None:
    """The user a session id names, while that session has not been ended."""
    user_id, _, epoch = (session_id or "").partition(":")
    if not user_id.isdigit() or not epoch.isdigit():
        return None  # also a session from before sessions could be ended: signed in again
    user = db.session.get(User, int(user_id))
    return user if user is not None and (user.session_epoch or 0) == int(epoch) else None


def ensure_user(username: str, password: str, role: str) -> User:
    """Create the user if missing; an existing user keeps the password they chose."""
    user = db.session.scalar(db.select(User).where(User.username == username))
    return user or create_user(username, password, role)


# Guessing passwords: an account locks for a while after a few wrong ones in a row; an address, after many
# (across accounts), so one address cannot walk through usernames either.
ACCOUNT_FAILURES, ADDRESS_FAILURES = 5, 20
FAILURE_WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)


class TooManyAttempts(StudioError):
    status = 429

    def __init__(self, minutes: int):
        self.minutes = minutes
        super().__init__(f"登录尝试次数过多，请 {minutes} 分钟后再试 / too many login attempts: try again in "
                         f"{minutes} minutes")


def login(username: str, password: str, address: str, secret: str) -> User | None:
    """authenticate(), unless the account or the address is locked out; a wrong password counts against
    both, a right one clears the account's count. Raises TooManyAttempts while locked."""
    keys = [_failure_key("user", (username or "").strip().lower()[:64], secret),
            _failure_key("addr", address or "", secret)]
    now = utcnow()
    rows = {row.key: row for row in db.session.scalars(db.select(LoginFailure).where(LoginFailure.key.in_(keys)))}
    locked = [row.locked_until for row in rows.values() if row.locked_until and row.locked_until > now]
    if locked:
        db.session.rollback()
        raise TooManyAttempts(max(1, -(-int((max(locked) - now).total_seconds()) // 60)))
    user = authenticate(username, password)
    if user is not None:
        if keys[0] in rows:
            db.session.delete(rows[keys[0]])
        db.session.commit()
        return user
    for key, limit in zip(keys, (ACCOUNT_FAILURES, ADDRESS_FAILURES)):
        row = rows.get(key)
        if row is None or now - row.window_start > FAILURE_WINDOW:
            row = rows[key] = db.session.merge(LoginFailure(key=key, failures=0, window_start=now))
        row.failures += 1
        if row.failures >= limit:
            row.locked_until, row.failures, row.window_start = now + LOCKOUT, 0, now
    try:
        db.session.commit()
    except IntegrityError:  # another request counted the first failure of this key at the same moment
        db.session.rollback()
    return None


def _failure_key(kind: str, value: str, secret: str) -> str:
    """A keyed digest: the table never holds an address, nor a username someone merely tried."""
    return kind + ":" + hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()[:64]


def authenticate(username: str, password: str) -> User | None:
    """The user these credentials name, or None; an unknown name costs the same hash as a wrong password,
    so answer times do not tell which usernames exist."""
    user = db.session.scalar(db.select(User).where(User.username == username))
    password_hash = user.password_hash if user else _unknown_user_hash()
    if check_password_hash(password_hash, password or "") and user:
        return user
    return None


@functools.cache
def _unknown_user_hash() -> str:
    return generate_password_hash(secrets.token_urlsafe(16))


def get_user_by_name(username: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.username == (username or "").strip()))


def list_users() -> list[User]:
    return db.session.scalars(db.select(User).order_by(User.username)).all()


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)
