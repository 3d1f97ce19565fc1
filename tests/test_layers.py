"""The package's shape holds: stages import downward only (the layers contract in pyproject.toml, run by
import-linter), no module borrows another's private names, and the stages under the faces import at the
top, so no function-level import hides a cycle."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "contractgen"
# Faces (and the format registry) may import lazily, to keep `contractgen --help` and a DOCX-only build
# from loading what they do not use; the stages below them may not.
LAZY_IMPORTS_ALLOWED = ("cli.py", "build.py", "lint.py", "batch/", "terminal/", "web/", "warm/", "render/formats.py")


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path, ast.parse(path.read_text("utf-8"), str(path))


def _own(node: ast.ImportFrom) -> bool:
    return node.level > 0 or (node.module or "").startswith("contractgen")


def test_imports_run_downward_only():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "stages import downward only KEPT" in result.stdout


def test_no_private_name_is_imported_from_another_module():
    borrowed = [f"{path.relative_to(ROOT)}:{node.lineno}: {alias.name}"
                for path, tree in _modules() for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and _own(node)
                for alias in node.names if alias.name.startswith("_")]
    assert not borrowed, borrowed


def test_stages_below_the_faces_import_at_the_top():
    lazy = []
    for path, tree in _modules():
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith(LAZY_IMPORTS_ALLOWED):
            continue
        for function in ast.walk(tree):
            if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lazy += [f"{relative}:{node.lineno}" for node in ast.walk(function)
                         if isinstance(node, ast.ImportFrom) and _own(node)]
    assert not lazy, lazy
