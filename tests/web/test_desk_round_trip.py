"""The desk's call form keeps what it does not change, for every shape of call Fursa stores.

Each case stores a call (as a crawl does, then sets its tags), loads the desk page, and posts the
form exactly as rendered: nothing on the row may change, and no audit entry, tag correction or
"tags edited" mark may appear. Then the same form with only the levels changed: only the levels
(and the "edited by staff" mark) may change.

The cases cover every value of every dimension at least once (field shapes with 2-, 3- and 4-digit
codes and exclusions, every kind and several level sets, every deadline shape, every eligibility
answer, regions, titles a crawl may give); the other dimensions of each case are drawn with a fixed
seed, so a failure names a case that can be run again.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import inspect, select

from fursa import storage, web
from fursa.storage import KINDS, LEVELS, closing_instant
from tests.web.conftest import ADMIN, NOW, CallMaker, TestClient, log_in, make_context, make_settings
from tests.web.rendered_form import rendered_form, with_values

FIELD_SHAPES = (
    ((), ()), (("any",), ()), (("all",), ()), (("07",), ()), (("071",), ()), (("0712",), ()),
    (("0712", "081"), ()), (("081", "07", "0712"), ()), (("any",), ("09",)), (("any",), ("091", "0114")),
    (("any",), ("0912",)), (("all",), ("01",)),
    (("0988",), ()),   # a code the taxonomy no longer has (stored before it changed): kept, never dropped
)
LEVEL_SHAPES = ((), ("bachelor",), LEVELS, ("phd", "bachelor"), ("faculty", "staff"))
# (kind, instant in UTC, zone as stored, date of a date-only deadline)
DEADLINES = (
    ("unknown", None, None, None),
    ("rolling", None, None, None),
    ("date", closing_instant(date(2027, 1, 15)), None, date(2027, 1, 15)),                      # a date alone
    ("date", closing_instant(date(2027, 3, 31)), "Europe/Brussels", date(2027, 3, 31)),         # ... in the funder's zone
    ("date", datetime(2027, 1, 15, 21, 59, tzinfo=timezone.utc), None, None),                   # a time, no zone
    ("date", datetime(2027, 3, 31, 22, 59, 59, tzinfo=timezone.utc), "Europe/Brussels", None),  # to the second
    ("date", datetime(2027, 2, 1, 17, 0, tzinfo=timezone.utc), "UTC", None),
    ("date", datetime(2027, 6, 30, 13, 30, 15, tzinfo=timezone.utc), "America/New_York", None),
    ("date", datetime(2027, 7, 1, 9, 0, tzinfo=timezone.utc), None, None),                      # summer time
    ("date", datetime(2026, 10, 1, 12, 0, tzinfo=timezone.utc), "Asia/Hebron", None),           # already passed
)
ELIGIBILITY = (True, False, None)
REGIONS = ((), ("palestine",), ("mena", "worldwide"))
TITLES = ("Erasmus+ exchange for engineering students", "منحة دراسية للطلاب الفلسطينيين في جميع التخصصات",
          "  DAAD  scholarship (with  double spaces)  ", "A very long call title " * 30)


@dataclass(frozen=True)
class Shape:
    fields: tuple[tuple[str, ...], tuple[str, ...]]
    kind: str
    levels: tuple[str, ...]
    deadline: tuple[str, datetime | None, str | None, date | None]
    eligible: bool | None
    regions: tuple[str, ...]
    title: str

    def __str__(self) -> str:
        kind, at, zone, day = self.deadline
        deadline = f"{kind}{'-day' if day else ''}{at:%d%H%M%S}{zone or ''}" if at else kind
        return (f"{'+'.join(self.fields[0]) or 'none'}-x{'+'.join(self.fields[1])}-{self.kind}-"
                f"{'+'.join(self.levels) or 'nolevel'}-{deadline}-{self.eligible}-{'+'.join(self.regions)}-{len(self.title)}")


def _shapes() -> list[Shape]:
    dimensions = {"fields": FIELD_SHAPES, "kind": KINDS, "levels": LEVEL_SHAPES, "deadline": DEADLINES,
                  "eligible": ELIGIBILITY, "regions": REGIONS, "title": TITLES}
    rng = random.Random(14)
    cases = []
    for name, values in dimensions.items():
        for value in values:
            drawn = {other: rng.choice(choices) for other, choices in dimensions.items()}
            cases.append(Shape(**{**drawn, name: value}))
    return cases


SHAPES = _shapes()


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """One database and one signed-in admin for every case (each case stores its own call)."""
    ctx = make_context(make_settings(tmp_path_factory.mktemp("round-trip")))
    with ctx.sessions.begin() as session:
        storage.add_user(session, ADMIN[0], ADMIN[1], "admin", NOW)
    with TestClient(web.create_app(ctx, clock=lambda: NOW), base_url="http://testserver") as client:
        log_in(client, ADMIN)
        yield ctx, client


def _store(make_call, shape: Shape) -> int:
    kind, at, zone, day = shape.deadline
    return make_call(shape.title, deadline_days=None, url=f"https://example.org/round-trip/{SHAPES.index(shape)}",
                     text=f"Open to students of Palestinian universities; case {shape}.", kind=shape.kind, levels=list(shape.levels),
                     disciplines=list(shape.fields[0]), excluded=list(shape.fields[1]),
                     palestinian_eligible=shape.eligible, regions=list(shape.regions),
                     eligibility_evidence=["open to palestinians"] if shape.eligible else [],
                     deadline_kind=kind, deadline_at=at, deadline_tz=zone, deadline_date=day, evidence={"07": ["engineering"]})


def snapshot(ctx, call_id: int) -> dict[str, Any]:
    """Every column of the call, as stored."""
    with ctx.sessions() as session:
        row = session.get(storage.Opportunity, call_id)
        return {column.key: getattr(row, column.key) for column in inspect(storage.Opportunity).column_attrs}


def trail(ctx, call_id: int) -> tuple[int, int]:
    """How many audit entries and tag corrections the call has."""
    with ctx.sessions() as session:
        audit = session.scalars(select(storage.AuditEntry).where(storage.AuditEntry.target_type == "opportunity",
                                                                 storage.AuditEntry.target_id == call_id))
        corrections = session.scalars(select(storage.TagCorrection).where(
            storage.TagCorrection.opportunity_id == call_id))
        return len(audit.all()), len(corrections.all())


def post_pairs(client, path: str, pairs: list[tuple[str, str]]):
    return client.post(path, content=urlencode(pairs), follow_redirects=False,
                       headers={"content-type": "application/x-www-form-urlencoded"})


# Columns a change of tags rewrites by itself: the staff mark, and the search index's copy of the tags.
DERIVED = frozenset({"tags_edited", "search_text", "search_version"})


def _changed(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    return {name for name in before if before[name] != after[name]}


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_saving_the_form_as_rendered_changes_nothing_and_a_level_change_changes_only_the_levels(desk, shape):
    ctx, admin_client = desk
    call_id = _store(CallMaker(ctx, NOW), shape)
    path = f"/desk/calls/{call_id}"
    before = snapshot(ctx, call_id)

    response = post_pairs(admin_client, path, rendered_form(admin_client.get(path).text, path))
    assert response.status_code == 303, response.text
    assert _changed(before, snapshot(ctx, call_id)) == set()
    assert trail(ctx, call_id) == (0, 0)
    assert "Nothing to change." in admin_client.get(path).text

    new_levels = ["postdoc"] if shape.levels != ("postdoc",) else ["master"]
    form = with_values(rendered_form(admin_client.get(path).text, path), levels=new_levels)
    assert post_pairs(admin_client, path, form).status_code == 303
    after = snapshot(ctx, call_id)
    assert _changed(before, after) - DERIVED == {"levels"}
    assert after["levels"] == new_levels and after["tags_edited"] is True
    with ctx.sessions() as session:
        corrections = session.scalars(select(storage.TagCorrection).where(
            storage.TagCorrection.opportunity_id == call_id)).all()
    assert [(c.field, c.before, c.after) for c in corrections] == [("levels", list(shape.levels), new_levels)]


def test_the_cases_cover_every_kind_level_field_shape_deadline_and_answer():
    """The generator's promise, checked: each value of each dimension is in some case."""
    seen = {name: {getattr(s, name) for s in SHAPES} for name in Shape.__dataclass_fields__}
    assert seen["kind"] == set(KINDS) and seen["eligible"] == set(ELIGIBILITY)
    assert seen["fields"] == set(FIELD_SHAPES) and seen["deadline"] == set(DEADLINES)
    assert {len(code) for codes, _ in seen["fields"] for code in codes if code.isdigit()} == {2, 3, 4}
