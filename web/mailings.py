"""Digests at the staff desk: preview for a subscriber or a made-up profile, send now, and the send log."""
from __future__ import annotations

from dataclasses import dataclass

from fursa import digests, pipeline
from fastapi import APIRouter, Depends, Query
from fastapi.responses import RedirectResponse
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from fursa.storage import KINDS, LEVELS, InvalidSubscriberError, NotFoundError, Subscriber, approved_open
from fursa.storage import recent_deliveries
from fursa.storage import LANGUAGES, ROLES
from fursa.web.auth import StaffUser, admin_user, staff_user
from fursa.web.csrf import verify_csrf
from fursa.web.fields import known_field
from fursa.web.params import strip_controls
from fursa.web.render import flash, gettext_of, page_language, render, render_text
from fursa.web.security import PREVIEW_POLICY
from fursa.web.state import now_of, transaction, web_state

router = APIRouter(prefix="/desk/digests", dependencies=[Depends(staff_user), Depends(verify_csrf)],
                   include_in_schema=False)
DELIVERY_STATES = ("pending", "sending", "sent", "failed")


@dataclass(frozen=True)
class PreviewRequest:
    """Whose digest to show: a subscriber's address, or a profile typed in by staff."""

    email: str = ""
    role: str = "student"
    fields: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    language: str = "en"

    @property
    def wanted(self) -> bool:
        return bool(self.email or self.fields or self.levels or self.kinds)


def preview_request(
    email: str = "", role: str = "", fields: list[str] = Query([]), levels: list[str] = Query([]),
    kinds: list[str] = Query([]), language: str = "",
) -> PreviewRequest:
    """FastAPI dependency: whose digest to preview, from the query; unknown values are dropped."""
    return PreviewRequest(
        email=strip_controls(email).strip()[:320],
        role=role if role in ROLES else "student",
        fields=tuple(code for raw in fields for code in raw.replace(",", " ").split() if known_field(code)),
        levels=tuple(v for v in levels if v in LEVELS),
        kinds=tuple(v for v in kinds if v in KINDS),
        language=language if language in LANGUAGES else "en",
    )


def render_preview(request: Request, wanted: PreviewRequest) -> digests.RenderedDigest:
    """The digest as it would go out now; raises NotFoundError for an unknown address."""
    config = web_state(request).ctx.delivery_config
    now = now_of(request)
    with transaction(request) as session:
        if wanted.email:
            return digests.preview_digest(session, wanted.email, now=now, config=config)
        # A profile that belongs to nobody: an unsaved row, so its links lead nowhere real.
        profile = Subscriber(id=0, email="preview@example.invalid", name="", role=wanted.role,
                             disciplines=list(wanted.fields), levels=list(wanted.levels), kinds=list(wanted.kinds),
                             language=wanted.language, frequency="weekly", token_nonce=0)
        digest = digests.compose_digest(profile, approved_open(session, now), sent_ids=set(),
                                        period=digests.digest_period(now, config), now=now, config=config)
        return digests.render_digest(digest, config)


@router.get("")
def digests_page(request: Request, state: str = "", wanted: PreviewRequest = Depends(preview_request)) -> Response:
    _ = gettext_of(request)
    preview, error = None, ""
    if wanted.wanted:
        try:
            preview = render_preview(request, wanted)
        except (NotFoundError, InvalidSubscriberError):
            error = _("No subscriber has this address.")
    state = state if state in DELIVERY_STATES else ""
    with transaction(request) as session:
        log = recent_deliveries(session, limit=200, state=state)
        return render(request, "desk/digests.html", {
            "wanted": wanted, "preview": preview, "error": error, "log": log, "state": state,
            "states": DELIVERY_STATES, "roles": ROLES, "levels": LEVELS, "kinds": KINDS, "languages": LANGUAGES,
            "preview_query": request.url.query,
        })


@router.get("/preview.html")
def preview_frame(request: Request, wanted: PreviewRequest = Depends(preview_request)) -> Response:
    """The digest's HTML alone, for the preview frame: inline styles allowed, scripts never.

    A digest with no call is never sent, so instead of its empty frame staff read that, in the desk's language.
    """
    try:
        rendered = render_preview(request, wanted) if wanted.wanted else None
    except (NotFoundError, InvalidSubscriberError):
        rendered = None
    if rendered is not None and rendered.digest.is_empty:
        html = render_text(request.app.state.templates, "desk/preview_nothing.html", page_language(request), {})
    else:
        html = rendered.html if rendered is not None else ""
    return HTMLResponse(html, headers={"Content-Security-Policy": PREVIEW_POLICY, "X-Frame-Options": "SAMEORIGIN"})


@router.post("/send")
def send_now(request: Request, user: StaffUser = Depends(admin_user)) -> Response:
    """Send this period's digests to whoever has not had theirs; the ledger makes a repeat harmless."""
    report = pipeline.send_due_digests(web_state(request).ctx, now_of(request))
    flash(request, report.describe(), "ok" if report.ok else "error")
    return RedirectResponse("/desk/digests", status_code=303)
