"""Nothing a subscriber saves is lost: every profile the system can store survives its own form.

The property: load the preferences page (or the desk's edit page) as rendered, submit it as a browser
would with nothing changed, and the stored profile is exactly what it was. Profiles are drawn from
everything storage accepts: no field (every field), broad, narrow and detailed codes, the 0/8/9
codes UNESCO reserves, a PPU programme's codes, codes the taxonomy no longer holds (written before
codes were checked), every level, kind, role, language, frequency, names in any script.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import select

from fursa import digests, storage
from fursa.matching import load_taxonomy
from tests.web.rendered_forms import as_data, rendered_form, replaced

TAXONOMY = load_taxonomy()
CODES = sorted(TAXONOMY.fields)
PROGRAMME_CODES = [p.codes for p in TAXONOMY.programmes.values()]
LEGACY = ["banana", "0799", "714"]   # stored before field codes were checked at every door


def _profile_of(row: storage.Subscriber) -> tuple:
    return (row.email, row.name, row.role, list(row.disciplines), list(row.levels), list(row.kinds), row.language,
            row.frequency, row.confirmed, row.status)


def _store(ctx, now, **profile) -> storage.Subscriber:
    """A subscriber as storage keeps one; the profile columns then set as given (the shapes older
    writes left, which today's checks would refuse)."""
    with ctx.sessions.begin() as session:
        row = session.scalar(select(storage.Subscriber).where(storage.Subscriber.email == "omar@ppu.edu"))
        if row is None:
            row, _ = storage.add_subscriber(session, storage.SubscriberInput(email="omar@ppu.edu", confirmed=True), now)
        for name, value in profile.items():
            setattr(row, name, value)
        session.flush()
        session.expunge(row)
        return row


def _database(ctx) -> tuple:
    """Everything a save could touch: the subscriber's row and the audit log."""
    with ctx.sessions() as session:
        row = session.scalar(select(storage.Subscriber).where(storage.Subscriber.email == "omar@ppu.edu"))
        audit = [(e.actor, e.action, e.details) for e in session.scalars(select(storage.AuditEntry))]
        return _profile_of(row), audit


def _reload(ctx) -> storage.Subscriber:
    with ctx.sessions() as session:
        return session.scalar(select(storage.Subscriber).where(storage.Subscriber.email == "omar@ppu.edu"))


def _preferences_link(ctx, row) -> str:
    return f"/preferences/{digests.make_subscriber_token(row, 'preferences', ctx.settings.secret_key)}"


def _save_unchanged(client, link: str):
    page = client.get(link)
    assert page.status_code == 200, page.text
    return client.post(link, data=as_data(rendered_form(page.text, "/preferences/")))


def _names():
    return st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


def _fields():
    programme = st.sampled_from(PROGRAMME_CODES).map(list)
    codes = st.lists(st.sampled_from(CODES), max_size=6, unique=True)
    with_legacy = st.tuples(codes, st.lists(st.sampled_from(LEGACY), max_size=2, unique=True)).map(lambda p: p[0] + p[1])
    return st.one_of(st.just([]), programme, codes, with_legacy)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=_names(), role=st.sampled_from(storage.ROLES), disciplines=_fields(),
       levels=st.lists(st.sampled_from(storage.LEVELS), unique=True), kinds=st.lists(st.sampled_from(storage.KINDS), unique=True),
       language=st.sampled_from(storage.LANGUAGES), frequency=st.sampled_from(storage.FREQUENCIES),
       status=st.sampled_from(["active", "unsubscribed"]))
def test_saving_the_preferences_form_unchanged_changes_nothing(client, ctx, now, name, role, disciplines, levels,
                                                                kinds, language, frequency, status):
    clean_name = storage.validate_subscriber(storage.SubscriberInput(email="omar@ppu.edu", name=name)).name
    row = _store(ctx, now, name=clean_name, role=role, disciplines=disciplines, levels=levels, kinds=kinds,
                 language=language, frequency=frequency, status=status)
    before = _database(ctx)
    response = _save_unchanged(client, _preferences_link(ctx, row))
    assert response.status_code == 200, response.text
    assert _database(ctx) == before


