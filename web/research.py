"""A faculty member's research profile, saved from the preferences page (the signed link) or by staff at
the desk: keywords, pasted publications, an ORCID iD. The handlers read the form, call
pipeline.describe_research, and show what went wrong beside the field it concerns."""
from __future__ import annotations

from typing import Callable

from fastapi import APIRouter, Depends
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from fursa import crawlers, digests, matching, pipeline
from fursa.matching.research import MAX_KEYWORDS, MAX_PUBLICATIONS
from fursa.storage import InvalidSubscriberError, Subscriber
from fursa.web.auth import StaffUser, admin_user, staff_user
from fursa.web.csrf import verify_csrf
from fursa.web.errors import PageNotFoundError
from fursa.web.forms import form_data
from fursa.web.i18n import translations
from fursa.web.params import RowId, strip_controls
from fursa.web.profile import profile_context, values_of
from fursa.web.render import flash, gettext_of, page_language, render
from fursa.web.research_view import ResearchView
from fursa.web.state import now_of, transaction, web_state

public = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
desk = APIRouter(prefix="/desk/subscribers", dependencies=[Depends(staff_user), Depends(verify_csrf)],
                 include_in_schema=False)
NO_REFERRER = {"Referrer-Policy": "no-referrer"}


def read_research(form: FormData) -> ResearchView:
    """The submitted texts, whole: a paste too long is refused with a message, never cut silently."""
    def field(name: str) -> str:
        value = form.get(name)
        return strip_controls(value).strip() if isinstance(value, str) else ""
    return ResearchView(keywords=field("keywords"), publications=field("publications"), orcid=field("orcid"))


def save_research(request: Request, session, row: Subscriber, values: ResearchView, refresh: bool,
                  actor: str, _: Callable[[str], str]) -> dict[str, str]:
    """Store the research profile; the errors by form field, worded by `_`, when it was refused."""
    try:
        pipeline.describe_research(web_state(request).ctx, session, row, keywords=values.keywords,
                                   publications=values.publications, orcid=values.orcid, now=now_of(request),
                                   actor=actor, refresh_orcid=refresh)
    except matching.ResearchInputError:
        return _too_long_or_empty(values, _)
    except crawlers.OrcidIdError:
        return {"orcid": _("This is not a valid ORCID iD: check each digit (it looks like 0000-0002-1825-0097).")}
    except crawlers.OrcidFetchError as exc:
        return {"orcid": _("ORCID could not be read (%(reason)s). Nothing was saved; try again later or paste your publications instead.")
                % {"reason": str(exc)}}
    except crawlers.OrcidFormatError:
        return {"orcid": _("ORCID answered in a form Fursa cannot read. Nothing was saved; paste your publications instead.")}
    except InvalidSubscriberError:
        return {"keywords": _("Only faculty members have a research profile: choose 'faculty member' above first.")}
    return {}


def _too_long_or_empty(values: ResearchView, _: Callable[[str], str]) -> dict[str, str]:
    """matching's refusal, worded for the page beside the field it concerns."""
    if len(values.publications) > MAX_PUBLICATIONS:
        return {"publications": _("You pasted %(size)s characters; paste at most %(limit)s: the titles and abstracts "
                                  "of your main publications, not a whole CV.")
                % {"size": f"{len(values.publications):,}", "limit": f"{MAX_PUBLICATIONS:,}"}}
    if len(values.keywords) > MAX_KEYWORDS:
        return {"keywords": _("Keep the keywords under %(limit)s characters: a few topics separated by commas.")
                % {"limit": f"{MAX_KEYWORDS:,}"}}
    return {"keywords": _("No topic words were found: write a few keywords such as 'water desalination, membranes'.")}


def _subscriber_of_link(request: Request, session, token: str) -> Subscriber | None:
    """The subscriber a genuine, current preferences link names (the preferences page's own rule)."""
    secret = web_state(request).secret_key
    try:
        row = session.get(Subscriber, digests.read_subscriber_token(token, "preferences", secret))
        if row is None or row.status == "deleted":
            return None
        digests.verify_subscriber_token(token, row, "preferences", secret)
    except digests.TokenError:
        return None
    return row


@public.post("/preferences/{token}/research")
def save_from_preferences(request: Request, token: str, form: FormData = Depends(form_data)) -> Response:
    values = read_research(form)
    with transaction(request) as session:
        row = _subscriber_of_link(request, session, token)
        if row is None:
            return render(request, "public/link_invalid.html", {}, status=400, headers=NO_REFERRER)
        errors = save_research(request, session, row, values, form.get("refresh_orcid") == "1", actor=row.email,
                               _=translations(row.language).gettext)   # the page shows in the subscriber's language
        if errors:
            context = profile_context(values_of(row), {}, row.language)
            unsubscribe = digests.make_subscriber_token(row, "unsubscribe", web_state(request).secret_key)
            return render(request, "public/preferences.html", {
                **context, "subscriber": row, "token": token, "welcome": False, "unsubscribe": unsubscribe,
                "research": values, "research_errors": errors}, status=400, lang=row.language, headers=NO_REFERRER)
    flash(request, translations(row.language).gettext("Your research is saved. Your next e-mail puts the calls that share it first."))
    return RedirectResponse(f"/preferences/{token}#research", status_code=303)


@desk.post("/{subscriber_id}/research")
def save_at_desk(request: Request, subscriber_id: RowId, form: FormData = Depends(form_data),
                 user: StaffUser = Depends(admin_user)) -> Response:
    values = read_research(form)
    with transaction(request) as session:
        row = session.get(Subscriber, subscriber_id)
        if row is None or row.status == "deleted":
            raise PageNotFoundError(f"no subscriber {subscriber_id}")
        errors = save_research(request, session, row, values, form.get("refresh_orcid") == "1", actor=user.email,
                               _=gettext_of(request))
        if errors:
            context = profile_context(values_of(row), {}, page_language(request))
            return render(request, "desk/subscriber.html", {**context, "subscriber": row, "research": values,
                                                            "research_errors": errors}, status=400)
    flash(request, gettext_of(request)("Research profile saved."))
    return RedirectResponse(f"/desk/subscribers/{subscriber_id}#research", status_code=303)
