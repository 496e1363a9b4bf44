"""Closing reminders of the calls a person saved to their list: 14 and 3 days before a call closes, by
e-mail in their language (and to the Telegram chat they linked, when the office has a bot).

Each (person, call, 14 or 3, channel) is claimed in storage's ledger and committed before the message
is handed over, so a second run, or two schedulers, never send it twice; a refused delivery gives the
claim back for the next run (the rule of digests/reminders.py). Calls marked "applied", closed or
withdrawn, and people who unsubscribed, get nothing: storage.due_bookmark_reminders leaves them out.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Callable

from sqlalchemy.orm import Session

from fursa.storage import (
    DueReminder, claim_bookmark_reminder, due_bookmark_reminders, mark_bookmark_reminder_sent,
    release_bookmark_reminder, telegram_chat_of,
)

from fursa.digests.config import DeliveryConfig
from fursa.digests.errors import ConfigurationError, DeliveryError, TelegramError
from fursa.digests.list_links import make_list_token
from fursa.digests.messages import SIGNED_HEADERS, WIRE_POLICY, set_list_headers
from fursa.digests.records import Envelope
from fursa.digests.render import _formatter, template_environment
from fursa.digests.selection import _candidate_of
from fursa.digests.sending import send_one
from fursa.digests.signing import sign_message
from fursa.digests.tokens import make_subscriber_token
from fursa.digests.translations import LANGUAGES

log = logging.getLogger(__name__)

# Sends one plain text to one Telegram chat; raises a TelegramError when the Bot API refuses it.
ChatSender = Callable[[str, str], None]


@dataclass(frozen=True)
class ListReminderReport:
    """What one run did: reminders sent (e-mail and Telegram), sent before (skipped), failed (tried again next run)."""

    sent: int = 0
    telegram: int = 0
    skipped: int = 0
    failed: int = 0


@dataclass(frozen=True)
class ReminderText:
    """One reminder worded for its reader: subject, plain text, HTML and the short Telegram text."""

    subject: str
    text: str
    html: str
    chat: str
    language: str


def send_list_reminders(session: Session, *, now: datetime, config: DeliveryConfig,
                        chat_sender: ChatSender | None = None) -> ListReminderReport:
    """Send every closing reminder due at `now` once; with `chat_sender`, also to each person's linked chat."""
    sent = telegram = skipped = failed = 0
    for due in due_bookmark_reminders(session, now, config.timezone):
        words = word_reminder(due, config, now)
        channels = [("email", lambda: send_one(_envelope(_message(due, words, config, now), due, config), config))]
        chat = telegram_chat_of(session, due.subscriber.id) if chat_sender is not None else None
        if chat is not None:
            channels.append(("telegram", lambda chat_id=chat.chat_id: chat_sender(chat_id, words.chat)))
        for channel, send in channels:
            if not claim_bookmark_reminder(session, due, channel, now):
                skipped += 1
                continue
            session.commit()   # the claim is durable before anything is sent
            try:
                send()
            except (DeliveryError, ConfigurationError, TelegramError) as exc:
                log.error("list reminder not sent", extra={"call": due.call.id, "channel": channel,
                                                           "error": str(exc)})
                release_bookmark_reminder(session, due, channel)
                session.commit()
                failed += 1
                continue
            mark_bookmark_reminder_sent(session, due, channel, now)
            session.commit()
            if channel == "email":
                sent += 1
            else:
                telegram += 1
    return ListReminderReport(sent=sent, telegram=telegram, skipped=skipped, failed=failed)


def word_reminder(due: DueReminder, config: DeliveryConfig, now: datetime) -> ReminderText:
    """The reminder in the reader's language (English when theirs is not one the digests speak)."""
    person = due.subscriber
    language = person.language if person.language in LANGUAGES else "en"
    base = config.public_base_url.rstrip("/")
    view = _formatter(language, config.zone, now).view(_candidate_of(due.call).shown)
    context = {"name": person.name or "", "view": view, "days_left": due.days_left,
               "call_link": f"{base}/calls/{due.call.id}",
               "list_link": f"{base}/my/{make_list_token(person, config.secret_key, now)}",
               "lang": language, "dir": "rtl" if language == "ar" else "ltr"}
    environment = template_environment(language)
    return ReminderText(
        subject=" ".join(environment.get_template("list_reminder_subject.txt").render(context).split()),
        text=environment.get_template("list_reminder.txt").render(context),
        html=environment.get_template("list_reminder.html").render(context),
        chat=environment.get_template("list_reminder_chat.txt").render(context).strip(),
        language=language)


def _message(due: DueReminder, words: ReminderText, config: DeliveryConfig, now: datetime) -> EmailMessage:
    person = due.subscriber
    message = EmailMessage()
    message["Subject"] = words.subject
    message["From"] = config.from_address
    message["To"] = Address(display_name=person.name, addr_spec=person.email) if person.name else person.email
    message["Date"] = format_datetime(now.astimezone(timezone.utc))
    domain = parseaddr(config.from_address)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid("fursa-list-reminder", domain=domain)
    unsubscribe = make_subscriber_token(person, "unsubscribe", config.secret_key)
    set_list_headers(message, f"{config.public_base_url.rstrip('/')}/unsubscribe/{unsubscribe}", unsubscribe, config)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(words.text)
    message.add_alternative(words.html, subtype="html")
    message["Content-Language"] = words.language   # after set_content, which clears Content-* headers
    return message


def _envelope(message: EmailMessage, due: DueReminder, config: DeliveryConfig) -> Envelope:
    data = sign_message(message.as_bytes(policy=WIRE_POLICY), config, SIGNED_HEADERS)
    return Envelope(sender=parseaddr(config.from_address)[1], recipient=due.subscriber.email, data=data,
                    message_id=message["Message-ID"])
