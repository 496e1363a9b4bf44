"""Sharing a call (16.5): the short link /c/<code> on the real app, the Open Graph and Twitter tags a chat app
reads (title and deadline in the page's language, escaped), the WhatsApp and Telegram share links (Arabic
percent-encoded), and the call's preview card."""
from __future__ import annotations

from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from fursa import digests, storage, web
from tests.web.conftest import NOW, CallMaker, TestClient, make_context, make_settings

BASE = "https://fursa.ppu.edu"
TITLE = 'DAAD "Research & Study" <Master> scholarships'
ARABIC_TITLE = "منحة ماجستير ممولة بالكامل في الهندسة"


@pytest.fixture
def site(tmp_path):
    """The app with its public address on https, as deployed, asked over plain http by the test client."""
    ctx = make_context(make_settings(tmp_path, base_url=BASE))
    make = CallMaker(ctx, NOW)
    calls = {"en": make(TITLE, status="approved", kind="scholarship", deadline_days=30,
                        summary="Two years in Germany, fees and living costs paid."),
             "ar": make(ARABIC_TITLE, status="approved", kind="scholarship", deadline_days=5,
                        summary="منحة تغطي الرسوم الدراسية والسكن.")}
    with TestClient(web.create_app(ctx, clock=lambda: NOW), base_url="http://testserver") as client:
        yield client, ctx, calls


def _meta(html: str) -> dict[str, str]:
    soup = BeautifulSoup(html, "html.parser")
    found = {tag.get("property") or tag.get("name"): tag["content"] for tag in soup.find_all("meta") if tag.get("content")}
    found["canonical"] = soup.find("link", rel="canonical")["href"]
    return found


def test_the_short_link_leads_to_the_call_and_outlives_a_new_title_and_a_merge(site):
    client, ctx, calls = site
    code = digests.short_code(calls["en"])
    answer = client.get(f"/c/{code}", follow_redirects=False)
    assert answer.status_code == 301 and answer.headers["location"] == f"/calls/{calls['en']}"
    assert TITLE in BeautifulSoup(client.get(f"/c/{code}").text, "html.parser").h1.get_text()
    with ctx.sessions.begin() as session:
        session.get(storage.Opportunity, calls["en"]).title = "DAAD scholarships, renamed by staff"
        storage.merge_opportunities(session, session.get(storage.Opportunity, calls["ar"]),
                                    session.get(storage.Opportunity, calls["en"]), actor="test", now=NOW)
    page = client.get(f"/c/{code}")
    assert page.status_code == 200 and "renamed by staff" in page.text
    merged = client.get(f"/c/{digests.short_code(calls['ar'])}", follow_redirects=False)
    assert merged.headers["location"] == f"/calls/{calls['en']}"   # straight to the call that survived
    # and the page shows the short link a reader copies
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.find("input", id="short-link")["value"] == f"{BASE}/c/{code}"


@pytest.mark.parametrize("code", ["zz9", "0", "not-a-code", "zzzzzzzz"])
def test_a_short_link_to_no_public_call_is_the_not_found_page(site, code):
    client, ctx, calls = site
    answer = client.get(f"/c/{code}", follow_redirects=False)
    assert answer.status_code == 404 and "There is nothing at this address" in answer.text


def test_a_short_link_to_a_rejected_call_is_not_found(site):
    client, ctx, calls = site
    with ctx.sessions.begin() as session:
        session.get(storage.Opportunity, calls["en"]).status = "rejected"
    assert client.get(f"/c/{digests.short_code(calls['en'])}", follow_redirects=False).status_code == 404


def test_open_graph_tags_of_an_english_page_name_the_title_and_deadline(site):
    client, ctx, calls = site
    html = client.get(f"/calls/{calls['en']}", headers={"Accept-Language": "en"}).text
    meta = _meta(html)
    assert meta["og:title"] == TITLE == meta["twitter:title"]   # quotes and brackets escaped, read back whole
    assert f'content="{TITLE}"' not in html
    assert meta["og:description"].startswith("Deadline: 30 December 2026")
    assert "Scholarship" in meta["og:description"] and "Two years in Germany" in meta["og:description"]
    assert meta["og:url"] == meta["canonical"] == f"{BASE}/calls/{calls['en']}"
    assert (meta["og:type"], meta["og:locale"], meta["twitter:card"]) == ("article", "en_US", "summary_large_image")
    assert meta["og:image"] == meta["twitter:image"] == f"{BASE}/calls/{calls['en']}/card-en.png"


