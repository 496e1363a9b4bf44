"""Approved calls posted to Telegram channels through a Bot API on loopback: once per call and channel, edited
when staff change a call, marked when it is withdrawn or closed, at Telegram's pace, and each refusal handled."""
from __future__ import annotations

import unicodedata
from datetime import timedelta

import pytest
from sqlalchemy import select

from fursa import storage
from fursa.digests import ChannelSpec, Pacer, TelegramClient, TelegramConfig, post_calls_to_telegram
from fursa.digests.telegram_text import PLAIN_URL_CHARS
from tests.digests.bot_api import TOKEN, FakeBotApi, FakeClock, visible_text
from tests.digests.conftest import NOW, add_call

AR, EN = "@ppu_calls_ar", "@ppu_calls"
HOSTILE = 'Grants for <script>alert("x")</script> & <b>"free"</b> money &amp; more </a><i>'


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def bot(clock):
    with FakeBotApi(clock) as api:
        api.add_channel(AR, title="فرص بوليتكنك فلسطين")
        api.add_channel(EN, title="PPU calls")
        yield api


@pytest.fixture
def client(bot, clock):
    with TelegramClient(TOKEN, api_url=bot.url, pacer=Pacer(clock, clock.sleep)) as client:
        yield client


def config_for(bot, *channels: ChannelSpec, **options) -> TelegramConfig:
    channels = channels or (ChannelSpec(AR, "ar"), ChannelSpec(EN, "en"))
    return TelegramConfig(token=TOKEN, channels=channels, api_url=bot.url, public_base_url="https://fursa.ppu.edu",
                          **options)


def run(session, bot, client, now=NOW, *channels: ChannelSpec, **options):
    return post_calls_to_telegram(session, now=now, config=config_for(bot, *channels, **options), client=client)


def sends(bot, chat: str | None = None) -> list[dict]:
    return [fields for method, fields in bot.calls
            if method == "sendMessage" and (chat is None or fields["chat_id"] == chat)]


def edits(bot) -> list[dict]:
    return [fields for method, fields in bot.calls if method == "editMessageText"]


def ledger(session) -> list[storage.TelegramPost]:
    session.expire_all()
    return list(session.scalars(select(storage.TelegramPost).order_by(storage.TelegramPost.id)))


def test_each_call_is_posted_once_per_channel_and_a_second_run_posts_nothing(session, bot, client):
    calls = [add_call(session, "DAAD master scholarships"), add_call(session, "Erasmus+ exchange in Spain",
                                                                     kind="exchange")]
    first = run(session, bot, client)
    assert [(c.chat, c.posted) for c in first.channels] == [(AR, 2), (EN, 2)] and not first.degraded
    assert len(bot.posts(AR)) == len(bot.posts(EN)) == 2
    rows = ledger(session)
    assert {(r.opportunity_id, r.channel, r.state) for r in rows} == {(c.id, chat, "posted") for c in calls
                                                                      for chat in (AR, EN)}
    assert {r.message_id for r in rows if r.channel == AR} == set(bot.chats[AR].messages)

    second = run(session, bot, client, NOW + timedelta(minutes=10))
    assert [c.posted + c.edited + c.noted for c in second.channels] == [0, 0]
    assert len(sends(bot)) == 4 and edits(bot) == []


def test_the_arabic_channel_reads_right_to_left_and_the_english_one_in_english(session, bot, client):
    add_call(session, "DAAD master scholarships in engineering", levels=("master", "phd"))
    run(session, bot, client)
    arabic, english = bot.posts(AR)[0].text, bot.posts(EN)[0].text
    first_letter = next(ch for ch in arabic if ch.isalpha())
    assert unicodedata.bidirectional(first_letter) in ("R", "AL")   # Telegram aligns the message right
    assert "DAAD master scholarships in engineering" in arabic
    assert "آخر موعد:" in arabic and "المراحل:" in arabic and "اقرأ الإعلان وقدّم" in arabic
    assert "١٩ كانون الأول ٢٠٢٦" in arabic                           # 19 December in Hebron, Arabic digits
    assert "Deadline: Saturday 19 December 2026" in english and "Levels: Master, PhD" in english
    link = sends(bot, EN)[0]["text"]
    assert 'href="https://fursa.ppu.edu/calls/' in link and "Read the call and apply" in english


