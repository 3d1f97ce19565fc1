"""What `contractgen batch` refuses in a sheet as a whole, and what its manifest.csv must never do."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl

from test_batch import _csv_rows, _lines, example, leaves, put
from conftest import run_cli


def _orders_xlsx(interview: str, numbers: list[str], folder: Path) -> Path:
    """One order per number, from `contractgen batch-template interview`, filled with the example's
    answers for the columns that template has."""
    template = folder / f"{interview}-template.xlsx"
    result = run_cli("batch-template", interview, "-o", template)
    assert result.returncode == 0, result.stderr
    wb = openpyxl.load_workbook(template)
    orders, products = wb["orders"], wb["products"]
    column = {c.value: c.column for c in orders[1]}
    item = {c.value: c.column for c in products[1]}
    data = example()
    for row, number in enumerate(numbers, 2):
        for path, value in {**leaves(data), "contract.number": number}.items():
            if path in column:
                put(orders, row, column[path], value)
        for key, value in data["products"][0].items():
            put(products, row, item[key], value)
        products.cell(row, 1, number)
    path = folder / "orders.xlsx"
    wb.save(path)
    return path


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


# -- contract numbers that differ only in case ---------------------------------------------------------

def test_xlsx_contract_numbers_differing_only_in_case_are_refused(tmp_path):
    sheet = _orders_xlsx("order_set", ["SC-77-a", "SC-78", "sc-77-A"], tmp_path)
    result = run_cli("batch", sheet, "-o", tmp_path / "out", "--jobs", "1")
    assert result.returncode == 2, result.stderr
    lines = [line.strip() for line in result.stderr.splitlines()]
    assert ("orders.xlsx, sheet 'orders' row 2, column 'contract.number': expected a contract number that differs "
            "from every other order's in more than letter case (the two would share one folder on Windows and "
            "macOS), found 'SC-77-a', and 'sc-77-A' in orders.xlsx, sheet 'orders' row 4") in lines
    assert any(line.startswith("orders.xlsx, sheet 'orders' row 4, column 'contract.number'") and
               line.endswith("found 'sc-77-A', and 'SC-77-a' in orders.xlsx, sheet 'orders' row 2") for line in lines)
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.is_dir()) == ["SC-78"]


def test_csv_contract_numbers_differing_only_in_case_are_refused(tmp_path):
    header, upper = _csv_rows("SC-CASE-1", _lines()[:1])
    _, lower = _csv_rows("sc-case-1", _lines()[:1])
    sheet = _write_csv(tmp_path / "orders.csv", [header, *upper, *lower])
    result = run_cli("batch", sheet, "-o", tmp_path / "out", "--jobs", "1")
    assert result.returncode == 2, result.stderr
    assert "orders.csv row 2, column 'contract.number': expected a contract number that differs from every other " \
           "order's in more than letter case" in result.stderr
    assert "found 'sc-case-1', and 'SC-CASE-1' in orders.csv row 2" in result.stderr
    assert not [p for p in (tmp_path / "out").iterdir() if p.is_dir()]


# -- a template made for other documents -----------------------------------------------------------------

def test_template_for_fewer_documents_is_refused_before_any_order_is_read(tmp_path):
    sheet = _orders_xlsx("sales_contract", ["SC-0001", "SC-0002"], tmp_path)
    result = run_cli("batch", sheet, "--docs", "all", "-o", tmp_path / "out", "--jobs", "1")
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("contractgen: error: orders.xlsx, sheet 'orders': expected a column "
                                    "'communication.buyer_time_zone' (the documents chosen with --docs ask for it; "
                                    "see `contractgen batch-template`), found no such column")
    assert "SC-0001" not in result.stderr  # stopped before the rows
    assert not (tmp_path / "out").exists()
    # the same sheet serves the documents it was made for
    assert run_cli("batch", sheet, "-o", tmp_path / "out", "--jobs", "1").returncode == 0


def test_csv_without_a_required_product_column_is_refused(tmp_path):
    header, rows = _csv_rows("SC-COL-1", _lines())
    drop = header.index("products.unit_price")
    sheet = _write_csv(tmp_path / "orders.csv", [[c for i, c in enumerate(r) if i != drop] for r in [header, *rows]])
    result = run_cli("batch", sheet, "-o", tmp_path / "out", "--jobs", "1")
    assert result.returncode == 2, result.stderr
    assert "orders.csv: expected a column 'products.unit_price' (the documents chosen with --docs ask for it" \
        in result.stderr


# -- manifest.csv is safe to open in Excel --------------------------------------------------------------

def test_manifest_csv_cells_never_start_a_formula(tmp_path):
    header, rows = _csv_rows("@SUM(1+1)*cmd", _lines()[:1], {"payment.deposit_percent": "-30"})
    header2, rows2 = _csv_rows("SC-OK-1", _lines()[:1])
    sheet = _write_csv(tmp_path / "=HYPERLINK(1)+2.csv", [header, *rows, *rows2])
    out = tmp_path / "out"
    result = run_cli("batch", sheet, "-o", out, "--jobs", "1")
    assert result.returncode == 2, result.stderr
    cells = list(csv.DictReader(io.StringIO((out / "manifest.csv").read_bytes().decode("utf-8-sig"))))
    bad = next(r for r in cells if r["status"] == "invalid")
    assert bad["contract_number"] == "'@SUM(1+1)*cmd"
    assert bad["source"] == "'=HYPERLINK(1)+2.csv row 2"
    assert bad["errors"].startswith("'=HYPERLINK(1)+2.csv row 2, column ")
    for row in cells:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    # the JSON manifest keeps the values as they are
    assert '"source": "=HYPERLINK(1)+2.csv row 2"' in (out / "manifest.json").read_text("utf-8")
