"""Several senders sharing one ledger: each digest goes out once, whoever sends it."""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import datetime, timezone

from fursa import pipeline, storage
from tests.digests.smtpsink import SmtpSink
from tests.operations.conftest import PROJECT_ROOT

NOW = datetime(2026, 11, 29, 7, 0, tzinfo=timezone.utc)
SUBSCRIBERS = 40


def _fill(ctx: pipeline.Context) -> None:
    with ctx.sessions.begin() as session:
        storage.sync_catalogue(session, [storage.SourceSpec(name="s", type="feed", url="http://example.org/feed")])
        source = storage.get_source(session, "s")
        drafts = [storage.Draft(source_name="s", url=f"http://example.org/call/{i}", title=f"Master's scholarship {i} in any field of study",
                                text="Open to applicants from all countries, including Palestinians, in all disciplines.")
                  for i in range(5)]
        storage.ingest_drafts(session, source, drafts, NOW)
    pipeline.tag_new(ctx, NOW)
    pipeline.approve_new(ctx, NOW, actor="test")
    with ctx.sessions.begin() as session:
        for i in range(SUBSCRIBERS):
            storage.add_subscriber(session, storage.SubscriberInput(
                email=f"student{i}@ppu.example", levels=("master",), confirmed=True), NOW)


def test_two_sender_processes_send_each_digest_once(ctx, tmp_path):
    _fill(ctx)
    sink = SmtpSink().start()
    try:
        command = [sys.executable, "-m", "tests.operations.sender_child", ctx.settings.database_url, sink.url,
                   str(tmp_path), NOW.isoformat()]
        children = [subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                    for _ in range(2)]
        outputs = [child.communicate(timeout=240) for child in children]
        assert all(child.returncode == 0 for child in children), [err for _, err in outputs]
        reports = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
        assert sink.wait_for(SUBSCRIBERS)
        per_address = Counter(r for m in sink.messages for r in m.recipients)
    finally:
        sink.stop()
    assert len(per_address) == SUBSCRIBERS
    assert set(per_address.values()) == {1}, "an address got more than one digest"
    print("sender reports:", reports)
    assert sum(r["sent"] for r in reports) == SUBSCRIBERS
    with ctx.sessions() as session:
        states = Counter(d.state for d in session.query(storage.Delivery).all())
    assert states == {"sent": SUBSCRIBERS}
