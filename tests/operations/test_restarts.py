"""Killed mid-crawl, started again: nothing stored is lost and the next run finishes the work."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import datetime, timezone

import pytest

from fursa import pipeline, storage
from tests.crawlers.server import LocalServer, Reply
from tests.operations.conftest import PROJECT_ROOT

NOW = datetime(2026, 11, 29, 7, 0, tzinfo=timezone.utc)


def _feed(name: str, n: int) -> bytes:
    items = "".join(f"<item><title>{name} fellowship number {i} in chemistry</title><link>http://example.org/{name}/{i}</link></item>"
                    for i in range(n))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()


@pytest.mark.parametrize("signal_number", [signal.SIGKILL, signal.SIGTERM])
def test_a_crawl_killed_in_flight_is_resumed_by_the_next_run(make_ctx, tmp_path, signal_number):
    ctx = make_ctx(allow_private_addresses=True)
    stalled = threading.Event()

    def stall(_request):
        stalled.set()
        return Reply(stall=True)

    with LocalServer() as server:
        server.add("/steady.xml", Reply(200, _feed("steady", 3), {"Content-Type": "application/rss+xml"}))
        server.add("/slow.xml", Reply(200, _feed("slow", 2), {"Content-Type": "application/rss+xml"}))
        with ctx.sessions.begin() as session:
            storage.sync_catalogue(session, [
                storage.SourceSpec(name="steady", type="feed", url=server.url("/steady.xml")),
                storage.SourceSpec(name="slow", type="feed", url=server.url("/slow.xml")),
            ])
        first = pipeline.crawl_due(ctx, NOW)  # a first, complete crawl: 5 calls stored
        assert first.new_items == 5, first.outcomes
        server.add("/slow.xml", stall)

        env = dict(os.environ, FURSA_DATABASE_URL=ctx.settings.database_url, FURSA_CATALOGUE=str(ctx.catalogue_path),
                   FURSA_ALLOW_PRIVATE_ADDRESSES="true", FURSA_MODEL_DIR=str(tmp_path / ".fursa"))
        child = subprocess.Popen([sys.executable, "-m", "fursa.cli", "crawl", "--source", "slow"], cwd=PROJECT_ROOT, env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            assert stalled.wait(60), "the crawl never reached the stalled source"
            os.killpg(child.pid, signal_number)
            child.wait(timeout=60)
        finally:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGKILL)
        server.release.set()

        with ctx.sessions() as session:
            assert session.query(storage.Opportunity).count() == 5, "a killed crawl must not lose stored calls"
        server.add("/slow.xml", Reply(200, _feed("slow", 4), {"Content-Type": "application/rss+xml"}))
        resumed = pipeline.crawl_due(ctx, NOW, source_name="slow")

    assert resumed.outcomes[0].status == "ok" and resumed.new_items == 2
    with ctx.sessions() as session:
        assert session.query(storage.Opportunity).count() == 7
        assert storage.get_source(session, "slow").last_status == "ok"
