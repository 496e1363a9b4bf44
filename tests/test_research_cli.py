"""`fursa subscribers research` as a user types it: keywords, a publications file and an ORCID iD read
from a loopback server; a wrong check digit and a pasted megabyte are usage errors that store nothing."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fursa.cli import app
from fursa.demo.loopback import LocalServer, Reply

runner = CliRunner()
WORKS = Path(__file__).parent / "crawlers" / "data" / "orcid_works.json"
GOOD_ID = "0000-0002-1825-0097"


@pytest.fixture
def orcid():
    with LocalServer() as server:
        server.add(f"/v3.0/{GOOD_ID}/works", Reply(200, WORKS.read_bytes(), {"Content-Type": "application/json"}))
        yield server


@pytest.fixture
def workdir(tmp_path, monkeypatch, orcid):
    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE_URL", "OUTBOX_DIR", "SMTP_URL", "CATALOGUE"):
        monkeypatch.delenv(f"FURSA_{name}", raising=False)
    monkeypatch.setenv("FURSA_ORCID_API_BASE", orcid.url("/v3.0"))
    added = runner.invoke(app, ["subscribers", "add", "huda@ppu.edu", "--role", "faculty"])
    assert added.exit_code == 0, added.output
    return tmp_path


def _words(output: str) -> str:
    """The output's words on one line, without the box rich draws around a usage error."""
    return " ".join(re.sub("[│╭╮╰╯─]", " ", output).split())


def _shown(email: str = "huda@ppu.edu") -> dict:
    result = runner.invoke(app, ["subscribers", "research", email, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout[result.stdout.index("{"):])


def test_keywords_a_file_and_an_orcid_id_make_a_profile(workdir, orcid):
    (workdir / "pubs.txt").write_text("Membrane distillation of brackish groundwater.\nFouling of RO membranes.\n",
                                      encoding="utf-8")
    result = runner.invoke(app, ["subscribers", "research", "huda@ppu.edu", "--keywords", "water desalination, membranes",
                                 "--publications", "pubs.txt", "--orcid", f"https://orcid.org/{GOOD_ID}"])
    assert result.exit_code == 0, result.output
    assert "research profile of huda@ppu.edu" in result.stdout and f"{GOOD_ID} (3 works)" in result.stdout
    shown = _shown()["research"]
    assert shown["orcid"] == GOOD_ID and shown["orcid_works"] == 3 and shown["fields"]
    assert "water desalination" in shown["terms"]
    # a later change of the keywords alone keeps the paste and the works, and fetches nothing again
    again = runner.invoke(app, ["subscribers", "research", "huda@ppu.edu", "--keywords", "solar energy"])
    assert again.exit_code == 0, again.output
    shown = _shown()["research"]
    assert shown["keywords"] == "solar energy" and shown["orcid_works"] == 3 and shown["publications_chars"] > 0
    assert len(orcid.seen(f"/v3.0/{GOOD_ID}/works")) == 1


def test_a_wrong_check_digit_and_a_megabyte_are_usage_errors_storing_nothing(workdir, orcid):
    wrong = runner.invoke(app, ["subscribers", "research", "huda@ppu.edu", "--orcid", "0000-0002-1825-0098"])
    assert wrong.exit_code == 2 and "not a valid ORCID iD" in _words(wrong.output)
    assert orcid.requests == []
    (workdir / "cv.txt").write_text("Membrane distillation. " * 45_000, encoding="utf-8")
    big = runner.invoke(app, ["subscribers", "research", "huda@ppu.edu", "--publications", "cv.txt"])
    assert big.exit_code == 2 and "at most 60,000" in _words(big.output)
    assert _shown()["research"] is None


def test_clear_removes_the_profile_and_a_student_has_none(workdir):
    assert runner.invoke(app, ["subscribers", "research", "huda@ppu.edu", "--keywords", "robotics"]).exit_code == 0
    cleared = runner.invoke(app, ["subscribers", "research", "huda@ppu.edu", "--clear"])
    assert cleared.exit_code == 0 and "has no research profile" in cleared.stdout
    runner.invoke(app, ["subscribers", "add", "lina@ppu.edu"])
    refused = runner.invoke(app, ["subscribers", "research", "lina@ppu.edu", "--keywords", "robotics"])
    assert refused.exit_code == 2 and "only faculty" in _words(refused.output)