def test_open_graph_tags_of_an_arabic_page_are_in_arabic(site):
    client, ctx, calls = site
    meta = _meta(client.get(f"/calls/{calls['ar']}", headers={"Accept-Language": "ar"}).text)
    assert meta["og:title"] == ARABIC_TITLE
    assert meta["og:description"].startswith("آخر موعد: 5 كانون الأول 2026"), meta["og:description"]
    assert "منحة دراسية" in meta["og:description"]
    assert meta["og:locale"] == "ar_AR" and meta["og:site_name"] == "فرصة"
    assert meta["og:image"].endswith("/card-ar.png")
    # the same call read in English says its deadline in English: the tags follow the page's language
    english = _meta(client.get(f"/calls/{calls['ar']}", headers={"Accept-Language": "en"}).text)
    assert english["og:description"].startswith("Deadline: 5 December 2026") and english["og:locale"] == "en_US"


def test_share_links_carry_the_title_deadline_and_short_link_percent_encoded(site):
    client, ctx, calls = site
    soup = BeautifulSoup(client.get(f"/calls/{calls['ar']}", headers={"Accept-Language": "ar"}).text, "html.parser")
    short = f"{BASE}/c/{digests.short_code(calls['ar'])}"
    whatsapp = soup.find("a", href=lambda href: href and href.startswith("https://wa.me/"))["href"]
    telegram = soup.find("a", href=lambda href: href and href.startswith("https://t.me/share/url?"))["href"]
    for href in (whatsapp, telegram):
        assert href.isascii() and " " not in href, href   # every Arabic letter and space percent-encoded
    assert "%D9%85%D9%86%D8%AD%D8%A9" in whatsapp   # منحة in UTF-8
    text = parse_qs(urlsplit(whatsapp).query)["text"][0]
    assert text.startswith(f"{ARABIC_TITLE} — آخر موعد: 5 كانون الأول 2026") and text.endswith(f"\n{short}")
    query = parse_qs(urlsplit(telegram).query)
    assert query["url"] == [short] and query["text"][0].startswith(ARABIC_TITLE)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_call_card_is_a_preview_image_of_the_call(site, lang):
    client, ctx, calls = site
    answer = client.get(f"/calls/{calls[lang]}/card-{lang}.png")
    assert answer.status_code == 200 and answer.headers["content-type"] == "image/png"
    assert "max-age" in answer.headers["cache-control"]
    image = Image.open(BytesIO(answer.content))
    assert image.size == digests.CALL_CARD_SIZE and len(image.convert("RGB").getcolors(1 << 16) or ()) > 50


def test_no_card_for_an_unknown_language_or_a_call_the_public_cannot_see(site):
    client, ctx, calls = site
    assert client.get(f"/calls/{calls['en']}/card-fr.png").status_code == 404
    with ctx.sessions.begin() as session:
        session.get(storage.Opportunity, calls["en"]).status = "new"
    assert client.get(f"/calls/{calls['en']}/card-en.png").status_code == 404


def test_a_closed_call_is_shared_as_closed(site):
    client, ctx, calls = site
    closed = CallMaker(ctx, NOW)("A closed exchange", status="expired", kind="exchange", deadline_days=-3)
    meta = _meta(client.get(f"/calls/{closed}", headers={"Accept-Language": "en"}).text)
    assert meta["og:description"].startswith("Closed on 27 November 2026")
    arabic = _meta(client.get(f"/calls/{closed}", headers={"Accept-Language": "ar"}).text)
    assert arabic["og:description"].startswith("أُغلقت في 27 تشرين الثاني 2026")
