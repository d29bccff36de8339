"""Users, roles, passwords and API tokens."""
from __future__ import annotations

import functools
import hashlib
import re
import secrets

from werkzeug.security import check_password_hash, generate_password_hash

from studio.errors import InvalidInput, NotFound
from studio.extensions import db
from studio.models import ROLES, User

USERNAME = re.compile(r"^[A-Za-z0-9_.-]{2,64}$")


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(username: str, password: str, role: str) -> User:
    """Create a user, or reset the password and role of an existing one."""
    if not USERNAME.match(username or ""):
        raise InvalidInput("用户名只能包含字母、数字、点、下划线和连字符（2–64位）")
    if role not in ROLES:
        raise InvalidInput(f"未知角色 {role!r}：应为 {', '.join(ROLES)} 之一")
    if len(password or "") < 8:
        raise InvalidInput("密码至少需要8个字符")
    user = db.session.scalar(db.select(User).where(User.username == username))
    if user is None:
        user = User(username=username)
        db.session.add(user)
    user.password_hash = generate_password_hash(password)
    user.role = role
    db.session.commit()
    return user


def ensure_user(username: str, password: str, role: str) -> User:
    """Create the user if missing; an existing user keeps the password they chose."""
    user = db.session.scalar(db.select(User).where(User.username == username))
    return user or create_user(username, password, role)


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


def issue_api_token(username: str) -> str:
    """Return a new API token for the user; only its digest is stored."""
    user = db.session.scalar(db.select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"没有用户 {username!r}")
    token = "cs_" + secrets.token_urlsafe(32)
    user.api_token_hash = _token_digest(token)
    db.session.commit()
    return token


def user_for_token(token: str) -> User | None:
    if not token:
        return None
    return db.session.scalar(db.select(User).where(User.api_token_hash == _token_digest(token)))


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)
