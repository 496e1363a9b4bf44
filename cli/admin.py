"""The `fursa` sub-commands that come in groups: sources, subscribers, digest, users."""
from __future__ import annotations

import getpass
import json
import webbrowser
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Optional, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from fursa import crawlers, digests, pipeline, storage
from fursa.cli import terminal
from fursa.cli.context import exit_for, fail, load_context, now_utc
from fursa.web.fields import profile_codes

sources_app = typer.Typer(help="The sources Fursa crawls, and their health.", no_args_is_help=True)
subscribers_app = typer.Typer(help="People who receive digests.", no_args_is_help=True)
digest_app = typer.Typer(help="Preview and send digests.", no_args_is_help=True)
users_app = typer.Typer(help="Staff accounts of the curation desk.", no_args_is_help=True)


def cli_actor() -> str:
    """Who the audit log names for a change made here: the account that ran the command."""
    try:
        return f"{getpass.getuser()} (command line)"
    except (KeyError, OSError):   # no user name for this process's uid (e.g. some containers)
        return "command line"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def source_json(row: storage.Source) -> dict:
    return {
        "name": row.name, "type": row.type, "url": row.url, "language": row.language, "kind": row.kind,
        "audience": list(row.audience or ()), "levels": list(row.levels or ()), "provider": row.provider,
        "parser": row.parser, "every_hours": row.every_hours, "enabled": row.enabled,
        "description": row.description,
        "health": {
            "status": row.last_status, "last_run": _iso(row.last_run_at), "last_success": _iso(row.last_success_at),
            "last_error": row.last_error, "consecutive_failures": row.consecutive_failures,
            "items_seen": row.items_seen, "items_new": row.items_new, "bytes": row.bytes_read,
            "duration_s": row.duration_s, "next_run": _iso(row.next_run_at), "paused": row.paused_reason,
        },
    }


@sources_app.command("list")
def sources_list(fmt: str = typer.Option("table", "--format", help="table or json")) -> None:
    """Every catalogue source with its health (last run, items, errors in words)."""
    if fmt not in ("table", "json"):
        fail("--format must be table or json")
    ctx = load_context(ensure=True)
    with ctx.sessions() as session:
        rows = [source_json(r) for r in storage.list_sources(session)]
    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = []
    for r in rows:
        h = r["health"]
        state = "paused" if h["paused"] or not r["enabled"] else (h["status"] or "never run")
        table.append((r["name"], r["type"], r["language"], r["kind"], state, str(h["items_seen"])))
    terminal.print_table(f"{len(rows)} sources", ("name", "type", "lang", "kind", "status", "items"), table,
                         numeric=("items",))
    errors = [f"! {r['name']}: {r['health']['last_error']}" for r in rows if r["health"]["last_error"]]
    if errors:
        typer.echo(f"last errors ({len(errors)}):")
        for line in errors:
            terminal.print_line(line, indent=2)


@sources_app.command("check")
def sources_check(
    url: str,
    type_: str = typer.Option("feed", "--type", help="feed, api or html"),
    parser: str = typer.Option("", "--parser", help="a parser name from the catalogue format, if not by type"),
) -> None:
    """Preview what a new source would yield, storing nothing."""
    ctx = load_context()
    spec = storage.SourceSpec(name="(preview)", type=type_, url=url, parser=parser)
    try:
        crawlers.check_public_url(url, allow_private=ctx.crawl_config.allow_private_addresses)
    except crawlers.UnsafeURLError as exc:
        fail(str(exc))
    result = crawlers.check_source(spec, ctx.crawl_config)
    if result.error:
        fail(result.error)
    typer.echo(f"{len(result.drafts)} items, {result.bytes_read} bytes in {result.duration_s:.2f} s")
    for draft in result.drafts[:20]:
        deadline = draft.deadline.iso(ctx.settings.timezone) or draft.deadline.kind   # the date, or the time here
        typer.echo(f"- {draft.title}  [{deadline}]  {draft.url}")
    for item_error in result.item_errors:
        typer.echo(f"! skipped {item_error.url}: {item_error.message}")


T = TypeVar("T")


def _source_change(name: str, change: Callable[[Any, storage.Source], T]) -> T:
    """Run one staff change on the named source in a transaction; its result, or a clear failure."""
    ctx = load_context(ensure=True)
    try:
        with ctx.sessions.begin() as session:
            return change(session, storage.get_source(session, name))
    except (storage.NotFoundError, storage.InvalidSourceError) as exc:
        fail(str(exc))


@sources_app.command("pause")
def sources_pause(name: str = typer.Argument(..., help="The source's name, as `fursa sources list` shows it.")) -> None:
    """Stop crawling a source until it is resumed (the desk's Pause button)."""
    paused = _source_change(name, lambda session, row: storage.pause_source(session, row, actor=cli_actor(),
                                                                               now=now_utc()))
    typer.echo(f"{name}: paused; it will not be crawled until `fursa sources resume`" if paused
               else f"{name} was paused already")


