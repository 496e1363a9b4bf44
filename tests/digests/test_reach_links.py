"""Reach links in the digests: what a counting link carries (the segment, never the person unless they
opted in), that an altered or outdated one is refused, that "do not count my clicks" gets the funder's
link itself, and that form letters still share one rendering while each "I applied" link stays the
reader's own."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from fursa import storage
from fursa.digests import (
    LINK_MONTHS, ClickLink, TokenError, applied_link, make_click_token, read_applied_token, read_click_token,
    render_digest, segment_of, send_limited_reminders, tracked_link,
)
from fursa.digests.compose import compose_digest
from fursa.digests.letters import FormLetters
from fursa.digests.selection import OpenCalls
from fursa.storage import Deadline, LimitedInput, ReachSegment
from tests.digests.conftest import NOW, PERIOD, add_call, add_person
from tests.digests.test_render import CONFIG, call, person

KEY = CONFIG.secret_key


def reader(counting="group", **fields):
    return SimpleNamespace(**{**vars(person(**fields)), "reach_counting": counting})


def _token(url: str, prefix: str) -> str:
    assert url.startswith(f"https://fursa.ppu.edu/{prefix}/"), url
    return url.rpartition("/")[2]


def test_a_link_carries_the_segment_and_names_only_who_opted_in():
    group = tracked_link(reader(), 7, url="https://funder.example/7", mailing=PERIOD, now=NOW, config=CONFIG)
    link = read_click_token(_token(group, "r"), KEY, now_month="2026-11")
    assert link == ClickLink(7, PERIOD, "2026-11", ReachSegment("it", "master", "student"), None, None)
    other = tracked_link(reader(name="Someone else"), 7, url="https://funder.example/7", mailing=PERIOD, now=NOW,
                         config=CONFIG)
    assert other == group, "two readers of one segment get the same link: it says nothing of the person"
    personal = tracked_link(reader("personal"), 7, url="https://funder.example/7", mailing=PERIOD, now=NOW,
                            config=CONFIG)
    assert read_click_token(_token(personal, "r"), KEY, now_month="2026-11").person == 5
    assert tracked_link(reader("off"), 7, url="https://funder.example/7", mailing=PERIOD, now=NOW,
                        config=CONFIG) == "https://funder.example/7"
    assert applied_link(reader("off"), 7, CONFIG) == ""


def test_altered_foreign_and_outdated_links_are_refused():
    token = make_click_token(ClickLink(7, PERIOD, "2026-11", ReachSegment("it", "master", "student")), KEY)
    payload, signature = token.split(".")
    forged_payload = make_click_token(ClickLink(8, PERIOD, "2026-11", ReachSegment("it", "master", "student")),
                                      KEY).split(".")[0]
    for bad in (f"{forged_payload}.{signature}", f"{payload}.{signature[::-1]}", payload, "",
                make_click_token(ClickLink(7, PERIOD, "2026-11", ReachSegment()), "another key")):
        with pytest.raises(TokenError):
            read_click_token(bad, KEY, now_month="2026-11")
    assert read_click_token(token, KEY, now_month=f"2027-{11 + LINK_MONTHS - 12:02d}").opportunity_id == 7
    with pytest.raises(TokenError, match="months ago"):
        read_click_token(token, KEY, now_month=f"2027-{11 + LINK_MONTHS - 11:02d}")
    with pytest.raises(ValueError):
        make_click_token(ClickLink(7, "bad mailing ~ name", "2026-11", ReachSegment()), KEY)


def test_the_segment_comes_from_the_profile():
    assert segment_of(reader(disciplines=("0732",), levels=("bachelor", "master"))) == \
        ReachSegment("engineering", "master", "student")
    assert segment_of(reader(disciplines=(), levels=(), role="faculty")) == ReachSegment("", "", "faculty")


def test_the_digest_links_each_call_through_the_redirect_and_the_opted_out_straight_to_it():
    calls = OpenCalls([call(1), call(2)], now=NOW)
    counted = compose_digest(reader(), calls, sent_ids=set(), period=PERIOD, now=NOW, config=CONFIG)
    text = render_digest(counted, CONFIG).text
    assert "https://calls.example.org/1" not in text and text.count("https://fursa.ppu.edu/r/") == 2
    assert {read_applied_token(_token(url, "applied"), KEY).opportunity_id for _, url in counted.applied_urls} \
        == {1, 2}
    off = compose_digest(reader("off"), calls, sent_ids=set(), period=PERIOD, now=NOW, config=CONFIG)
    text = render_digest(off, CONFIG).text
    assert "https://calls.example.org/1" in text and "/r/" not in text and "/applied/" not in text


def test_form_letters_share_a_rendering_and_fill_in_each_readers_applied_link():
    calls = OpenCalls([call(1), call(2)], now=NOW)
    rendered = []

    def counting_render(digest, config):
        rendered.append(digest)
        return render_digest(digest, config)

    letters = FormLetters(CONFIG, counting_render)
    readers = [reader(), SimpleNamespace(**{**vars(reader()), "id": 6, "email": "rami@ppu.edu"}),
               SimpleNamespace(**{**vars(reader()), "id": 7, "email": "sara@ppu.edu", "name": "Sara"})]
    for subscriber in readers:
        digest = compose_digest(subscriber, calls, sent_ids=set(), period=PERIOD, now=NOW, config=CONFIG)
        filled = letters.render(digest)
        direct = render_digest(digest, CONFIG)
        assert (filled.html, filled.text) == (direct.html, direct.text)
        assert f"/applied/{subscriber.id}.1." in filled.text
    assert letters.enabled
    shared = [digest for digest in rendered if digest.subscriber_id == 0]
    assert len(shared) == 1, "one rendering for the three readers (plus the first letter's check)"


def test_a_reminder_links_through_the_redirect(session, smtp_config, sink):
    found = add_call(session, "Seed grants", kind="research_funding", levels=("faculty",),
                     deadline=NOW + timedelta(days=30), url="https://funder.example/seed")
    storage.set_limited_submission(session, found, LimitedInput(
        slots=2, internal=Deadline.timed(NOW + timedelta(days=2), "Asia/Hebron")), NOW)
    add_person(session, "faculty@ppu.edu", role="faculty")
    session.commit()
    assert send_limited_reminders(session, now=NOW, config=smtp_config).sent == 1
    text = sink.messages[0].parsed().get_body(("plain",)).get_content()
    link = next(word for word in text.split() if "/r/" in word)
    assert read_click_token(_token(link, "r"), smtp_config.secret_key, now_month="2026-11").mailing == "reminder"
    assert "https://funder.example/seed" not in text