def test_a_hostile_title_is_escaped_so_telegram_shows_it_literally(session, bot, client):
    add_call(session, HOSTILE, provider="Fund <i>&</i>", url="https://calls.example.org/a?x=1&y=\"2\"")
    report = run(session, bot, client, NOW, ChannelSpec(EN, "en"))
    assert report.channels[0].posted == 1 and report.channels[0].plain == 0
    message = bot.posts(EN)[0]
    assert message.html                                  # accepted as HTML by a parser as strict as Telegram's
    assert HOSTILE in message.text and "Fund <i>&</i>" in message.text
    assert 'href="https://calls.example.org/a?x=1&amp;y=&quot;2&quot;"' in message.raw


def test_refused_markup_falls_back_to_plain_text_once_and_is_recorded(session, bot, client):
    call = add_call(session, "Chevening scholarships <2027>")
    bot.chats[EN].refuse_markup = True
    report = run(session, bot, client, NOW, ChannelSpec(EN, "en"))
    assert report.channels[0].posted == 1 and report.channels[0].plain == 1
    assert [fields.get("parse_mode") for fields in sends(bot, EN)] == ["HTML", None]   # tried once each way
    message = bot.posts(EN)[0]
    assert not message.html and "Chevening scholarships <2027>" in message.text
    assert "https://calls.example.org/" in message.text   # the plain form spells its links out
    (row,) = ledger(session)
    assert (row.opportunity_id, row.plain, row.state) == (call.id, True, "posted")
    assert "can't parse entities" in row.error and "plain text" in row.error
    run(session, bot, client, NOW + timedelta(minutes=10), ChannelSpec(EN, "en"))
    assert len(sends(bot, EN)) == 2                      # and not posted again


def test_a_post_stays_within_telegrams_4096_characters(session, bot, client):
    codes = ("0111", "0112", "0113", "0114", "0211", "0212", "0213", "0214", "0215", "0221", "0222", "0223", "0231",
             "0232", "0311", "0312", "0313", "0314", "0321", "0322", "0411", "0412", "0413", "0414", "0415", "0416",
             "0417", "0421", "0511", "0512", "0521", "0522", "0531", "0532", "0533", "0541", "0542", "0611", "0612",
             "0613", "0711", "0712", "0713", "0714", "0715", "0716", "0721", "0722", "0723", "0724", "0731", "0732")
    add_call(session, "Scholarship " + "for every field of study " * 300, provider="Foundation " * 27,   # the column holds 300
             disciplines=codes, url="https://calls.example.org/long?" + "q=1&" * 800)
    report = run(session, bot, client)
    assert [c.posted for c in report.channels] == [1, 1] and not any(c.refused for c in report.channels)
    for chat in (AR, EN):
        shown = bot.posts(chat)[0].text
        assert len(shown.encode("utf-16-le")) // 2 <= 4096
        assert shown.count("…") >= 3       # the title, the provider and the fields were clipped, not the markup
    assert len("q=1&" * 800) > PLAIN_URL_CHARS


def test_a_changed_call_is_edited_in_place_once(session, bot, client):
    call = add_call(session, "Fulbright grants for master students")
    run(session, bot, client)
    call.title = "Fulbright grants for master and PhD students"
    call.deadline_at = NOW + timedelta(days=40)
    session.commit()
    report = run(session, bot, client, NOW + timedelta(hours=1))
    assert [c.edited for c in report.channels] == [1, 1] and len(sends(bot)) == 2
    assert "master and PhD students" in bot.posts(EN)[0].text and "8 January 2027" in bot.posts(EN)[0].text
    assert all(m.edits == 1 for chat in (AR, EN) for m in bot.posts(chat))
    again = run(session, bot, client, NOW + timedelta(hours=2))
    assert [c.edited for c in again.channels] == [0, 0] and len(edits(bot)) == 2


