"""Invitations: a brand admin makes a link that lets one person join the brand in a role, with an account
they make themselves or the one they have. The link's secret is kept only as a digest and works once."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from studio import accounts, audit, memberships
from studio.errors import InvalidInput, NotFound
from studio.extensions import db
from studio.models import ROLES, Invitation, User, utcnow

VALID_DAYS = 7


class InvitationSpent(NotFound):
    """Unknown, used, expired or withdrawn: one answer for all, so a link tells nothing about the others."""


def _digest(secret: str) -> str:
    return hashlib.sha256((secret or "").encode()).hexdigest()


def invite(brand_slug: str, role: str, invited_by: User | None, note: str = "", days: int = VALID_DAYS) -> str:
    """A new invitation's secret (for the link), shown once. A person must be the brand's admin, which holds
    every role, so nobody grants more than they have."""
    if role not in ROLES:
        raise InvalidInput(f"未知角色 {role!r}：应为 {', '.join(ROLES)} 之一")
    if not 1 <= days <= 30:
        raise InvalidInput("有效期应为 1 到 30 天 / an invitation lasts 1 to 30 days")
    brand = memberships.brand_named(brand_slug)
    if invited_by is not None:
        memberships.require(invited_by, brand.id, "admin", what=f"没有品牌 {brand_slug!r}")
    secret = secrets.token_urlsafe(24)
    db.session.add(Invitation(brand_id=brand.id, role=role, digest=_digest(secret), note=(note or "").strip()[:100],
                              invited_by_id=invited_by.id if invited_by else None,
                              expires_at=utcnow() + timedelta(days=days)))
    audit.record("member.invite", actor_id=invited_by.id if invited_by else None, brand_id=brand.id,
                 detail=f"{role}" + (f"：{note.strip()[:100]}" if (note or "").strip() else ""))
    db.session.commit()
    return secret


def open_invitation(secret: str) -> Invitation:
    """The invitation a link names, while it can still be used."""
    row = db.session.scalar(db.select(Invitation).where(Invitation.digest == _digest(secret)))
    if row is None or row.accepted_at or row.revoked_at or row.expires_at <= utcnow():
        raise InvitationSpent("邀请链接无效、已使用或已过期 / this invitation link is unknown, used or expired")
    return row


def accept(secret: str, user: User | None = None, *, username: str = "", password: str = "") -> User:
    """Join the brand: as the signed-in user, or with a new account made from username and password."""
    row = open_invitation(secret)
    if user is None:
        if db.session.scalar(db.select(User.id).where(User.username == (username or "").strip())):
            raise InvalidInput("这个用户名已被使用；已有账号请先登录再打开邀请链接 / the username is taken: "
                               "sign in first if it is yours")
        user = accounts.create_user((username or "").strip(), password, "member")
    if user.is_site_admin:
        raise InvalidInput("站点管理员已能管理所有品牌，无需接受邀请 / a site admin needs no invitation")
    # Claim the link before the membership: two tabs accepting at once cannot both succeed.
    claimed = db.session.execute(db.update(Invitation).where(
        Invitation.id == row.id, Invitation.accepted_at.is_(None)).values(
        accepted_at=utcnow(), accepted_by_id=user.id)).rowcount
    if not claimed:
        db.session.rollback()
        raise InvitationSpent("邀请链接无效、已使用或已过期 / this invitation link is unknown, used or expired")
    memberships.add_member(user.username, row.brand.slug, _kept_role(user, row))
    return user


def _kept_role(user: User, row: Invitation) -> str:
    """An invitation never lowers a role the person already holds in the brand."""
    held = user.role_in(row.brand_id)
    return "admin" if "admin" in (held, row.role) else row.role


def pending(brand_id: int) -> list[Invitation]:
    return db.session.scalars(db.select(Invitation).where(
        Invitation.brand_id == brand_id, Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None),
        Invitation.expires_at > utcnow()).order_by(Invitation.id.desc())).all()


def withdraw(brand_slug: str, invitation_id: int, actor: User | None) -> None:
    brand = memberships.brand_named(brand_slug)
    row = db.session.get(Invitation, invitation_id)
    if row is None or row.brand_id != brand.id:
        raise NotFound("没有这份邀请")
    if actor is not None:
        memberships.require(actor, brand.id, "admin", what="没有这份邀请")
    row.revoked_at = row.revoked_at or utcnow()
    audit.record("member.uninvite", actor_id=actor.id if actor else None, brand_id=brand.id, detail=row.role)
    db.session.commit()
