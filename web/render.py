"""Rendering pages: one Jinja2 environment, autoescaped, with the language of the request.

Scraped titles and bodies go into templates as plain strings and are escaped on the way out;
no template marks scraped text safe. Links to the outside go through `safe_href`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Mapping
from urllib.parse import urlencode, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from fursa.web.csrf import FIELD, csrf_token
from fursa.web.fields import field_name
from fursa.web.i18n import Formatter, direction, pick_language, translations
from fursa.web.labels import labeller
from fursa.web.research_view import research_view
from fursa.web.state import now_of, web_state

TEMPLATES = Path(__file__).parent / "templates"


def make_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_href"] = safe_href
    env.filters["paragraphs"] = paragraphs
    env.filters["evidence"] = plain_words
    env.tests["opening_of"] = opening_of
    env.globals["query"] = query_string
    env.globals["research_view"] = research_view   # a faculty member's research section (web/research.py)
    return env


def safe_href(url: str | None) -> str | None:
    """The URL when it is plain http(s), else None: a `javascript:` or `data:` link is never written."""
    if not url:
        return None
    url = url.strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def paragraphs(text: str | None, limit: int = 20000) -> list[str]:
    """Scraped text split into paragraphs at blank lines; each is escaped by the template."""
    if not text:
        return []
    blocks = [" ".join(block.split()) for block in text[:limit].replace("\r\n", "\n").split("\n\n")]
    return [block for block in blocks if block]


def opening_of(summary: str | None, text: str | None) -> bool:
    """True when `summary` is the first words of `text` (crawlers make summaries so), when a page
    showing both would print those words twice."""
    if not summary or not text:
        return False
    head = " ".join(summary.split()).removesuffix("…").rstrip()
    return bool(head) and " ".join(text.split()).startswith(head)


def plain_words(value: Any, limit: int = 400) -> str:
    """Any JSON value (tagger evidence, audit details) as one line of words, for display as text."""
    if isinstance(value, dict) and "phrase" in value:
        # the tagger's evidence: which words, found where (title, text, category, programme)
        words = f"“{value['phrase']}” ({value.get('where', '?')})"
    elif isinstance(value, dict):
        words = "; ".join(f"{key}: {plain_words(item, limit)}" for key, item in value.items())
    elif isinstance(value, (list, tuple)):
        words = ", ".join(plain_words(item, limit) for item in value)
    else:
        words = "" if value is None else str(value)
    return words if len(words) <= limit else words[: limit - 1] + "…"


def query_string(params: Mapping[str, Any], **changes: Any) -> str:
    """`params` with `changes` applied, as a query string for links (filters, pages, feeds)."""
    merged = {key: value for key, value in {**params, **changes}.items() if value not in (None, "", False)}
    return urlencode(merged, doseq=True)


def page_language(request: Request, lang: str | None = None) -> str:
    if lang:
        return lang
    user = getattr(request.state, "user", None)
    if user is not None and "lang" not in request.session:
        return user.language
    return pick_language(request)


def gettext_of(request: Request) -> Callable[[str], str]:
    """`_` for messages made in a handler (flash notices, field errors), in the page's language."""
    return translations(page_language(request)).gettext


def render(request: Request, template: str, context: Mapping[str, Any] | None = None, *,
           status: int = 200, lang: str | None = None, headers: Mapping[str, str] | None = None) -> HTMLResponse:
    """The page `template` in the request's language, with the helpers every template may use."""
    state = web_state(request)
    language = page_language(request, lang)
    trans = translations(language)
    values: dict[str, Any] = {
        "request": request,
        "lang": language,
        "dir": direction(language),
        "gettext": trans.gettext,
        "ngettext": trans.ngettext,
        "_": trans.gettext,
        "fmt": Formatter(language, state.zone),
        "now": now_of(request),
        "user": getattr(request.state, "user", None),
        # On public pages the account is not looked up; a signed-in session is enough to offer the desk link.
        "staff_session": "session" in request.scope and "uid" in request.session,
        "csrf_field": lambda: Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, csrf_token(request)),
        "flashes": pop_flashes(request),
        "label": labeller(trans.gettext),
        "field_name": lambda code: field_name(code, language),
        "path": request.url.path,
    }
    values.update(context or {})
    env: Environment = request.app.state.templates
    html = env.get_template(template).render(values)
    response = HTMLResponse(html, status_code=status, headers=dict(headers or {}))
    response.headers["Content-Language"] = language
    return response


def render_text(env: Environment, template: str, lang: str, context: Mapping[str, Any]) -> str:
    """A template outside a request (e-mail bodies), in `lang`."""
    trans = translations(lang)
    values = {"lang": lang, "dir": direction(lang), "gettext": trans.gettext, "ngettext": trans.ngettext,
              "_": trans.gettext, "label": labeller(trans.gettext), **context}
    return env.get_template(template).render(values)


def flash(request: Request, message: str, kind: str = "ok") -> None:
    """A one-time notice shown on the next page (after a redirect)."""
    items = list(request.session.get("flash", []))
    items.append([kind, message])
    request.session["flash"] = items[-5:]


def pop_flashes(request: Request) -> list[tuple[str, str]]:
    if "session" not in request.scope or "flash" not in request.session:
        return []
    return [(kind, message) for kind, message in request.session.pop("flash")]


_DOWNLOAD_TYPES = {".csv": "text/csv; charset=utf-8",
                   ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def download(body: bytes, filename: str) -> Response:
    """An export the browser saves as `filename`, typed by its suffix (.csv or .xlsx)."""
    media_type = _DOWNLOAD_TYPES[Path(filename).suffix]
    return Response(body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
