"""`fursa announcements`: list the announcements and send one, by the desk's rules (one implementation)."""
from __future__ import annotations

import typer

from fursa import digests, storage
from fursa.cli.admin import cli_actor
from fursa.cli.context import EXIT_DEGRADED, fail, load_context, now_utc

announcements_app = typer.Typer(help="Announcements to a segment: list them, send one.", no_args_is_help=True)


@announcements_app.command("list")
def announcements_list() -> None:
    """Every announcement, newest first: number, state, the segment's size when sending began, subject."""
    ctx = load_context(ensure=True)
    with ctx.sessions() as session:
        for row in storage.list_announcements(session):
            counts = storage.announcement_counts(session, row)
            subject = row.subject_en or row.subject_ar
            typer.echo(f"{row.id}\t{row.status}\t{counts['sent']}/{row.recipients} sent\t{subject}")


@announcements_app.command("send")
def announcements_send(announcement_id: int) -> None:
    """Send announcement ID now to whoever of its segment has not had it. Sent before: nothing is sent
    and it says so. An empty segment, or a cancelled announcement, fails (exit status 1) with nothing sent."""
    ctx = load_context(ensure=True)
    with ctx.sessions() as session:
        try:
            report = digests.send_announcement(session, announcement_id, now=now_utc(), config=ctx.delivery_config,
                                               actor=cli_actor())
        except (storage.NotFoundError, digests.EmptySegmentError, digests.AnnouncementStateError,
                storage.AnnouncementError) as exc:
            fail(str(exc))
    typer.echo(report.describe())
    if report.degraded:
        raise typer.Exit(code=EXIT_DEGRADED)
