"""DeliveryConfig: everything digests/ needs to know about the outside world, passed explicitly."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fursa.digests.errors import ConfigurationError


@dataclass(frozen=True)
class DeliveryConfig:
    """How and when digests are sent. Built by the caller from Settings; never read from the environment here."""

    outbox_dir: Path
    smtp_url: str | None = None  # smtp://user:pass@host:port, smtps://… (TLS), smtp+starttls://…; None = outbox
    from_address: str = "Fursa <fursa@localhost>"
    public_base_url: str = "http://localhost:8000"
    secret_key: str = "change-me"
    timezone: str = "Asia/Hebron"
    list_id: str = "fursa.localhost"
    # List-Unsubscribe's mailto: address; None (the default) offers only the one-click https link
    unsubscribe_mailto: str | None = None
    dkim_selector: str | None = None
    dkim_domain: str | None = None
    dkim_private_key: Path | str | bytes | None = None  # a PEM (str/bytes starting with -----BEGIN) or a file path
    rate_per_second: float | None = None
    connections: int = 1
    weekday: int = 6  # Monday=0 … Sunday=6
    hour: int = 8
    weekend_days: tuple[int, ...] = (4,)  # Friday
    smtp_timeout: float = 30.0
    smtp_cafile: Path | None = None  # extra CA bundle to trust, e.g. a campus relay's own certificate
    bounce_threshold: int = 3  # consecutive hard bounces before a subscriber is suspended
    error_budget: int = 10  # consecutive server-side failures before a run pauses
    max_attempts: int = 30  # sends of one digest before a temporary failure becomes final (retry_for ends it first)
    # A 'sending' row older than this was left by a dead run and may be sent again: short, so that a
    # digest held by a run that died goes out within minutes; a live send never outlasts it (a
    # message not handed over by `sending_lease - 2 * smtp_timeout - 10 s` after its claim is deferred).
    sending_lease: timedelta = timedelta(minutes=2)
    retry_after: timedelta = timedelta(minutes=15)  # wait before retrying a 4xx (greylisting wants minutes)
    max_retry_delay: timedelta = timedelta(hours=4)  # the wait doubles after each try, up to this
    retry_for: timedelta = timedelta(days=3)  # after its send moment, how long a digest is still worth sending
    closing_soon_days: int = 7
    max_items: int = 20
    attach_calendar: bool = True

    def __post_init__(self) -> None:
        check_config(self)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def data_deadline_s(self) -> float:
        """Seconds after a claim within which its message must be handed to the server (DATA begun), so the
        send and the recording of the answer end before the claim's lease does."""
        return self.sending_lease.total_seconds() - 2 * self.smtp_timeout - 10

    @property
    def transport_name(self) -> str:
        return "smtp" if self.smtp_url else "outbox"


def check_config(config: DeliveryConfig) -> None:
    """Refuse settings that would fail later, halfway through a run, with a message naming the setting."""
    try:
        ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(
            f"time zone {config.timezone!r} is unknown; use an IANA name such as 'Asia/Hebron'"
        ) from None
    if not 0 <= config.weekday <= 6:
        raise ConfigurationError(f"digest weekday {config.weekday} must be 0 (Monday) … 6 (Sunday)")
    if not 0 <= config.hour <= 23:
        raise ConfigurationError(f"digest hour {config.hour} must be 0 … 23")
    if config.weekday in config.weekend_days:
        raise ConfigurationError(
            f"digest weekday {config.weekday} is one of the weekend days {config.weekend_days}; "
            "nothing goes out on the weekend, so pick a working day"
        )
    if not config.retry_after <= config.retry_for <= timedelta(days=6):
        raise ConfigurationError(
            f"retry_for ({config.retry_for}) must be at least retry_after ({config.retry_after}) and at most 6 days, "
            "so that a weekly digest is never retried once the next one is due")
    if config.data_deadline_s < 30:
        raise ConfigurationError(
            f"sending_lease ({config.sending_lease}) must leave at least 30 s to reach the server after the "
            f"2 x smtp_timeout ({config.smtp_timeout:g} s) that DATA and its answer may take, plus 10 s")
    if config.connections < 1:
        raise ConfigurationError(f"connections must be at least 1, not {config.connections}")
    if config.rate_per_second is not None and config.rate_per_second <= 0:
        raise ConfigurationError("rate_per_second must be positive, or unset for no limit")
    dkim = (config.dkim_selector, config.dkim_domain, config.dkim_private_key)
    if any(dkim) and not all(dkim):
        raise ConfigurationError("DKIM needs all three of dkim_selector, dkim_domain and dkim_private_key, or none")
    if "@" not in parseaddr(config.from_address)[1]:
        raise ConfigurationError(f"from_address {config.from_address!r} needs an address, e.g. 'Fursa <fursa@ppu.edu>'")
    if not config.secret_key:
        raise ConfigurationError("secret_key is empty, so anyone could forge unsubscribe links; set FURSA_SECRET_KEY")
    if not config.public_base_url.startswith(("http://", "https://")):
        raise ConfigurationError(f"public base URL {config.public_base_url!r} must start with https:// (or http://)")
