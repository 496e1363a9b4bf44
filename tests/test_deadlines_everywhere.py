"""One deadline, one truth (issue 14, item 4): every surface shows a call's deadline the same way.

One table of deadlines as sources state them (US Eastern, Brussels, UTC and Hebron with a time, and
dates alone), on and around the daylight-saving changes of New York, Europe and Hebron in 2027. Each is
read by the crawlers' own date reader, stored as a crawl stores it, and checked on the public list, the
call page in English and Arabic, the e-mail (text and HTML, through a real SMTP server), the e-mail's
calendar, the ICS and RSS feeds and the JSON API. The rule they must all follow: a date alone is that
calendar date everywhere (an all-day event on it, open all of it in Hebron); a time is shown in Hebron
time with the funder's own time beside it when it reads differently.

Then the Grants.gov case end to end: a search2 answer of the recorded shape with closeDate 01/15/2027,
served on loopback, crawled by the Scrapy child, shown as 15 January, never 16 January.
"""
from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from icalendar import Calendar

from fursa import pipeline, storage, web
from fursa.crawlers import deadline_from
from fursa.settings import load_settings
from tests.crawlers.server import LocalServer, Reply
from tests.databases import test_database_url
from tests.digests.smtpsink import SmtpSink

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

HEBRON = ZoneInfo("Asia/Hebron")
# Sunday 3 January 2027, 09:00 in Hebron: the weekly digest is due, and every deadline below is ahead.
NOW = datetime(2027, 1, 3, 7, 0, tzinfo=timezone.utc)
CITY_AR = {"New York": "نيويورك", "Brussels": "بروكسل", "UTC": "UTC"}
MONTH_AR = {1: "كانون الثاني", 3: "آذار", 10: "تشرين الأول", 11: "تشرين الثاني"}
WEEKDAY_AR = {0: "الاثنين", 1: "الثلاثاء", 2: "الأربعاء", 3: "الخميس", 4: "الجمعة", 5: "السبت", 6: "الأحد"}
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@dataclass(frozen=True)
class Case:
    """A deadline as a source writes it, and what every reader in Hebron must be shown."""

    name: str
    written: str                 # the source's value, read by crawlers.deadline_from
    zone: str                    # the source's zone
    style: str                   # "auto", "us" or "iso", as the catalogue would set it
    day: date                    # the date shown: the stated one, or the date in Hebron
    hebron_time: str | None = None           # HH:MM in Hebron; None for a date alone
    funder_time: str | None = None           # the funder's own HH:MM, shown beside when it differs
    funder_city: str | None = None
    funder_day: date | None = None           # shown beside only when it is not `day`

    @property
    def title(self) -> str:
        return f"Deadline case {self.name}"


CASES = [
    # New York: DST begins 14 March 2027, ends 7 November 2027.
    Case("new-york-evening", "2027-01-15 17:00", "America/New_York", "auto", date(2027, 1, 16), "00:00",
         "17:00", "New York", date(2027, 1, 15)),
    Case("new-york-before-dst", "13 March 2027 12:00", "America/New_York", "auto", date(2027, 3, 13), "19:00",
         "12:00", "New York"),
    Case("new-york-after-dst", "15 March 2027 12:00", "America/New_York", "auto", date(2027, 3, 15), "18:00",
         "12:00", "New York"),
    Case("new-york-eve-of-dst-end", "2027-11-06T23:59:00", "America/New_York", "iso", date(2027, 11, 7), "05:59",
         "23:59", "New York", date(2027, 11, 6)),
    Case("new-york-dst-end-day", "7 November 2027 9:00am ET", "UTC", "auto", date(2027, 11, 7), "16:00",
         "09:00", "New York"),
    # Brussels (CET/CEST): DST begins 28 March 2027, ends 31 October 2027.
    Case("brussels-before-dst", "26 March 2027 17:00", "Europe/Brussels", "auto", date(2027, 3, 26), "18:00",
         "17:00", "Brussels"),
    Case("brussels-after-dst", "2027-03-28 17:00 (Europe/Brussels)", "UTC", "auto", date(2027, 3, 28), "18:00",
         "17:00", "Brussels"),
    Case("brussels-dst-end-day", "2027-10-31T12:00:00+01:00", "Europe/Brussels", "iso", date(2027, 10, 31), "13:00",
         "12:00", "Brussels"),
    # UTC, across midnight in Hebron the day after Hebron's DST ends (30 October 2027, 02:00 → 01:00).
    Case("utc-crosses-midnight", "Sat, 30 Oct 2027 23:30:00 +0000", "UTC", "auto", date(2027, 10, 31), "01:30",
         "23:30", "UTC", date(2027, 10, 30)),
    # Hebron itself: DST begins 27 March 2027; nothing to show beside.
    Case("hebron-eve-of-dst", "26/03/2027 23:30", "Asia/Hebron", "auto", date(2027, 3, 26), "23:30"),
    Case("hebron-dst-day", "27 March 2027 10:00", "Asia/Hebron", "auto", date(2027, 3, 27), "10:00"),
    Case("hebron-after-dst-end", "30 October 2027 12:00", "Asia/Hebron", "auto", date(2027, 10, 30), "12:00"),
    # Dates alone: never moved, whatever the zone and whatever the clocks do that day.
    Case("date-only-new-york", "01/15/2027", "America/New_York", "us", date(2027, 1, 15)),
    Case("date-only-new-york-dst", "2027-03-14", "America/New_York", "iso", date(2027, 3, 14)),
    Case("date-only-hebron-dst", "27 آذار 2027", "Asia/Hebron", "auto", date(2027, 3, 27)),
    Case("date-only-brussels-dst-end", "31 October 2027", "Europe/Brussels", "auto", date(2027, 10, 31)),
    Case("date-only-hebron-dst-end", "2027-10-30", "Asia/Hebron", "iso", date(2027, 10, 30)),
]


