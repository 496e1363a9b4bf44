"""What a reader sees: language, direction, digits, escaping, closing-soon, calendar, inlined CSS."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import icalendar
import pytest

from fursa.digests import DeliveryConfig, render_digest
from fursa.digests.compose import compose_digest
from tests.digests.conftest import NOW, PERIOD

CONFIG = DeliveryConfig(outbox_dir=Path("unused"), public_base_url="https://fursa.ppu.edu", secret_key="k")


def person(language="en", disciplines=("0613",), levels=("master",), name="Lina", role="student"):
    return SimpleNamespace(id=5, email="lina@ppu.edu", name=name, role=role, disciplines=list(disciplines),
                           levels=list(levels), kinds=[], language=language, token_nonce=0, bounces=0)


def call(id, title="Software scholarship", deadline: datetime | None = NOW + timedelta(days=12), **fields):
    values = dict(id=id, title=title, url=f"https://calls.example.org/{id}", provider="DAAD", kind="scholarship",
                  levels=["master"], disciplines=["0613"], regions=[], palestinian_eligible=True,
                  deadline_at=deadline, deadline_kind="date" if deadline else "unknown", deadline_tz=None,
                  featured=False, status="approved", merged_into_id=None)
    values.update(fields)
    return SimpleNamespace(**values)


def render(subscriber, calls, sent=frozenset()):
    digest = compose_digest(subscriber, calls, sent_ids=set(sent), period=PERIOD, now=NOW, config=CONFIG)
    return render_digest(digest, CONFIG)


def test_arabic_digest_is_right_to_left_with_arabic_words_dates_and_digits():
    rendered = render(person("ar"), [call(1)])
    assert '<html lang="ar" dir="rtl">' in rendered.html and '<body dir="rtl"' in rendered.html
    assert "text-align: right" in rendered.html, "the CSS follows the direction"
    assert "خلال ١٢ يومًا" in rendered.text, "in 12 days, with Arabic-Indic digits and the right plural"
    assert "كانون الأول ٢٠٢٦" in rendered.text, "Levantine month name, Arabic digits"
    assert "تطوير وتحليل البرمجيات والتطبيقات" in rendered.html, "field name from the Arabic taxonomy"
    assert "منحة دراسية" in rendered.html and "ماجستير" in rendered.html
    assert "Deadline" not in rendered.text and "Scholarship" not in rendered.html


def test_english_digest_is_left_to_right_with_a_countdown():
    rendered = render(person("en"), [call(1)])
    assert '<html lang="en" dir="ltr">' in rendered.html
    assert "(in 12 days)" in rendered.text and "Friday 11 December 2026, 09:00" in rendered.text
    assert "Why you: your field: Software and applications development and analysis" in rendered.text


def test_css_is_inlined_for_gmail_and_outlook():
    rendered = render(person("en"), [call(1)])
    # the button leads through the counting redirect (digests.tracked_link), which sends the reader to the call
    assert re.search(r'class="button" href="https://fursa\.ppu\.edu/r/[^"]+" style="', rendered.html)
    assert "background: #0b5d3b" in rendered.html
    assert ".button {" not in rendered.html, "plain rules are inlined and removed from <style>"
    assert "@media only screen" in rendered.html, "media queries stay for phones"


def test_markup_in_a_title_renders_as_text_and_unsafe_links_are_not_clickable():
    rendered = render(person(), [call(1, title='<script>alert(1)</script><b>Grant</b>', url="javascript:alert(1)")])
    assert "<script>" not in rendered.html and "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;Grant" in rendered.html
    assert "javascript:" not in rendered.html
    assert "<script>alert(1)</script><b>Grant</b>" in rendered.text, "plain text shows the title as written"


def test_bidi_overrides_in_scraped_titles_are_removed_and_titles_are_isolated():
    rendered = render(person("ar"), [call(1, title="\u202eevil\u202c Scholarship \u200f(marked)")])
    assert "\u202e" not in rendered.html and "\u202e" not in rendered.text and "\u202c" not in rendered.text
    assert "\u200f" in rendered.text, "a plain right-to-left mark is harmless and kept"
    assert '<h3 class="title" dir="auto"' in rendered.html


def test_a_2000_character_title_is_shortened_on_a_word_boundary():
    title = " ".join(["scholarship"] * 180)
    rendered = render(person(), [call(1, title=title)])
    line = next(line for line in rendered.text.splitlines() if line.startswith("1. "))
    assert len(line) <= 305 and line.endswith("scholarship…")


def test_a_call_without_deadline_says_so_and_has_no_calendar_event():
    rendered = render(person(), [call(1, deadline=None)])
    assert "Deadline: Not given: check the call" in rendered.text
    assert rendered.ics is None


def test_rolling_deadline_is_worded():
    rendered = render(person("ar"), [call(1, deadline=None, deadline_kind="rolling")])
    assert "مفتوح: تُدرس الطلبات عند وصولها" in rendered.text


def test_subscriber_without_fields_gets_every_field_and_is_asked_to_choose():
    rendered = render(person(disciplines=()), [call(1), call(2, title="Any-field exchange", disciplines=["any"])])
    assert "Any-field exchange" in rendered.text and "Software scholarship" in rendered.text
    assert "You have not chosen any fields yet" in rendered.text
    assert "https://fursa.ppu.edu/preferences/5.0." in rendered.html


def test_featured_first_then_score_then_deadline():
    calls = [call(1, title="Late", deadline=NOW + timedelta(days=40)),
             call(2, title="Soon", deadline=NOW + timedelta(days=5)),
             call(3, title="Broad field", disciplines=["06"]),
             call(4, title="Featured", featured=True, disciplines=["any"])]
    text = render(person(), calls).text
    order = [text.index(f"] {name}" if name == "Featured" else f". {name}") for name in ("Featured", "Soon", "Late", "Broad field")]
    assert order == sorted(order)


def test_closing_soon_lists_calls_sent_before_that_close_within_7_days():
    calls = [call(1, title="Sent, closes in 3 days", deadline=NOW + timedelta(days=3)),
             call(2, title="Sent, closes in 30 days", deadline=NOW + timedelta(days=30)),
             call(3, title="New call")]
    rendered = render(person(), calls, sent={1, 2})
    closing, _, new = rendered.text.partition("== New for you ==")
    assert "== Closing soon ==" in closing and "Sent, closes in 3 days" in closing
    assert "New call" in new and "Sent, closes in" not in new
    assert "closes in 30 days" not in rendered.text
    assert rendered.subject == "Fursa: 1 new opportunity for you"


def test_a_digest_of_only_reminders_says_so_in_the_subject():
    rendered = render(person("ar"), [call(1, deadline=NOW + timedelta(days=1))], sent={1})
    assert rendered.subject == "فرصة: مواعيد تُغلق قريبًا"
    assert "خلال" not in rendered.text.split("\n")[0]


def test_calendar_has_one_event_per_dated_deadline_with_stable_uid():
    rendered = render(person("ar"), [call(1), call(2, deadline=None), call(3, deadline=NOW + timedelta(days=3))])
    calendar = icalendar.Calendar.from_ical(rendered.ics)
    events = calendar.walk("VEVENT")
    assert sorted(str(event["uid"]) for event in events) == ["deadline-1@fursa.localhost", "deadline-3@fursa.localhost"]
    assert all(str(event["summary"]).startswith("آخر موعد: ") for event in events)
    assert {event.decoded("dtstart") for event in events} == {NOW + timedelta(days=12), NOW + timedelta(days=3)}
    assert all(event.walk("VALARM") for event in events)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_footer_says_why_and_links_to_preferences_and_unsubscribe(language):
    rendered = render(person(language, role="faculty"), [call(1)])
    assert "https://fursa.ppu.edu/unsubscribe/5.0." in rendered.html
    assert "https://fursa.ppu.edu/unsubscribe/5.0." in rendered.text
    assert ("faculty member" if language == "en" else "عضو هيئة تدريس") in rendered.text
