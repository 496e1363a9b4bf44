"""The dashboard and its server-rendered SVG charts."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

from sqlalchemy import select

from fursa import storage
from fursa.storage import weekly_new_by_kind
from tests.web.conftest import NOW, csrf_of
from fursa.web.charts import HealthTile, TimelinePoint, WeekBar, deadline_timeline, health_grid, weekly_bars

SVG = "{http://www.w3.org/2000/svg}"


def _parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def test_weekly_bars_are_stacked_by_kind_and_proportional():
    chart = _parse(weekly_bars([WeekBar("1 Dec", (("exchange", 1), ("scholarship", 3))), WeekBar("8 Dec", (("scholarship", 2),))],
                               lambda kind: kind.title(), "New calls"))
    bars = [(r.get("fill"), float(r.get("height"))) for r in chart.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    heights = {fill: h for fill, h in bars}
    assert len(bars) == 3
    first_scholarship, second_scholarship = [h for fill, h in bars if fill == "#0072B2"]
    assert abs(first_scholarship / second_scholarship - 1.5) < 0.01
    assert heights["#E69F00"] * 3 - first_scholarship < 0.5
    assert chart.find(f"{SVG}title").text == "New calls"


def test_chart_text_from_outside_is_escaped():
    hostile = "<script>alert(1)</script>"
    markup = str(health_grid([HealthTile(hostile, "broken", hostile, "/desk/sources/1")], [("ok", "Working")], "Health"))
    markup += str(deadline_timeline([TimelinePoint(hostile, NOW, "other", "/desk/calls/1")], NOW, 60,
                                    lambda d: d.strftime("%d %b"), "Deadlines"))
    assert "<script>" not in markup and "&lt;script&gt;" in markup


def test_timeline_puts_earlier_deadlines_further_along_the_time_axis():
    start = NOW
    chart = _parse(deadline_timeline([TimelinePoint("late", start + timedelta(days=40), "exchange", "/a"),
                                      TimelinePoint("soon", start + timedelta(days=3), "scholarship", "/b")],
                                     start, 60, lambda d: d.strftime("%d %b"), "Deadlines"))
    circles = {c.find(f"{SVG}title").text.split(": ")[1]: float(c.get("cx")) for c in chart.iter(f"{SVG}circle")}
    assert circles["soon"] < circles["late"]


def test_weeks_are_counted_by_first_seen_date(ctx, now, make_call):
    make_call("This week A", kind="scholarship")
    make_call("This week B", kind="exchange")
    old = make_call("Three weeks ago", kind="scholarship")
    with ctx.sessions.begin() as session:
        session.get(storage.Opportunity, old).first_seen_at = now - timedelta(weeks=3)
    with ctx.sessions() as session:
        weeks = weekly_new_by_kind(session, now, weeks=12)
    assert len(weeks) == 12 and weeks[-1].week.weekday() == 0
    assert dict(weeks[-1].by_kind) == {"exchange": 1, "scholarship": 1}
    assert dict(weeks[-4].by_kind) == {"scholarship": 1}


def test_dashboard_shows_counts_and_three_pictures(admin_client, ctx, now, make_call):
    make_call("Waiting call")
    make_call("Approved call", status="approved", deadline_days=5)
    with ctx.sessions.begin() as session:
        source = session.scalars(select(storage.Source)).one()
        source.last_status, source.last_error, source.consecutive_failures = "error", "DNS lookup failed", 5
    page = admin_client.get("/desk").text
    assert len(re.findall(r'<svg [^>]*class="chart"', page)) == 3
    assert "DNS lookup failed" in page and "Approved call" in page
    stats = re.findall(r"<strong>(\d+)</strong>", page)
    assert stats[:3] == ["1", "1", "1"]  # waiting, approved, failing sources
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "<" not in title and "Dashboard" in title
    assert page.count('id="jobs"') == 1


def test_an_admin_runs_a_job_by_hand_and_the_job_log_shows_it(admin_client, ctx, make_call):
    call_id = make_call("Already closed", status="approved", deadline_days=-2)
    page = admin_client.get("/desk")
    assert "Mark passed calls expired" in page.text and "never" in page.text
    response = admin_client.post("/desk/jobs/expire", data={"csrf_token": csrf_of(page.text)})
    assert "Mark passed calls expired: done." in response.text
    with ctx.sessions() as session:
        assert session.get(storage.Opportunity, call_id).status == "expired"
        assert [run.status for run in storage.latest_job_runs(session)] == ["ok"]
    assert admin_client.post("/desk/jobs/format-disk", data={"csrf_token": csrf_of(page.text)}).status_code == 404


def test_missed_and_part_done_runs_are_shown_to_staff_in_both_languages(admin_client, ctx, now):
    with ctx.sessions.begin() as session:
        storage.record_missed_job(session, "weekly_digest", now - timedelta(days=1), now - timedelta(hours=17),
                                  "skipped: the scheduler was not running at 2026-11-29 08:00 EET and the run's "
                                  "grace time had passed")
        row = storage.start_job_run(session, "retry_deliveries", now - timedelta(minutes=5))
        storage.finish_job_run(row, now, "degraded", {"deferred": 4}, "retries via smtp: 0 sent, 4 to retry")
    page = admin_client.get("/desk").text
    problems = page.split("Missed, failed or done in part in the last 7 days")[1]
    assert "Send the weekly digests: <strong>Missed</strong> – skipped: the scheduler was not running" in problems
    assert "Send again what was deferred: <strong>Done in part</strong> – retries via smtp: 0 sent" in problems
    admin_client.get("/language/ar?next=/desk")
    arabic = admin_client.get("/desk").text
    assert "فات موعده" in arabic and "تمّ جزئيًا" in arabic and "إعادة إرسال ما تأجّل" in arabic


def test_a_digest_run_by_hand_that_could_not_deliver_says_it_did_part(admin_client, ctx, now, make_call):
    make_call("Erasmus+ master scholarship in any field", status="approved", disciplines=["any"],
              levels=["master"], kind="scholarship", palestinian_eligible=True)
    with ctx.sessions.begin() as session:
        storage.add_subscriber(session, storage.SubscriberInput(email="lina@ppu.edu", levels=("master",),
                                                                confirmed=True), now)
    ctx.settings.outbox_dir.parent.mkdir(parents=True, exist_ok=True)
    ctx.settings.outbox_dir.write_text("a file where the outbox folder should be")   # every write fails
    page = admin_client.get("/desk")
    response = admin_client.post("/desk/jobs/weekly_digest", data={"csrf_token": csrf_of(page.text)})
    assert "Send the weekly digests: done in part: " in response.text and "1 to retry" in response.text
    with ctx.sessions() as session:
        assert [(run.job, run.status) for run in storage.latest_job_runs(session)] == [("weekly_digest", "degraded")]


def _jobs_never_run(page: str) -> int:
    jobs = page[page.index('id="jobs"'):]
    return len(re.findall(r"<td>never</td>", jobs[:jobs.index("</table>")]))


def test_a_run_once_shows_on_the_dashboard_as_the_scheduler_s_runs_do(admin_client, ctx, now):
    """`fursa run --once` ran every step but recorded none: the dashboard said every job ran "never"."""
    from fursa import pipeline
    assert _jobs_never_run(admin_client.get("/desk").text) == len(pipeline.JOBS)

    summary = pipeline.run_once(ctx, now)

    assert summary.status == "ok"
    assert _jobs_never_run(admin_client.get("/desk").text) == len(pipeline.JOBS) - len(pipeline.RUN_ONCE_JOBS)
