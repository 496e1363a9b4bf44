"""Subscribe with double opt-in, confirm, preferences through a signed link, one-click unsubscribe."""
from __future__ import annotations

import email
import email.policy
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fursa import digests
from fursa.matching import load_taxonomy
from fursa import storage, web
from fursa.storage import erase_subscriber, suppress, suppression_of
from tests.web.conftest import TestClient, csrf_of
from tests.web.rendered_forms import as_data, rendered_form, replaced

FORM = {"email": "Layla@PPU.edu", "name": "Layla", "role": "student", "levels": ["master"], "kinds": ["scholarship"],
        "fields": ["061"], "language": "en", "frequency": "weekly"}


def _outbox(ctx) -> list[email.message.EmailMessage]:
    folder = Path(ctx.delivery_config.outbox_dir)
    files = sorted(folder.glob("*.eml")) if folder.exists() else []
    return [email.message_from_bytes(f.read_bytes(), policy=email.policy.default) for f in files]


def _subscribe(client, **changes):
    token = csrf_of(client.get("/subscribe").text)
    return client.post("/subscribe", data={**FORM, **changes, "csrf_token": token})


def _link(message, kind: str) -> str:
    text = message.get_body(("plain",)).get_content()
    found = re.search(rf"http://testserver(/{kind}/\S+)", text)
    assert found, text
    return found.group(1)


def _subscriber(ctx, address: str = "layla@ppu.edu") -> storage.Subscriber | None:
    with ctx.sessions() as session:
        return session.scalar(select(storage.Subscriber).where(storage.Subscriber.email == address))


def test_subscribing_sends_a_confirmation_and_nothing_else_until_confirmed(client, ctx):
    response = _subscribe(client)
    assert response.status_code == 200 and "Check your inbox" in response.text
    row = _subscriber(ctx)
    assert row is not None and not row.confirmed and row.levels == ["master"] and row.disciplines == ["061"]
    with ctx.sessions() as session:
        assert storage.active_subscribers(session) == []
        token_row = session.scalars(select(storage.Token)).one()
    [message] = _outbox(ctx)
    assert message["To"].addresses[0].addr_spec == "layla@ppu.edu"
    assert message["Subject"] == "Confirm your Fursa subscription"
    assert message.get_body(("html",)) is not None
    link = _link(message, "confirm")
    assert link.split("/")[-1] not in token_row.token_hash  # only a hash of the token is stored


def test_the_answer_is_the_same_whether_or_not_the_address_is_subscribed(client, ctx, now):
    with ctx.sessions.begin() as session:
        storage.add_subscriber(session, storage.SubscriberInput(email="known@ppu.edu", confirmed=True,
                                                                levels=("phd",)), now)
    known = _subscribe(client, email="known@ppu.edu", levels=["bachelor"])
    fresh = _subscribe(client, email="new@ppu.edu")
    strip = lambda html: re.sub(r"(known|new)@ppu\.edu", "ADDRESS", re.sub(r'value="[^"]+"', "", html))
    assert known.status_code == fresh.status_code == 200
    assert strip(known.text) == strip(fresh.text)
    assert _subscriber(ctx, "known@ppu.edu").levels == ["phd"]  # a stranger cannot change someone's profile
    subjects = sorted(m["Subject"] for m in _outbox(ctx))
    assert subjects == ["Confirm your Fursa subscription", "You are already subscribed to Fursa"]


def test_field_errors_are_shown_next_to_each_field(client, ctx):
    response = _subscribe(client, email="not an address", role="king", levels=["emperor"], kinds=["party"],
                          fields=["9999"], language="fr", frequency="hourly", programme="nope")
    assert response.status_code == 400
    for field in ("email", "role", "levels", "kinds", "fields", "language", "frequency", "programme"):
        assert f'id="{field}-error"' in response.text, field
    assert "Write it like name@ppu.edu" in response.text
    assert 'value="not an address"' in response.text  # what was typed is kept
    assert _subscriber(ctx) is None and _outbox(ctx) == []


