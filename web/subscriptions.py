"""Public subscription pages: subscribe (double opt-in), confirm, preferences and unsubscribe.

Preferences and unsubscribe links are the digests' signed links (`digests.make_subscriber_token`);
the confirmation link is a single-use token stored as a hash. The unsubscribe POST takes no
cookie and no CSRF token (RFC 8058 one-click): the signed URL is its authority.
"""
from __future__ import annotations

import logging

from fursa import digests
from fastapi import APIRouter, BackgroundTasks, Depends, Query
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from fursa.storage import (
    CONFIRM_HOURS, CONFIRM_PURPOSE, KINDS, LANGUAGES, LEVELS, OptIn, Subscriber, confirm_subscription, find_token,
    kept_fields, request_subscription, set_subscriber_status, update_preferences,
)
from fursa.web.csrf import verify_csrf
from fursa.web.fields import profile_codes
from fursa.web.forms import form_data
from fursa.web.mail import Letter, deliver
from fursa.web.reach import save_reach_counting
from fursa.web.profile import ProfileValues, profile_context, read_profile, values_of
from fursa.web.render import gettext_of, page_language, render
from fursa.web.state import WebState, now_of, transaction, web_state

log = logging.getLogger("fursa.web.subscriptions")
router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
one_click = APIRouter(include_in_schema=False)
NO_REFERRER = {"Referrer-Policy": "no-referrer"}


def _profile_page(request: Request, template: str, values: ProfileValues, errors: dict[str, str], *,
                  status: int = 200, lang: str | None = None, **extra) -> Response:
    context = profile_context(values, errors, lang or page_language(request))
    return render(request, template, {**context, **extra}, status=status, lang=lang, headers=NO_REFERRER)


def _invalid_link(request: Request, status: int = 400) -> Response:
    return render(request, "public/link_invalid.html", {}, status=status, headers=NO_REFERRER)


def send_opt_in(state: WebState, env, opt_in: OptIn, now) -> None:
    """Background task: the e-mail for a subscription request, after the visitor has their answer."""
    if opt_in.letter and not state.letters.allow(opt_in.email, now):
        log.warning("subscription e-mail withheld: too many for one address", extra={"letter": opt_in.letter})
        return
    base = state.base_url
    if opt_in.letter == "confirm":
        values = {"link": f"{base}/confirm/{opt_in.token}", "hours": CONFIRM_HOURS}
    elif opt_in.letter == "already":
        with state.ctx.sessions() as session:
            row = session.get(Subscriber, opt_in.subscriber_id)
            token = digests.make_subscriber_token(row, "preferences", state.secret_key)
        values = {"link": f"{base}/preferences/{token}"}
    else:
        return
    letter = Letter(opt_in.email, opt_in.name, opt_in.language, opt_in.letter, values)
    deliver(env, letter, state.ctx.delivery_config, now)


@router.get("/subscribe")
def subscribe_form(request: Request, fields: list[str] = Query([]), levels: list[str] = Query([]),
                   kinds: list[str] = Query([])) -> Response:
    """The form; a search of the public list ("Get these by e-mail", web/my_list.py) fills in its fields,
    levels and kinds, and a value the form does not offer is left out (a hand-made address may hold anything)."""
    values = ProfileValues(language=page_language(request),
                           fields=tuple(dict.fromkeys(v for v in fields if v in profile_codes())),
                           levels=tuple(dict.fromkeys(v for v in levels if v in LEVELS)),
                           kinds=tuple(dict.fromkeys(v for v in kinds if v in KINDS)))
    return _profile_page(request, "public/subscribe.html", values, {})


@router.post("/subscribe")
def subscribe(request: Request, background: BackgroundTasks, form: FormData = Depends(form_data)) -> Response:
    _ = gettext_of(request)
    values, data, errors = read_profile(form, _, default_language=page_language(request))
    if data is None:
        return _profile_page(request, "public/subscribe.html", values, errors, status=400)
    now = now_of(request)
    with transaction(request) as session:
        opt_in = request_subscription(session, data, now, known_fields=profile_codes())
    background.add_task(send_opt_in, web_state(request), request.app.state.templates, opt_in, now)
    return render(request, "public/subscribe_sent.html", {"email": values.email}, headers=NO_REFERRER)


