"""The review queue and one call's desk page: approve, reject, bulk, feature, edit with corrections, merge."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone

from sqlalchemy import select

from fursa import storage
from tests.web.conftest import ADMIN, csrf_of
from tests.web.rendered_form import rendered_form, with_values
from tests.web.test_desk_round_trip import post_pairs, snapshot


def _post(client, path: str, data: dict, page: str | None = None):
    token = csrf_of(client.get(page or path).text)
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)


def _row(ctx, call_id: int) -> storage.Opportunity:
    with ctx.sessions() as session:
        return session.get(storage.Opportunity, call_id)


def _audit(ctx) -> list[tuple[str, str, int]]:
    with ctx.sessions() as session:
        return [(e.actor, e.action, e.target_id) for e in session.scalars(select(storage.AuditEntry).order_by(storage.AuditEntry.id))]


def test_queue_lists_new_calls_with_tags_and_evidence(admin_client, make_call):
    make_call("Fellowship in marine biology", kind="fellowship", levels=["postdoc"], disciplines=["05"],
              evidence={"05": ["marine biology"]}, flags=["deadline not found"])
    make_call("Already approved call", status="approved")
    page = admin_client.get("/desk/queue").text
    assert "Fellowship in marine biology" in page and "Already approved call" not in page
    assert "marine biology" in page and "deadline not found" in page and "Postdoc" in page
    assert "Already approved call" in admin_client.get("/desk/queue?status=approved").text


def test_approving_one_call_publishes_it_and_writes_the_audit_log(admin_client, ctx, make_call, now):
    call_id = make_call("DAAD scholarship")
    response = _post(admin_client, "/desk/queue", {"one": f"approve:{call_id}", "back": "/desk/queue"})
    assert response.status_code == 303 and response.headers["location"] == "/desk/queue"
    row = _row(ctx, call_id)
    assert row.status == "approved" and row.approved_at == now
    assert _audit(ctx) == [(ADMIN[0], "approve", call_id)]
    assert "DAAD scholarship" in admin_client.get("/").text


def test_bulk_actions_apply_to_the_ticked_calls_only(admin_client, ctx, make_call):
    first, second, third = make_call("One"), make_call("Two"), make_call("Three")
    _post(admin_client, "/desk/queue", {"ids": [str(first), str(third)], "action": "reject"})
    assert [_row(ctx, i).status for i in (first, second, third)] == ["rejected", "new", "rejected"]
    _post(admin_client, "/desk/queue", {"ids": [str(second)], "action": "feature"})
    assert _row(ctx, second).featured


def test_a_bulk_action_without_ticked_calls_says_so(admin_client, ctx, make_call):
    call_id = make_call()
    _post(admin_client, "/desk/queue", {"action": "approve"})
    assert "Tick at least one call" in admin_client.get("/desk/queue").text
    assert _row(ctx, call_id).status == "new"


def test_editing_tags_records_corrections_for_the_matcher_and_keeps_them_from_the_tagger(admin_client, ctx, make_call):
    call_id = make_call("Call for engineers", kind="other", levels=["bachelor"], disciplines=["07"])
    page = f"/desk/calls/{call_id}"
    response = _post(admin_client, page, {
        "title": "Call for engineers (2027)", "kind": "scholarship", "levels": ["master", "phd"],
        "disciplines": ["071", "061"], "regions": "Palestine, Jordan", "eligible": "true",
        "deadline_kind": "date", "deadline_date": "2027-01-15", "deadline_time": "17:00", "deadline_tz": "Asia/Hebron",
    })
    assert response.status_code == 303
    row = _row(ctx, call_id)
    assert (row.title, row.kind, row.levels, row.disciplines) == ("Call for engineers (2027)", "scholarship",
                                                                  ["master", "phd"], ["071", "061"])
    assert row.palestinian_eligible is True and row.regions == ["Palestine", "Jordan"]
    assert row.deadline_at == datetime(2027, 1, 15, 15, 0, tzinfo=timezone.utc)  # 17:00 in Hebron (UTC+2)
    assert row.tags_edited
    with ctx.sessions() as session:
        corrections = {c.field: (c.before, c.after, c.actor) for c in session.scalars(select(storage.TagCorrection))}
    assert set(corrections) == {"kind", "levels", "disciplines", "regions", "palestinian_eligible", "deadline"}
    assert corrections["kind"] == ("other", "scholarship", ADMIN[0])
    assert corrections["disciplines"][:2] == (["07"], ["071", "061"])
    assert _audit(ctx) == [(ADMIN[0], "edit", call_id)]


def test_saving_the_form_as_rendered_records_nothing(admin_client, ctx, make_call):
    """The form as the page renders it, detailed codes and all, sent back untouched."""
    call_id = make_call(kind="exchange", levels=["bachelor"], disciplines=["0712", "081"], excluded=[],
                        regions=["palestine"], palestinian_eligible=True)
    path = f"/desk/calls/{call_id}"
    before = snapshot(ctx, call_id)
    response = post_pairs(admin_client, path, rendered_form(admin_client.get(path).text, path))
    assert response.status_code == 303
    assert snapshot(ctx, call_id) == before and _audit(ctx) == []
    assert "Nothing to change." in admin_client.get(path).text


def test_a_level_change_keeps_the_detailed_fields_the_pickers_do_not_offer(admin_client, ctx, make_call):
    call_id = make_call(levels=["bachelor"], disciplines=["0712", "081"])
    path = f"/desk/calls/{call_id}"
    post_pairs(admin_client, path, with_values(rendered_form(admin_client.get(path).text, path), levels=["master"]))
    row = _row(ctx, call_id)
    assert (row.levels, row.disciplines) == (["master"], ["0712", "081"])
    with ctx.sessions() as session:
        assert [c.field for c in session.scalars(select(storage.TagCorrection))] == ["levels"]


def test_an_unknown_field_code_is_refused_by_name_and_what_was_typed_is_shown_again(admin_client, ctx, make_call):
    call_id = make_call(levels=["bachelor"], disciplines=["071"])
    path = f"/desk/calls/{call_id}"
    form = with_values(rendered_form(admin_client.get(path).text, path), disciplines=["071", "0712", "7777"],
                       excluded=["0999"], levels=["phd"])
    response = post_pairs(admin_client, path, form)
    assert response.status_code == 400
    assert "Unknown field codes: 7777" in response.text and "Unknown field codes: 0999" in response.text
    shown = {value for name, value in rendered_form(response.text, path) if name == "disciplines"}
    assert shown == {"071", "0712", "7777"}   # ticked as sent: untick the wrong one and save again
    assert ("levels", "phd") in rendered_form(response.text, path)
    row = _row(ctx, call_id)
    assert (row.disciplines, row.levels, row.tags_edited) == (["071"], ["bachelor"], False) and _audit(ctx) == []


def test_a_new_title_is_limited_but_a_long_crawled_one_is_kept(admin_client, ctx, make_call):
    crawled = "A call with a very long title " * 25
    call_id = make_call(crawled)
    path = f"/desk/calls/{call_id}"
    post_pairs(admin_client, path, with_values(rendered_form(admin_client.get(path).text, path), levels=["phd"]))
    assert (_row(ctx, call_id).title, _row(ctx, call_id).levels) == (crawled, ["phd"])
    response = post_pairs(admin_client, path, with_values(rendered_form(admin_client.get(path).text, path),
                                                          title="Typed " * 100))
    assert response.status_code == 400 and "Keep the title under 500 characters." in response.text
    assert _row(ctx, call_id).title == crawled


def test_changing_only_the_date_keeps_the_time_to_the_second_and_an_unstated_zone(admin_client, ctx, make_call):
    call_id = make_call(deadline_days=None, deadline_kind="date", deadline_tz=None,
                        deadline_at=datetime(2027, 3, 31, 20, 59, 59, tzinfo=timezone.utc))  # 23:59:59 in Hebron
    path = f"/desk/calls/{call_id}"
    form = rendered_form(admin_client.get(path).text, path)
    assert ("deadline_time", "23:59") in form and ("deadline_tz", "Asia/Hebron") in form
    post_pairs(admin_client, path, with_values(form, deadline_date="2027-04-30"))
    row = _row(ctx, call_id)
    assert (row.deadline_at, row.deadline_tz) == (datetime(2027, 4, 30, 20, 59, 59, tzinfo=timezone.utc), None)


def test_bad_edit_input_shows_messages_next_to_the_fields_and_changes_nothing(admin_client, ctx, make_call):
    call_id = make_call("Original title", kind="exchange")
    response = _post(admin_client, f"/desk/calls/{call_id}", {
        "title": "", "kind": "holiday", "levels": ["emperor"], "disciplines": ["9999"], "eligible": "maybe",
        "deadline_kind": "date", "deadline_date": "31/02/2027", "deadline_tz": "Mars/Olympus",
    })
    assert response.status_code == 400
    html = response.text
    for field, words in {"title": "needs a title", "kind": "Choose one of the kinds", "levels": "levels from the list",
                         "disciplines": "Unknown field codes: 9999", "eligible": "Choose yes, no or not known",
                         "deadline_date": "for example 2026-03-31"}.items():
        assert f'id="{field}-error"' in html and words in html, field
    assert 'aria-invalid="true" aria-describedby="title-error"' in html
    row = _row(ctx, call_id)
    assert (row.title, row.kind) == ("Original title", "exchange")
    assert _audit(ctx) == []


def test_a_bad_time_zone_is_named_next_to_its_field(admin_client, make_call):
    call_id = make_call()
    response = _post(admin_client, f"/desk/calls/{call_id}", {
        "title": "T", "kind": "other", "eligible": "none", "deadline_kind": "date",
        "deadline_date": "2027-02-01", "deadline_tz": "Mars/Olympus"})
    assert response.status_code == 400 and 'id="deadline_tz-error"' in response.text


def test_a_date_only_deadline_is_a_date_with_no_time_and_stays_one_when_its_date_changes(admin_client, ctx, make_call):
    call_id = make_call(deadline_days=None, deadline_kind="date", deadline_tz=None, deadline_date=date(2027, 3, 31),
                        deadline_at=storage.closing_instant(date(2027, 3, 31)))
    path = f"/desk/calls/{call_id}"
    form = rendered_form(admin_client.get(path).text, path)
    assert ("deadline_date", "2027-03-31") in form and ("deadline_time", "") in form
    post_pairs(admin_client, path, with_values(form, deadline_date="2027-04-30"))
    row = _row(ctx, call_id)
    assert (row.deadline_date, row.deadline_at, row.deadline_tz) == (
        date(2027, 4, 30), storage.closing_instant(date(2027, 4, 30)), None)
    post_pairs(admin_client, path, with_values(rendered_form(admin_client.get(path).text, path), deadline_time="17:00"))
    row = _row(ctx, call_id)
    assert (row.deadline_date, row.deadline_at) == (None, datetime(2027, 4, 30, 14, 0, tzinfo=timezone.utc))


def test_merging_a_duplicate_moves_its_sightings_and_hides_it(admin_client, ctx, make_call):
    keep = make_call("Fulbright scholarship", status="approved", url="https://a.example/fulbright")
    duplicate = make_call("Fulbright scholarship 2027", status="approved", url="https://b.example/fulbright")
    response = _post(admin_client, f"/desk/calls/{duplicate}/merge", {"into": f"#{keep}"}, page=f"/desk/calls/{duplicate}")
    assert response.headers["location"] == f"/desk/calls/{keep}"
    with ctx.sessions() as session:
        assert session.get(storage.Opportunity, duplicate).merged_into_id == keep
        urls = {s.url for s in session.scalars(select(storage.Sighting).where(storage.Sighting.opportunity_id == keep))}
    assert urls == {"https://a.example/fulbright", "https://b.example/fulbright"}
    assert "Fulbright scholarship 2027" not in admin_client.get("/").text
    assert admin_client.get(f"/calls/{duplicate}", follow_redirects=False).headers["location"] == f"/calls/{keep}"
    assert ("merge" in {a for _, a, _ in _audit(ctx)})


def test_merging_into_itself_or_nowhere_is_refused_with_a_message(admin_client, ctx, make_call):
    call_id = make_call()
    for target, words in ((str(call_id), "cannot be merged into itself"), ("999", "no call with that number"),
                          ("abc", "no call with that number")):
        response = _post(admin_client, f"/desk/calls/{call_id}/merge", {"into": target}, page=f"/desk/calls/{call_id}")
        assert response.status_code == 400 and words in response.text and 'id="into-error"' in response.text
    assert _row(ctx, call_id).merged_into_id is None


def test_feature_and_reopen_from_the_call_page(admin_client, ctx, make_call):
    call_id = make_call(status="approved")
    _post(admin_client, f"/desk/calls/{call_id}/action", {"action": "feature"}, page=f"/desk/calls/{call_id}")
    _post(admin_client, f"/desk/calls/{call_id}/action", {"action": "reopen"}, page=f"/desk/calls/{call_id}")
    row = _row(ctx, call_id)
    assert row.featured and row.status == "new"
    assert [a for _, a, _ in _audit(ctx)] == ["feature", "status:new"]


def test_unknown_call_on_the_desk_is_a_404_page(admin_client):
    response = admin_client.get("/desk/calls/4242")
    assert response.status_code == 404 and "Not found" in response.text


def test_audit_log_page_lists_changes(admin_client, make_call):
    call_id = make_call("Audit me")
    _post(admin_client, "/desk/queue", {"one": f"reject:{call_id}"})
    page = admin_client.get("/desk/audit").text
    assert "reject" in page and f"/desk/calls/{call_id}" in page and ADMIN[0] in page


def test_a_queue_row_joins_only_the_parts_it_has(admin_client, make_call):
    with_provider = make_call("Call with a provider", provider="DAAD")
    without = make_call("Call without a provider", provider="")
    page = admin_client.get("/desk/queue").text
    metas = dict(re.findall(r'<tr id="call-(\d+)">.*?<p class="meta">([^<]*)</p>', page, re.S))
    assert metas[str(with_provider)].startswith(f"#{with_provider} · DAAD · found ")
    assert metas[str(without)].startswith(f"#{without} · found ") and "· ·" not in metas[str(without)]


def test_the_desk_call_page_shows_the_calls_text_once(admin_client, make_call):
    text = "Applications are open to master students in engineering. " * 12
    cut = " ".join(text.split())[:380].rsplit(" ", 1)[0] + "…"          # a crawler's summary: the opening, cut
    same = make_call("Summary is the opening", text=text, summary=cut)
    page = admin_client.get(f"/desk/calls/{same}").text
    assert page.count("Applications are open to master students") == 12
    other = make_call("Summary says more", text="The full call text.", summary="A fellowship for postdocs.")
    page = admin_client.get(f"/desk/calls/{other}").text
    assert "<strong>A fellowship for postdocs.</strong>" in page and page.count("The full call text.") == 1
