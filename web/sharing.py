"""Sharing a call: its short link (/c/<code>), the share links of its page (WhatsApp, Telegram, the link to
copy), the Open Graph and Twitter tags that make a chat app show its title and deadline, and its card
(the preview image those tags name)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends
from fastapi.responses import RedirectResponse
from starlette.requests import Request
from starlette.responses import Response

from fursa import digests
from fursa.storage import Opportunity, public_call
from fursa.web.csrf import verify_csrf
from fursa.web.errors import FeatureUnavailableError, PageNotFoundError
from fursa.web.i18n import LANGUAGES, Formatter, translations
from fursa.web.labels import labeller
from fursa.web.params import RowId
from fursa.web.state import now_of, transaction, web_state

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
OG_LOCALES = {"en": "en_US", "ar": "ar_AR"}
DESCRIPTION_LIMIT = 200
# Chat apps fetch a preview image once and keep it; an hour lets a corrected title reach the next share.
CARD_MAX_AGE = 3600


@dataclass(frozen=True)
class Sharing:
    """What a call page needs to be shared: its addresses, the share links and the preview's words."""

    canonical: str        # the call page's address on the public site (og:url)
    short: str            # the short link, the one a person copies
    whatsapp: str
    telegram: str
    image: str            # the call's card in the page's language (og:image)
    title: str
    description: str      # the deadline first, in the page's language, then the kind and the summary
    locale: str           # og:locale: ar_AR or en_US


def sharing_of(request: Request, call: Opportunity, lang: str) -> Sharing:
    """The share links and preview words of `call` in `lang`."""
    state = web_state(request)
    base = state.base_url
    canonical = f"{base}/calls/{call.id}"
    short = digests.short_link(base, call.id)
    deadline = deadline_words(call, lang, request)
    title = " ".join((call.title or "").split())
    gettext = translations(lang).gettext
    summary = " ".join((call.summary or "").split())
    description = " · ".join(part for part in (deadline, labeller(gettext)("kind", call.kind or "other")) if part)
    if summary:
        description = _cut(f"{description}. {summary}", DESCRIPTION_LIMIT)
    message = f"{title} — {deadline}"
    return Sharing(
        canonical=canonical, short=short,
        whatsapp="https://wa.me/?" + urlencode({"text": f"{message}\n{short}"}, quote_via=quote),
        telegram="https://t.me/share/url?" + urlencode({"url": short, "text": message}, quote_via=quote),
        image=f"{base}/calls/{call.id}/card-{lang}.png",
        title=title, description=description, locale=OG_LOCALES.get(lang, OG_LOCALES["en"]),
    )


def deadline_words(call: Opportunity, lang: str, request: Request) -> str:
    """"Deadline: 15 January 2027" (or rolling, or not stated) in `lang`, as the page shows it."""
    gettext = translations(lang).gettext
    deadline = call.deadline
    if deadline.dated:
        words = {"date": Formatter(lang, web_state(request).zone).deadline(deadline)}
        if call.status == "expired" or not deadline.is_open(now_of(request)):
            return gettext("Closed on %(date)s") % words
        return gettext("Deadline: %(date)s") % words
    if deadline.kind == "rolling":
        return gettext("Deadline: rolling")
    return gettext("Deadline: see the call")


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,.;:-·") + "…"


@router.get("/c/{code}")
def short_link(request: Request, code: str) -> Response:
    """A short link: 301 to the call's page (the call that survived, if it was merged); 404 when no public
    call has that code."""
    call_id = digests.call_id_of(code)
    if call_id is None:
        raise PageNotFoundError(f"{code!r} is no short link")
    with transaction(request) as session:
        call = public_call(session, call_id)
        if call is None:
            raise PageNotFoundError(f"no public call {call_id} for short link {code!r}")
        return RedirectResponse(f"/calls/{call.id}", status_code=301)


@router.get("/calls/{call_id}/card-{lang}.png")
def call_card(request: Request, call_id: RowId, lang: str) -> Response:
    """The call's preview image in `lang`: kind, title, deadline and the site."""
    if lang not in LANGUAGES:
        raise PageNotFoundError(f"no card in language {lang!r}")
    state = web_state(request)
    with transaction(request) as session:
        call = public_call(session, call_id)
        if call is None:
            raise PageNotFoundError(f"no public call {call_id}")
        gettext = translations(lang).gettext
        words = (gettext("Fursa"), labeller(gettext)("kind", call.kind or "other"), " ".join(call.title.split()),
                 deadline_words(call, lang, request))
    try:
        png = _call_card_png(words, state.base_url.split("://", 1)[-1], lang == "ar", state.settings.card_font)
    except digests.CardError as error:
        raise FeatureUnavailableError(str(error)) from None
    return Response(png, media_type="image/png", headers={"Cache-Control": f"public, max-age={CARD_MAX_AGE}"})


@lru_cache(maxsize=256)
def _call_card_png(words: tuple[str, str, str, str], site: str, rtl: bool, font: Path | None) -> bytes:
    """Drawn once per wording (a few hundred public calls, tens of kilobytes each)."""
    brand, kind, title, deadline = words
    return digests.call_card(brand=brand, kind=kind, title=title, deadline=deadline, site=site, rtl=rtl,
                             fonts=digests.find_fonts(font))
