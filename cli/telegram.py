"""`fursa telegram`: post the approved calls to the configured channels now, check the bot and the channels,
and show the post ledger."""
from __future__ import annotations

import typer

from fursa import digests, pipeline, storage
from fursa.cli import terminal
from fursa.cli.admin import cli_actor
from fursa.cli.context import EXIT_SETTINGS, exit_for, fail, load_context, now_utc

telegram_app = typer.Typer(help="Telegram channels: post the approved calls, check the bot, see what was posted.",
                           no_args_is_help=True)
NO_CHANNELS = ("no Telegram channels are configured: add [[telegram_channels]] tables to fursa.toml (or "
               "FURSA_TELEGRAM_CHANNELS) and set FURSA_TELEGRAM_BOT_TOKEN; the README's \"Telegram\" says how")


@telegram_app.command("post")
def telegram_post() -> None:
    """Post newly approved calls, edit changed ones and mark withdrawn ones, as the scheduler's `telegram` job does.

    Exit status: 0 ok; 1 failed (no or wrong bot token); 3 degraded (a channel refused the bot, or
    Telegram asked to wait: what is left goes out on the next run)."""
    ctx = load_context()
    if not ctx.settings.telegram_channels:
        fail(NO_CHANNELS, EXIT_SETTINGS)
    pipeline.ensure_database(ctx)
    outcome = pipeline.run_job(ctx, "telegram", now_utc(), actor=cli_actor(), attempts=1)
    report = outcome.result
    if isinstance(report, digests.TelegramReport):
        for channel in report.channels:
            line = (f"{channel.chat}: {channel.posted} posted, {channel.edited} edited, {channel.noted} marked "
                    f"withdrawn or closed")
            extras = [f"{channel.plain} as plain text" if channel.plain else "",
                      f"{channel.refused} refused" if channel.refused else "",
                      f"{channel.left} left for the next run" if channel.left else ""]
            line += "".join(f", {extra}" for extra in extras if extra)
            terminal.print_line(line)
            if channel.error:
                terminal.print_line(f"! {channel.error}", indent=2)
    if outcome.status == "failed":
        fail(outcome.error or "the telegram job failed")
    exit_for(outcome.status)


@telegram_app.command("check")
def telegram_check() -> None:
    """Ask Telegram whether the token is right and, for each channel, whether it exists and lets the bot post.

    A channel found fixed is marked ok again, so the next run posts what it missed. Exit status 1 when a
    channel is not ready, 2 when the token is missing or wrong."""
    ctx = load_context()
    if not ctx.settings.telegram_channels:
        fail(NO_CHANNELS, EXIT_SETTINGS)
    pipeline.ensure_database(ctx)
    try:
        with ctx.sessions() as session:
            bot, checks = digests.check_channels(session, now=now_utc(), config=pipeline.telegram_config(ctx.settings))
    except digests.BotTokenError as exc:
        fail(str(exc), EXIT_SETTINGS)
    except digests.TelegramError as exc:
        fail(str(exc))
    terminal.print_line(f"bot: {bot}")
    for check in checks:
        terminal.print_line(f"{'ok' if check.ok else '!'} {check.chat}: {check.message}")
    if not all(check.ok for check in checks):
        raise typer.Exit(code=1)


@telegram_app.command("status")
def telegram_status() -> None:
    """What is in each configured channel's post ledger, and which channel refuses the bot."""
    ctx = load_context()
    chats = tuple(channel.chat for channel in ctx.settings.telegram_channels)
    if not chats:
        fail(NO_CHANNELS, EXIT_SETTINGS)
    pipeline.ensure_database(ctx)
    with ctx.sessions() as session:
        counts = storage.channel_counts(session, chats)
    for channel in counts:
        posts = ", ".join(f"{number} {state}" for state, number in sorted(channel.posts.items()))
        posts = posts or "nothing posted yet"
        terminal.print_line(f"{channel.chat}: {posts}")
        if channel.state == storage.CHANNEL_FAILED:
            terminal.print_line(f"! failed {channel.failed_at:%Y-%m-%d %H:%M} UTC: {channel.error}", indent=2)
