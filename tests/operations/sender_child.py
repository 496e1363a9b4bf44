"""A separate sender process for the two-sender test: runs the weekly digest job once and prints its report."""
from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

from fursa import pipeline
from fursa.settings import load_settings


def main(database_url: str, smtp_url: str, folder: str, now: str) -> None:
    settings = load_settings(database_url=database_url, smtp_url=smtp_url, outbox_dir=Path(folder) / "outbox",
                             model_dir=Path(folder) / ".fursa", catalogue=Path(folder) / "catalogue.toml",
                             weekend_days=())
    report = pipeline.send_due_digests(pipeline.make_context(settings), datetime.fromisoformat(now))
    print(json.dumps({"sent": report.sent, "already_sent": report.already_sent, "in_progress": report.in_progress,
                      "failed": report.failed}))


if __name__ == "__main__":
    main(*sys.argv[1:5])
