"""The Scrapy project egg that a Scrapyd server runs: `fursa.crawlers` and `fursa.storage`, built in memory.

Scrapyd runs only code it was given as an egg (addversion.json): a zip of Python packages plus
EGG-INFO, whose `[scrapy] settings` entry point names the project's settings module. The egg is
built here from the very packages this process imported, so a worker crawls with the dispatcher's
code; its version is a hash of the contents, so an unchanged tree is never uploaded twice.
Third-party libraries are not in the egg: a worker installs Fursa's dependencies once.

`python -m fursa.crawlers.egg OUT.egg` writes the egg for a deploy by hand and prints its version.
"""
from __future__ import annotations

import hashlib
import sys
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import fursa
from fursa import crawlers, storage

PROJECT = "fursa"
SETTINGS_MODULE = "fursa_scrapyd_settings"
_PACKAGES = (crawlers, storage)
_SKIPPED_SUFFIXES = (".pyc", ".pyo")
# Fixed timestamps make the zip, like its version, depend on the contents only.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

# A top-level module of the egg alone, so scrapyd imports it from the egg whatever else the worker
# has installed; it puts the egg first on sys.path because pkg_resources appends it last, and a
# worker with an older Fursa installed would otherwise crawl with that older code.
_SETTINGS_SOURCE = '''"""Scrapy settings of the Fursa egg; scrapyd finds this module through the egg's entry point."""
import os
import sys

_EGG = os.path.dirname(os.path.abspath(__file__))
if _EGG in sys.path:
    sys.path.remove(_EGG)
sys.path.insert(0, _EGG)

from fursa.crawlers.worker import project_settings  # noqa: E402

globals().update(project_settings())
'''


@dataclass(frozen=True)
class Egg:
    """An egg ready for addversion.json: its version (content hash) and its bytes."""

    version: str
    data: bytes


def _package_files(package: object) -> list[tuple[str, bytes]]:
    root = Path(package.__file__).resolve().parent   # type: ignore[attr-defined]
    files = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if (path.is_file() and path.suffix not in _SKIPPED_SUFFIXES
                and not any(part == "__pycache__" or part.startswith(".") for part in relative.parts)):
            files.append((f"fursa/{root.name}/{relative.as_posix()}", path.read_bytes()))
    return files


def _fursa_init() -> tuple[str, bytes]:
    """The `fursa` package's own `__init__.py`, which imports nothing, so the egg needs only it."""
    return ("fursa/__init__.py", Path(fursa.__file__).read_bytes())


def build_egg() -> Egg:
    """Zip `crawlers`, `storage` and the settings module into an egg named by a hash of its contents."""
    files = [_fursa_init(), *(file for package in _PACKAGES for file in _package_files(package))]
    files.append((f"{SETTINGS_MODULE}.py", _SETTINGS_SOURCE.encode("utf-8")))
    digest = hashlib.sha256()
    for name, content in files:
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(content).digest())
    version = f"r{digest.hexdigest()[:16]}"   # letters, digits only: scrapyd keeps it unchanged as a file name
    files += [
        ("EGG-INFO/PKG-INFO", f"Metadata-Version: 1.1\nName: {PROJECT}\nVersion: {version}\n".encode("utf-8")),
        ("EGG-INFO/entry_points.txt", f"[scrapy]\nsettings = {SETTINGS_MODULE}\n".encode("utf-8")),
        ("EGG-INFO/top_level.txt", f"fursa\n{SETTINGS_MODULE}\n".encode("utf-8")),
        ("EGG-INFO/zip-safe", b"\n"),
    ]
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            archive.writestr(zipfile.ZipInfo(name, date_time=_ZIP_TIME), content, compress_type=zipfile.ZIP_DEFLATED)
    return Egg(version=version, data=buffer.getvalue())


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m fursa.crawlers.egg OUT.egg", file=sys.stderr)
        return 2
    egg = build_egg()
    Path(argv[0]).write_bytes(egg.data)
    print(egg.version)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
