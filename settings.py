"""One Settings object for the whole of Fursa: FURSA_* environment variables and an optional fursa.toml.

Read once at start (by the CLI or the scheduler) and passed explicitly; nothing else reads the
environment.
"""
from __future__ import annotations

import difflib
import json
import os
import re
import secrets
import tomllib
from pathlib import Path
from typing import Any, Literal, Mapping, get_origin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

DEFAULT_CONFIG_FILE = Path("fursa.toml")
MIN_METRICS_TOKEN_LENGTH = 24


class SettingsError(Exception):
    """Raised by load_settings when the environment or fursa.toml holds a bad value."""


_TELEGRAM_CHAT = re.compile(r"@[A-Za-z][A-Za-z0-9_]{3,31}|-?[0-9]{5,20}")


class TelegramChannelSetting(BaseModel):
    """One Telegram channel the approved calls are posted to (issue 16.1): its @username or numeric chat id,
    the language its posts are written in, and the audience whose calls it gets (unset: every call)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    chat: str
    language: Literal["en", "ar"] = "ar"
    audience: Literal["student", "faculty", "staff"] | None = None

    @field_validator("chat")
    @classmethod
    def _chat(cls, value: str) -> str:
        value = value.strip()
        if value.startswith(("https://t.me/", "t.me/")):
            value = "@" + value.rsplit("/", 1)[1]
        if not _TELEGRAM_CHAT.fullmatch(value):
            raise ValueError(f"{value!r} is not a Telegram chat: write the channel's @username (@ppu_scholarships) or "
                             "its numeric id (-1001234567890)")
        return value


class Settings(BaseSettings):
    """Every setting Fursa has; defaults run everything on this machine (SQLite, outbox folder)."""

    model_config = SettingsConfigDict(env_prefix="FURSA_", extra="forbid")

    database_url: str = "sqlite:///fursa.db"
    database_busy_timeout_s: float = 30.0
    outbox_dir: Path = Path("outbox")
    smtp_url: str | None = None
    smtp_connections: int = 2
    smtp_rate_per_second: float | None = None
    smtp_cafile: Path | None = None
    dkim_selector: str | None = None
    dkim_domain: str | None = None
    dkim_private_key_file: Path | None = None
    timezone: str = "Asia/Hebron"
    public_base_url: str = "http://localhost:8000"
    secret_key: str | None = None
    from_address: str = "Fursa <fursa@localhost>"
    list_id: str = "fursa.localhost"
    # An address whose mail unsubscribes its sender (List-Unsubscribe's mailto:); unset = the header
    # offers only the one-click https link, as a made-up address would bounce.
    unsubscribe_mailto: str | None = None
    catalogue: Path | None = None
    digest_weekday: int = 6
    digest_hour: int = 8
    weekend_days: tuple[int, ...] = (4,)
    # Telegram (issue 16.1): the bot's token from the environment only (FURSA_TELEGRAM_BOT_TOKEN), never
    # in fursa.toml, which may be committed; the channels as a list of tables (README, "Telegram").
    telegram_bot_token: SecretStr | None = None
    telegram_channels: tuple[TelegramChannelSetting, ...] = ()
    telegram_api_url: str = "https://api.telegram.org"
    telegram_backfill_days: int = 7
    # A student's own list (issue 16.4): the bot's @username for the "Get reminders on Telegram" link, and
    # the secret Telegram sends with each update to /telegram/updates (setWebhook's secret_token).
    telegram_bot_username: str = ""
    telegram_webhook_secret: SecretStr | None = None
    crawl_timeout_s: float = 30.0
    crawl_max_bytes: int = 10_000_000
    # http://user:password@host:6800 of a Scrapyd server to crawl on; unset = a child process here.
    crawl_scrapyd_url: str | None = None
    # Lets crawls reach loopback and private addresses: for tests and the offline demo only.
    allow_private_addresses: bool = False
    model_dir: Path = Path(".fursa")
    # The bearer token a Prometheus server sends to read /metrics; unset = /metrics answers 404.
    metrics_token: str | None = None
    # A .ttf with Latin and Arabic letters for the weekly post's and the call pages' image cards
    # (digests/cards.py); unset = DejaVu Sans from the system's fonts (Debian's fonts-dejavu-core).
    card_font: Path | None = None
    # The ORCID public API a research profile's works list is read from (tests point it at a local server).
    orcid_api_base: str = "https://pub.orcid.org/v3.0"
    orcid_timeout_s: float = 15.0

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        return check_database_url(value)

    @field_validator("unsubscribe_mailto")
    @classmethod
    def _mailbox(cls, value: str | None) -> str | None:
        if not value:
            return None   # an empty FURSA_UNSUBSCRIBE_MAILTO= leaves the mailto out, as if unset
        value = value.removeprefix("mailto:")
        if "@" not in value or any(ch in value for ch in " <>?,"):
            raise ValueError(f"unsubscribe_mailto must be a bare address such as unsubscribe@ppu.edu (got {value!r})")
        return value

    @field_validator("orcid_api_base")
    @classmethod
    def _orcid_base(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError(f"orcid_api_base must be an http(s) URL such as https://pub.orcid.org/v3.0 (got {value!r})")
        return value.rstrip("/")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as Asia/Hebron") from None
        return value

    @field_validator("metrics_token")
    @classmethod
    def _strong_token(cls, value: str | None) -> str | None:
        if not value:
            return None   # an empty FURSA_METRICS_TOKEN= turns /metrics off, as if unset
        if len(value) < MIN_METRICS_TOKEN_LENGTH or not all("!" <= ch <= "~" for ch in value):
            raise ValueError(f"metrics_token must be at least {MIN_METRICS_TOKEN_LENGTH} visible ASCII characters; "
                             "make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(32))'")
        return value

    @field_validator("digest_weekday")
    @classmethod
    def _weekday(cls, value: int) -> int:
        if not 0 <= value <= 6:
            raise ValueError("digest_weekday must be 0 (Monday) … 6 (Sunday)")
        return value

    @field_validator("digest_hour")
    @classmethod
    def _hour(cls, value: int) -> int:
        if not 0 <= value <= 23:
            raise ValueError("digest_hour must be 0 … 23")
        return value

    @field_validator("telegram_bot_token")
    @classmethod
    def _bot_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if not re.fullmatch(r"[0-9]{3,15}:[A-Za-z0-9_-]{30,}", value.get_secret_value()):
            raise ValueError("telegram_bot_token is not a bot token: copy it whole from @BotFather "
                             "(digits, a colon, then about 35 letters, digits, - and _)")
        return value

    @field_validator("telegram_channels")
    @classmethod
    def _distinct_channels(cls, value: tuple[TelegramChannelSetting, ...]) -> tuple[TelegramChannelSetting, ...]:
        chats = [channel.chat.lower() for channel in value]
        twice = sorted({chat for chat in chats if chats.count(chat) > 1})
        if twice:
            raise ValueError(f"telegram_channels names {', '.join(twice)} more than once; list each channel once")
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError(f"telegram_api_url must be an http(s) URL such as https://api.telegram.org "
                             f"(got {value!r})")
        return value.rstrip("/")

    @field_validator("telegram_backfill_days")
    @classmethod
    def _backfill(cls, value: int) -> int:
        if not 0 <= value <= 365:
            raise ValueError("telegram_backfill_days must be 0 … 365")
        return value

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = init_settings.init_kwargs.pop("_config_file", None)
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if toml_file is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml_file))
        return tuple(sources)


# The database schemes Fursa runs on; a bare postgresql:// uses psycopg 3, the driver Fursa installs.
_DRIVERS = {"postgres": None, "postgresql": "postgresql+psycopg"}


def check_database_url(value: str) -> str:
    """`value` if SQLAlchemy can open it with an installed driver; postgresql:// made explicit."""
    try:
        url = make_url(value)
    except ArgumentError:
        raise ValueError(f"{value!r} is not a database URL; write sqlite:///fursa.db or "
                         "postgresql://user:password@host/database") from None
    if url.drivername in _DRIVERS and _DRIVERS[url.drivername] is None:
        raise ValueError(f"'{url.drivername}://' is not a scheme SQLAlchemy knows; write postgresql:// "
                         f"(postgresql://{url.render_as_string(hide_password=True).split('://', 1)[1]})")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValueError(f"'{url.drivername}://' is not a database Fursa runs on; use sqlite:///FILE or "
                         "postgresql://user:password@host/database")
    explicit = url.set(drivername=_DRIVERS[url.drivername]) if url.drivername in _DRIVERS else url
    try:
        explicit.get_dialect().import_dbapi()
    except NoSuchModuleError:
        raise ValueError(f"'{url.drivername}://' names a driver SQLAlchemy does not know; write "
                         "postgresql://user:password@host/database") from None
    except ImportError as exc:
        raise ValueError(f"the driver for '{url.drivername}://' is not installed ({exc}); for PostgreSQL: "
                         "pip install 'fursa[postgres]'") from None
    return value if explicit is url else explicit.render_as_string(hide_password=False)


