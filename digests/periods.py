"""Digest periods: the ledger key that says "this week's digest" in the configured time zone."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from fursa.digests.config import DeliveryConfig

WEEKLY = "weekly"
INSTANT = "instant"


def send_moment(now: datetime, config: DeliveryConfig) -> datetime:
    """The latest scheduled send time (weekday at hour, local) at or before `now`, as an aware local time.

    The period is named after this moment rather than after `now`'s calendar week, so a run that
    missed Sunday (machine down) still sends the same week's digest on Monday instead of skipping it.
    """
    _require_aware(now)
    local = now.astimezone(config.zone)
    day = local.date() - timedelta(days=(local.weekday() - config.weekday) % 7)
    moment = datetime.combine(day, time(config.hour), tzinfo=config.zone)
    if moment > local:
        moment = datetime.combine(day - timedelta(days=7), time(config.hour), tzinfo=config.zone)
    return moment


def digest_period(now: datetime, config: DeliveryConfig) -> str:
    """The weekly period `now` belongs to, e.g. "weekly:2026-W48" (ISO week of the latest send moment)."""
    year, week, _ = send_moment(now, config).date().isocalendar()
    return f"{WEEKLY}:{year}-W{week:02d}"


def instant_period(now: datetime, config: DeliveryConfig) -> str:
    """The period of an "as soon as approved" alert run: one per local minute, e.g. "instant:2026-11-29T08:15"."""
    _require_aware(now)
    return f"{INSTANT}:{now.astimezone(config.zone):%Y-%m-%dT%H:%M}"


def is_weekend(now: datetime, config: DeliveryConfig) -> bool:
    """True on a configured weekend day in the configured zone: nothing goes out then."""
    _require_aware(now)
    return now.astimezone(config.zone).weekday() in config.weekend_days


def period_week(period: str) -> tuple[int, int] | None:
    """(ISO year, week) of a weekly period, or None for any other kind of period."""
    kind, _, rest = period.partition(":")
    if kind != WEEKLY:
        return None
    try:
        monday = date.fromisocalendar(int(rest[:4]), int(rest[6:]), 1)
    except ValueError:
        return None
    year, week, _ = monday.isocalendar()
    return year, week


def period_start(period: str, config: DeliveryConfig) -> datetime | None:
    """When a period's digests were due (aware, local): a weekly period's send moment, an instant
    alert's minute; None for a period name this module did not make."""
    kind, _, rest = period.partition(":")
    if kind == WEEKLY:
        week = period_week(period)
        if week is None:
            return None
        day = date.fromisocalendar(week[0], week[1], config.weekday + 1)
        return datetime.combine(day, time(config.hour), tzinfo=config.zone)
    if kind == INSTANT:
        try:
            return datetime.strptime(rest, "%Y-%m-%dT%H:%M").replace(tzinfo=config.zone)
        except ValueError:
            return None
    return None


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None:
        raise ValueError(f"now={now!r} is naive; pass an aware datetime (UTC) so the digest day is unambiguous")
