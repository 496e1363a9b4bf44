"""What a parser returns for one downloaded body, and the requests it asks for next.

Parsers are pure functions over bytes; the Scrapy spider and the httpx preview both turn
`PageRequest`s into downloads and feed the bodies back, so the two paths cannot drift apart.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping

from fursa.storage import Draft, ItemError, SourceSpec

from fursa.crawlers.text import clean_title
from fursa.crawlers.urls import canonical_url, is_http_url


@dataclass(frozen=True)
class PageRequest:
    """One download a parser wants: the first page, the next page, or an item's detail page.

    `role` is "page" (a listing, feed or API page) or "detail" (one item, completing `draft`).
    `page` counts listing pages from 1, for paging limits.
    """

    url: str
    method: str = "GET"
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    role: str = "page"
    page: int = 1
    draft: Draft | None = None
    state: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ParsedPage:
    """Drafts read from one body, the items skipped and why, and what to download next."""

    drafts: tuple[Draft, ...] = ()
    item_errors: tuple[ItemError, ...] = ()
    next_request: PageRequest | None = None
    detail_requests: tuple[PageRequest, ...] = ()

    @property
    def next_url(self) -> str | None:
        return self.next_request.url if self.next_request else None


def new_draft(spec: SourceSpec, url: str, title: str, **fields: Any) -> Draft:
    """A Draft with the source's defaults (language, kind, levels, provider) where the item is silent."""
    fields.setdefault("language", spec.language)
    fields.setdefault("kind", spec.kind)
    fields.setdefault("levels", tuple(spec.levels))
    if not fields.get("provider"):
        fields["provider"] = spec.provider
    return Draft(source_name=spec.name, url=canonical_url(url), title=clean_title(title), **fields)


def check_item(url: str, title: str, where: str) -> ItemError | None:
    """Why an item cannot become a Draft (no title, no link, a non-http link), or None."""
    if not clean_title(title):
        return ItemError(url=url or where, message=f"item has no title; skipped (at {where})")
    if not url:
        return ItemError(url=where, message=f"item {clean_title(title)!r} has no link; skipped")
    if not is_http_url(url):
        return ItemError(url=where, message=f"item {clean_title(title)!r} links to {url[:80]!r}, not an http(s) page; skipped")
    return None


def sort_results(spec: SourceSpec, results: Iterable[Draft | ItemError]
                 ) -> tuple[tuple[Draft, ...], tuple[ItemError, ...]]:
    """Parsed items split into the drafts the catalogue's title filters keep and the items that
    could not be read (every format's parser ends this way)."""
    drafts: list[Draft] = []
    errors: list[ItemError] = []
    for result in results:
        if isinstance(result, ItemError):
            errors.append(result)
        elif keep_by_title(spec, result):
            drafts.append(result)
    return tuple(drafts), tuple(errors)


def keep_by_title(spec: SourceSpec, draft: Draft) -> bool:
    """The catalogue's `title_include` / `title_exclude` filters (case-insensitive words or regexes)."""
    include = spec.options.get("title_include") or ()
    exclude = spec.options.get("title_exclude") or ()
    haystack = f"{draft.title}\n{draft.summary}"
    if include and not any(re.search(pattern, haystack, re.IGNORECASE) for pattern in include):
        return False
    return not any(re.search(pattern, draft.title, re.IGNORECASE) for pattern in exclude)


def with_flags(draft: Draft, flags: tuple[str, ...]) -> Draft:
    """`draft` also carrying `flags` (what reading it had to guess), each flag once."""
    if not flags or set(flags) <= set(draft.flags):
        return draft
    return replace(draft, flags=tuple(dict.fromkeys(draft.flags + flags)))


def with_defaults(draft: Draft, **changes: Any) -> Draft:
    """`draft` with `changes` applied only where the draft has nothing yet."""
    missing = {key: value for key, value in changes.items() if value and not getattr(draft, key)}
    return replace(draft, **missing) if missing else draft
