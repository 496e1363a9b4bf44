"""A student's own list on the real app, without an account: a signed link opens it (and the browser remembers
it in a cookie), "Save to my list" from an e-mail shows a button on GET and saves on POST, "mark applied" and
"remove"; a tampered link and an expired one (which offers a fresh link by e-mail, sent to its owner only),
"send me my link" that says the same for any address; a withdrawn call greyed with its note and refused when
saved; the call page's save button for a browser that opened its list; a search of the public list that
becomes a subscription (prefilled subscribe form, or the profile after a confirm page)."""
from __future__ import annotations

import email
import email.policy
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from fursa import digests, storage
from tests.web.conftest import csrf_of

SECRET_PLACEHOLDER = re.compile(r"/my/([0-9]+\.[0-9]+\.[0-9]+\.[A-Za-z0-9_-]+)")


def _outbox(ctx) -> list[email.message.EmailMessage]:
    folder = Path(ctx.delivery_config.outbox_dir)
    files = sorted(folder.glob("*.eml")) if folder.exists() else []
    return [email.message_from_bytes(f.read_bytes(), policy=email.policy.default) for f in files]


@pytest.fixture
def person(ctx, now):
    with ctx.sessions.begin() as session:
        row, _ = storage.add_subscriber(session, storage.SubscriberInput(
            email="rana@ppu.edu", name="Rana", disciplines=("0613",), levels=("master",), confirmed=True), now)
        return row.id


def _token(ctx, person_id, now, **kwargs) -> str:
    with ctx.sessions() as session:
        return digests.make_list_token(session.get(storage.Subscriber, person_id), ctx.settings.secret_key, now,
                                       **kwargs)


def _bookmark(ctx, person_id, call_id):
    with ctx.sessions() as session:
        return storage.bookmark_of(session, person_id, call_id)


def _post(client, page_path: str, action: str, data: dict | None = None, **kwargs):
    page = client.get(page_path)
    return client.post(action, data={**(data or {}), "csrf_token": csrf_of(page.text)}, **kwargs)


def test_save_from_an_email_link_then_mark_applied_and_remove(client, ctx, now, person, make_call):
    call = make_call("Erasmus+ master scholarship", status="approved")
    token = _token(ctx, person, now)

    opened = client.get(f"/my/{token}")
    assert opened.status_code == 200 and "Nothing saved yet" in opened.text
    cookie = opened.headers["set-cookie"]
    assert "fursa_list=" in cookie and "HttpOnly" in cookie and f"Max-Age={30 * 24 * 3600}" in cookie

    confirm = client.get(f"/my/{token}/save/{call}")   # what a mail scanner fetches: nothing is saved
    assert confirm.status_code == 200 and f'action="/my/{token}/save/{call}"' in confirm.text
    assert _bookmark(ctx, person, call) is None
    saved = client.post(f"/my/{token}/save/{call}", data={"csrf_token": csrf_of(confirm.text)})
    assert saved.status_code == 200 and "Saved to your list" in saved.text
    assert _bookmark(ctx, person, call) is not None
    listed = client.get(f"/my/{token}")
    assert "Erasmus+ master scholarship" in listed.text and "Mark applied" in listed.text

    applied = _post(client, f"/my/{token}", f"/my/{token}/applied/{call}", follow_redirects=False)
    assert applied.status_code == 303
    assert _bookmark(ctx, person, call).applied_at == now
    _post(client, f"/my/{token}", f"/my/{token}/applied/{call}")   # a second mark counts nothing more
    with ctx.sessions() as session:   # the office's reach figures count the report once (issue 15.6)
        assert [row.applied for row in session.scalars(select(storage.ReachCount))] == [1]
    after = client.get(f"/my/{token}")
    assert "No more reminders" in after.text and "Mark applied" not in after.text

    _post(client, f"/my/{token}", f"/my/{token}/remove/{call}")
    assert _bookmark(ctx, person, call) is None


def test_a_tampered_link_changes_nothing_and_an_expired_one_offers_a_fresh_link(client, ctx, now, person, make_call):
    call = make_call(status="approved")
    token = _token(ctx, person, now)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    refused = client.get(f"/my/{tampered}/save/{call}")
    assert refused.status_code == 400 and "This link does not work" in refused.text
    assert "fursa_list" not in refused.headers.get("set-cookie", "")
    other = client.post(f"/my/{tampered}/save/{call}", data={"csrf_token": csrf_of(refused.text)})
    assert other.status_code == 400 and _bookmark(ctx, person, call) is None

    old = _token(ctx, person, now - timedelta(days=digests.LIST_LINK_DAYS + 1))
    expired = client.get(f"/my/{old}")
    assert expired.status_code == 410 and "This link has expired" in expired.text
    assert "Rana" not in expired.text and "rana@ppu.edu" not in expired.text   # the page names no one
    sent = client.post(f"/my/{old}/fresh", data={"csrf_token": csrf_of(expired.text)})
    assert sent.status_code == 200 and "A fresh link is on its way" in sent.text
    (letter,) = _outbox(ctx)
    assert letter["To"].addresses[0].addr_spec == "rana@ppu.edu"
    fresh = SECRET_PLACEHOLDER.search(letter.get_body(("plain",)).get_content()).group(1)
    assert client.get(f"/my/{fresh}").status_code == 200


