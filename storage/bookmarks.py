"""A student's own list (issue 16.4): calls a subscriber saved, whether they applied, the closing-reminder
ledger, the Telegram chat they linked, and a saved search taken into their profile.

No account: the web finds the subscriber through a signed link and hands the row here. A saved call is
kept whatever happens to it later; `saved_calls` says whether it is still open, closed, or withdrawn by
the office, and the reminders go only to open ones. Merged calls are followed to the call that survived.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Collection

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fursa.storage.models import Bookmark, BookmarkReminder, Opportunity, Subscriber, TelegramChat
from fursa.storage.subscribers import SubscriberInput, check_fields
from fursa.storage.subscriptions import kept_fields, update_preferences

# What a saved call is now: applications still accepted; closed (the deadline passed); withdrawn (staff
# rejected it or took it back for review after it was public).
SAVED_OPEN, SAVED_CLOSED, SAVED_WITHDRAWN = "open", "closed", "withdrawn"
# The closing reminders, in days before the deadline (calendar days in the site's zone).
BOOKMARK_REMINDER_DAYS = (14, 3)
CHANNELS = ("email", "telegram")
_CHAT_ID_LENGTH = 40


@dataclass(frozen=True)
class SavedCall:
    """One entry of a person's list: the bookmark, the call it names now (after merges), and its state."""

    bookmark: Bookmark
    call: Opportunity
    state: str

    @property
    def applied(self) -> bool:
        return self.bookmark.applied_at is not None


@dataclass(frozen=True)
class DueReminder:
    """A closing reminder to send now: to whom, about which call, for which mark (14 or 3 days)."""

    subscriber: Subscriber
    call: Opportunity
    days_before: int
    days_left: int


def surviving_call(session: Session, call: Opportunity | None) -> Opportunity | None:
    """The call that stands for `call` after merges (itself when it was never merged)."""
    seen: set[int] = set()
    while call is not None and call.merged_into_id is not None and call.id not in seen:
        seen.add(call.id)
        call = session.get(Opportunity, call.merged_into_id)
    return call


def call_state(call: Opportunity, now: datetime) -> str:
    """SAVED_OPEN, SAVED_CLOSED or SAVED_WITHDRAWN for a saved call at `now`."""
    if call.status == "approved":
        return SAVED_OPEN if call.deadline.is_open(now) else SAVED_CLOSED
    if call.status == "expired":
        return SAVED_CLOSED
    return SAVED_WITHDRAWN


def save_bookmark(session: Session, subscriber: Subscriber, call: Opportunity, now: datetime) -> bool:
    """Put `call` on the person's list; False when it was there already (nothing changes)."""
    if bookmark_of(session, subscriber.id, call.id) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(Bookmark(subscriber_id=subscriber.id, opportunity_id=call.id, created_at=now))
    except IntegrityError:   # the same link opened twice at once: the other request saved it
        return False
    return True


def bookmark_of(session: Session, subscriber_id: int, call_id: int) -> Bookmark | None:
    return session.scalar(select(Bookmark).where(Bookmark.subscriber_id == subscriber_id,
                                                 Bookmark.opportunity_id == call_id))


def remove_bookmark(session: Session, subscriber: Subscriber, call_id: int) -> bool:
    """Take a call off the list; False when it was not on it. The reminder ledger keeps its rows, so a
    call removed and saved again is not reminded of twice."""
    found = session.execute(delete(Bookmark).where(Bookmark.subscriber_id == subscriber.id,
                                                   Bookmark.opportunity_id == call_id))
    return bool(found.rowcount)


def mark_applied(session: Session, subscriber: Subscriber, call_id: int, now: datetime) -> Bookmark | None:
    """The person says they applied: no more reminders for this call. None when it is not on their list;
    a second mark keeps the first time."""
    row = bookmark_of(session, subscriber.id, call_id)
    if row is not None and row.applied_at is None:
        row.applied_at = now
    return row


def saved_calls(session: Session, subscriber: Subscriber, now: datetime) -> list[SavedCall]:
    """The person's list: open calls first, soonest deadline first (undated last), then the closed and
    withdrawn ones, most recently saved first."""
    rows = session.scalars(select(Bookmark).where(Bookmark.subscriber_id == subscriber.id)
                           .order_by(Bookmark.created_at.desc(), Bookmark.id.desc()))
    found: list[SavedCall] = []
    for row in rows:
        call = surviving_call(session, row.opportunity) or row.opportunity
        found.append(SavedCall(row, call, call_state(call, now)))
    far = datetime.max.replace(tzinfo=now.tzinfo)
    return sorted(found, key=lambda saved: (saved.state != SAVED_OPEN,
                                            (saved.call.deadline.at or far) if saved.state == SAVED_OPEN else far))


def saved_call_ids(session: Session, subscriber_id: int) -> set[int]:
    """The ids of the calls on a person's list, as saved (for the public pages' "saved" marks)."""
    return set(session.scalars(select(Bookmark.opportunity_id).where(Bookmark.subscriber_id == subscriber_id)))


def reminder_due(days_left: int | None) -> int | None:
    """Which reminder (14 or 3) a call `days_left` calendar days from closing is due for, or None.
    A call saved with 10 days left gets the 14-day reminder (it says 10); one saved with 2 left only the 3-day one."""
    if days_left is None:
        return None
    for days in sorted(BOOKMARK_REMINDER_DAYS):
        if days_left <= days:
            return days
    return None


