"""Hostile values in every route's parameters never make a 500 (issue 13, item 8).

The routes and their parameters are read from the app itself, so a route added later is fuzzed
without anyone remembering to list it. Each path parameter and each declared query parameter
gets each hostile value in turn (the others keep harmless values), as a visitor and as an admin.
Feeds must stay well-formed XML (and clean iCalendar) whatever the query or the stored text holds.
"""
from __future__ import annotations

import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx
import pytest
from icalendar import Calendar

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from fursa import storage, web
from tests.web.conftest import ADMIN, NOW, CallMaker, log_in, make_context, make_settings
from tests.web.live import serve_app

HOSTILE = (
    str(2**31), str(2**31 - 1), str(2**63), str(2**63 - 1), str(2**64), "9" * 40, "-1", str(-(2**63) - 1), "0",
    "abc", "1.5", "1e400", "²", "١٢", "\x00", "a\x00b", "\x01", "\x1b[31m", "\x7f", "\ufffe",
    "x" * 5000, "9" * 5000, "منحة دكتوراه في الهندسة", "../../etc/passwd", "%", "'; DROP TABLE opportunities; --", " ",
)
# Control characters XML 1.0 does not allow (tab, newline and carriage return are allowed).
XML_FORBIDDEN = {chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)} | {"\ufffe", "\uffff"}
# Routes that end the session or start work for every subscriber, and take no parameter to fuzz anyway.
SKIPPED = {("POST", "/desk/logout")}


@dataclass(frozen=True)
class Endpoint:
    """One method on one route, with the names of its path and query parameters."""

    method: str
    path: str
    path_params: tuple[str, ...]
    query_params: tuple[str, ...]

    def url(self, values: dict[str, str]) -> str:
        path = self.path
        for name in self.path_params:
            path = path.replace("{" + name + "}", quote(values.get(name, "1"), safe=""))
        query = {name: values[name] for name in self.query_params if name in values}
        return path + ("?" + urlencode(query) if query else "")


def _dependants(dependant):
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


def endpoints_of(app) -> list[Endpoint]:
    """Every route of the ASGI app with its parameters, sub-dependencies included."""
    try:   # FastAPI ≥ 0.130 keeps included routers whole; this walks into them
        from fastapi.routing import iter_route_contexts
        routes = list(iter_route_contexts(app.routes))
    except ImportError:
        routes = list(app.routes)
    found = []
    for route in routes:
        dependant = getattr(route, "dependant", None)
        if dependant is None:   # a mount (static files): its one parameter is the rest of the path
            if getattr(route, "param_convertors", None):
                found.append(Endpoint("GET", route.path + "/{path}", ("path",), ()))
            continue
        path_params = tuple(sorted({p.name for d in _dependants(dependant) for p in d.path_params}))
        query_params = tuple(sorted({p.alias for d in _dependants(dependant) for p in d.query_params}))
        for method in sorted(route.methods or ()):
            if (method, route.path) not in SKIPPED:
                found.append(Endpoint(method, route.path, path_params, query_params))
    return found


def _fuzz(client: TestClient, endpoints: list[Endpoint], csrf: str | None) -> list[str]:
    failures = []
    for endpoint in endpoints:
        for name in endpoint.path_params + endpoint.query_params:
            for value in HOSTILE:
                url = endpoint.url({name: value})
                headers = {"x-csrf-token": csrf} if csrf and endpoint.method == "POST" else {}
                response = client.request(endpoint.method, url, headers=headers, follow_redirects=False)
                if response.status_code >= 500:
                    failures.append(f"{response.status_code} {endpoint.method} {url[:120]!r}")
    return failures


@pytest.fixture
def hostile_app(ctx, make_call, users):
    make_call("Stored with a control character:\x01 and a NUL-free bell\x07", status="approved",
              summary="Summary with \x0b vertical tab and \x1f unit separator")
    return web.create_app(ctx, clock=lambda: NOW)


def test_the_fuzzer_sees_every_route_and_its_parameters(hostile_app):
    endpoints = {(e.method, e.path): e for e in endpoints_of(hostile_app)}
    assert endpoints[("GET", "/calls/{call_id}")].path_params == ("call_id",)
    assert {"offset", "limit", "q", "within"} <= set(endpoints[("GET", "/api/v1/calls")].query_params)
    assert {"q", "field", "level", "kind", "within", "eligible", "language", "page"} <= set(endpoints[("GET", "/")].query_params)
    for feed in ("/feeds/calls.rss", "/feeds/calls.atom", "/feeds/calls.ics"):
        assert "q" in endpoints[("GET", feed)].query_params
    assert {"email", "fields", "levels"} <= set(endpoints[("GET", "/desk/digests/preview.html")].query_params)
    assert ("POST", "/desk/calls/{call_id}/merge") in endpoints and ("GET", "/static/{path}") in endpoints
    assert len(endpoints) > 40


def test_handlers_read_only_declared_query_parameters():
    """A handler that read `request.query_params` itself would hide its parameters from the fuzzer."""
    web_folder = Path(web.__file__).parent
    readers = [path.name for path in web_folder.glob("*.py") if "request.query_params" in path.read_text(encoding="utf-8")]
    assert readers == []