def words_en(case: Case, weekday: bool = False) -> str:
    """The deadline as an English reader in Hebron must read it."""
    def on(day: date) -> str:
        return (f"{day:%A} " if weekday else "") + f"{day.day} {day:%B} {day.year}"
    text = on(case.day)
    if case.hebron_time:
        text += f", {case.hebron_time} Hebron time"
    if case.funder_time:
        beside = f"{case.funder_time} {case.funder_city} time"
        text += f" ({on(case.funder_day)}, {beside})" if case.funder_day else f" ({beside})"
    return text


def words_ar(case: Case, weekday: bool = False) -> str:
    """The same in Arabic (Levantine month names, "بتوقيت الخليل")."""
    def on(day: date) -> str:
        return (f"{WEEKDAY_AR[day.weekday()]} " if weekday else "") + f"{day.day} {MONTH_AR[day.month]} {day.year}"
    text = on(case.day)
    if case.hebron_time:
        text += f"، {case.hebron_time} بتوقيت الخليل"
    if case.funder_time:
        beside = f"{case.funder_time} بتوقيت {CITY_AR[case.funder_city]}"
        text += f" ({on(case.funder_day)}، {beside})" if case.funder_day else f" ({beside})"
    return text


def instant(case: Case) -> datetime:
    hour, minute = map(int, case.hebron_time.split(":"))
    return datetime(case.day.year, case.day.month, case.day.day, hour, minute, tzinfo=HEBRON).astimezone(timezone.utc)


@dataclass
class World:
    ctx: pipeline.Context
    client: TestClient
    ids: dict[str, int]
    mail: dict[str, EmailMessage]


def _settings(folder, **more):
    return load_settings(database_url=test_database_url(folder), outbox_dir=folder / "outbox",
                         allow_private_addresses=True, model_dir=folder / ".fursa",
                         public_base_url="https://fursa.ppu.example", **more)


def _store(ctx: pipeline.Context, drafts: list[storage.Draft]) -> dict[str, int]:
    """The drafts stored as a crawl stores them, then tagged open to everyone and approved."""
    with ctx.sessions.begin() as session:
        source = storage.source_from_spec(storage.SourceSpec(name="Deadline cases", type="api",
                                                             url="https://example.org/api"))
        session.add(source)
        session.flush()
        rows = storage.ingest_drafts(session, source, drafts, NOW).new
        for row in rows:
            row.kind, row.disciplines, row.palestinian_eligible, row.tagged_at = "scholarship", ["any"], True, NOW
            storage.set_status(row, "approved", NOW)
        return {row.title: row.id for row in rows}


