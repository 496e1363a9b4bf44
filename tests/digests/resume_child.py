"""A sending run in its own process, for the kill-and-resume test: python -m tests.digests.resume_child DB SMTP NOW N."""
from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from fursa.storage import make_engine, make_sessionmaker

from fursa.digests import DeliveryConfig, send_digests


def main(database_url: str, smtp_url: str, now: str, connections: str, outbox: str) -> None:
    config = DeliveryConfig(outbox_dir=Path(outbox), smtp_url=smtp_url, secret_key="test-secret",
                            connections=int(connections))
    engine = make_engine(database_url)
    with make_sessionmaker(engine)() as session:
        report = send_digests(session, now=datetime.fromisoformat(now), config=config)
    print(report.describe())


if __name__ == "__main__":
    main(*sys.argv[1:])
