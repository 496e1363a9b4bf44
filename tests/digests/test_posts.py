"""The weekly post for WhatsApp: the week's approved calls for an audience, as text with WhatsApp's markup
(*bold*, _italic_), line breaks and short links, in English and in Arabic (right to left); and the short
links themselves."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from fursa.digests import call_id_of, post_text, short_code, short_link, view_post, weekly_post
from fursa.digests.posts import RLM
from tests.digests.conftest import NOW, add_call

BASE = "https://fursa.ppu.edu"
ZONE = "Asia/Hebron"
SHORT = re.compile(r"^https://fursa\.ppu\.edu/c/([0-9a-z]+)$")


def _post(session, audience="student", language="en", **options):
    return weekly_post(session, audience, language, now=NOW, base_url=BASE + "/", timezone=ZONE, **options)


@pytest.fixture
def week(session):
    """Calls approved this week for students and faculty, and calls the week's post must leave out."""
    calls = {
        "exchange": add_call(session, "Erasmus+ *semester* exchange for engineering_students", kind="exchange",
                             levels=("bachelor",)),
        "arabic": add_call(session, "منحة ماجستير ممولة بالكامل في الهندسة", kind="scholarship", levels=("master",),
                           provider="صندوق الطالب الفلسطيني", deadline=NOW + timedelta(days=5)),
        "grant": add_call(session, "Horizon research grant for faculty", kind="research_funding", levels=("faculty",)),
        "last week": add_call(session, "Scholarship approved eight days ago", levels=("master",)),
        "closed": add_call(session, "Scholarship that closed yesterday", deadline=NOW - timedelta(days=1)),
        "rejected": add_call(session, "Rejected scholarship", status="rejected"),
        "staff week": add_call(session, "Erasmus+ staff training week in library services", kind="training",
                               levels=()),
    }
    calls["last week"].approved_at = NOW - timedelta(days=8)
    calls["staff week"].audiences = ["staff"]
    session.commit()
    return {name: row.id for name, row in calls.items()}


@pytest.mark.parametrize("call_id", [1, 9, 10, 35, 36, 37, 1295, 1296, 46655, 2**31 - 1])
def test_a_short_code_names_its_call_and_nothing_else(call_id):
    code = short_code(call_id)
    assert re.fullmatch(r"[1-9a-z][0-9a-z]*", code)
    assert call_id_of(code) == call_id
    assert call_id_of(code.upper()) == call_id   # retyped from a card
    assert short_link(BASE + "/", call_id) == f"{BASE}/c/{code}"


@pytest.mark.parametrize("code", ["", "0", "01", "a-b", "١٢", "zik0zk", "zzzzzzzz", "abc/", "a b"])
def test_what_is_no_short_code_names_no_call(code):
    assert call_id_of(code) is None


def test_the_week_holds_the_calls_approved_in_it_that_are_open_and_fit_the_audience(session, week):
    students = _post(session, "student")
    assert {item.opportunity_id for item in students.items} == {week["exchange"], week["arabic"]}
    assert students.items[0].opportunity_id == week["arabic"]   # the same score: the sooner deadline first
    faculty = _post(session, "faculty")
    assert [item.opportunity_id for item in faculty.items] == [week["grant"]]
    staff = _post(session, "staff")
    assert [item.opportunity_id for item in staff.items] == [week["staff week"]]   # the calls tagged for staff
    assert (students.first_day, students.last_day) == (NOW.date() - timedelta(days=6), NOW.date())


def test_the_english_text_is_whatsapp_markup_with_short_links_and_no_html(session, week):
    text = post_text(_post(session, "student", "en"))
    lines = text.splitlines()
    assert lines[0] == "*Fursa · Opportunities of the week for students*"
    assert re.fullmatch(r"_\d+ – \d+ Nov 2026_", lines[1]), lines[1]
    # the title's own markup characters cannot end the bold early
    assert "*Erasmus+ semester exchange for engineering students*" in lines
    assert "*منحة ماجستير ممولة بالكامل في الهندسة*" in lines
    assert not re.search(r"</?[a-z][^>]*>|&[a-z]+;", text), "no HTML tags or entities"
    links = re.findall(r"https?://\S+", text)
    assert links[-1] == BASE + "/"
    codes = [SHORT.match(link).group(1) for link in links[:-1]]
    assert [call_id_of(code) for code in codes] == [week["arabic"], week["exchange"]]
    assert "calls.example.org" not in text   # the long source addresses stay on the call pages
    assert "Deadline: 4 December 2026" in text and "(in 5 days)" in text
    assert RLM not in text
    assert "eight days ago" not in text and "closed yesterday" not in text and "Rejected" not in text


def test_the_arabic_text_runs_right_to_left_in_arabic_words_and_digits(session, week):
    text = post_text(_post(session, "student", "ar"))
    lines = [line for line in text.splitlines() if line]
    assert lines[0] == f"{RLM}*فرصة · فرص الأسبوع للطلبة*"
    assert re.fullmatch(f"{RLM}_[٠-٩]+–[٠-٩]+ تشرين الثاني ٢٠٢٦_", lines[1]), lines[1]
    # every line of words opens with the right-to-left mark, so WhatsApp sets an English title right to left too
    for line in lines:
        assert line.startswith(RLM) or SHORT.match(line) or line == BASE + "/", line
    assert f"{RLM}*Erasmus+ semester exchange for engineering students*" in lines
    assert f"{RLM}منحة دراسية · صندوق الطالب الفلسطيني" in lines
    assert any(line.startswith(f"{RLM}آخر موعد: ٤ كانون الأول ٢٠٢٦") and line.endswith("(خلال ٥ أيام)")
               for line in lines), lines
    assert not re.search("[0-9]", "".join(line for line in lines if not line.startswith("http"))), \
        "an Arabic post writes its numbers in Arabic digits"
    assert "Deadline" not in text and "Opportunities" not in text


def test_calls_past_the_limit_are_counted_and_an_empty_week_says_so(session, week):
    text = post_text(_post(session, "student", "en", limit=1))
    assert "…and 1 more call on the site" in text
    assert len(re.findall(r"/c/", text)) == 1
    assert "No new calls" not in text
    empty = post_text(weekly_post(session, "staff", "ar", now=NOW + timedelta(days=8), base_url=BASE, timezone=ZONE))
    assert "لم تُعتمد فرص جديدة هذا الأسبوع." in empty
    assert "/c/" not in empty


def test_the_card_view_shows_its_first_calls_and_counts_the_rest(session, week):
    post = _post(session, "student", "en")
    view = view_post(post, 1)
    assert len(view.lines) == 1 and view.more == "…and 1 more call on the site"
    assert view.lines[0].link == f"{BASE}/c/{short_code(week['arabic'])}"
    assert view.site == "fursa.ppu.edu"


def test_an_unknown_audience_or_language_is_refused_with_the_choices(session):
    with pytest.raises(ValueError, match="student, faculty, staff"):
        _post(session, "alumni")
    with pytest.raises(ValueError, match="en, ar"):
        _post(session, "student", "fr")
