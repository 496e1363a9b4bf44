"""Short, stable links to a public call: /c/<the call's id in base 36>.

The code is the row id and nothing else, so the link never changes when staff edit a title, and a
merged call's old link still leads (through the call page's redirect) to the call that survived.
"""
from __future__ import annotations

import string

_DIGITS = string.digits + string.ascii_lowercase
# The largest id a row can have on both databases (PostgreSQL's INTEGER): "zik0zj". A bigger number
# is no call's, and asking PostgreSQL for it would be its "integer out of range" error, not a 404.
_MAX_ID = 2**31 - 1
PREFIX = "/c/"


def short_code(call_id: int) -> str:
    """The call's id in base 36, lower case: 1 → "1", 36 → "10", 1295 → "zz"."""
    if call_id < 1:
        raise ValueError(f"a call id is a positive number, not {call_id}")
    digits = []
    while call_id:
        call_id, rest = divmod(call_id, 36)
        digits.append(_DIGITS[rest])
    return "".join(reversed(digits))


def call_id_of(code: str) -> int | None:
    """The call id a short code names, or None when `code` is not one (wrong letters, a leading zero, too long).

    Upper case is read as lower case: people retype links from a card or a poster.
    """
    code = code.lower()
    if not code or len(code) > len(short_code(_MAX_ID)) or code[0] == "0" or any(ch not in _DIGITS for ch in code):
        return None
    number = int(code, 36)
    return number if number <= _MAX_ID else None


def short_path(call_id: int) -> str:
    return PREFIX + short_code(call_id)


def short_link(base_url: str, call_id: int) -> str:
    """The absolute short link, on the site's public address."""
    return base_url.rstrip("/") + short_path(call_id)
