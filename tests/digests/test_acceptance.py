"""How narrow "sent twice" is: the server's acceptance is recorded first thing after DATA, a claim's
lease is short, and a message whose claim is about to run out is not handed to the server."""
from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from fursa.storage import Delivery, Subscriber

from fursa.digests import ClaimExpiringError, ConfigurationError, DeliveryConfig, send_digests
from fursa.digests.ledger import RunClock
from fursa.digests.pool import SendPool
from fursa.digests.records import Envelope
from fursa.digests.smtp import SmtpTransport, parse_smtp_url
from tests.digests.conftest import NOW, add_call, add_person


class Commits:
    """Wakes whoever waits on it at every commit on an engine: to wait for a state, not for time."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.condition = threading.Condition()
        event.listen(engine, "commit", self.notify)

    def notify(self, _connection) -> None:
        with self.condition:
            self.condition.notify_all()

    def wait_for(self, predicate, timeout: float) -> bool:
        with self.condition:
            return self.condition.wait_for(predicate, timeout)

    def close(self) -> None:
        event.remove(self.engine, "commit", self.notify)


def test_a_message_is_recorded_sent_while_the_next_one_is_still_with_the_server(session, sink, smtp_config):
    add_person(session, "p1@ppu.edu")
    add_person(session, "p2@ppu.edu")
    add_call(session, "Software engineering scholarship")
    engine = session.get_bind()
    commits = Commits(engine)
    seen: dict[str, bool] = {}

    def state_of(email: str) -> str | None:
        with engine.connect() as connection:
            return connection.scalar(select(Delivery.state).join(Subscriber).where(Subscriber.email == email))

    def hold_the_second(received) -> None:
        # Both digests are claimed at once, one per connection. While the server holds the second's
        # answer, the run has nothing else to do: only a mark written right after the first's 250
        # can make its row 'sent' now (a mark kept for the run's next step would wait for this one).
        if len(sink.messages) == 1:
            first = sink.messages[0].recipients[0]
            seen[first] = commits.wait_for(lambda: state_of(first) == "sent", timeout=10)

    sink.behaviour.on_message = hold_the_second
    try:
        report = send_digests(session, now=NOW, config=replace(smtp_config, connections=2))
    finally:
        commits.close()
    assert report.sent == 2 and len(sink.messages) == 2
    assert list(seen.values()) == [True], "the first message was recorded sent while the second was in DATA"


def test_a_message_whose_claim_is_about_to_end_is_not_handed_over(sink):
    pool = SendPool(lambda: SmtpTransport(parse_smtp_url(sink.url), timeout=5), connections=1)
    envelope = Envelope("fursa@ppu.edu", "lina@ppu.edu", b"Subject: x\r\n\r\nhi\r\n", "<1@x>")
    try:
        late = pool.submit(envelope, deadline=time.monotonic() - 1)
        with pytest.raises(ClaimExpiringError, match="claim"):
            late.result(timeout=30)
    finally:
        pool.close()
    assert sink.messages == []


def test_a_server_slow_to_take_the_recipient_does_not_get_data_after_the_deadline(sink):
    transport = SmtpTransport(parse_smtp_url(sink.url), timeout=5)
    envelope = Envelope("fursa@ppu.edu", "lina@ppu.edu", b"Subject: x\r\n\r\nhi\r\n", "<1@x>")
    try:
        with pytest.raises(ClaimExpiringError, match="took so long"):
            transport.send(envelope, deadline=time.monotonic() - 1)   # MAIL and RCPT done, DATA refused
        transport.send(envelope)   # the connection is still good for the next message
    finally:
        transport.close()
    assert len(sink.messages) == 1


def test_the_run_clock_moves_on_from_the_run_s_now():
    ticks = iter([100.0, 100.0, 160.5])
    clock = RunClock(NOW, monotonic=lambda: next(ticks))
    assert clock() == NOW and clock() - NOW == timedelta(seconds=60.5)


def test_claims_are_stamped_when_made_and_the_lease_is_short(session, sink, smtp_config):
    assert smtp_config.sending_lease <= timedelta(minutes=2), "a dead run's digests go out within minutes"
    add_person(session, "lina@ppu.edu")
    add_call(session, "Software engineering scholarship")
    started = time.monotonic()
    send_digests(session, now=NOW, config=smtp_config)
    took = timedelta(seconds=time.monotonic() - started)
    row = session.scalars(select(Delivery)).one()
    assert NOW <= row.updated_at <= NOW + took


@pytest.mark.parametrize("changes", [
    {"sending_lease": timedelta(seconds=60), "smtp_timeout": 30.0},
    {"sending_lease": timedelta(seconds=39)},
])
def test_a_lease_too_short_for_the_smtp_timeout_is_refused(tmp_path, changes):
    with pytest.raises(ConfigurationError, match="sending_lease"):
        DeliveryConfig(outbox_dir=tmp_path, **{"smtp_timeout": 0.0, **changes})
