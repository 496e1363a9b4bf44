"""The partner register in storage (SQLite and PostgreSQL): refusals with every fault named, links
to calls and the `partnered` flag, agreements about to expire, the CSV and Excel files."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from fursa import storage
from fursa.storage import InvalidPartnerError, PartnerInput, PartnerLink

GRANADA = PartnerInput(name_en="University of Granada", name_ar="جامعة غرناطة", aliases=("UGR",), country="ES",
                       agreement="erasmus_iia", starts_on=date(2025, 9, 1), ends_on=date(2027, 8, 31))


def _call(session, now, title="Exchange at Granada"):
    row = storage.Opportunity(title=title, url=f"https://example.org/{abs(hash(title))}", first_seen_at=now,
                              last_seen_at=now, content_hash="x")
    session.add(row)
    session.flush()
    return row


def test_refusals_name_every_fault_and_store_nothing(sessions, now):
    with sessions.begin() as session:
        storage.add_partner(session, GRANADA, actor="t", now=now)
    bad = PartnerInput(name_en="Universidad de Granada", name_ar="جامعه غرناطه", agreement="treaty",
                       starts_on=date(2027, 1, 1), ends_on=date(2026, 1, 1), country="Spain", contact_email="ana")
    with pytest.raises(InvalidPartnerError) as caught, sessions.begin() as session:
        storage.add_partner(session, bad, actor="t", now=now)
    reasons = {(p.reason, p.field) for p in caught.value.problems}
    assert reasons == {("name_taken", "name_ar"), ("agreement_unknown", "agreement"), ("dates_reversed", "ends_on"),
                       ("country_unknown", "country"), ("email_invalid", "contact_email")}
    assert "before it starts" in str(caught.value)
    with sessions() as session:
        assert [p.name_en for p in storage.list_partners(session)] == ["University of Granada"]


def test_links_set_the_flag_and_a_partner_lists_its_calls(sessions, now):
    with sessions.begin() as session:
        partner = storage.add_partner(session, GRANADA, actor="t", now=now)
        call = _call(session, now)
        assert storage.link_partners(session, call, [PartnerLink(partner.id, "UGR", "UGR")], now)
        assert not storage.link_partners(session, call, [PartnerLink(partner.id, "UGR", "UGR")], now)
        partner_id, call_id = partner.id, call.id
    with sessions.begin() as session:
        assert session.get(storage.Opportunity, call_id).partnered is True
        assert [c.id for c, _ in storage.calls_of_partner(session, partner_id)] == [call_id]
        assert [p.id for p in storage.partners_of_call(session, call_id)] == [partner_id]
        assert storage.link_partners(session, session.get(storage.Opportunity, call_id), [], now)
    with sessions() as session:
        assert session.get(storage.Opportunity, call_id).partnered is False
        assert storage.calls_of_partner(session, partner_id) == []


def test_agreements_about_to_expire(sessions, now):
    today = now.date()
    with sessions.begin() as session:
        for name, ends in (("Soon", today + timedelta(days=10)), ("Later", today + timedelta(days=200)),
                           ("Past", today - timedelta(days=1))):
            storage.add_partner(session, PartnerInput(name_en=name, ends_on=ends), actor="t", now=now)
    with sessions() as session:
        assert [p.name_en for p in storage.expiring_partners(session, today)] == ["Soon"]
        states = {p.name_en: storage.agreement_state(p, today) for p in storage.list_partners(session)}
    assert states == {"Soon": "expiring", "Later": "active", "Past": "expired"}


def test_files_round_trip_and_report_bad_lines(sessions, now):
    with sessions.begin() as session:
        storage.add_partner(session, GRANADA, actor="t", now=now)
        exported = storage.export_partners_csv(session, actor="t", now=now)
        book = load_workbook(io.BytesIO(storage.export_partners_xlsx(session, actor="t", now=now)))
    assert exported.startswith(b"\xef\xbb\xbf") and "جامعة غرناطة".encode() in exported
    assert book["Partners"]["A2"].value == "University of Granada"
    extra = ("name_en,name_ar,agreement,starts_on,ends_on\n"
             "University of Granada,,mou,,\n"                      # 2: updates the stored one
             "Sapienza,,mou,2027-01-01,2026-01-01\n"              # 3: ends before it starts
             "Uni Wien,,treaty,,\n"                                # 4: unknown agreement type
             "Uni Wien,,mou,2026-13-01,\n"                         # 5: not a date
             "KU Leuven,,other,,\n"                                # 6: added
             "ku leuven,,mou,,\n").encode()                        # 7: repeats line 6
    with sessions.begin() as session:
        outcome = storage.import_partners(session, extra, actor="t", now=now)
    assert len(outcome.added) == 1 and len(outcome.updated) == 1
    assert [p.line for p in outcome.problems] == [3, 4, 5, 7]
    with sessions() as session:
        rows = {p.name_en: (p.agreement, p.ends_on) for p in storage.list_partners(session)}
    assert rows == {"University of Granada": ("mou", None), "KU Leuven": ("other", None)}


def test_0009_adds_the_register_and_its_downgrade_keeps_search_working(database_url, now):
    """Up: a call stored under 0008 is not partnered; down: no partner table or column is left, and
    the full-text index still follows the calls (SQLite's triggers survive the column's removal)."""
    from sqlalchemy import inspect, text

    from tests.storage.test_migrations import _downgrade_to, _upgrade_to
    engine = storage.make_engine(database_url)
    _upgrade_to(engine, "0009")
    # Stored as SQL with 0009's columns: the model holds the columns of later migrations too.
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO opportunities (title, summary, text, url, provider, external_id, kind, levels, disciplines,"
            " categories, regions, deadline_kind, deadline_text, currency, language, status, featured,"
            " first_seen_at, last_seen_at, content_hash, evidence, scores, flags, tags_edited)"
            " VALUES ('Erasmus exchange at Granada', '', '', 'https://example.org/granada', '', '', 'other', '[]',"
            " '[]', '[]', '[]', 'unknown', '', '', 'en', 'new', false, :now, :now, 'x', '{}', '{}', '[]', false)"),
            {"now": now.replace(tzinfo=None)})
        assert connection.scalar(text("SELECT partnered FROM opportunities")) in (False, 0)
    found = inspect(engine)
    assert {"partners", "partner_aliases", "partner_calls"} <= set(found.get_table_names())
    _downgrade_to(engine, "0008")
    found = inspect(engine)
    assert not {"partners", "partner_aliases", "partner_calls"} & set(found.get_table_names())
    assert "partnered" not in {c["name"] for c in found.get_columns("opportunities")}
    with engine.begin() as connection:
        connection.execute(text("UPDATE opportunities SET status = 'approved', search_text = 'granada exchange'"))
    with storage.make_sessionmaker(engine)() as session:
        query = storage.CallQuery(text="granada")
        assert storage.count_calls(session, query, now) == 1
    engine.dispose()
