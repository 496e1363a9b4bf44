"""The retry job over a real SMTP server: what a run deferred, paused before or died in goes out later,
on its own schedule, once; what stays unsent too long is given up and said."""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select, update
from fursa.storage import Delivery, Subscriber

from fursa.digests import retry_deliveries, send_digests, send_instant_alerts
from fursa.digests.retries import retry_delay
from tests.digests.conftest import NOW, PERIOD, add_call, add_person
from tests.digests.smtpsink import SmtpSink


def _states(session) -> Counter:
    session.expire_all()
    return Counter(session.scalars(select(Delivery.state)))


def _copies(sink: SmtpSink) -> Counter:
    return Counter(recipient for message in sink.messages for recipient in message.recipients)


def test_a_run_with_the_server_down_is_degraded_and_the_retry_job_sends_everything_once(session, sink, smtp_config):
    for number in range(14):
        add_person(session, f"p{number:02d}@ppu.edu")
    add_call(session, "Software engineering scholarship")
    down = replace(smtp_config, smtp_url="smtp://127.0.0.1:9", error_budget=4, smtp_timeout=5)

    first = send_digests(session, now=NOW, config=down)

    assert first.sent == 0 and first.deferred == 4 and first.paused and first.degraded
    assert "127.0.0.1:9" in first.trouble() and "retry_deliveries" in first.trouble()
    too_soon = retry_deliveries(session, now=NOW + timedelta(minutes=5), config=smtp_config)
    assert too_soon.sent == 0 and sink.messages == []
    later = retry_deliveries(session, now=NOW + smtp_config.retry_after + timedelta(minutes=1), config=smtp_config)
    assert later.sent == 14 and not later.degraded, later.describe()
    assert set(_copies(sink).values()) == {1} and len(_copies(sink)) == 14
    assert _states(session) == {"sent": 14}
    again = retry_deliveries(session, now=NOW + timedelta(hours=1), config=smtp_config)
    assert again.sent == 0 and len(sink.messages) == 14


def test_a_deferred_message_waits_longer_after_each_try(session, sink, smtp_config):
    sink.behaviour.rcpt["busy@ppu.edu"] = "452 4.2.2 mailbox full"
    add_person(session, "busy@ppu.edu")
    add_call(session, "Software engineering scholarship")
    send_digests(session, now=NOW, config=smtp_config)   # try 1
    waits = [retry_delay(attempts, smtp_config) for attempts in range(1, 7)]
    assert waits == [timedelta(minutes=15), timedelta(minutes=30), timedelta(hours=1), timedelta(hours=2),
                     timedelta(hours=4), timedelta(hours=4)]
    tried_at = NOW   # each try is stamped a few milliseconds after the `now` it was given: a minute's slack
    for attempts, wait in enumerate(waits[:4], start=1):
        early = retry_deliveries(session, now=tried_at + wait - timedelta(minutes=1), config=smtp_config)
        assert (early.sent, early.deferred) == (0, 0), f"retried before its wait after try {attempts}"
        tried_at += wait + timedelta(minutes=1)
        due = retry_deliveries(session, now=tried_at, config=smtp_config)
        assert due.deferred == 1 and due.degraded
        assert session.scalar(select(Delivery.attempts)) == attempts + 1
    del sink.behaviour.rcpt["busy@ppu.edu"]
    sent = retry_deliveries(session, now=tried_at + waits[4] + timedelta(minutes=1), config=smtp_config)
    assert sent.sent == 1 and list(_copies(sink).values()) == [1]


def test_a_digest_unsent_past_retry_for_is_given_up_and_said(session, sink, smtp_config):
    sink.behaviour.reply_to_data = "451 4.3.0 try later"
    add_person(session, "lina@ppu.edu")
    add_call(session, "Software engineering scholarship", deadline=NOW + timedelta(days=30))
    send_digests(session, now=NOW, config=smtp_config)

    late = retry_deliveries(session, now=NOW + smtp_config.retry_for + timedelta(minutes=1), config=smtp_config)

    assert late.expired == 1 and late.degraded and "given up" in late.trouble()
    row = session.scalars(select(Delivery)).one()
    assert row.state == "failed" and row.error.startswith("given up: not sent within 3 days")
    assert "451 4.3.0 try later" in row.error
    sink.behaviour.reply_to_data = None
    next_week = send_digests(session, now=NOW + timedelta(days=7), config=smtp_config)
    assert next_week.sent == 1, "the given-up digest's calls go into the next one"


