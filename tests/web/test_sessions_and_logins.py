"""Sessions that end when they should, and password guessing that locks an account or an address for a while.

No outer app context here: each request must load its user afresh, as it does when served."""
from __future__ import annotations

from datetime import timedelta

from studio import accounts
from studio.extensions import db
from studio.models import LoginFailure, User, utcnow
from tests.support.app import PASSWORDS


def signed_in(client) -> bool:
    return client.get("/").status_code == 200


def copy_session(source, target) -> None:
    cookie = source.get_cookie("session")
    target.set_cookie("session", cookie.value)


def test_logging_out_ends_the_session_everywhere_even_a_copied_cookie(app, users, auth, client):
    auth.login("editor")
    thief = app.test_client()
    copy_session(client, thief)
    assert signed_in(thief)

    auth.logout()

    assert not signed_in(client) and not signed_in(thief)
    assert thief.get("/").headers["Location"].startswith("/login")


def test_a_new_password_ends_every_session_signed_in_with_the_old_one(app, users, runner):
    laptop, phone = app.test_client(), app.test_client()
    for device in (laptop, phone):
        device.post("/login", data={"username": "reviewer", "password": PASSWORDS["reviewer"]})
    assert signed_in(laptop) and signed_in(phone)

    result = runner.invoke(args=["user", "create", "reviewer", "--role", "reviewer", "--password-stdin"],
                           input="a-new-password-1\n")

    assert result.exit_code == 0, result.output
    assert not signed_in(laptop) and not signed_in(phone)
    assert laptop.post("/login", data={"username": "reviewer", "password": "a-new-password-1"}).status_code == 302


def test_an_account_locks_after_five_wrong_passwords_even_against_the_right_one(app, users, client):
    wrong = [client.post("/login", data={"username": "admin", "password": f"guess-{n}"}) for n in range(5)]
    right = client.post("/login", data={"username": "admin", "password": PASSWORDS["admin"]})

    assert [answer.status_code for answer in wrong] == [200] * 5
    assert right.status_code == 429 and not signed_in(client)
    assert "登录尝试次数过多，请 15 分钟后再试" in right.get_data(as_text=True)
    other = app.test_client().post("/login", data={"username": "editor", "password": PASSWORDS["editor"]})
    assert other.status_code == 302  # another account is not locked by it

    with app.app_context():
        for row in db.session.scalars(db.select(LoginFailure)):
            assert "admin" not in row.key and "127.0.0.1" not in row.key  # digests, not names or addresses
            if row.locked_until:
                row.locked_until = utcnow() - timedelta(seconds=1)  # the lockout has passed
        db.session.commit()
    assert client.post("/login", data={"username": "admin", "password": PASSWORDS["admin"]}).status_code == 302


def test_one_address_guessing_across_accounts_is_stopped_too(app, users):
    guesser = app.test_client()
    answers = [guesser.post("/login", data={"username": f"user{n}", "password": "123456"}) for n in range(20)]
    then = guesser.post("/login", data={"username": "editor", "password": PASSWORDS["editor"]})
    elsewhere = app.test_client().post("/login", data={"username": "editor", "password": PASSWORDS["editor"]},
                                       environ_base={"REMOTE_ADDR": "203.0.113.9"})

    assert {answer.status_code for answer in answers} == {200}
    assert then.status_code == 429
    assert elsewhere.status_code == 302


def test_a_right_password_clears_the_accounts_count(app, users, client):
    for n in range(4):
        client.post("/login", data={"username": "editor", "password": f"guess-{n}"})
    client.post("/login", data={"username": "editor", "password": PASSWORDS["editor"]})
    client.post("/logout")
    for n in range(4):
        client.post("/login", data={"username": "editor", "password": f"again-{n}"})

    assert client.post("/login", data={"username": "editor", "password": PASSWORDS["editor"]}).status_code == 302


def test_a_session_from_before_sessions_could_end_signs_in_again(app, users):
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == "editor"))
        assert accounts.user_for_session(str(user.id)) is None
        assert accounts.user_for_session(user.get_id()) == user
        assert accounts.user_for_session("x:y") is None
