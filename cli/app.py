"""The `fursa` command: its top-level commands (init, crawl, tag, train, run, demo, serve, scheduler)."""
from __future__ import annotations

import json
import logging
import os
import socket
import sys
from datetime import date
from pathlib import Path
from typing import Callable, Optional

import typer
from rich.console import Console
from rich.progress import MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

from fursa.cli import ops, research, terminal  # noqa: F401 (research: `fursa subscribers research` registers itself)
from fursa import crawlers, matching, pipeline
from fursa import scheduler as scheduler_module
from fursa import storage, web
from fursa.demo import demo_context, demo_curator, run_demo
from fursa.cli.admin import digest_app, sources_app, subscribers_app, users_app
from fursa.cli.partners import partners_app
from fursa.cli.announcements import announcements_app
from fursa.cli.telegram import telegram_app
from fursa.cli.context import (
    DATABASE_FAILURES, CliOptions, configure_logging, describe_database_failure, exit_for, fail, load_context, now_utc,
)

app = typer.Typer(help="Fursa (فرصة): scholarship, exchange and research-funding calls for PPU.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")
app.add_typer(subscribers_app, name="subscribers")
app.add_typer(digest_app, name="digest")
app.add_typer(users_app, name="users")
app.add_typer(partners_app, name="partners")
app.add_typer(announcements_app, name="announcements")
app.add_typer(telegram_app, name="telegram")
app.command("status")(ops.status)
app.command("job")(ops.run_job)
app.command("backup")(ops.backup)
app.command("restore")(ops.restore)
console = Console(stderr=True)


@app.callback()
def main(
    ctx: typer.Context,
    config: Optional[Path] = typer.Option(None, "--config", help="A fursa.toml file (default ./fursa.toml if present)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log every event."),
) -> None:
    """Read the settings once; every command gets them from here."""
    configure_logging(logging.INFO if verbose else logging.WARNING)
    ctx.obj = CliOptions(config_file=config)


@app.command()
def init() -> None:
    """Create or upgrade the database and load the source catalogue."""
    ctx = load_context()
    try:
        sync = pipeline.init_database(ctx)
    except (crawlers.CatalogueError, storage.DatabaseError) as exc:
        fail(str(exc))
    typer.echo(f"database ready at {ctx.settings.database_url}")
    typer.echo(f"catalogue {ctx.catalogue_path}: {len(sync.added)} added, {len(sync.updated)} updated, "
               f"{len(sync.unchanged)} unchanged")
    if sync.kept or sync.desk_only:   # what staff saved at the desk is kept (storage.sync_catalogue)
        typer.echo(f"desk changes kept on {len(sync.kept) + len(sync.desk_only)}: "
                   + ", ".join(sync.kept + sync.desk_only) + " (revert them on each source's desk page)")


@app.command()
def crawl(source: Optional[str] = typer.Option(None, "--source", help="Crawl only this source, due or not.")) -> None:
    """Crawl the sources that are due (or one source), store and tag what they yield; recorded in the job log.

    Exit status: 0 ok; 1 failed; 3 degraded (most of the sources crawled failed)."""
    ctx = load_context(ensure=True)
    if source is not None:
        try:
            with ctx.sessions() as session:
                storage.get_source(session, source)
        except storage.NotFoundError as exc:
            fail(str(exc))
    with crawl_progress() as progress:
        outcome = pipeline.run_job(ctx, "crawl", now_utc(), work=lambda c, now: pipeline.crawl_and_tag(
            c, now, source_name=source, progress=progress))
    if isinstance(outcome.result, pipeline.CrawlAndTag):
        print_crawl(outcome.result.crawl)
    else:
        typer.echo(f"crawl: {outcome.status} — {outcome.error}")
    exit_for(outcome.status)


class crawl_progress:
    """A progress line on standard error while a crawl runs (a terminal only): how many sources of how
    many are done, and what it is doing now; a callback for pipeline.crawl_due."""

    def __enter__(self) -> Callable[[pipeline.CrawlProgress], None]:
        self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), MofNCompleteColumn(),
                                  console=console, transient=True, disable=not console.is_terminal)
        self._progress.start()
        self._running = True
        self._task = self._progress.add_task("crawling", total=None)
        return self.update

    def update(self, step: pipeline.CrawlProgress) -> None:
        self._progress.update(self._task, description=step.step, completed=step.done, total=step.total)
        if step.done == step.total:   # the crawl is stored: what follows (digests) prints its own lines
            self._stop()

    def _stop(self) -> None:
        if self._running:
            self._running = False
            self._progress.stop()

    def __exit__(self, *exc: object) -> None:
        self._stop()


