"""Approved calls posted to the office's Telegram channels, once per call and channel.

Each run, per channel: the posts whose call changed are edited (a withdrawn or closed call's post
is edited to say so), then the approved open calls not yet posted are posted, oldest approval first,
at most `max_actions` messages per channel. Channels take turns, so the per-chat pace (about 20 a
minute) of one does not hold up the others. A channel that refuses the bot (403: kicked, not an
administrator) is marked failed with what to do, and left alone for `retry_failed_after`, or until
`fursa telegram check` finds it fixed; its calls stay unposted in the meantime and go out then.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Generator
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from fursa import storage
from fursa.storage import Opportunity, TelegramPost

from fursa.digests.errors import (
    ChatRefusedError, MarkupRefusedError, MessageGoneError, TelegramError, TelegramRequestError,
    TelegramUnavailableError,
)
from fursa.digests.selection import ROLE_KINDS, _candidate_of
from fursa.digests.telegram import API_URL, TelegramClient
# The note kinds, named apart from the ledger state WITHDRAWN below (both are the word 'withdrawn').
from fursa.digests.telegram_text import CLOSED as NOTE_CLOSED
from fursa.digests.telegram_text import WITHDRAWN as NOTE_WITHDRAWN
from fursa.digests.telegram_text import TelegramText, call_text, note_text

log = logging.getLogger(__name__)
# The ledger's states (storage.telegram_posts; the delivery ledger has its own SENDING and FAILED).
SENDING, POSTED, WITHDRAWN, FAILED, UNKNOWN = storage.POST_STATES


@dataclass(frozen=True)
class ChannelSpec:
    """One configured channel: where (an @username or a numeric chat id), in which language, for whom."""

    chat: str
    language: str = "ar"
    audience: str | None = None   # student, faculty or staff; None: every approved call


@dataclass(frozen=True)
class TelegramConfig:
    """What posting needs; built by the caller from Settings (the token comes from the environment)."""

    token: str | None
    channels: tuple[ChannelSpec, ...] = ()
    api_url: str = API_URL
    public_base_url: str = "http://localhost:8000"
    timezone: str = "Asia/Hebron"
    # A new channel gets the calls approved this long before it was first used, not the whole archive.
    backfill: timedelta = timedelta(days=7)
    retry_failed_after: timedelta = timedelta(hours=6)
    max_actions: int = 100           # messages per channel and run (20 a minute: five minutes)
    claim_lease: timedelta = timedelta(minutes=10)


@dataclass(frozen=True)
class ChannelReport:
    """What one run did in one channel; `error` says why it stopped early (the channel refused the bot …)."""

    chat: str
    posted: int = 0
    edited: int = 0
    noted: int = 0        # posts edited to say their call is withdrawn or closed
    plain: int = 0        # posted or edited as plain text because Telegram refused the markup
    refused: int = 0      # messages Telegram refused for good (kept as failed in the ledger)
    left: int = 0         # work left for the next run
    error: str | None = None


@dataclass(frozen=True)
class TelegramReport:
    channels: tuple[ChannelReport, ...] = ()
    note: str = ""        # why nothing ran (no channels configured)

    @property
    def degraded(self) -> bool:
        return any(channel.error for channel in self.channels)

    def trouble(self) -> str:
        return "; ".join(f"Telegram channel {c.chat}: {c.error}" for c in self.channels if c.error)


def post_calls_to_telegram(session: Session, *, now: datetime, config: TelegramConfig,
                           client: TelegramClient | None = None) -> TelegramReport:
    """Post, edit and note what each configured channel needs; safe to run again at any time."""
    if not config.channels:
        return TelegramReport(note="no Telegram channels are configured (telegram_channels)")
    own = client is None
    client = client or TelegramClient(config.token or "", api_url=config.api_url)
    try:
        runs = [_channel_run(session, client, spec, config, now) for spec in config.channels]
        reports: dict[str, ChannelReport] = {}
        while runs:   # one message per channel in turn
            for run in list(runs):
                try:
                    next(run)
                except StopIteration as done:
                    reports[done.value.chat] = done.value
                    runs.remove(run)
        return TelegramReport(tuple(reports[spec.chat] for spec in config.channels))
    finally:
        if own:
            client.close()


class _Tally:
    def __init__(self, chat: str) -> None:
        self.chat = chat
        self.counts = dict(posted=0, edited=0, noted=0, plain=0, refused=0, left=0)

    def report(self, error: str | None = None) -> ChannelReport:
        return ChannelReport(self.chat, error=error, **self.counts)


def _channel_run(session: Session, client: TelegramClient, spec: ChannelSpec, config: TelegramConfig,
                 now: datetime) -> Generator[None, None, ChannelReport]:
    tally = _Tally(spec.chat)
    channel = storage.telegram_channel(session, spec.chat, now)
    storage.stale_claims(session, now - config.claim_lease, now)
    session.commit()
    resting = channel.failed_at is not None and now < channel.failed_at + config.retry_failed_after
    if channel.state == storage.CHANNEL_FAILED and resting:
        return tally.report(f"{channel.error} (not tried since {channel.failed_at:%Y-%m-%d %H:%M} UTC)")
    work = _work_of(session, spec, config, channel.first_seen_at - config.backfill, now)
    for done, (row, call, text, withdrawn) in enumerate(work):
        if done >= config.max_actions:
            tally.counts["left"] = len(work) - done
            break
        try:
            if row is None:
                _post(session, client, spec.chat, call, text, tally, now)
            elif row.state == FAILED:
                _repost(session, client, row, text, tally, now)
            else:
                _edit(session, client, row, text, withdrawn, tally, now)
        except ChatRefusedError as exc:
            storage.mark_channel_failed(session, spec.chat, str(exc), now)
            session.commit()
            log.error("Telegram channel refuses the bot", extra={"chat": spec.chat, "error": exc.description})
            tally.counts["left"] = len(work) - done
            return tally.report(str(exc))
        except TelegramUnavailableError as exc:
            tally.counts["left"] = len(work) - done
            return tally.report(str(exc))
        yield
    if channel.state == storage.CHANNEL_FAILED and any(tally.counts[key] for key in ("posted", "edited", "noted")):
        storage.mark_channel_ok(session, spec.chat, now)   # the channel takes the bot's messages again
        session.commit()
    return tally.report()


def _work_of(session: Session, spec: ChannelSpec, config: TelegramConfig, since: datetime,
             now: datetime) -> list[tuple[TelegramPost | None, Opportunity, TelegramText, bool]]:
    """(ledger row or None for a new post, call, text it should say, withdrawn?) for each message to send."""
    zone = ZoneInfo(config.timezone)
    work = []
    for row in storage.posts_in(session, spec.chat) + storage.failed_posts(session, spec.chat):
        reason = _gone_reason(row.opportunity, now)
        if reason and row.state in (FAILED, WITHDRAWN):
            continue   # already says it is gone, or never got into the channel: nothing to say there now
        text = _text_of(row.opportunity, spec, config, zone, reason)
        if text.digest != row.text_hash:
            work.append((row, row.opportunity, text, bool(reason)))
    for call in storage.unposted_calls(session, spec.chat, since, now):
        if _fits(call, spec.audience):
            work.append((None, call, _text_of(call, spec, config, zone, None), False))
    return work


def _post(session: Session, client: TelegramClient, chat: str, call: Opportunity, text: TelegramText,
          tally: _Tally, now: datetime) -> None:
    row = storage.claim_post(session, call.id, chat, now)
    if row is None:
        return   # another run has it
    session.commit()   # the claim is durable before anything is sent
    _deliver(session, client, row, text, tally, now, give_back=lambda: storage.release_claim(session, row))


def _repost(session: Session, client: TelegramClient, row: TelegramPost, text: TelegramText, tally: _Tally,
            now: datetime) -> None:
    """A post Telegram refused before, whose call changed since: its new text is tried as a new post."""
    row.state, row.updated_at = SENDING, now
    session.commit()

    def give_back() -> None:
        row.state = FAILED
    _deliver(session, client, row, text, tally, now, give_back=give_back)


def _deliver(session: Session, client: TelegramClient, row: TelegramPost, text: TelegramText, tally: _Tally,
             now: datetime, *, give_back: Callable[[], None]) -> None:
    """Send a claimed post and record how it went; `give_back` undoes the claim when it was not sent and
    may be next time (the channel refused the bot, Telegram could not be reached), before that is raised."""
    try:
        message_id, plain, refusal = _send(client, row.channel, text)
    except (TelegramRequestError, MarkupRefusedError, MessageGoneError) as exc:
        storage.record_refused(row, text.digest, str(exc), now)
        tally.counts["refused"] += 1
    except TelegramError:
        give_back()
        session.commit()
        raise
    else:
        storage.record_posted(row, message_id, text.digest, plain, now)
        row.error = refusal
        tally.counts["posted"] += 1
        tally.counts["plain"] += plain
    session.commit()


def _send(client: TelegramClient, chat: str, text: TelegramText) -> tuple[int, bool, str | None]:
    """Post as HTML; when Telegram refuses the markup, post the plain text once instead."""
    try:
        return client.send_message(chat, text.html).message_id, False, None
    except MarkupRefusedError as exc:
        log.warning("Telegram refused a post's markup; posting it as plain text", extra={"chat": chat,
                                                                                        "error": exc.description})
        return client.send_message(chat, text.plain, html=False).message_id, True, f"posted as plain text: {exc}"


def _edit(session: Session, client: TelegramClient, row: TelegramPost, text: TelegramText, withdrawn: bool,
          tally: _Tally, now: datetime) -> None:
    """Edit a post to what its call says now (or to the note that it is withdrawn or closed)."""
    try:
        try:
            client.edit_message_text(row.channel, row.message_id, text.html)
            plain = False
        except MarkupRefusedError:
            client.edit_message_text(row.channel, row.message_id, text.plain, html=False)
            plain = True
    except (MessageGoneError, TelegramRequestError) as exc:
        storage.record_refused(row, text.digest, str(exc), now)
        tally.counts["refused"] += 1
    else:
        storage.record_edited(row, text.digest, plain, withdrawn, now)
        tally.counts["noted" if withdrawn else "edited"] += 1
        tally.counts["plain"] += plain
    session.commit()


def _gone_reason(call: Opportunity, now: datetime) -> str | None:
    """Why a call's post should now say it is no longer open: withdrawn, closed, or None (it is open)."""
    if call.status == "expired" or (call.deadline_at is not None and call.deadline_at < now):
        return NOTE_CLOSED
    if call.status != "approved" or call.merged_into_id is not None:
        return NOTE_WITHDRAWN
    return None


