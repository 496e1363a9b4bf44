"""The weekly post at the desk: the week's calls for one audience and language, as WhatsApp text to copy
and as an image card for Facebook and Instagram, each to download."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from fursa import digests
from fursa.storage import LANGUAGES
from fursa.web.auth import staff_user
from fursa.web.csrf import verify_csrf
from fursa.web.errors import FeatureUnavailableError
from fursa.web.render import render
from fursa.web.security import SCRIPTED_POLICY
from fursa.web.state import now_of, transaction, web_state

router = APIRouter(prefix="/desk/posts", dependencies=[Depends(staff_user), Depends(verify_csrf)],
                   include_in_schema=False)
AUDIENCES = tuple(digests.AUDIENCE_LEVELS)


@dataclass(frozen=True)
class PostChoice:
    """Which post the desk shows: an audience and a language (unknown values fall back to the first)."""

    audience: str = AUDIENCES[0]
    language: str = LANGUAGES[0]

    @property
    def query(self) -> str:
        return urlencode({"audience": self.audience, "language": self.language})

    @property
    def file_stem(self) -> str:
        return f"fursa-week-{self.audience}-{self.language}"


def post_choice(audience: str = "", language: str = "") -> PostChoice:
    """FastAPI dependency: the post asked for in the query."""
    return PostChoice(audience=audience if audience in AUDIENCES else AUDIENCES[0],
                      language=language if language in LANGUAGES else LANGUAGES[0])


def _weekly_post(request: Request, choice: PostChoice) -> digests.WeeklyPost:
    state = web_state(request)
    with transaction(request) as session:
        return digests.weekly_post(session, choice.audience, choice.language, now=now_of(request),
                                   base_url=state.base_url, timezone=state.settings.timezone)


@router.get("")
def post_page(request: Request, choice: PostChoice = Depends(post_choice)) -> Response:
    post = _weekly_post(request, choice)
    return render(request, "desk/posts.html", {
        "choice": choice, "post": post, "text": digests.post_text(post), "audiences": AUDIENCES,
        "languages": LANGUAGES, "post_dir": "rtl" if choice.language == "ar" else "ltr",
    }, headers={"Content-Security-Policy": SCRIPTED_POLICY})


@router.get("/post.txt")
def post_file(request: Request, choice: PostChoice = Depends(post_choice)) -> Response:
    """The text to paste, as a UTF-8 file."""
    text = digests.post_text(_weekly_post(request, choice))
    return Response(text, media_type="text/plain; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{choice.file_stem}.txt"'})


@router.get("/card.png")
def card_file(request: Request, choice: PostChoice = Depends(post_choice), download: bool = False) -> Response:
    """The week's image card; with `download`, saved as a file."""
    post = _weekly_post(request, choice)
    try:
        png = _week_card(digests.view_post(post, digests.WEEK_CARD_CALLS), web_state(request).settings.card_font)
    except digests.CardError as error:
        raise FeatureUnavailableError(str(error)) from None
    headers = {"Content-Disposition": f'attachment; filename="{choice.file_stem}.png"'} if download else {}
    return Response(png, media_type="image/png", headers=headers)


@lru_cache(maxsize=32)
def _week_card(view: digests.PostView, font: Path | None) -> bytes:
    """Drawn once per wording: the desk page and its download ask for the same card."""
    return digests.week_card(view, fonts=digests.find_fonts(font))