def due_bookmark_reminders(session: Session, now: datetime, zone: str) -> list[DueReminder]:
    """Every closing reminder due at `now`: saved, not marked applied, the person active and confirmed, the
    call public and open with a deadline within the longest reminder. The ledger decides what was sent."""
    horizon = now + timedelta(days=max(BOOKMARK_REMINDER_DAYS) + 1)
    query = (select(Bookmark).join(Bookmark.subscriber).join(Bookmark.opportunity)
             .where(Bookmark.applied_at.is_(None), Subscriber.status == "active", Subscriber.confirmed.is_(True),
                    or_(Opportunity.merged_into_id.is_not(None),
                        (Opportunity.deadline_at > now) & (Opportunity.deadline_at <= horizon)))
             .order_by(Bookmark.subscriber_id, Bookmark.opportunity_id))
    due: list[DueReminder] = []
    for row in session.scalars(query):
        call = surviving_call(session, row.opportunity)
        if call is None or call_state(call, now) != SAVED_OPEN:
            continue
        days_left = call.deadline.days_left(now, zone)
        days = reminder_due(days_left)
        if days is not None:
            due.append(DueReminder(row.subscriber, call, days, days_left))
    return due


def claim_bookmark_reminder(session: Session, due: DueReminder, channel: str, now: datetime) -> bool:
    """Claim one reminder before sending it; False when it was claimed before (sent, or being sent)."""
    if channel not in CHANNELS:
        raise ValueError(f"reminder channel {channel!r} is not one of {CHANNELS}")
    try:
        with session.begin_nested():
            session.add(BookmarkReminder(subscriber_id=due.subscriber.id, opportunity_id=due.call.id,
                                         days_before=due.days_before, channel=channel, state="sending",
                                         created_at=now))
    except IntegrityError:
        return False
    return True


def _ledger_row(session: Session, due: DueReminder, channel: str) -> BookmarkReminder | None:
    return session.get(BookmarkReminder, (due.subscriber.id, due.call.id, due.days_before, channel))


def mark_bookmark_reminder_sent(session: Session, due: DueReminder, channel: str, now: datetime) -> None:
    row = _ledger_row(session, due, channel)
    if row is not None:
        row.state = "sent"
        row.sent_at = now


def release_bookmark_reminder(session: Session, due: DueReminder, channel: str) -> None:
    """Give a claim back after a refused delivery, so the next run tries again."""
    row = _ledger_row(session, due, channel)
    if row is not None:
        session.delete(row)


def bookmark_reminders_of(session: Session, subscriber_id: int) -> list[BookmarkReminder]:
    """The ledger rows of one person, for the tests and the desk."""
    return list(session.scalars(select(BookmarkReminder).where(BookmarkReminder.subscriber_id == subscriber_id)
                                .order_by(BookmarkReminder.opportunity_id, BookmarkReminder.days_before.desc(),
                                          BookmarkReminder.channel)))


def link_telegram_chat(session: Session, subscriber: Subscriber, chat_id: str, now: datetime) -> TelegramChat:
    """Remember the Telegram chat that gets this person's reminders (one per person; a new one replaces it).
    Raises ValueError for anything that is not a Telegram chat id (an integer, negative for groups)."""
    chat_id = chat_id.strip()
    if not chat_id.lstrip("-").isdigit() or len(chat_id) > _CHAT_ID_LENGTH:
        raise ValueError(f"{chat_id[:60]!r} is not a Telegram chat id: it is a whole number such as 123456789")
    row = session.get(TelegramChat, subscriber.id)
    if row is None:
        row = TelegramChat(subscriber_id=subscriber.id)
        session.add(row)
    row.chat_id, row.linked_at = chat_id, now
    return row


def telegram_chat_of(session: Session, subscriber_id: int) -> TelegramChat | None:
    return session.get(TelegramChat, subscriber_id)


def subscriber_of_chat(session: Session, chat_id: str) -> Subscriber | None:
    """Who linked this Telegram chat (the first, should two people have linked the same one)."""
    row = session.scalar(select(TelegramChat).where(TelegramChat.chat_id == chat_id.strip())
                         .order_by(TelegramChat.linked_at, TelegramChat.subscriber_id).limit(1))
    return session.get(Subscriber, row.subscriber_id) if row is not None else None


def unlink_telegram_chat(session: Session, subscriber: Subscriber) -> bool:
    found = session.execute(delete(TelegramChat).where(TelegramChat.subscriber_id == subscriber.id))
    return bool(found.rowcount)


@dataclass(frozen=True)
class SearchProfile:
    """The parts of a public-list search a profile can hold: a field, a level, a kind ("" for none)."""

    field: str = ""
    level: str = ""
    kind: str = ""

    @property
    def empty(self) -> bool:
        return not (self.field or self.level or self.kind)


def profile_with_search(row: Subscriber, search: SearchProfile, known_fields: Collection[str]) -> SubscriberInput:
    """The person's profile with the search's field, level and kind added to what they chose (nothing is
    dropped). Raises UnknownFieldError for a field code the taxonomy does not know (check_fields)."""
    if search.field:
        check_fields((search.field,), kept_fields(row, known_fields))

    def added(held, value: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys([*(held or ()), *([value] if value else [])]))

    current = SubscriberInput(email=row.email, name=row.name, role=row.role,
                              disciplines=tuple(row.disciplines or ()), levels=tuple(row.levels or ()),
                              kinds=tuple(row.kinds or ()), language=row.language, frequency=row.frequency,
                              confirmed=row.confirmed)
    return replace(current, disciplines=added(row.disciplines, search.field), levels=added(row.levels, search.level),
                   kinds=added(row.kinds, search.kind))


def adopt_search(session: Session, row: Subscriber, search: SearchProfile, now: datetime, *,
                 known_fields: Collection[str]) -> Subscriber:
    """Take a saved search into the person's profile (profile_with_search); audited as their own change of
    preferences, like a save of the preferences page."""
    return update_preferences(session, row, profile_with_search(row, search, known_fields), now,
                              known_fields=known_fields)
