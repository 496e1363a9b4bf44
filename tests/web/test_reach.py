"""Reach end to end: digests sent through a real SMTP server carry counting links (and "I applied"),
the links are followed against the app on a real loopback port, and the desk's report and exports
show what the ledger sent and the redirect counted.

The redirect counts one click per GET, in the reader's segment; HEAD, prefetches and self-declared
link scanners are sent on without counting; a tampered link gets a page and counts nothing; a
reader who chose "do not count my clicks" gets the funder's link itself, and their old links that
named them count nothing; one who chose personal counting is counted by name as well.
"""
from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import datetime, timezone

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from starlette.testclient import TestClient

from fursa import digests, storage
from tests.digests.smtpsink import SmtpSink
from tests.web.conftest import csrf_of
from tests.web.live import serve_app

SUNDAY = datetime(2026, 11, 29, 7, 0, tzinfo=timezone.utc)   # the digests' send day and hour (Hebron)
MONTH = "2026-11"
REACH_LINK = re.compile(r"http://testserver/r/[0-9A-Za-z._-]+")
APPLIED_LINK = re.compile(r"http://testserver/applied/[0-9A-Za-z._-]+")
BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36"}
CALL_URL = "https://funder.example.org/calls/data-science-2027"


@pytest.fixture
def sink():
    server = SmtpSink().start()
    yield server
    server.stop()


def _subscriber(ctx, email, *, disciplines, levels, language="en", counting="group", role="student"):
    with ctx.sessions.begin() as session:
        row, _ = storage.add_subscriber(session, storage.SubscriberInput(
            email=email, name=email.split("@")[0].title(), role=role, disciplines=disciplines, levels=levels,
            language=language, confirmed=True), SUNDAY)
        storage.set_reach_counting(session, row, counting)
        return row.id


@pytest.fixture
def mailed(ctx, make_call, sink):
    """One call, mailed on Sunday to four students: two in IT (one reads Arabic), one in engineering who
    asked to be counted personally, one in IT who asked not to be counted."""
    call = make_call("Data science scholarship", status="approved", url=CALL_URL, disciplines=["0613", "0732"],
                     levels=["bachelor", "master"], kind="scholarship")
    people = {
        "lina": _subscriber(ctx, "lina@ppu.edu", disciplines=("0613",), levels=("master",)),
        "rami": _subscriber(ctx, "rami@ppu.edu", disciplines=("0613",), levels=("master",), language="ar"),
        "omar": _subscriber(ctx, "omar@ppu.edu", disciplines=("0732",), levels=("bachelor",), counting="personal"),
        "huda": _subscriber(ctx, "huda@ppu.edu", disciplines=("0613",), levels=("master",), counting="off"),
    }
    with ctx.sessions() as session:
        report = digests.send_digests(session, now=SUNDAY, config=replace(ctx.delivery_config, smtp_url=sink.url))
    assert report.sent == 4, report.describe()
    letters = {m.parsed()["To"].addresses[0].addr_spec.split("@")[0]: m.parsed() for m in sink.messages}
    return call, people, letters


def _text(letter) -> str:
    return letter.get_body(("plain",)).get_content()


def _path(link: str) -> str:
    return link.removeprefix("http://testserver")


def _segment_counts(ctx, call) -> dict[tuple[str, str, str], tuple[int, int]]:
    with ctx.sessions() as session:
        rows = session.scalars(select(storage.ReachCount).where(storage.ReachCount.opportunity_id == call))
        return {(r.college, r.level, r.role): (r.clicks, r.applied) for r in rows if r.month == MONTH}


def _personal(ctx, call) -> dict[int, tuple[int, bool]]:
    with ctx.sessions() as session:
        rows = session.scalars(select(storage.ReachPerson).where(storage.ReachPerson.opportunity_id == call))
        return {r.subscriber_id: (r.clicks, r.applied) for r in rows}


