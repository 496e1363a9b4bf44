"""Issue 5's bad-input table, end to end over SMTP: each case is handled, recorded, and never blocks the others."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pytest
from sqlalchemy import select
from fursa.storage import Delivery

from fursa.digests import send_digests
from tests.digests.conftest import NOW, add_call, add_person


@dataclass(frozen=True)
class Case:
    name: str
    setup: Callable  # (session, sink) -> the odd subscriber's address as stored
    state: str | None  # the odd subscriber's ledger state after the run
    check: Callable = lambda message, delivery: True


def stored_as(address):
    def setup(session, sink):
        row = add_person(session, "placeholder@ppu.edu")
        row.email = address
        session.commit()
        return address
    return setup


def refused_with(reply):
    def setup(session, sink):
        sink.behaviour.rcpt["odd@ppu.edu"] = reply
        add_person(session, "odd@ppu.edu")
        return "odd@ppu.edu"
    return setup


def person_with_call(**call_fields):
    def setup(session, sink):
        add_person(session, "odd@ppu.edu", disciplines=("0531",), language="ar")
        add_call(session, call_fields.pop("title", "Chemistry call"), disciplines=("0531",), **call_fields)
        return "odd@ppu.edu"
    return setup


def no_fields(session, sink):
    add_person(session, "odd@ppu.edu", disciplines=())
    return "odd@ppu.edu"


def dropping_server(session, sink):
    sink.behaviour.drop_after = 1
    add_person(session, "odd@ppu.edu")
    return "odd@ppu.edu"


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message):
    return message.get_body(preferencelist=("html",)).get_content()


CASES = [
    Case("address without @", stored_as("lina.ppu.edu"), "failed",
         lambda m, d: "exactly one '@'" in d.error),
    Case("non-ASCII mailbox", stored_as("ليلى@ppu.edu"), "failed",
         lambda m, d: "plain ASCII" in d.error),
    Case("internationalized domain", stored_as("lina@جامعة.فلسطين"), "sent",
         lambda m, d: m["To"].addresses[0].domain.startswith("xn--")),
    Case("no fields chosen", no_fields, "sent",
         lambda m, d: "You have not chosen any fields yet" in text_of(m)),
    Case("call without a deadline", person_with_call(deadline=None), "sent",
         lambda m, d: "غير محدد: راجع الإعلان" in text_of(m) and m.get_content_type() == "multipart/alternative"),
    Case("2,000-character title", person_with_call(title="منحة " * 400), "sent",
         lambda m, d: max(len(line) for line in text_of(m).splitlines()) < 320 and len(m["Subject"]) < 100),
    Case("HTML and right-to-left marks in a title",
         person_with_call(title="<img src=x onerror=alert(1)>\u202eمنحة\u202c \u200fكيمياء"), "sent",
         lambda m, d: "<img" not in html_of(m) and "&lt;img" in html_of(m) and "\u202e" not in text_of(m)),
    Case("550 for the address", refused_with("550 5.1.1 no such user"), "failed",
         lambda m, d: "550" in d.error),
    Case("421 for the address", refused_with("421 4.7.0 try again later"), "deferred",
         lambda m, d: "421" in d.error or "closing" in d.error),
    Case("server drops the connection after each message", dropping_server, "sent",
         lambda m, d: d.attempts == 1),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_is_handled_recorded_and_blocks_no_one(case, session, sink, smtp_config):
    add_person(session, "before@ppu.edu")
    odd = case.setup(session, sink)
    add_person(session, "after@ppu.edu")
    add_call(session, "Software engineering scholarship")

    report = send_digests(session, now=NOW, config=smtp_config)

    received = sink.by_recipient()
    assert "before@ppu.edu" in received and "after@ppu.edu" in received, report.describe()
    delivery = session.scalar(select(Delivery).join(Delivery.subscriber).where(Delivery.subscriber.has(email=odd)))
    assert delivery is not None and delivery.state == case.state, (delivery and delivery.error)
    if case.state == "sent":
        address = [rcpt for rcpt in received if rcpt not in ("before@ppu.edu", "after@ppu.edu")]
        message = received[address[0]][0].parsed()
        assert case.check(message, delivery)
    else:
        assert delivery.error and case.check(None, delivery)
        assert any(line for line in report.failures), "the failure is reported in words"