def _text_of(call: Opportunity, spec: ChannelSpec, config: TelegramConfig, zone: ZoneInfo,
             reason: str | None) -> TelegramText:
    item = _candidate_of(call).shown
    page = f"{config.public_base_url.rstrip('/')}/calls/{call.id}"
    if reason:
        return note_text(item, spec.language, reason, page)
    return call_text(item, spec.language, zone, page)


def _fits(call: Opportunity, audience: str | None) -> bool:
    """Whether a call is for the channel's audience: the tagger's audiences when it read them, else the kind."""
    if audience is None:
        return True
    audiences = getattr(call, "audiences", None) or ()
    if audiences:
        return audience in audiences
    kinds = ROLE_KINDS.get(audience, ())
    return not kinds or call.kind in kinds or call.kind in ("", "other")


@dataclass(frozen=True)
class ChannelCheck:
    """`fursa telegram check`'s finding for one channel: whether the bot can post there, in words."""

    chat: str
    ok: bool
    message: str


def check_channels(session: Session, *, now: datetime, config: TelegramConfig,
                   client: TelegramClient | None = None) -> tuple[str, tuple[ChannelCheck, ...]]:
    """Ask Telegram who the bot is (getMe) and, for each channel, whether it exists and lets the bot post
    (getChat, getChatMember); a channel found fixed is marked ok again. Returns the bot's name and the
    findings; BotTokenError when the token is missing or wrong, TelegramUnavailableError when offline."""
    own = client is None
    client = client or TelegramClient(config.token or "", api_url=config.api_url)
    try:
        me = client.get_me()
        checks = tuple(_check_one(session, client, spec, me.id, now) for spec in config.channels)
    finally:
        if own:
            client.close()
    session.commit()
    return f"@{me.username}" if me.username else me.first_name, checks


def _check_one(session: Session, client: TelegramClient, spec: ChannelSpec, bot_id: int, now: datetime) -> ChannelCheck:
    try:
        chat = client.get_chat(spec.chat)
        member = client.get_chat_member(spec.chat, bot_id)
    except ChatRefusedError as exc:
        storage.mark_channel_failed(session, spec.chat, str(exc), now)
        return ChannelCheck(spec.chat, False, str(exc))
    if not member.can_post:
        problem = (f"the bot is {member.status or 'not a member'} in {chat.title or spec.chat}, and may not post: make "
                   "it an administrator with the right to post messages")
        storage.mark_channel_failed(session, spec.chat, problem, now)
        return ChannelCheck(spec.chat, False, problem)
    storage.mark_channel_ok(session, spec.chat, now)
    audience = f"for {spec.audience}s" if spec.audience else "for every audience"
    return ChannelCheck(spec.chat, True, f"posts to {chat.title or spec.chat} ({chat.type}) in "
                                         f"{'Arabic' if spec.language == 'ar' else 'English'}, {audience}")
