"""Sign-in throttling (issue 13, item 10): per client as well as per address, counted in the
database so that every web worker sees the same counts, and nothing kept per address in memory."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from starlette.requests import Request

from fursa import storage, web
from fursa.web.throttle import SIGN_INS_PER_CLIENT, client_key
from tests.web.conftest import ADMIN, CURATOR, TestClient, csrf_of, log_in


def _browser(app, address: str = "203.0.113.7") -> TestClient:
    return TestClient(app, base_url="http://testserver", client=(address, 40000))


def _try(client: TestClient, email: str, password: str):
    page = client.get("/desk/login")
    return client.post("/desk/login", data={"email": email, "password": password, "csrf_token": csrf_of(page.text)},
                       follow_redirects=False)


def test_one_password_tried_across_many_addresses_is_slowed_per_client(app, users):
    with _browser(app) as attacker, _browser(app, "198.51.100.20") as colleague:
        for number in range(SIGN_INS_PER_CLIENT.limit):
            assert _try(attacker, f"person{number}@ppu.edu", "Summer2026!").status_code == 400
        refused = _try(attacker, CURATOR[0], CURATOR[1])   # even the right password, now
        assert refused.status_code == 429 and "Too many failed sign-ins from your network" in refused.text
        assert attacker.get("/desk", follow_redirects=False).status_code == 303
        assert _try(colleague, CURATOR[0], CURATOR[1]).status_code == 303   # another client is not slowed


def test_one_address_is_slowed_however_many_clients_guess_at_it(app, users):
    for number in range(5):
        with _browser(app, f"192.0.2.{number + 1}") as guesser:
            assert _try(guesser, ADMIN[0], f"guess {number}").status_code == 400
    with _browser(app, "192.0.2.200") as owner:
        refused = _try(owner, ADMIN[0], ADMIN[1])
        assert refused.status_code == 429 and "Too many wrong passwords for this address" in refused.text


def test_the_counts_are_shared_by_every_web_worker(ctx, users, now):
    """Two apps on one database stand for two uvicorn workers: what one counted, the other sees."""
    first, second = web.create_app(ctx, clock=lambda: now), web.create_app(ctx, clock=lambda: now)
    with _browser(first) as one, _browser(second) as two:
        for number in range(3):
            assert _try(one, ADMIN[0], f"guess {number}").status_code == 400
        for number in range(2):
            assert _try(two, ADMIN[0], f"guess {number}").status_code == 400
        assert _try(one, ADMIN[0], ADMIN[1]).status_code == 429
        assert _try(two, ADMIN[0], ADMIN[1]).status_code == 429


def test_no_count_is_kept_in_the_process_and_the_table_is_pruned_as_windows_pass(ctx, users, now):
    clock = {"now": now}
    app = web.create_app(ctx, clock=lambda: clock["now"])
    before = set(vars(app.state.web))
    with _browser(app) as client:
        for number in range(15):
            _try(client, f"nobody{number}@ppu.edu", "wrong password")
        assert set(vars(app.state.web)) == before
        with ctx.sessions() as session:   # one row per address, one for the client
            assert session.scalar(select(func.count()).select_from(storage.AttemptCount)) == 16
        clock["now"] = now + timedelta(minutes=31)
        _try(client, "late@ppu.edu", "wrong password")
    with ctx.sessions() as session:
        assert session.scalar(select(func.count()).select_from(storage.AttemptCount)) == 2


def test_a_right_password_clears_the_address_but_not_the_clients_failures(app, users, ctx):
    with _browser(app) as client:
        for number in range(4):
            _try(client, CURATOR[0], f"guess {number}")
        assert _try(client, CURATOR[0], CURATOR[1]).status_code == 303
        client.post("/desk/logout", data={"csrf_token": csrf_of(client.get("/desk").text)})
        for number in range(4):
            assert _try(client, CURATOR[0], f"guess {number}").status_code == 400
        assert _try(client, CURATOR[0], CURATOR[1]).status_code == 303
    with ctx.sessions() as session:
        client_count = storage.attempts_of(session, SIGN_INS_PER_CLIENT, "203.0.113.7", app.state.web.clock())
    assert client_count == 8


def test_a_wrong_current_password_on_the_account_page_counts_as_a_failed_sign_in(app, users):
    with _browser(app) as client:
        log_in(client, CURATOR)
        for _ in range(5):
            page = client.get("/desk/account")
            client.post("/desk/account/password", data={
                "csrf_token": csrf_of(page.text), "current_password": "guess", "new_password": "x" * 12,
                "repeat_password": "x" * 12})
        page = client.get("/desk/account")
        response = client.post("/desk/account/password", data={
            "csrf_token": csrf_of(page.text), "current_password": CURATOR[1], "new_password": "x" * 12,
            "repeat_password": "x" * 12})
        assert response.status_code == 429 and "Too many wrong passwords" in response.text


def test_subscription_emails_per_address_are_counted_in_the_database_too(ctx, now):
    first, second = web.create_app(ctx, clock=lambda: now), web.create_app(ctx, clock=lambda: now)
    assert [first.state.web.letters.allow("Rana@ppu.edu", now) for _ in range(2)] == [True, True]
    assert second.state.web.letters.allow("rana@ppu.edu", now)
    assert not first.state.web.letters.allow("rana@ppu.edu", now)
    assert second.state.web.letters.allow("rana@ppu.edu", now + timedelta(hours=2))


@pytest.mark.parametrize(("host", "key"), [
    ("203.0.113.7", "203.0.113.7"),
    ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
    ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
    ("::ffff:198.51.100.3", "198.51.100.3"),
    ("testclient", "testclient"),
])
def test_clients_are_counted_by_ipv4_address_or_ipv6_network(host, key):
    request = Request({"type": "http", "client": (host, 1234), "headers": []})
    assert client_key(request) == key
