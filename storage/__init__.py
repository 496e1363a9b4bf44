"""Storage: the schema, migrations, sessions, the queries the rest needs, and record types.

Imports nothing else of Fursa's. Other packages use only what this module exposes.

Two weights: the record types and the error classes load with the package, as crawlers need
nothing else and run in child processes and the Scrapyd egg, where each import is paid again. The
ORM, the queries and the migrations (SQLAlchemy, Alembic) load on first use of one of their names
(PEP 562 `__getattr__` below), so `import fursa.crawlers` never loads them.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from fursa.storage.errors import (
    BackupError, DatabaseError, FormProblemsError, InvalidPartnerError, InvalidSourceError, InvalidSubscriberError, InvalidUserError,
    LockHeldError,
    LockLostError, NotFoundError, RosterFileError, StorageError, SuppressedAddressError, WeakPasswordError,
)
from fursa.storage.records import (
    AUDIENCES, CRAWL_FLAGS, FREQUENCIES, KINDS, LANGUAGES, LEVELS, ROLES, SOURCE_TYPES, Deadline, Draft, FetchResult,
    FieldProblem, ItemError, SourceSpec, Validators,
)
from fursa.storage.records import CLOSING_ZONE, DEADLINE_KINDS, closing_instant, deadline_of, zone_named
from fursa.storage.records import JOB_TITLE_MAX, STAFF_UNITS

# Each lazily loaded name and the submodule that defines it.
_LAZY: dict[str, str] = {
    # calls stored before their audiences were read (issue 15.4)
    "calls_without_audiences": "audiences",
    # the schema
    **dict.fromkeys(("AuditEntry", "Base", "Delivery", "JobRun", "LockLease", "Opportunity", "Sighting", "Source",
                     "SourceRun", "Subscriber", "Suppression", "TagCorrection", "Token", "User"), "models"),
    # engines, sessions, migrations, backups, the scheduler's lock
    **dict.fromkeys(("check_tables", "is_database_full", "is_migrated", "make_engine", "make_sessionmaker", "migrate"),
                    "db"),
    **dict.fromkeys(("backup_database", "restore_database"), "backup"),
    **dict.fromkeys(("SchedulerLock", "SCHEDULER_LEASE"), "locks"),
    # a deadline in a reader's words (Babel)
    **dict.fromkeys(("describe_deadline", "zone_label"), "deadline_words"),
    # the audit log and the job log
    **dict.fromkeys(("record_audit", "recent_audit"), "audit"),
    **dict.fromkeys(("finish_job_run", "latest_job_runs", "recent_problems", "record_missed_job", "start_job_run"),
                    "jobs"),
    # monitoring: read-only totals for /metrics
    **dict.fromkeys(("JobMetrics", "MetricsSnapshot", "SOURCE_STATES", "SourceMetrics", "read_metrics"), "metrics"),
    # calls: ingest, tagging state, curation, the public pages' queries
    **dict.fromkeys(("SameAs", "approved_open", "content_hash", "dedup_candidates", "expire_passed", "ingest_drafts",
                     "set_canonical_url", "set_status", "training_opportunities", "untagged", "with_status"),
                    "opportunities"),
    **dict.fromkeys(("CallQuery", "SORTS", "count_calls", "calls_to_index", "list_generation", "plain_document",
                     "search_calls", "calls_without_details"), "search"),
    **dict.fromkeys(("OpportunityEdit", "apply_edit", "change_status", "corrections_of", "delivery_totals",
                     "duplicate_candidates", "history_of", "merge_opportunities", "opportunities_by_ids",
                     "public_call", "recent_deliveries", "review_queue", "runs_of", "set_featured",
                     "sources_of", "status_counts", "upcoming_deadlines", "weekly_new_by_kind"), "curation"),
    # sources: the catalogue, what is due, health; what staff change
    **dict.fromkeys(("CatalogueSync", "due_sources", "get_source", "list_sources", "record_fetch", "source_from_spec",
                     "spec_of", "sync_catalogue", "validators_of"), "sources"),
    **dict.fromkeys(("SOURCE_LANGUAGES", "SourceEdit", "add_source", "edit_of", "edit_source", "pause_source",
                     "resume_source", "revert_source", "source_name_taken", "source_problems", "valid_source_name"),
                    "source_changes"),
    # subscribers, the do-not-mail list, opt-in, rosters, tokens
    **dict.fromkeys(("SubscriberInput", "active_subscribers", "add_subscriber", "get_subscriber", "list_subscribers",
                     "normalize_email", "validate_subscriber", "unknown_fields"), "subscribers"),
    **dict.fromkeys(("email_hash", "lift_suppression", "refuse_suppressed", "suppress", "suppression_of"),
                    "suppressions"),
    **dict.fromkeys(("CONFIRM_HOURS", "CONFIRM_PURPOSE", "OptIn", "confirm_subscription", "request_subscription",
                     "update_preferences", "start_opt_in", "kept_fields"), "subscriptions"),
    **dict.fromkeys(("enrol_subscriber", "erase_subscriber", "search_subscribers", "set_subscriber_status"), "roster"),
    **dict.fromkeys(("MAX_ROWS", "RosterImport", "RowProblem", "export_roster", "import_roster"), "roster_files"),
    **dict.fromkeys(("find_token", "issue_token", "redeem_token"), "tokens"),
    # the delivery ledger
    **dict.fromkeys(("DEFERRED", "FAILED", "PENDING", "SENDING", "SENT", "ClaimRequest", "Outstanding",
                     "add_pending_deliveries", "claim_deliveries", "clear_bounces", "delivery_states",
                     "drop_pending_deliveries", "give_up_deliveries", "last_activity", "mark_deliveries_sent",
                     "mark_failed", "outstanding_deliveries", "record_bounce", "sent_item_ids"), "deliveries"),
    # staff accounts and their passwords
    **dict.fromkeys(("STAFF_ROLES", "add_user", "authenticate", "create_user", "find_user", "get_user", "set_language",
                     "set_password"), "users"),
    **dict.fromkeys(("MIN_PASSWORD_LENGTH", "hash_password"), "passwords"),
    # staff sessions (ended on the server), two-factor sign-in, the sign-in throttle
    **dict.fromkeys(("AttemptCount", "RecoveryCode", "StaffSession"), "models"),
    **dict.fromkeys(("change_password", "password_matches"), "users"),
    **dict.fromkeys(("PENDING_LIFETIME", "SESSION_LIFETIME", "end_sessions_of", "end_staff_session",
                     "find_staff_session", "open_staff_session", "same_session", "sessions_of"), "staff_sessions"),
    **dict.fromkeys(("RECOVERY_CODE_COUNT", "SecondFactor", "begin_enrolment", "check_second_factor",
                     "confirm_enrolment", "enrolment_uri", "has_two_factor", "recovery_codes_left",
                     "replace_recovery_codes", "turn_off_two_factor"), "two_factor"),
    **dict.fromkeys(("AttemptLimit", "attempts_of", "clear_attempts", "over_limit", "prune_attempts",
                     "record_attempt"), "throttle"),
    # faculty research profiles (issue 15.1)
    **dict.fromkeys(("ResearchProfile",), "models"),
    **dict.fromkeys(("ResearchEntry", "faculty_with_research", "research_profile_of", "save_research_profile"),
                    "research_profiles"),
    # the partner register and the calls that name a partner
    **dict.fromkeys(("Partner", "PartnerAlias", "PartnerCall"), "models"),
    **dict.fromkeys(("AGREEMENT_STATES", "AGREEMENT_TYPES", "CallWords", "EXPIRING_DAYS", "PartnerInput",
                     "PartnerLink", "PartnerProblem", "add_partner", "agreement_state", "calls_of_partner",
                     "calls_to_match", "check_partner", "edit_partner", "expiring_partners", "find_partner",
                     "get_partner", "input_of", "link_partners", "list_partners", "name_key", "parse_day",
                     "partner_call_counts", "partners_of_call"), "partners"),
    **dict.fromkeys(("PARTNER_COLUMNS", "PartnerImport", "PartnerRowProblem", "export_partners_csv",
                     "export_partners_xlsx", "import_partners"), "partner_files"),
    # the Telegram post ledger and the channels' health (issue 16.1)
    **dict.fromkeys(("TelegramChannel", "TelegramPost"), "models"),
    **dict.fromkeys(("CHANNEL_FAILED", "CHANNEL_OK", "POST_STATES", "ChannelCounts", "channel_counts", "claim_post",
                     "failed_posts", "mark_channel_failed", "mark_channel_ok", "posts_in", "record_edited",
                     "record_posted", "record_refused", "release_claim", "stale_claims", "telegram_channel",
                     "unposted_calls"), "telegram_posts"),
    # limited submissions: slots, internal deadlines, intents to apply, the reminder ledger
    **dict.fromkeys(("IntentToApply", "LimitedReminder", "LimitedSubmission"), "models"),
    **dict.fromkeys(("INTENT_ALREADY", "INTENT_CLOSED", "INTENT_COLUMNS", "INTENT_RECORDED",
                     "InvalidLimitedSubmissionError", "LimitedInput", "LimitedProblem", "check_limited",
                     "claim_reminder", "close_intents", "export_intents_csv",
                     "intents_of", "limited_by_call", "limited_due_reminders", "limited_of", "mark_reminder_sent",
                     "record_intent", "reminder_recipients", "reminders_sent", "reopen_intents",
                     "set_limited_submission"), "limited_submissions"),
    # reach: clicks and "I applied" per call, month and segment; sent read from the ledger (issue 15.6)
    **dict.fromkeys(("AppliedMark", "ReachCount", "ReachPerson"), "models"),
    **dict.fromkeys(("COUNT_GROUP", "COUNT_OFF", "COUNT_PERSONAL", "PersonalReach", "REACH_COLUMNS", "REACH_COUNTING",
                     "ReachRow", "ReachSegment", "export_reach_csv", "export_reach_xlsx", "personal_reach",
                     "reach_months", "reach_of_month", "record_applied", "record_click", "sent_counts",
                     "set_reach_counting"), "reach"),
    # a student's own list: saved calls, applied marks, the closing-reminder ledger, a linked Telegram chat
    **dict.fromkeys(("Bookmark", "BookmarkReminder", "TelegramChat"), "models"),
    **dict.fromkeys(("BOOKMARK_REMINDER_DAYS", "SAVED_CLOSED", "SAVED_OPEN", "SAVED_WITHDRAWN",
                     "DueReminder", "SavedCall", "SearchProfile",
                     "adopt_search", "bookmark_of", "bookmark_reminders_of", "call_state",
                     "claim_bookmark_reminder", "due_bookmark_reminders", "link_telegram_chat", "mark_applied",
                     "mark_bookmark_reminder_sent", "profile_with_search", "release_bookmark_reminder",
                     "reminder_due", "remove_bookmark", "save_bookmark", "saved_call_ids", "saved_calls",
                     "subscriber_of_chat", "surviving_call", "telegram_chat_of", "unlink_telegram_chat"), "bookmarks"),
    # announcements to a segment and their ledger (issue 15.5)
    **dict.fromkeys(("Announcement", "AnnouncementDelivery"), "models"),
    **dict.fromkeys(("ANNOUNCEMENT_STATES", "AnnouncementError", "AnnouncementInput", "AnnouncementProblem",
                     "InvalidAnnouncementError", "Segment", "announced_to", "announcement_counts",
                     "announcement_deliveries", "announcement_input_of", "cancel_announcement", "check_announcement",
                     "claim_announcement_delivery", "due_announcements", "finish_announcement", "get_announcement",
                     "list_announcements", "mark_announcement_failed", "mark_announcement_sent", "return_to_draft",
                     "save_announcement", "schedule_announcement", "segment_candidates", "segment_of",
                     "start_sending", "unschedule_announcement"),
                    "announcements"),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'fursa.storage' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"fursa.storage.{module}"), name)
    globals()[name] = value   # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


if TYPE_CHECKING:   # what the lazy names are, for type checkers and editors
    from fursa.storage.audiences import calls_without_audiences
    from fursa.storage.audit import record_audit, recent_audit
    from fursa.storage.backup import backup_database, restore_database
    from fursa.storage.curation import (
        OpportunityEdit, apply_edit, change_status, corrections_of, delivery_totals, duplicate_candidates,
        history_of, merge_opportunities, opportunities_by_ids, public_call, recent_deliveries, review_queue, runs_of,
        set_featured, sources_of, status_counts, upcoming_deadlines, weekly_new_by_kind,
    )
    from fursa.storage.deadline_words import describe_deadline, zone_label
    from fursa.storage.db import check_tables, is_database_full, is_migrated, make_engine, make_sessionmaker, migrate
    from fursa.storage.deliveries import (
        DEFERRED, FAILED, PENDING, SENDING, SENT, ClaimRequest, Outstanding, add_pending_deliveries,
        claim_deliveries, clear_bounces, delivery_states, drop_pending_deliveries, give_up_deliveries, last_activity,
        mark_deliveries_sent, mark_failed, outstanding_deliveries, record_bounce, sent_item_ids,
    )
    from fursa.storage.jobs import finish_job_run, latest_job_runs, recent_problems, record_missed_job, start_job_run
    from fursa.storage.locks import SCHEDULER_LEASE, SchedulerLock
    from fursa.storage.metrics import SOURCE_STATES, JobMetrics, MetricsSnapshot, SourceMetrics, read_metrics
    from fursa.storage.models import (
        AuditEntry, Base, Delivery, JobRun, LockLease, Opportunity, Sighting, Source, SourceRun, Subscriber,
        Suppression, TagCorrection, Token, User,
    )
    from fursa.storage.opportunities import (
        SameAs, approved_open, content_hash, dedup_candidates, expire_passed, ingest_drafts, set_canonical_url,
        set_status, training_opportunities, untagged, with_status,
    )
    from fursa.storage.search import (
        SORTS, CallQuery, calls_to_index, count_calls, list_generation, plain_document, search_calls,
    )
    from fursa.storage.search import calls_without_details
    from fursa.storage.passwords import MIN_PASSWORD_LENGTH, hash_password
    from fursa.storage.roster import enrol_subscriber, erase_subscriber, search_subscribers, set_subscriber_status
    from fursa.storage.roster_files import MAX_ROWS, RosterImport, RowProblem, export_roster, import_roster
    from fursa.storage.source_changes import (
        SOURCE_LANGUAGES, SourceEdit, add_source, edit_of, edit_source, pause_source, resume_source, revert_source,
        source_name_taken, source_problems, valid_source_name,
    )
    from fursa.storage.sources import (
        CatalogueSync, due_sources, get_source, list_sources, record_fetch, source_from_spec, spec_of, sync_catalogue,
        validators_of,
    )
    from fursa.storage.subscribers import (
        SubscriberInput, active_subscribers, add_subscriber, get_subscriber, list_subscribers, normalize_email,
        unknown_fields, validate_subscriber,
    )
    from fursa.storage.subscriptions import (
        CONFIRM_HOURS, CONFIRM_PURPOSE, OptIn, confirm_subscription, kept_fields, request_subscription,
        update_preferences, start_opt_in,
    )
    from fursa.storage.suppressions import email_hash, lift_suppression, refuse_suppressed, suppress, suppression_of
    from fursa.storage.tokens import find_token, issue_token, redeem_token
    from fursa.storage.users import (
        STAFF_ROLES, add_user, authenticate, create_user, find_user, get_user, set_language, set_password,
    )
    # staff sessions, two-factor sign-in, the sign-in throttle
    from fursa.storage.models import AttemptCount, RecoveryCode, StaffSession
    from fursa.storage.staff_sessions import (
        PENDING_LIFETIME, SESSION_LIFETIME, end_sessions_of, end_staff_session, find_staff_session, open_staff_session,
        same_session, sessions_of,
    )
    from fursa.storage.throttle import (
        AttemptLimit, attempts_of, clear_attempts, over_limit, prune_attempts, record_attempt,
    )
    from fursa.storage.two_factor import (
        RECOVERY_CODE_COUNT, SecondFactor, begin_enrolment, check_second_factor, confirm_enrolment, enrolment_uri,
        has_two_factor, recovery_codes_left, replace_recovery_codes, turn_off_two_factor,
    )
    from fursa.storage.users import change_password, password_matches
    # the Telegram post ledger
    from fursa.storage.models import TelegramChannel, TelegramPost
    from fursa.storage.telegram_posts import (
        CHANNEL_FAILED, CHANNEL_OK, POST_STATES, ChannelCounts, channel_counts, claim_post, failed_posts,
        mark_channel_failed, mark_channel_ok, posts_in, record_edited, record_posted, record_refused, release_claim,
        stale_claims, telegram_channel, unposted_calls,
    )
    # faculty research profiles
    from fursa.storage.models import ResearchProfile
    from fursa.storage.research_profiles import (
        ResearchEntry, faculty_with_research, research_profile_of, save_research_profile,
    )
    # the partner register
    from fursa.storage.models import Partner, PartnerAlias, PartnerCall
    from fursa.storage.partners import (
        AGREEMENT_STATES, AGREEMENT_TYPES, EXPIRING_DAYS, CallWords, PartnerInput, PartnerLink, PartnerProblem,
        add_partner, agreement_state, calls_of_partner, calls_to_match, check_partner, edit_partner,
        expiring_partners, find_partner, get_partner, input_of, link_partners, list_partners, name_key, parse_day,
        partner_call_counts, partners_of_call,
    )
    from fursa.storage.partner_files import (
        PARTNER_COLUMNS, PartnerImport, PartnerRowProblem, export_partners_csv, export_partners_xlsx, import_partners,
    )
    # a student's own list
    from fursa.storage.models import Bookmark, BookmarkReminder, TelegramChat
    from fursa.storage.bookmarks import (
        BOOKMARK_REMINDER_DAYS, SAVED_CLOSED, SAVED_OPEN, SAVED_WITHDRAWN, DueReminder, SavedCall, SearchProfile,
        adopt_search, bookmark_of,
        bookmark_reminders_of, call_state, claim_bookmark_reminder, due_bookmark_reminders, link_telegram_chat,
        mark_applied, mark_bookmark_reminder_sent, profile_with_search, release_bookmark_reminder, reminder_due,
        remove_bookmark, save_bookmark, saved_call_ids, saved_calls, subscriber_of_chat, surviving_call,
        telegram_chat_of, unlink_telegram_chat,
    )
    # limited submissions
    from fursa.storage.models import IntentToApply, LimitedReminder, LimitedSubmission
    from fursa.storage.limited_submissions import (
        INTENT_ALREADY, INTENT_CLOSED, INTENT_COLUMNS, INTENT_RECORDED, InvalidLimitedSubmissionError, LimitedInput,
        LimitedProblem,
        check_limited, claim_reminder, close_intents, export_intents_csv, intents_of, limited_by_call,
        limited_due_reminders, limited_of, mark_reminder_sent, record_intent, reminder_recipients, reminders_sent,
        reopen_intents, set_limited_submission,
    )
    # reach
    from fursa.storage.models import AppliedMark, ReachCount, ReachPerson
    from fursa.storage.reach import (
        COUNT_GROUP, COUNT_OFF, COUNT_PERSONAL, REACH_COLUMNS, REACH_COUNTING, PersonalReach, ReachRow, ReachSegment,
        export_reach_csv, export_reach_xlsx, personal_reach, reach_months, reach_of_month, record_applied,
        record_click, sent_counts, set_reach_counting,
    )
    # announcements to a segment
    from fursa.storage.models import Announcement, AnnouncementDelivery
    from fursa.storage.announcements import (
        ANNOUNCEMENT_STATES, AnnouncementError, AnnouncementInput, AnnouncementProblem, InvalidAnnouncementError,
        Segment, announced_to, announcement_counts, announcement_deliveries, announcement_input_of,
        cancel_announcement, check_announcement, claim_announcement_delivery, due_announcements,
        finish_announcement, get_announcement, list_announcements, mark_announcement_failed, mark_announcement_sent,
        return_to_draft, save_announcement, schedule_announcement, segment_candidates, segment_of, start_sending,
        unschedule_announcement,
    )

__all__ = [
    # loaded with the package: record types, their constants, errors
    "AUDIENCES", "CRAWL_FLAGS", "FREQUENCIES", "KINDS", "LANGUAGES", "LEVELS", "ROLES", "SOURCE_TYPES",
    "Deadline", "Draft", "FetchResult", "FieldProblem", "ItemError", "SourceSpec", "Validators",
    "CLOSING_ZONE", "DEADLINE_KINDS", "closing_instant", "deadline_of", "zone_named", "describe_deadline", "zone_label",
    "JOB_TITLE_MAX", "STAFF_UNITS", "calls_without_audiences",
    "BackupError", "DatabaseError", "FormProblemsError", "InvalidSourceError", "InvalidSubscriberError", "InvalidUserError",
    "InvalidPartnerError", "LockHeldError", "LockLostError", "NotFoundError", "RosterFileError", "StorageError",
    "SuppressedAddressError",
    "WeakPasswordError",
    # loaded on first use
    "AuditEntry", "Base", "Delivery", "JobRun", "LockLease", "Opportunity", "Sighting", "Source", "SourceRun",
    "Subscriber", "Suppression", "TagCorrection", "Token", "User",
    "check_tables", "is_database_full", "is_migrated", "make_engine", "make_sessionmaker", "migrate",
    "backup_database", "restore_database",
    "SCHEDULER_LEASE", "SchedulerLock",
    "record_audit", "recent_audit",
    "finish_job_run", "latest_job_runs", "recent_problems", "record_missed_job", "start_job_run",
    "JobMetrics", "MetricsSnapshot", "SOURCE_STATES", "SourceMetrics", "read_metrics",
    "SameAs", "approved_open", "content_hash", "dedup_candidates", "expire_passed", "ingest_drafts",
    "set_canonical_url", "set_status", "training_opportunities", "untagged", "with_status",
    "CallQuery", "SORTS", "calls_to_index", "count_calls", "list_generation", "plain_document", "search_calls",
    "calls_without_details",
    "OpportunityEdit", "apply_edit", "change_status", "corrections_of", "delivery_totals",
    "duplicate_candidates", "history_of", "merge_opportunities", "opportunities_by_ids", "public_call",
    "recent_deliveries", "review_queue", "runs_of", "set_featured", "sources_of", "status_counts",
    "upcoming_deadlines", "weekly_new_by_kind",
    "CatalogueSync", "due_sources", "get_source", "list_sources", "record_fetch", "source_from_spec", "spec_of",
    "sync_catalogue", "validators_of",
    "SOURCE_LANGUAGES", "SourceEdit", "add_source", "edit_of", "edit_source", "pause_source", "resume_source",
    "revert_source", "source_name_taken", "source_problems", "valid_source_name",
    "SubscriberInput", "active_subscribers", "add_subscriber", "get_subscriber", "list_subscribers",
    "normalize_email", "validate_subscriber", "unknown_fields",
    "email_hash", "lift_suppression", "refuse_suppressed", "suppress", "suppression_of",
    "CONFIRM_HOURS", "CONFIRM_PURPOSE", "OptIn", "confirm_subscription", "request_subscription", "update_preferences",
    "start_opt_in", "kept_fields",
    "enrol_subscriber", "erase_subscriber", "search_subscribers", "set_subscriber_status",
    "MAX_ROWS", "RosterImport", "RowProblem", "export_roster", "import_roster",
    "find_token", "issue_token", "redeem_token",
    "DEFERRED", "FAILED", "PENDING", "SENDING", "SENT", "ClaimRequest", "Outstanding", "add_pending_deliveries",
    "claim_deliveries", "clear_bounces", "delivery_states", "drop_pending_deliveries", "give_up_deliveries",
    "last_activity", "mark_deliveries_sent", "mark_failed", "outstanding_deliveries", "record_bounce", "sent_item_ids",
    "STAFF_ROLES", "add_user", "authenticate", "create_user", "find_user", "get_user", "set_language", "set_password",
    "MIN_PASSWORD_LENGTH", "hash_password",
    "AttemptCount", "RecoveryCode", "StaffSession", "change_password", "password_matches",
    "PENDING_LIFETIME", "SESSION_LIFETIME", "end_sessions_of", "end_staff_session", "find_staff_session",
    "open_staff_session", "same_session", "sessions_of",
    "RECOVERY_CODE_COUNT", "SecondFactor", "begin_enrolment", "check_second_factor", "confirm_enrolment",
    "enrolment_uri", "has_two_factor", "recovery_codes_left", "replace_recovery_codes", "turn_off_two_factor",
    "AttemptLimit", "attempts_of", "clear_attempts", "over_limit", "prune_attempts", "record_attempt",
    "Partner", "PartnerAlias", "PartnerCall",
    "AGREEMENT_STATES", "AGREEMENT_TYPES", "CallWords", "EXPIRING_DAYS", "PartnerInput", "PartnerLink",
    "PartnerProblem",
    "add_partner", "agreement_state", "calls_of_partner", "calls_to_match", "check_partner", "edit_partner",
    "expiring_partners", "find_partner", "get_partner", "input_of", "link_partners", "list_partners", "name_key",
    "parse_day", "partner_call_counts", "partners_of_call",
    "PARTNER_COLUMNS", "PartnerImport", "PartnerRowProblem", "export_partners_csv", "export_partners_xlsx",
    "import_partners",
    "TelegramChannel", "TelegramPost", "CHANNEL_FAILED", "CHANNEL_OK", "POST_STATES", "ChannelCounts",
    "channel_counts", "claim_post", "failed_posts", "mark_channel_failed", "mark_channel_ok", "posts_in",
    "record_edited", "record_posted", "record_refused", "release_claim", "stale_claims", "telegram_channel",
    "unposted_calls",
    "IntentToApply", "LimitedReminder", "LimitedSubmission",
    "INTENT_ALREADY", "INTENT_CLOSED", "INTENT_COLUMNS", "INTENT_RECORDED", "InvalidLimitedSubmissionError",
    "LimitedInput", "LimitedProblem", "check_limited", "claim_reminder", "close_intents", "export_intents_csv",
    "intents_of", "limited_by_call", "limited_due_reminders", "limited_of", "mark_reminder_sent", "record_intent",
    "reminder_recipients", "reminders_sent", "reopen_intents", "set_limited_submission",
    "AppliedMark", "ReachCount", "ReachPerson", "COUNT_GROUP", "COUNT_OFF", "COUNT_PERSONAL", "PersonalReach",
    "REACH_COLUMNS", "REACH_COUNTING", "ReachRow", "ReachSegment", "export_reach_csv", "export_reach_xlsx",
    "personal_reach", "reach_months", "reach_of_month", "record_applied", "record_click", "sent_counts",
    "set_reach_counting",
    "Announcement", "AnnouncementDelivery", "ANNOUNCEMENT_STATES", "AnnouncementError", "AnnouncementInput",
    "AnnouncementProblem", "InvalidAnnouncementError", "Segment", "announced_to", "announcement_counts",
    "announcement_deliveries", "announcement_input_of", "cancel_announcement", "check_announcement",
    "claim_announcement_delivery", "due_announcements", "finish_announcement", "get_announcement",
    "list_announcements", "mark_announcement_failed", "mark_announcement_sent", "return_to_draft",
    "save_announcement", "schedule_announcement", "segment_candidates", "segment_of", "start_sending",
    "unschedule_announcement",
    "ResearchEntry", "ResearchProfile", "faculty_with_research", "research_profile_of", "save_research_profile",
    "BOOKMARK_REMINDER_DAYS", "Bookmark", "BookmarkReminder", "DueReminder", "SAVED_CLOSED", "SAVED_OPEN",
    "SAVED_WITHDRAWN", "SavedCall", "SearchProfile", "TelegramChat", "adopt_search", "bookmark_of",
    "bookmark_reminders_of", "call_state", "claim_bookmark_reminder", "due_bookmark_reminders",
    "link_telegram_chat", "mark_applied", "mark_bookmark_reminder_sent", "profile_with_search",
    "release_bookmark_reminder", "reminder_due", "remove_bookmark", "save_bookmark", "saved_call_ids",
    "saved_calls", "subscriber_of_chat", "surviving_call", "telegram_chat_of", "unlink_telegram_chat",
]
