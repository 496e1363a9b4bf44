"""Staff passwords: argon2 hashes, made and checked in one place.

Both doors need them: `fursa users add` and `fursa users password` hash, the desk's sign-in
verifies. Keeping the hasher here, below both, lets the command line make an account without
loading the web application.
"""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from fursa.storage.errors import WeakPasswordError

MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()
# Verifying against this when the address is unknown makes both answers take as long.
_DUMMY_HASH = _hasher.hash("not a real password, only for equal timing")


def hash_password(password: str) -> str:
    """The argon2 hash to store for a new password; a short one raises WeakPasswordError."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPasswordError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` opens `password_hash`; with no hash (unknown account) it costs as much and says no."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's: rehash at the next sign-in."""
    return _hasher.check_needs_rehash(password_hash)


def rehash(password: str) -> str:
    """A fresh hash of a password that just verified (no length check: it is already in use)."""
    return _hasher.hash(password)
