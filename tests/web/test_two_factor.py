"""Two-factor sign-in for staff (issue 13, item 12): required of admins (enrolment right after the
password), a choice for curators; a code from the app or a one-time recovery code after the
password; the enrolment page shows the key, an otpauth:// address and a QR code the CSP allows."""
from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import pyotp
import pytest
from sqlalchemy import select

from fursa import storage, web
from tests.web.conftest import ADMIN, CURATOR, TestClient, csrf_of, log_in, second_factor_code

SECRET = re.compile(r'id="secret"[^>]*>([A-Z2-7 ]+)<')
CODES = re.compile(r"<code>([0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})</code>")


def _password(client: TestClient, account: tuple[str, str], next_page: str = "/desk"):
    page = client.get("/desk/login")
    return client.post("/desk/login", data={"email": account[0], "password": account[1],
                                            "csrf_token": csrf_of(page.text), "next": next_page},
                       follow_redirects=False)


def _enrol(client: TestClient, now, next_page: str = "/desk") -> tuple[str, list[str]]:
    page = client.get(f"/desk/two-factor/setup?next={next_page}")
    secret = "".join(SECRET.search(page.text).group(1).split())
    done = client.post("/desk/two-factor/setup", data={"code": pyotp.TOTP(secret).at(now),
                                                        "csrf_token": csrf_of(page.text), "next": next_page})
    assert done.status_code == 200, done.text
    return secret, CODES.findall(done.text)


def _code(client: TestClient, code: str, next_page: str = "/desk"):
    page = client.get(f"/desk/two-factor?next={next_page}")
    return client.post("/desk/two-factor", data={"code": code, "csrf_token": csrf_of(page.text), "next": next_page},
                       follow_redirects=False)


def _opens_the_desk(client: TestClient) -> bool:
    return client.get("/desk/queue", follow_redirects=False).status_code == 200


def _user(ctx, email: str) -> storage.User:
    with ctx.sessions() as session:
        return storage.find_user(session, email)


def test_an_admin_without_a_second_factor_is_sent_to_enrolment_and_the_desk_stays_shut(client, users, ctx):
    response = _password(client, ADMIN, "/desk/sources")
    assert response.headers["location"] == "/desk/two-factor/setup?next=/desk/sources"
    assert not _opens_the_desk(client)
    # any desk page, and the sign-in page, lead back to the enrolment
    bounced = client.get("/desk/sources", follow_redirects=False).headers["location"]
    assert client.get(bounced, follow_redirects=False).headers["location"] == "/desk/two-factor/setup?next=/desk/sources"
    assert client.get("/desk/two-factor", follow_redirects=False).headers["location"].startswith("/desk/two-factor/setup")
    assert not storage.has_two_factor(_user(ctx, ADMIN[0]))


def test_the_enrolment_page_shows_the_key_its_otpauth_address_and_a_qr_code_the_csp_allows(client, users, ctx):
    _password(client, ADMIN)
    page = client.get("/desk/two-factor/setup?next=/desk")
    assert page.status_code == 200 and "Set up two-factor sign-in" in page.text
    shown = "".join(SECRET.search(page.text).group(1).split())
    assert shown == _user(ctx, ADMIN[0]).totp_secret and len(shown) == 32
    uri = re.search(r'href="(otpauth://[^"]+)"', page.text).group(1).replace("&amp;", "&")
    parts = urlsplit(uri)
    assert (parts.scheme, parts.netloc, unquote(parts.path)) == ("otpauth", "totp", "/Fursa:admin@ppu.edu")
    assert parse_qs(parts.query) == {"secret": [shown], "issuer": ["Fursa"]}
    image = re.search(r'<img src="(data:image/svg\+xml[^"]+)"', page.text)
    assert image and "<svg" in unquote(image.group(1).replace("&#39;", "'"))
    policy = page.headers["content-security-policy"]
    assert "img-src 'self' data:" in policy and "script-src" not in policy and "<script" not in page.text
    # a reload keeps the key the app may already hold
    assert "".join(SECRET.search(client.get("/desk/two-factor/setup").text).group(1).split()) == shown


