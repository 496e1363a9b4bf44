"""A digest item says in one short line what the call states it pays (issue 16.3), in English and in
Arabic (Arabic digits), and says nothing when the call states nothing."""
from __future__ import annotations

from fursa.matching import find_details
from tests.digests.test_render import call, person, render

TEXT = ("Benefits\nThe scholarship covers tuition fees, health insurance and a stipend of up to 1,200 € per month.\n"
        "It is a fully funded programme that lasts 12 months.")


def _with_details(id, title="Software scholarship", text=TEXT):
    return call(id, title, summary="", text=text, details=find_details(title, text).as_dict())


def test_the_item_says_what_the_call_pays_in_english():
    rendered = render(person(), [_with_details(1)])
    line = "What it pays: Fully funded · tuition, stipend, health insurance · up to 1,200 EUR a month · 12 months"
    assert line in rendered.text
    assert "What it pays:</span> Fully funded · tuition, stipend, health insurance" in rendered.html


def test_the_item_says_it_in_arabic():
    rendered = render(person(language="ar"), [_with_details(1)])
    assert "ما تقدّمه: ممولة بالكامل · الرسوم الدراسية، مخصص شهري، التأمين الصحي · حتى ١,٢٠٠ EUR شهريًا · ١٢ شهرًا" \
        in rendered.text


def test_a_call_that_states_nothing_has_no_line():
    rendered = render(person(), [call(1, summary="", text=""), _with_details(2, "Exchange week", "Open to all students.")])
    assert "What it pays" not in rendered.text and "What it pays" not in rendered.html
