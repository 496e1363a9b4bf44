"""Finding calls on the public page (issue 14, item 5): the search reads the names of a call's tags in
English and Arabic, and follows a curator's edit at once."""
from __future__ import annotations

import pytest

from fursa import pipeline, storage
from tests.web.conftest import csrf_of


def _indexed(ctx, make_call, title: str, **fields) -> int:
    """A call stored as a crawl stores it, then tagged: what the tagging job writes for search."""
    call_id = make_call(title, status="approved", **fields)
    with ctx.sessions.begin() as session:
        pipeline.index_call(session.get(storage.Opportunity, call_id))
    return call_id


@pytest.fixture
def tagged(ctx, make_call):
    return {
        "pharmacy": _indexed(ctx, make_call, "Health sciences award", text="For future pharmacists.",
                             disciplines=["0916"], levels=["master"]),
        "drugs": _indexed(ctx, make_call, "Drug discovery grant", text="Laboratory work.", disciplines=["0916"],
                          levels=["phd"]),
        "hungary": _indexed(ctx, make_call, "منحة للدراسة في المجر", text="منح للطلبة الفلسطينيين في جامعات المجر",
                            summary="منحة", provider="", levels=["bachelor"]),
    }


@pytest.mark.parametrize("words, expected", [
    ("pharmacy", {"Health sciences award", "Drug discovery grant"}),
    ("PhD", {"Drug discovery grant"}),
    ("doctorate", {"Drug discovery grant"}),
    ("دكتوراه", {"Drug discovery grant"}),
    ("masters", {"Health sciences award"}),
    ("ماجستير", {"Health sciences award"}),
    ("Hungary", {"منحة للدراسة في المجر"}),
    ("هنغاريا", {"منحة للدراسة في المجر"}),
    ("nothing-like-this", set()),
])
def test_search_finds_calls_by_their_tags_in_both_languages(client, tagged, words, expected):
    page = client.get("/", params={"q": words})
    assert page.status_code == 200
    titles = {"Health sciences award", "Drug discovery grant", "منحة للدراسة في المجر"}
    assert {title for title in titles if title in page.text} == expected
    api = client.get("/api/v1/calls", params={"q": words}).json()
    assert {item["title"] for item in api["items"]} == expected and api["total"] == len(expected)


def test_a_curators_edit_is_searchable_at_once(admin_client, ctx, tagged):
    call_id = tagged["drugs"]
    assert "Drug discovery grant" not in admin_client.get("/", params={"q": "nursing"}).text
    page = admin_client.get(f"/desk/calls/{call_id}")
    response = admin_client.post(f"/desk/calls/{call_id}", data={
        "csrf_token": csrf_of(page.text), "title": "Drug discovery grant", "kind": "research_funding",
        "levels": ["postdoc"], "disciplines": ["0913"], "eligible": "none", "deadline_kind": "rolling",
    }, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert "Drug discovery grant" in admin_client.get("/", params={"q": "nursing"}).text       # 0913 Nursing
    assert "Drug discovery grant" in admin_client.get("/", params={"q": "postdoctoral"}).text
    assert "Drug discovery grant" not in admin_client.get("/", params={"q": "doctorate"}).text


def test_country_and_funding_filters(client, ctx, make_call):
    _indexed(ctx, make_call, "Fully funded master in Germany", text="Study in Germany.")
    _indexed(ctx, make_call, "منحة جزئية للدراسة في المجر", text="منحة جزئية")
    _indexed(ctx, make_call, "Exchange week", text="Open to all.")
    page = client.get("/?country=DE").text
    assert "Fully funded master in Germany" in page and "Exchange week" not in page
    page = client.get("/?coverage=partial").text
    assert "منحة جزئية للدراسة في المجر" in page and "Fully funded master" not in page
    page = client.get("/?country=hu&coverage=partial").text   # a code in lower case is the same code
    assert "منحة جزئية للدراسة في المجر" in page
    client.get("/language/ar")
    form = client.get("/").text
    assert '<option value="HU">هنغاريا</option>' in form and "ممولة بالكامل" in form


def test_a_kept_page_is_renewed_when_any_process_writes_a_call(ctx, make_call, now):
    """The list is kept in memory per worker; a write anywhere (another worker, the crawler, the CLI)
    moves the database's list generation, and the next request renders the list again."""
    from starlette.testclient import TestClient
    from sqlalchemy import update

    from fursa import web
    make_call("First call", status="approved")
    worker_a, worker_b = web.create_app(ctx, clock=lambda: now), web.create_app(ctx, clock=lambda: now)
    with TestClient(worker_a) as a, TestClient(worker_b) as b:
        assert "First call" in a.get("/").text and "First call" in b.get("/").text
        assert len(worker_a.state.public_pages._pages) == 1   # kept
        second = make_call("Second call", status="new")
        assert "Second call" not in a.get("/").text
        with ctx.sessions.begin() as session:   # a raw write, as a crawl or another worker makes
            session.execute(update(storage.Opportunity).where(storage.Opportunity.id == second)
                            .values(status="approved"))
        assert "Second call" in a.get("/").text and "Second call" in b.get("/").text
        a.get("/language/ar")
        assert 'lang="ar"' in a.get("/").text and 'lang="en"' in b.get("/").text   # kept per language
