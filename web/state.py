"""What every handler reaches through the request: the pipeline context, the clock, a transaction."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Iterator
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session
from starlette.requests import Request

from fursa.web.throttle import LetterThrottle


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class WebState:
    """Set once by create_app; `clock` is replaceable so tests pass their own `now`."""

    ctx: Any  # pipeline.Context: settings, sessions, crawl_config, delivery_config
    clock: Callable[[], datetime]

    @property
    def letters(self) -> LetterThrottle:
        """Three subscription e-mails per address an hour, counted in the database (web/throttle.py)."""
        return LetterThrottle(self.ctx.sessions)

    @property
    def settings(self) -> Any:
        return self.ctx.settings

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.ctx.settings.timezone)

    @property
    def secret_key(self) -> str:
        return self.ctx.settings.secret_key

    @property
    def base_url(self) -> str:
        return self.ctx.settings.public_base_url.rstrip("/")


def web_state(request: Request) -> WebState:
    return request.app.state.web


def now_of(request: Request) -> datetime:
    return web_state(request).clock()


@contextmanager
def transaction(request: Request) -> Iterator[Session]:
    """One session for one request's work, committed at the end or rolled back on error."""
    with web_state(request).ctx.sessions.begin() as session:
        yield session
