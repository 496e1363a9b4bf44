"""Public pages: browse with filters, one page per call, feeds per filter, the JSON API, languages."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

ATOM = {"a": "http://www.w3.org/2005/Atom"}


@pytest.fixture
def calls(make_call):
    return {
        "daad": make_call("DAAD engineering master", status="approved", kind="scholarship", levels=["master"],
                          disciplines=["071"], palestinian_eligible=True, deadline_days=10, language="en"),
        "erasmus": make_call("Erasmus exchange semester", status="approved", kind="exchange", levels=["bachelor"],
                             disciplines=["any"], deadline_days=60),
        "arabic": make_call("منحة دكتوراه في الطب", status="approved", kind="scholarship", levels=["phd"],
                            disciplines=["091"], deadline_days=None, language="ar"),
        "closed": make_call("Closed fellowship", status="approved", kind="fellowship", deadline_days=-3),
        "new": make_call("Not yet reviewed call", kind="scholarship"),
        "rejected": make_call("Rejected call", status="rejected"),
    }


def _titles(html: str, calls_: dict, names=("daad", "erasmus", "arabic", "closed", "new", "rejected")) -> set[str]:
    titles = {"daad": "DAAD engineering master", "erasmus": "Erasmus exchange semester", "arabic": "منحة دكتوراه في الطب",
              "closed": "Closed fellowship", "new": "Not yet reviewed call", "rejected": "Rejected call"}
    return {name for name in names if titles[name] in html}


@pytest.mark.parametrize("query, expected", [
    ("", {"daad", "erasmus", "arabic"}),
    ("kind=scholarship", {"daad", "arabic"}),
    ("level=bachelor", {"erasmus"}),
    ("field=071", {"daad", "erasmus"}),          # a narrow field, and a call open to every field
    ("field=07", {"daad", "erasmus"}),           # the broad field covers its narrow fields
    ("field=09", {"arabic", "erasmus"}),
    ("within=30", {"daad"}),
    ("eligible=ps", {"daad"}),
    ("language=ar", {"arabic"}),
    ("q=engineering+master", {"daad"}),
    ("q=nothing-matches", set()),
])
def test_browse_filters(client, calls, query, expected):
    response = client.get(f"/?{query}")
    assert response.status_code == 200
    assert _titles(response.text, calls) == expected


def test_featured_calls_come_first(client, make_call):
    make_call("Ordinary call", status="approved", deadline_days=5)
    make_call("Featured call", status="approved", featured=True, deadline_days=50)
    page = client.get("/").text
    assert page.index("Featured call") < page.index("Ordinary call")


def test_a_call_has_its_own_page_and_unreviewed_calls_have_none(client, calls):
    page = client.get(f"/calls/{calls['daad']}")
    assert page.status_code == 200 and "DAAD engineering master" in page.text and "Open to Palestinians" in page.text
    assert "Read the call and apply" in page.text
    for name in ("new", "rejected"):
        assert client.get(f"/calls/{calls[name]}").status_code == 404
    assert client.get("/calls/99999").status_code == 404


def test_feeds_follow_the_filters(client, calls):
    rss = ET.fromstring(client.get("/feeds/calls.rss?kind=scholarship").content)
    assert {i.findtext("title") for i in rss.iter("item")} == {"DAAD engineering master", "منحة دكتوراه في الطب"}
    link = rss.find("./channel/item/link").text
    assert link.startswith("http://testserver/calls/")
    atom = ET.fromstring(client.get("/feeds/calls.atom?level=bachelor").content)
    assert [e.findtext("a:title", namespaces=ATOM) for e in atom.findall("a:entry", ATOM)] == ["Erasmus exchange semester"]
    response = client.get("/feeds/calls.ics")
    assert response.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    # the Arabic call has no deadline date, so it has no event
    assert sorted(str(e["summary"]) for e in events) == ["Deadline: DAAD engineering master",
                                                          "Deadline: Erasmus exchange semester"]
    # these deadlines have a time (now + N days), so each event starts at its instant, on that day in Hebron
    assert {e.decoded("dtstart").astimezone(ZoneInfo("Asia/Hebron")).date() for e in events} == {
        date(2026, 12, 10), date(2027, 1, 29)}


def test_the_browse_page_links_to_feeds_of_its_filters(client, calls):
    page = client.get("/?kind=exchange&level=bachelor").text
    assert "/feeds/calls.rss?level=bachelor&amp;kind=exchange" in page
    assert "/feeds/calls.ics?level=bachelor&amp;kind=exchange" in page


def test_json_api_lists_and_shows_approved_calls(client, calls):
    body = client.get("/api/v1/calls?kind=scholarship").json()
    assert body["total"] == 2 and {item["title"] for item in body["items"]} == {"DAAD engineering master",
                                                                                "منحة دكتوراه في الطب"}
    one = client.get(f"/api/v1/calls/{calls['daad']}").json()
    assert one["deadline"]["kind"] == "date" and one["levels"] == ["master"] and one["palestinian_eligible"] is True
    assert one["page"] == f"http://testserver/calls/{calls['daad']}"
    missing = client.get(f"/api/v1/calls/{calls['new']}")
    assert missing.status_code == 404 and "no approved call" in missing.json()["detail"]
    assert client.get("/api/v1/calls?limit=0").status_code == 422


def test_openapi_describes_only_the_api(client):
    spec = client.get("/api/openapi.json").json()
    assert set(spec["paths"]) == {"/api/v1/calls", "/api/v1/calls/{call_id}"}
    parameters = {p["name"] for p in spec["paths"]["/api/v1/calls"]["get"]["parameters"]}
    assert {"q", "field", "level", "kind", "within", "eligible", "language", "offset", "limit"} <= parameters


def test_arabic_pages_are_right_to_left_and_translated(client, calls):
    client.get("/language/ar")
    page = client.get("/")
    assert '<html lang="ar" dir="rtl">' in page.text and page.headers["content-language"] == "ar"
    assert "منح دراسية وبرامج تبادل وتمويل بحثي" in page.text and "Scholarships, exchanges" not in page.text
    assert "منحة دراسية" in page.text  # the kind label, translated


def test_the_browser_language_is_used_until_the_visitor_chooses(client):
    assert 'lang="ar"' in client.get("/", headers={"Accept-Language": "ar-PS,ar;q=0.9,en;q=0.8"}).text
    assert 'lang="en"' in client.get("/", headers={"Accept-Language": "fr-FR, en;q=0.5"}).text
    client.get("/language/en")
    assert 'lang="en"' in client.get("/", headers={"Accept-Language": "ar"}).text


def test_unknown_pages_get_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "There is nothing at this address" in response.text


@pytest.mark.parametrize("query, words", [
    ("level=emperor", ["emperor", "Level", "bachelor, master, phd"]),
    ("kind=bogus&within=5000", ["bogus", "Kind", "5000", "Deadline", "7, 30, 90"]),
    ("field=abc", ["abc", "Field"]),
    ("field=0999", ["0999", "Field"]),
    ("country=XX", ["XX", "Country"]),
    ("coverage=most", ["most", "Funding", "full, partial"]),
    ("sort=cheapest", ["cheapest", "Order", "closing, newest, relevance"]),
    ("eligible=yes", ["yes"]),
])
def test_bad_filter_values_are_refused_with_a_message(client, calls, query, words):
    page = client.get(f"/?{query}")
    assert page.status_code == 400
    assert all(word in page.text for word in words), page.text
    assert 'role="alert"' in page.text and 'name="q"' in page.text   # the message, and the form to fix it
    assert _titles(page.text, calls) == set()
    assert client.get(f"/feeds/calls.rss?{query}").status_code == 400
    api = client.get(f"/api/v1/calls?{query}")
    assert api.status_code == 400 and words[0] in api.json()["detail"]


def test_the_refusal_is_in_the_visitors_language(client, calls):
    client.get("/language/ar")
    page = client.get("/?level=emperor")
    assert page.status_code == 400 and "emperor" in page.text
    assert "ليس خيارًا" in page.text and "is not a choice" not in page.text


def test_a_page_past_the_last_says_so_and_links_to_the_last(client, make_call):
    for number in range(25):
        make_call(f"Call number {number}", status="approved", deadline_days=number + 1)
    assert client.get("/?page=2").status_code == 200
    page = client.get("/?page=999&kind=scholarship&sort=newest")
    assert page.status_code == 404
    assert "There is no page 999" in page.text and "the last page is 1" in page.text
    assert 'href="/?kind=scholarship&amp;sort=newest&amp;page=1"' in page.text
    page = client.get("/?page=999")
    assert page.status_code == 404 and "the last page is 2" in page.text and "page=2" in page.text
    assert client.get("/?page=0").status_code == 400
    assert client.get("/?page=abc").status_code == 400


def test_the_list_is_ordered_by_closing_date_or_newest(client, make_call, now):
    from datetime import timedelta
    make_call("Closes late, approved last", status="approved", deadline_days=80, approved_at=now - timedelta(hours=1))
    make_call("Closes soon, approved first", status="approved", deadline_days=3, approved_at=now - timedelta(days=9))
    closing, newest = client.get("/?sort=closing").text, client.get("/?sort=newest").text
    assert closing.index("Closes soon") < closing.index("Closes late")
    assert newest.index("Closes late") < newest.index("Closes soon")
    assert 'value="newest" selected' in client.get("/?sort=newest").text