def test_a_killed_run_is_resumed_and_its_claim_taken_over_once_its_lease_ran_out(session, sink, smtp_config):
    config = replace(smtp_config, retry_after=timedelta(minutes=1))   # a pending row is taken up before the lease
    for number in range(6):
        add_person(session, f"p{number}@ppu.edu")
    add_call(session, "Software engineering scholarship")
    # What a killed weekly run leaves: the row it was sending, and the 'pending' rows it planned for the rest.
    people = session.scalars(select(Subscriber.id).order_by(Subscriber.id)).all()
    session.add_all([Delivery(subscriber_id=person, period=PERIOD, state="sending" if index == 0 else "pending",
                              items=[], attempts=int(index == 0), transport="smtp", created_at=NOW, updated_at=NOW)
                     for index, person in enumerate(people)])
    session.commit()

    within_lease = retry_deliveries(session, now=NOW + config.retry_after, config=config)
    assert within_lease.sent == 0, "within its lease the run may be alive: its period is left to it"
    after_lease = retry_deliveries(session, now=NOW + config.sending_lease + timedelta(minutes=1), config=config)
    assert after_lease.sent == 6, after_lease.describe()
    assert _states(session) == {"sent": 6} and set(_copies(sink).values()) == {1}


def test_a_deferred_alert_is_retried_and_its_calls_are_not_alerted_again_meanwhile(session, sink, smtp_config):
    add_person(session, "dr.sami@ppu.edu", role="faculty", levels=("faculty",), frequency="instant")
    add_call(session, "Research funding for software", kind="research_funding", levels=("faculty",))
    sink.behaviour.reply_to_data = "451 4.3.0 try later"
    deferred = send_instant_alerts(session, now=NOW, config=smtp_config)
    sink.behaviour.reply_to_data = None

    meanwhile = send_instant_alerts(session, now=NOW + timedelta(minutes=10), config=smtp_config)
    retried = retry_deliveries(session, now=NOW + timedelta(minutes=16), config=smtp_config)

    assert deferred.deferred == 1 and meanwhile.skipped_empty == 1 and meanwhile.sent == 0
    assert retried.sent == 1 and len(sink.messages) == 1
    assert "Research funding for software" in sink.messages[0].parsed().get_body(("plain",)).get_content()


def test_a_subscriber_who_left_is_not_retried(session, sink, smtp_config):
    person = add_person(session, "lina@ppu.edu")
    add_call(session, "Software engineering scholarship")
    sink.behaviour.reply_to_data = "451 4.3.0 try later"
    send_digests(session, now=NOW, config=smtp_config)
    sink.behaviour.reply_to_data = None
    session.execute(update(Subscriber).where(Subscriber.id == person.id).values(status="unsubscribed"))
    session.commit()

    report = retry_deliveries(session, now=NOW + timedelta(hours=1), config=smtp_config)

    assert report.sent == 0 and report.expired == 1 and sink.messages == []
    assert session.scalars(select(Delivery.error)).one().startswith("not sent: the subscriber left")


def test_nothing_is_retried_on_the_weekend(session, sink, smtp_config):
    add_person(session, "lina@ppu.edu")
    add_call(session, "Software engineering scholarship", deadline=NOW + timedelta(days=30))
    config = replace(smtp_config, weekend_days=(4,), retry_for=timedelta(days=6))
    sink.behaviour.reply_to_data = "451 4.3.0 try later"
    send_digests(session, now=NOW, config=config)   # Sunday 09:00 in Hebron
    sink.behaviour.reply_to_data = None

    friday = retry_deliveries(session, now=NOW + timedelta(days=5), config=config)
    saturday = retry_deliveries(session, now=NOW + timedelta(days=6), config=config)

    assert friday.sent == 0 and "weekend" in friday.resting and not friday.degraded
    assert saturday.sent == 0 and saturday.expired == 1, "six days after Sunday 08:00 the digest is given up"
