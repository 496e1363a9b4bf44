"""Operations commands: status, running a job by name, retraining, backups."""
from __future__ import annotations

import json
from pathlib import Path

import typer
from fursa import pipeline, storage
from fursa.cli import terminal
from fursa.cli.admin import cli_actor
from fursa.cli.context import EXIT_DEGRADED, exit_for, fail, load_context, now_utc

__all__ = ["EXIT_DEGRADED", "backup", "restore", "run_job", "status"]


FAILING_SHOWN = 20   # `fursa status` lists this many failing sources, then says how many more


def status(fmt: str = typer.Option("table", "--format", help="table or json")) -> None:
    """What ran, what failed or was missed, and what is due: the health of the whole installation."""
    ctx = load_context(ensure=True)
    report = pipeline.health(ctx, now_utc())
    runs = [_run_of(j) for j in report.jobs]
    problems = [_run_of(j) for j in report.problems]
    failing = [{"source": f.name, "error": f.error, "failures": f.failures, "paused": f.paused}
               for f in report.failing_sources]
    if fmt == "json":
        typer.echo(json.dumps({"status": "degraded" if report.degraded else "ok", "reasons": list(report.reasons),
                               "jobs": runs, "problems": problems, "failing_sources": failing,
                               "due_sources": list(report.due_sources),
                               "problems_last_7_days": report.problems_last_7_days, "sources": report.sources},
                              ensure_ascii=False, indent=2))
        return
    typer.echo(f"status: {'degraded' if report.degraded else 'ok'}")
    for reason in report.reasons:
        terminal.print_line(f"! {reason}", indent=2)
    terminal.print_table("jobs (latest run of each)", ("job", "status", "started (UTC)"),
                         [(run["job"], run["status"] + (" (made good since)" if run["resolved"] else ""),
                           run["started"][:16].replace("T", " ")) for run in runs])
    listed = {(run["job"], run["started"]) for run in problems}
    for run in runs:   # what the latest runs said, unless the 7 days' list below says it
        if run["error"] and (run["job"], run["started"]) not in listed:
            terminal.print_line(f"{run['job']}: {run['error']}", indent=2)
    typer.echo(f"{report.problems_last_7_days} job run(s) degraded, failed or missed in 7 days")
    for run in problems:
        when = "was due" if run["status"] == "missed" else "started"
        terminal.print_line(f"! {run['job']} {run['status']} ({when} {run['started'][:16].replace('T', ' ')} UTC): "
                            f"{run['error'] or ''}", indent=2)
    typer.echo(f"{report.sources} sources: {len(report.due_sources)} due now, {len(failing)} failing "
               f"({sum(f['paused'] for f in failing)} paused)")
    terminal.print_some([f"! {item['source']}: {item['error']}" for item in failing], FAILING_SHOWN,
                        "`fursa sources list` shows every source")


def _run_of(job: pipeline.JobHealth) -> dict:
    return {"job": job.job, "status": job.status, "started": job.started_at.isoformat(),
            "finished": job.finished_at.isoformat() if job.finished_at else None, "error": job.error,
            "resolved": job.resolved}


def run_job(name: str = typer.Argument(..., help=f"one of: {', '.join(pipeline.JOBS)}")) -> None:
    """Run one scheduler job now, as the scheduler would, and record it in the job log.

    Exit status: 0 ok; 1 failed; 3 degraded (it ran but left work undone, e.g. messages the SMTP
    server deferred, which the retry_deliveries job sends later)."""
    if name not in pipeline.JOBS:
        fail(f"no job named {name!r}; jobs: {', '.join(pipeline.JOBS)}")
    ctx = load_context(ensure=True)
    outcome = pipeline.run_job(ctx, name, now_utc(), actor=cli_actor())
    terminal.print_line(f"{name}: {outcome.status}" + (f" — {outcome.error}" if outcome.error else ""))
    exit_for(outcome.status)


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