def test_enrolment_turns_on_with_a_right_code_only_and_shows_ten_recovery_codes_once(client, users, ctx, now):
    _password(client, ADMIN, "/desk/sources")
    page = client.get("/desk/two-factor/setup?next=/desk/sources")
    secret = "".join(SECRET.search(page.text).group(1).split())
    wrong = client.post("/desk/two-factor/setup", data={"code": "12345", "csrf_token": csrf_of(page.text)})
    assert wrong.status_code == 400 and 'id="code-error"' in wrong.text and "This code is not right" in wrong.text
    assert not storage.has_two_factor(_user(ctx, ADMIN[0])) and not _opens_the_desk(client)
    done = client.post("/desk/two-factor/setup", data={"code": pyotp.TOTP(secret).at(now),
                                                        "csrf_token": csrf_of(page.text), "next": "/desk/sources"})
    assert done.status_code == 200 and "Two-factor sign-in is on" in done.text
    codes = CODES.findall(done.text)
    assert len(set(codes)) == 10 and 'href="/desk/sources"' in done.text
    assert storage.has_two_factor(_user(ctx, ADMIN[0])) and _opens_the_desk(client)
    assert client.get("/desk/two-factor/setup", follow_redirects=False).headers["location"] == "/desk/account"
    with ctx.sessions() as session:   # the codes are kept only as hashes
        stored = {row.code_hash for row in session.scalars(select(storage.RecoveryCode))}
    assert not any(code in stored or code.replace("-", "") in stored for code in codes)


def test_a_later_sign_in_asks_for_the_apps_code_after_the_password(ctx, users, now):
    clock = {"now": now}
    with TestClient(web.create_app(ctx, clock=lambda: clock["now"]), base_url="http://testserver") as client:
        _password(client, ADMIN)
        secret, _codes = _enrol(client, now)
        client.post("/desk/logout", data={"csrf_token": csrf_of(client.get("/desk").text)})
        clock["now"] = now + timedelta(hours=1)
        response = _password(client, ADMIN, "/desk/audit")
        assert response.headers["location"] == "/desk/two-factor?next=/desk/audit"
        assert not _opens_the_desk(client)
        page = client.get("/desk/two-factor?next=/desk/audit")
        assert "Code from your authenticator app" in page.text and "recovery codes" in page.text
        wrong = _code(client, "000000" if pyotp.TOTP(secret).at(clock["now"]) != "000000" else "111111")
        assert wrong.status_code == 400 and "This code is not right, or it was used already" in wrong.text
        right = _code(client, pyotp.TOTP(secret).at(clock["now"]), "/desk/audit")
        assert right.status_code == 303 and right.headers["location"] == "/desk/audit"
        assert _opens_the_desk(client)


def test_a_code_opens_the_desk_once(ctx, users, now):
    app = web.create_app(ctx, clock=lambda: now + timedelta(hours=1))
    with TestClient(app, base_url="http://testserver") as client, \
            TestClient(app, base_url="http://testserver") as onlooker:
        log_in(client, ADMIN)    # enrols at the first sign-in
        client.cookies.clear()
        _password(client, ADMIN)
        code = second_factor_code(ctx, ADMIN[0], now + timedelta(hours=1))
        assert _code(client, code).status_code == 303
        _password(onlooker, ADMIN)   # someone who saw the password and the code typed
        assert _code(onlooker, code).status_code == 400
        assert not _opens_the_desk(onlooker)


def test_a_recovery_code_signs_in_once_and_says_how_many_are_left(client, users, ctx, now):
    _password(client, ADMIN)
    _secret, codes = _enrol(client, now)
    client.cookies.clear()
    _password(client, ADMIN)
    used = _code(client, codes[3].upper())
    assert used.status_code == 303
    notice = client.get("/desk").text
    assert "You signed in with a recovery code" in notice and "Recovery codes left: 9." in notice
    client.cookies.clear()
    _password(client, ADMIN)
    assert _code(client, codes[3]).status_code == 400


def test_five_wrong_codes_stop_the_codes_of_that_account_for_a_while(client, users, ctx, now):
    _password(client, ADMIN)
    secret, _codes = _enrol(client, now)
    client.cookies.clear()
    _password(client, ADMIN)
    for guess in ("000001", "000002", "000003", "000004", "000005"):
        assert _code(client, guess).status_code == 400
    refused = _code(client, second_factor_code(ctx, ADMIN[0], now))
    assert refused.status_code == 429 and "Too many wrong codes" in refused.text
    assert not _opens_the_desk(client)