def test_a_subscriber_with_a_programmes_detailed_codes_sees_them_ticked_and_keeps_them(client, ctx, now):
    row = _store(ctx, now, disciplines=["0714", "061"])
    link = _preferences_link(ctx, row)
    page = client.get(link).text
    for code in ("0714", "061"):
        assert f'value="{code}" checked' in page, code
    pairs = rendered_form(page, "/preferences/")
    assert client.post(link, data=as_data(replaced(pairs, "levels", "master"))).status_code == 200
    after = _reload(ctx)
    assert (after.disciplines, after.levels) == (["0714", "061"], ["master"])   # only the levels changed


def test_unticking_one_code_removes_only_that_code(client, ctx, now):
    row = _store(ctx, now, disciplines=["0714", "0613", "banana"])
    link = _preferences_link(ctx, row)
    pairs = rendered_form(client.get(link).text, "/preferences/")
    kept = [value for name, value in pairs if name == "fields" and value != "0613"]
    assert client.post(link, data=as_data(replaced(pairs, "fields", *kept))).status_code == 200
    assert _reload(ctx).disciplines == ["0714", "banana"]


def test_a_new_code_must_be_one_the_taxonomy_knows(client, ctx, now):
    row = _store(ctx, now, disciplines=["0714"])
    link = _preferences_link(ctx, row)
    pairs = rendered_form(client.get(link).text, "/preferences/")
    response = client.post(link, data=as_data(replaced(pairs, "fields", "0714", "banana")))
    assert response.status_code == 400 and 'id="fields-error"' in response.text
    assert _reload(ctx).disciplines == ["0714"]


SHAPES = {
    "every field": {},
    "broad": {"disciplines": ["07"]},
    "narrow": {"disciplines": ["061", "071"]},
    "detailed": {"disciplines": ["0714"], "levels": ["phd", "master"]},
    "a programme": {"disciplines": list(TAXONOMY.programmes["computer_systems_engineering"].codes)},
    "reserved and gone": {"disciplines": ["0719", "banana"], "kinds": ["job", "scholarship"]},
    "arabic": {"name": "ليلى القواسمي", "language": "ar", "role": "faculty", "frequency": "instant"},
}


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_the_desk_edit_form_saved_unchanged_changes_nothing_then_one_change_changes_one_thing(
        admin_client, ctx, now, shape):
    row = _store(ctx, now, **shape)
    link = f"/desk/subscribers/{row.id}"
    page = admin_client.get(link)
    assert page.status_code == 200 and "omar@ppu.edu" in page.text
    pairs = rendered_form(page.text, link)
    before = _database(ctx)
    saved = admin_client.post(link, data=as_data(pairs), follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert _database(ctx) == before
    frequency = "weekly" if row.frequency == "instant" else "instant"
    admin_client.post(link, data=as_data(replaced(pairs, "frequency", frequency)))
    (profile, audit), (old_profile, old_audit) = _database(ctx), before
    assert profile == old_profile[:7] + (frequency,) + old_profile[8:]
    assert audit[len(old_audit):] == [("admin@ppu.edu", "subscriber:update", {"changed": ["frequency"]})]


def test_only_admins_edit_a_subscriber(client, ctx, now, users):
    from tests.web.conftest import CURATOR, csrf_of, log_in
    row = _store(ctx, now, disciplines=["0714"])
    log_in(client, CURATOR)
    assert client.get(f"/desk/subscribers/{row.id}").status_code == 403
    before = _database(ctx)
    token = csrf_of(client.get("/desk").text)   # a valid form token, so only the role can refuse the save
    sent = client.post(f"/desk/subscribers/{row.id}", data={"csrf_token": token, "email": "omar@ppu.edu",
                                                             "frequency": "instant", "fields": "07"})
    assert sent.status_code == 403 and "Only an admin may do this" in sent.text
    assert _database(ctx) == before