def print_crawl(summary: pipeline.CrawlSummary) -> None:
    """Each source's outcome, and every error whole; when no source could be reached for want of a
    network, that one sentence instead of one identical failure per source."""
    if summary.offline:
        terminal.print_line(f"{pipeline.OFFLINE}. {len(summary.outcomes)} sources crawled, none reached; "
                            "`fursa sources list` shows each one's error.")
        return
    terminal.print_table("crawl", ("source", "status", "seen", "new"),
                         [(o.name, o.status, str(o.items_seen), str(o.items_new)) for o in summary.outcomes],
                         numeric=("seen", "new"))
    for o in summary.failed:
        terminal.print_line(f"! {o.name}: {o.error}", indent=2)
    typer.echo(f"{len(summary.outcomes)} sources crawled, {len(summary.failed)} failed, {summary.new_items} new calls")


@app.command()
def tag(
    input: Optional[Path] = typer.Option(None, "--input", help="JSON lines file (default: standard input)."),
    output: Optional[Path] = typer.Option(None, "--output", help="Where to write JSON lines (default: standard output)."),
    model: Optional[Path] = typer.Option(None, "--model", help="A trained matcher (`fursa train`, or the one `fursa job retrain` keeps) to combine with the rules."),
) -> None:
    """Tag JSON lines {"id","title","text"[,"published"]} without a database; one result line per input line, in order.

    "published" (an ISO date) is the day the call was published: deadlines without a year are read against it."""
    learned = read_model(model) if model else None
    source = input.open(encoding="utf-8") if input else sys.stdin
    sink = output.open("w", encoding="utf-8") if output else sys.stdout
    errors = 0
    with source, (sink if output else _nullcontext(sink)):
        for number, line in enumerate(source, 1):
            result = tag_line(line, number, learned)
            errors += "error" in result
            sink.write(json.dumps(result, ensure_ascii=False) + "\n")
    if errors:
        console.print(f"{errors} line(s) could not be tagged; see their \"error\" fields")


class _nullcontext:
    def __init__(self, value):
        self.value = value

    def __enter__(self):
        return self.value

    def __exit__(self, *exc):
        return False


def read_model(path: Path) -> matching.LearnedModel:
    if not path.is_file():
        fail(f"no model at {path}; train one with `fursa train LABELS.jsonl --output {path}`")
    try:
        return matching.LearnedModel.from_bytes(path.read_bytes())
    except matching.ModelError as exc:
        fail(f"{path}: {exc}")


@app.command()
def train(
    labels: Path = typer.Argument(..., help='JSON lines {"title","text","disciplines":[ISCED-F codes or "any"]}.'),
    output: Path = typer.Option(..., "--output", help="Where to write the model (for `fursa tag --model`)."),
) -> None:
    """Train the learned matcher from a labeled file, e.g. calls the office labeled by hand."""
    examples, problems = read_examples(labels)
    if problems:
        fail(f"{labels}: " + "; ".join(problems[:5]) + (" …" if len(problems) > 5 else ""))
    try:
        model = matching.train_model(examples)
    except matching.ModelError as exc:
        fail(str(exc))
    output.write_bytes(model.to_bytes())
    decides = "decides with the rules" if model.use_model else "did not beat the rules on unseen calls, so the rules decide"
    typer.echo(f"trained on {len(examples)} calls ({', '.join(model.labels)}); the model {decides}; written to {output}")


def read_examples(path: Path) -> tuple[list[matching.LabeledExample], list[str]]:
    """Labeled calls from JSON lines, and what is wrong with the lines that are not."""
    if not path.is_file():
        fail(f"{path} does not exist")
    examples, problems = [], []
    with path.open(encoding="utf-8") as lines:   # not splitlines(): texts may hold U+2028
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                codes = tuple(item["disciplines"])
                examples.append(matching.LabeledExample(str(item.get("title") or ""), str(item.get("text") or ""),
                                                        codes, tuple(item.get("categories") or ())))
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                problems.append(f"line {number} needs title, text and a list of disciplines ({exc.__class__.__name__})")
    return examples, problems


