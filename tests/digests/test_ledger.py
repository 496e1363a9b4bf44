"""The ledger's exactly-once state machine: compare-and-set claims, leases, retries, bounces."""
from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select
from fursa.storage import Delivery, Subscriber, make_engine, migrate
from fursa.storage.deliveries import (
    ClaimRequest, claim_deliveries, claim_delivery, delivery_counts, mark_deliveries_sent, mark_failed, mark_sent,
    sent_item_ids,
)

from fursa.digests import send_digests
from tests.databases import POSTGRES_URL_VARIABLE, fresh_postgres_database, postgres_admin_url
from tests.digests.conftest import NOW, PERIOD, add_call, add_person

LEASE = timedelta(minutes=30)


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path) -> str:
    """The ledger's compare-and-set is dialect-specific (ON CONFLICT, row locks): run it on both databases."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'fursa.db'}"
    else:
        admin_url = postgres_admin_url()
        if not admin_url:
            pytest.skip(f"PostgreSQL path not tested: set {POSTGRES_URL_VARIABLE} (.ci/start-postgres does)")
        url = fresh_postgres_database(admin_url)
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    return url


def claim(session, subscriber_id, now=NOW, max_attempts=3):
    result = claim_delivery(session, subscriber_id, PERIOD, message_id="<m@x>", items=[1], transport="smtp",
                            now=now, stale_before=now - LEASE, max_attempts=max_attempts)
    session.commit()
    return result


def test_only_the_first_claim_wins(session):
    person = add_person(session, "lina@ppu.edu")
    first, second = claim(session, person.id), claim(session, person.id)
    assert first.won and first.state == "sending" and first.attempts == 1
    assert not second.won and second.state == "sending"
    assert session.scalar(select(Delivery.attempts)) == 1


def test_a_sent_row_can_never_be_claimed_again(session):
    person = add_person(session, "lina@ppu.edu")
    won = claim(session, person.id)
    assert mark_sent(session, won.delivery_id, NOW)
    session.commit()
    later = claim(session, person.id, now=NOW + timedelta(days=2))
    assert not later.won and later.state == "sent"
    assert not mark_sent(session, won.delivery_id, NOW), "sent → sent is not a transition"


def test_a_sending_row_is_taken_over_only_after_its_lease(session):
    person = add_person(session, "lina@ppu.edu")
    claim(session, person.id)
    assert not claim(session, person.id, now=NOW + LEASE - timedelta(minutes=1)).won
    takeover = claim(session, person.id, now=NOW + LEASE + timedelta(minutes=1))
    assert takeover.won and takeover.attempts == 2


def test_temporary_failures_are_retried_until_max_attempts(session):
    person = add_person(session, "lina@ppu.edu")
    states = []
    for _ in range(3):
        won = claim(session, person.id)
        assert won.won
        states.append(mark_failed(session, won.delivery_id, "451 later", NOW, temporary=True, max_attempts=3))
        session.commit()
    assert states == ["deferred", "deferred", "failed"]
    assert not claim(session, person.id).won


def test_a_permanent_failure_is_final_at_once(session):
    person = add_person(session, "lina@ppu.edu")
    won = claim(session, person.id)
    assert mark_failed(session, won.delivery_id, "550 no", NOW, temporary=False, max_attempts=3) == "failed"
    session.commit()
    assert not claim(session, person.id).won
    assert delivery_counts(session, PERIOD) == {"failed": 1}


def test_sent_items_exclude_the_current_period(session):
    person = add_person(session, "lina@ppu.edu")
    won = claim(session, person.id)
    mark_sent(session, won.delivery_id, NOW)
    session.commit()
    assert sent_item_ids(session) == {person.id: {1}}
    assert sent_item_ids(session, exclude_period=PERIOD) == {}


def test_two_runs_started_at_once_send_each_digest_once(sessions, sink, smtp_config):
    with sessions() as setup:
        for number in range(30):
            add_person(setup, f"person{number}@ppu.edu", language="ar" if number % 2 else "en")
        add_call(setup, "Software engineering scholarship")
    start = threading.Barrier(2)
    reports = []

    def run():
        with sessions() as session:
            start.wait()
            reports.append(send_digests(session, now=NOW, config=smtp_config))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(reports) == 2
    assert sum(report.sent for report in reports) == 30
    assert sum(report.sent + report.already_sent + report.in_progress for report in reports) == 60
    assert all(len(copies) == 1 for copies in sink.by_recipient().values())
    assert len(sink.messages) == 30


def test_repeated_bounces_suspend_the_subscriber_and_a_success_resets_the_count(session, sink, smtp_config):
    config = replace(smtp_config, bounce_threshold=2)
    sink.behaviour.rcpt["gone@ppu.edu"] = "550 5.1.1 no such user"
    gone = add_person(session, "gone@ppu.edu")
    flaky = add_person(session, "flaky@ppu.edu")
    sink.behaviour.rcpt["flaky@ppu.edu"] = "550 5.2.1 mailbox disabled"
    add_call(session, "Software engineering scholarship", deadline=NOW + timedelta(days=60))

    first = send_digests(session, now=NOW, config=config)
    add_call(session, "Another software call", deadline=NOW + timedelta(days=60))
    del sink.behaviour.rcpt["flaky@ppu.edu"]
    second = send_digests(session, now=NOW + timedelta(days=7), config=config)

    assert first.failed == 2 and first.suspended == ()
    assert second.suspended == ("gone@ppu.edu",) and second.sent == 1
    session.expire_all()
    assert session.get(Subscriber, gone.id).status == "suspended"
    assert "2 bounces" in session.get(Subscriber, gone.id).suspended_reason
    assert session.get(Subscriber, flaky.id).bounces == 0
    third = send_digests(session, now=NOW + timedelta(days=14), config=config)
    assert third.failed == 0, "a suspended subscriber is not tried again"


def claim_batches(sessions, subscriber_ids, batch_size, start, now=NOW):
    """Claim `subscriber_ids` in batches, committing after each as a run does; returns the ids won."""
    won = []
    with sessions() as session:
        start.wait()
        for first in range(0, len(subscriber_ids), batch_size):
            batch = subscriber_ids[first:first + batch_size]
            claims = claim_deliveries(session, PERIOD, [ClaimRequest(key, f"<{key}@x>", (key,)) for key in batch],
                                      transport="smtp", now=now, stale_before=now - LEASE, max_attempts=3)
            session.commit()
            won += [key for key, result in claims.items() if result.won]
    return won


def test_batched_claims_by_two_runs_at_once_never_hand_one_row_to_both(sessions):
    with sessions() as setup:
        ids = [add_person(setup, f"person{number}@ppu.edu").id for number in range(40)]
    start = threading.Barrier(2)
    results = {}
    orders = {"forward": ids, "backward": ids[::-1]}  # overlapping batches, met from both ends
    threads = [threading.Thread(target=lambda name=name: results.__setitem__(
        name, claim_batches(sessions, orders[name], 4, start))) for name in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not set(results["forward"]) & set(results["backward"]), "a row was claimed by both runs"
    assert sorted(results["forward"] + results["backward"]) == sorted(ids)
    with sessions() as session:
        rows = session.execute(select(Delivery.subscriber_id, Delivery.state, Delivery.attempts,
                                      Delivery.message_id, Delivery.items)).all()
    assert {(row.state, row.attempts) for row in rows} == {("sending", 1)}
    assert all(row.message_id == f"<{row.subscriber_id}@x>" and row.items == [row.subscriber_id] for row in rows)


def test_a_batch_claims_only_the_rows_free_to_claim(session):
    people = [add_person(session, f"person{number}@ppu.edu").id for number in range(3)]
    first = claim(session, people[0])
    mark_sent(session, first.delivery_id, NOW)
    claim(session, people[1])
    session.commit()
    claims = claim_deliveries(session, PERIOD, [ClaimRequest(key, f"<{key}@x>", (7,)) for key in people],
                              transport="smtp", now=NOW, stale_before=NOW - LEASE, max_attempts=3)
    session.commit()
    assert [(claims[key].won, claims[key].state) for key in people] == [
        (False, "sent"), (False, "sending"), (True, "sending")]
    assert session.scalar(select(Delivery.items).where(Delivery.subscriber_id == people[2])) == [7]


def test_without_update_returning_rows_are_claimed_one_at_a_time(session, monkeypatch):
    monkeypatch.setattr(session.get_bind().dialect, "update_returning", False)
    people = [add_person(session, f"person{number}@ppu.edu").id for number in range(2)]
    claim(session, people[0])
    claims = claim_deliveries(session, PERIOD, [ClaimRequest(key, f"<{key}@x>", (7,)) for key in people],
                              transport="smtp", now=NOW, stale_before=NOW - LEASE, max_attempts=3)
    session.commit()
    assert not claims[people[0]].won and claims[people[1]].won and claims[people[1]].attempts == 1
    assert mark_deliveries_sent(session, [claims[people[1]].delivery_id], NOW) == {claims[people[1]].delivery_id}


def test_marking_several_sent_leaves_rows_no_longer_sending_alone(session):
    people = [add_person(session, f"person{number}@ppu.edu").id for number in range(2)]
    mine = [claim(session, key).delivery_id for key in people]
    mark_failed(session, mine[1], "550 no", NOW, temporary=False, max_attempts=3)  # as if another run recorded it
    session.commit()
    assert mark_deliveries_sent(session, mine, NOW) == {mine[0]}
    session.commit()
    assert delivery_counts(session, PERIOD) == {"sent": 1, "failed": 1}


def test_a_run_never_has_more_rows_sending_than_connections(sessions, sink, smtp_config):
    config = replace(smtp_config, connections=3)
    with sessions() as setup:
        for number in range(24):
            add_person(setup, f"person{number}@ppu.edu")
        add_call(setup, "Software engineering scholarship")
    seen = []

    def count_sending(received):  # runs in the sink while the message is in flight
        with sessions() as reader:
            seen.append(reader.scalar(select(func.count()).select_from(Delivery).where(Delivery.state == "sending")))

    sink.behaviour.on_message = count_sending
    with sessions() as session:
        report = send_digests(session, now=NOW, config=config)
    assert report.sent == 24 and len(seen) == 24
    assert 1 <= min(seen) and max(seen) <= 3, seen


def test_rows_are_added_in_transactions_that_claim_and_mark_nothing(sessions, sink, smtp_config):
    """Two runs whose look-ahead windows overlap must not deadlock on PostgreSQL: a transaction that
    adds 'pending' rows holds no row another run's claim could wait for."""
    with sessions() as setup:
        for number in range(40):
            add_person(setup, f"person{number}@ppu.edu")
        add_call(setup, "Software engineering scholarship")
    transactions, current = [], []
    engine = sessions.kw["bind"]

    def on_execute(conn, cursor, statement, parameters, context, executemany):
        current.append(statement.split()[0].upper() + (" deliveries" if "deliveries" in statement else ""))

    def on_commit(conn):
        transactions.append(list(current))
        current.clear()

    event.listen(engine, "before_cursor_execute", on_execute)
    event.listen(engine, "commit", on_commit)
    try:
        with sessions() as session:
            report = send_digests(session, now=NOW, config=replace(smtp_config, connections=3))
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
        event.remove(engine, "commit", on_commit)
    assert report.sent == 40
    adding = [statements for statements in transactions if "INSERT deliveries" in statements]
    assert adding, "the run added its rows ahead"
    assert all(set(statements) == {"INSERT deliveries"} for statements in adding), adding


def test_sent_items_can_be_limited_to_the_calls_still_open(session):
    person = add_person(session, "lina@ppu.edu")
    claim_delivery(session, person.id, "weekly:2026-W40", message_id="<m@x>", items=[1, 2, 3], transport="smtp",
                   now=NOW, stale_before=NOW - LEASE, max_attempts=3)
    session.commit()
    assert sent_item_ids(session, among={2, 3, 9}) == {person.id: {2, 3}}
    assert sent_item_ids(session, among={9}) == {}, "no empty sets for subscribers sent only closed calls"
