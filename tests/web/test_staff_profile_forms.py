"""Bad input in the staff profile (issue 15.4): a unit not on the list or a job title over 120
characters is refused beside its field, with what was typed shown again and nothing stored; a student
who sends a unit keeps none. Before this change the form had no such fields and ignored them."""
from __future__ import annotations

from sqlalchemy import select

from fursa import storage
from tests.web.conftest import csrf_of

FORM = {"email": "staff@ppu.edu", "name": "Huda", "role": "staff", "language": "en", "frequency": "weekly"}


def _subscribe(client, **changes):
    token = csrf_of(client.get("/subscribe").text)
    return client.post("/subscribe", data={**FORM, **changes, "csrf_token": token})


def _stored(ctx) -> list[tuple[str, str, str, str]]:
    with ctx.sessions() as session:
        return [(s.email, s.role, s.unit, s.job_title) for s in session.scalars(select(storage.Subscriber))]


def test_a_unit_not_on_the_list_and_a_long_job_title_are_refused_beside_their_fields(client, ctx):
    response = _subscribe(client, unit="canteen", job_title="x" * 121)
    assert response.status_code == 400
    assert 'id="unit-error"' in response.text and "Choose your unit from the list." in response.text
    assert 'id="job_title-error"' in response.text and "at most 120 characters" in response.text
    assert _stored(ctx) == []


def test_a_student_who_sends_a_unit_keeps_none(client, ctx):
    assert _subscribe(client, role="student", unit="finance", job_title="Treasurer").status_code == 200
    assert _stored(ctx) == [("staff@ppu.edu", "student", "", "")]


def test_the_staff_profile_is_stored_from_the_form(client, ctx):
    assert _subscribe(client, unit="international_relations", job_title="Erasmus+ officer").status_code == 200
    assert _stored(ctx) == [("staff@ppu.edu", "staff", "international_relations", "Erasmus+ officer")]
