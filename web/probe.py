"""Adding a source by URL: the form, the SSRF guard, feed autodiscovery and a preview before saving.

Nothing is stored here; the crawler's own functions fetch, so the preview shows exactly what a
crawl would yield.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from typing import Any, Callable

from fursa import crawlers
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from fursa.storage import FetchResult, SourceEdit, SourceSpec, source_name_taken, source_problems, valid_source_name
from fursa.web.forms import text

log = logging.getLogger("fursa.web.sources")


@dataclass(frozen=True)
class SourceForm:
    """What staff typed to add or edit a source; `feed_url` is the feed chosen after discovery."""

    url: str
    name: str = ""
    kind: str = "other"
    language: str = "en"
    every_hours: str = "24"
    provider: str = ""
    description: str = ""
    feed_url: str = ""


@dataclass(frozen=True)
class SourcePreview:
    """What adding the source would give: the feeds found and one trial crawl of the chosen one."""

    spec: SourceSpec
    feeds: tuple[str, ...]
    result: FetchResult | None


def read_source_form(form: FormData) -> SourceForm:
    return SourceForm(
        url=text(form, "url", 2000), name=text(form, "name", 200), kind=text(form, "kind", 30) or "other",
        language=text(form, "language", 40) or "en", every_hours=text(form, "every_hours", 30) or "24",
        provider=text(form, "provider", 300), description=text(form, "description", 2000),
        feed_url=text(form, "feed_url", 2000),
    )


def hours_of(data: SourceForm) -> float:
    """The schedule typed in the form; what is not a number reads as NaN, which storage's rules refuse."""
    try:
        return float(data.every_hours)
    except ValueError:
        return float("nan")


def edit_of_form(data: SourceForm, url: str | None = None) -> SourceEdit:
    return SourceEdit(url=url or data.url, kind=data.kind, language=data.language, every_hours=hours_of(data),
                      provider=data.provider, description=data.description)


def check_source_form(data: SourceForm, session: Session, _: Callable[[str], str], *,
                      new: bool = True) -> dict[str, str]:
    """Errors by field, in the desk's language: storage's rules (storage.source_changes) decide, this words them."""
    words = {
        "url": _("Give the full address, starting with https://"),
        "kind": _("Choose one of the kinds in the list."),
        "language": _("Choose one of the languages in the list."),
        "every_hours": _("Give a number of hours between 1 and 720."),
    }
    errors = {field: words[field] for field in source_problems(edit_of_form(data))}
    if new and data.name and not valid_source_name(data.name):
        errors["name"] = _("Use 2 to 120 letters, digits, spaces and simple punctuation.")
    elif new and data.name and source_name_taken(session, data.name):
        errors["name"] = _("Another source already has this name.")
    return errors


def guard_url(url: str, config: Any, _: Callable[[str], str]) -> str | None:
    """Why the crawler may not fetch `url` (a private or local address …), or None when it may."""
    try:
        crawlers.check_public_url(url, allow_private=config.allow_private_addresses)
    except crawlers.CrawlerError as exc:
        log.info("source address refused", extra={"url": url, "reason": str(exc)})
        return _("Fursa only reads public web addresses: %(reason)s") % {"reason": str(exc)}
    return None


def spec_of_form(data: SourceForm, url: str) -> SourceSpec:
    name = data.name or _name_from_url(url)
    return SourceSpec(name=name, type="feed", url=url, language=data.language, kind=data.kind,
                      provider=data.provider, every_hours=hours_of(data), description=data.description)


def _name_from_url(url: str) -> str:
    host = re.sub(r"^https?://(www\.)?", "", url).split("/")[0]
    # A port's colon is not allowed in a source name (storage.valid_source_name): "example.org 8080".
    return host.replace(":", " ")[:120] or "new source"


def preview_source(data: SourceForm, config: Any) -> SourcePreview:
    """Find the feeds at the address and crawl the chosen (or only) one once, storing nothing.

    Raises crawlers.CrawlerError when the page cannot be read; the caller shows it next to the URL.
    """
    feeds = tuple(dict.fromkeys(crawlers.discover_feeds(data.url, config)))
    chosen = data.feed_url if data.feed_url in feeds else (feeds[0] if len(feeds) == 1 else "")
    if not chosen:
        return SourcePreview(spec_of_form(data, data.url), feeds, None)
    spec = spec_of_form(data, chosen)
    result = crawlers.check_source(spec, config)
    return SourcePreview(replace(spec, url=chosen), feeds, result)
