"""Errors raised by digests/; each docstring says who raises it."""

from fursa.storage import DatabaseError


class DigestError(Exception):
    """Base class of every error digests/ raises."""


class ConfigurationError(DigestError):
    """Raised when a DeliveryConfig cannot work: a malformed SMTP URL, an unreadable DKIM key, a weekday out of range."""


class CardError(DigestError):
    """Raised by digests.cards when an image card cannot be drawn right: no usable font, or Arabic without raqm."""


class TokenError(DigestError):
    """Raised by digests.tokens when a signed link is malformed, forged, for another purpose or revoked."""


class DeliveryError(DigestError):
    """Raised by a transport (smtp, outbox) when one message could not be handed over."""

    #: True when the same message may succeed later (4xx, dropped connection); False for a bounce.
    temporary: bool = True


class TemporaryDeliveryError(DeliveryError):
    """Raised by a transport for a 4xx answer, a dropped connection or a full disk: try again later."""

    temporary = True


class ServerUnavailableError(TemporaryDeliveryError):
    """Raised by the SMTP transport when the server cannot be reached or refuses the session itself."""


class ClaimExpiringError(TemporaryDeliveryError):
    """Raised by the send pool or the SMTP transport, before DATA, when a message's claim is about to end:
    sending it now could overlap a retry by another run, so it is deferred instead."""


class PermanentDeliveryError(DeliveryError):
    """Raised by a transport for a 5xx answer about the message or the sender: retrying will not help."""

    temporary = False


class BouncedAddressError(PermanentDeliveryError):
    """Raised by a transport when the server refused the recipient address (5xx at RCPT): counts as a bounce."""


class InvalidAddressError(PermanentDeliveryError):
    """Raised before sending when a subscriber's address cannot be put on an envelope (no '@', non-ASCII mailbox)."""


class LedgerError(DigestError, DatabaseError):
    """Raised by a sending run when the database stops recording it (full, locked, unreachable): the run
    stopped sending; `report` says what it did, `database_full` whether the disk is full (no quick retry)."""

    def __init__(self, message: str, report, *, database_full: bool) -> None:
        super().__init__(message)
        self.report = report
        self.database_full = database_full


class TelegramError(DigestError):
    """Raised by digests.telegram when the Bot API refuses a request; `code` and `description` are Telegram's."""

    def __init__(self, message: str, *, code: int = 0, description: str = "", retry_after: float | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.description = description or message
        self.retry_after = retry_after


class BotTokenError(TelegramError):
    """Raised by digests.telegram when there is no bot token or Telegram does not know it (401/404)."""


class ChatRefusedError(TelegramError):
    """Raised by digests.telegram when a chat will not take the bot's messages (403 kicked, not an admin; chat not found)."""


class MarkupRefusedError(TelegramError):
    """Raised by digests.telegram for a 400 "can't parse entities": the HTML of a message was refused."""


class MessageGoneError(TelegramError):
    """Raised by digests.telegram when a posted message cannot be edited any more (deleted in the chat)."""


class TelegramRequestError(TelegramError):
    """Raised by digests.telegram for any other refused request (400): sending it again will not help."""


class TelegramUnavailableError(TelegramError):
    """Raised by digests.telegram when the Bot API cannot be reached, keeps failing (5xx) or asks to wait too long."""
