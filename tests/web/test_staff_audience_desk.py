"""Who a call is for, at the desk and in the API (issue 15.4): staff tick "Administrative staff" on a
call's page, it is stored, audited and kept from the tagger; the form sent back as rendered changes
nothing; the JSON API gives each call's audiences. Before this change the page had no such field and
the API no `audiences`."""
from __future__ import annotations

from sqlalchemy import select

from fursa import storage
from tests.web.conftest import ADMIN
from tests.web.rendered_form import rendered_form, with_values
from tests.web.test_desk_round_trip import post_pairs


def _row(ctx, call_id: int) -> storage.Opportunity:
    with ctx.sessions() as session:
        return session.get(storage.Opportunity, call_id)


def _audit(ctx) -> list[tuple[str, str, dict]]:
    with ctx.sessions() as session:
        return [(e.actor, e.action, e.details) for e in session.scalars(select(storage.AuditEntry))]


def test_staff_mark_a_call_for_administrative_staff(admin_client, ctx, make_call):
    call_id = make_call("Erasmus+ mobility for training", kind="training", audiences=["student"], status="approved")
    path = f"/desk/calls/{call_id}"
    form = rendered_form(admin_client.get(path).text, path)
    assert ("audiences", "student") in form and ("audiences", "staff") not in form

    assert post_pairs(admin_client, path, form).status_code == 303
    assert _row(ctx, call_id).audiences == ["student"] and _audit(ctx) == []   # unchanged: nothing recorded

    response = post_pairs(admin_client, path, with_values(form, audiences=["staff"]))
    assert response.status_code == 303
    row = _row(ctx, call_id)
    assert row.audiences == ["staff"] and row.tags_edited
    assert _audit(ctx) == [(ADMIN[0], "edit", {"audiences": {"before": ["student"], "after": ["staff"]}})]
    listed = {call["id"]: call for call in admin_client.get("/api/v1/calls").json()["items"]}
    assert listed[call_id]["audiences"] == ["staff"]


def test_an_unknown_audience_is_refused_beside_the_field(admin_client, ctx, make_call):
    call_id = make_call("Staff week", audiences=[])
    path = f"/desk/calls/{call_id}"
    form = rendered_form(admin_client.get(path).text, path)
    response = post_pairs(admin_client, path, with_values(form, audiences=["dean"]))
    assert response.status_code == 400
    assert "Choose who the call is for from the list only." in response.text
    assert _row(ctx, call_id).audiences == [] and _audit(ctx) == []