def test_the_second_step_waits_ten_minutes_at_most(ctx, users, now):
    clock = {"now": now}
    with TestClient(web.create_app(ctx, clock=lambda: clock["now"]), base_url="http://testserver") as client:
        _password(client, ADMIN)
        clock["now"] = now + timedelta(minutes=10)
        response = client.get("/desk/two-factor/setup", follow_redirects=False)
        assert response.headers["location"].startswith("/desk/login")


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/", "/\\evil.example"])
def test_the_second_step_refuses_to_redirect_off_site(client, users, now, target):
    _password(client, ADMIN, target)
    page = client.get("/desk/two-factor/setup", params={"next": target})
    assert 'name="next" value="/desk"' in page.text
    secret = "".join(SECRET.search(page.text).group(1).split())
    done = client.post("/desk/two-factor/setup", data={"code": pyotp.TOTP(secret).at(now), "next": target,
                                                        "csrf_token": csrf_of(page.text)})
    assert "evil" not in done.text and 'href="/desk"' in done.text


def test_curators_sign_in_with_the_password_alone_until_they_turn_two_factor_on(client, users, ctx, now):
    assert _password(client, CURATOR).headers["location"] == "/desk"
    account = client.get("/desk/account").text
    assert "Off: your password alone opens the desk." in account and "/desk/two-factor/setup?next=/desk/account" in account
    _secret, _codes = _enrol(client, now, "/desk/account")
    assert "Recovery codes left: 10." in client.get("/desk/account").text
    client.cookies.clear()
    assert _password(client, CURATOR).headers["location"] == "/desk/two-factor?next=/desk"


def test_a_curator_turns_two_factor_off_with_the_password_but_an_admin_may_not(client, users, ctx, now):
    log_in(client, CURATOR)
    _enrol(client, now, "/desk/account")
    page = client.get("/desk/account")
    wrong = client.post("/desk/account/two-factor/off", data={"off_password": "guess", "csrf_token": csrf_of(page.text)})
    assert wrong.status_code == 400 and 'id="off_password-error"' in wrong.text
    assert storage.has_two_factor(_user(ctx, CURATOR[0]))
    client.post("/desk/account/two-factor/off", data={"off_password": CURATOR[1], "csrf_token": csrf_of(page.text)})
    assert not storage.has_two_factor(_user(ctx, CURATOR[0]))

    client.cookies.clear()
    log_in(client, ADMIN)
    page = client.get("/desk/account")
    assert "Admins always sign in with two factors." in page.text and "two-factor/off" not in page.text
    refused = client.post("/desk/account/two-factor/off", data={"off_password": ADMIN[1],
                                                                "csrf_token": csrf_of(page.text)})
    assert refused.status_code == 403 and storage.has_two_factor(_user(ctx, ADMIN[0]))


def test_new_recovery_codes_replace_the_old_ones(client, users, ctx, now):
    _password(client, ADMIN)
    _secret, old = _enrol(client, now)
    page = client.get("/desk/account")
    fresh = client.post("/desk/account/recovery-codes", data={"codes_password": ADMIN[1],
                                                              "csrf_token": csrf_of(page.text)})
    new = CODES.findall(fresh.text)
    assert fresh.status_code == 200 and len(new) == 10 and not set(new) & set(old)
    assert "Your earlier recovery codes no longer work." in fresh.text
    client.cookies.clear()
    _password(client, ADMIN)
    assert _code(client, old[0]).status_code == 400
    assert _code(client, new[0]).status_code == 303


def test_an_admin_whose_second_factor_was_reset_enrols_again(client, users, ctx, now):
    log_in(client, ADMIN)
    with ctx.sessions.begin() as session:   # a lost phone: the key and codes are forgotten
        storage.turn_off_two_factor(session, storage.find_user(session, ADMIN[0]))
    assert not _opens_the_desk(client)
    client.cookies.clear()
    assert _password(client, ADMIN).headers["location"].startswith("/desk/two-factor/setup")
