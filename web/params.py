"""What handlers accept from an address or a form: row numbers and offsets the databases can hold,
text without control characters.

The schema's id columns are INTEGER: 32 bits on PostgreSQL (2**31 - 1 at most), 64 on SQLite. A
bigger number in a query is the driver's error ("integer out of range", or OverflowError past
2**63), a 500, not "not found"; and a NUL in text is refused by PostgreSQL. So ranges are checked
here, at the edge: a path id outside them is a malformed address (400 page, 422 in the API), a
form's number outside them is no number; text loses its control characters.
"""
from __future__ import annotations

import re
from typing import Annotated

from fastapi import Path, Query

# The largest id a row can have on both databases (PostgreSQL's INTEGER).
MAX_ROW_ID = 2**31 - 1
# Far past any list Fursa will hold, and small enough that offset + limit stays a 64-bit integer.
MAX_OFFSET = 2**31 - 1

# A page of a public list: the list says "no such page" past its last one; this bound only keeps
# page * size a number the databases take.
MAX_PAGE = 1_000_000
PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE, description="the page of the list, from 1")]

RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="a row number, 1 to 2^31 - 1")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="how many items to skip, 0 to 2^31 - 1")]

# C0 controls other than tab, newline and carriage return, DEL, and the two noncharacters XML 1.0
# forbids; with them go lone surrogates, which no encoder writes.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def row_id(text: str) -> int | None:
    """A form's row number: ASCII digits within 1 … MAX_ROW_ID, else None ('²' and '١٢' are digits to
    str.isdigit but not numbers staff typed)."""
    text = text.strip()
    # The length test comes first: int() refuses strings past 4,300 digits with a ValueError.
    digits = text.lstrip("0")
    if not (text.isascii() and text.isdigit()) or len(digits) > len(str(MAX_ROW_ID)):
        return None
    number = int(digits or "0")
    return number if 1 <= number <= MAX_ROW_ID else None


def strip_controls(text: str) -> str:
    """`text` without the characters XML, iCalendar and PostgreSQL text refuse (NUL, other controls)."""
    return _CONTROL.sub("", text)
