"""Form letters: a digest rendered once per distinct content, with the reader's name and links filled in per person.

Students of one programme, level and language get the same calls, so their digests differ only in
the greeting and the two signed links. A run renders the shared digest once with blanks (random
markers) in those places and fills them in for each subscriber: a string replace instead of three
templates and a CSS inliner, which is what makes a 50,000-subscriber run fit in minutes.

A filled letter is byte for byte what render_digest gives for the same digest (the tests check
names with markup, entities, Arabic and bidi marks). In case a template starts using the name or a
link some other way, the first letter of each kind in a run (language, with or without a name) is
also rendered directly and compared; on a difference the run logs it and renders every digest directly.
"""
from __future__ import annotations

import logging
import re
import secrets
from collections import OrderedDict
from dataclasses import replace
from typing import Callable

from fursa.digests.config import DeliveryConfig
from fursa.digests.formatting import clean_text
from fursa.digests.records import Digest, RenderedDigest

log = logging.getLogger(__name__)
LETTERS_KEPT = 512  # ~40 KiB each (HTML, text, calendar); a run needs about one per profile
_TOKEN = re.compile(r"^[A-Za-z0-9._-]+$")
# How the CSS inliner (html5ever's serializer) writes text: the name must read as if it had been
# rendered in place. Attribute values never need this here: only link tokens ([A-Za-z0-9._-]) go there.
_HTML_TEXT = str.maketrans({"&": "&amp;", "\u00a0": "&nbsp;", "<": "&lt;", ">": "&gt;"})

Render = Callable[[Digest, DeliveryConfig], RenderedDigest]


class FormLetters:
    """Renders digests for one run, sharing the work between subscribers whose digests differ only in who they are."""

    def __init__(self, config: DeliveryConfig, render: Render):
        self.config = config
        self._render = render
        self._markers = _Markers()
        self._letters: OrderedDict[Digest, RenderedDigest] = OrderedDict()
        self._checked: set[tuple[str, bool]] = set()  # (language, has a name): the templates' personal branches
        self.enabled = True

    def render(self, digest: Digest) -> RenderedDigest:
        blank = self._markers.blank(digest) if self.enabled else None
        if blank is None:
            return self._render(digest, self.config)
        filled = self._fill(self._letter(blank), digest)
        kind = (digest.language, bool(digest.name))
        if kind in self._checked:
            return filled
        self._checked.add(kind)
        return self._checked_against_direct(filled, digest)

    def _letter(self, blank: Digest) -> RenderedDigest:
        letter = self._letters.get(blank)
        if letter is None:
            letter = self._letters[blank] = self._render(blank, self.config)
            if len(self._letters) > LETTERS_KEPT:
                self._letters.popitem(last=False)
        else:
            self._letters.move_to_end(blank)
        return letter

    def _fill(self, letter: RenderedDigest, digest: Digest) -> RenderedDigest:
        name = clean_text(digest.name, 80)  # as the templates print it: clean(digest.name, 80)
        markers = self._markers
        html, text = letter.html, letter.text
        for marker, value, html_value in (
            (markers.name, name, name.translate(_HTML_TEXT)),
            (markers.preferences, _token_of(digest.preferences_url), None),
            (markers.unsubscribe, digest.unsubscribe_token, None),
            (markers.list, _token_of(digest.list_url), None),
            *((markers.applied(call), _token_of(url), None) for call, url in digest.applied_urls),
        ):
            html = html.replace(marker, value if html_value is None else html_value)
            text = text.replace(marker, value)
        return replace(letter, html=html, text=text, digest=digest)

    def _checked_against_direct(self, filled: RenderedDigest, digest: Digest) -> RenderedDigest:
        direct = self._render(digest, self.config)
        if (direct.subject, direct.html, direct.text, direct.ics) == (filled.subject, filled.html, filled.text,
                                                                       filled.ics):
            return filled
        log.error("a form letter (%s) differs from the same digest rendered directly: a template prints the name "
                  "or a link in a way digests/letters.py does not know; rendering every digest directly this run",
                  digest.language)
        self.enabled = False
        return direct


class _Markers:
    """Random stand-ins for the personal parts; no call title or name can contain them by chance."""

    def __init__(self):
        stem = secrets.token_hex(6)
        self.name = f"xName{stem}x"
        self.preferences = f"xPrefs{stem}x"
        self.unsubscribe = f"xUnsub{stem}x"
        self.list = f"xList{stem}x"
        self._applied = f"xApplied{stem}n"

    def applied(self, call_id: int) -> str:
        """The stand-in for the token of one call's "I applied" link (one per call, each person's own)."""
        return f"{self._applied}{call_id}x"

    def blank(self, digest: Digest) -> Digest | None:
        """The digest with markers for name and tokens; None when its links are not in the usual form."""
        preferences, unsubscribe = _token_of(digest.preferences_url), digest.unsubscribe_token
        if not (_TOKEN.match(preferences) and _TOKEN.match(unsubscribe)
                and digest.unsubscribe_url.endswith("/" + unsubscribe)
                and (not digest.list_url or _TOKEN.match(_token_of(digest.list_url)))
                and all(_TOKEN.match(_token_of(url)) for _, url in digest.applied_urls)):
            return None
        return replace(
            digest, subscriber_id=0, email="",
            name=self.name if digest.name else "",  # the templates greet "Hello," when there is no name
            preferences_url=digest.preferences_url[: -len(preferences)] + self.preferences,
            unsubscribe_url=digest.unsubscribe_url[: -len(unsubscribe)] + self.unsubscribe,
            unsubscribe_token=self.unsubscribe,
            list_url=digest.list_url[: -len(_token_of(digest.list_url))] + self.list if digest.list_url else "",
            applied_urls=tuple((call, url[: -len(_token_of(url))] + self.applied(call))
                               for call, url in digest.applied_urls),
        )


def _token_of(url: str) -> str:
    return url.rpartition("/")[2]
