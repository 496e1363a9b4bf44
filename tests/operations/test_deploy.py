"""deploy/: the systemd units agree with what the processes they run need."""
from __future__ import annotations

import configparser

from fursa import storage
from tests.operations.conftest import PROJECT_ROOT


def _service(name: str) -> configparser.SectionProxy:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.read(PROJECT_ROOT / "deploy" / name, encoding="utf-8")
    return unit["Service"]


def test_a_restarted_scheduler_waits_out_the_dead_ones_lock_lease():
    """With RestartSec below the lease (30 s against 60 s), a scheduler restarted after a crash found the
    dead process's SQLite lease still valid and was refused; systemd's restarts could use themselves up."""
    service = _service("fursa-scheduler.service")
    assert service["Restart"] == "on-failure"
    assert float(service["RestartSec"]) > storage.SCHEDULER_LEASE.total_seconds()
