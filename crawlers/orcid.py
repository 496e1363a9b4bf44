"""ORCID: checking an iD and reading a researcher's public works list (one interactive httpx fetch).

The iD's last character is an ISO 7064 MOD 11-2 check digit, checked before anything is fetched,
so a mistyped iD is answered at once and never sent anywhere. The works list is the public API's
`GET {base}/{iD}/works` in JSON: `group[]`, each with `work-summary[]`, each with `title.title.value`
(and optionally `title.subtitle.value`, `journal-title.value`, `publication-date.year.value`). The
titles are what a research profile reads; an answer in any other shape is refused with a message.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import httpx

from fursa.crawlers.errors import OrcidFetchError, OrcidFormatError, OrcidIdError

PUBLIC_API = "https://pub.orcid.org/v3.0"
MAX_BYTES = 5_000_000          # a works list of thousands of works is a few MB; past this something is wrong
TIMEOUT_S = 15.0
USER_AGENT = "Fursa/0.1 (research profiles; +https://github.com/ppu/fursa)"
_ID = re.compile(r"^(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$")
_PREFIXES = ("https://orcid.org/", "http://orcid.org/", "orcid.org/", "https://www.orcid.org/", "http://www.orcid.org/")


@dataclass(frozen=True)
class OrcidWork:
    """One work of a works list: its title (with subtitle), journal and year when the record has them."""

    title: str
    journal: str = ""
    year: str = ""


def check_digit(base_digits: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 15 digits of an iD ("X" stands for 10)."""
    total = 0
    for digit in base_digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def check_orcid_id(raw: str) -> str:
    """The iD as 0000-0002-1825-0097 from what a person typed (with or without the orcid.org address,
    dashes or spaces); raises OrcidIdError saying what is wrong."""
    text = raw.strip()
    for prefix in _PREFIXES:
        if text.lower().startswith(prefix):
            text = text[len(prefix):]
            break
    text = text.replace(" ", "").upper()
    found = _ID.match(text)
    if not found:
        raise OrcidIdError(f"{raw.strip()[:40]!r} is not an ORCID iD: it has 16 characters in four groups of four, "
                           "such as 0000-0002-1825-0097 (the last may be X)")
    digits = "".join(found.groups())
    if check_digit(digits[:15]) != digits[15]:
        raise OrcidIdError(f"{'-'.join(found.groups())} is not a valid ORCID iD: its last character does not match "
                           "the others (a mistyped digit?); copy it from your ORCID record")
    return "-".join(found.groups())


def works_url(orcid_id: str, base_url: str = PUBLIC_API) -> str:
    return f"{base_url.rstrip('/')}/{orcid_id}/works"


def fetch_orcid_works(raw_id: str, *, base_url: str = PUBLIC_API, timeout_s: float = TIMEOUT_S,
                      max_bytes: int = MAX_BYTES) -> tuple[OrcidWork, ...]:
    """The public works of an ORCID record; the iD is checked first (OrcidIdError), then fetched
    (OrcidFetchError: unreachable, 404, an error status, too big) and read (OrcidFormatError)."""
    orcid_id = check_orcid_id(raw_id)
    url = works_url(orcid_id, base_url)
    try:
        with httpx.Client(timeout=timeout_s, follow_redirects=True, max_redirects=3,
                          headers={"Accept": "application/json", "User-Agent": USER_AGENT}) as client:
            with client.stream("GET", url) as response:
                if response.status_code == 404:
                    raise OrcidFetchError(f"ORCID has no record {orcid_id} (404); check the iD on orcid.org")
                if response.status_code != 200:
                    raise OrcidFetchError(f"ORCID answered {response.status_code} for {orcid_id}'s works; "
                                          "try again later, or add your publications by hand")
                body = _read_capped(response, max_bytes, orcid_id)
    except httpx.HTTPError as exc:
        raise OrcidFetchError(f"could not reach ORCID at {base_url} ({type(exc).__name__}: {exc}); "
                              "try again later, or add your publications by hand") from None
    return parse_orcid_works(body)


def _read_capped(response: httpx.Response, max_bytes: int, orcid_id: str) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise OrcidFetchError(f"{orcid_id}'s works list is larger than {max_bytes:,} bytes; add your main "
                                  "publications by hand instead")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_orcid_works(body: bytes | str) -> tuple[OrcidWork, ...]:
    """The works of a `/works` answer, one per group (its first summary with a title), in the record's order."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise OrcidFormatError(f"ORCID's answer is not JSON ({exc}); the works list could not be read") from None
    groups = _member(data, "group", list, "the answer")
    works = []
    for number, group in enumerate(groups, 1):
        summaries = _member(group, "work-summary", list, f"group {number}")
        for summary in summaries:
            work = _work_of(summary, number)
            if work is not None:
                works.append(work)
                break
    return tuple(works)


def _work_of(summary: Any, number: int) -> OrcidWork | None:
    where = f"group {number}'s work-summary"
    if not isinstance(summary, dict):
        raise OrcidFormatError(f"ORCID's answer is not a works list: {where} is not an object")
    title_block = _optional(summary, "title", where)
    if title_block is None:
        return None
    title = _value(_optional(title_block, "title", where), where + " title")
    if not title:
        return None
    subtitle = _value(_optional(title_block, "subtitle", where), where + " subtitle")
    journal = _value(_optional(summary, "journal-title", where), where + " journal-title")
    date = _optional(summary, "publication-date", where)
    year = _value(_optional(date, "year", where), where + " year") if date is not None else ""
    return OrcidWork(f"{title}: {subtitle}" if subtitle else title, journal, year)


def _member(data: Any, key: str, kind: type, where: str) -> Any:
    if not isinstance(data, dict):
        raise OrcidFormatError(f"ORCID's answer is not a works list: {where} is not an object")
    if key not in data:
        raise OrcidFormatError(f"ORCID's answer is not a works list: {where} has no {key!r}")
    value = data[key]
    if not isinstance(value, kind):
        raise OrcidFormatError(f"ORCID's answer is not a works list: {where}'s {key!r} is not a {kind.__name__}")
    return value


def _optional(data: Any, key: str, where: str) -> Any:
    """A member the documentation allows to be null or absent; anything but an object or null is refused."""
    if not isinstance(data, dict):
        raise OrcidFormatError(f"ORCID's answer is not a works list: {where} is not an object")
    value = data.get(key)
    if value is not None and not isinstance(value, dict):
        raise OrcidFormatError(f"ORCID's answer is not a works list: {where}'s {key!r} is not an object")
    return value


def _value(block: dict | None, where: str) -> str:
    if block is None:
        return ""
    value = block.get("value")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise OrcidFormatError(f"ORCID's answer is not a works list: {where}'s value is not text")
    return " ".join(value.split())
