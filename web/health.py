"""`GET /healthz`: whether Fursa is up, for a load balancer, systemd watchdog script or monitor.

No login: it says only what a monitor needs (counts and job states, no source names or error
texts, which may carry addresses); staff read the details at /desk or with `fursa status`.

"database": "ok" means every table of the schema was read just now (its first and newest row,
storage.check_tables), not only that a connection opened: a table that cannot be read makes the
answer 503 "down". Damage on pages those reads do not touch is not seen here; `fursa backup`
runs SQLite's full integrity check.
"""
from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from fursa import pipeline, storage

log = logging.getLogger("fursa.web.health")
router = APIRouter(include_in_schema=False)


@router.get("/healthz")
def healthz(request: Request) -> JSONResponse:
    """200 with "ok" or "degraded" (a job's latest run failed, was missed or did part of its work and
    was not made good since, or most enabled sources failed their last crawl), with the reasons in
    words free of names and addresses; 503 when the database cannot be reached or one of its tables
    cannot be read."""
    state = request.app.state.web
    try:
        storage.check_tables(state.ctx.engine)
        report = pipeline.health(state.ctx, state.clock())
    except (SQLAlchemyError, storage.DatabaseError) as exc:
        log.error("health check: database down", extra={"error": str(exc)})
        return JSONResponse({"status": "down", "database": "unreachable"}, status_code=503,
                            headers={"Cache-Control": "no-store"})
    body = {
        "status": "degraded" if report.degraded else "ok",
        "reasons": list(report.reasons),
        "database": "ok",
        "jobs": {job.job: {"status": job.status, "started_at": job.started_at.isoformat()} for job in report.jobs},
        "sources": report.sources,
        "failing_sources": len(report.failing_sources),
        "paused_sources": sum(source.paused for source in report.failing_sources),
        "problems_last_7_days": report.problems_last_7_days,
    }
    return JSONResponse(body, headers={"Cache-Control": "no-store"})
