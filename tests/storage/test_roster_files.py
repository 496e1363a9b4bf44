"""The roster import's rules (storage.roster_files), which the CLI and the desk both follow."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from fursa import storage
from fursa.matching import load_taxonomy
from fursa.storage.roster_files import DUPLICATE, INVALID, SUPPRESSED, UNKNOWN_FIELDS, read_roster

KNOWN = frozenset(load_taxonomy().fields)   # what the doors pass: the taxonomy's codes


def test_line_numbers_are_the_files_own_across_blank_lines_and_cells_with_line_breaks():
    data = b'email,name\n\na@ppu.edu,"two\nlines"\nbad,x\n\n\nb@ppu.edu,B\nA@PPU.edu,again\n'
    rows, problems = read_roster(data, confirmed=True, known_fields=KNOWN)
    assert [(row.line, row.data.email) for row in rows] == [(3, "a@ppu.edu"), (8, "b@ppu.edu")]
    assert [(p.line, p.reason) for p in problems] == [(5, INVALID), (9, DUPLICATE)]
    assert "on line 3 already" in problems[1].message


def test_the_header_is_read_without_regard_to_case_spaces_or_a_spreadsheets_bom():
    rows, problems = read_roster("\ufeff Email , NAME ,Levels\nrana@ppu.edu,Rana,master;phd\n".encode(),
                                 confirmed=False, known_fields=KNOWN)
    assert problems == [] and rows[0].data.name == "Rana" and rows[0].data.levels == ("master", "phd")
    assert not rows[0].data.confirmed


@pytest.mark.parametrize("data, words", [
    (b"\xff\xfe\x00binary", "not UTF-8 text"),
    (b"name,role\nRana,student\n", "at least 'email'"),
    (b"", "at least 'email'"),
])
def test_a_file_that_cannot_be_read_is_refused_as_a_whole(data, words):
    with pytest.raises(storage.RosterFileError, match=words):
        read_roster(data, confirmed=True, known_fields=KNOWN)


def test_import_adds_updates_skips_the_do_not_mail_list_and_audits(sessions, now):
    with sessions.begin() as session:
        storage.add_subscriber(session, storage.SubscriberInput(email="huda@ppu.edu", confirmed=True), now)
        storage.suppress(session, "gone@ppu.edu", "deleted", now)
        outcome = storage.import_roster(
            session, b"email,role\nnew@ppu.edu,student\ngone@ppu.edu,student\nhuda@ppu.edu,faculty\n",
            consented=False, known_fields=KNOWN, actor="tester", now=now)
    assert (outcome.added, outcome.updated) == (("new@ppu.edu",), ("huda@ppu.edu",))
    assert [(p.line, p.reason, p.email) for p in outcome.problems] == [(3, SUPPRESSED, "gone@ppu.edu")]
    assert outcome.summary() == "1 added, 1 updated, 1 rejected"
    # without recorded consent only the new person is asked; huda's earlier consent stands
    assert [opt_in.email for opt_in in outcome.opt_ins] == ["new@ppu.edu"] and outcome.opt_ins[0].token
    with sessions() as session:
        huda = storage.get_subscriber(session, "huda@ppu.edu")
        assert huda.confirmed and huda.role == "faculty"
        [entry] = session.scalars(select(storage.AuditEntry)).all()
    assert (entry.action, entry.actor, entry.details) == (
        "subscribers:import", "tester", {"added": 1, "updated": 1, "rejected": 1, "consent": False})


def test_staff_adding_one_address_follow_the_same_do_not_mail_rule(sessions, now):
    with sessions.begin() as session:
        storage.suppress(session, "gone@ppu.edu", "bounced", now)
        with pytest.raises(storage.SuppressedAddressError, match=r"do-not-mail list \(reason: bounced\)"):
            storage.enrol_subscriber(session, storage.SubscriberInput(email="Gone@PPU.edu"), known_fields=KNOWN,
                                     actor="t", now=now)
        row, created = storage.enrol_subscriber(session, storage.SubscriberInput(email="ok@ppu.edu"),
                                                known_fields=KNOWN, actor="t", now=now)
        assert created and [e.action for e in session.scalars(select(storage.AuditEntry))] == ["subscriber:add"]


def test_a_row_with_a_field_code_the_taxonomy_does_not_know_is_reported_and_the_rest_imported(sessions, now):
    data = b"email,fields\nrana@ppu.edu,0714;061\nsami@ppu.edu,714;banana\nhuda@ppu.edu,07\n"
    rows, problems = read_roster(data, confirmed=True, known_fields=KNOWN)
    assert [(row.line, row.data.disciplines) for row in rows] == [(2, ("0714", "061")), (4, ("07",))]
    [problem] = problems
    assert (problem.line, problem.reason, problem.email, problem.codes) == (
        3, UNKNOWN_FIELDS, "sami@ppu.edu", ("714", "banana"))
    assert "'714', 'banana' are not ISCED-F codes" in problem.message and "0714" in problem.message


def test_an_import_changes_only_the_columns_the_file_has(sessions, now):
    with sessions.begin() as session:
        storage.add_subscriber(session, storage.SubscriberInput(
            email="huda@ppu.edu", name="Huda", role="faculty", disciplines=("0714", "061"), levels=("phd",),
            kinds=("fellowship",), language="ar", frequency="instant", confirmed=True), now)
        outcome = storage.import_roster(session, b"email,levels\nhuda@ppu.edu,postdoc\n", consented=True,
                                        known_fields=KNOWN, actor="tester", now=now)
    assert outcome.updated == ("huda@ppu.edu",)
    with sessions() as session:
        huda = storage.get_subscriber(session, "huda@ppu.edu")
        assert (huda.name, huda.role, huda.disciplines, huda.levels, huda.kinds, huda.language, huda.frequency) == (
            "Huda", "faculty", ["0714", "061"], ["postdoc"], ["fellowship"], "ar", "instant")
