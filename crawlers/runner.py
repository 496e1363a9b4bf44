"""crawl_sources: the parent side of a crawl. Writes the jobs, runs the child, reads the results;
or, with `config.scrapyd_url` set, hands the same run to a Scrapyd server (crawlers.scrapyd).

Whatever happens to the child (a crash, a kill, a hang past the run timeout), every job gets a
FetchResult, in job order; unfinished ones carry an error saying so. Nothing here raises.
"""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Sequence

from fursa.storage import FetchResult, SourceSpec, Validators

from fursa.crawlers.codec import dumps, result_from_dict, run_to_dict
from fursa.crawlers.config import CrawlConfig
from fursa.crawlers.scrapyd import crawl_with_scrapyd

log = logging.getLogger(__name__)
_PACKAGE_ROOT = Path(__file__).resolve().parent.parent
_GRACE_S = 120.0


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    # The child must import this very copy of `crawlers` (and `storage`), installed or not.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_PACKAGE_ROOT), env.get("PYTHONPATH", "")]))
    env.setdefault("PYTHONIOENCODING", "utf-8")
    return env


def _read_results(path: Path) -> dict[int, FetchResult]:
    results: dict[int, FetchResult] = {}
    if not path.exists():
        return results
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
            results[int(record["index"])] = result_from_dict(record["result"])
        except (ValueError, KeyError, TypeError):
            log.warning("ignoring an unreadable result line from the crawl process: %.200s", line)
    return results


def _last_error_line(log_path: Path) -> str:
    try:
        lines = [line.strip() for line in log_path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    except OSError:
        return ""
    errors = [line for line in lines if "Error" in line or "error" in line]
    return (errors or lines or [""])[-1][:200]


def crawl_sources(jobs: Sequence[tuple[SourceSpec, Validators]], config: CrawlConfig) -> list[FetchResult]:
    """Crawl every (spec, validators) job with Scrapy in a child process, or on the Scrapyd server at
    config.scrapyd_url; one FetchResult per job, in order."""
    if not jobs:
        return []
    if config.scrapyd_url:
        return crawl_with_scrapyd(jobs, config)
    with tempfile.TemporaryDirectory(prefix="fursa-crawl-") as folder:
        jobs_path, results_path, log_path = (Path(folder) / name for name in ("jobs.json", "results.jsonl", "child.log"))
        jobs_path.write_text(dumps(run_to_dict(jobs, config)), encoding="utf-8")
        problem = _run_child(jobs_path, results_path, log_path, config.run_timeout_s + _GRACE_S)
        results = _read_results(results_path)
        if problem:
            log.warning("crawl process: %s", problem)
    return [results.get(index) or FetchResult(
        source_name=spec.name,
        error=f"{problem or 'the crawl process ended without a result for this source'}; "
              f"{spec.name!r} was not finished and will be tried again at the next run",
    ) for index, (spec, _validators) in enumerate(jobs)]


def child_command(jobs_path: Path, results_path: Path) -> list[str]:
    """The command line of the crawl child process."""
    return [sys.executable, "-m", "fursa.crawlers.child", str(jobs_path), str(results_path)]


def _run_child(jobs_path: Path, results_path: Path, log_path: Path, timeout_s: float) -> str:
    """Run the child; '' when it exited cleanly, else what went wrong in one line."""
    command = child_command(jobs_path, results_path)
    with log_path.open("w", encoding="utf-8") as log_file:
        try:
            process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       env=_child_env(), cwd=str(jobs_path.parent))
        except OSError as exc:
            return f"the crawl process could not start ({exc})"
        try:
            code = process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            return f"the crawl process ran past {timeout_s:.0f} s and was stopped"
    log.debug("crawl process log:\n%s", log_path.read_text(encoding="utf-8", errors="replace")[-20000:])
    if code != 0:
        return f"the crawl process stopped unexpectedly (exit code {code}: {_last_error_line(log_path)})"
    return ""
