"""Fixtures shared by every test package: where ../shared is, and temp working dirs."""
from __future__ import annotations

from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
SHARED = PROJECT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The read-only ../shared folder with real captures and labels; skip where it is absent."""
    if not (SHARED / "corpus").is_dir():
        pytest.skip(f"../shared is absent (looked in {SHARED}); real captures are needed for this test")
    return SHARED


@pytest.fixture(scope="session")
def corpus_dir(shared_dir: Path) -> Path:
    return shared_dir / "corpus"


@pytest.fixture(scope="session")
def labels_dir(shared_dir: Path) -> Path:
    return shared_dir / "labels"
