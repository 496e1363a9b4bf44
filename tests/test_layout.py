"""The layout DESIGN.md draws: one import package, and no import pointing up its table.

Every module of the installed package is read as source (nothing is imported), so a test run from
the repository root, where the bare folder names would also resolve, still sees a bare import.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = ("crawlers", "matching", "digests", "storage", "web", "demo", "cli", "pipeline", "scheduler", "settings")

# DESIGN.md's "may import" column. `settings` builds the plain config every job receives, so the
# layers that assemble a context (pipeline and above) read it; the demo is a command of the CLI.
MAY_IMPORT: dict[str, set[str]] = {
    "storage": set(),
    "matching": set(),
    "settings": set(),
    "crawlers": {"storage"},
    "digests": {"storage", "matching"},
    "pipeline": {"storage", "matching", "crawlers", "digests", "settings"},
    "web": {"pipeline", "storage", "matching", "crawlers", "digests", "settings"},
    "scheduler": {"pipeline", "storage", "settings"},
    "demo": {"pipeline", "storage", "matching", "crawlers", "digests", "settings"},
    "cli": set(OURS),
}
# crawlers may use storage's record types only: what storage/records.py defines.
STORAGE_RECORDS_MODULE = ROOT / "storage" / "records.py"


@dataclass(frozen=True)
class Import:
    path: Path
    line: int
    module: str          # the absolute module named, e.g. "fursa.storage.records"
    names: tuple[str, ...]


def package_modules() -> list[Path]:
    files = [ROOT / f"{name}.py" for name in ("pipeline", "scheduler", "settings", "__init__")]
    for folder in ("crawlers", "matching", "digests", "storage", "web", "demo", "cli"):
        files += sorted((ROOT / folder).rglob("*.py"))
    return [path for path in files if "__pycache__" not in path.parts]


def layer_of(path: Path) -> str | None:
    first = path.relative_to(ROOT).parts[0]
    name = first.removesuffix(".py")
    return name if name in OURS else None


def imports_of(path: Path) -> list[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(path, node.lineno, alias.name, ()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(Import(path, node.lineno, node.module, tuple(alias.name for alias in node.names)))
    return found


def targets(item: Import) -> set[str]:
    """The layers an import reaches: `from fursa import a, b` reaches a and b."""
    parts = item.module.split(".")
    if parts[0] != "fursa":
        return set()
    if len(parts) > 1:
        return {parts[1]}
    return {name for name in item.names if name in OURS}


def test_the_scan_sees_every_layer() -> None:
    layers = {layer_of(path) for path in package_modules()}
    assert layers >= set(OURS)


def _sibling_script(item: Import) -> bool:
    """bench/ scripts import each other by file name (bench/learned.py: `from matching import …` is
    bench/matching.py, run with bench/ first on sys.path), not Fursa's packages."""
    top = item.module.split(".")[0]
    return item.path.parent != ROOT and item.path.parent.name == "bench" and (item.path.parent / f"{top}.py").exists()


def test_our_code_is_imported_through_the_fursa_package_only() -> None:
    bare = [f"{item.path.relative_to(ROOT)}:{item.line}: {item.module}"
            for path in package_modules() + sorted((ROOT / "tests").rglob("*.py")) + sorted((ROOT / "bench").rglob("*.py"))
            for item in imports_of(path) if item.module.split(".")[0] in OURS and not _sibling_script(item)]
    assert bare == [], "import Fursa's code as fursa.X, never by its folder's bare name"


def test_no_import_points_up_the_layers() -> None:
    upward = []
    for path in package_modules():
        layer = layer_of(path)
        if layer is None:
            continue
        for item in imports_of(path):
            for target in targets(item) - {layer}:
                if target not in MAY_IMPORT[layer]:
                    upward.append(f"{path.relative_to(ROOT)}:{item.line}: {layer} imports {target}")
    assert upward == []


def test_crawlers_take_only_record_types_from_storage() -> None:
    records = {node.name for node in ast.parse(STORAGE_RECORDS_MODULE.read_text(encoding="utf-8")).body
               if isinstance(node, (ast.ClassDef, ast.FunctionDef))}
    records |= {target.id for node in ast.parse(STORAGE_RECORDS_MODULE.read_text(encoding="utf-8")).body
                if isinstance(node, (ast.Assign, ast.AnnAssign))
                for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
                if isinstance(target, ast.Name)}
    used = []
    for path in sorted((ROOT / "crawlers").rglob("*.py")):
        if path.name == "egg.py":     # packs storage's files into the Scrapyd egg; uses none of its code
            continue
        for item in imports_of(path):
            if item.module in ("fursa.storage", "fursa.storage.records"):
                used += [f"{path.relative_to(ROOT)}:{item.line}: {name}" for name in item.names if name not in records]
            elif item.module.startswith("fursa.storage."):
                used.append(f"{path.relative_to(ROOT)}:{item.line}: {item.module}")
    assert used == []


@pytest.mark.parametrize("folder", ["crawlers", "matching", "digests", "storage", "web", "demo", "cli"])
def test_every_folder_is_a_subpackage_of_fursa_in_the_build(folder: str) -> None:
    import tomllib
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"]
    assert f"fursa.{folder}" in packages
