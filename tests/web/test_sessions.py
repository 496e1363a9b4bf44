"""Sessions end on the server (issue 13, item 9): a cookie copied before signing out, before a new
password or before "sign out everywhere" opens nothing afterwards, though the cookie itself is
signed and would live 14 days."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fursa import storage, web
from fursa.web.app import SESSION_COOKIE
from tests.web.conftest import ADMIN, CURATOR, TestClient, csrf_of, log_in


def _copy(client: TestClient, app) -> TestClient:
    """A second browser holding a copy of the first one's cookie (as a thief who read it would)."""
    thief = TestClient(app, base_url="http://testserver")
    thief.cookies.set(SESSION_COOKIE, client.cookies[SESSION_COOKIE])
    return thief


def _opens_the_desk(client: TestClient) -> bool:
    return client.get("/desk/queue", follow_redirects=False).status_code == 200


def _post(client: TestClient, path: str, data: dict | None = None, page: str = "/desk/account"):
    token = csrf_of(client.get(page).text)
    return client.post(path, data={"csrf_token": token, **(data or {})}, follow_redirects=False)


@pytest.mark.parametrize("account", [ADMIN, CURATOR], ids=["admin", "curator"])
def test_a_cookie_copied_before_signing_out_opens_nothing_after(client, app, users, account):
    log_in(client, account)
    with _copy(client, app) as thief:
        assert _opens_the_desk(thief)   # the copy works while the session lives ...
        _post(client, "/desk/logout", page="/desk")
        assert not _opens_the_desk(client)
        response = thief.get("/desk/queue", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/desk/login")   # ... not after


def test_signing_out_ends_only_that_browser(client, app, users, ctx):
    log_in(client, CURATOR)
    with TestClient(app, base_url="http://testserver") as laptop:
        log_in(laptop, CURATOR)
        _post(client, "/desk/logout", page="/desk")
        assert _opens_the_desk(laptop)
    with ctx.sessions() as session:
        assert session.scalar(select(func.count()).select_from(storage.StaffSession)) == 1


def test_a_new_password_at_the_desk_signs_every_other_browser_out_and_keeps_this_one(client, app, users):
    log_in(client, CURATOR)
    with _copy(client, app) as thief, TestClient(app, base_url="http://testserver") as laptop:
        log_in(laptop, CURATOR)
        response = _post(client, "/desk/account/password", {
            "current_password": CURATOR[1], "new_password": "a fresh long password", "repeat_password": "a fresh long password"})
        assert response.status_code == 303 and response.headers["location"] == "/desk/account"
        page = client.get("/desk/account")
        assert "Every other browser signed in to your account is now signed out." in page.text
        assert _opens_the_desk(client)
        assert not _opens_the_desk(thief) and not _opens_the_desk(laptop)
    client.cookies.clear()
    log_in(client, (CURATOR[0], "a fresh long password"))


@pytest.mark.parametrize(("form", "field", "message"), [
    ({"current_password": "not it", "new_password": "a fresh long password", "repeat_password": "a fresh long password"},
     "current_password", "This is not your current password."),
    ({"current_password": CURATOR[1], "new_password": "a fresh long password", "repeat_password": "another one"},
     "repeat_password", "The two new passwords differ."),
    ({"current_password": CURATOR[1], "new_password": "short", "repeat_password": "short"},
     "new_password", "Use at least 10 characters."),
])
def test_a_refused_password_change_says_why_next_to_the_field_and_changes_nothing(client, users, form, field, message):
    log_in(client, CURATOR)
    response = _post(client, "/desk/account/password", form)
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.text and message in response.text
    assert _opens_the_desk(client)
    client.cookies.clear()
    log_in(client, CURATOR)   # the old password still works


def test_sign_out_everywhere_ends_every_session_of_the_account_this_one_too(client, app, users):
    log_in(client, ADMIN)
    with _copy(client, app) as thief, TestClient(app, base_url="http://testserver") as other_admin:
        log_in(other_admin, CURATOR)   # someone else's session is not touched
        response = _post(client, "/desk/account/sign-out-everywhere")
        assert response.status_code == 303 and response.headers["location"] == "/desk/login"
        assert "You are signed out everywhere" in client.get("/desk/login").text
        assert not _opens_the_desk(client) and not _opens_the_desk(thief)
        assert _opens_the_desk(other_admin)


def test_a_new_password_on_the_command_line_ends_the_desk_sessions(client, app, users, command_line):
    log_in(client, CURATOR)
    result = command_line("users", "password", CURATOR[0], "--password", "set by the admin at a shell")
    assert result.exit_code == 0, result.output
    assert not _opens_the_desk(client)


def test_the_account_page_lists_the_browsers_signed_in(client, app, users):
    with TestClient(app, base_url="http://testserver", headers={"User-Agent": "Mozilla/5.0 (Windows NT 10.0) "
                    "Gecko/20100101 Firefox/133.0"}) as laptop:
        log_in(laptop, CURATOR)
        log_in(client, CURATOR)
        page = client.get("/desk/account").text
    assert "Firefox · Windows" in page and "(this browser)" in page
    assert page.count("signed in ") >= 2


def test_a_session_ends_after_a_working_day(ctx, users, now):
    clock = {"now": now}
    with TestClient(web.create_app(ctx, clock=lambda: clock["now"]), base_url="http://testserver") as browser:
        log_in(browser, CURATOR)
        clock["now"] = now + timedelta(hours=11, minutes=59)
        assert _opens_the_desk(browser)
        clock["now"] = now + timedelta(hours=12)
        assert not _opens_the_desk(browser)
