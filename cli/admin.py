"""The `fursa` sub-commands that come in groups: sources, subscribers, digest, users."""
from __future__ import annotations

import csv
import json
import webbrowser
from datetime import datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from fursa import crawlers, digests, pipeline, storage, web
from fursa.cli.context import fail, load_context, now_utc

sources_app = typer.Typer(help="The sources Fursa crawls, and their health.", no_args_is_help=True)
subscribers_app = typer.Typer(help="People who receive digests.", no_args_is_help=True)
digest_app = typer.Typer(help="Preview and send digests.", no_args_is_help=True)
users_app = typer.Typer(help="Staff accounts of the curation desk.", no_args_is_help=True)


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
    table = Table(title=f"{len(rows)} sources")
    for column in ("name", "type", "lang", "kind", "status", "items", "last error"):
        table.add_column(column)
    for r in rows:
        h = r["health"]
        table.add_row(r["name"], r["type"], r["language"], r["kind"], h["paused"] and "paused" or h["status"],
                      str(h["items_seen"]), (h["last_error"] or "")[:80])
    Console().print(table)


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
        deadline = draft.deadline.at.date().isoformat() if draft.deadline.at else draft.deadline.kind
        typer.echo(f"- {draft.title}  [{deadline}]  {draft.url}")
    for item_error in result.item_errors:
        typer.echo(f"! skipped {item_error.url}: {item_error.message}")


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@subscribers_app.command("add")
def subscribers_add(
    email: str,
    name: str = typer.Option("", help="Display name."),
    role: str = typer.Option("student", help="student, faculty or staff"),
    fields: str = typer.Option("", help="ISCED-F codes, comma-separated (e.g. 0714,061)"),
    levels: str = typer.Option("", help="bachelor, master, phd, postdoc, faculty, staff (comma-separated)"),
    kinds: str = typer.Option("", help="scholarship, exchange, research_funding, fellowship, training, conference"),
    language: str = typer.Option("en", help="en or ar"),
    frequency: str = typer.Option("weekly", help="weekly or instant"),
) -> None:
    """Add (or update) a subscriber, confirmed: staff add people who asked in person."""
    ctx = load_context(ensure=True)
    data = storage.SubscriberInput(email=email, name=name, role=role, disciplines=_split(fields),
                                   levels=_split(levels), kinds=_split(kinds), language=language,
                                   frequency=frequency, confirmed=True)
    try:
        with ctx.sessions.begin() as session:
            blocked = _do_not_mail(session, email)
            if blocked:
                fail(blocked)
            row, created = storage.add_subscriber(session, data, now_utc())
            address = row.email
    except storage.InvalidSubscriberError as exc:
        fail(str(exc))
    typer.echo(f"{'added' if created else 'updated'} {address}")


def _do_not_mail(session, email: str) -> str:
    """Why an address may not be added, or "": one that asked to be deleted stays off the list
    until the person subscribes again themselves (the public form lifts it on confirmation)."""
    found = storage.suppression_of(session, email) if email.strip() else None
    if found is None:
        return ""
    return (f"{email.strip()} is on the do-not-mail list (reason: {found.reason}); the person can subscribe "
            "again on the public form, which asks them to confirm")


@subscribers_app.command("import")
def subscribers_import(path: Path) -> None:
    """Import subscribers from CSV (email,name,role,fields,levels,kinds,language,frequency); bad rows are listed."""
    if not path.exists():
        fail(f"{path} does not exist")
    ctx = load_context(ensure=True)
    added = updated = 0
    problems: list[str] = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "email" not in reader.fieldnames:
            fail(f"{path}: the first row must be a header with at least an 'email' column")
        for number, record in enumerate(reader, 2):
            try:
                with ctx.sessions.begin() as session:
                    blocked = _do_not_mail(session, record.get("email") or "")
                    if blocked:
                        problems.append(f"{path}:{number}: {blocked}; skipped")
                        continue
                    _, created = storage.add_subscriber(session, _row_input(record), now_utc())
            except storage.InvalidSubscriberError as exc:
                problems.append(f"{path}:{number}: {exc}")
                continue
            added += created
            updated += not created
    typer.echo(f"{added} added, {updated} updated, {len(problems)} rejected")
    for problem in problems:
        typer.echo(f"  {problem}", err=True)


def _row_input(record: dict[str, str]) -> storage.SubscriberInput:
    def get(key: str, default: str = "") -> str:
        return (record.get(key) or default).strip()

    return storage.SubscriberInput(
        email=get("email"), name=get("name"), role=get("role", "student"), disciplines=_split(get("fields").replace(";", ",")),
        levels=_split(get("levels").replace(";", ",")), kinds=_split(get("kinds").replace(";", ",")),
        language=get("language", "en"), frequency=get("frequency", "weekly"), confirmed=True,
    )


@subscribers_app.command("list")
def subscribers_list(fmt: str = typer.Option("table", "--format", help="table or json")) -> None:
    """Every subscriber with their profile."""
    ctx = load_context(ensure=True)
    with ctx.sessions() as session:
        rows = [
            {"email": s.email, "name": s.name, "role": s.role, "fields": s.disciplines, "levels": s.levels,
             "kinds": s.kinds, "language": s.language, "frequency": s.frequency, "confirmed": s.confirmed,
             "status": s.status}
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
    """Send this period's digest to every subscriber who has not had it (safe to repeat)."""
    ctx = load_context(ensure=True)
    report = pipeline.send_due_digests(ctx, now_utc())
    typer.echo(report.describe())


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
            user = web.add_user(session, email, password, role, now_utc(), name=name, language=language)
            address = user.email
    except (web.WeakPasswordError, web.InvalidUserError) as exc:
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
            web.set_password(session, email, password)
    except (web.WeakPasswordError, storage.NotFoundError) as exc:
        fail(str(exc))
    typer.echo(f"password of {email} changed")
