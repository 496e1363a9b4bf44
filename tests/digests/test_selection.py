"""OpenCalls ranks each profile once per run; a subscriber's digest must be what ranking their own fresh calls gives."""
from __future__ import annotations

import math
import random
from datetime import timedelta

import pytest
from fursa.matching import score_profile

from fursa.digests.compose import compose_digest
from fursa.digests.selection import OpenCalls, match_item_of, profile_of
from tests.digests.conftest import NOW, PERIOD
from tests.digests.test_render import CONFIG, call, person

FIELDS = (["0613"], ["06"], ["0531"], ["any"], ["0613", "0531"], [])
KINDS = ("scholarship", "exchange", "research_funding", "training", "other")
LEVELS = (["master"], ["bachelor"], ["phd"], ["master", "phd"], [])


def random_calls(rng: random.Random, count: int) -> list:
    return [call(number, title=f"Call {number}", disciplines=rng.choice(FIELDS), kind=rng.choice(KINDS),
                 levels=rng.choice(LEVELS), featured=rng.random() < 0.1,
                 status="approved" if rng.random() < 0.9 else "rejected",
                 deadline=rng.choice([None, NOW + timedelta(days=rng.randint(-3, 60))]))
            for number in range(1, count + 1)]


def random_people(rng: random.Random, count: int) -> list:
    people = []
    for number in range(count):
        subscriber = person(rng.choice(["en", "ar"]), disciplines=rng.choice(FIELDS[:5]),
                            levels=rng.choice(LEVELS), role=rng.choice(["student", "faculty", "staff"]))
        subscriber.id = number + 1
        people.append(subscriber)
    return people


def ranked_alone(subscriber, calls, sent: set[int]) -> list[tuple[int, float]]:
    """The ranking as select_items did it before OpenCalls: this subscriber's fresh calls, scored and sorted."""
    profile = profile_of(subscriber)
    scored = []
    for row in calls:
        open_ = row.status == "approved" and (row.deadline_at is None or row.deadline_at >= NOW)
        wanted = not profile.kinds or row.kind in ("other", None) or row.kind in profile.kinds
        if row.id in sent or not open_ or not wanted:
            continue
        match = score_profile(profile, match_item_of(row), now=NOW)
        if match is not None:
            scored.append((row, match))
    scored.sort(key=lambda pair: (not pair[0].featured, -pair[1].score,
                                  pair[0].deadline_at.timestamp() if pair[0].deadline_at else math.inf, pair[0].id))
    return [(row.id, match.score) for row, match in scored]


@pytest.mark.parametrize("seed", range(5))
def test_shared_rankings_give_each_subscriber_what_ranking_alone_gives(seed):
    rng = random.Random(seed)
    calls = random_calls(rng, 80)
    shared = OpenCalls(calls, now=NOW)
    for subscriber in random_people(rng, 40):
        sent = {row.id for row in calls if rng.random() < 0.3}
        digest = compose_digest(subscriber, shared, sent_ids=sent, period=PERIOD, now=NOW, config=CONFIG)
        expected = ranked_alone(subscriber, calls, sent)[: CONFIG.max_items]
        assert [(item.opportunity_id, item.score) for item in digest.items] == expected
        closing = [item.opportunity_id for item in digest.closing_soon]
        assert all(item_id in sent for item_id in closing)
        assert closing == sorted(closing, key=lambda item_id: (calls[item_id - 1].deadline_at, item_id))


def test_a_profile_is_scored_once_per_run(monkeypatch):
    import fursa.digests.selection as selection
    scored = []
    monkeypatch.setattr(selection, "score_profile", lambda profile, item, now: scored.append(profile) or
                        score_profile(profile, item, now=now))
    shared = OpenCalls([call(1), call(2)], now=NOW)
    for number in range(10):
        shared.select(person("en", name=f"Person {number}"))
    shared.select(person("ar"))
    assert len(scored) == 4, "two calls, two profiles (English and Arabic readers)"
