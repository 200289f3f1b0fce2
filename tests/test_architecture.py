"""The layers of the code, read from its imports: what the house style promises newcomers.

Four floors, no import running upward: app.py and navigation.py with the page
scripts of views/ on top, dashboard/ (the read side) in the middle, etl/ below,
translations/ as the ground. Read from the source with ``ast``, so an import
inside a function or for a type only counts as much as one at the top.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.paths import REPO_ROOT

PACKAGES = ("dashboard", "etl", "translations")
FLOORS = {"views": 3, "app": 3, "navigation": 3, "dashboard": 2, "etl": 1, "translations": 0}


def _modules() -> dict[str, Path]:
    """Every first-party module of the product, by dotted name."""
    found = {path.stem: REPO_ROOT / f"{path.stem}.py" for path in (REPO_ROOT / "app.py", REPO_ROOT / "navigation.py")}
    for package in (*PACKAGES, "views"):
        for path in sorted((REPO_ROOT / package).glob("*.py")):
            name = package if path.stem == "__init__" else f"{package}.{path.stem}"
            found[name] = path
    return found


MODULES = _modules()


def _imports(path: Path) -> Iterator[str]:
    """The first-party modules ``path`` imports, wherever it does (in a function, for a type only)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # "from dashboard import figures" imports the module dashboard.charts
            names = [f"{node.module}.{alias.name}" for alias in node.names]
            names = [name if name in MODULES else node.module for name in names]
        else:
            continue
        for name in names:
            if name.split(".")[0] in (*PACKAGES, "views", "app", "navigation"):
                yield name if name in MODULES else name.split(".")[0]


def _floor(module: str) -> int:
    return FLOORS[module.split(".")[0]]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_import_runs_upward(module: str) -> None:
    upward = sorted({name for name in _imports(MODULES[module]) if _floor(name) > _floor(module)})
    assert not upward, f"{module} imports from a floor above it: {upward}"


def test_the_etl_and_translations_never_import_streamlit() -> None:
    """The loader serves the command line and the server alike: it runs without a Streamlit runtime."""
    offenders = []
    for module, path in MODULES.items():
        if module.split(".")[0] not in ("etl", "translations"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{module}: {name}" for name in names if name.split(".")[0] == "streamlit"]
    assert not offenders


def test_no_import_circle_between_modules() -> None:
    """No circle, not even through an import inside a function: each module can be read knowing only
    what it imports."""
    graph = {module: set(_imports(path)) - {module} for module, path in MODULES.items()}
    visiting: list[str] = []
    done: set[str] = set()
    circles: list[list[str]] = []

    def visit(module: str) -> None:
        if module in done:
            return
        if module in visiting:
            circles.append([*visiting[visiting.index(module):], module])
            return
        visiting.append(module)
        for imported in sorted(graph.get(module, ())):
            visit(imported)
        visiting.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)
    assert not circles, " ; ".join(" -> ".join(circle) for circle in circles)


def test_one_module_opens_the_warehouse_file() -> None:
    """duckdb.connect with a file appears in etl/warehouse.py only; elsewhere only in-memory scratch
    connections (no argument) for checking a workbook."""
    opening = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "connect"
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "duckdb"
                    and (node.args or node.keywords)):
                opening.append(module)
    assert set(opening) == {"etl.warehouse"}


def test_pages_are_views_not_a_pages_folder() -> None:
    """Streamlit 1.67 runs a pages/ folder beside the entry file as a legacy multipage app for the first
    deep link after a server start, bypassing app.py: the page scripts live in views/, each one run
    through st.navigation."""
    assert not (REPO_ROOT / "pages").exists()
    navigation = (REPO_ROOT / "navigation.py").read_text(encoding="utf-8")
    for script in sorted((REPO_ROOT / "views").glob("*.py")):
        assert f'"views/{script.name}"' in navigation, f"views/{script.name} is not a page of st.navigation"


def test_browser_pages_are_opened_by_the_harness() -> None:
    """The browser tests and the bench open pages in harness.new_context, whose pages count the server's
    messages: after_interaction and the bench's filter changes rely on that count to see a rerun."""
    allowed = {REPO_ROOT / "tests/e2e/harness.py", REPO_ROOT / "tests/e2e/test_harness.py"}
    opening = []
    for path in sorted([*(REPO_ROOT / "tests").rglob("*.py"), *(REPO_ROOT / "bench").glob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("new_context", "new_page")
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "browser"
                    and path not in allowed):
                opening.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}")
    assert not opening, f"a browser page opened outside harness.new_context: {opening}"