def _subscribe(ctx: pipeline.Context, email: str, language: str) -> None:
    with ctx.sessions.begin() as session:
        storage.add_subscriber(session, storage.SubscriberInput(email=email, language=language, confirmed=True), NOW)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("deadlines")
    sink = SmtpSink().start()
    try:
        ctx = pipeline.make_context(_settings(folder, smtp_url=sink.url))
        storage.migrate(ctx.engine)
        drafts = [storage.Draft(source_name="Deadline cases", url=f"https://example.org/calls/{case.name}",
                                title=case.title, text="Open to Palestinian students.", provider="Funder",
                                deadline=deadline_from(case.written, case.zone, case.style), language="en")
                  for case in CASES]
        ids = _store(ctx, drafts)
        _subscribe(ctx, "en@ppu.example", "en")
        _subscribe(ctx, "ar@ppu.example", "ar")
        report = pipeline.send_due_digests(ctx, NOW)
        assert report.sent == 2, report.describe()
        assert sink.wait_for(2)
        mail = {received.recipients[0]: received.parsed() for received in sink.messages}
        with TestClient(web.create_app(ctx, clock=lambda: NOW), base_url="http://testserver") as client:
            yield World(ctx, client, ids, mail)
    finally:
        sink.stop()


def _text(node) -> str:
    return " ".join(node.get_text(" ").split())


def _time_of(html: str, title: str | None = None):
    """The deadline's <time> on a page: of the card holding `title` on a list, else the page's one."""
    soup = BeautifulSoup(html, "html.parser")
    if title is None:
        return soup.select_one("time.deadline")
    heading = soup.find(lambda tag: tag.name in ("h2", "h3") and title in tag.get_text())
    assert heading is not None, f"{title!r} is not on the list"
    card = heading.find_parent(["li", "article"])
    return card.select_one("time.deadline")


def _body(message: EmailMessage, subtype: str) -> str:
    return message.get_body(preferencelist=(subtype,)).get_content()


def _mail_deadline(body: str, title: str) -> str:
    """The 'Deadline:' line that follows `title` in an e-mail, as one line of text."""
    plain = " ".join(BeautifulSoup(body, "html.parser").get_text(" ").split()) if "<html" in body else " ".join(body.split())
    start = plain.index(title)
    found = re.search(r"(?:Deadline|آخر موعد) ?: (.+?) \((?:in |closes|خلال|يُغلق|يغلق)", plain[start:])
    assert found, f"no deadline line after {title!r}"
    return found.group(1)


def _ics_event(ics: bytes, title: str):
    for event in Calendar.from_ical(ics).walk("VEVENT"):
        if str(event["SUMMARY"]) == f"Deadline: {title}":
            return event
    raise AssertionError(f"no event for {title!r}")


def _check_event(event, case: Case) -> None:
    start = event.decoded("dtstart")
    if case.hebron_time is None:
        # a date alone is an all-day event on that date: VALUE=DATE, never a time in some zone
        assert type(start) is date and start == case.day, (case.name, start)
        assert event.decoded("dtend") == case.day + timedelta(days=1)
    else:
        assert isinstance(start, datetime) and start == instant(case), (case.name, start)
        assert start.astimezone(HEBRON).date() == case.day


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_every_surface_shows_the_same_deadline(world: World, case: Case):
    client, call_id = world.client, world.ids[case.title]

    # public list and call page, in English and in Arabic
    listed = _time_of(client.get("/", headers={"Accept-Language": "en"}).text, case.title)
    assert _text(listed) == words_en(case)
    english = _time_of(client.get(f"/calls/{call_id}", headers={"Accept-Language": "en"}).text)
    assert _text(english) == words_en(case)
    arabic = _time_of(client.get(f"/calls/{call_id}", headers={"Accept-Language": "ar"}).text)
    assert _text(arabic) == words_ar(case)
    machine = english["datetime"]
    if case.hebron_time is None:
        assert machine == case.day.isoformat()
    else:
        assert datetime.fromisoformat(machine) == instant(case)
        assert machine.startswith(f"{case.day.isoformat()}T{case.hebron_time}")
    assert arabic["datetime"] == machine

    # the JSON API
    (api,) = [item for item in client.get("/api/v1/calls?limit=200").json()["items"] if item["id"] == call_id]
    assert api == client.get(f"/api/v1/calls/{call_id}").json()
    deadline = api["deadline"]
    assert (deadline["kind"], deadline["date"], deadline["time"], deadline["date_only"]) == (
        "date", case.day.isoformat(), case.hebron_time, case.hebron_time is None)
    if case.hebron_time:
        assert datetime.fromisoformat(deadline["at"].replace("Z", "+00:00")) == instant(case)

    # RSS: the same words, after the parts the call has
    rss = client.get("/feeds/calls.rss?q=" + case.name).text
    assert f"Funder · Scholarship · Deadline: {words_en(case)}" in rss

    # the ICS feed and the e-mail's calendar
    _check_event(_ics_event(client.get("/feeds/calls.ics").content, case.title), case)
    english_mail, arabic_mail = world.mail["en@ppu.example"], world.mail["ar@ppu.example"]
    (attachment,) = english_mail.iter_attachments()
    _check_event(_ics_event(attachment.get_payload(decode=True), case.title), case)

    # the e-mail, text and HTML, in English and Arabic (Arabic-Indic digits)
    for subtype in ("plain", "html"):
        assert _mail_deadline(_body(english_mail, subtype), case.title) == words_en(case, weekday=True)
        assert _mail_deadline(_body(arabic_mail, subtype), case.title) == (
            words_ar(case, weekday=True).translate(ARABIC_DIGITS))