@router.get("/confirm/{token}")
def confirm_page(request: Request, token: str) -> Response:
    """A button, not an instant confirmation: mail scanners follow links, and must not use the token."""
    with transaction(request) as session:
        found = find_token(session, token, CONFIRM_PURPOSE, now_of(request))
        row = session.get(Subscriber, found.subscriber_id) if found and found.subscriber_id else None
        if row is None:
            return _invalid_link(request, 404)
        language = _chosen_language(request) or row.language
    return render(request, "public/confirm.html", {"token": token}, lang=language, headers=NO_REFERRER)


def _chosen_language(request: Request) -> str | None:
    """The language the visitor picked in this browser (the header's switch), if any: a link from an
    e-mail opens in the subscriber's language unless the reader asked for another."""
    chosen = request.session.get("lang") if "session" in request.scope else None
    return chosen if chosen in LANGUAGES else None


@router.post("/confirm/{token}")
def confirm(request: Request, token: str) -> Response:
    with transaction(request) as session:
        row = confirm_subscription(session, token, now_of(request))
        if row is None:
            return _invalid_link(request, 404)
        preferences = digests.make_subscriber_token(row, "preferences", web_state(request).secret_key)
        request.session["lang"] = row.language
    return RedirectResponse(f"/preferences/{preferences}?welcome=1", status_code=303)


def _subscriber_for(request: Request, session, token: str, purpose: str) -> Subscriber | None:
    """The subscriber a signed link names, if the link is genuine, current, and they still exist."""
    secret = web_state(request).secret_key
    try:
        row = session.get(Subscriber, digests.read_subscriber_token(token, purpose, secret))
        if row is None or row.status == "deleted":
            return None
        digests.verify_subscriber_token(token, row, purpose, secret)
    except digests.TokenError:
        return None
    return row


@router.get("/preferences/{token}")
def preferences_form(request: Request, token: str, welcome: int = 0) -> Response:
    with transaction(request) as session:
        row = _subscriber_for(request, session, token, "preferences")
        if row is None:
            return _invalid_link(request)
        return _profile_page(request, "public/preferences.html", values_of(row), {}, lang=row.language,
                             subscriber=row, token=token, welcome=bool(welcome), unsubscribe=_unsubscribe_token(request, row))


def _unsubscribe_token(request: Request, row: Subscriber) -> str:
    return digests.make_subscriber_token(row, "unsubscribe", web_state(request).secret_key)


@router.post("/preferences/{token}")
def save_preferences(request: Request, token: str, form: FormData = Depends(form_data)) -> Response:
    _ = gettext_of(request)
    with transaction(request) as session:
        row = _subscriber_for(request, session, token, "preferences")
        if row is None:
            return _invalid_link(request)
        values, data, errors = read_profile(form, _, email=row.email, default_language=row.language,
                                            allowed_fields=kept_fields(row, profile_codes()))
        if data is None:
            return _profile_page(request, "public/preferences.html", values, errors, status=400, lang=row.language,
                                 subscriber=row, token=token, welcome=False, unsubscribe=_unsubscribe_token(request, row))
        update_preferences(session, row, data, now_of(request), known_fields=profile_codes())
        save_reach_counting(session, row, form)
        request.session["lang"] = row.language
    return render(request, "public/preferences_saved.html", {"token": token}, lang=data.language, headers=NO_REFERRER)


@one_click.get("/unsubscribe/{token}")
def unsubscribe_page(request: Request, token: str) -> Response:
    with transaction(request) as session:
        row = _subscriber_for(request, session, token, "unsubscribe")
        if row is None:
            return _invalid_link(request)
        return render(request, "public/unsubscribe.html", {"token": token, "subscriber": row},
                      lang=row.language, headers=NO_REFERRER)


@one_click.post("/unsubscribe/{token}")
def unsubscribe(request: Request, token: str) -> Response:
    """RFC 8058 one-click: no cookie, no CSRF token, no confirmation; doing it twice is harmless."""
    with transaction(request) as session:
        row = _subscriber_for(request, session, token, "unsubscribe")
        if row is None:
            return _invalid_link(request)
        set_subscriber_status(session, row, "unsubscribed", actor="subscriber", now=now_of(request))
        return render(request, "public/unsubscribed.html", {"subscriber": row}, lang=row.language,
                      headers=NO_REFERRER)
