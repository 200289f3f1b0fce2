"""The set-up compiles the dashboard's own modules, and a server started with PYTHONDONTWRITEBYTECODE uses them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from dashboard import bytecode
from tests.paths import REPO_ROOT

# Imports the server's modules in a fresh interpreter and prints which of them Python compiled from source.
IMPORT_AND_REPORT = """
import importlib._bootstrap_external as external, json, sys
compiled = []
original = external.SourceLoader.source_to_code
def source_to_code(self, data, path, *args, **kwargs):
    compiled.append(path)
    return original(self, data, path, *args, **kwargs)
external.SourceLoader.source_to_code = source_to_code
import dashboard.figures, dashboard.charts, etl.warehouse, translations
print(json.dumps({"compiled": [p for p in compiled if p.startswith(sys.argv[1])],
                  "marker": getattr(translations, "MARKER", None)}))
"""


def _copy_packages(root: Path) -> None:
    for name in bytecode.PACKAGES:
        shutil.copytree(REPO_ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))


def _imported(root: Path) -> dict[str, object]:
    """Which of the packages' files a fresh interpreter compiled from source to import them (as the server
    would, with PYTHONDONTWRITEBYTECODE set), and translations.MARKER if a test added one."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONPATH=str(root))
    result = subprocess.run([sys.executable, "-c", IMPORT_AND_REPORT, str(root)], cwd=root, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.splitlines()[-1])


def test_compiled_packages_are_imported_without_compiling_and_an_edit_is_compiled_again(tmp_path: Path) -> None:
    _copy_packages(tmp_path)
    before = _imported(tmp_path)
    assert len(before["compiled"]) > 10, "with the setting and nothing compiled, every start compiles them"
    assert not list(tmp_path.rglob("*.pyc")), "and writes nothing"

    assert bytecode.compile_packages(tmp_path)
    assert _imported(tmp_path) == {"compiled": [], "marker": None}

    # An edit after the set-up ran (a pull): Python notices the stale file and compiles the source itself;
    # the next set-up compiles it again, and the edit is what is imported.
    module = tmp_path / "translations" / "__init__.py"
    module.write_text(module.read_text(encoding="utf-8") + '\nMARKER = "edited"\n', encoding="utf-8")
    assert _imported(tmp_path) == {"compiled": [str(module)], "marker": "edited"}
    assert bytecode.compile_packages(tmp_path)
    assert _imported(tmp_path) == {"compiled": [], "marker": "edited"}


def test_a_module_that_does_not_compile_is_reported(tmp_path: Path) -> None:
    _copy_packages(tmp_path)
    (tmp_path / "etl" / "broken.py").write_text("def (:\n", encoding="utf-8")
    assert not bytecode.compile_packages(tmp_path)
