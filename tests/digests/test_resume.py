"""Kill a sending process with SIGKILL mid-run, start it again: every digest arrives, duplicates ≤ in flight."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from fursa.storage import Delivery

from fursa.digests import DeliveryConfig

from tests.digests.conftest import NOW, PERIOD, add_call, add_person
from tests.digests.smtpsink import Received

PROJECT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SUBSCRIBERS = 16
LEASE = DeliveryConfig.__dataclass_fields__["sending_lease"].default   # a restart takes over after it


def start_child(database_url, sink, now, connections, outbox):
    return subprocess.Popen(
        [sys.executable, "-m", "tests.digests.resume_child", database_url, sink.url, now.isoformat(),
         str(connections), str(outbox)],
        cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


@pytest.mark.parametrize("kill_at, connections", [(1, 1), (9, 1), (SUBSCRIBERS, 1), (6, 3)])
def test_a_killed_run_resumes_and_duplicates_are_bounded_by_messages_in_flight(
        kill_at, connections, database_url, sessions, sink, tmp_path):
    with sessions() as session:
        for number in range(SUBSCRIBERS):
            add_person(session, f"p{number:02d}@ppu.edu", language="ar" if number % 2 else "en")
        add_call(session, "Software engineering scholarship")
    child: dict[str, subprocess.Popen] = {}

    def kill_on_cue(received: Received) -> None:
        if len(sink.messages) + 1 == kill_at:  # this message is accepted but its 250 never reaches the child
            os.kill(child["process"].pid, signal.SIGKILL)

    sink.behaviour.on_message = kill_on_cue
    child["process"] = start_child(database_url, sink, NOW, connections, tmp_path)
    _, errors = child["process"].communicate(timeout=120)
    assert child["process"].returncode == -signal.SIGKILL, errors
    sink.behaviour.on_message = None

    with sessions() as session:
        in_flight = session.scalar(select(func.count()).select_from(Delivery).where(Delivery.state == "sending"))
        sent_before = session.scalar(select(func.count()).select_from(Delivery).where(Delivery.state == "sent"))
    received_before = len(sink.messages)

    restart = start_child(database_url, sink, NOW + LEASE + timedelta(minutes=1), connections, tmp_path)
    output, errors = restart.communicate(timeout=120)
    assert restart.returncode == 0, errors

    copies = Counter(recipient for message in sink.messages for recipient in message.recipients)
    duplicates = sum(count - 1 for count in copies.values())
    print(f"kill at message {kill_at} with {connections} connection(s): {in_flight} in flight, "
          f"{sent_before} marked sent, {received_before} received before the kill; {duplicates} duplicate(s)")
    assert len(copies) == SUBSCRIBERS, "every digest arrived"
    assert 1 <= in_flight <= connections, "at most one claimed row per connection"
    assert duplicates <= in_flight
    assert received_before >= kill_at and sent_before < kill_at
    with sessions() as session:
        states = session.scalars(select(Delivery.state).where(Delivery.period == PERIOD)).all()
    assert states == ["sent"] * SUBSCRIBERS
    assert f"{SUBSCRIBERS - sent_before} sent" in output