def tag_line(line: str, number: int, model: matching.LearnedModel | None = None) -> dict:
    """One output object for one input line: the tags, or an error naming the line and what to fix."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "line": number, "error": f"line {number} is not JSON ({exc.msg}); expected {{\"id\",\"title\",\"text\"}}"}
    if not isinstance(item, dict):
        return {"id": None, "line": number, "error": f"line {number} is not a JSON object"}
    item_id = item.get("id")
    title, text = item.get("title") or "", item.get("text") or ""
    if not isinstance(title, str) or not isinstance(text, str):
        return {"id": item_id, "line": number, "error": "title and text must be strings"}
    try:
        published = date.fromisoformat(item["published"][:10]) if item.get("published") else None
    except (TypeError, ValueError):
        return {"id": item_id, "line": number,
                "error": f"line {number}: \"published\" must be an ISO date such as 2026-03-01 (got {item['published']!r})"}
    tagging = matching.tag_item(title, text, categories=tuple(item.get("categories") or ()), published=published, model=model)
    return {"id": item_id, **tagging.as_dict()}


@app.command("run")
def run(once: bool = typer.Option(False, "--once", help="Run one round and exit (the scheduler runs rounds forever).")) -> None:
    """The main job: crawl what is due, tag, expire passed calls, send the digests that are due.

    Each step is recorded in the job log as the scheduler's jobs are (`fursa status`). Exit status:
    0 ok; 1 a step failed; 3 degraded (most sources failed, e.g. offline, or messages left to retry)."""
    if not once:
        fail("use `fursa run --once` for one round, or `fursa scheduler` to keep running")
    ctx = load_context()
    with crawl_progress() as progress:
        summary = pipeline.run_once(ctx, now_utc(), progress=progress)
    print_crawl(summary.crawl)
    print_run(summary)
    exit_for(summary.status)


def print_run(summary: pipeline.RunSummary) -> None:
    if summary.tags is not None:
        typer.echo(f"tagged {summary.tags.tagged} calls ({summary.tags.flagged} flagged for staff)")
    if summary.expired is not None:
        typer.echo(f"{summary.expired} expired")
    for report in (summary.digests, summary.instant):
        if report is not None:
            terminal.print_line(report.describe())
    for outcome in summary.outcomes:
        # a degraded crawl's trouble is the crawl summary printed above
        if outcome.status != "ok" and not (outcome.job == "crawl" and outcome.status == "degraded"):
            terminal.print_line(f"{outcome.job}: {outcome.status} — {outcome.error}")
    if summary.crawl.failed and not summary.crawl.offline:
        terminal.print_line(f"{len(summary.crawl.failed)} source(s) could not be crawled; `fursa sources list` "
                            "says what to check for each.")
    typer.echo(f"run: {summary.status} (recorded in the job log: `fursa status`)")


@app.command()
def demo(
    folder: Path = typer.Option(Path("fursa-demo"), "--folder", help="Where the demo keeps its database and outbox."),
    serve: bool = typer.Option(False, "--serve", help="Then serve the web app on what the demo made, with the "
                               "demo's letters linking to it, until Ctrl-C."),
    port: int = typer.Option(8000, "--port", help="With --serve: the port on 127.0.0.1 (0 = any free port)."),
) -> None:
    """Run the whole path offline: a local server with sample sources, crawl, tag, approve, digest."""
    if not serve:
        run_demo(folder, now_utc(), echo=typer.echo)
        return
    port = _free_port(DEMO_HOST, port)
    base_url = f"http://{DEMO_HOST}:{port}"
    run_demo(folder, now_utc(), echo=typer.echo, public_base_url=base_url)
    ctx = demo_context(folder, base_url)
    email, password = demo_curator(ctx, now_utc())
    typer.echo(f"serving the demo at {base_url} until Ctrl-C: the approved calls on {base_url}/ ; the letters' "
               f"links (preferences, unsubscribe) lead here; the staff desk at {base_url}/desk — sign in as "
               f"{email} with password {password}")
    web.serve(ctx, host=DEMO_HOST, port=port)


DEMO_HOST = "127.0.0.1"


def _free_port(host: str, port: int) -> int:
    """`port` if it can be listened on now (any free port for 0); fails with a clear line otherwise."""
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            fail(f"cannot listen on {host}:{port} ({exc.strerror}); choose another port with --port (0: any free one)")
        return probe.getsockname()[1]


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the staff desk and the public pages.

    A database that cannot be read does not stop it: pages answer 503 and /healthz says "down", so a
    monitor learns why instead of finding nothing listening."""
    ctx = load_context()
    try:
        pipeline.ensure_database(ctx)
        storage.check_tables(ctx.engine)
    except DATABASE_FAILURES as exc:
        typer.echo(f"warning: {describe_database_failure(exc, ctx.settings.database_url)}; serving anyway: "
                   "pages answer 503 and /healthz says \"down\" until the database is repaired or restored", err=True)
    web.serve(ctx, host=host, port=port)


@app.command()
def scheduler() -> None:
    """Run the jobs on their clocks until stopped (SIGTERM or Ctrl-C); says on start when each job runs next."""
    ctx = load_context(ensure=True)

    def announce(runs: tuple[scheduler_module.NextRun, ...]) -> None:
        typer.echo(f"scheduler started (process {os.getpid()}); times in {ctx.settings.timezone} and UTC:")
        for run in runs:
            typer.echo("  " + scheduler_module.describe_next_run(run, ctx.settings.timezone))
        typer.echo("every run is recorded in the job log: `fursa status`")
        sys.stdout.flush()   # a journal or a pipe sees it now, not when the buffer fills

    try:
        scheduler_module.run_forever(ctx, announce=announce)
    except (storage.LockHeldError, storage.LockLostError) as exc:
        fail(str(exc))