def test_the_zone_is_named_as_readers_name_it(world: World):
    english, arabic = world.mail["en@ppu.example"], world.mail["ar@ppu.example"]
    assert "Times are shown in Hebron time" in _body(english, "plain")
    assert "بتوقيت الخليل" in _body(arabic, "plain")
    for message in (english, arabic):
        for subtype in ("plain", "html"):
            assert "هيبرون" not in _body(message, subtype) and "Palestinian Territories" not in _body(message, subtype)


def test_an_unknown_stored_zone_shows_the_hebron_time_without_the_funders():
    """A row whose zone name this system does not know (an old row, a typo) still shows its deadline."""
    stated = storage.Deadline.timed(datetime(2027, 1, 15, 12, 0, tzinfo=timezone.utc), "Europe/Atlantis")
    assert storage.describe_deadline(stated, "Asia/Hebron", "en_GB", lambda text: text) == (
        "15 January 2027, 14:00 Hebron time")


@pytest.mark.parametrize("text, day, hebron", [
    ("Deadline: 15 January 2027.", date(2027, 1, 15), None),
    ("Deadline: 15 January 2027, 17:00 CET.", date(2027, 1, 15), "18:00"),
])
def test_a_deadline_read_from_the_text_is_a_date_unless_it_states_a_time(text, day, hebron):
    """The tagger dates a day read from prose 23:59 in the call's zone; stored, it is that date alone."""
    from fursa import matching

    row = storage.Opportunity(title="A call", text=text, flags=[], tags_edited=False, deadline_kind="unknown",
                              levels=[], regions=[], kind="other", language="en")
    tagging = matching.tag_item(row.title, text, published=date(2026, 12, 1))
    pipeline.apply_tagging(row, tagging, NOW)
    assert row.deadline_date == (day if hebron is None else None)
    shown = row.deadline
    assert shown.shown_day("Asia/Hebron") == day
    assert (shown.local("Asia/Hebron").strftime("%H:%M") if shown.local("Asia/Hebron") else None) == hebron


def test_the_matcher_counts_calendar_days_as_the_pages_do():
    from fursa.matching.deadlines import days_until

    stated = deadline_from("15 January 2027 10:00", "Asia/Hebron")
    eve = datetime(2027, 1, 14, 20, 0, tzinfo=HEBRON)   # 14 hours before: "closes tomorrow", not "today"
    assert days_until(stated.at, eve) == stated.days_left(eve, "Asia/Hebron") == 1
    date_only = deadline_from("01/15/2027", "America/New_York", "us")
    morning = datetime(2027, 1, 15, 7, 0, tzinfo=HEBRON)
    assert days_until(date_only.at, morning) == date_only.days_left(morning, "Asia/Hebron") == 0


# --- open and closed: a date alone is open all of that day in Hebron -----------------------------------------

def _surfaces_at(ctx: pipeline.Context, moment: datetime, call_id: int) -> dict[str, object]:
    with TestClient(web.create_app(ctx, clock=lambda: moment), base_url="http://testserver") as client:
        page = client.get(f"/calls/{call_id}", headers={"Accept-Language": "en"}).text
        listed = "Closes on the 15th" in client.get("/").text
        api = [item["id"] for item in client.get("/api/v1/calls").json()["items"]]
    with ctx.sessions() as session:
        row = session.get(storage.Opportunity, call_id)
        countdown = row.deadline.days_left(moment, "Asia/Hebron")
    return {"closed notice": "This call has closed." in page, "listed": listed, "in api": call_id in api,
            "days left": countdown}


