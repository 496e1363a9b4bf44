"""The public page of one call shows its text once: a summary a crawler cut from the text's opening is
not printed above the text that begins with the same words."""
from __future__ import annotations

import re

import pytest
from fursa.crawlers.text import summarize
from fursa.web.render import opening_of

OPENING = "The DAAD offers full scholarships for a master's degree in engineering at German universities."
REST = " ".join(["Applicants hold a bachelor's degree with good marks and write a motivation letter."] * 8)


def _article(html: str) -> str:
    return re.search(r'<article class="call-page">(.*)</article>', html, re.DOTALL).group(1)


@pytest.mark.parametrize("text", [OPENING, f"{OPENING}\n\n{REST}"], ids=["short text", "long text"])
def test_a_summary_cut_from_the_text_is_not_shown_above_it(client, make_call, text):
    call_id = make_call("DAAD engineering master", status="approved", text=text, summary=summarize(text))
    article = _article(client.get(f"/calls/{call_id}").text)
    assert article.count("The DAAD offers full scholarships") == 1, article
    assert ("Applicants hold" in article) == (REST in text), "the whole text is there, and only it"


def test_a_summary_of_its_own_is_shown_with_the_text(client, make_call):
    call_id = make_call("DAAD engineering master", status="approved", text=f"{OPENING}\n\n{REST}",
                        summary="Two years in Germany, fees and living costs paid.")
    article = _article(client.get(f"/calls/{call_id}").text)
    assert '<p class="lead" dir="auto">Two years in Germany, fees and living costs paid.</p>' in article
    assert article.count("The DAAD offers full scholarships") == 1


@pytest.mark.parametrize("summary, text, expected", [
    ("One two three", "One  two\nthree four", True),          # spacing differs: the same words
    ("One two…", "One two three", True),                      # cut with an ellipsis
    ("Three four", "One two three four", False),
    ("", "One two", False),
    ("One two", "", False),
    ("…", "One two", False),
])
def test_opening_of(summary, text, expected):
    assert opening_of(summary, text) is expected


def test_an_arabic_page_lists_levels_with_the_arabic_comma(client, make_call):
    call_id = make_call("DAAD engineering master", status="approved", text=OPENING, levels=["bachelor", "master"])
    page = client.get(f"/calls/{call_id}", headers={"Accept-Language": "ar"}).text
    assert "بكالوريوس، ماجستير" in page and "بكالوريوس, ماجستير" not in page
