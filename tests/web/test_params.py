"""The form readers in web/params.py: what a person (or a fuzzer) can type into a row number."""
from __future__ import annotations

import pytest
from fursa.web.params import MAX_ROW_ID, row_id


@pytest.mark.parametrize("text, expected", [
    ("7", 7), (" 42 ", 42), (str(MAX_ROW_ID), MAX_ROW_ID), ("007", 7),
    ("0", None), (str(MAX_ROW_ID + 1), None), ("-3", None), ("١٢", None), ("²", None), ("", None),
])
def test_a_row_number_is_ascii_digits_within_range(text, expected):
    assert row_id(text) == expected


def test_thousands_of_digits_are_no_row_rather_than_an_error():
    # int() raises ValueError past 4,300 digits; a query string can carry that many.
    assert row_id("9" * 5000) is None
    assert row_id("0" * 5000 + "5") == 5
