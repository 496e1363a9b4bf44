"""Storage: the schema, migrations, sessions, the queries the rest needs, and record types.

Imports nothing else of Fursa's. Other packages use only what this module exposes.
"""
from fursa.storage.audit import record_audit, recent_audit
from fursa.storage.jobs import finish_job_run, latest_job_runs, recent_problems, record_missed_job, start_job_run
from fursa.storage.locks import LockHeldError, SchedulerLock
from fursa.storage.backup import BackupError, backup_database, restore_database
from fursa.storage.deliveries import (
    DEFERRED, DELIVERY_STATES, FAILED, PENDING, SENDING, SENT, Claim, ClaimRequest, add_pending_deliveries,
    claim_deliveries, claim_delivery, clear_bounces, delivery_counts, delivery_states, list_deliveries,
    mark_deliveries_sent, mark_failed, mark_sent, record_bounce, sent_item_ids,
)
from fursa.storage.curation import (
    OPEN_TO_ALL, TAG_FIELDS, CallQuery, OpportunityEdit, WeekCount, apply_edit, change_status, corrections_of,
    delivery_totals, duplicate_candidates, history_of, merge_opportunities, opportunities_by_ids, public_call,
    recent_deliveries, review_queue, runs_of, search_calls, set_featured, sources_of, status_counts,
    upcoming_deadlines, weekly_new_by_kind,
)
from fursa.storage.paging import Page, contains_pattern
from fursa.storage.roster import erase_subscriber, search_subscribers, set_subscriber_status
from fursa.storage.suppressions import email_hash, lift_suppression, suppress, suppression_of
from fursa.storage.tokens import find_token, issue_token, redeem_token
from fursa.storage.users import (
    STAFF_LANGUAGES, STAFF_ROLES, InvalidUserError, create_user, find_user, get_user, list_users, record_login,
    set_language, set_password_hash,
)
from fursa.storage.db import is_migrated, make_engine, make_sessionmaker, migrate
from fursa.storage.errors import DatabaseError, InvalidSubscriberError, NotFoundError, StorageError
from fursa.storage.models import (
    AuditEntry, Base, Delivery, JobRun, Opportunity, Sighting, Source, SourceRun, Subscriber, Suppression,
    TagCorrection, Token, User,
)
from fursa.storage.opportunities import (
    IngestResult, SameAs, approved_open, content_hash, dedup_candidates, set_canonical_url, expire_passed, get_opportunity, ingest_drafts,
    set_status, training_opportunities, untagged, with_status,
)
from fursa.storage.records import (
    AUDIENCES, KINDS, LEVELS, SOURCE_TYPES, Deadline, Draft, FetchResult, ItemError, SourceSpec, Validators,
)
from fursa.storage.sources import (
    CatalogueSync, due_sources, get_source, list_sources, record_fetch, resume_source, source_from_spec,
    spec_of, sync_catalogue, validators_of,
)
from fursa.storage.subscribers import (
    FREQUENCIES, LANGUAGES, ROLES, SubscriberInput, active_subscribers, add_subscriber, get_subscriber, list_subscribers, normalize_email,
    validate_subscriber,
)

__all__ = [name for name in dir() if not name.startswith("_")]