@sources_app.command("resume")
def sources_resume(name: str = typer.Argument(..., help="The source's name, as `fursa sources list` shows it.")
                   ) -> None:
    """Crawl a source again: undo a pause by staff or after failures, and forget its back-off."""
    resumed = _source_change(name, lambda session, row: storage.resume_source(session, row, actor=cli_actor(),
                                                                                 now=now_utc()))
    typer.echo(f"{name}: resumed; it will be crawled at the next run" if resumed else f"{name} was not paused")


@sources_app.command("edit")
def sources_edit(
    name: str = typer.Argument(..., help="The source's name, as `fursa sources list` shows it."),
    url: Optional[str] = typer.Option(None, "--url", help="A new address (checked to be public, as on the desk)."),
    kind: Optional[str] = typer.Option(None, "--kind", help=", ".join(storage.KINDS)),
    language: Optional[str] = typer.Option(None, "--language", help="The language its calls are written in."),
    every_hours: Optional[float] = typer.Option(None, "--every-hours", help="Hours between crawls (1-720)."),
    provider: Optional[str] = typer.Option(None, "--provider", help="Who offers its calls."),
    description: Optional[str] = typer.Option(None, "--description", help="A note for staff."),
) -> None:
    """Change a source's settings, as the desk's source page does; the change is audited."""
    ctx = load_context(ensure=True)
    given = {"url": url, "kind": kind, "language": language, "every_hours": every_hours, "provider": provider,
             "description": description}
    if url is not None:
        try:
            crawlers.check_public_url(url, allow_private=ctx.crawl_config.allow_private_addresses)
        except crawlers.CrawlerError as exc:
            fail(f"Fursa only reads public web addresses: {exc}")

    def change(session, row: storage.Source) -> tuple[str, ...]:
        edit = replace(storage.edit_of(row), **{key: value for key, value in given.items() if value is not None})
        return storage.edit_source(session, row, edit, actor=cli_actor(), now=now_utc())

    changed = _source_change(name, change)
    typer.echo(f"{name}: changed {', '.join(changed)}" if changed else f"{name}: nothing to change")


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@subscribers_app.command("add")
def subscribers_add(
    email: str,
    name: str = typer.Option("", help="Display name."),
    role: str = typer.Option("student", help="student, faculty or staff"),
    fields: str = typer.Option("", help="ISCED-F codes, comma-separated (e.g. 0714,061)"),
    levels: str = typer.Option("", help="bachelor, master, phd, postdoc, faculty, staff (comma-separated)"),
    kinds: str = typer.Option("", help=", ".join(storage.KINDS)),
    language: str = typer.Option("en", help="en or ar"),
    frequency: str = typer.Option("weekly", help="weekly or instant"),
    unit: str = typer.Option("", help="staff only: their unit, one of " + ", ".join(storage.STAFF_UNITS)),
    job_title: str = typer.Option("", "--job-title", help="staff only: their role or job title (short)"),
) -> None:
    """Add (or update) a subscriber, confirmed: staff add people who asked in person.

    A bad address, field code or choice is a usage error (exit status 2) and stores nothing. An
    address on the do-not-mail list is refused (1); the person can subscribe again on the public form.
    """
    ctx = load_context(ensure=True)
    data = storage.SubscriberInput(email=email, name=name, role=role, disciplines=_split(fields),
                                   levels=_split(levels), kinds=_split(kinds), language=language,
                                   frequency=frequency, confirmed=True, unit=unit, job_title=job_title)
    try:
        with ctx.sessions.begin() as session:
            row, created = storage.enrol_subscriber(session, data, known_fields=profile_codes(), actor=cli_actor(),
                                                    now=now_utc())
            address = row.email
    except storage.SuppressedAddressError as exc:
        fail(str(exc))
    except storage.InvalidSubscriberError as exc:
        raise typer.BadParameter(str(exc)) from None   # a usage error: exit status 2
    typer.echo(f"{'added' if created else 'updated'} {address}")


@subscribers_app.command("import")
def subscribers_import(path: Path) -> None:
    """Import subscribers from CSV (email,name,role,fields,levels,kinds,language,frequency,unit,job_title) as confirmed.

    The rules are the desk's import's: bad rows, repeated addresses and addresses on the do-not-mail
    list are listed by line and left out; the others are added or updated.
    """
    if not path.is_file():
        fail(f"{path} does not exist")
    ctx = load_context(ensure=True)
    try:
        with ctx.sessions.begin() as session:
            outcome = storage.import_roster(session, path.read_bytes(), consented=True, known_fields=profile_codes(),
                                            actor=cli_actor(), now=now_utc())
    except storage.RosterFileError as exc:
        fail(f"{path}: {exc}")
    typer.echo(outcome.summary())
    for problem in outcome.problems:
        typer.echo(f"  {path}:{problem.line}: {problem.message}", err=True)


