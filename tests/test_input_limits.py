"""Every input file is read with a real limit: /dev/zero, a FIFO or a zip bomb is refused quickly, in
bounded memory, with an error naming the file; never an out-of-memory crash."""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

from conftest import EXAMPLE, ROOT

MEMORY_LIMIT = 1536 * 2 ** 20  # address space for the whole CLI process; a bomb needs gigabytes
TIME_LIMIT = 60


def run_bounded(*args) -> subprocess.CompletedProcess:
    """The CLI with a cap on its memory and time: without real limits the test itself would be the bomb."""
    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "contractgen", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=TIME_LIMIT, preexec_fn=limit_memory)


@pytest.fixture
def endless_fifo(tmp_path):
    """A FIFO fed without end (what `<(yes)` gives a program), with the writer stopped afterwards."""
    def make(name: str) -> Path:
        path = tmp_path / name
        os.mkfifo(path)

        def feed():
            try:
                with open(path, "wb") as pipe:
                    chunk = b"a: 1\n" * 8192
                    while True:
                        pipe.write(chunk)
            except (BrokenPipeError, OSError):
                pass

        threading.Thread(target=feed, daemon=True).start()
        return path

    return make


def test_check_dev_zero_is_refused_not_read_to_the_end():
    result = run_bounded("check", "/dev/zero")
    assert result.returncode == 2, result.stderr
    assert "/dev/zero: expected a file of at most 2 MiB, found more than 2 MiB" in result.stderr
    assert "Traceback" not in result.stderr


def test_answers_from_an_endless_fifo_are_refused(endless_fifo):
    fifo = endless_fifo("order.yaml")
    result = run_bounded("build", fifo, "-o", fifo.parent / "out")
    assert result.returncode == 2, result.stderr
    assert f"{fifo}: expected a file of at most 2 MiB, found more than 2 MiB" in result.stderr


def test_answers_from_a_short_fifo_are_read(tmp_path):
    """A FIFO is a fine input when it ends (`contractgen check <(cat order.yaml)`)."""
    fifo = tmp_path / "order.yaml"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_bytes(EXAMPLE.read_bytes()), daemon=True)
    writer.start()
    result = run_bounded("check", fifo)
    assert result.returncode == 0, result.stderr
    assert f"{fifo}: the answers are valid for sales_contract." in result.stdout


def test_csv_from_an_endless_fifo_is_refused(endless_fifo):
    fifo = endless_fifo("orders.csv")
    result = run_bounded("batch", fifo, "-o", fifo.parent / "out")
    assert result.returncode == 2, result.stderr
    assert f"{fifo}: expected a file of at most 512 MiB, found more than 512 MiB" in result.stderr
    assert not (fifo.parent / "out").exists()


def _template(tmp_path: Path) -> Path:
    path = tmp_path / "template.xlsx"
    result = run_bounded("batch-template", "sales_contract", "-o", path)
    assert result.returncode == 0, result.stderr
    return path


def _with_member(template: Path, path: Path, name: str, size: int) -> None:
    """The template plus one part of `size` bytes that deflate packs about 1,000 to 1."""
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == name:
                continue
            bomb.writestr(item, data)
        with bomb.open(name, "w") as member:
            block = b" " * 2 ** 20
            for _ in range(size // len(block)):
                member.write(block)


def test_xlsx_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    bomb = tmp_path / "orders.xlsx"
    _with_member(_template(tmp_path), bomb, "xl/worksheets/sheet1.xml", 600 * 2 ** 20)
    assert bomb.stat().st_size < 2 * 2 ** 20  # small on disk
    result = run_bounded("batch", bomb, "-o", tmp_path / "out")
    assert result.returncode == 2, result.stderr
    assert "orders.xlsx: expected parts compressed at most 200:1, found 'xl/worksheets/sheet1.xml' compressed" in result.stderr
    assert not (tmp_path / "out").exists()


def test_xlsx_claiming_more_than_any_order_sheet_unpacked_is_refused(tmp_path):
    """A workbook whose directory says a part unpacks to 3 GiB (a forged size, or an endless sheet) is
    refused from the directory alone: 50,000 orders unpack to about 530 MiB, the limit is 2 GiB."""
    sheet = tmp_path / "orders.xlsx"
    data = bytearray(_template(tmp_path).read_bytes())
    entry = data.index(b"PK\x01\x02")  # the first entry of the central directory
    data[entry + 24:entry + 28] = (3 * 2 ** 30).to_bytes(4, "little")  # its uncompressed size
    sheet.write_bytes(bytes(data))
    result = run_bounded("batch", sheet, "-o", tmp_path / "out")
    assert result.returncode == 2, result.stderr
    assert "orders.xlsx: expected a workbook of at most 2,048 MiB once unpacked, found 3,072 MiB" in result.stderr
    assert not (tmp_path / "out").exists()


def test_xlsx_part_compressed_like_a_bomb_is_refused(tmp_path):
    bomb = tmp_path / "orders.xlsx"
    _with_member(_template(tmp_path), bomb, "xl/sharedStrings.xml", 100 * 2 ** 20)
    result = run_bounded("batch", bomb, "-o", tmp_path / "out")
    assert result.returncode == 2, result.stderr
    assert "orders.xlsx: expected parts compressed at most 200:1, found 'xl/sharedStrings.xml' compressed" \
        in result.stderr
