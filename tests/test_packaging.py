"""The built wheel installs one import name, `fursa`, and runs beside a distribution that owns the
generic names Fursa's folders have (`web`, `storage`, `scheduler` …).

Everything is local: the wheel is built from a copy of this tree without build isolation, the
clashing distribution is written here, and the fresh virtual environment borrows the third-party
libraries already installed (`--system-site-packages`), so pip never reaches an index.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GENERIC_NAMES = ("web", "storage", "scheduler", "pipeline", "matching", "settings", "crawlers", "digests", "demo", "cli")
_NOT_SOURCE = shutil.ignore_patterns(".git", "__pycache__", "build", "dist", "*.egg-info", ".venv", "fursa-demo",
                                     "outbox", "*.db", "*.db-*", ".fursa", ".pytest_cache", "screenshots", "previews")


def run(command: list[str], cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def write_clashing_distribution(folder: Path) -> Path:
    """A distribution whose packages are the generic names; importing any of them fails loudly."""
    folder.mkdir()
    (folder / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "clashing-names"\nversion = "1.0"\n'
        f'[tool.setuptools]\npackages = {list(GENERIC_NAMES)!r}\n'.replace("'", '"'), encoding="utf-8")
    for name in GENERIC_NAMES:
        (folder / name).mkdir()
        (folder / name / "__init__.py").write_text(
            f'raise ImportError("clashing-names\' {name} was imported where Fursa\'s code was meant")\n', encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=_NOT_SOURCE)
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
         "-w", str(work / "dist"), str(source)], cwd=work)
    (built,) = (work / "dist").glob("fursa-*.whl")
    return built


def test_the_wheel_installs_one_top_level_name(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    tops = {name.split("/")[0] for name in names}
    assert {top for top in tops if not top.endswith(".dist-info")} == {"fursa"}
    assert "fursa/crawlers/catalogue/default.toml" in names           # package data travels too
    assert "fursa/storage/migrations/versions/0001_initial_schema.py" in names
    assert not any(name.startswith(("fursa/tests/", "fursa/bench/")) for name in names)


def test_fursa_demo_runs_from_the_wheel_beside_a_clashing_distribution(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], cwd=tmp_path)
    python, fursa = venv / "bin" / "python", venv / "bin" / "fursa"
    clash = write_clashing_distribution(tmp_path / "clash")
    run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index", str(clash)], cwd=tmp_path)
    run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], cwd=tmp_path)

    clashing = subprocess.run([str(python), "-c", "import web"], cwd=tmp_path, capture_output=True, text=True)
    assert "clashing-names' web was imported" in clashing.stderr     # the clash is really there
    where = run([str(python), "-c", "import fursa; print(fursa.__file__)"], cwd=tmp_path).stdout.strip()
    assert Path(where).is_relative_to(venv)                             # the wheel's copy, not the checkout

    demo = run([str(fursa), "demo", "--folder", "demo"], cwd=tmp_path, timeout=600)
    letters = sorted((tmp_path / "demo" / "outbox").glob("*.eml"))
    assert letters, demo.stdout
    assert "approved" in demo.stdout and "sent" in demo.stdout