# Settings given as lists, and how to write them in a FURSA_* variable (JSON) and in fursa.toml.
LIST_FORMATS = {
    "weekend_days": "a list of weekday numbers, 0 = Monday … 6 = Sunday: FURSA_WEEKEND_DAYS='[4, 5]' "
                    "(fursa.toml: weekend_days = [4, 5]), or '[]' for none",
    "telegram_channels": "a list of channels, each with chat and optionally language (en, ar) and audience "
                         "(student, faculty, staff): FURSA_TELEGRAM_CHANNELS='[{\"chat\": \"@ppu_calls\", "
                         "\"language\": \"ar\"}]' (fursa.toml: [[telegram_channels]] tables)",
}
# FURSA_* variables that are not settings: the project's own test and build tools read them.
TOOLING_PREFIXES = ("FURSA_TEST_", "FURSA_PG_", "FURSA_AXE_", "FURSA_UPDATE_GOLDEN", "FURSA_BENCH_")


def variable_of(name: str) -> str:
    return f"FURSA_{name.upper()}"


def unknown_variables(environ: Mapping[str, str] | None = None) -> list[str]:
    """A warning for each FURSA_* variable that is no setting (a typo is otherwise silently ignored),
    naming the closest setting."""
    environ = os.environ if environ is None else environ
    known = [variable_of(name) for name in Settings.model_fields]
    warnings = []
    for name in sorted(environ):
        upper = name.upper()
        if not upper.startswith("FURSA_") or upper in known or upper.startswith(TOOLING_PREFIXES):
            continue
        close = difflib.get_close_matches(upper, known, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]}?" if close else f"; the settings are listed in the README ({', '.join(known[:3])} …)"
        warnings.append(f"{name} is not a Fursa setting and is ignored{hint}")
    return warnings


