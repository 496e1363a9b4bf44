"""The weekly post at the desk (16.2): the text in a field to copy, the same text and the image card to
download, a copy button whose script the page's policy lets run (and no other page's), staff only."""
from __future__ import annotations

from io import BytesIO

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from fursa import digests

ARABIC_TITLE = "منحة ماجستير ممولة بالكامل في الهندسة"


@pytest.fixture
def calls(make_call):
    return {"en": make_call('Erasmus+ "exchange" <for> engineering students', status="approved", kind="exchange",
                            levels=["bachelor"]),
            "ar": make_call(ARABIC_TITLE, status="approved", kind="scholarship", levels=["master"], deadline_days=5)}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_page_shows_the_text_to_copy_and_the_downloads_hold_the_same(admin_client, calls, language):
    query = f"audience=student&language={language}"
    page = admin_client.get(f"/desk/posts?{query}")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    field = soup.find("textarea", id="post-text")
    assert field.has_attr("readonly") and field["dir"] == ("rtl" if language == "ar" else "ltr")
    download = admin_client.get(f"/desk/posts/post.txt?{query}")
    assert download.headers["content-type"] == "text/plain; charset=utf-8"
    assert download.headers["content-disposition"] == f'attachment; filename="fursa-week-student-{language}.txt"'
    assert field.get_text() == download.text   # the field holds the text as it is (quotes and brackets unescaped)
    assert 'Erasmus+ "exchange" <for> engineering students' in download.text
    assert f"*{ARABIC_TITLE}*" in download.text
    assert f"/c/{digests.short_code(calls['ar'])}" in download.text
    button = soup.find("button", attrs={"data-copy": "post-text"})
    assert button.has_attr("hidden"), "shown by the script only: without script the field is the way to copy"
    assert soup.find("script", src="/static/copy.js") is not None
    image = soup.find("img", class_="post-card")
    assert image["src"] == f"/desk/posts/card.png?{query}" and image["alt"]
    card = admin_client.get(f"/desk/posts/card.png?{query}&download=1")
    assert card.headers["content-type"] == "image/png"
    assert card.headers["content-disposition"] == f'attachment; filename="fursa-week-student-{language}.png"'
    assert Image.open(BytesIO(card.content)).size == digests.WEEK_CARD_SIZE


def test_only_the_post_page_lets_a_script_run_and_only_the_sites_own(admin_client, client, calls):
    policy = admin_client.get("/desk/posts").headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "default-src 'none'" in policy
    assert "script-src" not in admin_client.get("/desk/digests").headers["content-security-policy"]
    assert "script-src" not in client.get(f"/calls/{calls['ar']}").headers["content-security-policy"]
    script = client.get("/static/copy.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]


def test_faculty_get_their_own_calls_and_an_unknown_choice_falls_back(admin_client, make_call, calls):
    grant = make_call("Horizon research grant", status="approved", kind="research_funding", levels=["faculty"])
    faculty = admin_client.get("/desk/posts/post.txt?audience=faculty&language=en").text
    assert "Horizon research grant" in faculty and "Erasmus+" not in faculty
    assert f"/c/{digests.short_code(grant)}" in faculty
    fallback = admin_client.get("/desk/posts?audience=alumni&language=fr")
    assert fallback.status_code == 200 and "Opportunities of the week for students" in fallback.text


def test_the_post_is_for_staff_only(client, calls):
    for path in ("/desk/posts", "/desk/posts/post.txt", "/desk/posts/card.png"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/desk/login"), path
