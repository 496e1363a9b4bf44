"""The storage package's face: record types and errors load with it, the ORM and queries on first use.

A crawl child and the Scrapyd egg import `fursa.crawlers`, which needs only the record types; each
of them would pay for SQLAlchemy and Alembic again if the package loaded them eagerly.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import fursa.storage as storage

STORAGE_INIT = Path(storage.__file__)
HEAVY = ("sqlalchemy", "alembic", "argon2")


def _run(code: str, *flags: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *flags, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).parent)


@pytest.mark.parametrize("statement", ["import fursa.crawlers", "import fursa.crawlers.child"])
def test_importing_the_crawlers_loads_no_sqlalchemy_or_alembic(statement):
    """The package, and the crawl child (which uses storage's record types), load no ORM."""
    done = _run(statement, "-X", "importtime")
    assert done.returncode == 0, done.stderr
    modules = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")]
    assert statement.split()[-1] in modules
    if statement.endswith("child"):
        assert "fursa.storage.records" in modules
    loaded = sorted({name for name in modules if name.split(".")[0] in HEAVY})
    assert loaded == [], f"`{statement}` loads {loaded}; keep them behind fursa.storage's lazy names"


def test_the_crawl_child_does_not_load_what_only_the_desk_uses():
    """httpx (interactive previews), datasketch/SciPy (dedup) and the catalogue loader are not the child's."""
    done = _run("import sys, fursa.crawlers.child\n"
                "print(sorted(m for m in ('httpx', 'datasketch', 'scipy', 'fursa.crawlers.preview', "
                "'fursa.crawlers.catalogue', 'fursa.crawlers.dedup') if m in sys.modules))")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_orm_loads_when_a_name_of_it_is_first_used():
    done = _run(
        "import sys\n"
        "import fursa.storage as storage\n"
        "assert 'sqlalchemy' not in sys.modules, 'sqlalchemy loaded with the package'\n"
        "assert storage.Draft and storage.NotFoundError\n"
        "assert 'sqlalchemy' not in sys.modules, 'sqlalchemy loaded by a record type'\n"
        "from fursa.storage import Opportunity\n"
        "assert storage.Opportunity is Opportunity and Opportunity.__tablename__\n"
        "assert 'sqlalchemy' in sys.modules and 'fursa.storage.models' in sys.modules\n"
        "assert 'alembic' not in sys.modules, 'the schema alone needs no migrations'\n")
    assert done.returncode == 0, done.stderr


def test_every_exported_name_resolves_and_no_other_does():
    for name in storage.__all__:
        assert getattr(storage, name) is not None, name
    with pytest.raises(AttributeError, match="no attribute 'get_opportunity'"):
        storage.get_opportunity  # noqa: B018 (removed: nothing used it)
    assert len(storage.__all__) == len(set(storage.__all__))


def _names_imported(nodes) -> dict[str, str]:
    return {alias.asname or alias.name: node.module.rsplit(".", 1)[-1]
            for node in nodes if isinstance(node, ast.ImportFrom) for alias in node.names}


def test_all_the_lazy_map_and_the_type_checking_imports_agree():
    tree = ast.parse(STORAGE_INIT.read_text(encoding="utf-8"))
    eager = _names_imported(node for node in tree.body if isinstance(node, ast.ImportFrom)
                            and node.module.startswith("fursa.storage."))
    [checking] = [node for node in tree.body if isinstance(node, ast.If)]
    typed = _names_imported(checking.body)
    assert typed == storage._LAZY, "the TYPE_CHECKING imports and _LAZY name different modules"
    assert set(storage.__all__) == set(eager) | set(storage._LAZY)
    assert set(eager.values()) == {"errors", "records"}
