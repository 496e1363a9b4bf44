"""ORCID: the iD's check digit (before any fetch), the works list in the documented JSON shape, and the
fetch through httpx from a real HTTP server on loopback (never the live service)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from fursa.crawlers.errors import OrcidFetchError, OrcidFormatError, OrcidIdError
from fursa.crawlers.orcid import check_digit, check_orcid_id, fetch_orcid_works, parse_orcid_works
from fursa.demo.loopback import LocalServer, Reply

WORKS = Path(__file__).parent / "data" / "orcid_works.json"   # written for Fursa in the documented v3.0 shape
GOOD_ID = "0000-0002-1825-0097"     # ORCID's own example iD


@pytest.mark.parametrize("raw, expected", [
    ("0000-0002-1825-0097", "0000-0002-1825-0097"),
    ("https://orcid.org/0000-0001-5109-3700", "0000-0001-5109-3700"),
    ("0000 0002 1694 233x", "0000-0002-1694-233X"),     # check character X, typed in lower case with spaces
    ("0000000218250097", "0000-0002-1825-0097"),
])
def test_a_valid_id_is_written_the_one_way(raw: str, expected: str) -> None:
    assert check_orcid_id(raw) == expected


def test_the_check_digit_is_iso_7064_mod_11_2() -> None:
    assert check_digit("000000021825009") == "7"
    assert check_digit("000000021694233") == "X"


@pytest.mark.parametrize("raw, words", [
    ("0000-0002-1825-0098", "last character does not match"),    # one digit off
    ("0000-0002-1852-0097", "last character does not match"),    # two digits swapped
    ("0000-0002-1825", "16 characters"),
    ("not an id", "16 characters"),
])
def test_a_wrong_id_is_refused_with_a_message(raw: str, words: str) -> None:
    with pytest.raises(OrcidIdError, match=words):
        check_orcid_id(raw)


def test_a_wrong_checksum_is_refused_before_anything_is_fetched() -> None:
    with LocalServer() as server:
        server.add("/0000-0002-1825-0098/works", Reply(200, WORKS.read_bytes()))
        with pytest.raises(OrcidIdError):
            fetch_orcid_works("0000-0002-1825-0098", base_url=server.base)
        assert server.requests == []


def test_the_works_list_gives_one_title_per_group() -> None:
    works = parse_orcid_works(WORKS.read_bytes())
    assert [w.title for w in works] == [
        "Solar-driven membrane distillation of brackish groundwater in the southern West Bank",
        "Fouling of reverse osmosis membranes: a field study of small village plants",
        "تحلية المياه المالحة بالطاقة الشمسية في فلسطين",
    ]   # the group whose only summary has no title is left out
    assert (works[0].journal, works[0].year) == ("Desalination and Water Treatment", "2023")
    assert works[1].journal == ""


def test_an_empty_record_has_no_works() -> None:
    assert parse_orcid_works(b'{"last-modified-date": null, "group": [], "path": "/x/works"}') == ()


@pytest.mark.parametrize("body, words", [
    (b"<html>Service unavailable</html>", "not JSON"),
    (b"\xff\xfe\x00", "not JSON"),
    (b"[]", "the answer is not an object"),
    (b'{"path": "/x/works"}', "has no 'group'"),
    (b'{"group": {"work-summary": []}}', "'group' is not a list"),
    (b'{"group": [{"external-ids": {}}]}', "group 1 has no 'work-summary'"),
    (b'{"group": [{"work-summary": "title"}]}', "'work-summary' is not a list"),
    (b'{"group": [{"work-summary": [{"title": "Membranes"}]}]}', "'title' is not an object"),
    (b'{"group": [{"work-summary": [{"title": {"title": {"value": 42}}}]}]}', "value is not text"),
    (b'{"group": [7]}', "group 1 is not an object"),
])
def test_an_answer_not_in_the_documented_shape_is_refused(body: bytes, words: str) -> None:
    with pytest.raises(OrcidFormatError, match=words):
        parse_orcid_works(body)


def test_the_fetch_reads_the_works_from_the_configured_base_url() -> None:
    with LocalServer() as server:
        server.add(f"/v3.0/{GOOD_ID}/works", Reply(200, WORKS.read_bytes(), {"Content-Type": "application/json"}))
        works = fetch_orcid_works(f"https://orcid.org/{GOOD_ID}", base_url=server.url("/v3.0/"))
        sent = server.seen(f"/v3.0/{GOOD_ID}/works")
    assert len(works) == 3
    assert len(sent) == 1 and sent[0].headers["accept"] == "application/json"


def test_an_unknown_record_is_a_404_with_a_message() -> None:
    with LocalServer() as server:
        with pytest.raises(OrcidFetchError, match="no record 0000-0002-1825-0097"):
            fetch_orcid_works(GOOD_ID, base_url=server.base)


def test_an_error_status_and_a_body_not_json_are_each_named() -> None:
    with LocalServer() as server:
        server.add(f"/{GOOD_ID}/works", Reply(503, b"busy"))
        with pytest.raises(OrcidFetchError, match="answered 503"):
            fetch_orcid_works(GOOD_ID, base_url=server.base)
        server.add(f"/{GOOD_ID}/works", Reply(200, b"<?xml version='1.0'?><activities/>", {"Content-Type": "application/xml"}))
        with pytest.raises(OrcidFormatError, match="not JSON"):
            fetch_orcid_works(GOOD_ID, base_url=server.base)


def test_an_oversized_answer_is_cut_off() -> None:
    body = json.dumps({"group": [], "padding": "x" * 50_000}).encode()
    with LocalServer() as server:
        server.add(f"/{GOOD_ID}/works", Reply(200, body))
        with pytest.raises(OrcidFetchError, match="larger than 10,000 bytes"):
            fetch_orcid_works(GOOD_ID, base_url=server.base, max_bytes=10_000)


def test_an_unreachable_server_is_named() -> None:
    with LocalServer() as server:
        base = server.base
    with pytest.raises(OrcidFetchError, match="could not reach ORCID"):
        fetch_orcid_works(GOOD_ID, base_url=base, timeout_s=2)
