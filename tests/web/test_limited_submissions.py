"""Limited submissions end to end: staff mark a call through the form as rendered (refusals: slots
below one, an internal deadline after the funder's); a faculty member's digest, sent through a real
SMTP server, shows the internal deadline before the funder's and carries a signed "I intend to apply"
link; the link, taken from the e-mail, records the intent once without a login; a tampered link
records nothing; staff see the list, export it (CSV with a BOM) and close it, after which the link
says the list is closed."""
from __future__ import annotations

import html as markup
import re
from dataclasses import replace
from datetime import datetime, timezone
from urllib.parse import urlencode

import pytest
from starlette.testclient import TestClient

from fursa import digests, storage
from tests.digests.smtpsink import SmtpSink
from tests.web.conftest import csrf_of
from tests.web.rendered_form import rendered_form, with_values

SUNDAY = datetime(2026, 11, 29, 7, 0, tzinfo=timezone.utc)   # the digests' default send day and hour
INTENT_LINK = re.compile(r"http://testserver/intent/[0-9A-Za-z._-]+")


def _post(client, path, pairs, **kwargs):
    return client.post(path, content=urlencode(pairs), headers={"content-type": "application/x-www-form-urlencoded"},
                       **kwargs)


def _mark(client, call_id, **values):
    path = f"/desk/calls/{call_id}/limited"
    pairs = with_values(rendered_form(client.get(path).text, path), **values)
    return _post(client, path, pairs, follow_redirects=False)


def _faculty(ctx, email, name, language="en"):
    with ctx.sessions.begin() as session:
        row, _ = storage.add_subscriber(session, storage.SubscriberInput(
            email=email, name=name, role="faculty", disciplines=("0613",), levels=("faculty",), language=language,
            confirmed=True), SUNDAY)
        return row.id


@pytest.fixture
def sink():
    server = SmtpSink().start()
    yield server
    server.stop()


@pytest.fixture
def limited_call(admin_client, make_call):
    return make_call("Seed grants for young researchers", status="approved", deadline_days=60, kind="research_funding",
                     disciplines=["0613"], levels=["faculty"])


def test_refusals_keep_the_call_ordinary(admin_client, ctx, limited_call):
    late = _mark(admin_client, limited_call, slots="2", internal_date="2027-06-01")   # the funder's: 29 January 2027
    assert late.status_code == 400
    assert "must be on or before the funder's deadline" in markup.unescape(late.text)
    none = _mark(admin_client, limited_call, slots="0", internal_date="2027-01-10")
    assert none.status_code == 400 and "1 or more" in none.text
    assert 'value="0"' in none.text, "the form shows what was typed"
    with ctx.sessions() as session:
        assert storage.limited_of(session, limited_call) is None


def test_intent_link_from_the_email_to_the_staff_list(admin_client, app, ctx, sink, limited_call):
    saved = _mark(admin_client, limited_call, slots="2", internal_date="2027-01-10", contact="grants@ppu.edu")
    assert saved.status_code == 303, saved.text
    amal = _faculty(ctx, "amal@ppu.edu", "أمل خليل")
    _faculty(ctx, "sami@ppu.edu", "Sami Odeh")
    with ctx.sessions() as session:
        report = digests.send_digests(session, now=SUNDAY, config=replace(ctx.delivery_config, smtp_url=sink.url))
    assert report.sent == 2
    letters = {message.parsed().get("To").addresses[0].addr_spec: message.parsed() for message in sink.messages}
    text = letters["amal@ppu.edu"].get_body(("plain",)).get_content()
    assert text.index("Internal deadline") < text.index("Funder's deadline")
    links = INTENT_LINK.findall(text)
    assert len(links) == 1
    link = links[0].removeprefix("http://testserver")
    html = letters["amal@ppu.edu"].get_body(("html",)).get_content()
    assert "I intend to apply" in html
    calendar = next(part for part in letters["amal@ppu.edu"].walk() if part.get_content_type() == "text/calendar")
    events = calendar.get_content().replace("\r\n ", "")
    assert events.index("Internal deadline: Seed grants") < events.index("SUMMARY:Deadline: Seed grants")
    assert "DTSTART;VALUE=DATE:20270110" in events
    public = markup.unescape(admin_client.get(f"/calls/{limited_call}").text)
    assert public.index("Internal deadline") < public.index("Funder's deadline")
    feed = admin_client.get("/feeds/calls.ics").text.replace("\r\n ", "")
    assert feed.index(f"UID:internal-{limited_call}@fursa") < feed.index(f"UID:call-{limited_call}@fursa")

    with TestClient(app, base_url="http://testserver") as visitor:   # no login, no cookie
        page = visitor.get(link)
        assert page.status_code == 200 and "I intend to apply" in page.text
        form = {"csrf_token": csrf_of(page.text)}
        shown = markup.unescape(page.text)
        assert shown.index("Internal deadline") < shown.index("Funder's deadline")
        tampered = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
        refused = visitor.post(tampered, data=form)
        assert refused.status_code == 400 and "nothing was recorded" in refused.text
        other_call = re.sub(r"/intent/(\d+)\.(\d+)\.", lambda m: f"/intent/{m[1]}.{int(m[2]) + 1}.", link)
        assert visitor.post(other_call, data=form).status_code == 400
        with ctx.sessions() as session:
            assert storage.intents_of(session, storage.limited_of(session, limited_call)) == []
        first = visitor.post(link, data=form)
        assert first.status_code == 200 and "is recorded" in first.text
        again = visitor.post(link, data=form)
        assert again.status_code == 200 and "already recorded" in again.text

    staff_page = admin_client.get(f"/desk/calls/{limited_call}/limited").text
    assert "أمل خليل" in staff_page and "(1 / 2)" in staff_page and "Sami Odeh" not in staff_page
    export = admin_client.get(f"/desk/calls/{limited_call}/limited/intents.csv")
    assert export.content.startswith(b"\xef\xbb\xbf")
    rows = export.content.decode("utf-8-sig").splitlines()
    assert len(rows) == 2 and rows[1].startswith("أمل خليل,amal@ppu.edu,")
    close_form = rendered_form(staff_page, f"/desk/calls/{limited_call}/limited/close")
    closed = _post(admin_client, f"/desk/calls/{limited_call}/limited/close", close_form, follow_redirects=False)
    assert closed.status_code == 303

    sami_text = letters["sami@ppu.edu"].get_body(("plain",)).get_content()
    sami_link = INTENT_LINK.findall(sami_text)[0].removeprefix("http://testserver")
    with TestClient(app, base_url="http://testserver") as visitor:
        closed_page = visitor.get(sami_link).text
        assert "is closed" in closed_page
        late = visitor.post(sami_link, data={"csrf_token": csrf_of(visitor.get("/subscribe").text)})
        assert late.status_code == 409 and "is closed" in late.text
    with ctx.sessions() as session:
        intents = storage.intents_of(session, storage.limited_of(session, limited_call))
        assert [i.subscriber_id for i in intents] == [amal]
