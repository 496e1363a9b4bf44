"""`fursa partners`: the partner register from the command line (the desk's rules, one implementation)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from fursa import matching, pipeline, storage
from fursa.cli.admin import cli_actor
from fursa.cli.context import fail, load_context, now_utc

partners_app = typer.Typer(help="Partner institutions: the register, and the calls that name them.",
                           no_args_is_help=True)


def _day(value: str, field: str):
    try:
        return storage.parse_day(value or "", field)
    except storage.InvalidPartnerError as exc:
        raise typer.BadParameter(str(exc)) from None


@partners_app.command("add")
def partners_add(
    name_en: str = typer.Argument("", help="the name in English"),
    name_ar: str = typer.Option("", "--ar", help="the name in Arabic"),
    alias: Optional[List[str]] = typer.Option(None, "--alias", help="another name calls use (repeat the option)"),
    country: str = typer.Option("", help="two-letter ISO code, e.g. DE"),
    agreement: str = typer.Option("mou", help="mou, erasmus_iia or other"),
    start: str = typer.Option("", help="YYYY-MM-DD"),
    end: str = typer.Option("", help="YYYY-MM-DD"),
    area: Optional[List[str]] = typer.Option(None, "--area", help="an area of cooperation (repeat the option)"),
    contact: str = typer.Option("", help="the contact person"),
    email: str = typer.Option("", help="the contact's e-mail address"),
) -> None:
    """Add a partner and link every stored call that names it. A duplicate name, an unknown agreement
    type or an end before the start is a usage error (exit status 2): nothing is stored."""
    data = storage.PartnerInput(name_en=name_en, name_ar=name_ar, aliases=tuple(alias or ()), country=country,
                                agreement=agreement, starts_on=_day(start, "starts_on"), ends_on=_day(end, "ends_on"),
                                areas=tuple(area or ()), contact_name=contact, contact_email=email)
    ctx = load_context(ensure=True)
    now = now_utc()
    try:
        with ctx.sessions.begin() as session:
            partner = storage.add_partner(session, data, actor=cli_actor(), now=now,
                                          known_countries=set(matching.load_countries()))
            linked = pipeline.rematch_partners(session, now)
            name = partner.name_en or partner.name_ar
    except storage.InvalidPartnerError as exc:
        raise typer.BadParameter(str(exc)) from None
    typer.echo(f"added {name}; calls whose partners changed: {linked}")


@partners_app.command("import")
def partners_import(path: Path) -> None:
    """Add or update partners from CSV (the desk's columns and rules), then link the calls that name them."""
    if not path.is_file():
        fail(f"{path} does not exist")
    ctx = load_context(ensure=True)
    now = now_utc()
    try:
        with ctx.sessions.begin() as session:
            outcome = storage.import_partners(session, path.read_bytes(), actor=cli_actor(), now=now,
                                              known_countries=set(matching.load_countries()))
            linked = pipeline.rematch_partners(session, now)
    except storage.RosterFileError as exc:
        fail(f"{path}: {exc}")
    typer.echo(f"{len(outcome.added)} added, {len(outcome.updated)} updated, {len(outcome.problems)} rejected; "
               f"calls whose partners changed: {linked}")
    for problem in outcome.problems:
        typer.echo(f"  {path}:{problem.line}: {problem.message}", err=True)


@partners_app.command("list")
def partners_list(fmt: str = typer.Option("table", "--format", help="table or json")) -> None:
    """Every partner: names, country, agreement, dates, and how many calls (exchanges) name it."""
    ctx = load_context(ensure=True)
    today = now_utc().date()
    with ctx.sessions() as session:
        counts = storage.partner_call_counts(session)
        rows = [{"name_en": p.name_en, "name_ar": p.name_ar, "aliases": [a.name for a in p.aliases],
                 "country": p.country, "agreement": p.agreement,
                 "starts_on": p.starts_on.isoformat() if p.starts_on else None,
                 "ends_on": p.ends_on.isoformat() if p.ends_on else None,
                 "state": storage.agreement_state(p, today), "calls": counts.get(p.id, (0, 0))[0],
                 "exchanges": counts.get(p.id, (0, 0))[1]} for p in storage.list_partners(session)]
    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        names = " / ".join(n for n in (row["name_en"], row["name_ar"]) if n)
        typer.echo(f"{names} · {row['country'] or '—'} · {row['agreement']} · {row['starts_on'] or '…'} – "
                   f"{row['ends_on'] or '…'} ({row['state']}) · {row['calls']} calls, {row['exchanges']} exchanges")
    if not rows:
        typer.echo("no partner yet: fursa partners add NAME or fursa partners import FILE.csv")


@partners_app.command("export")
def partners_export(path: Path) -> None:
    """Write the register to PATH: Excel when it ends in .xlsx (a sheet of partners, one of their calls), else CSV."""
    ctx = load_context(ensure=True)
    with ctx.sessions.begin() as session:
        write = storage.export_partners_xlsx if path.suffix.lower() == ".xlsx" else storage.export_partners_csv
        body = write(session, actor=cli_actor(), now=now_utc())
    path.write_bytes(body)
    typer.echo(f"wrote {path}")
