"""`contractgen batch` reads the sheet as a stream and keeps its state on disk (issue 18, items 5 and 6):
what that must not change (an order's rows found wherever they are, every bad cell named by row and
column, resume), and output to a URL through a real fsspec filesystem. Memory itself is measured in
benchmarks/batch.py, never asserted here."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import uuid
from pathlib import Path

import fsspec
import openpyxl
from hypothesis import given, settings, strategies as st

from contractgen.batch.run import _manifest_orders, run_batch

from conftest import run_cli
from test_batch import _csv_rows, _lines, example, leaves, put


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _scattered_csv(folder: Path) -> Path:
    """Three contracts whose product rows are interleaved: A1 B1 C1 A2 B2 (rows 2 to 6)."""
    lines = _lines()
    header, a = _csv_rows("SC-A", [lines[0], {**lines[1], "sku": "A-2"}])
    _, b = _csv_rows("SC-B", [{**lines[0], "sku": "B-1"}, {**lines[1], "sku": "B-2"}])
    _, c = _csv_rows("SC-C", [{**lines[0], "sku": "C-1"}])
    return _write_csv(folder / "orders.csv", [header, a[0], b[0], c[0], a[1], b[1]])


def _skus(set_folder: Path) -> list[str]:
    manifest = next(set_folder.glob("*.manifest.json"))
    return [line["sku"] for line in json.loads(manifest.read_text("utf-8"))["answers"]["products"]]


def test_csv_product_rows_anywhere_in_the_file_group_by_contract(tmp_path):
    sheet = _scattered_csv(tmp_path)
    out = tmp_path / "out"
    result = run_cli("batch", sheet, "-o", out, "--docs", "po_annex", "--format", "md", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    assert _skus(out / "SC-A") == ["NW-BOT-500", "A-2"]
    assert _skus(out / "SC-B") == ["B-1", "B-2"]
    assert _skus(out / "SC-C") == ["C-1"]
    orders = json.loads((out / "manifest.json").read_text("utf-8"))["orders"]
    assert [(o["contract_number"], o["source"]) for o in orders] == [
        ("SC-A", "orders.csv row 2"), ("SC-B", "orders.csv row 3"), ("SC-C", "orders.csv row 4")]


def test_csv_order_columns_that_disagree_on_a_scattered_row_are_named(tmp_path):
    sheet = _scattered_csv(tmp_path)
    rows = list(csv.reader(io.StringIO(sheet.read_text("utf-8"))))
    column = rows[0].index("payment.deposit_percent")
    rows[4][column] = "45"  # row 5: SC-A's second product row, three rows below its first
    _write_csv(sheet, rows)
    result = run_cli("batch", sheet, "-o", tmp_path / "out", "--docs", "po_annex", "--format", "md", "--jobs", "1")
    assert result.returncode == 2
    assert (f"orders.csv row 5, column 'payment.deposit_percent': expected the same value on every row of contract "
            f"'SC-A' (row 2 has '{rows[1][column]}'), found '45'") in [line.strip() for line in result.stderr.splitlines()]
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.is_dir()) == ["SC-B", "SC-C"]


def _big_xlsx(folder: Path, count: int) -> Path:
    """`count` orders from the template; the products sheet lists them in reverse, two lines each for
    every third order, so no order's product rows are beside it."""
    template = folder / "template.xlsx"
    assert run_cli("batch-template", "sales_contract", "-o", template).returncode == 0
    wb = openpyxl.load_workbook(template)
    orders, products = wb["orders"], wb["products"]
    column = {c.value: c.column for c in orders[1]}
    item = {c.value: c.column for c in products[1]}
    data = example()
    product_row = 2
    for n in reversed(range(count)):
        number = f"BIG-{n:04d}"
        for path, value in {**leaves(data), "contract.number": number}.items():
            if path in column:
                put(orders, n + 2, column[path], value)
        for line in range(1 + (n % 3 == 0)):
            for key, value in {**data["products"][0], "sku": f"{number}-{line}"}.items():
                put(products, product_row, item[key], value)
            products.cell(product_row, item["contract.number"], number)
            product_row += 1
    path = folder / "orders.xlsx"
    wb.save(path)
    return path


def test_bad_cells_late_in_a_big_xlsx_are_named_by_row_and_column(tmp_path):
    count = 80
    sheet = _big_xlsx(tmp_path, count)
    wb = openpyxl.load_workbook(sheet)
    orders, products = wb["orders"], wb["products"]
    column = {c.value: c.column for c in orders[1]}
    orders.cell(count, column["payment.deposit_percent"], 120)  # BIG-0078, near the end of the sheet
    quantity = next(c.column for c in products[1] if c.value == "quantity")
    last = products.max_row  # the products of BIG-0000, the last rows of their sheet
    products.cell(last, quantity, "many")
    wb.save(sheet)
    out = tmp_path / "out"
    result = run_cli("batch", sheet, "-o", out, "--format", "md", "--jobs", "2", timeout=600)
    assert result.returncode == 2, result.stderr
    lines = [line.strip() for line in result.stderr.splitlines()]
    assert any(line.startswith(f"orders.xlsx, sheet 'orders' row {count}, column 'payment.deposit_percent': expected")
               and line.endswith("found 120") for line in lines), lines
    assert any(line.startswith(f"orders.xlsx, sheet 'products' row {last}, column 'quantity' (products[1].quantity)")
               for line in lines), lines
    built = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert len(built) == count - 2 and "BIG-0078" not in built and "BIG-0000" not in built
    assert _skus(out / "BIG-0003") == ["BIG-0003-0", "BIG-0003-1"]
    assert _skus(out / "BIG-0004") == ["BIG-0004-0"]


