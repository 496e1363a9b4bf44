"""The desk's front page: counts, and pictures of new calls, coming deadlines and source health."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Callable, Sequence

from fursa import pipeline
from fastapi import APIRouter, Depends
from fastapi.responses import RedirectResponse
from starlette.requests import Request
from starlette.responses import Response

from fursa.storage import Source, latest_job_runs, list_sources, recent_problems
from fursa.storage import delivery_totals, status_counts, upcoming_deadlines, weekly_new_by_kind
from fursa.web.auth import StaffUser, admin_user, staff_user
from fursa.web.charts import HealthTile, TimelinePoint, WeekBar, deadline_timeline, health_grid, weekly_bars
from fursa.web.csrf import verify_csrf
from fursa.web.errors import PageNotFoundError
from fursa.web.i18n import Formatter
from fursa.web.labels import labeller
from fursa.web.render import flash, gettext_of, page_language, render
from fursa.web.state import now_of, transaction, web_state

router = APIRouter(prefix="/desk", dependencies=[Depends(staff_user), Depends(verify_csrf)], include_in_schema=False)
TIMELINE_DAYS = 60
PROBLEM_DAYS = 7   # job runs missed, failed or done in part are listed for this long


def health_state(source: Source) -> str:
    """A source's health in one word, for its colour: broken after three failures in a row."""
    if source.paused_reason or not source.enabled:
        return "paused"
    if source.last_status == "error":
        return "broken" if source.consecutive_failures >= 3 else "failing"
    if source.last_status == "not_modified":
        return "quiet"
    return "ok" if source.last_status == "ok" else "never"


def health_tiles(sources: Sequence[Source], describe: Callable[[Source], str]) -> list[HealthTile]:
    return [HealthTile(s.name, health_state(s), describe(s), f"/desk/sources/{s.id}") for s in sources]


@router.get("")
def dashboard(request: Request) -> Response:
    _ = gettext_of(request)
    lang = page_language(request)
    label = labeller(_)
    fmt = Formatter(lang, web_state(request).zone)
    now = now_of(request)
    with transaction(request) as session:
        weeks = weekly_new_by_kind(session, now, weeks=12)
        deadlines = upcoming_deadlines(session, now, days=TIMELINE_DAYS)
        sources = list_sources(session)
        counts, sends = status_counts(session), delivery_totals(session)
        jobs = {run.job: run for run in latest_job_runs(session)}
        problems = recent_problems(session, now - timedelta(days=PROBLEM_DAYS))[:20]
        bars = [WeekBar(fmt.date(w.week, "d MMM"), w.by_kind) for w in weeks]
        points = [TimelinePoint(c.title, c.deadline_at, c.kind, f"/desk/calls/{c.id}") for c in deadlines]
        tiles = health_tiles(sources, lambda s: _describe(s, label, fmt, now))
        legend = [(state, label("source_status", key)) for state, key in
                  (("ok", "ok"), ("quiet", "not_modified"), ("failing", "error"), ("paused", "paused"), ("never", "never"))]
        return render(request, "desk/dashboard.html", {
            "counts": counts, "sends": sends, "deadlines": deadlines,
            "failing": [s for s in sources if health_state(s) in ("failing", "broken")],
            "weekly_chart": weekly_bars(bars, lambda k: label("kind", k), _("New calls per week, by kind")),
            "timeline_chart": deadline_timeline(points, now, TIMELINE_DAYS, lambda d: fmt.date(d, "d MMM"),
                                                _("Deadlines in the next 60 days")),
            "health_chart": health_grid(tiles, legend, _("Source health")),
            "source_count": len(sources), "jobs": jobs, "job_names": tuple(pipeline.JOBS), "problems": problems,
        })


@router.post("/jobs/{name}")
def run_job(request: Request, name: str, user: StaffUser = Depends(admin_user)) -> Response:
    """Run one pipeline job by hand, as the scheduler would; it is recorded in the job log either way."""
    _ = gettext_of(request)
    if name not in pipeline.JOBS:
        raise PageNotFoundError(f"no job {name}")
    outcome = pipeline.run_job(web_state(request).ctx, name, now_of(request), attempts=1, actor=user.email)
    if outcome.status == "ok":
        flash(request, _("%(job)s: done.") % {"job": labeller(_)("job", name)})
    elif outcome.status == "degraded":
        flash(request, _("%(job)s: done in part: %(error)s") % {"job": labeller(_)("job", name),
                                                                "error": outcome.error}, "error")
    else:
        flash(request, _("%(job)s failed: %(error)s") % {"job": labeller(_)("job", name), "error": outcome.error},
              "error")
    return RedirectResponse("/desk#jobs", status_code=303)


def _describe(source: Source, label: Callable[[str, object], str], fmt: Formatter, now: datetime) -> str:
    state = label("source_status", "paused" if health_state(source) == "paused" else source.last_status)
    when = fmt.ago(source.last_run_at, now) if source.last_run_at else ""
    error = f" – {source.last_error}" if source.last_error and source.last_status == "error" else ""
    return f"{state} {when}{error}".strip()
