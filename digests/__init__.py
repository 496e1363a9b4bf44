"""Digests: choosing calls for each subscriber, rendering them (HTML + text, English + Arabic), delivering
them over SMTP or to an outbox folder, and the ledger that makes every digest go out exactly once.

Imports only `storage` and `matching`. This module is the package's whole public surface.
"""
from fursa.digests.announcement_letters import (
    RenderedAnnouncement, announcement_link, build_announcement_message, render_announcement,
)
from fursa.digests.announcements import (
    AnnouncementReport, AnnouncementStateError, AnnouncementsRun, EmptySegmentError, segment_members,
    send_announcement, send_due_announcements, send_test_announcement,
)
from fursa.digests.cards import CALL_CARD_SIZE, WEEK_CARD_CALLS, WEEK_CARD_SIZE, CardFonts, call_card, find_fonts, week_card
from fursa.digests.compose import compose_digest, preview_digest
from fursa.digests.config import DeliveryConfig
from fursa.digests.errors import (
    BouncedAddressError, CardError, ClaimExpiringError, ConfigurationError, DeliveryError, DigestError, InvalidAddressError,
    LedgerError, PermanentDeliveryError, ServerUnavailableError, TemporaryDeliveryError, TokenError,
)
from fursa.digests.intent_links import IntentLink, make_intent_token, read_intent_token, verify_intent_token
from fursa.digests.list_links import (
    BROWSER_DAYS, LIST_LINK_DAYS, ExpiredLinkError, ListLink, make_list_token, make_telegram_payload, read_list_token,
    read_telegram_payload, verify_list_token,
)
from fursa.digests.list_reminders import ListReminderReport, send_list_reminders
from fursa.digests.messages import SIGNED_HEADERS, WIRE_POLICY, build_envelope, build_message, message_id_for
from fursa.digests.posts import AUDIENCE_LEVELS, PostView, WeeklyPost, post_text, view_post, weekly_post
from fursa.digests.periods import digest_period, instant_period, is_weekend, send_moment
from fursa.digests.records import Digest, DigestItem, Envelope, RenderedDigest, SendReport
from fursa.digests.reminders import REMINDER_DAYS, ReminderReport, send_limited_reminders
from fursa.digests.reach_links import (
    LINK_MONTHS, AppliedLink, ClickLink, applied_link, applied_mark, make_applied_token, make_click_token,
    reach_month, read_applied_token, read_click_token, segment_of, tracked_link, verify_applied_token,
)
from fursa.digests.render import render_digest
from fursa.digests.retries import retry_deliveries
from fursa.digests.selection import profile_of, select_items
from fursa.digests.sending import send_digests, send_instant_alerts, send_one
from fursa.digests.short_links import call_id_of, short_code, short_link, short_path
from fursa.digests.signing import sign_message
from fursa.digests.smtp import parse_smtp_url
from fursa.digests.tokens import make_subscriber_token, read_subscriber_token, verify_subscriber_token
from fursa.digests.telegram import MESSAGE_LIMIT, BotUser, ChatInfo, Pacer, SentMessage, TelegramClient
from fursa.digests.telegram_posts import (
    ChannelCheck, ChannelReport, ChannelSpec, TelegramConfig, TelegramReport, check_channels, post_calls_to_telegram,
)
from fursa.digests.errors import (
    BotTokenError, ChatRefusedError, MarkupRefusedError, MessageGoneError, TelegramError, TelegramRequestError,
    TelegramUnavailableError,
)

__all__ = [
    "SIGNED_HEADERS", "WIRE_POLICY", "BouncedAddressError", "ClaimExpiringError", "ConfigurationError",
    "DeliveryConfig", "DeliveryError", "Digest", "DigestError", "DigestItem", "Envelope", "InvalidAddressError",
    "LedgerError", "PermanentDeliveryError", "RenderedDigest", "SendReport", "ServerUnavailableError",
    "TemporaryDeliveryError", "TokenError", "build_envelope", "build_message", "compose_digest", "digest_period",
    "instant_period", "is_weekend", "make_subscriber_token", "message_id_for", "parse_smtp_url", "preview_digest",
    "profile_of", "read_subscriber_token", "render_digest", "retry_deliveries", "select_items", "send_digests",
    "send_instant_alerts", "send_moment", "send_one", "sign_message", "verify_subscriber_token",
    "IntentLink", "make_intent_token", "read_intent_token", "verify_intent_token",
    "REMINDER_DAYS", "ReminderReport", "send_limited_reminders",
    # reach: counting links and "I applied" (issue 15.6)
    "LINK_MONTHS", "AppliedLink", "ClickLink", "applied_link", "applied_mark", "make_applied_token",
    "make_click_token", "reach_month", "read_applied_token", "read_click_token", "segment_of", "tracked_link",
    "verify_applied_token",
    "MESSAGE_LIMIT", "BotUser", "ChatInfo", "Pacer", "SentMessage", "TelegramClient", "BotTokenError",
    "ChatRefusedError", "MarkupRefusedError", "MessageGoneError", "TelegramError", "TelegramRequestError",
    "TelegramUnavailableError",
    "ChannelCheck", "ChannelReport", "ChannelSpec", "TelegramConfig", "TelegramReport", "check_channels",
    "post_calls_to_telegram",
    "AnnouncementReport", "AnnouncementStateError", "AnnouncementsRun", "EmptySegmentError", "RenderedAnnouncement",
    "announcement_link", "build_announcement_message", "render_announcement", "segment_members", "send_announcement",
    "send_due_announcements", "send_test_announcement",
    "BROWSER_DAYS", "LIST_LINK_DAYS", "ExpiredLinkError", "ListLink", "ListReminderReport", "make_list_token",
    "read_list_token", "send_list_reminders", "verify_list_token", "make_telegram_payload", "read_telegram_payload",
    # the weekly post and its cards, and the calls' short links (issue 16.2, 16.5)
    "AUDIENCE_LEVELS", "CALL_CARD_SIZE", "WEEK_CARD_CALLS", "WEEK_CARD_SIZE", "CardError", "CardFonts", "PostView",
    "WeeklyPost", "call_card", "call_id_of", "find_fonts", "post_text", "short_code", "short_link", "short_path",
    "view_post", "week_card", "weekly_post",
]
