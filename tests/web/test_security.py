"""Security of the web app: CSRF on every form, login on every desk page, safe redirects, headers, roles."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import func, select

from fursa import storage, web
from tests.web.conftest import ADMIN, CURATOR, TestClient, csrf_of, log_in, make_context, make_settings
from fursa.web.csrf import verify_csrf

ONE_CLICK = "/unsubscribe/{token}"
# POSTs no browser form makes, each authorised otherwise: RFC 8058's one-click unsubscribe (the signed URL)
# and Telegram's updates for the list's bot (the webhook's secret token header, web/telegram_chats.py).
WITHOUT_CSRF = (ONE_CLICK, "/telegram/updates")


def _routes(app, method: str) -> list[APIRoute]:
    """Every route of the app answering `method`, with its full path, looking inside included routers
    (and routers included in those, as login's includes the two-factor and account pages)."""
    try:   # FastAPI ≥ 0.130 keeps included routers whole; this walks into them, prefixes joined
        from fastapi.routing import iter_route_contexts
    except ImportError:
        return [route for route in app.routes if isinstance(route, APIRoute) and method in route.methods]
    return [route for route in iter_route_contexts(app.routes)
            if getattr(route, "dependant", None) is not None and method in (route.methods or ())]


def _concrete(path: str) -> str:
    """A real URL for a route pattern: ids become 1, tokens a made-up value."""
    return re.sub(r"\{(\w+)\}", lambda m: "1" if m.group(1).endswith("_id") else "not-a-real-token", path)


def test_every_post_route_is_covered_by_csrf_except_one_click_unsubscribe(app):
    posts = {route.path for route in _routes(app, "POST")}
    assert "/subscribe" in posts and "/desk/queue" in posts
    for route in _routes(app, "POST"):
        guarded = any(dep.call is verify_csrf for dep in route.dependant.dependencies)
        assert guarded == (route.path not in WITHOUT_CSRF), route.path


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_posts_without_the_right_csrf_token_are_refused_with_403_and_change_nothing(admin_client, app, ctx, make_call, token):
    call_id = make_call()
    with ctx.sessions() as session:   # the admin's enrolment of a second factor is in the log already
        audited = session.scalar(select(func.count()).select_from(storage.AuditEntry))
    for route in _routes(app, "POST"):
        if route.path in WITHOUT_CSRF:
            continue
        path = _concrete(route.path).replace("/desk/calls/1", f"/desk/calls/{call_id}")
        data = {"one": f"approve:{call_id}", "action": "approve", "email": "x@ppu.edu", "title": "changed"}
        if token:
            data["csrf_token"] = token
        response = admin_client.post(path, data=data, follow_redirects=False)
        assert response.status_code == 403, (path, response.status_code)
        assert "This form has expired" in response.text
    with ctx.sessions() as session:
        row = session.get(storage.Opportunity, call_id)
        assert row.status == "new" and row.title != "changed"
        assert session.scalar(select(func.count()).select_from(storage.AuditEntry)) == audited
        assert session.scalar(select(func.count()).select_from(storage.Subscriber)) == 0


def test_a_form_posted_from_another_site_is_refused_even_with_a_token(admin_client, ctx, make_call):
    call_id = make_call()
    token = csrf_of(admin_client.get("/desk/queue").text)
    response = admin_client.post("/desk/queue", data={"csrf_token": token, "one": f"approve:{call_id}"},
                                 headers={"Origin": "https://evil.example"}, follow_redirects=False)
    assert response.status_code == 403
    with ctx.sessions() as session:
        assert session.get(storage.Opportunity, call_id).status == "new"   # refused: nothing was approved


def test_every_desk_page_without_login_redirects_to_the_login_page(client, app):
    for route in _routes(app, "GET"):
        if not route.path.startswith("/desk") or route.path == "/desk/login":
            continue
        path = _concrete(route.path)
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/desk/login?next="), path


def test_desk_posts_without_login_redirect_to_login_not_act(client, make_call, ctx):
    call_id = make_call()
    token = csrf_of(client.get("/desk/login").text)
    response = client.post("/desk/queue", data={"csrf_token": token, "one": f"approve:{call_id}"},
                           follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/desk/login")
    with ctx.sessions() as session:
        assert session.get(storage.Opportunity, call_id).status == "new"


def test_login_then_back_to_the_page_asked_for(client, users):
    response = client.get("/desk/queue?status=approved", follow_redirects=False)
    assert response.headers["location"] == "/desk/login?next=/desk/queue%3Fstatus%3Dapproved"
    page = client.get(response.headers["location"])
    assert 'value="/desk/queue?status=approved"' in page.text
    answer = client.post("/desk/login", data={"email": CURATOR[0], "password": CURATOR[1],
                                              "csrf_token": csrf_of(page.text),
                                              "next": "/desk/queue?status=approved"}, follow_redirects=False)
    assert answer.headers["location"] == "/desk/queue?status=approved"


def test_an_admin_goes_to_the_page_asked_for_through_the_second_step(client, users):
    page = client.get("/desk/login?next=/desk/queue%3Fstatus%3Dapproved")
    answer = client.post("/desk/login", data={"email": ADMIN[0], "password": ADMIN[1], "csrf_token": csrf_of(page.text),
                                              "next": "/desk/queue?status=approved"}, follow_redirects=False)
    assert answer.headers["location"] == "/desk/two-factor/setup?next=/desk/queue%3Fstatus%3Dapproved"
    setup = client.get(answer.headers["location"])
    assert 'name="next" value="/desk/queue?status=approved"' in setup.text


@pytest.mark.parametrize("target", [
    "//evil.example", "//evil.example/desk", "https://evil.example/", "/\\evil.example", "\\\\evil.example",
    "javascript:alert(1)", "/desk\r\nLocation: https://evil.example", " //evil.example", "http:/evil.example",
])
def test_open_redirects_after_login_are_refused(client, users, target):
    page = client.get("/desk/login", params={"next": target})
    assert "evil" not in page.text.split('name="next"')[1].split(">")[0]
    response = client.post("/desk/login", data={"email": CURATOR[0], "password": CURATOR[1],
                                                "csrf_token": csrf_of(page.text), "next": target},
                           follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/desk"


def test_language_switch_refuses_to_redirect_off_site(client):
    response = client.get("/language/ar", params={"next": "//evil.example"}, follow_redirects=False)
    assert response.headers["location"] == "/"


def test_wrong_password_gets_a_message_next_to_the_field_and_no_session(client, users):
    page = client.get("/desk/login")
    response = client.post("/desk/login", data={"email": ADMIN[0], "password": "not the password",
                                                "csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert response.status_code == 400
    assert 'id="password-error"' in response.text and "do not match an active staff account" in response.text
    assert client.get("/desk", follow_redirects=False).status_code == 303


def test_an_inactive_account_cannot_sign_in_and_is_signed_out(client, users, ctx):
    log_in(client, ADMIN)
    with ctx.sessions.begin() as session:
        session.scalar(select(storage.User).where(storage.User.email == ADMIN[0])).active = False
    assert client.get("/desk", follow_redirects=False).headers["location"].startswith("/desk/login")
    page = client.get("/desk/login")
    again = client.post("/desk/login", data={"email": ADMIN[0], "password": ADMIN[1], "csrf_token": csrf_of(page.text)},
                        follow_redirects=False)
    assert again.status_code == 400 and "do not match an active staff account" in again.text
    assert client.get("/desk", follow_redirects=False).status_code == 303


def test_changing_the_password_signs_other_sessions_out(client, users, ctx, now):
    log_in(client, ADMIN)
    with ctx.sessions.begin() as session:
        user = session.scalar(select(storage.User).where(storage.User.email == ADMIN[0]))
        user.password_hash = storage.hash_password("a brand new password")
    assert client.get("/desk", follow_redirects=False).status_code == 303


def test_logout_ends_the_session(admin_client):
    token = csrf_of(admin_client.get("/desk").text)
    admin_client.post("/desk/logout", data={"csrf_token": token})
    assert admin_client.get("/desk", follow_redirects=False).status_code == 303


def test_curators_curate_but_admin_pages_are_forbidden(client, users):
    log_in(client, CURATOR)
    assert client.get("/desk/queue").status_code == 200
    for path in ("/desk/subscribers/export.csv", "/desk/subscribers/import", "/desk/sources/new"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Only an admin may do this" in response.text


def test_passwords_are_stored_as_argon2_hashes(ctx, users):
    with ctx.sessions() as session:
        hashes = [u.password_hash for u in session.scalars(select(storage.User))]
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert not any(ADMIN[1] in h for h in hashes)


def test_short_passwords_are_refused(ctx, now):
    with ctx.sessions.begin() as session, pytest.raises(storage.WeakPasswordError):
        storage.add_user(session, "short@ppu.edu", "short", "admin", now)


def test_security_headers_on_every_page(client):
    for path in ("/", "/subscribe", "/desk/login", "/no-such-page"):
        headers = client.get(path).headers
        policy = headers["content-security-policy"]
        assert "default-src 'none'" in policy and "script-src" not in policy  # no script may run at all
        assert "frame-ancestors 'none'" in policy
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"


def test_session_cookie_is_httponly_and_samesite_and_secure_behind_https(tmp_path, now):
    ctx = make_context(make_settings(tmp_path, base_url="https://fursa.ppu.edu"))
    with TestClient(web.create_app(ctx, clock=lambda: now), base_url="https://testserver") as https_client:
        cookie = https_client.get("/desk/login").headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie
        assert "max-age=31536000" in https_client.get("/").headers["strict-transport-security"]


def test_pages_without_forms_set_no_cookie(client, make_call):
    make_call(status="approved")
    assert "set-cookie" not in client.get("/").headers
    assert "set-cookie" not in client.get("/feeds/calls.rss").headers


def test_desk_pages_are_never_cached(admin_client, app):
    """Every desk page, whatever it answers (a page, a file, a 404 for a missing row), and the pages
    a personal link opens: none may sit in a shared cache."""
    paths = [_concrete(route.path) for route in _routes(app, "GET") if route.path.startswith("/desk")]
    assert "/desk" in paths and "/desk/subscribers/export.csv" in paths
    for path in paths + ["/subscribe", "/preferences/not-a-real-token", "/unsubscribe/not-a-real-token"]:
        response = admin_client.get(path, follow_redirects=False)
        assert response.headers.get("cache-control") == "no-store", (path, response.status_code)


def test_a_staff_members_language_follows_them_to_the_next_sign_in(client, users, ctx):
    log_in(client, ADMIN)
    client.get("/language/ar?next=/desk")
    token = csrf_of(client.get("/desk").text)
    client.post("/desk/logout", data={"csrf_token": token})
    client.cookies.clear()
    log_in(client, ADMIN)
    page = client.get("/desk")
    assert '<html lang="ar" dir="rtl">' in page.text
    with ctx.sessions() as session:
        assert session.scalar(select(storage.User).where(storage.User.email == ADMIN[0])).language == "ar"


def test_sign_in_is_refused_for_a_while_after_five_wrong_passwords(client, users):
    page = client.get("/desk/login")
    for _ in range(5):
        wrong = client.post("/desk/login", data={"email": ADMIN[0], "password": "guess", "csrf_token": csrf_of(page.text)})
        assert wrong.status_code == 400
    right = client.post("/desk/login", data={"email": ADMIN[0], "password": ADMIN[1], "csrf_token": csrf_of(page.text)},
                        follow_redirects=False)
    assert right.status_code == 429 and "Wait 15 minutes" in right.text
    assert client.get("/desk", follow_redirects=False).status_code == 303


def test_sign_in_works_again_when_the_window_has_passed(ctx, users, now):
    clock = {"now": now}
    with TestClient(web.create_app(ctx, clock=lambda: clock["now"]), base_url="http://testserver") as fresh:
        page = fresh.get("/desk/login")
        for _ in range(5):
            fresh.post("/desk/login", data={"email": ADMIN[0], "password": "guess", "csrf_token": csrf_of(page.text)})
        clock["now"] = now + timedelta(minutes=16)
        assert fresh.get("/desk", follow_redirects=False).status_code == 303   # still signed out
        log_in(fresh, ADMIN)   # asserts the password is taken (a 303 onwards, not the 429 of the window)
        assert fresh.get("/desk", follow_redirects=False).status_code == 200


def test_a_malformed_number_in_a_page_address_gets_a_page_not_json(admin_client):
    response = admin_client.get("/desk/calls/not-a-number")
    assert response.status_code == 400 and response.headers["content-type"].startswith("text/html")
    assert admin_client.get("/api/v1/calls/not-a-number").headers["content-type"].startswith("application/json")


def test_add_user_refuses_bad_roles_addresses_and_duplicates_with_clear_errors(ctx, now, users):
    with ctx.sessions.begin() as session:
        for email, role, words in (("x@ppu.edu", "king", "role 'king'"), ("not-an-address", "admin", "exactly one '@'"),
                                   (ADMIN[0], "admin", "already exists")):
            with pytest.raises(storage.InvalidUserError, match=words):
                storage.add_user(session, email, "a long enough password", role, now)


def test_set_password_replaces_the_old_one(client, ctx, users):
    with ctx.sessions.begin() as session:
        storage.set_password(session, ADMIN[0], "a completely new password")
    page = client.get("/desk/login")
    old = client.post("/desk/login", data={"email": ADMIN[0], "password": ADMIN[1], "csrf_token": csrf_of(page.text)})
    assert old.status_code == 400
    log_in(client, (ADMIN[0], "a completely new password"))


def test_a_form_from_the_public_address_passes_behind_a_proxy_that_rewrites_host(admin_client, ctx, make_call):
    call_id = make_call()
    token = csrf_of(admin_client.get("/desk/queue").text)
    response = admin_client.post("/desk/queue", data={"csrf_token": token, "one": f"approve:{call_id}"},
                                 headers={"Origin": "http://testserver", "Host": "127.0.0.1:8000"},
                                 follow_redirects=False)
    assert response.status_code == 303 and not response.headers["location"].startswith("/desk/login")
    with ctx.sessions() as session:
        assert session.get(storage.Opportunity, call_id).status == "approved"   # the form did its work