def test_no_hostile_value_in_any_parameter_makes_a_server_error_for_a_visitor(hostile_app):
    with TestClient(hostile_app, base_url="http://testserver", raise_server_exceptions=False) as client:
        failures = _fuzz(client, endpoints_of(hostile_app), csrf=None)
    assert failures == []


def test_no_hostile_value_in_any_parameter_makes_a_server_error_for_an_admin(hostile_app):
    with TestClient(hostile_app, base_url="http://testserver", raise_server_exceptions=False) as client:
        log_in(client, ADMIN)
        page = client.get("/desk/queue")
        csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        failures = _fuzz(client, endpoints_of(hostile_app), csrf=csrf)
        assert client.get("/desk", follow_redirects=False).status_code == 200   # still signed in: the desk really ran
    assert failures == []


@pytest.mark.parametrize("form", [
    {"one": f"approve:{2**63}"}, {"one": "approve:²"}, {"ids": ["²", str(2**63), "-1"], "action": "approve"},
])
def test_numbers_in_the_queue_form_are_checked(admin_client, ctx, make_call, form):
    call_id = make_call()
    token = admin_client.get("/desk/queue").text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = admin_client.post("/desk/queue", data={"csrf_token": token, **form}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/desk/queue")
    with ctx.sessions() as session:   # no number in the form is a call's: none was approved
        assert session.get(storage.Opportunity, call_id).status == "new"


@pytest.mark.parametrize("into", [str(2**63), "²", "9" * 12, "\x00"])
def test_a_merge_into_an_impossible_number_is_refused_with_a_message(admin_client, make_call, into):
    call_id = make_call()
    token = admin_client.get(f"/desk/calls/{call_id}").text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = admin_client.post(f"/desk/calls/{call_id}/merge", data={"csrf_token": token, "into": into})
    assert response.status_code == 400 and "There is no call with that number." in response.text


def test_out_of_range_numbers_are_refused_at_the_edge(client):
    assert client.get(f"/calls/{2**63}").status_code == 400
    assert client.get(f"/calls/{2**31}").status_code == 400      # past PostgreSQL's INTEGER
    assert client.get(f"/calls/{2**31 - 1}").status_code == 404  # a number a row could have: just not there
    assert client.get(f"/api/v1/calls/{2**63}").status_code == 422
    assert client.get(f"/api/v1/calls?offset={2**63}").status_code == 422
    assert client.get("/api/v1/calls?offset=1000").json()["items"] == []


def _assert_clean_xml(body: bytes) -> ET.Element:
    text = body.decode("utf-8")
    assert not XML_FORBIDDEN & set(text)
    return ET.fromstring(body)


def test_feeds_drop_characters_xml_forbids_from_the_query_and_the_stored_text(client, make_call):
    make_call("Grant\x01 for\x02 research\x1b", status="approved", summary="Bell\x07 and\x0c form feed")
    for query in ("q=%01", "q=Grant%00", "q=%1b%5b31m", "q=%EF%BF%BE", ""):
        rss = client.get(f"/feeds/calls.rss?{query}")
        atom = client.get(f"/feeds/calls.atom?{query}")
        ics = client.get(f"/feeds/calls.ics?{query}")
        assert (rss.status_code, atom.status_code, ics.status_code) == (200, 200, 200), query
        _assert_clean_xml(rss.content)
        _assert_clean_xml(atom.content)
        assert not (XML_FORBIDDEN | {"\x7f"}) & set(ics.content.decode("utf-8").replace("\r\n", ""))
        Calendar.from_ical(ics.content)
    titles = [item.findtext("title") for item in _assert_clean_xml(client.get("/feeds/calls.rss").content).iter("item")]
    assert titles == ["Grant for research"]


def test_the_issues_addresses_answer_without_a_server_error_over_real_http(tmp_path):
    """The reported requests, sent to the app under uvicorn on loopback."""
    holder = {}

    def make_app(base_url: str):
        holder["ctx"] = ctx = make_context(make_settings(tmp_path, base_url=base_url))
        CallMaker(ctx, NOW)("Stored title with\x01 a control character", status="approved")
        return web.create_app(ctx, clock=lambda: NOW)

    with serve_app(make_app) as base_url, httpx.Client(base_url=base_url) as http:
        for path in ("/feeds/calls.rss?q=%01", "/feeds/calls.atom?q=%01", "/feeds/calls.ics?q=%01",
                     f"/calls/{2**63}", f"/calls/{2**64}", f"/api/v1/calls?offset={2**63}", f"/api/v1/calls/{2**63}",
                     f"/desk/calls/{2**63}", f"/desk/sources/{2**63}", f"/desk/subscribers/{2**63}/delete",
                     "/?q=%00", f"/?page={2**63}", "/api/v1/calls?q=%00"):
            response = http.get(path)
            assert response.status_code < 500, (path, response.status_code)
        _assert_clean_xml(http.get("/feeds/calls.rss?q=%01").content)