def test_a_date_alone_is_open_all_of_that_day_in_hebron(tmp_path):
    ctx = pipeline.make_context(_settings(tmp_path))
    storage.migrate(ctx.engine)
    draft = storage.Draft(source_name="Deadline cases", url="https://example.org/calls/15th", title="Closes on the 15th",
                          deadline=deadline_from("01/15/2027", "America/New_York", "us"), language="en")
    call_id = _store(ctx, [draft])["Closes on the 15th"]
    morning = datetime(2027, 1, 15, 8, 0, tzinfo=HEBRON)
    last_second = datetime(2027, 1, 15, 23, 59, 59, tzinfo=HEBRON)
    midnight = datetime(2027, 1, 16, 0, 0, tzinfo=HEBRON)
    open_ = {"closed notice": False, "listed": True, "in api": True, "days left": 0}
    assert _surfaces_at(ctx, morning, call_id) == open_
    assert _surfaces_at(ctx, last_second, call_id) == open_
    # New York's 23:59 on the 15th is 06:59 on the 16th here: by then the call has closed
    assert _surfaces_at(ctx, midnight, call_id) == {"closed notice": True, "listed": False, "in api": False,
                                                      "days left": None}
    with ctx.sessions.begin() as session:
        assert storage.expire_passed(session, last_second) == 0
        assert storage.expire_passed(session, midnight) == 1


def test_the_digest_counts_days_to_the_date_shown(tmp_path):
    from fursa.digests import DeliveryConfig, render_digest   # the digest's own surface, rendered
    from fursa.digests.selection import select_items

    ctx = pipeline.make_context(_settings(tmp_path))
    storage.migrate(ctx.engine)
    _store(ctx, [storage.Draft(source_name="Deadline cases", url="https://example.org/calls/15th", title="Fifteenth",
                               deadline=deadline_from("01/15/2027", "America/New_York", "us"), language="en")])
    _subscribe(ctx, "en@ppu.example", "en")
    config = DeliveryConfig(outbox_dir=tmp_path / "outbox")
    for moment, expected in ((datetime(2027, 1, 14, 23, 30, tzinfo=HEBRON), "closes tomorrow"),
                             (datetime(2027, 1, 15, 0, 30, tzinfo=HEBRON), "closes today"),
                             (datetime(2027, 1, 12, 9, 0, tzinfo=HEBRON), "in 3 days")):
        with ctx.sessions() as session:
            subscriber = storage.active_subscribers(session)[0]
            items = select_items(subscriber, storage.approved_open(session, moment), now=moment)
            digest = _digest_for(subscriber, items, moment)
            text = render_digest(digest, config).text
        assert f"Deadline: Friday 15 January 2027 ({expected})" in text, text


def test_closing_soon_takes_the_calls_the_countdown_says_close_within_the_week(tmp_path):
    from fursa.digests.selection import select_closing_soon

    ctx = pipeline.make_context(_settings(tmp_path))
    storage.migrate(ctx.engine)
    ids = _store(ctx, [storage.Draft(source_name="Deadline cases", url=f"https://example.org/calls/{day}",
                                     title=f"Closes on the {day}th", language="en",
                                     deadline=deadline_from(f"01/{day}/2027", "America/New_York", "us"))
                       for day in (15, 16)])
    _subscribe(ctx, "en@ppu.example", "en")
    moment = datetime(2027, 1, 8, 9, 0, tzinfo=HEBRON)   # the 15th is 7 calendar days ahead, the 16th 8
    with ctx.sessions() as session:
        subscriber = storage.active_subscribers(session)[0]
        closing = select_closing_soon(subscriber, storage.approved_open(session, moment), set(ids.values()),
                                      now=moment, days=7)
        worded = [item.deadline.days_left(moment, "Asia/Hebron") for item in closing]
    assert [item.title for item in closing] == ["Closes on the 15th"] and worded == [7]


def _digest_for(subscriber, items, moment):
    from fursa.digests import Digest
    return Digest(subscriber_id=subscriber.id, email=subscriber.email, name="", language="en", role="student",
                  period="test", generated_at=moment, items=tuple(items))


# --- Grants.gov, end to end ------------------------------------------------------------------------------------

CATALOGUE = """
[[source]]
name = "Grants.gov (loopback)"
type = "api"
parser = "grants_gov"
url = "{base}/v1/api/search2"
kind = "research_funding"
every_hours = 12
[source.options]
body = {{ keyword = "student", oppStatuses = "posted", rows = 5 }}
"""


