"""Shared fixtures: the bundled example order, and a way to vary one answer at a time."""
from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

import docx
import yaml

from contractgen.core.yamlio import load_yaml_file

ROOT = Path(__file__).resolve().parent.parent
# the loaded-library cache (core/cache.py) of this test run, in and out of the CLI's subprocesses: never the
# user's own, shared by the run's tests, removed at the end
_CACHE = None if "CONTRACTGEN_CACHE_DIR" in os.environ else tempfile.mkdtemp(prefix="contractgen-test-cache-")
if _CACHE:
    os.environ["CONTRACTGEN_CACHE_DIR"] = _CACHE
# no warm process (contractgen/warm/) outlives a test: tests/test_warm.py turns it on, in a folder of its own
os.environ["CONTRACTGEN_WARM"] = "off"


def pytest_sessionfinish(session, exitstatus):
    if _CACHE:
        shutil.rmtree(_CACHE, ignore_errors=True)
EXAMPLE = ROOT / "examples" / "houseware-tooling.yaml"

_DELETE = object()


def set_path(data: dict, path: str, value) -> None:
    """Set (or with DELETE, remove) a dotted path; `products.0.quantity` indexes a list."""
    parts = path.split(".")
    for part in parts[:-1]:
        data = data[int(part)] if isinstance(data, list) else data.setdefault(part, {})
    last = parts[-1]
    if value is _DELETE:
        if isinstance(data, list):
            del data[int(last)]
        else:
            data.pop(last, None)
    elif isinstance(data, list):
        data[int(last)] = value
    else:
        data[last] = value


@pytest.fixture
def example_answers() -> dict:
    return copy.deepcopy(load_yaml_file(EXAMPLE))


@pytest.fixture
def write_order(tmp_path, example_answers):
    """write_order({'payment.deposit_percent': 120}) -> path of an answers file with those changes."""
    counter = iter(range(10_000))

    def write(changes: dict | None = None, base: dict | None = None) -> Path:
        data = copy.deepcopy(base if base is not None else example_answers)
        for path, value in (changes or {}).items():
            set_path(data, path, value)
        path = tmp_path / f"order-{next(counter)}.yaml"
        path.write_text(yaml.safe_dump(_plain(data), allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    return write


def _plain(value):
    """YAML's number subclasses back to plain numbers, so safe_dump can write them."""
    from decimal import Decimal

    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, (float, Decimal)):
        return float(value)
    return value


DELETE = _DELETE


# -- risk rule files, for tests that need rules of their own -------------------------------------------

def write_rules(folder: Path, topic: str, rules: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{topic}.yaml"
    path.write_text("rules:\n" + "".join(textwrap.indent(rule, "  ") for rule in rules), encoding="utf-8")
    return path


def rule_text(rid: str = "payment.sample", when: str = "payment.deposit_percent > 30", probability=2, impact=2,
              clauses: str = "[deposit.advance]", zh_why: str = "买方在见到货物前承担更多风险。") -> str:
    return (f"- id: {rid}\n"
            f"  when: \"{when}\"\n"
            f"  probability: {probability}\n"
            f"  impact: {impact}\n"
            f"  title: {{en: Deposit above 30 %, zh: 预付款高于30%}}\n"
            f"  why: {{en: More money at risk before you see goods., zh: \"{zh_why}\"}}\n"
            f"  fix: {{en: Ask for 30 %., zh: 争取30%的预付款。}}\n"
            f"  clauses: {clauses}\n")


# -- the command line and what it writes ---------------------------------------------------------------

def copied_checkout(target: Path) -> Path:
    """The package and its data folders copied to `target`, to edit a data file without touching ours. Run
    it with PYTHONPATH=target and a working folder other than ROOT (`-m` imports from the working folder)."""
    from contractgen.core.resources import DATA_FOLDERS

    shutil.copytree(ROOT / "contractgen", target / "contractgen", ignore=shutil.ignore_patterns("__pycache__"))
    for folder in DATA_FOLDERS:
        shutil.copytree(ROOT / folder, target / folder)
    return target


def run_cli(*args, cwd=None, timeout=300):
    """`python -m contractgen ARGS` from this checkout, as a user runs it: no terminal, no input."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "contractgen", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, stdin=subprocess.DEVNULL, timeout=timeout)


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
                for inner in cell.tables:
                    parts.extend(c.text for r in inner.rows for c in r.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs)
    return "\n".join(parts)

