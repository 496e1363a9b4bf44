"""Digest periods and the weekend, in the configured zone."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from fursa.digests import ConfigurationError, DeliveryConfig, digest_period, is_weekend, send_digests
from fursa.digests.periods import send_moment
from fursa.storage import Delivery
from tests.digests.conftest import add_call, add_person

CONFIG = DeliveryConfig(outbox_dir=Path("unused"))


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


@pytest.mark.parametrize("now, period", [
    (utc(2026, 11, 29, 5, 59), "weekly:2026-W47"),  # Sunday 07:59 in Hebron: last week's digest still
    (utc(2026, 11, 29, 6, 0), "weekly:2026-W48"),   # Sunday 08:00 in Hebron: this week's
    (utc(2026, 12, 2, 12, 0), "weekly:2026-W48"),   # Wednesday: a run that missed Sunday still sends W48
    (utc(2026, 12, 6, 5, 0), "weekly:2026-W48"),    # next Sunday before 08:00
])
def test_the_period_is_named_after_the_latest_send_moment(now, period):
    assert digest_period(now, CONFIG) == period


def test_the_send_moment_follows_summer_time():
    assert send_moment(utc(2026, 7, 5, 6, 0), CONFIG).utcoffset().total_seconds() == 3 * 3600
    assert send_moment(utc(2026, 7, 5, 6, 0), CONFIG).hour == 8


def test_friday_is_the_weekend_in_hebron_by_default():
    assert is_weekend(utc(2026, 12, 4, 10, 0), CONFIG)
    assert not is_weekend(utc(2026, 12, 5, 10, 0), CONFIG)


@pytest.mark.parametrize("now", [
    utc(2026, 12, 4, 10, 0),    # Friday noon in Hebron
    utc(2026, 12, 3, 22, 30),   # Thursday in UTC, already Friday 00:30 in Hebron
], ids=["friday-noon", "friday-just-after-midnight-in-hebron"])
def test_nothing_goes_out_on_the_weekend(session, outbox_config, now):
    """A subscriber with a call due gets nothing on Friday in Hebron, and the same run on Saturday sends it."""
    add_person(session, "lina@ppu.edu")
    add_call(session, "Master scholarship in software engineering")
    report = send_digests(session, now=now, config=outbox_config)
    assert report.sent == 0 and not report.degraded and report.paused is None
    assert report.resting.startswith("Friday is a weekend day in Asia/Hebron")
    assert list(outbox_config.outbox_dir.glob("*")) == []
    assert session.scalars(select(Delivery)).all() == []   # nothing planned, nothing claimed

    saturday = send_digests(session, now=utc(2026, 12, 5, 10, 0), config=outbox_config)
    assert saturday.sent == 1 and saturday.resting is None
    assert len(list(outbox_config.outbox_dir.glob("*.eml"))) == 1


def test_naive_now_is_refused():
    with pytest.raises(ValueError, match="naive"):
        digest_period(datetime(2026, 11, 29, 8), CONFIG)


@pytest.mark.parametrize("changes, words", [
    ({"timezone": "Mars/Olympus"}, "time zone"),
    ({"weekday": 4}, "weekend"),
    ({"hour": 24}, "hour"),
    ({"connections": 0}, "connections"),
    ({"dkim_selector": "s1"}, "DKIM"),
    ({"from_address": "Fursa"}, "from_address"),
    ({"secret_key": ""}, "forge"),
    ({"public_base_url": "fursa.ppu.edu"}, "https://"),
])
def test_settings_that_cannot_work_are_refused_at_once(changes, words):
    with pytest.raises(ConfigurationError, match=words):
        DeliveryConfig(outbox_dir=Path("unused"), **changes)
