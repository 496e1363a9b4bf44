"""The ASGI application: routers, middleware, error pages; `create_app` and `serve` for the CLI."""
from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

import uvicorn
from fastapi import FastAPI
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DatabaseError as DriverDatabaseError
from sqlalchemy.exc import InternalError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response

from fursa.web import (
    api, curation, dashboard, desk, feeds, health, limited, login, mailings, metrics, my_list, partners, posts,
    public, sharing, sources, subscribers, subscriptions, telegram_chats,
)
from fursa.web import reach
from fursa.web import announcements
from fursa.web import research
from fursa.web.errors import CsrfError, FeatureUnavailableError, ForbiddenError, LoginRequiredError, PageNotFoundError
from fursa.web.render import gettext_of, make_environment, render
from fursa.web.security import SecurityHeadersMiddleware
from fursa.web.state import WebState, utc_now

log = logging.getLogger("fursa.web")

STATIC = Path(__file__).parent / "static"
SESSION_COOKIE = "fursa_session"


def create_app(ctx: Any, *, clock: Callable[[], datetime] | None = None) -> FastAPI:
    """The whole site for a pipeline.Context; `clock` gives `now` (tests pass a fixed one)."""
    settings = ctx.settings
    if not settings.secret_key:
        raise ValueError("the web app needs a secret key (FURSA_SECRET_KEY) to sign sessions and links")
    https = settings.public_base_url.startswith("https://")
    app = FastAPI(
        title="Fursa API",
        summary="Approved scholarship, exchange and research-funding calls collected for Palestine Polytechnic University.",
        version="1",
        docs_url=None, redoc_url=None, openapi_url="/api/openapi.json",
    )
    app.state.web = WebState(ctx=ctx, clock=clock or utc_now)
    app.state.templates = make_environment()
    app.include_router(announcements.router)
    for router in (login.router, dashboard.router, desk.router, limited.router, limited.intent, curation.router,
                   sources.router,
                   subscribers.router, partners.router, mailings.router, public.router, feeds.router,
                   subscriptions.router,
                   subscriptions.one_click, api.router, health.router, metrics.router, posts.router, sharing.router,
                   my_list.router, telegram_chats.router):
        app.include_router(router)
    app.include_router(reach.public)   # the e-mails' counting links and "I applied" (issue 15.6)
    app.include_router(reach.desk)
    app.include_router(research.public)   # a faculty member's research profile (issue 15.1)
    app.include_router(research.desk)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _add_error_pages(app)
    app.add_middleware(SessionMiddleware, secret_key=settings.secret_key, session_cookie=SESSION_COOKIE,
                       same_site="lax", https_only=https, max_age=14 * 24 * 3600)
    app.add_middleware(SecurityHeadersMiddleware, https=https)
    return app


def serve(ctx: Any, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the site with uvicorn until stopped (`fursa serve`)."""
    log.info("serving", extra={"host": host, "port": port})
    uvicorn.run(create_app(ctx), host=host, port=port, proxy_headers=True, server_header=False)


def _add_error_pages(app: FastAPI) -> None:
    app.add_exception_handler(LoginRequiredError, _login_required)
    app.add_exception_handler(ForbiddenError, _forbidden)
    app.add_exception_handler(CsrfError, _csrf_failed)
    app.add_exception_handler(PageNotFoundError, _not_found)
    app.add_exception_handler(FeatureUnavailableError, _unavailable)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _bad_request)
    app.add_exception_handler(DriverDatabaseError, _database_down)


async def _login_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequiredError)
    return RedirectResponse(f"/desk/login?next={quote(exc.next_path, safe='/')}", status_code=303)


async def _forbidden(request: Request, exc: Exception) -> Response:
    _ = gettext_of(request)
    return _error_page(request, 403, _("Not allowed"), _("Only an admin may do this. Ask an admin of the desk."))


async def _csrf_failed(request: Request, exc: Exception) -> Response:
    _ = gettext_of(request)
    log.warning("csrf refused", extra={"path": request.url.path, "reason": str(exc)})
    return _error_page(request, 403, _("This form has expired"),
                       _("Nothing was changed. Go back, reload the page and send the form again."))


async def _not_found(request: Request, exc: Exception) -> Response:
    _ = gettext_of(request)
    return _error_page(request, 404, _("Not found"), _("There is nothing at this address. It may have been removed."))


async def _unavailable(request: Request, exc: Exception) -> Response:
    _ = gettext_of(request)
    return _error_page(request, 503, _("Not available yet"), str(exc))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
    if exc.status_code == 404:
        return await _not_found(request, exc)
    _ = gettext_of(request)
    return _error_page(request, exc.status_code, _("Something is wrong with this request"), str(exc.detail))


async def _bad_request(request: Request, exc: Exception) -> Response:
    """A malformed query or path on a page gets a page; the API keeps FastAPI's JSON description."""
    assert isinstance(exc, RequestValidationError)
    if request.url.path.startswith("/api/"):
        return await request_validation_exception_handler(request, exc)
    _ = gettext_of(request)
    return _error_page(request, 400, _("Something is wrong with this request"),
                       _("A number or a choice in the address is not valid. Go back and try again."))


async def _database_down(request: Request, exc: Exception) -> Response:
    """The database failed under a request (cannot be reached, locked past its timeout, damaged):
    503, as /healthz says, with a page instead of a traceback. A statement the database refused as
    wrong (a constraint, a bad value) is a bug and stays a 500."""
    assert isinstance(exc, DriverDatabaseError)
    if not (isinstance(exc, (OperationalError, InternalError)) or type(exc) is DriverDatabaseError):
        raise exc
    log.error("database failed under a request", extra={"path": request.url.path, "error": str(exc.orig)})
    retry = {"Retry-After": "120"}
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": "the database is not available"}, status_code=503, headers=retry)
    _ = gettext_of(request)
    response = _error_page(request, 503, _("Temporarily unavailable"),
                           _("The site cannot read its database just now. Please try again in a few minutes."))
    response.headers.update(retry)
    return response


def _error_page(request: Request, status: int, title: str, message: str) -> Response:
    return render(request, "error.html", {"title": title, "message": message}, status=status)
