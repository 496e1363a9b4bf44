"""A student's own list ("My list", issue 16.4), without an account.

Who is looking is told by a signed link from any of their e-mails (`/my/<token>`, digests.list_links:
it ends LIST_LINK_DAYS after the e-mail) or by their preferences link (`/my/open/<token>`, which never
ends and already lets its holder change the whole profile). Opening the list sets a cookie, `fursa_list`,
holding a signed "browser" token for BROWSER_DAYS (30): long enough to save calls from the public pages
through an application season on one's own phone, short enough that a borrowed or lab computer does not
keep someone's list for long; "Forget this browser" ends it at once, and a new token_nonce revokes it
with every other link. It is HttpOnly, SameSite=Lax, Secure on an https site, and separate from the
session cookie so the public pages stay shared in the page cache.

A save from an e-mail ("Save to my list" under each call) is a GET that only shows a button, because
mail scanners follow links; the POST saves. Every form carries the CSRF token.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping
from urllib.parse import urlencode

from fastapi import APIRouter, BackgroundTasks, Depends, Query
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from fursa import digests
from fursa.storage import (
    LANGUAGES, InvalidSubscriberError, NotFoundError, Opportunity, SearchProfile, Subscriber,
    adopt_search, bookmark_of, call_state, get_subscriber, mark_applied, normalize_email,
    profile_with_search, public_call, remove_bookmark, save_bookmark, saved_calls, surviving_call,
    telegram_chat_of, unlink_telegram_chat,
)
from fursa.web.csrf import verify_csrf
from fursa.web.errors import PageNotFoundError
from fursa.web.fields import profile_codes
from fursa.web.filters import read_query
from fursa.web.forms import form_data, text
from fursa.web.mail import Letter, deliver
from fursa.web.params import RowId
from fursa.web.reach import count_applied
from fursa.web.render import flash, gettext_of, render
from fursa.web.state import WebState, now_of, transaction, web_state
from fursa.web.telegram_chats import start_link

log = logging.getLogger("fursa.web.my_list")
router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
COOKIE = "fursa_list"
NO_REFERRER = {"Referrer-Policy": "no-referrer"}
SEARCH_PARAMS = ("field", "level", "kind", "country", "coverage", "q")


@dataclass(frozen=True)
class Holder:
    """Whose list this request may show and change, and the token its forms post to."""

    person: Subscriber
    token: str


@dataclass(frozen=True)
class Refusal:
    """Why a list link did not open: `expired` names the person (a fresh link can go to them), else None."""

    expired_for: int | None = None


def _chosen_language(request: Request) -> str | None:
    chosen = request.session.get("lang") if "session" in request.scope else None
    return chosen if chosen in LANGUAGES else None


def _language(request: Request, person: Subscriber | None) -> str | None:
    """The visitor's own choice in this browser first, else the person's language."""
    return _chosen_language(request) or (person.language if person is not None else None)


def _person(session: Any, subscriber_id: int) -> Subscriber | None:
    row = session.get(Subscriber, subscriber_id)
    return None if row is None or row.status == "deleted" else row


def _holder_of_token(request: Request, session: Any, token: str, purpose: str = "list") -> Holder | Refusal:
    state = web_state(request)
    now = now_of(request)
    try:
        link = digests.read_list_token(token, state.secret_key, now, purpose=purpose)
        person = _person(session, link.subscriber_id)
        if person is None:
            return Refusal()
        digests.verify_list_token(link, person)
    except digests.ExpiredLinkError as exc:
        return Refusal(expired_for=exc.subscriber_id if _person(session, exc.subscriber_id) else None)
    except digests.TokenError as exc:
        log.info("list link refused", extra={"reason": str(exc)})
        return Refusal()
    # The forms post to a list link; a cookie's holder gets a fresh one.
    return Holder(person, token if purpose == "list" else digests.make_list_token(person, state.secret_key, now))


def cookie_holder(request: Request, session: Any) -> Holder | None:
    """The person whose list this browser opened (the cookie), or None."""
    value = request.cookies.get(COOKIE)
    if not value:
        return None
    found = _holder_of_token(request, session, value, purpose="browser")
    return found if isinstance(found, Holder) else None


def saved_state(request: Request, session: Any, call_id: int) -> bool | None:
    """For the public call page: None when this browser has no list open, else whether the call is on it."""
    holder = cookie_holder(request, session)
    if holder is None:
        return None
    return bookmark_of(session, holder.person.id, call_id) is not None


def _remember_browser(request: Request, response: Response, person: Subscriber) -> Response:
    state = web_state(request)
    value = digests.make_list_token(person, state.secret_key, now_of(request), purpose="browser")
    response.set_cookie(COOKIE, value, max_age=digests.BROWSER_DAYS * 24 * 3600, httponly=True, samesite="lax",
                        secure=state.base_url.startswith("https://"), path="/")
    return response


def _refused(request: Request, refusal: Refusal, token: str = "") -> Response:
    """The page for a link that did not open: expired (offer a fresh one by e-mail) or not valid."""
    return render(request, "public/my_link_refused.html", {"expired": refusal.expired_for is not None,
                                                           "token": token, "sent": False},
                  status=410 if refusal.expired_for is not None else 400, headers=NO_REFERRER)


def _list_page(request: Request, session: Any, holder: Holder, *, status: int = 200) -> Response:
    person = holder.person
    context = {"person": person, "token": holder.token, "saved": saved_calls(session, person, now_of(request)),
               "chat": telegram_chat_of(session, person.id), "telegram_link": start_link(request, person)}
    return render(request, "public/my_list.html", context, status=status, lang=_language(request, person),
                  headers=NO_REFERRER)


def _list_or_refusal(request: Request, session: Any, token: str) -> Holder | Response:
    found = _holder_of_token(request, session, token)
    return found if isinstance(found, Holder) else _refused(request, found, token)


@router.get("/my")
def my_list_here(request: Request) -> Response:
    """The list this browser opened, or how to open it."""
    with transaction(request) as session:
        holder = cookie_holder(request, session)
        if holder is None:
            return render(request, "public/my_list_closed.html", {"sent": False}, headers=NO_REFERRER)
        return _list_page(request, session, holder)


@router.get("/my/open/{token}")
def open_from_preferences(request: Request, token: str) -> Response:
    """From the preferences page: its signed link opens the list (and this browser remembers it)."""
    secret = web_state(request).secret_key
    with transaction(request) as session:
        try:
            person = _person(session, digests.read_subscriber_token(token, "preferences", secret))
            if person is None:
                return _refused(request, Refusal())
            digests.verify_subscriber_token(token, person, "preferences", secret)
        except digests.TokenError:
            return _refused(request, Refusal())
        fresh = digests.make_list_token(person, secret, now_of(request))
    return _remember_browser(request, RedirectResponse(f"/my/{fresh}", status_code=303), person)


def _back(token: str) -> RedirectResponse:
    return RedirectResponse(f"/my/{token}", status_code=303)


@router.post("/my/{token}/applied/{call_id}")
def say_applied(request: Request, token: str, call_id: RowId) -> Response:
    _ = gettext_of(request)
    with transaction(request) as session:
        found = _list_or_refusal(request, session, token)
        if isinstance(found, Response):
            return found
        first = bookmark_of(session, found.person.id, call_id)
        first = first is not None and first.applied_at is None
        row = mark_applied(session, found.person, call_id, now_of(request))
        if row is None:
            raise PageNotFoundError(f"call {call_id} is not on this list")
        if first:
            count_applied(request, session, found.person, surviving_call(session, row.opportunity) or row.opportunity)
    flash(request, _("Marked as applied. Good luck! We will not remind you of this call again."))
    return _back(token)


@router.post("/my/{token}/remove/{call_id}")
def remove(request: Request, token: str, call_id: RowId) -> Response:
    _ = gettext_of(request)
    with transaction(request) as session:
        found = _list_or_refusal(request, session, token)
        if isinstance(found, Response):
            return found
        remove_bookmark(session, found.person, call_id)
    flash(request, _("Removed from your list."))
    return _back(token)


@router.post("/my/{token}/forget")
def forget_browser(request: Request, token: str) -> Response:
    """This browser stops remembering the list; the e-mail links keep working."""
    _ = gettext_of(request)
    flash(request, _("This browser no longer remembers your list. The links in your e-mails still open it."))
    response = RedirectResponse("/my", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.post("/my/{token}/telegram")
def stop_telegram(request: Request, token: str) -> Response:
    """Stop the reminders to the linked Telegram chat (linking is the bot's /start, web/telegram_chats.py)."""
    _ = gettext_of(request)
    with transaction(request) as session:
        found = _list_or_refusal(request, session, token)
        if isinstance(found, Response):
            return found
        unlink_telegram_chat(session, found.person)
    flash(request, _("Telegram reminders are off."))
    return _back(token)


# Saving a call: from an e-mail (GET shows a button, POST saves) and from the public call page (cookie).

def _call(session: Any, call_id: int) -> Opportunity:
    row = session.get(Opportunity, call_id)
    if row is None:
        raise PageNotFoundError(f"no call {call_id}")
    return surviving_call(session, row) or row


@router.get("/my/{token}/save/{call_id}")
def save_page(request: Request, token: str, call_id: RowId) -> Response:
    with transaction(request) as session:
        found = _list_or_refusal(request, session, token)
        if isinstance(found, Response):
            return found
        call = _call(session, call_id)
        already = bookmark_of(session, found.person.id, call.id) is not None
        return render(request, "public/my_save.html", {"call": call, "token": token, "already": already,
                                                       "state": call_state(call, now_of(request)), "done": False},
                      lang=_language(request, found.person), headers=NO_REFERRER)


@router.post("/my/{token}/save/{call_id}")
def save_from_mail(request: Request, token: str, call_id: RowId) -> Response:
    with transaction(request) as session:
        found = _list_or_refusal(request, session, token)
        if isinstance(found, Response):
            return found
        call = _call(session, call_id)
        state = call_state(call, now_of(request))
        saved = state == "open" and save_bookmark(session, found.person, call, now_of(request))
        log.info("call saved from an e-mail", extra={"call": call.id, "saved": saved, "state": state})
        response = render(request, "public/my_save.html", {"call": call, "token": token, "already": not saved,
                                                           "state": state, "done": True},
                          lang=_language(request, found.person), status=200 if state == "open" else 409,
                          headers=NO_REFERRER)
    return _remember_browser(request, response, found.person)


@router.post("/my/save/{call_id}")
def save_from_page(request: Request, call_id: RowId) -> Response:
    """The public call page's button, for a browser that opened its list."""
    _ = gettext_of(request)
    with transaction(request) as session:
        holder = cookie_holder(request, session)
        if holder is None:
            return render(request, "public/my_list_closed.html", {"sent": False}, status=403, headers=NO_REFERRER)
        call = public_call(session, call_id)
        if call is None or call_state(call, now_of(request)) != "open":
            raise PageNotFoundError(f"no open public call {call_id}")
        save_bookmark(session, holder.person, call, now_of(request))
    flash(request, _("Saved to your list. We will remind you 14 and 3 days before it closes."))
    return RedirectResponse(f"/calls/{call.id}", status_code=303)


# A fresh link by e-mail: for an expired link (we know whose it was) or typed address.

def send_list_link(state: WebState, env, subscriber_id: int, now: datetime) -> None:
    """Background task: mail a person a fresh link to their list (at most three letters an hour per address)."""
    with state.ctx.sessions() as session:
        person = _person(session, subscriber_id)
        if person is None or person.status != "active" or not person.confirmed:
            return
        if not state.letters.allow(person.email, now):
            log.warning("list link withheld: too many for one address")
            return
        token = digests.make_list_token(person, state.secret_key, now)
        letter = Letter(person.email, person.name, person.language, "list_link",
                        {"link": f"{state.base_url}/my/{token}", "days": digests.LIST_LINK_DAYS})
    deliver(env, letter, state.ctx.delivery_config, now)


@router.post("/my/{token}/fresh")
def fresh_for_expired(request: Request, token: str, background: BackgroundTasks) -> Response:
    """An expired link's button: a fresh link goes to the address the old one was for, never elsewhere."""
    with transaction(request) as session:
        found = _holder_of_token(request, session, token)
        person_id = found.person.id if isinstance(found, Holder) else found.expired_for
        language = _person(session, person_id).language if person_id else None
    if person_id is None:
        return _refused(request, Refusal())
    background.add_task(send_list_link, web_state(request), request.app.state.templates, person_id, now_of(request))
    return render(request, "public/my_link_refused.html", {"expired": True, "token": token, "sent": True},
                  lang=_chosen_language(request) or language, headers=NO_REFERRER)


@router.post("/my/link")
def link_by_address(request: Request, background: BackgroundTasks, form: FormData = Depends(form_data)) -> Response:
    """"Send me my link": the same answer whether or not the address is subscribed (no one learns who is)."""
    try:
        email = normalize_email(text(form, "email", 320))
    except InvalidSubscriberError:
        _ = gettext_of(request)
        return render(request, "public/my_list_closed.html",
                      {"sent": False, "error": _("This does not look like an e-mail address. Write it like name@ppu.edu.")},
                      status=400, headers=NO_REFERRER)
    with transaction(request) as session:
        try:
            person_id = get_subscriber(session, email).id
        except NotFoundError:
            person_id = None
    if person_id is not None:
        background.add_task(send_list_link, web_state(request), request.app.state.templates, person_id,
                            now_of(request))
    return render(request, "public/my_list_closed.html", {"sent": True}, headers=NO_REFERRER)


# "Get these by e-mail": a search of the public list becomes a subscription.

def _search_of(params: Mapping[str, str], request: Request) -> tuple[SearchProfile, tuple[str, ...]]:
    """The search's field, level and kind (values the list knows; FilterError, a 400 page, for others) and
    the names of the filters a profile cannot hold (country, funding, words), to say so."""
    given = {name: params.get(name, "") or "" for name in SEARCH_PARAMS}
    query = read_query(given, gettext_of(request))
    field = query.discipline if query.discipline in profile_codes() else ""
    left_out = tuple(name for name in ("country", "coverage", "q") if given[name].strip())
    return SearchProfile(field=field, level=query.level, kind=query.kind), left_out


@router.get("/my/search")
def search_to_profile(request: Request, field: str = Query(""), level: str = Query(""), kind: str = Query(""),
                      country: str = Query(""), coverage: str = Query(""), q: str = Query("")) -> Response:
    """A signed-in list (the cookie) confirms adding the search to the profile; anyone else gets the
    subscribe form filled in with it. The filters are the public list's (web/filters.py)."""
    search, left_out = _search_of({"field": field, "level": level, "kind": kind, "country": country,
                                   "coverage": coverage, "q": q}, request)
    with transaction(request) as session:
        holder = cookie_holder(request, session)
        if holder is None:
            wanted = {"fields": search.field, "levels": search.level, "kinds": search.kind}
            return RedirectResponse(f"/subscribe?{urlencode({k: v for k, v in wanted.items() if v})}",
                                    status_code=303)
        person = holder.person
        after = profile_with_search(person, search, profile_codes())
        return render(request, "public/my_search.html", {
            "person": person, "search": search, "left_out": left_out, "after": after,
            "changes": after.disciplines != tuple(person.disciplines or ()) or after.levels != tuple(person.levels or ())
            or after.kinds != tuple(person.kinds or ())}, lang=_language(request, person), headers=NO_REFERRER)


@router.post("/my/search")
def adopt_search_now(request: Request, form: FormData = Depends(form_data)) -> Response:
    _ = gettext_of(request)
    search, _left_out = _search_of({name: text(form, name, 200) for name in ("field", "level", "kind")}, request)
    with transaction(request) as session:
        holder = cookie_holder(request, session)
        if holder is None:
            return render(request, "public/my_list_closed.html", {"sent": False}, status=403, headers=NO_REFERRER)
        adopt_search(session, holder.person, search, now_of(request), known_fields=profile_codes())
    flash(request, _("Done: your e-mails now include calls of this search."))
    return RedirectResponse("/my", status_code=303)


# Last: the address /my/<token> would otherwise take /my/search for a token.
@router.get("/my/{token}")
def my_list(request: Request, token: str) -> Response:
    with transaction(request) as session:
        found = _list_or_refusal(request, session, token)
        if isinstance(found, Response):
            return found
        return _remember_browser(request, _list_page(request, session, found), found.person)
