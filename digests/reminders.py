"""Reminders before a limited submission's internal deadline: to everyone who said they intend to
apply, and to the faculty in the call's fields who have not answered (they get the signed link).

Each (call, person) is claimed in storage's reminder ledger and committed before the message is
handed over, so a second run, or two schedulers, never send it again. A delivery that fails gives
the claim back for the next run; a crash between the claim and the hand-over loses that one
reminder rather than risking a double (the digests' rule: checkpoint on send, never twice).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from sqlalchemy.orm import Session

from fursa.storage import (
    LimitedReminder, claim_reminder, limited_due_reminders, mark_reminder_sent, reminder_recipients,
)

from fursa.digests.config import DeliveryConfig
from fursa.digests.errors import ConfigurationError, DeliveryError
from fursa.digests.intent_links import make_intent_token
from fursa.digests.reach_links import tracked_link
from fursa.digests.tokens import make_subscriber_token
from fursa.digests.messages import SIGNED_HEADERS, WIRE_POLICY, set_list_headers
from fursa.digests.records import DigestItem, Envelope
from fursa.digests.render import _formatter, template_environment
from fursa.digests.selection import _candidate_of
from fursa.digests.sending import send_one
from fursa.digests.signing import sign_message
from fursa.digests.translations import LANGUAGES

log = logging.getLogger(__name__)
REMINDER_DAYS = 3   # how long before the internal deadline the reminder goes out


@dataclass(frozen=True)
class ReminderReport:
    """What one run did: reminders sent, already sent before (skipped), failed (to be tried again)."""

    sent: int = 0
    skipped: int = 0
    failed: int = 0


def send_limited_reminders(session: Session, *, now: datetime, config: DeliveryConfig,
                           days_before: int = REMINDER_DAYS) -> ReminderReport:
    """Remind, once per person and call, of every open limited call whose internal deadline is within `days_before`."""
    sent = skipped = failed = 0
    base = config.public_base_url.rstrip("/")
    for limited in limited_due_reminders(session, now, days_before):
        item = _candidate_of(limited.opportunity).shown
        for person, intends in reminder_recipients(session, limited):
            if not claim_reminder(session, limited, person, now):
                skipped += 1
                continue
            session.commit()   # the claim is durable before anything is sent
            token = make_intent_token(person, limited.opportunity_id, config.secret_key)
            link = "" if intends else f"{base}/intent/{token}"
            try:
                send_one(_envelope(_message(person, item, intends, link, config, now), person, config), config)
            except (DeliveryError, ConfigurationError) as exc:
                log.error("limited-submission reminder not sent", extra={"call": limited.opportunity_id,
                                                                         "error": str(exc)})
                session.delete(session.get(LimitedReminder, (limited.id, person.id)))
                session.commit()
                failed += 1
                continue
            mark_reminder_sent(session, limited, person, now)
            session.commit()
            sent += 1
    return ReminderReport(sent=sent, skipped=skipped, failed=failed)


def _message(person, item: DigestItem, intends: bool, link: str, config: DeliveryConfig,
             now: datetime) -> EmailMessage:
    language = person.language if person.language in LANGUAGES else "en"
    formatter = _formatter(language, config.zone, now)
    environment = template_environment(language)
    view = formatter.view(item)
    if view.url:   # the call's link counts reach like a digest's (mailing "reminder")
        view = replace(view, url=tracked_link(person, item.opportunity_id, url=view.url, mailing="reminder",
                                              now=now, config=config))
    context = {"name": person.name or "", "view": view, "intends": intends, "link": link,
               "lang": language, "dir": "rtl" if language == "ar" else "ltr"}
    message = EmailMessage()
    message["Subject"] = " ".join(environment.get_template("limited_reminder_subject.txt").render(context).split())
    message["From"] = config.from_address
    message["To"] = Address(display_name=person.name, addr_spec=person.email) if person.name else person.email
    message["Date"] = format_datetime(now.astimezone(timezone.utc))
    domain = parseaddr(config.from_address)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid("fursa-reminder", domain=domain)
    unsubscribe = make_subscriber_token(person, "unsubscribe", config.secret_key)
    set_list_headers(message, f"{config.public_base_url.rstrip('/')}/unsubscribe/{unsubscribe}", unsubscribe, config)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(environment.get_template("limited_reminder.txt").render(context))
    message.add_alternative(environment.get_template("limited_reminder.html").render(context), subtype="html")
    message["Content-Language"] = language
    return message


def _envelope(message: EmailMessage, person, config: DeliveryConfig) -> Envelope:
    data = sign_message(message.as_bytes(policy=WIRE_POLICY), config, SIGNED_HEADERS)
    return Envelope(sender=parseaddr(config.from_address)[1], recipient=person.email, data=data,
                    message_id=message["Message-ID"])
