"""The site admin's users page: every account and its brands, a new account, a new password."""
from __future__ import annotations

from studio.brands import kits
from studio.extensions import db
from studio.models import User


def _user(app, name):
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == name))
        return None if user is None else (user.role, {m.brand.slug: m.role for m in user.memberships},
                                          user.session_epoch)


def test_a_site_admin_makes_a_member_of_a_brand_and_sees_everyone(app, users, demo_brand, client, auth):
    auth.login("admin")
    page = client.get("/admin/users").get_data(as_text=True)
    assert "editor2" in page and "茶韵山房" in page
    client.post("/admin/users", data={"username": "xiaoli", "password": "xiaoli-pass", "confirm": "xiaoli-pass",
                                      "brand": "chayun", "role": "reviewer"})
    assert _user(app, "xiaoli")[:2] == ("member", {"chayun": "reviewer"})
    fresh = app.test_client()
    assert fresh.post("/login", data={"username": "xiaoli", "password": "xiaoli-pass"}).status_code == 302
    assert fresh.get("/brands/chayun").status_code == 200


def test_a_new_password_signs_the_user_out_everywhere(app, users, demo_brand, client, auth):
    phone = app.test_client()
    phone.post("/login", data={"username": "editor", "password": "editor-pass-1"})
    assert phone.get("/").status_code == 200
    auth.login("admin")
    client.post("/admin/users/editor/password", data={"password": "brand-new-pass"})
    assert phone.get("/").status_code == 302  # the old session is over
    assert app.test_client().post("/login", data={"username": "editor",
                                                  "password": "brand-new-pass"}).status_code == 302


def test_bad_accounts_are_named_and_nothing_is_made(app, users, demo_brand, client, auth):
    auth.login("admin")
    for form, message in (({"username": "editor", "password": "long-pass-1", "confirm": "long-pass-1"}, "已被使用"),
                          ({"username": "new", "password": "long-pass-1", "confirm": "long-pass-2"}, "不一致"),
                          ({"username": "a b", "password": "long-pass-1", "confirm": "long-pass-1"}, "用户名"),
                          ({"username": "newbie", "password": "short", "confirm": "short"}, "8")):
        page = client.post("/admin/users", data=form, follow_redirects=True).get_data(as_text=True)
        assert message in page, form
    assert _user(app, "new") is None and _user(app, "newbie") is None and _user(app, "a b") is None


def test_brand_admins_and_members_cannot_manage_users(app, users, demo_brand, client, auth):
    from studio import memberships
    with app.app_context():
        memberships.add_member("editor2", "chayun", "admin")
        assert kits.get_brand("chayun")
    auth.login("editor2")
    assert client.get("/admin/users").status_code == 403
    assert client.post("/admin/users", data={"username": "sneaky", "password": "sneaky-pass",
                                             "confirm": "sneaky-pass", "site_admin": "1"}).status_code == 403
    assert client.post("/admin/users/admin/password", data={"password": "taken-over-1"}).status_code == 403
    assert _user(app, "sneaky") is None
    assert "/admin/users" not in client.get("/").get_data(as_text=True)
