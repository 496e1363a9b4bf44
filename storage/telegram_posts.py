"""The Telegram post ledger: which call went to which channel as which message, and each channel's health.

A post is claimed (a row in state `sending`, committed) before the message goes out, so two runs
never post one call twice; a run that dies between the claim and Telegram's answer leaves the row
`sending`, and `stale_claims` turns it into `unknown` (it may be in the channel): never posted again
by itself, shown to staff. The rule of the e-mail ledger: checkpoint on send, never twice.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from fursa.storage.models import Opportunity, TelegramChannel, TelegramPost

SENDING, POSTED, WITHDRAWN, FAILED, UNKNOWN = "sending", "posted", "withdrawn", "failed", "unknown"
# sending: claimed, not answered yet; posted: in the channel; withdrawn: in the channel, edited to say the
# call is withdrawn or closed; failed: Telegram refused this message for good (the call's text is tried
# again when it changes); unknown: a run died while posting it, so it may or may not be in the channel.
POST_STATES = (SENDING, POSTED, WITHDRAWN, FAILED, UNKNOWN)
CHANNEL_OK, CHANNEL_FAILED = "ok", "failed"


def _with_call():
    """A post's call, and what the post's wording reads of it, in one query per run rather than one per post
    (Opportunity.limited is a backref: it exists once the mappers are configured, so this is built on use)."""
    return selectinload(TelegramPost.opportunity).selectinload(Opportunity.limited)


@dataclass(frozen=True)
class ChannelCounts:
    """How many posts of one channel are in each state, for `fursa telegram status`."""

    chat: str
    state: str
    error: str | None
    failed_at: datetime | None
    posts: dict[str, int]


def telegram_channel(session: Session, chat: str, now: datetime) -> TelegramChannel:
    """The channel's row, made the first time the channel is used."""
    row = session.get(TelegramChannel, chat)
    if row is None:
        row = TelegramChannel(chat=chat, state=CHANNEL_OK, first_seen_at=now)
        session.add(row)
        session.flush()
    return row


def mark_channel_failed(session: Session, chat: str, error: str, now: datetime) -> None:
    row = telegram_channel(session, chat, now)
    row.state, row.error, row.failed_at = CHANNEL_FAILED, error, now


def mark_channel_ok(session: Session, chat: str, now: datetime) -> None:
    row = telegram_channel(session, chat, now)
    row.state, row.error, row.failed_at, row.checked_at = CHANNEL_OK, None, None, now


def unposted_calls(session: Session, chat: str, since: datetime, now: datetime) -> list[Opportunity]:
    """Public, still open calls approved since `since` that have no row in `chat`'s ledger, oldest first."""
    posted = select(TelegramPost.opportunity_id).where(TelegramPost.channel == chat)
    query = (select(Opportunity)
             .where(Opportunity.status == "approved", Opportunity.merged_into_id.is_(None),
                    Opportunity.approved_at >= since,
                    (Opportunity.deadline_at.is_(None)) | (Opportunity.deadline_at >= now),
                    Opportunity.id.not_in(posted))
             .options(selectinload(Opportunity.limited)).order_by(Opportunity.approved_at, Opportunity.id))
    return list(session.scalars(query))


def posts_in(session: Session, chat: str) -> list[TelegramPost]:
    """The messages in `chat` (posted or withdrawn), with their calls, to edit when a call changed."""
    query = (select(TelegramPost)
             .where(TelegramPost.channel == chat, TelegramPost.state.in_((POSTED, WITHDRAWN)),
                    TelegramPost.message_id.is_not(None))
             .options(_with_call()).order_by(TelegramPost.id))
    return list(session.scalars(query))


def failed_posts(session: Session, chat: str) -> list[TelegramPost]:
    """Posts Telegram refused for good; each is tried again once its call's text changes."""
    query = (select(TelegramPost).where(TelegramPost.channel == chat, TelegramPost.state == FAILED)
             .options(_with_call()).order_by(TelegramPost.id))
    return list(session.scalars(query))


def claim_post(session: Session, opportunity_id: int, chat: str, now: datetime) -> TelegramPost | None:
    """Claim the one post of (call, channel) before sending it; None when it was claimed before."""
    row = TelegramPost(opportunity_id=opportunity_id, channel=chat, state=SENDING, text_hash="", plain=False,
                       attempts=1, created_at=now, updated_at=now)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row


def record_posted(row: TelegramPost, message_id: int, text_hash: str, plain: bool, now: datetime) -> None:
    row.state, row.message_id, row.text_hash, row.plain = POSTED, message_id, text_hash, plain
    row.error, row.posted_at, row.updated_at = None, now, now


def record_edited(row: TelegramPost, text_hash: str, plain: bool, withdrawn: bool, now: datetime) -> None:
    row.state = WITHDRAWN if withdrawn else POSTED
    row.text_hash, row.plain, row.error, row.updated_at = text_hash, plain, None, now


def record_refused(row: TelegramPost, text_hash: str, error: str, now: datetime) -> None:
    """Telegram refused this text for good: kept as failed, tried again when the text changes."""
    row.state, row.text_hash, row.error, row.updated_at = FAILED, text_hash, error, now


def release_claim(session: Session, row: TelegramPost) -> None:
    """The post did not go out (the channel or the network failed): the next run posts it."""
    session.delete(row)


def stale_claims(session: Session, older_than: datetime, now: datetime) -> int:
    """Claims left `sending` by a run that died: marked unknown, never posted again by themselves."""
    rows = session.scalars(select(TelegramPost).where(TelegramPost.state == SENDING,
                                                       TelegramPost.updated_at < older_than)).all()
    for row in rows:
        row.state, row.updated_at = UNKNOWN, now
        row.error = ("a run stopped while posting this call, so it may or may not be in the channel; look, "
                     "and post it by hand if it is missing")
    return len(rows)


def channel_counts(session: Session, chats: tuple[str, ...]) -> list[ChannelCounts]:
    """Each configured channel's health and how many of its posts are in each state."""
    totals: dict[str, dict[str, int]] = {chat: {} for chat in chats}
    query = (select(TelegramPost.channel, TelegramPost.state, func.count())
             .where(TelegramPost.channel.in_(chats)).group_by(TelegramPost.channel, TelegramPost.state))
    for chat, state, count in session.execute(query):
        totals[chat][state] = count
    rows = session.scalars(select(TelegramChannel).where(TelegramChannel.chat.in_(chats)))
    channels = {row.chat: row for row in rows}
    result = []
    for chat in chats:
        row = channels.get(chat)
        result.append(ChannelCounts(chat, row.state if row else CHANNEL_OK, row.error if row else None,
                                    row.failed_at if row else None, totals[chat]))
    return result
