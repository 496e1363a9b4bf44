"""`fursa subscribers research`: a faculty member's research profile from the command line."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from fursa import crawlers, matching, pipeline, storage
from fursa.cli.admin import cli_actor, subscribers_app
from fursa.cli.context import fail, load_context, now_utc


@subscribers_app.command("research")
def subscribers_research(
    email: str,
    keywords: Optional[str] = typer.Option(None, help="Research topics, comma-separated, English or Arabic."),
    orcid: Optional[str] = typer.Option(None, help="ORCID iD (0000-0002-1825-0097); its public works' titles are read. "
                                                   "'' removes it."),
    publications: Optional[Path] = typer.Option(None, help="A UTF-8 text file of publication titles and abstracts."),
    refresh_orcid: bool = typer.Option(False, "--refresh-orcid", help="Read the ORCID works again."),
    clear: bool = typer.Option(False, "--clear", help="Remove the research profile."),
    fmt: str = typer.Option("text", "--format", help="text or json"),
) -> None:
    """Describe a faculty member's research (or, with no option, show it). Options not given keep what is stored.

    Their digest then lists the calls that share their research words first, with the words it shares.
    Text too long, an ORCID iD with a wrong check digit or a subscriber who is not faculty is a usage
    error (exit status 2) and stores nothing; ORCID unreachable or answering oddly is exit status 1.
    """
    pasted = _read_publications(publications) if publications is not None else None
    ctx = load_context(ensure=True)
    try:
        with ctx.sessions.begin() as session:
            person = storage.get_subscriber(session, email)
            stored = storage.research_profile_of(session, person.id)
            if clear or keywords is not None or orcid is not None or pasted is not None or refresh_orcid:
                stored = pipeline.describe_research(
                    ctx, session, person, now=now_utc(), actor=cli_actor(), refresh_orcid=refresh_orcid,
                    keywords="" if clear else _given(keywords, stored, "keywords"),
                    publications="" if clear else _given(pasted, stored, "publications"),
                    orcid="" if clear else _given(orcid, stored, "orcid"))
            shown = _described(person.email, stored)
    except storage.NotFoundError as exc:
        fail(str(exc))
    except (matching.ResearchInputError, crawlers.OrcidIdError, storage.InvalidSubscriberError) as exc:
        raise typer.BadParameter(str(exc)) from None
    except crawlers.OrcidError as exc:
        fail(f"{exc}; nothing was saved")
    if fmt == "json":
        typer.echo(json.dumps(shown, ensure_ascii=False, indent=2))
        return
    typer.echo(_as_text(shown))


def _read_publications(path: Path) -> str:
    if not path.is_file():
        fail(f"{path} does not exist")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise typer.BadParameter(f"{path} is not UTF-8 text; save it as plain UTF-8 text") from None


def _given(value: str | None, stored: storage.ResearchProfile | None, name: str) -> str:
    if value is not None:
        return value
    return getattr(stored, name) if stored is not None else ""


def _described(email: str, row: storage.ResearchProfile | None) -> dict:
    if row is None:
        return {"email": email, "research": None}
    taxonomy = matching.load_taxonomy()
    return {"email": email, "research": {
        "keywords": row.keywords, "orcid": row.orcid, "orcid_works": len(row.orcid_works or ()),
        "publications_chars": len(row.publications),
        "fields": [{"code": code, "name": taxonomy.name(code)} for code in row.fields if code in taxonomy],
        "ford": [{"code": key, "name": taxonomy.ford[key].en} for key in row.ford if key in taxonomy.ford],
        "terms": [label for _, _, label in row.terms[:15]],
    }}


def _as_text(shown: dict) -> str:
    research = shown["research"]
    if research is None:
        return f"{shown['email']} has no research profile"
    fields = "; ".join(f"{f['code']} {f['name']}" for f in research["fields"]) or "none found"
    ford = "; ".join(f"{f['code']} {f['name']}" for f in research["ford"]) or "none"
    orcid = f"{research['orcid']} ({research['orcid_works']} works)" if research["orcid"] else "none"
    return (f"research profile of {shown['email']}\n  fields: {fields}\n  FORD: {ford}\n  ORCID: {orcid}\n"
            f"  terms: {', '.join(dict.fromkeys(research['terms']))}")
