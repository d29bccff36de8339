"""Brands are workspaces: who is a member of which brand, in which role, and the one check every service
makes before touching a brand's records."""
from __future__ import annotations

from flask import g, has_app_context

from studio import accounts, audit
from studio.errors import Forbidden, InvalidInput, NotFound
from studio.extensions import db
from studio.models import ROLES, Brand, Membership, User

ROLE_NAMES = {"editor": "内容编辑", "reviewer": "审核员", "admin": "品牌管理员"}


def require(actor: User, brand_id: int, *roles: str, what: str = "") -> str:
    """The actor's role in the brand, when it is one of the roles (a brand admin holds all).

    A brand the actor is not a member of answers NotFound, exactly like an id that does not exist, so ids
    of other brands tell nothing; a member without the role gets Forbidden."""
    role = actor.role_in(brand_id) if actor is not None else None
    if role is None:
        raise NotFound(what or "没有这条记录")
    if roles and role != "admin" and role not in roles:
        raise Forbidden("需要{}权限 / needs the {} role in this brand".format(
            "或".join(ROLE_NAMES.get(r, r) for r in roles), " or ".join(roles)))
    return role


def require_site_admin(actor: User | None) -> None:
    if actor is None or not actor.is_site_admin:
        raise Forbidden("只有站点管理员可以管理用户 / only a site admin manages users")


def visible(actor: User, column):
    """A WHERE clause limiting a query's brand column to the brands the actor may see."""
    brand_ids = actor.brand_ids()
    return column.is_not(None) if brand_ids is None else column.in_(brand_ids or [-1])


# The person a web request or an API call acts for. Every lookup of a brand's records checks it, so an id
# from another brand answers 404 whichever page or route asked; the command line and the workers act for
# the studio itself and set nobody.
def act_as(user: User | None) -> None:
    g.studio_actor = user


def current_actor() -> User | None:
    return g.get("studio_actor") if has_app_context() else None


def check(brand_id: int | None, *roles: str, what: str = "") -> None:
    """require() for the current actor, when there is one."""
    actor = current_actor()
    if actor is not None:
        require(actor, brand_id, *roles, what=what)


def scope(query, brand_column):
    """The query limited to the brands the current actor may see (unchanged when nobody acts)."""
    actor = current_actor()
    return query if actor is None else query.where(visible(actor, brand_column))


def user_named(username: str) -> User:
    """The user with that name, or NotFound naming it."""
    user = accounts.get_user_by_name(username)
    if user is None:
        raise NotFound(f"没有用户 {username!r} / unknown user {username!r}")
    return user


def brand_named(slug: str) -> Brand:
    """The brand with that slug, or NotFound naming it; who may see it is the caller's to check."""
    brand = db.session.scalar(db.select(Brand).where(Brand.slug == slug))
    if brand is None:
        raise NotFound(f"没有品牌 {slug!r} / unknown brand {slug!r}")
    return brand


def add_member(username: str, brand_slug: str, role: str, granted_by: User | None = None) -> Membership:
    """Make the user a member of the brand with the role, or change their role there.

    ``granted_by`` is None for the command line (the operator of the machine); a person must be the brand's
    admin, and can never grant more than they hold."""
    if role not in ROLES:
        raise InvalidInput(f"未知角色 {role!r}：应为 {', '.join(ROLES)} 之一")
    user, brand = user_named(username), brand_named(brand_slug)
    if granted_by is not None:
        require(granted_by, brand.id, "admin", what=f"没有品牌 {brand_slug!r}")
    if user.is_site_admin:
        raise InvalidInput(f"{username} 是站点管理员，已能管理所有品牌")
    membership = next((m for m in user.memberships if m.brand_id == brand.id), None)
    if membership is None:
        membership = Membership(user_id=user.id, brand_id=brand.id, role=role)
        user.memberships.append(membership)
    before = membership.role if membership.id else None
    membership.role = role
    audit.record("member.add" if before is None else "member.role", actor_id=granted_by.id if granted_by else None,
                 brand_id=brand.id, detail=f"{username}: {before or '-'} → {role}")
    db.session.commit()
    return membership


def remove_member(username: str, brand_slug: str, removed_by: User | None = None) -> bool:
    """End the user's membership of the brand; False when they were not a member."""
    user, brand = user_named(username), brand_named(brand_slug)
    if removed_by is not None:
        require(removed_by, brand.id, "admin", what=f"没有品牌 {brand_slug!r}")
    membership = next((m for m in user.memberships if m.brand_id == brand.id), None)
    if membership is None:
        return False
    user.memberships.remove(membership)
    audit.record("member.remove", actor_id=removed_by.id if removed_by else None, brand_id=brand.id,
                 detail=f"{username}: {membership.role} → -")
    db.session.commit()
    return True


def members_of(brand_id: int) -> list[Membership]:
    return db.session.scalars(db.select(Membership).where(Membership.brand_id == brand_id)
                              .join(User).order_by(User.username)).all()


def memberships_of(username: str) -> list[tuple[str, str]]:
    """(brand slug, role) of each brand the user is a member of."""
    user = user_named(username)
    rows = db.session.execute(db.select(Brand.slug, Membership.role).join(Membership, Membership.brand_id == Brand.id)
                              .where(Membership.user_id == user.id).order_by(Brand.slug)).all()
    return [(slug, role) for slug, role in rows]
