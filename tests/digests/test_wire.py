"""The direct MIME writer: byte for byte what build_message + the stdlib generator write, for every shape a digest takes."""
from __future__ import annotations

import string
from email import message_from_bytes
from email.policy import default

import pytest

from fursa.digests import build_envelope, build_message, render_digest
from fursa.digests.compose import compose_digest
from fursa.digests.messages import WIRE_POLICY
from fursa.digests.wire import message_bytes, new_boundaries, wire_envelope
from tests.digests.conftest import NOW, PERIOD
from tests.digests.test_messages import CONFIG
from tests.digests.test_render import call, person

NAMES = ["Lina", "ليلى", "", "Lina Al-Masri", "J. Smith", "O'Brien & \"Sons\" <b>", "Person 12", "x" * 90,
         "=?utf-8?q?caf=C3=A9?=", "Lina\r\nBcc: everyone@ppu.edu", "\u202eevil\u202c name \u200f", "a\u00a0b",
         "AT&T &amp; co &lt;", "<!-- c --> ]]> &#x41;", "\ufffe\ufeff zero\u200b \u2028", "emoji 🎓 \x85"]


def rendered_for(subscriber, calls):
    digest = compose_digest(subscriber, calls, sent_ids=set(), period=PERIOD, now=NOW, config=CONFIG)
    return render_digest(digest, CONFIG)


def stdlib_bytes(rendered, subscriber, boundaries) -> bytes:
    message = build_message(rendered, subscriber, CONFIG, now=NOW)
    mixed, alternative = boundaries
    if message.get_content_subtype() == "mixed":
        message.set_boundary(mixed)
        next(message.iter_parts()).set_boundary(alternative)
    else:
        message.set_boundary(alternative)
    return message.as_bytes(policy=WIRE_POLICY)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("language", ["en", "ar"])
def test_direct_bytes_equal_the_stdlib_generator(language, name):
    subscriber = person(language, name=name)
    rendered = rendered_for(subscriber, [call(1), call(2, deadline=None)])
    boundaries = new_boundaries()
    assert message_bytes(rendered, subscriber, CONFIG, now=NOW, boundaries=boundaries) == \
        stdlib_bytes(rendered, subscriber, boundaries)


def test_without_a_calendar_the_alternative_is_the_whole_message():
    subscriber = person("en")
    rendered = rendered_for(subscriber, [call(3, deadline=None)])
    assert rendered.ics is None
    boundaries = new_boundaries()
    data = message_bytes(rendered, subscriber, CONFIG, now=NOW, boundaries=boundaries)
    assert data == stdlib_bytes(rendered, subscriber, boundaries)
    assert message_from_bytes(data, policy=default).get_content_type() == "multipart/alternative"


@pytest.mark.parametrize("address", ["Lina.Haddad+fursa@PPU.edu", "lina@جامعة.فلسطين"])
def test_unusual_addresses_and_long_message_ids_are_folded_by_the_stdlib(address):
    subscriber = replace_person(person("ar", name="ليلى"), email=address, id=123456789012)
    rendered = rendered_for(subscriber, [call(1)])
    boundaries = new_boundaries()
    assert message_bytes(rendered, subscriber, CONFIG, now=NOW, boundaries=boundaries) == \
        stdlib_bytes(rendered, subscriber, boundaries)


def test_the_envelope_matches_build_envelope():
    subscriber = person("ar", name="ليلى")
    rendered = rendered_for(subscriber, [call(1)])
    fast = wire_envelope(rendered, subscriber, CONFIG, None, now=NOW, boundaries=new_boundaries())
    slow = build_envelope(build_message(rendered, subscriber, CONFIG, now=NOW), CONFIG, None)
    assert (fast.sender, fast.recipient, fast.message_id) == (slow.sender, slow.recipient, slow.message_id)
    parsed = message_from_bytes(fast.data, policy=default)
    for subtype, content in (("html", rendered.html), ("plain", rendered.text)):
        decoded = parsed.get_body(preferencelist=(subtype,)).get_content()
        assert decoded.replace("\r\n", "\n").rstrip("\n") == content.rstrip("\n")


BASE64_ALPHABET = set(string.ascii_letters + string.digits + "+/=")


def _delimiters(body: bytes, boundary: str) -> list[bytes]:
    """The lines of `body` that name `boundary`, but for the Content-Type parameter declaring it."""
    return [line for line in body.split(b"\r\n")
            if boundary.encode() in line and f'boundary="{boundary}"'.encode() not in line]


def test_one_pair_of_boundaries_serves_a_run_because_base64_never_contains_them():
    """One pair of boundaries for every message of a run, whatever the text says, even text that
    spells the boundaries out: in a body they occur only as delimiters, as base64 cannot write them."""
    mixed, alternative = boundaries = new_boundaries()
    assert mixed not in alternative and alternative not in mixed
    for boundary in boundaries:
        assert set(boundary) - BASE64_ALPHABET, f"{boundary} is made of base64 characters alone"
    spelled = f"--{mixed} --{alternative}-- {mixed}{alternative}"
    run = [(person("en", name=spelled), [call(1, title=f"Grant {spelled}"), call(2, deadline=None)]),
           (person("ar", name="ليلى"), [call(3, title=f"منحة {spelled}")]),
           (person("en", name="Lina"), [call(4, title=spelled, deadline=None)])]
    for subscriber, calls in run:
        rendered = rendered_for(subscriber, calls)
        assert spelled in rendered.text and spelled in rendered.html
        data = message_bytes(rendered, subscriber, CONFIG, now=NOW, boundaries=boundaries)
        body = data.partition(b"\r\n\r\n")[2]   # the headers may quote the name; a body is what gets split
        assert _delimiters(body, alternative) == [f"--{alternative}".encode()] * 2 + [f"--{alternative}--".encode()]
        in_mixed = [] if rendered.ics is None else [f"--{mixed}".encode()] * 2 + [f"--{mixed}--".encode()]
        assert _delimiters(body, mixed) == in_mixed
        parsed = message_from_bytes(data, policy=default)
        for subtype, content in (("html", rendered.html), ("plain", rendered.text)):
            decoded = parsed.get_body(preferencelist=(subtype,)).get_content()
            assert decoded.replace("\r\n", "\n").rstrip("\n") == content.rstrip("\n")


def replace_person(subscriber, **fields):
    values = dict(vars(subscriber))
    values.update(fields)
    return type(subscriber)(**values)


def test_the_calendar_part_says_utf_8_so_arabic_titles_decode():
    # RFC 5545 defaults to UTF-8, but mail readers (Python's among them) take an unlabelled text part as ASCII.
    subscriber = person("ar")
    rendered = rendered_for(subscriber, [call(4, title="منحة الماجستير في ألمانيا – ٢٠٢٧")])
    data = message_bytes(rendered, subscriber, CONFIG, now=NOW, boundaries=new_boundaries())
    calendar = next(part for part in message_from_bytes(data, policy=default).walk()
                    if part.get_content_type() == "text/calendar")
    assert calendar.get_content_charset() == "utf-8"
    unfolded = calendar.get_content().replace("\r\n ", "")   # RFC 5545 folds lines at 75 octets
    assert "منحة الماجستير في ألمانيا – ٢٠٢٧" in unfolded
