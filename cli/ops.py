"""Operations commands: status, running a job by name, retraining, backups."""
from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from fursa import pipeline, storage
from fursa.cli.admin import cli_actor
from fursa.cli.context import fail, load_context, now_utc


def status(fmt: str = typer.Option("table", "--format", help="table or json")) -> None:
    """What ran, what failed or was missed, and what is due: the health of the whole installation."""
    ctx = load_context(ensure=True)
    report = pipeline.health(ctx, now_utc())
    runs = [_run_of(j) for j in report.jobs]
    problems = [_run_of(j) for j in report.problems]
    failing = [{"source": f.name, "error": f.error, "failures": f.failures, "paused": f.paused}
               for f in report.failing_sources]
    if fmt == "json":
        typer.echo(json.dumps({"status": "degraded" if report.degraded else "ok", "jobs": runs,
                               "problems": problems, "failing_sources": failing,
                               "due_sources": list(report.due_sources),
                               "problems_last_7_days": report.problems_last_7_days, "sources": report.sources},
                              ensure_ascii=False, indent=2))
        return
    console = Console()
    table = Table(title="jobs (latest run of each)")
    for column in ("job", "status", "started", "error"):
        table.add_column(column)
    for run in runs:
        table.add_row(run["job"], run["status"], run["started"][:16], (run["error"] or "")[:60])
    console.print(table)
    typer.echo(f"{report.problems_last_7_days} job run(s) degraded, failed or missed in 7 days")
    for run in problems:
        when = "was due" if run["status"] == "missed" else "started"
        typer.echo(f"  ! {run['job']} {run['status']} ({when} {run['started'][:16]} UTC): {run['error'] or ''}")
    typer.echo(f"{report.sources} sources: {len(report.due_sources)} due now, {len(failing)} failing "
               f"({sum(f['paused'] for f in failing)} paused)")
    for item in failing[:20]:
        typer.echo(f"  ! {item['source']}: {item['error']}")


def _run_of(job: pipeline.JobHealth) -> dict:
    return {"job": job.job, "status": job.status, "started": job.started_at.isoformat(),
            "finished": job.finished_at.isoformat() if job.finished_at else None, "error": job.error}


# `fursa job`'s exit status beyond 0 (ok) and 1 (failed, or a bad name or setting); README, "Commands".
EXIT_DEGRADED = 3


def run_job(name: str = typer.Argument(..., help=f"one of: {', '.join(pipeline.JOBS)}")) -> None:
    """Run one scheduler job now, as the scheduler would, and record it in the job log.

    Exit status: 0 ok; 1 failed; 3 degraded (it ran but left work undone, e.g. messages the SMTP
    server deferred, which the retry_deliveries job sends later)."""
    if name not in pipeline.JOBS:
        fail(f"no job named {name!r}; jobs: {', '.join(pipeline.JOBS)}")
    ctx = load_context(ensure=True)
    outcome = pipeline.run_job(ctx, name, now_utc(), actor=cli_actor())
    typer.echo(f"{name}: {outcome.status}" + (f" — {outcome.error}" if outcome.error else ""))
    if outcome.status == "degraded":
        raise typer.Exit(code=EXIT_DEGRADED)
    if outcome.status != "ok":
        raise typer.Exit(code=1)


def backup(target: Path = typer.Argument(..., help="file to write (SQLite copy, or pg_dump custom format)")) -> None:
    """Copy the database while Fursa runs (SQLite online backup, or pg_dump), checked before and after:
    a damaged database is not copied, and a failed backup never replaces the file already at TARGET."""
    ctx = load_context()   # not ensure: a database that does not exist yet has nothing to back up
    try:
        storage.backup_database(ctx.engine, target)
    except storage.BackupError as exc:
        fail(str(exc))
    typer.echo(f"backup written to {target} ({target.stat().st_size} bytes)")


def restore(source: Path = typer.Argument(..., help="a file written by `fursa backup`"),
            yes: bool = typer.Option(False, "--yes", help="confirm: the current data is replaced")) -> None:
    """Replace the database with a backup, checked first (a damaged backup is refused) and after.
    Stop the scheduler and the web server first."""
    if not yes:
        fail("restore replaces every row of the current database; run again with --yes to confirm")
    ctx = load_context()
    try:
        storage.restore_database(ctx.engine, source)
    except storage.BackupError as exc:
        fail(str(exc))
    typer.echo(f"restored {source}")