# -- output to a URL -----------------------------------------------------------------------------------

def _run(sheet: Path, url: str, force: bool = False) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_batch(sheet, ["po_annex"], ["md"], "parallel", url, jobs=1, force=force, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_memory_url_output_lands_whole_resumes_and_never_silently_overwrites(tmp_path):
    sheet = _scattered_csv(tmp_path)
    url = f"memory://stream-{uuid.uuid4().hex[:8]}/contracts"
    fs = fsspec.filesystem("memory")
    root = url.removeprefix("memory://")

    code, out, err = _run(sheet, url)
    assert code == 0, err
    names = sorted(p.rsplit("/", 1)[1] for p in fs.find(f"/{root}"))
    assert "manifest.json" in names and "manifest.csv" in names and not [n for n in names if n.endswith(".tmp")]
    manifest = json.loads(fs.cat_file(f"/{root}/manifest.json"))
    assert manifest["summary"]["built"] == 3
    annex = f"/{root}/SC-B/SC-B-po_annex.md"
    recorded = next(o for o in manifest["orders"] if o["contract_number"] == "SC-B")["files"]
    assert recorded["SC-B/SC-B-po_annex.md"] == hashlib.sha256(fs.cat_file(annex)).hexdigest()

    code, out, err = _run(sheet, url)  # resume: everything is up to date on the URL
    assert code == 0 and "3 skipped-up-to-date" in out, err

    fs.pipe_file(annex, b"edited by hand")
    code, out, err = _run(sheet, url)
    assert code == 2
    assert "SC-B" in err and "expected no existing file (use --force to replace it" in err
    assert fs.cat_file(annex) == b"edited by hand"  # refused, not replaced
    manifest = json.loads(fs.cat_file(f"/{root}/manifest.json"))
    assert [o["status"] for o in manifest["orders"]] == ["skipped-up-to-date", "failed", "skipped-up-to-date"]

    code, out, err = _run(sheet, url, force=True)
    assert code == 0, err
    assert fs.cat_file(annex) != b"edited by hand"
    assert not [p for p in fs.find(f"/{root}") if p.endswith(".tmp")]


def test_file_url_output_through_the_cli_with_worker_processes(tmp_path):
    sheet = _scattered_csv(tmp_path)
    url = f"file://{tmp_path / 'out'}"
    first = run_cli("batch", sheet, "-o", url, "--docs", "po_annex", "--format", "md", "--jobs", "2")
    assert first.returncode == 0, first.stderr
    assert {p.name for p in (tmp_path / "out").iterdir() if p.is_dir()} == {"SC-A", "SC-B", "SC-C"}
    assert f"Manifest: {url}/manifest.json" in first.stdout
    again = run_cli("batch", sheet, "-o", url, "--docs", "po_annex", "--format", "docx", "--jobs", "1")
    assert again.returncode == 0, again.stderr  # the set's audit manifest gains the DOCX: no --force needed
    assert len(list((tmp_path / "out" / "SC-A").glob("*.docx"))) == 1
    assert len(list((tmp_path / "out" / "SC-A").glob("*.md"))) == 1


def test_unknown_url_protocol_is_an_input_error(tmp_path):
    result = run_cli("batch", _scattered_csv(tmp_path), "-o", "nosuchfs://bucket/out", "--jobs", "1")
    assert result.returncode == 2
    assert "nosuchfs://bucket/out" in result.stderr and "expected fsspec, to write to a URL" in result.stderr


# -- the last run's manifest, read a piece at a time ------------------------------------------------------

_json_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_record = st.fixed_dictionaries({
    "contract_number": _json_text, "status": st.sampled_from(["built", "invalid", "failed"]),
    "errors": st.lists(_json_text, max_size=3), "files": st.dictionaries(_json_text, _json_text, max_size=3),
    "n": st.integers() | st.floats(allow_nan=False, allow_infinity=False)})


@settings(max_examples=150, deadline=None)
@given(orders=st.lists(_record, max_size=6), problems=st.lists(_json_text, max_size=3),
       indent=st.sampled_from([None, 2]), piece=st.integers(1, 9))
def test_manifest_read_in_pieces_is_the_manifest(orders, problems, indent, piece):
    manifest = {"format": "contractgen-batch/1", "problems": problems, "orders": orders, "after": {"orders": [1]}}
    text = json.dumps(manifest, ensure_ascii=False, indent=indent)
    members = list(_manifest_orders(io.StringIO(text), piece))
    assert [value for key, value in members if key == "order"] == orders
    assert [(k, v) for k, v in members if k != "order"] == [("format", "contractgen-batch/1"),
                                                            ("problems", problems), ("after", {"orders": [1]})]


def test_date_cells_of_other_documents_columns_are_dates_as_in_an_answers_file(tmp_path):
    """A sales-contract sheet built for the PO annex alone: its verification dates belong to no chosen
    document, and openpyxl reads them as datetimes, which no date of the order compares with."""
    sheet = _big_xlsx(tmp_path, 3)
    result = run_cli("batch", sheet, "-o", tmp_path / "out", "--docs", "po_annex", "--format", "md", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.is_dir()) == ["BIG-0000", "BIG-0001", "BIG-0002"]
