"""Digests: a call that names a partner institution carries a Partner badge (HTML and text, English and
Arabic) and comes before every other call, featured ones included."""
from __future__ import annotations

from datetime import timedelta

from fursa.digests.selection import OpenCalls
from tests.digests.conftest import NOW
from tests.digests.test_render import call, person, render


def test_partner_calls_rank_first_and_carry_the_badge():
    calls = [call(1, "Featured scholarship", featured=True, deadline=NOW + timedelta(days=3)),
             call(2, "Plain scholarship", deadline=NOW + timedelta(days=2)),
             call(3, "Scholarship at a partner university", partnered=True, deadline=NOW + timedelta(days=40))]
    ranked = [item.opportunity_id for item in OpenCalls(calls, now=NOW).select(person())]
    assert ranked == [3, 1, 2]
    english = render(person(), calls)
    assert english.text.count("[Partner]") == 1 and "[Partner] Scholarship at a partner university" in english.text
    assert english.html.count('class="badge partner"') == 1
    arabic = render(person(language="ar"), calls)
    assert "[شريك]" in arabic.text and arabic.html.count("شريك") >= 1


def test_calls_without_the_flag_have_no_badge():
    rendered = render(person(), [call(1), call(2, "Another")])
    assert "[Partner]" not in rendered.text and "badge partner" not in rendered.html