def test_a_withdrawn_call_gets_a_note_and_an_expired_one_is_marked_closed(session, bot, client):
    withdrawn = add_call(session, "Scholarship later found to be a scam")
    expired = add_call(session, "Summer school in Jordan", kind="training")
    kept = add_call(session, "Research stay in Germany")
    run(session, bot, client)
    withdrawn.status = "rejected"
    expired.status = "expired"
    session.commit()
    report = run(session, bot, client, NOW + timedelta(hours=1))
    assert [c.noted for c in report.channels] == [2, 2] and len(sends(bot)) == 6
    by_title = {m.text.splitlines()[1]: m.text for m in bot.posts(EN)}
    assert by_title["Scholarship later found to be a scam"].startswith("Withdrawn: this call is no longer offered.")
    assert by_title["Summer school in Jordan"].startswith("Closed: applications are no longer accepted.")
    arabic = {m.text.splitlines()[1]: m.text for m in bot.posts(AR)}
    assert arabic["Scholarship later found to be a scam"].startswith("سُحبت")
    assert "Research stay in Germany" in bot.posts(EN)[2].text and bot.posts(EN)[2].edits == 0
    states = {(r.opportunity_id, r.channel): r.state for r in ledger(session)}
    assert states[(withdrawn.id, EN)] == states[(expired.id, AR)] == "withdrawn"
    assert states[(kept.id, EN)] == "posted"
    run(session, bot, client, NOW + timedelta(hours=2))
    assert len(edits(bot)) == 4                          # noted once


def test_a_call_whose_deadline_passed_is_closed_even_before_the_expire_job(session, bot, client):
    add_call(session, "Short call", deadline=NOW + timedelta(days=1))
    run(session, bot, client, NOW, ChannelSpec(EN, "en"))
    report = run(session, bot, client, NOW + timedelta(days=3), ChannelSpec(EN, "en"))
    assert report.channels[0].noted == 1 and bot.posts(EN)[0].text.startswith("Closed")


def test_a_channel_that_kicked_the_bot_is_failed_clearly_and_its_calls_wait(session, bot, client):
    calls = [add_call(session, f"Scholarship {n}") for n in range(3)]
    bot.chats[AR].kicked = True
    report = run(session, bot, client)
    assert report.degraded
    failed = report.channels[0]
    assert failed.chat == AR and failed.posted == 0 and failed.left == 3
    assert "kicked" in failed.error and "administrator" in failed.error and "fursa telegram check" in failed.error
    assert AR in report.trouble()
    assert report.channels[1].posted == 3               # the other channel is not held up
    assert [r.channel for r in ledger(session)] == [EN] * 3   # nothing of the failed channel is marked done
    assert len(sends(bot, AR)) == 1                      # one refusal ended the channel's run

    later = run(session, bot, client, NOW + timedelta(hours=1))
    assert later.degraded and "kicked" in later.channels[0].error
    assert len(sends(bot, AR)) == 1                      # not tried again at once, nor forever

    bot.chats[AR].kicked = False                          # staff add the bot back
    fixed = run(session, bot, client, NOW + timedelta(hours=7))
    assert not fixed.degraded and fixed.channels[0].posted == 3
    assert {r.opportunity_id for r in ledger(session) if r.channel == AR} == {c.id for c in calls}
    (channel,) = [c for c in storage.channel_counts(session, (AR,))]
    assert channel.state == "ok" and channel.error is None


def test_retry_after_is_waited_out_and_the_pace_holds_across_many_calls(session, bot, client, clock):
    for number in range(25):
        add_call(session, f"Call number {number}")
    bot.forced_429 = [9]
    start = clock.now
    report = run(session, bot, client, NOW, ChannelSpec(EN, "en"))
    assert report.channels[0].posted == 25 and len(bot.posts(EN)) == 25
    assert 9 in clock.slept                              # Telegram's retry_after, waited on the test's clock
    assert bot.refused_for_pace == 0                     # never over 20 a minute into the channel
    assert clock.now - start > 60


