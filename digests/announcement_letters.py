"""An announcement's letter: what one person gets, as the desk previews it and the sending run sends it.

Staff write plain text (paragraphs split by a blank line, links written out); it is shown as escaped
HTML with the links made clickable, in the reader's language when the announcement has it (right to
left in Arabic), with the call it points to and the reader's one-click unsubscribe (RFC 8058), like a
digest. Every link is built by `announcement_link`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from fursa.storage import Announcement, AnnouncementError, Subscriber

from fursa.digests.config import DeliveryConfig
from fursa.digests.formatting import clean_text, safe_url
from fursa.digests.messages import WIRE_POLICY, envelope_address, message_id_for, set_list_headers
from fursa.digests.reach_links import tracked_link
from fursa.digests.records import Envelope
from fursa.digests.render import _INLINER, _formatter, template_environment
from fursa.digests.selection import _candidate_of
from fursa.digests.tokens import make_subscriber_token
from fursa.digests.translations import is_rtl

_URL = re.compile(r"https?://[^\s<>\"']+")
_TRAILING = ".,;:!?)]}»،؛"   # punctuation after a link belongs to the sentence


@dataclass(frozen=True)
class Piece:
    """A run of a paragraph's line: plain words, or a link (`href` set)."""

    text: str
    href: str = ""


@dataclass(frozen=True)
class RenderedAnnouncement:
    """One person's copy: subject, inlined HTML, plain text, in `language`."""

    subject: str
    html: str
    text: str
    language: str
    unsubscribe_url: str
    unsubscribe_token: str


def announcement_link(url: str, *, announcement_id: int, subscriber: Subscriber, now: datetime,
                      config: DeliveryConfig, opportunity_id: int | None = None) -> str:
    """The address a link of an announcement leads to: the one place its links are built.

    The link to the call it points to goes through the counting redirect (digests.reach_links, as
    in the digests), under the mailing "announcement:<id>"; the links staff wrote in the message
    lead straight where they point. A preview's or a test's stand-in (id 0) is never counted.
    """
    if opportunity_id is None or not subscriber.id:
        return url
    return tracked_link(subscriber, opportunity_id, url=url, mailing=f"announcement:{announcement_id}", now=now,
                        config=config)


def language_for(announcement: Announcement, subscriber: Subscriber) -> str:
    """The reader's language when the announcement is written in it, else the one it is written in."""
    written = announcement.languages
    if not written:
        raise AnnouncementError(f"announcement {announcement.id} has no subject and message in any language")
    return subscriber.language if subscriber.language in written else written[0]


def paragraphs_of(body: str, link) -> list[list[list[Piece]]]:
    """Plain text as paragraphs (split at blank lines) of lines of pieces, each http(s) address a link
    made by `link(url)`; every other character stays text, to be escaped where it is printed."""
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = []
    for block in re.split(r"\n\s*\n", body.strip()):
        lines = [_pieces(clean_text(line, 5000), link) for line in block.split("\n") if line.strip()]
        if lines:
            paragraphs.append(lines)
    return paragraphs


def _pieces(line: str, link) -> list[Piece]:
    pieces, at = [], 0
    for found in _URL.finditer(line):
        url = found.group(0).rstrip(_TRAILING)
        start, end = found.start(), found.start() + len(url)
        if start > at:
            pieces.append(Piece(line[at:start]))
        href = safe_url(url)
        pieces.append(Piece(url, link(href)) if href else Piece(url))
        at = end
    if at < len(line):
        pieces.append(Piece(line[at:]))
    return pieces


def render_announcement(announcement: Announcement, subscriber: Subscriber, config: DeliveryConfig, *,
                        now: datetime) -> RenderedAnnouncement:
    """`subscriber`'s copy, exactly as sent: the desk's preview and test send call this too."""
    language = language_for(announcement, subscriber)
    subject = clean_text(announcement.subject_ar if language == "ar" else announcement.subject_en, 200)
    body = announcement.body_ar if language == "ar" else announcement.body_en

    def link(url: str, opportunity_id: int | None = None) -> str:
        return announcement_link(url, announcement_id=announcement.id, subscriber=subscriber, now=now, config=config,
                                 opportunity_id=opportunity_id)

    base = config.public_base_url.rstrip("/")
    unsubscribe = make_subscriber_token(subscriber, "unsubscribe", config.secret_key)
    preferences = make_subscriber_token(subscriber, "preferences", config.secret_key)
    call = None
    if announcement.opportunity is not None:
        view = _formatter(language, config.zone, now).view(_candidate_of(announcement.opportunity).shown)
        call = {"view": view, "url": link(view.url, announcement.opportunity.id) if view.url else ""}
    rtl = is_rtl(language)
    context = {
        "subject": subject, "name": subscriber.name or "", "paragraphs": paragraphs_of(body, link), "call": call,
        "lang": language, "dir": "rtl" if rtl else "ltr", "start": "right" if rtl else "left",
        "unsubscribe_url": f"{base}/unsubscribe/{unsubscribe}", "preferences_url": f"{base}/preferences/{preferences}",
    }
    environment = template_environment(language)
    html = environment.get_template("announcement.html").render(context)
    text = environment.get_template("announcement.txt").render(context)
    return RenderedAnnouncement(subject=subject, html=_INLINER.inline(html), text=text, language=language,
                                unsubscribe_url=context["unsubscribe_url"], unsubscribe_token=unsubscribe)


def build_announcement_message(rendered: RenderedAnnouncement, subscriber: Subscriber, announcement_id: int,
                               config: DeliveryConfig, *, now: datetime, subject_prefix: str = "",
                               key: str = "") -> EmailMessage:
    """multipart/alternative [text, html] with List-Id and one-click List-Unsubscribe, like a digest."""
    address = envelope_address(subscriber.email)
    message = EmailMessage(policy=WIRE_POLICY)
    message["From"] = config.from_address
    local, _, domain = address.partition("@")
    message["To"] = Address(display_name=clean_text(subscriber.name, 80), username=local, domain=domain)
    message["Subject"] = subject_prefix + rendered.subject
    message["Date"] = format_datetime(now.astimezone(timezone.utc))
    # The same Message-ID whenever this person's copy is built; `key` sets the test copies apart.
    message["Message-ID"] = message_id_for(subscriber.id, f"announcement-{announcement_id}{key}", config)
    set_list_headers(message, rendered.unsubscribe_url, rendered.unsubscribe_token, config)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(rendered.text, subtype="plain", charset="utf-8", cte="base64")
    message.add_alternative(rendered.html, subtype="html", charset="utf-8", cte="base64")
    message["Content-Language"] = rendered.language
    return message


def announcement_envelope(message: EmailMessage, config: DeliveryConfig, signer) -> Envelope:
    data = message.as_bytes(policy=WIRE_POLICY)
    if signer is not None:
        data = signer.sign(data)
    return Envelope(sender=parseaddr(config.from_address)[1], recipient=message["To"].addresses[0].addr_spec,
                    data=data, message_id=message["Message-ID"])