def test_the_digest_links_count_clicks_by_segment_and_lead_to_the_call(app, ctx, mailed):
    call, people, letters = mailed
    lina_links = REACH_LINK.findall(_text(letters["lina"]))
    assert len(lina_links) == 1 and CALL_URL not in _text(letters["lina"])
    html = letters["lina"].get_body(("html",)).get_content()
    assert CALL_URL not in html and html.count(lina_links[0]) == 2   # the title and the "Read the call" button
    huda = _text(letters["huda"])   # asked not to be counted: the funder's link, no redirect, no "I applied"
    assert CALL_URL in huda and "/r/" not in huda and "/applied/" not in huda
    it_master = ("it", "master", "student")

    with serve_app(lambda base: app) as base, httpx.Client(base_url=base, headers=BROWSER) as visitor:
        first = visitor.get(_path(lina_links[0]))
        assert (first.status_code, first.headers["location"]) == (303, CALL_URL)
        assert first.headers["referrer-policy"] == "no-referrer"
        assert _segment_counts(ctx, call) == {it_master: (1, 0)}
        assert visitor.get(_path(lina_links[0])).status_code == 303
        assert _segment_counts(ctx, call) == {it_master: (2, 0)}   # each GET is a click

        head = visitor.head(_path(lina_links[0]))
        scanner = visitor.get(_path(lina_links[0]), headers={"User-Agent": "Mozilla/5.0 (compatible; SafeLinks scanner)"})
        prefetch = visitor.get(_path(lina_links[0]), headers={"Sec-Purpose": "prefetch"})
        assert [r.status_code for r in (head, scanner, prefetch)] == [303, 303, 303]
        assert _segment_counts(ctx, call) == {it_master: (2, 0)}   # none of them counted

        payload, _, signature = _path(lina_links[0]).removeprefix("/r/").partition(".")
        for forged in (f"/r/{payload}.{signature[:-2]}{'AA' if not signature.endswith('AA') else 'BB'}",
                       f"/r/{payload[:-2]}{'AA' if not payload.endswith('AA') else 'BB'}.{signature}", "/r/x"):
            refused = visitor.get(forged)
            assert refused.status_code == 400 and 'href="/"' in refused.text and "Nothing was counted" in refused.text
        assert _segment_counts(ctx, call) == {it_master: (2, 0)}

        rami = REACH_LINK.findall(_text(letters["rami"]))[0]
        assert rami == lina_links[0]   # the same segment and mailing: the same link, nothing of the person in it
        omar = REACH_LINK.findall(_text(letters["omar"]))[0]
        assert visitor.get(_path(omar)).headers["location"] == CALL_URL
        assert _segment_counts(ctx, call)[("engineering", "bachelor", "student")] == (1, 0)
        assert _personal(ctx, call) == {people["omar"]: (1, False)}   # counted by name: he asked for it

        with ctx.sessions.begin() as session:   # Omar changes his mind: his old links now count nothing
            storage.set_reach_counting(session, session.get(storage.Subscriber, people["omar"]), "off")
        assert visitor.get(_path(omar)).headers["location"] == CALL_URL
        assert _segment_counts(ctx, call)[("engineering", "bachelor", "student")] == (1, 0)
        assert _personal(ctx, call) == {}   # and what was kept by name is gone


def test_i_applied_counts_once_per_person_in_the_readers_language(app, ctx, mailed):
    call, people, letters = mailed
    lina = _path(APPLIED_LINK.findall(_text(letters["lina"]))[0])
    rami = _path(APPLIED_LINK.findall(_text(letters["rami"]))[0])
    omar = _path(APPLIED_LINK.findall(_text(letters["omar"]))[0])
    with serve_app(lambda base: app) as base, httpx.Client(base_url=base, headers=BROWSER) as visitor:
        page = visitor.get(lina)
        assert page.status_code == 200 and "Yes, I applied" in page.text
        assert _segment_counts(ctx, call) == {}   # a GET (a mail scanner) records nothing
        form = {"csrf_token": csrf_of(page.text)}
        tampered = re.sub(r"/applied/(\d+)\.", lambda m: f"/applied/{int(m[1]) + 1}.", lina)
        assert visitor.post(tampered, data=form).status_code == 400
        assert _segment_counts(ctx, call) == {}
        assert "your application is counted" in visitor.post(lina, data=form).text
        assert "it is counted once" in visitor.post(lina, data=form).text
        arabic = visitor.get(rami)
        assert 'lang="ar"' in arabic.text and "نعم، تقدّمت" in arabic.text
        answer = visitor.post(rami, data={"csrf_token": csrf_of(arabic.text)})
        assert "حُسب تقديمك" in answer.text
        omar_page = visitor.get(omar)
        visitor.post(omar, data={"csrf_token": csrf_of(omar_page.text)})
    assert _segment_counts(ctx, call) == {("it", "master", "student"): (0, 2),
                                          ("engineering", "bachelor", "student"): (0, 1)}
    assert _personal(ctx, call) == {people["omar"]: (0, True)}   # only Omar asked to be named
    with ctx.sessions() as session:
        assert session.scalar(select(func.count()).select_from(storage.AppliedMark)) == 3


