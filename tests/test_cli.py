"""The command line's own behaviour, through the real program: version, usage errors, help, pipes,
progress. Each runs `python -m contractgen` as a user would."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from contractgen.library.definitions import available_documents
from contractgen.interview.definitions import available_interviews
from contractgen.documents.manifest import tool_version

from conftest import EXAMPLE, ROOT, run_cli

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"contractgen {tool_version()}", result


def test_docs_before_the_answers_file_is_a_clear_usage_error(tmp_path):
    result = run_cli("build", "--docs", "all", EXAMPLE, "-o", tmp_path)
    assert result.returncode == 2, result
    assert str(EXAMPLE) in result.stderr and "before --docs" in result.stderr, result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("docs", [["sales_contract,nnn"], ["sales_contract", "nnn"], ["nnn, sales_contract"]])
def test_docs_comma_or_space_separated(tmp_path, docs):
    result = run_cli("build", EXAMPLE, "--docs", *docs, "--format", "md", "-o", tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.glob("*.md")) == ["SC-2026-0142-nnn.md", "SC-2026-0142-sales_contract.md"]


def test_docs_list_ended_by_double_dash(tmp_path):
    result = run_cli("build", "--docs", "sales_contract,nnn", "--format", "md", "-o", tmp_path, "--", EXAMPLE)
    assert result.returncode == 0, result.stderr
    assert len(list(tmp_path.glob("*.md"))) == 2


def test_unknown_document_names_the_valid_ones(tmp_path):
    result = run_cli("check", EXAMPLE, "--docs", "sales_contract,salse_contract")
    assert result.returncode == 2 and "salse_contract" in result.stderr and "nnn" in result.stderr, result


@pytest.mark.parametrize("command", [["init", "salse", "-o", "-"], ["interview", "salse"],
                                     ["batch-template", "salse", "-o", "x.xlsx"], ["serve", "--interview", "salse"]])
def test_mistyped_interview_name_is_a_usage_error_naming_the_valid_ones(tmp_path, command):
    result = run_cli(*command, cwd=tmp_path)
    assert result.returncode == 2, result
    assert "'salse'" in result.stderr and all(name in result.stderr for name in available_interviews()), result.stderr
    assert "internal error" not in result.stderr
    assert not list(tmp_path.iterdir())


def test_help_lists_interview_and_document_names():
    top = run_cli("--help").stdout
    for name in available_interviews() + available_documents():
        assert name in top, name
    assert all(name in run_cli("init", "--help").stdout for name in available_interviews())
    assert all(name in run_cli("build", "--help").stdout for name in available_documents())


def test_a_reader_that_stops_early_is_not_an_error():
    """`contractgen clauses list | head -1`: the pipe closes before the listing is written."""
    child = subprocess.Popen([sys.executable, "-m", "contractgen", "clauses", "list"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=ENV)
    child.stdout.close()  # the reader is gone before the program writes a line
    stderr = child.stderr.read().decode()
    assert child.wait(timeout=60) == 141, stderr  # 128 + SIGPIPE, as a shell reports a command cut off by head
    assert stderr == ""


def test_build_reports_progress_on_stderr_and_keeps_stdout_for_the_file_list(tmp_path):
    result = run_cli("build", EXAMPLE, "--docs", "sales_contract,nnn", "--format", "docx,md", "-o", tmp_path)
    assert result.returncode == 0, result.stderr
    steps = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(steps) == 4, result.stderr  # one line per document and format
    for stem in ("SC-2026-0142-sales_contract", "SC-2026-0142-nnn"):
        for fmt in ("docx", "md"):
            assert any(f"{stem}.{fmt}" in line for line in steps), result.stderr
    assert result.stdout.startswith("Built 2 document(s)") and "[" not in result.stdout
