"""crawl_with_scrapyd: the same crawl as the local child process, run by a Scrapyd server.

1. Deploy: listversions.json tells whether this code's egg (`crawlers.egg`, versioned by a hash of
   its contents) is there; if not, addversion.json uploads it.
2. Schedule: schedule.json starts the `fursa` spider of that exact version with the run packed in
   its `jobs` argument (`crawlers.codec.pack_run`). A run too big for one command-line argument is
   split into several scrapyd jobs, which scrapyd then runs side by side.
3. Wait: listjobs.json is polled until every job is finished, up to the run timeout; past it, the
   jobs are cancelled (cancel.json) and given a short grace to close their feeds.
4. Read: each finished job's `items_url` (scrapyd's items/ endpoint) holds one JSON line per
   source, the same {"index", "result"} record as the child's results file.

Why the item feed and not the log: it is Scrapyd's channel for data, written by Scrapy's feed
exporter as one JSON line per record and served at a URL listjobs.json gives; the log is for people,
shaped by LOG_LEVEL and LOG_FORMAT and full of text the crawled sites chose. It needs `items_dir`
set in scrapyd.conf (off by default); a job without a feed says so. The log is read only to explain
a job that died.

The run travels as the local child's: the same CrawlConfig and jobs, except that the Scrapyd
address stays here (it may hold a password) and a worker keeps its HTTP cache in its own folder.

Every failure (scrapyd unreachable, the egg refused, a job that died or ran too long) becomes an
error on each affected source's FetchResult, in job order; crawl_with_scrapyd never raises.
"""
from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import dataclass, replace
from typing import Any, Sequence
from urllib.parse import urlsplit, urlunsplit

import httpx

from fursa.storage import FetchResult, SourceSpec, Validators

from fursa.crawlers.codec import pack_run, result_from_dict
from fursa.crawlers.config import CrawlConfig
from fursa.crawlers.egg import PROJECT, Egg, build_egg
from fursa.crawlers.errors import ScrapydError

log = logging.getLogger(__name__)

SPIDER = PROJECT
MAX_ARGUMENT_CHARS = 100_000     # under Linux's 128 KiB cap on one command-line argument
_GRACE_S = 120.0                 # the worker's own CLOSESPIDER_TIMEOUT should end the job first
_CANCEL_GRACE_S = 30.0           # a cancelled Scrapy closes its feed within seconds
_REQUEST_TIMEOUT_S = 30.0
_DEPLOY_TIMEOUT_S = 180.0        # addversion.json runs `scrapy list` on the egg before answering
_POLL_FIRST_S, _POLL_MAX_S = 0.25, 2.0
_LOST_AFTER_POLLS = 3            # a job in no list for this many polls is gone (scrapyd restarted)
_LOG_TAIL_BYTES = 65536

Jobs = Sequence[tuple[SourceSpec, Validators]]


@dataclass(frozen=True)
class ScheduledJob:
    """One scrapyd job of this run and the indexes of the sources it crawls."""

    id: str
    indexes: tuple[int, ...]