def test_send_me_my_link_answers_the_same_for_any_address(client, ctx, person):
    closed = client.get("/my")
    assert closed.status_code == 200 and 'action="/my/link"' in closed.text
    unknown = client.post("/my/link", data={"email": "nobody@ppu.edu", "csrf_token": csrf_of(closed.text)})
    known = client.post("/my/link", data={"email": "Rana@PPU.edu", "csrf_token": csrf_of(closed.text)})
    assert unknown.text == known.text and "on its way" in known.text
    assert [m["To"].addresses[0].addr_spec for m in _outbox(ctx)] == ["rana@ppu.edu"]
    wrong = client.post("/my/link", data={"email": "not an address", "csrf_token": csrf_of(closed.text)})
    assert wrong.status_code == 400 and "does not look like an e-mail address" in wrong.text


def test_a_withdrawn_call_is_greyed_with_its_note_and_not_saved_again(client, ctx, now, person, make_call):
    call = make_call("Withdrawn fellowship", status="approved")
    token = _token(ctx, person, now)
    with ctx.sessions.begin() as session:
        row = session.get(storage.Subscriber, person)
        storage.save_bookmark(session, row, session.get(storage.Opportunity, call), now)
        session.get(storage.Opportunity, call).status = "rejected"
    page = client.get(f"/my/{token}")
    item = re.search(r'<li class="call saved-withdrawn">.*?</li>', page.text, re.S).group(0)
    assert "Withdrawn fellowship" in item and "withdrew this call" in item and "no reminder" in item
    assert f'href="/calls/{call}"' not in item and "Mark applied" not in item
    _post(client, f"/my/{token}", f"/my/{token}/remove/{call}")
    confirm = client.get(f"/my/{token}/save/{call}")   # the "Save" link of an old e-mail: no button, a note
    assert "cannot be saved" in confirm.text and f'action="/my/{token}/save/{call}"' not in confirm.text
    refused = client.post(f"/my/{token}/save/{call}", data={"csrf_token": csrf_of(page.text)})
    assert refused.status_code == 409 and "cannot be saved" in refused.text
    assert _bookmark(ctx, person, call) is None


def test_the_call_page_saves_for_a_browser_that_opened_its_list(app, client, ctx, now, person, make_call):
    call = make_call("Seed grants", status="approved")
    with TestClient(app, base_url="http://testserver") as stranger:
        assert "Save to my list" not in stranger.get(f"/calls/{call}").text
        blocked = _post(stranger, "/my", f"/my/save/{call}")
        assert blocked.status_code == 403 and _bookmark(ctx, person, call) is None
    client.get(f"/my/{_token(ctx, person, now)}")   # the cookie
    page = client.get(f"/calls/{call}")
    assert f'action="/my/save/{call}"' in page.text
    done = client.post(f"/my/save/{call}", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert done.status_code == 303 and _bookmark(ctx, person, call) is not None
    assert "This call is on your list" in client.get(f"/calls/{call}").text


def test_a_search_becomes_a_subscription(app, client, ctx, now, person):
    with TestClient(app, base_url="http://testserver") as stranger:
        going = stranger.get("/my/search?field=07&level=phd&kind=scholarship&country=DE", follow_redirects=False)
        assert going.status_code == 303
        form = stranger.get(going.headers["location"]).text
        for name, value in (("fields", "07"), ("levels", "phd"), ("kinds", "scholarship")):
            assert re.search(rf'name="{name}" value="{value}"[^>]* checked', form), name
        assert stranger.get("/my/search?level=emperor").status_code == 400

    client.get(f"/my/{_token(ctx, person, now)}")
    confirm = client.get("/my/search?field=07&level=phd&country=DE")
    assert confirm.status_code == 200 and "Country, funding and search words" in confirm.text
    with ctx.sessions() as session:
        assert session.get(storage.Subscriber, person).levels == ["master"]   # nothing changed by looking
    client.post("/my/search", data={"field": "07", "level": "phd", "kind": "", "csrf_token": csrf_of(confirm.text)})
    with ctx.sessions() as session:
        row = session.get(storage.Subscriber, person)
        assert (row.disciplines, row.levels) == (["0613", "07"], ["master", "phd"])


def test_the_preferences_link_opens_the_list(client, ctx, person):
    with ctx.sessions() as session:
        token = digests.make_subscriber_token(session.get(storage.Subscriber, person), "preferences",
                                              ctx.settings.secret_key)
    preferences = client.get(f"/preferences/{token}")
    assert f'href="/my/open/{token}"' in preferences.text
    opened = client.get(f"/my/open/{token}")
    assert opened.status_code == 200 and "My list" in opened.text and "fursa_list" in client.cookies
