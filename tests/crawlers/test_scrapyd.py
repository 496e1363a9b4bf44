"""crawl_sources through a real Scrapyd server on 127.0.0.1, against feeds on the loopback test server.

The scrapyd process gets a free port and its own folder for eggs, logs, items and its queue, and is
killed at teardown. Tests that need it are skipped when scrapyd is not installed; the dead-address
tests need no server at all.
"""
from __future__ import annotations

import importlib.util
import io
import os
import signal
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from fursa.storage import Validators

from fursa.crawlers import crawl_sources
from fursa.crawlers import scrapyd as dispatch
from fursa.crawlers.egg import PROJECT, Egg, build_egg
from fursa.crawlers.errors import ScrapydError
from tests.crawlers.conftest import loopback_config, spec
from tests.crawlers.server import LocalServer, Reply, conditional

RSS = "application/rss+xml"
ATOM = "application/atom+xml"
LAST_MODIFIED = "Mon, 02 Mar 2026 09:30:00 GMT"
needs_scrapyd = pytest.mark.skipif(importlib.util.find_spec("scrapyd") is None,
                                   reason="scrapyd is not installed (pip install scrapyd)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ScrapydProcess:
    """A scrapyd daemon on 127.0.0.1 with everything it writes under one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        (folder / "scrapyd.conf").write_text("\n".join([
            "[scrapyd]", "bind_address = 127.0.0.1", f"http_port = {self.port}",
            f"eggs_dir = {folder / 'eggs'}", f"logs_dir = {folder / 'logs'}", f"items_dir = {folder / 'items'}",
            f"dbs_dir = {folder / 'dbs'}", "poll_interval = 0.2", "max_proc = 4", "jobs_to_keep = 20", "",
        ]), encoding="utf-8")
        self.output = (folder / "scrapyd.out").open("w")
        # scrapyd reads ./scrapyd.conf; its own session, so teardown can end the crawls it started too.
        self.process = subprocess.Popen([sys.executable, "-m", "scrapyd", "--pidfile=", "--logfile", str(folder / "scrapyd.log")],
                                        cwd=folder, stdout=self.output, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True)

    def wait_ready(self, timeout_s: float = 30.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"scrapyd exited: {(self.folder / 'scrapyd.out').read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/daemonstatus.json", timeout=2).json().get("status") == "ok":
                    return
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.1)   # bounded by the deadline
        raise RuntimeError(f"scrapyd did not answer on {self.url} within {timeout_s:g} s")

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass
        self.output.close()

    def api(self, endpoint: str, **params: str) -> dict:
        return httpx.get(f"{self.url}/{endpoint}", params=params, timeout=10).json()


@pytest.fixture(scope="module")
def scrapyd_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScrapydProcess]:
    if importlib.util.find_spec("scrapyd") is None:
        pytest.skip("scrapyd is not installed (pip install scrapyd)")
    server = ScrapydProcess(tmp_path_factory.mktemp("scrapyd"))
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


@needs_scrapyd
def test_feeds_crawled_on_scrapyd_come_back_as_drafts_with_validators(
        scrapyd_server: ScrapydProcess, server: LocalServer, data_dir: Path) -> None:
    feed = server.add("/sd/cond.rss", conditional((data_dir / "scholarships_en.rss").read_bytes(), RSS,
                                                   '"feed-v1"', LAST_MODIFIED))
    arabic = server.add("/sd/ar.atom", Reply(200, (data_dir / "scholarships_ar.atom").read_bytes(), {"Content-Type": ATOM}))
    closed_port = free_port()
    config = loopback_config(scrapyd_url=scrapyd_server.url, cache_dir=Path("/dispatcher/only/http-cache"))
    sources = [spec("en-rss", feed, kind="scholarship", levels=("master",)), spec("ar-atom", arabic, language="ar"),
               spec("unreachable", f"http://127.0.0.1:{closed_port}/feed.rss")]

    first = crawl_sources([(source, Validators()) for source in sources], config)
    second = crawl_sources([(sources[0], first[0].validators)], config)[0]

    assert [result.source_name for result in first] == ["en-rss", "ar-atom", "unreachable"]
    en, ar, unreachable = first
    assert en.ok and ar.ok, (en.error, ar.error)
    assert [draft.title for draft in en.drafts] == [
        "Chevening-style Master's Scholarships 2027 for Palestinian Students", "Postdoctoral Fellowship in Renewable Energy"]
    assert en.drafts[0].url == "https://scholarships.example.org/2026/03/masters-scholarships-2027/"
    assert en.drafts[0].kind == "scholarship" and en.drafts[0].levels == ("master",)
    assert ar.drafts[0].title == "منح دراسية في هنغاريا للعام الأكاديمي 2026/2027" and ar.drafts[0].language == "ar"
    assert en.validators == Validators(etag='"feed-v1"', last_modified=LAST_MODIFIED) and en.http_status == 200
    assert en.bytes_read > 0 and en.duration_s > 0
    assert unreachable.error == f"127.0.0.1:{closed_port} refused the connection; the server is down or the address/port is wrong"

    requests = server.seen("/sd/cond.rss")
    assert requests[-1].headers["if-none-match"] == '"feed-v1"'
    assert requests[-1].headers["if-modified-since"] == LAST_MODIFIED
    assert second.ok and second.not_modified and second.drafts == () and second.http_status == 304
    assert second.validators == en.validators

    # The crawl ran the egg's code (the deployed version of this tree), not the checkout's.
    versions = scrapyd_server.api("listversions.json", project=PROJECT)["versions"]
    logs = "".join(path.read_text() for path in (scrapyd_server.folder / "logs").rglob("*.log"))
    eggs = scrapyd_server.folder / "eggs" / PROJECT
    cache = scrapyd_server.folder / "fursa-http-cache"    # the worker's own, not the dispatcher's folder
    assert any(f"Fursa crawl code from {eggs / version}.egg/fursa/crawlers/worker.py: 3 sources, HTTP cache {cache}" in logs
               for version in versions)


@needs_scrapyd
def test_an_unchanged_egg_is_uploaded_once(scrapyd_server: ScrapydProcess) -> None:
    egg = build_egg()
    server = dispatch.ScrapydServer(scrapyd_server.url)
    try:
        dispatch.deploy_egg(server, egg)
        stored = scrapyd_server.folder / "eggs" / PROJECT / f"{egg.version}.egg"
        uploaded_at = stored.stat().st_mtime_ns
        dispatch.deploy_egg(server, egg)
    finally:
        server.close()
    assert egg.version in scrapyd_server.api("listversions.json", project=PROJECT)["versions"]
    assert stored.read_bytes() == egg.data and stored.stat().st_mtime_ns == uploaded_at


@needs_scrapyd
def test_a_run_too_big_for_one_argument_is_split_into_scrapyd_jobs_in_order(
        scrapyd_server: ScrapydProcess, server: LocalServer, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = (data_dir / "scholarships_en.rss").read_bytes()
    urls = [server.add(f"/sd/split{number}.rss", Reply(200, body, {"Content-Type": RSS})) for number in range(3)]
    jobs = [(spec(f"feed-{number}", url), Validators()) for number, url in enumerate(urls)]
    config = loopback_config(scrapyd_url=scrapyd_server.url)
    one_each = max(len(dispatch.split_batches([job], config)[0][1]) for job in jobs)
    monkeypatch.setattr(dispatch, "MAX_ARGUMENT_CHARS", one_each)   # room for one source per scrapyd job
    before = {entry["id"] for entry in scrapyd_server.api("listjobs.json", project=PROJECT).get("finished", [])}

    results = crawl_sources(jobs, config)

    after = {entry["id"] for entry in scrapyd_server.api("listjobs.json", project=PROJECT).get("finished", [])}
    assert len(after - before) == 3
    assert [result.source_name for result in results] == ["feed-0", "feed-1", "feed-2"]
    assert all(result.ok and len(result.drafts) == 2 for result in results), [result.error for result in results]


@needs_scrapyd
def test_a_crawl_past_its_wait_is_cancelled_and_said_so(scrapyd_server: ScrapydProcess, server: LocalServer) -> None:
    stalled = server.add("/sd/stalled.rss", Reply(stall=True))
    config = loopback_config(scrapyd_url=scrapyd_server.url, timeout_s=30.0)

    result = dispatch.crawl_with_scrapyd([(spec("stalled", stalled), Validators())], config, wait_s=1.0)[0]

    assert not result.ok and result.drafts == ()
    assert "cancel" in result.error, result.error
    assert result.error.endswith("'stalled' was not finished and will be tried again at the next run")
    deadline = time.monotonic() + 30
    while scrapyd_server.api("listjobs.json", project=PROJECT)["running"] and time.monotonic() < deadline:
        time.sleep(0.1)   # bounded by the deadline
    assert scrapyd_server.api("listjobs.json", project=PROJECT)["running"] == []


@needs_scrapyd
def test_a_crawl_process_that_dies_is_explained_from_its_log(scrapyd_server: ScrapydProcess) -> None:
    server = dispatch.ScrapydServer(scrapyd_server.url)
    egg = build_egg()
    try:
        dispatch.deploy_egg(server, egg)
        job_id = dispatch.schedule_batch(server, egg, "not-a-packed-run", loopback_config())
        watch = dispatch.JobWatch(server, [dispatch.ScheduledJob(job_id, (0,))], wait_s=60)
        watch.run()
    finally:
        server.close()

    assert watch.results == {}
    problem = watch.problems[0]
    assert problem.startswith(f"the crawl process of Scrapyd job {job_id} ended before writing any result (")
    assert "not a packed Fursa crawl run" in problem
    assert f"see {scrapyd_server.url}/logs/{PROJECT}/{PROJECT}/{job_id}.log" in problem


@needs_scrapyd
def test_an_egg_scrapyd_cannot_load_is_refused_with_the_reason(scrapyd_server: ScrapydProcess) -> None:
    broken = Egg(version="rbroken", data=egg_with_missing_module())
    server = dispatch.ScrapydServer(scrapyd_server.url)
    try:
        with pytest.raises(ScrapydError) as refused:
            dispatch.deploy_egg(server, broken)
        server.call("POST", "delversion.json", "cleaning up", data={"project": PROJECT, "version": broken.version})
    finally:
        server.close()

    assert str(refused.value).startswith(f"Scrapyd at {scrapyd_server.url} refused the Fursa egg rbroken (addversion.json): ")
    assert "ModuleNotFoundError: No module named 'no_such_module'; install Fursa's dependencies" in str(refused.value)


def egg_with_missing_module() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("broken_settings.py", "import no_such_module\n")
        archive.writestr("EGG-INFO/PKG-INFO", "Metadata-Version: 1.1\nName: fursa\nVersion: rbroken\n")
        archive.writestr("EGG-INFO/entry_points.txt", "[scrapy]\nsettings = broken_settings\n")
    return buffer.getvalue()


def test_a_dead_scrapyd_address_gives_every_source_an_error_without_the_password() -> None:
    port = free_port()   # nothing listens there
    config = loopback_config(scrapyd_url=f"http://fursa:s3cret@127.0.0.1:{port}")
    jobs = [(spec("one", "https://example.org/one.rss"), Validators()), (spec("two", "https://example.org/two.rss"), Validators())]

    results = crawl_sources(jobs, config)

    assert [result.source_name for result in results] == ["one", "two"]
    for result in results:
        assert result.error.startswith(f"cannot reach Scrapyd at http://127.0.0.1:{port} while listing the deployed versions (")
        assert "check that scrapyd runs there" in result.error
        assert result.error.endswith(f"{result.source_name!r} was not crawled and will be tried again at the next run")
        assert "s3cret" not in result.error


def test_a_scrapyd_address_that_is_not_http_is_named_in_the_error() -> None:
    result = crawl_sources([(spec("one", "https://example.org/one.rss"), Validators())],
                           loopback_config(scrapyd_url="crawler-1:6800"))[0]
    assert result.error.startswith("crawl_scrapyd_url 'crawler-1:6800' is not an http(s) address like http://crawler-1:6800")
