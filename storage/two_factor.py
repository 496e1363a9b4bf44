"""Two-factor sign-in for staff: a time-based code from an authenticator app (TOTP, RFC 6238) and
one-time recovery codes for a lost phone.

The TOTP secret must be read back to check a code, so it is stored as the app holds it; recovery
codes are random (80 bits) and only their SHA-256 is kept. Each TOTP time step is accepted once
(`User.totp_last_step`), so a code seen over a shoulder or in a log cannot be used again.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from fursa.storage.errors import InvalidUserError
from fursa.storage.models import RecoveryCode, User

ISSUER = "Fursa"
RECOVERY_CODE_COUNT = 10
# Crockford's base-32 letters (no i, l, o, u): nothing to misread when typing a code from paper.
_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_CODE_LENGTH = 16   # 80 bits
_MISREAD = str.maketrans({"i": "1", "l": "1", "o": "0"})
_TOTP_CODE = re.compile(r"\d{6}")


@dataclass(frozen=True)
class SecondFactor:
    """A second factor that was accepted: which kind, and how many recovery codes are left."""

    kind: str   # "totp" or "recovery"
    recovery_left: int


def has_two_factor(user: User) -> bool:
    """Whether the account signs in with a code after its password."""
    return user.totp_enabled_at is not None and bool(user.totp_secret)


def begin_enrolment(user: User) -> str:
    """The secret to show for enrolment: the one kept from an earlier visit, or a new one.

    Raises InvalidUserError for an account that already has two-factor sign-in.
    """
    if has_two_factor(user):
        raise InvalidUserError(f"{user.email} already signs in with two factors; turn them off first")
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
    return user.totp_secret


def enrolment_uri(user: User, issuer: str = ISSUER) -> str:
    """The otpauth:// address an authenticator app reads (typed in, or from the QR code)."""
    if not user.totp_secret:
        raise InvalidUserError(f"{user.email} has no two-factor secret yet; begin the enrolment first")
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=issuer)


def confirm_enrolment(session: Session, user: User, code: str, now: datetime) -> list[str] | None:
    """Turn two-factor sign-in on when `code` comes from the app holding the pending secret.

    Returns the new recovery codes (shown once, never stored as such), or None for a wrong code.
    """
    if has_two_factor(user) or not user.totp_secret or not _accept_totp(user, code, now):
        return None
    user.totp_enabled_at = now
    return replace_recovery_codes(session, user, now)


def check_second_factor(session: Session, user: User, code: str, now: datetime) -> SecondFactor | None:
    """Accept a six-digit code from the app, or an unused recovery code (then used up); None if neither."""
    if not has_two_factor(user):
        return None
    typed = "".join(code.split())
    if _TOTP_CODE.fullmatch(typed):
        return SecondFactor("totp", recovery_codes_left(session, user)) if _accept_totp(user, typed, now) else None
    normal = _normal_recovery_code(typed)
    if normal is None:
        return None
    row = session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _code_hash(normal), RecoveryCode.used_at.is_(None)))
    if row is None:
        return None
    row.used_at = now
    session.flush()
    return SecondFactor("recovery", recovery_codes_left(session, user))


def replace_recovery_codes(session: Session, user: User, now: datetime) -> list[str]:
    """New recovery codes for the account, the old ones void; returns them for showing once."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(_ALPHABET) for _ in range(_CODE_LENGTH)) for _ in range(RECOVERY_CODE_COUNT)]
    session.add_all(RecoveryCode(user_id=user.id, code_hash=_code_hash(code), created_at=now) for code in codes)
    session.flush()
    return ["-".join(code[i:i + 4] for i in range(0, _CODE_LENGTH, 4)) for code in codes]


def recovery_codes_left(session: Session, user: User) -> int:
    return session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def turn_off_two_factor(session: Session, user: User) -> None:
    """Back to password only: the secret and the recovery codes are forgotten (a curator's choice,
    or an admin's lost phone, after which the next sign-in enrols again)."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def _accept_totp(user: User, code: str, now: datetime) -> bool:
    """The code of the step before, at or after now (clocks drift), each step accepted once."""
    code = "".join(code.split())
    if not _TOTP_CODE.fullmatch(code) or not user.totp_secret:
        return False
    totp = pyotp.TOTP(user.totp_secret)
    step = totp.timecode(now)
    last = user.totp_last_step if user.totp_last_step is not None else -1
    for candidate in (step - 1, step, step + 1):
        if candidate > last and hmac.compare_digest(totp.generate_otp(candidate), code):
            user.totp_last_step = candidate
            return True
    return False


def _normal_recovery_code(typed: str) -> str | None:
    code = typed.replace("-", "").lower().translate(_MISREAD)
    if len(code) != _CODE_LENGTH or any(ch not in _ALPHABET for ch in code):
        return None
    return code


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()