def public_url(url: str) -> str:
    """The URL without its user:password part, for messages and logs."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


class ScrapydServer:
    """Scrapyd's JSON API over one httpx client; every failure comes out as a ScrapydError in words."""

    def __init__(self, url: str, transport: httpx.BaseTransport | None = None) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ScrapydError(f"crawl_scrapyd_url {public_url(url)!r} is not an http(s) address like "
                               "http://crawler-1:6800; fix it in the settings")
        self.url = public_url(url)
        # httpx sends the URL's user:password as HTTP basic auth, scrapyd's only authentication.
        self.http = httpx.Client(base_url=url.rstrip("/") + "/", timeout=_REQUEST_TIMEOUT_S, transport=transport,
                                 trust_env=False)

    def close(self) -> None:
        self.http.close()

    def call(self, method: str, endpoint: str, what: str, **kwargs: Any) -> dict[str, Any]:
        """One API call; the JSON answer when its status is "ok"."""
        response = self._send(method, endpoint, what, **kwargs)
        try:
            answer = response.json()
        except ValueError:
            raise ScrapydError(f"{self.url}/{endpoint} did not answer like a Scrapyd server while {what} "
                               f"(HTTP {response.status_code}, not JSON); check crawl_scrapyd_url") from None
        if not isinstance(answer, dict) or answer.get("status") != "ok":
            reason = last_line(str(answer.get("message") if isinstance(answer, dict) else answer))
            # Scrapyd loads the egg with its own Python: a missing library is the worker's to install.
            hint = ("; install Fursa's dependencies in the Python that runs scrapyd (pip install fursa)"
                    if reason.startswith(("ModuleNotFoundError", "ImportError")) else "")
            raise ScrapydError(f"Scrapyd at {self.url} refused {what}: {reason}{hint}")
        return answer

    def fetch(self, path: str, what: str, **kwargs: Any) -> httpx.Response | None:
        """A file scrapyd serves (items/, logs/); None when it is not there (404)."""
        response = self._send("GET", path.lstrip("/"), what, **kwargs)
        return None if response.status_code == 404 else response

    def fetch_tail(self, path: str, limit: int) -> str:
        """The last `limit` bytes of a file scrapyd serves as text; '' when it cannot be read.

        Streamed rather than asked for with a Range header: Twisted's file server fails on a
        suffix range longer than the file.
        """
        tail = b""
        try:
            with self.http.stream("GET", path.lstrip("/")) as response:
                if response.status_code != 200:
                    return ""
                for chunk in response.iter_bytes():
                    tail = (tail + chunk)[-limit:]
        except httpx.HTTPError as exc:
            log.warning("cannot read %s%s: %s", self.url, path, exc)
            return ""
        return tail.decode("utf-8", "replace")

    def _send(self, method: str, endpoint: str, what: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self.http.request(method, endpoint, **kwargs)
        except httpx.ConnectError as exc:
            raise ScrapydError(f"cannot reach Scrapyd at {self.url} while {what} ({exc}); check that scrapyd runs "
                               "there, that it listens on that address (bind_address in scrapyd.conf) and that "
                               "crawl_scrapyd_url is right") from None
        except httpx.TimeoutException:
            raise ScrapydError(f"Scrapyd at {self.url} did not answer within {_timeout_of(kwargs):g} s while "
                               f"{what}; the server may be overloaded") from None
        except httpx.HTTPError as exc:
            raise ScrapydError(f"talking to Scrapyd at {self.url} failed while {what} "
                               f"({type(exc).__name__}: {exc})") from None
        if response.status_code == 401:
            raise ScrapydError(f"Scrapyd at {self.url} wants a username and password (HTTP 401) while {what}; put "
                               "them in crawl_scrapyd_url as http://USER:PASSWORD@host:6800")
        if response.status_code >= 400 and response.status_code != 404:
            raise ScrapydError(f"Scrapyd at {self.url} answered HTTP {response.status_code} while {what}")
        return response


def _timeout_of(kwargs: dict[str, Any]) -> float:
    timeout = kwargs.get("timeout")
    return float(timeout) if isinstance(timeout, (int, float)) else _REQUEST_TIMEOUT_S


def last_line(text: str) -> str:
    """The last non-empty line of a message (a traceback's last line names the exception)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return (lines or ["(no message)"])[-1][:300]


def deploy_egg(server: ScrapydServer, egg: Egg) -> None:
    """Upload the egg unless scrapyd already has that version of the project."""
    versions = server.call("GET", "listversions.json", "listing the deployed versions",
                           params={"project": PROJECT}).get("versions") or []
    if egg.version in versions:
        return
    answer = server.call("POST", "addversion.json", f"the Fursa egg {egg.version} (addversion.json)",
                         data={"project": PROJECT, "version": egg.version},
                         files={"egg": (f"{PROJECT}-{egg.version}.egg", egg.data, "application/octet-stream")},
                         timeout=_DEPLOY_TIMEOUT_S)
    log.info("deployed the Fursa egg %s to %s (%s spiders)", egg.version, server.url, answer.get("spiders"))


def split_batches(jobs: Jobs, config: CrawlConfig, indexes: tuple[int, ...] | None = None) -> list[tuple[tuple[int, ...], str]]:
    """(indexes, packed run) batches, each packed run short enough for one command-line argument."""
    indexes = tuple(range(len(jobs))) if indexes is None else indexes
    packed = pack_run([jobs[index] for index in indexes], config)
    if len(packed) <= MAX_ARGUMENT_CHARS or len(indexes) == 1:
        return [(indexes, packed)]
    middle = len(indexes) // 2
    return split_batches(jobs, config, indexes[:middle]) + split_batches(jobs, config, indexes[middle:])


def process_settings(config: CrawlConfig) -> list[str]:
    """NAME=VALUE settings that the crawl process reads before any spider exists (its DNS resolver)."""
    return [f"FURSA_ALLOW_PRIVATE={config.allow_private_addresses}", f"DNS_TIMEOUT={config.timeout_s:g}"]


def schedule_batch(server: ScrapydServer, egg: Egg, packed: str, config: CrawlConfig) -> str:
    """Start one scrapyd job of the `fursa` spider on this egg version; its job id."""
    job_id = f"fursa-{uuid.uuid4().hex}"
    server.call("POST", "schedule.json", "scheduling the crawl (schedule.json)",
                data={"project": PROJECT, "spider": SPIDER, "_version": egg.version, "jobid": job_id, "jobs": packed,
                      "setting": process_settings(config)})
    return job_id


def cancel_job(server: ScrapydServer, job_id: str) -> None:
    """Ask scrapyd to stop a job (SIGINT: Scrapy closes its feed); a refusal is only logged."""
    try:
        server.call("POST", "cancel.json", f"cancelling job {job_id}", data={"project": PROJECT, "job": job_id})
    except ScrapydError as exc:
        log.warning("%s", exc)


def read_items(server: ScrapydServer, job_id: str, entry: dict[str, Any]) -> tuple[dict[int, FetchResult], str]:
    """The results in a finished job's item feed, and '' or why there is no feed at all."""
    items_url = entry.get("items_url")
    response = server.fetch(items_url, f"reading the results of job {job_id}") if items_url else None
    if response is None:
        # Scrapyd serves items/ only when items_dir is set, and creates it when a job starts.
        if server.fetch("items/", "looking for scrapyd's item feeds") is None:
            return {}, (f"Scrapyd at {server.url} keeps no item feeds, so the results of job {job_id} are lost: "
                        "set `items_dir = items` in the worker's scrapyd.conf and restart scrapyd")
        if items_url:
            return {}, (f"the results of Scrapyd job {job_id} were removed before they were read: raise "
                        "jobs_to_keep in the worker's scrapyd.conf")
        return {}, f"the crawl process of Scrapyd job {job_id} ended before writing any result"
    results: dict[int, FetchResult] = {}
    for line in response.text.splitlines():
        try:
            record = json.loads(line)
            results[int(record["index"])] = result_from_dict(record["result"])
        except (ValueError, KeyError, TypeError):
            log.warning("ignoring an unreadable line of job %s's item feed: %.200s", job_id, line)
    return results, ""


def log_tail(server: ScrapydServer, entry: dict[str, Any]) -> str:
    """' (last error line of the job's log; see URL)' for a message, or '' when there is no log."""
    log_url = entry.get("log_url")
    if not log_url:
        return ""
    lines = [line.strip() for line in server.fetch_tail(log_url, _LOG_TAIL_BYTES).splitlines() if line.strip()]
    errors = [line for line in lines if "Error" in line or "error" in line]
    last = (errors or lines or [""])[-1][:200]
    return f" ({last}; see {server.url}{log_url})" if last else f" (see {server.url}{log_url})"


class JobWatch:
    """Polls listjobs.json until every scheduled job is finished, collecting their results as they finish."""

    def __init__(self, server: ScrapydServer, scheduled: list[ScheduledJob], wait_s: float) -> None:
        self.server = server
        self.waiting = {job.id: job for job in scheduled}
        self.wait_s = wait_s
        self.results: dict[int, FetchResult] = {}
        self.problems: dict[int, str] = {}          # index -> why its result may be missing
        self.cancelled: set[str] = set()
        self._misses: dict[str, int] = {}

    def run(self) -> None:
        deadline = time.monotonic() + self.wait_s
        interval = _POLL_FIRST_S
        failures = 0
        while self.waiting:
            try:
                self._poll()
                failures = 0
            except ScrapydError as exc:
                failures += 1
                if failures >= _LOST_AFTER_POLLS:
                    self._give_up(f"lost contact with Scrapyd while waiting for the crawl: {exc}")
                    return
            if not self.waiting:
                return
            if time.monotonic() >= deadline:
                if self.cancelled:
                    self._give_up(f"Scrapyd did not stop the cancelled crawl within {_CANCEL_GRACE_S:g} s")
                    return
                self._cancel_all()
                deadline = time.monotonic() + _CANCEL_GRACE_S
            time.sleep(interval)   # a bounded poll; the deadline above ends it
            interval = min(interval * 1.5, _POLL_MAX_S)

    def _poll(self) -> None:
        listing = self.server.call("GET", "listjobs.json", "waiting for the crawl (listjobs.json)", params={"project": PROJECT})
        finished = {entry.get("id"): entry for entry in listing.get("finished") or []}
        alive = {entry.get("id") for key in ("pending", "running") for entry in listing.get(key) or []}
        for job_id, job in list(self.waiting.items()):
            if job_id in finished:
                entry = finished[job_id]
                results, problem = read_items(self.server, job_id, entry)
                if any(position not in results for position in range(len(job.indexes))):
                    # Only a job that lost sources is worth a look at its log.
                    problem = (problem or f"Scrapyd job {job_id} ended without a result for this source") \
                        + log_tail(self.server, entry)
                self._settle(job, results, problem)
            elif job_id not in alive:
                # A job cancelled while pending leaves every list at once; any other only when scrapyd restarts.
                self._misses[job_id] = self._misses.get(job_id, 0) + 1
                if job_id in self.cancelled or self._misses[job_id] >= _LOST_AFTER_POLLS:
                    self._settle(job, {}, f"Scrapyd job {job_id} is no longer listed by listjobs.json "
                                          "(was scrapyd restarted?)")

    def _settle(self, job: ScheduledJob, results: dict[int, FetchResult], problem: str) -> None:
        del self.waiting[job.id]
        if job.id in self.cancelled:
            problem = f"Scrapyd job {job.id} did not finish within {self.wait_s:g} s and was cancelled"
        # The worker numbers the sources of its own batch from 0.
        for position, index in enumerate(job.indexes):
            result = results.get(position)
            # A source our cancel stopped with nothing read is explained by the cancel (and is
            # tried again), whether or not the worker had started it and wrote its own word.
            if result is not None and not (job.id in self.cancelled and not result.ok and not result.drafts):
                self.results[index] = result
            else:
                self.problems[index] = problem

    def _cancel_all(self) -> None:
        for job_id in self.waiting:
            log.warning("Scrapyd job %s still runs after %.0f s; cancelling it", job_id, self.wait_s)
            cancel_job(self.server, job_id)
            self.cancelled.add(job_id)

    def _give_up(self, problem: str) -> None:
        for job in list(self.waiting.values()):
            self._settle(job, {}, f"{problem} (job {job.id} may still finish there; its results will not be read)")


def crawl_with_scrapyd(jobs: Jobs, config: CrawlConfig, *, wait_s: float | None = None,
                       transport: httpx.BaseTransport | None = None) -> list[FetchResult]:
    """Crawl every (spec, validators) job on the Scrapyd server at config.scrapyd_url; one FetchResult per job, in order.

    `wait_s` bounds the wait for the crawl (default: the run timeout plus a grace); `transport`
    replaces httpx's network transport (tests).
    """
    if not jobs:
        return []
    # The worker needs no Scrapyd address, and the URL may carry a password that listjobs.json would show.
    run_config = replace(config, scrapyd_url=None)
    problems: dict[int, str] = {}
    results: dict[int, FetchResult] = {}
    scheduled: list[ScheduledJob] = []
    server: ScrapydServer | None = None
    try:
        server = ScrapydServer(config.scrapyd_url or "", transport)
        egg = build_egg()
        deploy_egg(server, egg)
        for indexes, packed in split_batches(jobs, run_config):
            scheduled.append(ScheduledJob(schedule_batch(server, egg, packed, run_config), indexes))
    except ScrapydError as exc:
        log.warning("%s", exc)
        started = {index for job in scheduled for index in job.indexes}
        problems = {index: str(exc) for index in range(len(jobs)) if index not in started}
    if server is not None:
        try:
            watch = JobWatch(server, scheduled, config.run_timeout_s + _GRACE_S if wait_s is None else wait_s)
            watch.run()
            results, problems = watch.results, {**problems, **watch.problems}
        finally:
            server.close()
    started = {index for job in scheduled for index in job.indexes}
    return [results.get(index) or FetchResult(
        source_name=spec.name,
        error=f"{problems.get(index) or 'Scrapyd returned no result for this source'}; {spec.name!r} was not "
              f"{'finished' if index in started else 'crawled'} and will be tried again at the next run",
    ) for index, (spec, _validators) in enumerate(jobs)]