@subscribers_app.command("list")
def subscribers_list(fmt: str = typer.Option("table", "--format", help="table or json")) -> None:
    """Every subscriber with their profile."""
    ctx = load_context(ensure=True)
    with ctx.sessions() as session:
        rows = [
            {"email": s.email, "name": s.name, "role": s.role, "fields": s.disciplines, "levels": s.levels,
             "kinds": s.kinds, "language": s.language, "frequency": s.frequency, "confirmed": s.confirmed,
             "status": s.status, "unit": s.unit, "job_title": s.job_title}
            for s in storage.list_subscribers(session)
        ]
    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(rows)} subscribers")
    for column in ("email", "role", "fields", "levels", "lang", "status"):
        table.add_column(column)
    for r in rows:
        table.add_row(r["email"], r["role"], ",".join(r["fields"]), ",".join(r["levels"]), r["language"], r["status"])
    Console().print(table)


@digest_app.command("preview")
def digest_preview(
    email: str = typer.Option(..., "--email", help="The subscriber whose digest to preview."),
    out: Path = typer.Option(Path("previews"), "--out", help="Folder for the HTML and text files."),
    open_: bool = typer.Option(False, "--open", help="Open the HTML in a browser."),
) -> None:
    """Write a subscriber's digest as it would be sent now (HTML and text), sending nothing."""
    ctx = load_context(ensure=True)
    try:
        with ctx.sessions() as session:
            rendered = digests.preview_digest(session, email, now=now_utc(), config=ctx.delivery_config)
    except (storage.NotFoundError, storage.InvalidSubscriberError) as exc:
        fail(str(exc))
    out.mkdir(parents=True, exist_ok=True)
    stem = storage.normalize_email(email).replace("@", "_at_")
    html_path, text_path = out / f"{stem}.html", out / f"{stem}.txt"
    html_path.write_text(rendered.html, encoding="utf-8")
    text_path.write_text(rendered.text, encoding="utf-8")
    typer.echo(f"subject: {rendered.subject}\n{html_path}\n{text_path}")
    if open_:
        webbrowser.open(html_path.resolve().as_uri())


@digest_app.command("send")
def digest_send() -> None:
    """Send this period's digest to every subscriber who has not had it (safe to repeat); recorded in
    the job log as a weekly_digest run. Exit status: 0 ok; 1 failed; 3 degraded (messages left to retry)."""
    ctx = load_context(ensure=True)
    outcome = pipeline.run_job(ctx, "weekly_digest", now_utc(), actor=cli_actor())
    if isinstance(outcome.result, digests.SendReport):
        terminal.print_line(outcome.result.describe())
    if outcome.status != "ok":
        terminal.print_line(f"weekly_digest: {outcome.status} — {outcome.error}")
    exit_for(outcome.status)


@users_app.command("add")
def users_add(
    email: str,
    role: str = typer.Option("curator", help="admin or curator"),
    name: str = typer.Option("", help="Display name."),
    language: str = typer.Option("en", help="en or ar: the desk's language for this person"),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True,
                                 help="Asked for when not given; hashed with argon2, never stored as typed."),
) -> None:
    """Create a staff account for the curation desk (the first one should be an admin)."""
    ctx = load_context(ensure=True)
    try:
        with ctx.sessions.begin() as session:
            user = storage.add_user(session, email, password, role, now_utc(), name=name, language=language)
            address = user.email
    except storage.InvalidUserError as exc:   # WeakPasswordError included
        fail(str(exc))
    typer.echo(f"staff account {address} ({role}) created")


@users_app.command("password")
def users_password(
    email: str,
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True,
                                 help="Asked for when not given."),
) -> None:
    """Set a new password for a staff account; the account's open sessions end."""
    ctx = load_context(ensure=True)
    try:
        with ctx.sessions.begin() as session:
            storage.set_password(session, email, password)
    except (storage.WeakPasswordError, storage.NotFoundError) as exc:
        fail(str(exc))
    typer.echo(f"password of {email} changed")


@users_app.command("reset-two-factor")
def users_reset_two_factor(email: str) -> None:
    """Forget a staff account's authenticator and recovery codes (a lost phone) and end its sessions:
    the next sign-in enrols again, which an admin must do before using the desk."""
    ctx = load_context(ensure=True)
    with ctx.sessions.begin() as session:
        user = storage.find_user(session, email)
        if user is None:
            fail(f"no staff account {email!r}; `fursa users add {email}` creates one")
        storage.turn_off_two_factor(session, user)
        ended = storage.end_sessions_of(session, user.id)
        storage.record_audit(session, actor=cli_actor(), action="user.reset_two_factor", target_type="user",
                             target_id=user.id, now=now_utc(), details={"sessions_ended": ended})
    typer.echo(f"two-factor sign-in of {email} reset; {ended} session(s) ended; the next sign-in enrols again")