def test_my_programme_fills_in_its_fields(client, ctx):
    key, programme = next(iter(load_taxonomy().programmes.items()))
    _subscribe(client, programme=key, fields=[])
    assert set(programme.codes) <= set(_subscriber(ctx).disciplines)


def test_confirming_needs_a_click_and_the_token_works_once(client, ctx, now):
    _subscribe(client)
    link = _link(_outbox(ctx)[0], "confirm")
    page = client.get(link)
    assert page.status_code == 200 and "Yes, send me the calls" in page.text
    assert not _subscriber(ctx).confirmed  # a mail scanner following the link confirms nothing
    response = client.post(link, data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/preferences/")
    row = _subscriber(ctx)
    assert row.confirmed and row.confirmed_at == now and row.status == "active"
    again = client.post(link, data={"csrf_token": csrf_of(page.text)})
    assert again.status_code == 404 and "This link does not work" in again.text


def test_an_expired_confirmation_link_gets_a_clear_page_and_changes_nothing(ctx, now):
    later = {"now": now}
    app = web.create_app(ctx, clock=lambda: later["now"])
    with TestClient(app, base_url="http://testserver") as client:
        _subscribe(client)
        link = _link(_outbox(ctx)[0], "confirm")
        page = client.get(link)
        later["now"] = now + timedelta(hours=49)
        response = client.post(link, data={"csrf_token": csrf_of(page.text)})
        assert response.status_code == 404 and "may have expired" in response.text
        assert client.get(link).status_code == 404
    assert not _subscriber(ctx).confirmed


@pytest.mark.parametrize("token", ["guessed", "A" * 43, "x" * 500])
def test_a_guessed_confirmation_token_changes_nothing(client, ctx, token):
    _subscribe(client)
    page = client.get(f"/confirm/{token}")
    assert page.status_code == 404 and "This link does not work" in page.text
    with ctx.sessions() as session:
        assert session.scalar(select(func.count()).where(storage.Subscriber.confirmed.is_(True))) == 0


def _confirmed(ctx, now, **fields) -> storage.Subscriber:
    with ctx.sessions.begin() as session:
        row, _ = storage.add_subscriber(session, storage.SubscriberInput(email="omar@ppu.edu", confirmed=True,
                                                                         **fields), now)
        return row


def _signed(ctx, row, purpose: str) -> str:
    return digests.make_subscriber_token(row, purpose, ctx.settings.secret_key)


def _profile(row: storage.Subscriber) -> tuple:
    return (row.email, row.name, row.role, row.disciplines, row.levels, row.kinds, row.language, row.frequency,
            row.confirmed, row.status)


def test_preferences_change_through_the_signed_link(client, ctx, now):
    row = _confirmed(ctx, now, name="Omar", disciplines=("0714", "061"), levels=("bachelor",), kinds=("exchange",))
    before = _profile(_subscriber(ctx, "omar@ppu.edu"))
    link = f"/preferences/{_signed(ctx, row, 'preferences')}"
    page = client.get(link)
    assert page.status_code == 200 and "omar@ppu.edu" in page.text
    form = rendered_form(page.text, "/preferences/")   # what the page offers, as a browser sends it untouched
    assert client.post(link, data=as_data(form)).status_code == 200
    assert _profile(_subscriber(ctx, "omar@ppu.edu")) == before

    for name, values in (("role", ["faculty"]), ("levels", ["phd", "postdoc"]), ("kinds", ["research_funding"]),
                         ("language", ["ar"]), ("frequency", ["instant"])):
        form = replaced(form, name, *values)
    response = client.post(link, data=as_data(form))
    assert response.status_code == 200 and response.headers["content-language"] == "ar"
    assert 'dir="rtl"' in response.text and "حُفظت التفضيلات" in response.text
    after = _profile(_subscriber(ctx, "omar@ppu.edu"))
    assert after == ("omar@ppu.edu", "Omar", "faculty", ["0714", "061"], ["phd", "postdoc"], ["research_funding"],
                     "ar", "instant", True, "active")   # the fields and the name were not on the change list


def test_the_confirmation_page_opens_in_the_subscribers_language(app, ctx):
    with TestClient(app, base_url="http://testserver") as visitor:
        _subscribe(visitor, language="ar")
    link = _link(_outbox(ctx)[0], "confirm")
    with TestClient(app, base_url="http://testserver", headers={"Accept-Language": "en-GB,en"}) as mail_reader:
        page = mail_reader.get(link)   # a fresh browser, from the e-mail: no language chosen here yet
        assert page.status_code == 200 and page.headers["content-language"] == "ar"
        assert '<html lang="ar" dir="rtl">' in page.text and "Yes, send me the calls" not in page.text
        mail_reader.get("/language/en?next=/")   # the reader may still ask for English
        assert mail_reader.get(link).headers["content-language"] == "en"


@pytest.mark.parametrize("purpose", ["preferences", "unsubscribe"])
def test_forged_wrong_purpose_or_revoked_links_get_a_clear_page(client, ctx, now, purpose):
    row = _confirmed(ctx, now)
    other = "unsubscribe" if purpose == "preferences" else "preferences"
    genuine = _signed(ctx, row, purpose)
    forged = genuine[:-4] + ("AAAA" if not genuine.endswith("AAAA") else "BBBB")
    for token in (forged, _signed(ctx, row, other), "1.0.short", "%3Cscript%3E", "9999.0." + "A" * 32):
        response = client.get(f"/{purpose}/{token}")
        assert response.status_code in (400, 404) and "This link does not work" in response.text, token
    with ctx.sessions.begin() as session:
        session.get(storage.Subscriber, row.id).token_nonce += 1  # every older link is revoked
    assert "This link does not work" in client.get(f"/{purpose}/{genuine}").text
    assert _subscriber(ctx, "omar@ppu.edu").status == "active"


def test_unsubscribe_get_asks_and_changes_nothing(client, ctx, now):
    row = _confirmed(ctx, now)
    page = client.get(f"/unsubscribe/{_signed(ctx, row, 'unsubscribe')}")
    assert page.status_code == 200 and 'method="post"' in page.text and "csrf_token" not in page.text
    assert _subscriber(ctx, "omar@ppu.edu").status == "active"


def test_one_click_unsubscribe_works_without_cookies_and_twice(app, ctx, now):
    row = _confirmed(ctx, now)
    path = f"/unsubscribe/{_signed(ctx, row, 'unsubscribe')}"
    with TestClient(app, base_url="http://testserver", cookies=None) as mail_client:
        for _ in range(2):
            response = mail_client.post(path, data={"List-Unsubscribe": "One-Click"})
            assert response.status_code == 200 and "You are unsubscribed" in response.text
            assert "set-cookie" not in response.headers
    row = _subscriber(ctx, "omar@ppu.edu")
    assert row.status == "unsubscribed" and row.unsubscribed_at == now
    with ctx.sessions() as session:
        assert storage.active_subscribers(session) == []
        actions = [e.action for e in session.scalars(select(storage.AuditEntry))]
    assert actions == ["subscriber:unsubscribed"]  # the second click changed nothing


def test_resubscribing_after_unsubscribing_needs_a_new_confirmation(client, ctx, now):
    row = _confirmed(ctx, now)
    client.post(f"/unsubscribe/{_signed(ctx, row, 'unsubscribe')}")
    _subscribe(client, email="omar@ppu.edu")
    assert _subscriber(ctx, "omar@ppu.edu").status == "unsubscribed"
    link = _link(_outbox(ctx)[0], "confirm")
    page = client.get(link)
    client.post(link, data={"csrf_token": csrf_of(page.text)})
    assert _subscriber(ctx, "omar@ppu.edu").status == "active"


def test_a_bounced_address_gets_no_mail_but_the_same_answer(client, ctx, now):
    with ctx.sessions.begin() as session:
        suppress(session, "bounced@ppu.edu", "bounced", now)
    response = _subscribe(client, email="bounced@ppu.edu")
    assert response.status_code == 200 and "Check your inbox" in response.text
    assert _outbox(ctx) == [] and _subscriber(ctx, "bounced@ppu.edu") is None


def test_the_form_cannot_flood_an_inbox(client, ctx):
    for _ in range(6):
        assert _subscribe(client).status_code == 200
    assert len(_outbox(ctx)) == 3  # then nothing more to this address for an hour


def test_a_deleted_subscriber_can_opt_in_again_and_confirming_lifts_the_suppression(client, ctx, now):
    row = _confirmed(ctx, now)
    with ctx.sessions.begin() as session:
        erase_subscriber(session, session.get(storage.Subscriber, row.id), actor="admin@ppu.edu", now=now)
    _subscribe(client, email="omar@ppu.edu")
    link = _link(_outbox(ctx)[0], "confirm")
    client.post(link, data={"csrf_token": csrf_of(client.get(link).text)})
    assert _subscriber(ctx, "omar@ppu.edu").confirmed
    with ctx.sessions() as session:
        assert suppression_of(session, "omar@ppu.edu") is None


def test_the_confirmation_is_multipart_and_in_the_chosen_language(client, ctx):
    _subscribe(client, language="ar")
    [message] = _outbox(ctx)
    assert message.get_content_type() == "multipart/alternative" and message["Content-Language"] == "ar"
    assert message["Subject"] == "أكّد اشتراكك في فرصة" and message["Auto-Submitted"] == "auto-generated"
    html = message.get_body(("html",)).get_content()
    assert '<html lang="ar" dir="rtl">' in html and "تأكيد اشتراكي" in html
    assert "مرحبًا Layla،" in message.get_body(("plain",)).get_content()


def _confirm_by_mail(client, ctx, address: str) -> None:
    [message] = [m for m in _outbox(ctx) if m["To"].addresses[0].addr_spec == address]
    link = _link(message, "confirm")
    response = client.post(link, data={"csrf_token": csrf_of(client.get(link).text)}, follow_redirects=False)
    assert response.status_code == 303, response.text


def test_an_opt_in_ends_the_same_way_from_the_public_form_and_from_a_desk_import(admin_client, ctx, now):
    _subscribe(admin_client)
    token = csrf_of(admin_client.get("/desk/subscribers/import").text)
    admin_client.post("/desk/subscribers/import", data={"csrf_token": token},
                      files={"file": ("people.csv", b"email,name\nomar@ppu.edu,Omar\n", "text/csv")})
    assert not _subscriber(ctx).confirmed and not _subscriber(ctx, "omar@ppu.edu").confirmed
    for address in ("layla@ppu.edu", "omar@ppu.edu"):
        _confirm_by_mail(admin_client, ctx, address)
        row = _subscriber(ctx, address)
        assert (row.confirmed, row.confirmed_at, row.status) == (True, now, "active")
    with ctx.sessions() as session:
        confirmations = [(e.actor, e.target_id) for e in session.scalars(select(storage.AuditEntry))
                         if e.action == "subscriber:confirm"]
        assert sorted(confirmations) == sorted(("subscriber", row.id) for row in storage.active_subscribers(session))


def test_only_the_person_lifts_the_do_not_mail_rule_staff_follow_at_either_door(client, ctx, now, command_line):
    row = _confirmed(ctx, now)
    with ctx.sessions.begin() as session:
        erase_subscriber(session, session.get(storage.Subscriber, row.id), actor="admin@ppu.edu", now=now)
    refused = command_line("subscribers", "add", "omar@ppu.edu")
    assert refused.exit_code == 1 and "do-not-mail list" in refused.output
    _subscribe(client, email="omar@ppu.edu")
    _confirm_by_mail(client, ctx, "omar@ppu.edu")
    updated = command_line("subscribers", "add", "omar@ppu.edu", "--levels", "phd")
    assert updated.exit_code == 0 and "updated omar@ppu.edu" in updated.stdout
    assert _subscriber(ctx, "omar@ppu.edu").levels == ["phd"]
