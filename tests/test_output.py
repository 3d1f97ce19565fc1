"""Problems with the place outputs go are input errors (exit 2) that name the path, found before any
rendering; and a set of files lands whole or the error says what was and was not written. Read-only and
full folders are real mounts (tmpfs), since root ignores permission bits."""
from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path

import pytest

from conftest import EXAMPLE
from test_batch import _xlsx_of_copies
from conftest import run_cli


@contextlib.contextmanager
def tmpfs(folder: Path, size: str, read_only: bool = False):
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], check=True)
    try:
        if read_only:
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


@pytest.fixture(scope="module")
def orders(tmp_path_factory) -> Path:
    """Two orders, SC-0001 and SC-0002, in the full set's template."""
    folder = tmp_path_factory.mktemp("orders")
    result = run_cli("batch-template", "order_set", "-o", folder / "template.xlsx")
    assert result.returncode == 0, result.stderr
    _xlsx_of_copies(folder / "template.xlsx", folder / "orders.xlsx", 2)
    return folder / "orders.xlsx"


@pytest.mark.parametrize("command", ["build", "batch"])
def test_output_that_is_a_file_is_refused_before_rendering(command, orders, tmp_path):
    taken = tmp_path / "out"
    taken.write_text("not a folder")
    source = EXAMPLE if command == "build" else orders
    result = run_cli(command, source, "-o", taken)
    assert result.returncode == 2, result.stderr
    assert f"contractgen: error: {taken}: expected a folder for the outputs (-o), found a file" in result.stderr
    assert "SC-0001" not in result.stderr  # no order was rendered
    assert taken.read_text() == "not a folder"


def test_output_under_a_file_is_refused(tmp_path):
    (tmp_path / "taken").write_text("")
    result = run_cli("build", EXAMPLE, "-o", tmp_path / "taken" / "out")
    assert result.returncode == 2, result.stderr
    assert f"{tmp_path / 'taken' / 'out'}: expected a folder for the outputs (-o), found {tmp_path / 'taken'}, " \
           "a file, on its path" in result.stderr


@pytest.mark.parametrize("command", ["build", "batch"])
def test_read_only_folder_names_the_folder_not_a_temp_file(command, orders, tmp_path):
    with tmpfs(tmp_path / "ro", "1m", read_only=True) as folder:
        source = EXAMPLE if command == "build" else orders
        result = run_cli(command, source, "-o", folder / "out")
        assert result.returncode == 2, result.stderr
        assert f"{folder / 'out'}: expected a folder contractgen can write to (-o), found Read-only file system " \
               f"({folder})" in result.stderr
        assert ".tmp" not in result.stderr and "internal error" not in result.stderr


def test_full_disk_leaves_no_partial_set_and_says_so(tmp_path):
    with tmpfs(tmp_path / "small", "150k") as folder:  # room for the DOCX and the HTML, not the Markdown too
        result = run_cli("build", EXAMPLE, "--format", "docx,html,md", "-o", folder)
        assert result.returncode == 2, result.stderr
        assert "No space left on device; none of this set was written" in result.stderr
        assert str(folder / "SC-2026-0142-sales_contract.") in result.stderr
        assert "internal error" not in result.stderr
        assert list(folder.iterdir()) == []  # neither outputs nor temp files


def test_order_folder_taken_by_a_file_fails_that_order_only(orders, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "SC-0001").write_text("a file, not a folder")
    result = run_cli("batch", orders, "-o", out, "--jobs", "1")
    assert result.returncode == 2, result.stderr
    assert f"{out / 'SC-0001'}: expected a folder (to hold SC-0001-sales_contract.docx), found a file there" \
        in result.stderr
    assert "internal error" not in result.stderr
    assert (out / "SC-0002" / "SC-0002-sales_contract.docx").is_file()
    assert (out / "SC-0001").read_text() == "a file, not a folder"


@pytest.mark.parametrize("command", ["build", "batch"])
def test_empty_format_list_is_an_error(command, orders, tmp_path):
    source = EXAMPLE if command == "build" else orders
    result = run_cli(command, source, "--format", ",", "-o", tmp_path / "out")
    assert result.returncode == 2, result.stderr
    assert "--format: expected at least one of: docx, pdf, html, md, found none" in result.stderr
    assert not (tmp_path / "out").exists()


def test_empty_document_list_is_an_error():
    from contractgen.build import resolve_documents
    from contractgen.core.errors import InputError

    with pytest.raises(InputError, match="--docs: expected at least one of: all, "):
        resolve_documents([])


@pytest.mark.parametrize("command", [("build", str(EXAMPLE)), ("demo",)])
def test_a_url_for_a_command_that_writes_only_here_is_refused_not_a_folder_named_s3(tmp_path, command):
    result = run_cli(*command, "-o", "s3://bucket/contracts", cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "expected a folder on this computer" in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []
