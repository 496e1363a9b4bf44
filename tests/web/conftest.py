"""Fixtures for the web tests: a migrated SQLite database in tmp_path, the app with a fixed clock,
a TestClient, staff accounts, and calls stored the way a crawl stores them."""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

import pyotp
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

with warnings.catch_warnings():
    # Starlette suggests httpx2 for its TestClient; httpx is what the project installs.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from click.testing import Result
from typer.testing import CliRunner

from fursa import pipeline, storage, web
import fursa.storage.passwords as passwords
from fursa.cli import app as cli_app
from fursa.settings import Settings
from tests.databases import test_database_url

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
ADMIN = ("admin@ppu.edu", "correct horse battery")
CURATOR = ("curator@ppu.edu", "another long password")
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_SECRET = re.compile(r'id="secret"[^>]*>([A-Z2-7 ]+)<')


def make_settings(folder: Path, base_url: str = "http://testserver", smtp_url: str | None = None) -> Settings:
    return Settings(
        database_url=test_database_url(folder), outbox_dir=folder / "outbox", smtp_url=smtp_url,
        public_base_url=base_url, secret_key="test secret key, not for production",
        allow_private_addresses=True, model_dir=folder / ".fursa",
    )


def make_context(settings: Settings) -> pipeline.Context:
    ctx = pipeline.make_context(settings)
    storage.migrate(ctx.engine)
    return ctx


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """argon2 at production cost takes ~0.25 s per hash here; tests use the same algorithm, cheaper."""
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setattr(passwords, "_DUMMY_HASH", passwords._hasher.hash("dummy"))


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def ctx(tmp_path: Path) -> pipeline.Context:
    return make_context(make_settings(tmp_path))


@pytest.fixture
def app(ctx: pipeline.Context, now: datetime):
    return web.create_app(ctx, clock=lambda: now)


@pytest.fixture
def client(app) -> TestClient:
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


@dataclass(frozen=True)
class CommandLine:
    """The desk's other door: `fursa …` as typed at a shell, on the database and outbox of a context."""

    ctx: pipeline.Context

    def __call__(self, *args: str, ctx: pipeline.Context | None = None) -> Result:
        settings = (ctx or self.ctx).settings
        env = {"FURSA_DATABASE_URL": settings.database_url, "FURSA_OUTBOX_DIR": str(settings.outbox_dir),
               "FURSA_SECRET_KEY": settings.secret_key, "FURSA_PUBLIC_BASE_URL": settings.public_base_url,
               "FURSA_ALLOW_PRIVATE_ADDRESSES": "true", "FURSA_SMTP_URL": None, "FURSA_CATALOGUE": None}
        return CliRunner().invoke(cli_app, list(args), env=env)


@pytest.fixture
def command_line(ctx: pipeline.Context, tmp_path: Path, monkeypatch) -> CommandLine:
    monkeypatch.chdir(tmp_path)   # no fursa.toml of the developer's is read
    return CommandLine(ctx)


@pytest.fixture
def users(ctx: pipeline.Context, now: datetime) -> None:
    with ctx.sessions.begin() as session:
        storage.add_user(session, ADMIN[0], ADMIN[1], "admin", now, name="Amal Admin")
        storage.add_user(session, CURATOR[0], CURATOR[1], "curator", now)


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def log_in(client: TestClient, account: tuple[str, str] = ADMIN) -> None:
    """Sign in as a person would, through the second step when the desk asks for it: an admin's first
    sign-in enrols the app (the key read from the page), later ones type its code."""
    page = client.get("/desk/login")
    response = client.post("/desk/login", data={"email": account[0], "password": account[1],
                                                "csrf_token": csrf_of(page.text), "next": "/desk"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    step = response.headers["location"]
    if step.startswith("/desk/two-factor/setup"):
        page = client.get(step)
        secret = "".join(_SECRET.search(page.text).group(1).split())
        code = pyotp.TOTP(secret).at(client.app.state.web.clock())
        done = client.post("/desk/two-factor/setup", data={"code": code, "csrf_token": csrf_of(page.text),
                                                           "next": "/desk"})
        assert done.status_code == 200 and "Two-factor sign-in is on" in done.text, done.text
    elif step.startswith("/desk/two-factor"):
        page = client.get(step)
        code = second_factor_code(client.app.state.web.ctx, account[0], client.app.state.web.clock())
        done = client.post("/desk/two-factor", data={"code": code, "csrf_token": csrf_of(page.text), "next": "/desk"},
                           follow_redirects=False)
        assert done.status_code == 303, done.text


def enrol_in_browser(page, now: datetime) -> None:
    """In a real browser, right after an admin's first password: set the app up with the key the
    page shows, then go on past the recovery codes (to the page the sign-in was for)."""
    assert "/desk/two-factor/setup" in page.url, page.url
    secret = "".join(page.inner_text("#secret").split())
    page.fill("#code", pyotp.TOTP(secret).at(now))
    page.click("form[action='/desk/two-factor/setup'] button[type=submit]")
    assert page.locator("ol.codes li").count() == 10
    page.click("main a.button")


def second_factor_code(ctx: pipeline.Context, email: str, now: datetime) -> str:
    """The code the account's authenticator app shows at `now` that the desk has not taken yet (each
    time step opens the desk once; the desk takes the step before and after now as well)."""
    with ctx.sessions() as session:
        user = storage.find_user(session, email)
        totp, last = pyotp.TOTP(user.totp_secret), user.totp_last_step
    step = totp.timecode(now) if last is None else max(totp.timecode(now), last + 1)
    assert step <= totp.timecode(now) + 1, "every code the desk takes at this time is used: move the clock on"
    return totp.generate_otp(step)


@pytest.fixture
def admin_client(client: TestClient, users) -> TestClient:
    log_in(client, ADMIN)
    return client


@dataclass(frozen=True)
class CallMaker:
    """Stores calls as a crawl would (ingest_drafts), then sets what a test needs on the row."""

    ctx: pipeline.Context
    now: datetime

    def __call__(self, title: str = "Erasmus+ exchange for engineering students", *, status: str = "new",
                 text: str = "Open to students of Palestinian universities.", url: str | None = None,
                 deadline_days: int | None = 30, **fields) -> int:
        with self.ctx.sessions.begin() as session:
            row = session.scalar(select(storage.Source).where(storage.Source.name == "Test feed"))
            if row is None:
                row = storage.source_from_spec(storage.SourceSpec(name="Test feed", type="feed",
                                                                  url="https://example.org/feed.xml"))
                session.add(row)
                session.flush()
            deadline = storage.Deadline(kind="date", at=self.now + timedelta(days=deadline_days)) \
                if deadline_days is not None else storage.Deadline()
            draft = storage.Draft(source_name=row.name, url=url or f"https://example.org/calls/{abs(hash(title))}",
                                  title=title, text=text, summary=fields.pop("summary", "A call."),
                                  provider=fields.pop("provider", "EU"), deadline=deadline, language="en")
            opportunity = storage.ingest_drafts(session, row, [draft], self.now).new[0]
            for name, value in fields.items():
                setattr(opportunity, name, value)
            if status != "new":
                storage.set_status(opportunity, status, self.now)
            return opportunity.id


@pytest.fixture
def make_call(ctx: pipeline.Context, now: datetime) -> Callable[..., int]:
    return CallMaker(ctx, now)
