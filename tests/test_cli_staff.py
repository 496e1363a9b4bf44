"""`fursa subscribers add/import/list` with the staff profile (issue 15.4): a staff member's unit and job
title are stored and listed; a unit not on the list is a usage error that stores nothing. Before this
change the options and columns did not exist (add failed with "No such option: --unit")."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from fursa.cli import app

runner = CliRunner()


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE_URL", "OUTBOX_DIR", "SMTP_URL", "CATALOGUE"):
        monkeypatch.delenv(f"FURSA_{name}", raising=False)
    return tmp_path


def _listed() -> dict[str, dict]:
    result = runner.invoke(app, ["subscribers", "list", "--format", "json"])
    assert result.exit_code == 0, result.output
    return {row["email"]: row for row in json.loads(result.stdout)}


def test_add_a_staff_member_with_unit_and_job_title(workdir):
    added = runner.invoke(app, ["subscribers", "add", "registrar@ppu.edu", "--role", "staff", "--unit", "registration",
                                "--job-title", "Head of admissions records"])
    assert added.exit_code == 0, added.output
    wrong = runner.invoke(app, ["subscribers", "add", "x@ppu.edu", "--role", "staff", "--unit", "canteen"])
    assert wrong.exit_code == 2 and "unit 'canteen' is not one of" in wrong.output
    people = _listed()
    assert set(people) == {"registrar@ppu.edu"}
    assert (people["registrar@ppu.edu"]["unit"], people["registrar@ppu.edu"]["job_title"]) == (
        "registration", "Head of admissions records")


def test_import_reads_the_unit_and_job_title_columns(workdir):
    (workdir / "staff.csv").write_text(
        "email,name,role,unit,job_title,language\n"
        "lib@ppu.edu,Amina,staff,library,أمينة المكتبة,ar\n"
        "it@ppu.edu,Omar,staff,it_centre,Network administrator,en\n"
        "bad@ppu.edu,Bad,staff,cafeteria,,en\n"
        "stud@ppu.edu,Sami,student,finance,Treasurer,en\n", encoding="utf-8")
    result = runner.invoke(app, ["subscribers", "import", "staff.csv"])
    assert result.exit_code == 0 and "3 added, 0 updated, 1 rejected" in result.stdout
    assert "staff.csv:4" in result.output
    people = _listed()
    assert (people["lib@ppu.edu"]["unit"], people["lib@ppu.edu"]["job_title"]) == ("library", "أمينة المكتبة")
    assert people["it@ppu.edu"]["unit"] == "it_centre"
    # a student has no staff profile, whatever the file says
    assert (people["stud@ppu.edu"]["unit"], people["stud@ppu.edu"]["job_title"]) == ("", "")