def _search2_answer() -> bytes:
    """A search2 answer of the shape Grants.gov sends (../shared/corpus/grants-gov-api), one hit closing 01/15/2027."""
    hit = {"id": "360001", "number": "PPU-27-001", "title": "Research exchange grants for engineering students",
           "agencyCode": "NSF", "agency": "U.S. National Science Foundation", "openDate": "11/02/2026",
           "closeDate": "01/15/2027", "oppStatus": "posted", "docType": "synopsis", "cfdaList": ["47.075"]}
    return json.dumps({"errorcode": 0, "msg": "Webservice Succeeds", "token": "",
                       "data": {"searchParams": {"keyword": "student", "oppStatuses": "posted", "rows": 5},
                                "hitCount": 1, "startRecord": 0, "oppHits": [hit],
                                "oppStatusOptions": [], "dateRangeOptions": [], "suggestion": "",
                                "eligibilities": [], "fundingCategories": [], "fundingInstruments": [],
                                "agencies": [], "accessKey": "", "errorMsgs": []}}).encode()


def test_grants_gov_close_date_is_15_january_everywhere(tmp_path):
    title = "Research exchange grants for engineering students"
    sink = SmtpSink().start()
    try:
        with LocalServer() as server:
            server.add("/v1/api/search2", Reply(200, _search2_answer(), {"Content-Type": "application/json"}))
            (tmp_path / "catalogue.toml").write_text(CATALOGUE.format(base=server.base), encoding="utf-8")
            ctx = pipeline.make_context(_settings(tmp_path, smtp_url=sink.url, catalogue=tmp_path / "catalogue.toml"))
            pipeline.init_database(ctx)
            crawl = pipeline.crawl_due(ctx, NOW)
            assert [outcome.status for outcome in crawl.outcomes] == ["ok"]
        pipeline.tag_new(ctx, NOW)
        assert pipeline.approve_new(ctx, NOW, actor="test") == 1
        with ctx.sessions.begin() as session:
            (row,) = session.query(storage.Opportunity).all()
            row.disciplines = ["any"]   # whatever the tagger read, the faculty digest below should carry it
            call_id = row.id
            assert (row.deadline_date, row.deadline_tz) == (date(2027, 1, 15), "America/New_York")
        _subscribe_faculty(ctx)
        assert pipeline.send_due_digests(ctx, NOW).sent == 1 and sink.wait_for(1)
        message = sink.messages[0].parsed()
    finally:
        sink.stop()

    with TestClient(web.create_app(ctx, clock=lambda: NOW), base_url="http://testserver") as client:
        listed = _time_of(client.get("/", headers={"Accept-Language": "en"}).text, title)
        page_en = client.get(f"/calls/{call_id}", headers={"Accept-Language": "en"}).text
        page_ar = client.get(f"/calls/{call_id}", headers={"Accept-Language": "ar"}).text
        api = client.get(f"/api/v1/calls/{call_id}").json()["deadline"]
        rss = client.get("/feeds/calls.rss").text
        ics = client.get("/feeds/calls.ics").content
    assert (_text(listed), listed["datetime"]) == ("15 January 2027", "2027-01-15")
    assert _text(_time_of(page_en)) == "15 January 2027"
    assert _text(_time_of(page_ar)) == "15 كانون الثاني 2027"
    assert "01/15/2027" not in page_ar and "2027/01/16" not in page_ar   # no bare machine date beside it
    assert (api["date"], api["time"], api["date_only"], api["timezone"]) == ("2027-01-15", None, True, "America/New_York")
    assert "Deadline: 15 January 2027" in rss
    event = _ics_event(ics, title)
    assert event.decoded("dtstart") == date(2027, 1, 15) and b"DTSTART;VALUE=DATE:20270115" in ics
    assert _mail_deadline(_body(message, "plain"), title) == "Friday 15 January 2027"
    assert _mail_deadline(_body(message, "html"), title) == "Friday 15 January 2027"
    (attachment,) = message.iter_attachments()
    assert _ics_event(attachment.get_payload(decode=True), title).decoded("dtstart") == date(2027, 1, 15)


def _subscribe_faculty(ctx: pipeline.Context) -> None:
    with ctx.sessions.begin() as session:
        storage.add_subscriber(session, storage.SubscriberInput(email="faculty@ppu.example", role="faculty",
                                                                confirmed=True), NOW)
