"""Invitations: a brand admin's link lets one person join the brand in a role, once, before it expires."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from studio import invitations, memberships
from studio.brands import kits
from studio.extensions import db
from studio.models import Invitation, User


def _link(page: str) -> str:
    return re.search(r'id="invitation-link" readonly value="[^"]*(/invite/[^"]+)"', page).group(1)


def _brand_admin(app, auth, client):
    with app.app_context():
        memberships.add_member("editor2", "chayun", "admin")
    auth.login("editor2")


def test_an_invited_person_makes_an_account_and_joins_in_the_role(app, users, demo_brand, client, auth):
    _brand_admin(app, auth, client)
    page = client.post("/brands/chayun/invitations", data={"role": "reviewer", "note": "新同事小王"})
    link = _link(page.get_data(as_text=True))
    auth.logout()
    newcomer = app.test_client()
    assert "审核员" in newcomer.get(link).get_data(as_text=True)
    joined = newcomer.post(link, data={"username": "xiaowang", "password": "xiaowang-pass", "confirm": "xiaowang-pass"})
    assert joined.status_code == 302 and joined.headers["Location"].endswith("/brands/chayun")
    assert newcomer.get("/brands/chayun").status_code == 200  # signed in, and a member
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == "xiaowang"))
        assert user.role_in(kits.get_brand("chayun").id) == "reviewer" and not user.is_site_admin
    # the link is spent: a second person gets the same 404 as an unknown link
    again = app.test_client().post(link, data={"username": "other", "password": "other-pass1", "confirm": "other-pass1"})
    assert again.status_code == 404
    assert app.test_client().get("/invite/" + "x" * 32).status_code == 404
    with app.app_context():
        assert db.session.scalar(db.select(User.id).where(User.username == "other")) is None


def test_a_signed_in_user_joins_with_their_account_and_keeps_a_higher_role(app, users, demo_brand, client, auth):
    with app.app_context():
        secret = invitations.invite("chayun", "editor", None)
        memberships.remove_member("reviewer", "chayun")
    auth.login("reviewer")
    assert client.post(f"/invite/{secret}").status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.username == "reviewer")).role_in(
            kits.get_brand("chayun").id) == "editor"
        memberships.add_member("editor2", "chayun", "admin")
        secret = invitations.invite("chayun", "reviewer", None)
    auth.logout()
    auth.login("editor2")
    client.post(f"/invite/{secret}")
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.username == "editor2")).role_in(
            kits.get_brand("chayun").id) == "admin"


@pytest.mark.parametrize("form, message", [
    ({"username": "editor", "password": "long-enough-1", "confirm": "long-enough-1"}, "已被使用"),
    ({"username": "new-one", "password": "short", "confirm": "short"}, "8"),
    ({"username": "new-one", "password": "long-enough-1", "confirm": "long-enough-2"}, "不一致"),
    ({"username": "<script>", "password": "long-enough-1", "confirm": "long-enough-1"}, "用户名"),
])
def test_a_bad_account_is_named_and_the_link_still_works(app, users, demo_brand, form, message):
    with app.app_context():
        secret = invitations.invite("chayun", "editor", None)
    client = app.test_client()
    answer = client.post(f"/invite/{secret}", data=form)
    assert answer.status_code == 400 and message in answer.get_data(as_text=True)
    assert "<script>" not in answer.get_data(as_text=True)
    with app.app_context():
        assert invitations.open_invitation(secret).accepted_at is None


def test_expired_and_withdrawn_links_are_404(app, users, demo_brand, client, auth):
    with app.app_context():
        expired = invitations.invite("chayun", "editor", None)
        row = db.session.scalar(db.select(Invitation).order_by(Invitation.id.desc()))
        row.expires_at -= timedelta(days=8)
        db.session.commit()
        withdrawn = invitations.invite("chayun", "editor", None)
        invitation_id = db.session.scalar(db.select(Invitation.id).order_by(Invitation.id.desc()))
    _brand_admin(app, auth, client)
    client.post(f"/brands/chayun/invitations/{invitation_id}/withdraw")
    for secret in (expired, withdrawn):
        assert app.test_client().get(f"/invite/{secret}").status_code == 404


def test_only_a_brand_admin_invites_and_never_into_another_brand(app, users, demo_brand, client, auth):
    auth.login("editor")
    assert client.post("/brands/chayun/invitations", data={"role": "admin"}).status_code == 403
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Invitation)) == 0
        memberships.add_member("editor2", "chayun", "admin")
        with pytest.raises(Exception):
            invitations.invite("chayun", "admin", db.session.scalar(db.select(User).where(User.username == "editor")))