def test_a_run_posts_at_most_max_actions_per_channel_and_the_next_run_goes_on(session, bot, client):
    for number in range(5):
        add_call(session, f"Call number {number}")
    first = run(session, bot, client, NOW, ChannelSpec(EN, "en"), max_actions=3)
    assert (first.channels[0].posted, first.channels[0].left) == (3, 2)
    second = run(session, bot, client, NOW + timedelta(minutes=10), ChannelSpec(EN, "en"), max_actions=3)
    assert (second.channels[0].posted, second.channels[0].left) == (2, 0)
    assert [m.text.splitlines()[1] for m in bot.posts(EN)] == [f"Call number {n}" for n in range(5)]


def test_a_claim_left_by_a_dead_run_is_never_posted_twice(session, bot, client):
    call = add_call(session, "Interrupted call")
    assert storage.claim_post(session, call.id, EN, NOW - timedelta(hours=1)) is not None
    session.commit()
    run(session, bot, client, NOW, ChannelSpec(EN, "en"))
    assert sends(bot, EN) == []
    (row,) = ledger(session)
    assert row.state == "unknown" and "may or may not be in the channel" in row.error


def test_each_channel_gets_its_audience_and_only_recent_calls(session, bot, client):
    scholarship = add_call(session, "Bachelor scholarship", kind="scholarship", levels=("bachelor",))
    grant = add_call(session, "Research grant for faculty", kind="research_funding", levels=("faculty",))
    for_staff = add_call(session, "Training for administrative staff", kind="training", levels=())
    for_staff.audiences = ["staff"]          # as the tagger read it: kept from the student channel
    old = add_call(session, "Approved long ago")
    old.approved_at = NOW - timedelta(days=30)
    session.commit()
    run(session, bot, client, NOW, ChannelSpec(AR, "ar", "student"), ChannelSpec(EN, "en", "faculty"))
    posted = {(r.channel, r.opportunity_id) for r in ledger(session)}
    assert posted == {(AR, scholarship.id), (EN, grant.id)}


def test_no_channels_configured_does_nothing(session, bot, client):
    add_call(session, "A call")
    report = post_calls_to_telegram(session, now=NOW, config=TelegramConfig(token=TOKEN), client=client)
    assert report.channels == () and "no Telegram channels" in report.note and bot.calls == []


def test_visible_text_of_the_fake_api_refuses_what_telegram_refuses():
    with pytest.raises(ValueError):
        visible_text("<b>unclosed")
    assert visible_text("a &lt;b&gt; &amp; c") == "a <b> & c"


def test_a_post_deleted_in_the_channel_is_not_forced_back_until_its_call_changes(session, bot, client):
    call = add_call(session, "Scholarship in Turkey")
    run(session, bot, client, NOW, ChannelSpec(EN, "en"))
    bot.chats[EN].messages.clear()                       # an admin deleted the post
    call.title = "Scholarship in Turkey (fully funded)"
    session.commit()
    report = run(session, bot, client, NOW + timedelta(hours=1), ChannelSpec(EN, "en"))
    assert report.channels[0].refused == 1 and not report.degraded
    (row,) = ledger(session)
    assert row.state == "failed" and "message to edit not found" in row.error
    quiet = run(session, bot, client, NOW + timedelta(hours=2), ChannelSpec(EN, "en"))
    assert quiet.channels[0].posted + quiet.channels[0].refused == 0 and len(sends(bot, EN)) == 1
    call.deadline_at = NOW + timedelta(days=60)          # staff change it again: a new post says the new text
    session.commit()
    again = run(session, bot, client, NOW + timedelta(hours=3), ChannelSpec(EN, "en"))
    assert again.channels[0].posted == 1 and len(bot.posts(EN)) == 1
    assert "fully funded" in bot.posts(EN)[0].text and "28 January 2027" in bot.posts(EN)[0].text
    (row,) = ledger(session)
    assert (row.state, row.message_id) == ("posted", bot.posts(EN)[0].message_id)
