"""crawl_with_scrapyd against scrapyd answers that a healthy test server never gives (httpx MockTransport).

The real-server path is in test_scrapyd.py; here each test scripts one bad answer and checks the
words each source's FetchResult carries.
"""
from __future__ import annotations

import json
from typing import Any, Callable

import httpx

from fursa.storage import Validators

from fursa.crawlers.scrapyd import crawl_with_scrapyd
from tests.crawlers.conftest import loopback_config, spec

URL = "http://fursa:s3cret@crawler-1:6800"
JOBS = [(spec("one", "https://example.org/one.rss"), Validators()), (spec("two", "https://example.org/two.rss"), Validators())]


def scrapyd(listjobs: Callable[[str], dict[str, Any]], files: dict[str, httpx.Response] | None = None) -> httpx.MockTransport:
    """A scripted scrapyd: deploys and schedules happily; listjobs.json and served files as given."""
    scheduled: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/listversions.json":
            return httpx.Response(200, json={"status": "ok", "versions": []})
        if path == "/addversion.json":
            return httpx.Response(200, json={"status": "ok", "spiders": 1})
        if path == "/schedule.json":
            job_id = dict(httpx.QueryParams(request.content.decode()))["jobid"]
            scheduled.append(job_id)
            return httpx.Response(200, json={"status": "ok", "jobid": job_id})
        if path == "/listjobs.json":
            return httpx.Response(200, json={"status": "ok", **listjobs(scheduled[-1])})
        return (files or {}).get(path, httpx.Response(404, text="not found"))

    return httpx.MockTransport(handle)


def test_a_scrapyd_without_items_dir_is_told_to_set_it() -> None:
    def listjobs(job_id: str) -> dict[str, Any]:
        return {"pending": [], "running": [], "finished": [
            {"id": job_id, "log_url": f"/logs/fursa/fursa/{job_id}.log", "items_url": None}]}

    results = crawl_with_scrapyd(JOBS, loopback_config(scrapyd_url=URL), transport=scrapyd(listjobs))

    for result in results:
        assert result.error.startswith("Scrapyd at http://crawler-1:6800 keeps no item feeds, so the results of job fursa-")
        assert "set `items_dir = items` in the worker's scrapyd.conf and restart scrapyd" in result.error
        assert result.error.endswith(f"{result.source_name!r} was not finished and will be tried again at the next run")
        assert "s3cret" not in result.error


def test_a_finished_job_missing_one_source_keeps_the_other_and_quotes_its_log() -> None:
    record = {"index": 0, "result": {"source_name": "one", "drafts": [], "not_modified": True, "http_status": 304}}

    def listjobs(job_id: str) -> dict[str, Any]:
        return {"pending": [], "running": [], "finished": [
            {"id": job_id, "log_url": "/logs/job.log", "items_url": "/items/job.jl"}]}

    log = "INFO: Spider opened\nERROR: Spider error processing <GET https://example.org/two.rss>\nINFO: Closing spider\n"
    transport = scrapyd(listjobs, {"/items/job.jl": httpx.Response(200, text=json.dumps(record) + "\n{broken"),
                                   "/logs/job.log": httpx.Response(200, text=log)})
    one, two = crawl_with_scrapyd(JOBS, loopback_config(scrapyd_url=URL), transport=transport)

    assert one.ok and one.not_modified and one.http_status == 304
    assert two.error.startswith("Scrapyd job fursa-")
    assert ("ended without a result for this source (ERROR: Spider error processing <GET https://example.org/two.rss>; "
            "see http://crawler-1:6800/logs/job.log); 'two' was not finished") in two.error


def test_a_job_scrapyd_forgets_is_reported_after_a_few_polls() -> None:
    transport = scrapyd(lambda job_id: {"pending": [], "running": [], "finished": []})
    results = crawl_with_scrapyd(JOBS, loopback_config(scrapyd_url=URL), transport=transport)
    assert all("is no longer listed by listjobs.json (was scrapyd restarted?)" in result.error for result in results)


def test_a_scrapyd_that_wants_a_password_says_where_to_put_it() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(401, text="Unauthorized"))
    result = crawl_with_scrapyd(JOBS[:1], loopback_config(scrapyd_url="http://crawler-1:6800"), transport=transport)[0]
    assert result.error == ("Scrapyd at http://crawler-1:6800 wants a username and password (HTTP 401) while listing the "
                            "deployed versions; put them in crawl_scrapyd_url as http://USER:PASSWORD@host:6800; "
                            "'one' was not crawled and will be tried again at the next run")


def test_a_refused_schedule_quotes_the_last_line_of_scrapyd_s_message() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/listversions.json":
            return httpx.Response(200, json={"status": "ok", "versions": []})
        return httpx.Response(200, json={"status": "error", "message": (
            "Traceback (most recent call last):\n  File \"x.py\", line 1\nModuleNotFoundError: No module named 'feedparser'\n")})

    result = crawl_with_scrapyd(JOBS[:1], loopback_config(scrapyd_url=URL), transport=httpx.MockTransport(handle))[0]
    assert result.error.startswith("Scrapyd at http://crawler-1:6800 refused the Fursa egg r")
    assert result.error.endswith("(addversion.json): ModuleNotFoundError: No module named 'feedparser'; install Fursa's "
                                 "dependencies in the Python that runs scrapyd (pip install fursa); "
                                 "'one' was not crawled and will be tried again at the next run")
