"""One Settings object for the whole of Fursa: FURSA_* environment variables and an optional fursa.toml.

Read once at start (by the CLI or the scheduler) and passed explicitly; nothing else reads the
environment.
"""
from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

DEFAULT_CONFIG_FILE = Path("fursa.toml")
MIN_METRICS_TOKEN_LENGTH = 24


class SettingsError(Exception):
    """Raised by load_settings when the environment or fursa.toml holds a bad value."""


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
    unsubscribe_mailto: str = "unsubscribe@localhost"
    catalogue: Path | None = None
    digest_weekday: int = 6
    digest_hour: int = 8
    weekend_days: tuple[int, ...] = (4,)
    crawl_timeout_s: float = 30.0
    crawl_max_bytes: int = 10_000_000
    # http://user:password@host:6800 of a Scrapyd server to crawl on; unset = a child process here.
    crawl_scrapyd_url: str | None = None
    # Lets crawls reach loopback and private addresses: for tests and the offline demo only.
    allow_private_addresses: bool = False
    model_dir: Path = Path(".fursa")
    # The bearer token a Prometheus server sends to read /metrics; unset = /metrics answers 404.
    metrics_token: str | None = None

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


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Settings from the environment and `config_file` (default ./fursa.toml when it exists)."""
    path = config_file if config_file is not None else (DEFAULT_CONFIG_FILE if DEFAULT_CONFIG_FILE.exists() else None)
    if config_file is not None and not config_file.exists():
        raise SettingsError(f"configuration file {config_file} does not exist")
    try:
        settings = Settings(_config_file=path, **overrides)
    except ValidationError as exc:
        where = f"{path} or FURSA_* variables" if path else "FURSA_* environment variables"
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise SettingsError(f"bad setting in {where}: {problems}") from None
    if settings.secret_key is None:
        settings = settings.model_copy(update={"secret_key": _local_secret(settings.model_dir)})
    return settings


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
