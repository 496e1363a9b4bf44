"""Golden files of rendered digests: a reviewer sees every change to what readers get.

Refresh after an intended change with: FURSA_UPDATE_GOLDEN=1 python -m pytest tests/digests/test_golden.py
"""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from fursa.digests import render as render_module
from tests.digests.test_render import NOW, call, person, render

GOLDEN = Path(__file__).parent / "golden"
CALLS = [
    call(1, title="Erasmus+ master scholarship in software engineering", featured=True, deadline=NOW + timedelta(days=4)),
    call(2, title="منحة ماجستير في هندسة البرمجيات", provider="صندوق الطالب", deadline=None, deadline_kind="rolling"),
    call(3, title="<b>Open</b> call \u202efor all fields", disciplines=["any"], kind="exchange",
         deadline=NOW + timedelta(days=30)),
    call(4, title="Sent before and closing soon", deadline=NOW + timedelta(days=2)),
]


class _FixedTaxonomy:
    """Field names that do not move when matching's taxonomy data is edited: these files test the digest."""

    def name(self, code: str, language: str) -> str:
        return f"«{code} ({language})»"


@pytest.fixture(autouse=True)
def fixed_taxonomy(monkeypatch):
    monkeypatch.setattr(render_module, "_taxonomy", lambda: _FixedTaxonomy())
    for cache in (render_module.field_name, render_module._item_view):
        cache.cache_clear()
    yield
    for cache in (render_module.field_name, render_module._item_view):
        cache.cache_clear()


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("part", ["text", "html", "subject"])
def test_rendered_digest_matches_its_golden_file(language, part):
    rendered = render(person(language, name="ليلى" if language == "ar" else "Lina"), CALLS, sent={4})
    actual = getattr(rendered, part)
    path = GOLDEN / f"digest-{language}.{'txt' if part == 'text' else part}"
    if os.environ.get("FURSA_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"{path} is missing; create it with FURSA_UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8"), f"{path} changed; review, then refresh with FURSA_UPDATE_GOLDEN=1"