def test_the_report_and_its_exports_show_what_was_sent_and_clicked(admin_client, ctx, mailed):
    call, people, letters = mailed
    with TestClient(admin_client.app, base_url="http://testserver", headers=BROWSER) as visitor:
        for name in ("lina", "rami", "lina"):
            assert visitor.get(_path(REACH_LINK.findall(_text(letters[name]))[0]),
                               follow_redirects=False).status_code == 303
    staff = admin_client.get(_path(REACH_LINK.findall(_text(letters["lina"]))[0]), headers=BROWSER,
                             follow_redirects=False)
    assert staff.status_code == 303   # sent on, not counted: a signed-in desk (a digest preview's link)
    with ctx.sessions() as session:   # what the ledger says was sent, counted here independently
        sent = sum(1 for row in session.scalars(select(storage.Delivery)) if call in row.items)
    assert sent == 4

    page = admin_client.get(f"/desk/reach?month={MONTH}")
    assert page.status_code == 200
    row = re.search(rf'/desk/reach/calls/{call}\?month={MONTH}"[^>]*>[^<]*</a></td>\s*<td>(\d+)</td><td>(\d+)</td>'
                    r'<td>(\d+)</td>', page.text)
    assert row and tuple(map(int, row.groups())) == (sent, 3, 0)
    assert "<svg" in page.text and "<script" not in page.text

    detail = admin_client.get(f"/desk/reach/calls/{call}?month={MONTH}")
    assert detail.status_code == 200 and "College of IT and Computer Engineering" in detail.text
    assert "omar@ppu.edu" not in detail.text   # he was counted personally only for what he clicked: nothing

    csv_rows = admin_client.get(f"/desk/reach/{MONTH}.csv").content.decode("utf-8-sig").splitlines()
    assert csv_rows[0] == ",".join(storage.REACH_COLUMNS)
    by_segment = {tuple(line.split(",")[3:6]): tuple(map(int, line.split(",")[6:])) for line in csv_rows[1:]}
    assert by_segment == {("it", "master", "student"): (3, 3, 0), ("engineering", "bachelor", "student"): (1, 0, 0)}
    book = load_workbook(io.BytesIO(admin_client.get(f"/desk/reach/{MONTH}.xlsx").content))
    cells = [tuple(row) for row in book.active.iter_rows(values_only=True)]
    assert cells[0] == storage.REACH_COLUMNS
    assert {row[3:6]: row[6:] for row in cells[1:]} == by_segment
    assert all(row[:3] == (MONTH, call, "Data science scholarship") for row in cells[1:])


def test_the_preferences_page_stores_the_counting_choice(client, ctx, mailed):
    call, people, letters = mailed
    with ctx.sessions() as session:
        row = session.get(storage.Subscriber, people["lina"])
        token = digests.make_subscriber_token(row, "preferences", ctx.settings.secret_key)
    page = client.get(f"/preferences/{token}")
    assert 'name="reach_counting" value="group" checked' in page.text
    form = {"csrf_token": csrf_of(page.text), "role": "student", "fields": "0613", "levels": "master",
            "language": "en", "frequency": "weekly", "reach_counting": "personal"}
    assert client.post(f"/preferences/{token}", data=form).status_code == 200
    with ctx.sessions() as session:
        assert session.get(storage.Subscriber, people["lina"]).reach_counting == "personal"
    form["reach_counting"] = "everything"   # not a choice: nothing changes
    client.post(f"/preferences/{token}", data=form)
    with ctx.sessions() as session:
        assert session.get(storage.Subscriber, people["lina"]).reach_counting == "personal"