def _check_lists(environ: Mapping[str, str]) -> None:
    """A list setting given in a variable must be JSON; say the expected format rather than a traceback."""
    values = {key.upper(): value for key, value in environ.items()}
    for name, field in Settings.model_fields.items():
        raw = values.get(variable_of(name))
        if raw is None or get_origin(field.annotation) not in (list, tuple):
            continue
        try:
            ok = isinstance(json.loads(raw), list)
        except json.JSONDecodeError:
            ok = False
        if not ok:
            raise SettingsError(f"{variable_of(name)}={raw!r} is not a list; expected "
                                f"{LIST_FORMATS.get(name, 'a JSON list such as [1, 2]')}")


def _describe(error: Mapping[str, Any], path: Path | None, environ: Mapping[str, str]) -> str:
    """One problem of a ValidationError, named as the person wrote it: the variable, or the file's key."""
    name = ".".join(map(str, error["loc"]))
    message = str(error["msg"]).removeprefix("Value error, ")
    # Inside a list of tables (telegram_channels.0.chat), the setting is the first part of the name.
    top = str(error["loc"][0]) if error["loc"] else name
    if error["type"] == "extra_forbidden" and top != name:
        message = f"{error['loc'][-1]} is not a key of {top}"
    elif error["type"] == "extra_forbidden":
        close = difflib.get_close_matches(name, list(Settings.model_fields), n=1, cutoff=0.6)
        return f"{path or 'settings'}: {name} is not a setting" + (f"; did you mean {close[0]}?" if close else "")
    if name in LIST_FORMATS:
        message = f"{message}; expected {LIST_FORMATS[name]}"
    variable = variable_of(top)
    if variable in {key.upper() for key in environ}:
        return f"{variable}: {message}" if top == name else f"{variable}: {name}: {message}"
    return f"{path}: {name}: {message}" if path else f"{name}: {message}"


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Settings from the environment and `config_file` (default ./fursa.toml when it exists).

    Every mistake is one SettingsError naming the variable or the file (and line) and what is
    expected, never a traceback."""
    path = config_file if config_file is not None else (DEFAULT_CONFIG_FILE if DEFAULT_CONFIG_FILE.exists() else None)
    if config_file is not None and not config_file.exists():
        raise SettingsError(f"configuration file {config_file} does not exist")
    environ = {key: value for key, value in os.environ.items() if key.upper().startswith("FURSA_")}
    _check_lists(environ)
    _check_secrets_not_in(path)
    try:
        settings = Settings(_config_file=path, **overrides)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path} is not valid TOML: {exc}; fix that line (strings need quotes, "
                            "lists are written [4, 5])") from None
    except ValidationError as exc:
        raise SettingsError("bad setting: " + "; ".join(_describe(e, path, environ) for e in exc.errors())) from None
    if settings.secret_key is None:
        settings = settings.model_copy(update={"secret_key": _local_secret(settings.model_dir)})
    return settings


# Settings that are secrets: refused in fursa.toml, a file that ends up committed or copied around.
SECRETS_FROM_ENVIRONMENT_ONLY = ("telegram_bot_token", "telegram_webhook_secret")


def _check_secrets_not_in(path: Path | None) -> None:
    if path is None or not path.is_file():
        return
    try:
        written = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return   # reported as a bad TOML file by the settings source
    for name in SECRETS_FROM_ENVIRONMENT_ONLY:
        if name in written:
            raise SettingsError(f"{path}: {name} must not be written in the file, which may be committed; remove it "
                                f"and set {variable_of(name)} in the environment instead")


def _local_secret(folder: Path) -> str:
    """A per-installation key kept beside the data, so signed links survive restarts without setup."""
    path = folder / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(32)
    path.write_text(key, encoding="utf-8")
    path.chmod(0o600)
    return key
