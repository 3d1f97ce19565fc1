"""Batch generation from a spreadsheet, end to end through the real CLI: real xlsx files written with
openpyxl (with the Excel quirks operations teams produce), real csv files in the encodings Excel writes,
DOCX read back with python-docx, the manifests, exit codes and the exact error lines."""
from __future__ import annotations

import copy
import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.datetime import to_excel

from contractgen.interview.definitions import load_interview
from contractgen.core.yamlio import load_yaml_file, source_text

from conftest import EXAMPLE, ROOT, docx_text, run_cli

NUMBER = "SC-2026-0142"


def example() -> dict:
    return copy.deepcopy(load_yaml_file(EXAMPLE))


def leaves(data: dict, prefix: str = "") -> dict:
    """Order answers as {dotted path: value}, without the product list."""
    out = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(leaves(value, path + "."))
        elif not isinstance(value, list):
            out[path] = value
    return out


def put(ws, row: int, column: int, value):
    """Write a value as Excel would hold it; a YAML decimal keeps its trailing zeros through a fixed
    number format (3.20 shown as 3.20), as a person formatting a price column would."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return ws.cell(row, column, value)
    if isinstance(value, int):
        return ws.cell(row, column, int(value))
    if isinstance(value, float):
        cell = ws.cell(row, column, float(value))
        text = source_text(value) or ""
        if "." in text:
            cell.number_format = "0." + "0" * len(text.split(".")[1])
        return cell
    if isinstance(value, dt.date):
        cell = ws.cell(row, column, value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return ws.cell(row, column, str(value))


def orders_headers(interview: str) -> list[str]:
    return [q.path for _, q in load_interview(interview).questions() if q.type != "list"]


def product_headers(interview: str) -> list[str]:
    products = next(q for _, q in load_interview(interview).questions() if q.type == "list")
    return [q.path for q in products.item]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """The order spreadsheet for the full document set, from `contractgen batch-template`."""
    path = tmp_path_factory.mktemp("template") / "orders.xlsx"
    result = run_cli("batch-template", "order_set", "-o", path)
    assert result.returncode == 0, result.stderr
    return path


# -- batch-template -----------------------------------------------------------------------------------

def test_template_columns_are_the_interview_paths(tmp_path):
    path = tmp_path / "orders.xlsx"
    result = run_cli("batch-template", "sales_contract", "-o", path)
    assert result.returncode == 0, result.stderr
    wb = openpyxl.load_workbook(path)
    orders, products = wb["orders"], wb["products"]
    assert [c.value for c in orders[1]] == orders_headers("sales_contract")
    assert [c.value for c in products[1]] == ["contract.number"] + product_headers("sales_contract")
    assert orders.max_row == 1 and products.max_row == 1  # no data rows
    assert orders.freeze_panes == "B2"

    headers = {c.value: c for c in orders[1]}
    deposit = headers["payment.deposit_percent"].comment.text
    question = load_interview("sales_contract").question("payment.deposit_percent")
    assert deposit.startswith(f"{question.label.en}\n{question.label.zh}\n")
    assert question.help.en.split()[0] in deposit and "default when empty: 30" in deposit
    assert "e.g. SC-2026-0142" in headers["contract.number"].comment.text
    assert "leave every tooling.* column empty" in headers["tooling.owner"].comment.text

    def validation_for(column_letter: str):
        return [dv for dv in orders.data_validations.dataValidation if f"{column_letter}2:" in str(dv.sqref)]

    incoterm = validation_for(headers["delivery.incoterm"].column_letter)[0]
    sheet, cells = incoterm.formula1.split("!")
    listed = [c.value for row in wb[sheet.strip("'")][cells.replace("$", "")] for c in row]
    assert listed == ["EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF"]
    allowed = validation_for(headers["subcontracting.allowed"].column_letter)[0]
    assert allowed.type == "list"
    assert orders.column_dimensions[headers["contract.date"].column_letter].number_format == "yyyy-mm-dd"
    assert orders.column_dimensions[headers["supplier.bank.account"].column_letter].number_format == "@"
    assert orders.column_dimensions[headers["payment.balance_due_days"].column_letter].number_format == "0"

    again = run_cli("batch-template", "sales_contract", "-o", path)  # same interview, same bytes
    assert again.returncode == 0 and "unchanged" in again.stdout


# -- xlsx with the quirks of real spreadsheets ------------------------------------------------------------

ORDERS_HEADER_ROW = 2  # below a merged banner row


def _with_cached_value(path: Path, cell: str, formula: str, value: str) -> None:
    """openpyxl cannot store a formula's result; write the cell XML as Excel saves it."""
    data = io.BytesIO(path.read_bytes())
    with zipfile.ZipFile(data) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    name = "xl/worksheets/sheet1.xml"
    xml = members[name].decode()
    xml, count = re.subn(rf'(<c r="{cell}"[^>]*>)<f>{re.escape(formula)}</f><v\s*/?>(?:</v>)?',
                         rf"\g<1><f>{formula}</f><v>{value}</v>", xml)
    assert count == 1
    members[name] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for member, content in members.items():
            target.writestr(member, content)


@pytest.fixture(scope="module")
def quirky(template, tmp_path_factory) -> Path:
    """orders.xlsx from the template: the example order typed the way people type into Excel, plus
    orders that must fail, one with two product lines under a merged contract number."""
    folder = tmp_path_factory.mktemp("quirky")
    wb = openpyxl.load_workbook(template)
    orders, products = wb["orders"], wb["products"]
    headers = [c.value for c in orders[1]]
    # a merged banner above the header, and a merged notes header inside it that must not shift columns
    orders.insert_rows(1)
    orders.insert_cols(2, 2)
    orders.cell(1, 1, "Northwind orders, Q1 2027 / 北风家居 2027年第一季度订单")
    orders.merge_cells(start_row=1, start_column=1, end_row=1, end_column=8)
    orders.cell(ORDERS_HEADER_ROW, 2, "# remarks")
    orders.merge_cells(start_row=ORDERS_HEADER_ROW, start_column=2, end_row=ORDERS_HEADER_ROW, end_column=3)
    column = {h: i for i, h in enumerate([headers[0], "# remarks", None, *headers[1:]], 1)}
    base = leaves(example())
    missing = set(base) - set(column)
    assert not missing, f"the example has answers the order_set template has no column for: {missing}"

    def order_row(row: int, number: str, changes: dict | None = None):
        values = {**base, "contract.number": number, **(changes or {})}
        for path, value in values.items():
            put(orders, row, column[path], value)

    # row 3: the example order, with Excel's habits
    order_row(3, NUMBER, {
        "contract.date": int(to_excel(dt.date(2026, 11, 23))),  # a date stored as its serial number
        "delivery.ship_by": "2027/2/15",  # a date typed as text
        "buyer.name_en": "Northwind Home Goods LLC   ",  # trailing spaces
        "confidentiality.liquidated_damages": "50,000",  # a number stored as text
        "tooling.return_within_days": " 15 ",
        "subcontracting.allowed": "否",  # a boolean in Chinese
        "payment.deposit_percent": "=10*3",  # a formula; its saved result is written below
    })
    orders.cell(3, 2, "checked by Li Na")
    order_row(4, "SC-NOVALUE", {"payment.deposit_percent": "=10*3"})  # a formula never calculated
    order_row(5, "SC-BAD", {"payment.deposit_percent": 120})
    order_row(6, "SC-DUP")
    order_row(7, "SC-DUP")
    order_row(8, "SC-MERGE", {"subcontracting.allowed": "FALSE"})
    for row in (9, 10, 11):  # empty trailing rows Excel keeps after deleting their contents
        orders.cell(row, column["buyer.name_en"], "  ")
        orders.cell(row, column["currency"]).number_format = "@"

    item = {h: i for i, h in enumerate([c.value for c in products[1]], 1)}
    line = example()["products"][0]

    def product_row(row: int, number: str, changes: dict | None = None):
        for path, value in {**line, **(changes or {})}.items():
            put(products, row, item[path], value)
        products.cell(row, 1, number)

    product_row(2, NUMBER, {"quantity": "5,000"})
    product_row(3, "SC-NOVALUE")
    product_row(4, "SC-BAD", {"quantity": "lots"})
    product_row(5, "SC-DUP")
    product_row(6, "SC-MERGE")
    product_row(7, "SC-MERGE", {"sku": "NW-BOT-750", "description_en": "750 ml vacuum insulated bottle",
                                "description_zh": "750毫升真空保温瓶"})
    products.cell(7, 1, None)
    products.merge_cells("A6:A7")  # one contract number merged over its two lines
    product_row(8, "SC-NOBODY")  # a line whose order is not in sheet 'orders'

    path = folder / "orders.xlsx"
    wb.save(path)
    deposit = openpyxl.utils.get_column_letter(column["payment.deposit_percent"])
    _with_cached_value(path, f"{deposit}3", "10*3", "30")
    return path


@pytest.fixture(scope="module")
def quirky_run(quirky, tmp_path_factory):
    out = tmp_path_factory.mktemp("batch-out")
    result = run_cli("batch", quirky, "-o", out, "--jobs", "2")
    return out, result


@pytest.fixture(scope="module")
def single_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build-out")
    result = run_cli("build", EXAMPLE, "-o", out)
    assert result.returncode == 0, result.stderr
    return out


def test_quirky_sheet_builds_the_valid_orders_and_names_every_bad_cell(quirky_run, quirky):
    out, result = quirky_run
    assert result.returncode == 2, result.stderr  # some orders are invalid; the others were built
    lines = [line.strip() for line in result.stderr.splitlines()]
    deposit_column = next(c.column_letter for c in openpyxl.load_workbook(quirky)["orders"][ORDERS_HEADER_ROW]
                          if c.value == "payment.deposit_percent")
    expected = [
        "orders.xlsx, sheet 'orders' row 5, column 'payment.deposit_percent': expected a number from 0 to 100, "
        "found 120",
        "orders.xlsx, sheet 'products' row 4, column 'quantity' (products[0].quantity): expected a number, "
        "found 'lots'",
        f"orders.xlsx, sheet 'orders' row 4, column 'payment.deposit_percent': expected a value, found a formula "
        f"with no saved result in cell {deposit_column}4: open the file in Excel (or LibreOffice) and save it, so "
        f"the results are stored",
        "orders.xlsx, sheet 'orders' row 6, column 'contract.number': expected a contract number used by one order "
        "row only, found 'SC-DUP', also in row 7",
        "orders.xlsx, sheet 'orders' row 7, column 'contract.number': expected a contract number used by one order "
        "row only, found 'SC-DUP', also in row 6",
        "contractgen: orders.xlsx, sheet 'products' row 8, column 'contract.number': expected the contract number "
        "of a row of sheet 'orders', found 'SC-NOBODY'",
    ]
    for line in expected:
        assert line in lines, f"{line!r} not in:\n{result.stderr}"
    assert "column C has values but no header" not in result.stdout  # the merged header cell is empty below

    assert sorted(p.name for p in out.iterdir()) == [NUMBER, "SC-MERGE", "manifest.csv", "manifest.json"]
    assert sorted(p.name for p in (out / NUMBER).iterdir()) == [f"{NUMBER}-sales_contract.docx",
                                                               f"{NUMBER}-sales_contract.manifest.json"]
    text = docx_text(out / "SC-MERGE" / "SC-MERGE-sales_contract.docx")
    assert "NW-BOT-500" in text and "NW-BOT-750" in text and "750毫升真空保温瓶" in text
    assert "深圳市华信家居用品有限公司" in text and "SC-MERGE" in text


def test_quirks_give_the_same_answers_as_the_yaml_file(quirky_run, single_build):
    """Serial-number date, text date, "50,000", trailing spaces, 否, a formula's saved result, 3.20 in
    a 0.00 column: the same answers as the example file, so byte-identical documents."""
    out, _ = quirky_run
    name = f"{NUMBER}-sales_contract"
    assert (out / NUMBER / f"{name}.docx").read_bytes() == (single_build / f"{name}.docx").read_bytes()
    assert (out / NUMBER / f"{name}.manifest.json").read_bytes() == \
        (single_build / f"{name}.manifest.json").read_bytes()


def test_manifest_records_every_order(quirky_run, quirky):
    out, _ = quirky_run
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["format"] == "contractgen-batch/1"
    assert manifest["documents"] == ["sales_contract"] and manifest["formats"] == ["docx"]
    statuses = [(o["contract_number"], o["status"]) for o in manifest["orders"]]
    assert statuses == [(NUMBER, "built"), ("SC-NOVALUE", "invalid"), ("SC-BAD", "invalid"), ("SC-DUP", "invalid"),
                        ("SC-DUP", "invalid"), ("SC-MERGE", "built")]
    assert manifest["summary"] == {"built": 2, "unchanged": 0, "skipped-up-to-date": 0, "invalid": 4, "failed": 0,
                                   "interrupted": 0}
    assert manifest["problems"] == ["orders.xlsx, sheet 'products' row 8, column 'contract.number': expected the "
                                    "contract number of a row of sheet 'orders', found 'SC-NOBODY'"]
    built = manifest["orders"][0]
    assert built["source"] == "orders.xlsx, sheet 'orders' row 3" and built["errors"] == []
    assert set(built["files"]) == {f"{NUMBER}/{NUMBER}-sales_contract.docx",
                                   f"{NUMBER}/{NUMBER}-sales_contract.manifest.json"}
    for name, sha in built["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == sha
    document_manifest = json.loads((out / NUMBER / f"{NUMBER}-sales_contract.manifest.json").read_text("utf-8"))
    assert built["answers_sha256"] == document_manifest["manifest"]["answers_sha256"]
    assert built["clauses"] == [f"{c['id']}@{c['version']}" for c in document_manifest["manifest"]["clauses"]]
    assert all(re.fullmatch(r"[a-z0-9_.]+@\d+\.\d+\.\d+", c) for c in built["clauses"])
    bad = manifest["orders"][2]
    assert bad["files"] == {} and any("found 120" in e for e in bad["errors"])

    raw = (out / "manifest.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # so Excel reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [(r["contract_number"], r["status"]) for r in rows] == statuses
    assert rows[0]["files"].splitlines()[0] == f"{NUMBER}/{NUMBER}-sales_contract.docx " + \
        built["files"][f"{NUMBER}/{NUMBER}-sales_contract.docx"]


def _snapshot(folder: Path) -> dict:
    return {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.rglob("*")
            if p.is_file() and not p.name.startswith("manifest.")}


def test_rerun_skips_up_to_date_orders_and_force_rebuilds(quirky_run, quirky, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(quirky_run[0], out)
    before = _snapshot(out)

    again = run_cli("batch", quirky, "-o", out, "--jobs", "1")
    assert again.returncode == 2  # the invalid rows are still invalid
    assert f"{NUMBER}: up to date, skipped" in again.stderr
    assert _snapshot(out) == before  # nothing written
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["summary"]["skipped-up-to-date"] == 2 and manifest["summary"]["built"] == 0

    # an output edited by hand is never overwritten without --force
    edited = out / "SC-MERGE" / "SC-MERGE-sales_contract.docx"
    original = edited.read_bytes()
    edited.write_bytes(b"edited by hand")
    refused = run_cli("batch", quirky, "-o", out, "--jobs", "1")
    assert refused.returncode == 2
    assert edited.read_bytes() == b"edited by hand"
    entry = next(o for o in json.loads((out / "manifest.json").read_text("utf-8"))["orders"]
                 if o["contract_number"] == "SC-MERGE")
    assert entry["status"] == "failed" and "a different file already there" in entry["errors"][0]

    forced = run_cli("batch", quirky, "-o", out, "--force", "--jobs", "1")
    assert forced.returncode == 2
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    statuses = {o["contract_number"]: o["status"] for o in manifest["orders"]}
    assert statuses[NUMBER] == "unchanged"  # rebuilt although up to date, and the same bytes came out
    assert statuses["SC-MERGE"] == "built" and edited.read_bytes() == original
    unchanged = {p: v for p, v in before.items() if "SC-MERGE" not in str(p)}
    assert {p: v for p, v in _snapshot(out).items() if p in unchanged} == unchanged


def test_unknown_column_stops_before_anything_is_built(template, tmp_path):
    wb = openpyxl.load_workbook(template)
    orders = wb["orders"]
    cell = next(c for c in orders[1] if c.value == "payment.deposit_percent")
    cell.value = "payment.deposit_percnt"
    orders.cell(2, 1, "SC-1")
    wb.save(tmp_path / "orders.xlsx")
    result = run_cli("batch", tmp_path / "orders.xlsx", "-o", tmp_path / "out")
    assert result.returncode == 2
    assert (f"orders.xlsx, sheet 'orders', column {cell.column_letter}: expected a header that is an answers path of "
            "sales_contract") in result.stderr
    assert "did you mean payment.deposit_percent?" in result.stderr
    assert not (tmp_path / "out").exists()


# -- csv ----------------------------------------------------------------------------------------------

def _csv_rows(number: str, lines: list[dict], changes: dict | None = None) -> tuple[list[str], list[list[str]]]:
    order = {**leaves(example()), "contract.number": number, **(changes or {})}
    items = product_headers("sales_contract")
    header = list(order) + [f"products.{h}" for h in items]

    def text(value) -> str:
        if isinstance(value, bool):
            return "FALSE" if not value else "TRUE"
        return source_text(value) or (value.isoformat() if isinstance(value, dt.date) else str(value))

    rows = [[text(order[h]) for h in order] + [text(line.get(h, "")) for h in items] for line in lines]
    return header, rows


def _lines(extra_zh: str = "") -> list[dict]:
    base = {"sku": "NW-BOT-500", "description_en": "500 ml vacuum insulated bottle", "description_zh": "500毫升真空保温瓶",
            "specification_en": "304 stainless steel, powder coated", "specification_zh": "304不锈钢，喷粉涂层" + extra_zh,
            "quantity": "5,000", "unit": "pcs", "unit_price": "3.20", "hs_code": "9617.00"}
    return [base, {**base, "sku": "NW-BOT-750", "description_en": "750 ml bottle", "description_zh": "750毫升保温瓶",
                   "quantity": "2000 ", "unit_price": "4.10"}]


def test_rerun_in_another_format_adds_it_beside_the_first(tmp_path):
    header, rows = _csv_rows("SC-FMT-1", _lines())
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([header, *rows])
    (tmp_path / "orders.csv").write_text(buffer.getvalue(), encoding="utf-8")
    out = tmp_path / "out"
    first = run_cli("batch", tmp_path / "orders.csv", "-o", out, "--docs", "nnn", "--jobs", "1")
    assert first.returncode == 0, first.stderr
    docx_file = out / "SC-FMT-1" / "SC-FMT-1-nnn.docx"
    docx_bytes = docx_file.read_bytes()

    second = run_cli("batch", tmp_path / "orders.csv", "-o", out, "--docs", "nnn", "--format", "md", "--jobs", "1")
    assert second.returncode == 0, second.stderr  # no --force needed: the manifest only gains the Markdown
    assert docx_file.read_bytes() == docx_bytes
    markdown = (out / "SC-FMT-1" / "SC-FMT-1-nnn.md").read_text("utf-8")
    assert "SC-FMT-1" in markdown
    listed = json.loads((out / "SC-FMT-1" / "SC-FMT-1-nnn.manifest.json").read_text("utf-8"))["files"]
    assert listed == {"SC-FMT-1-nnn.docx": hashlib.sha256(docx_bytes).hexdigest(),
                      "SC-FMT-1-nnn.md": hashlib.sha256(markdown.encode("utf-8")).hexdigest()}


@pytest.mark.parametrize("encoding, extra, shown", [
    ("utf-8", "", "encoding UTF-8,"),
    ("utf-8-sig", "", "encoding UTF-8 with BOM,"),
    ("gbk", "", "encoding GBK,"),
    ("gb18030", "（䶮）", "encoding GB18030,"),  # 䶮 is outside GBK: only GB18030 has it
])
def test_csv_in_the_encodings_excel_writes(encoding, extra, shown, tmp_path):
    header, rows = _csv_rows("SC-CSV-1", _lines(extra), {"subcontracting.allowed": "否"})
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([header, *rows, [""] * len(header)])
    (tmp_path / "orders.csv").write_bytes(buffer.getvalue().encode(encoding))
    result = run_cli("batch", tmp_path / "orders.csv", "-o", tmp_path / "out", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    assert f"orders.csv: {shown} delimiter comma" in result.stdout
    text = docx_text(tmp_path / "out" / "SC-CSV-1" / "SC-CSV-1-sales_contract.docx")
    assert "深圳市华信家居用品有限公司" in text and "750毫升保温瓶" in text and "NW-BOT-750" in text
    assert "304不锈钢，喷粉涂层" + extra in text


def test_csv_order_columns_that_disagree_are_an_error(tmp_path):
    header, rows = _csv_rows("SC-CSV-2", _lines())
    rows[1][header.index("payment.deposit_percent")] = "40"
    # a ';' csv is a decimal-comma locale's: its quantity is written 5000, not 5,000 (refused there)
    ok_header, ok_rows = _csv_rows("SC-CSV-3", [{**_lines()[0], "quantity": "5000"}])
    assert ok_header == header
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows([header, *rows, *ok_rows])  # as a European Excel saves it
    (tmp_path / "orders.csv").write_text(buffer.getvalue(), encoding="utf-8")
    result = run_cli("batch", tmp_path / "orders.csv", "-o", tmp_path / "out", "--jobs", "1")
    assert result.returncode == 2
    assert "delimiter semicolon" in result.stdout
    assert ("orders.csv row 3, column 'payment.deposit_percent': expected the same value on every row of contract "
            "'SC-CSV-2' (row 2 has '30'), found '40'") in [line.strip() for line in result.stderr.splitlines()]
    assert not (tmp_path / "out" / "SC-CSV-2").exists()
    assert (tmp_path / "out" / "SC-CSV-3" / "SC-CSV-3-sales_contract.docx").is_file()


def test_csv_that_is_no_known_encoding_is_refused(tmp_path):
    header, rows = _csv_rows("SC-CSV-4", _lines())
    data = (",".join(header) + "\r\n").encode() + ",".join(rows[0]).encode("utf-8") + b"\xff\xfe\x80\r\n"
    (tmp_path / "orders.csv").write_bytes(data)
    result = run_cli("batch", tmp_path / "orders.csv", "-o", tmp_path / "out")
    assert result.returncode == 2
    assert "orders.csv: expected text encoded as UTF-8, GBK/GB18030 or UTF-16 with a byte-order mark" in result.stderr
    assert not (tmp_path / "out").exists()


# -- PDF and Ctrl-C -----------------------------------------------------------------------------------

def _xlsx_of_copies(template: Path, path: Path, count: int) -> None:
    wb = openpyxl.load_workbook(template)
    orders, products = wb["orders"], wb["products"]
    column = {c.value: c.column for c in orders[1]}
    item = {c.value: c.column for c in products[1]}
    data = example()
    for n in range(count):
        number = f"SC-{n + 1:04d}"
        for path_, value in {**leaves(data), "contract.number": number}.items():
            put(orders, n + 2, column[path_], value)
        for key, value in data["products"][0].items():
            put(products, n + 2, item[key], value)
        products.cell(n + 2, 1, number)
    wb.save(path)


def test_pdf_for_a_chunk_of_orders(template, tmp_path):
    _xlsx_of_copies(template, tmp_path / "orders.xlsx", 2)
    result = run_cli("batch", tmp_path / "orders.xlsx", "-o", tmp_path / "out", "--format", "docx,pdf", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    for number in ("SC-0001", "SC-0002"):
        pdf = tmp_path / "out" / number / f"{number}-sales_contract.pdf"
        assert pdf.read_bytes().startswith(b"%PDF")
        if shutil.which("pdftotext"):
            text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
            assert number in text and "深圳市华信家居用品有限公司" in re.sub(r"\s", "", text)


def test_ctrl_c_stops_cleanly(template, tmp_path):
    _xlsx_of_copies(template, tmp_path / "orders.xlsx", 40)
    out = tmp_path / "out"
    marker = f"CONTRACTGEN_TEST_RUN={tmp_path}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CONTRACTGEN_TEST_RUN": str(tmp_path)}
    process = subprocess.Popen([sys.executable, "-m", "contractgen", "batch", str(tmp_path / "orders.xlsx"), "-o",
                                str(out), "--jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env)
    lines = []
    for line in process.stderr:
        lines.append(line)
        if line.startswith("[ 1/40]"):
            process.send_signal(signal.SIGINT)
            break
    rest = process.communicate(timeout=60)[1]
    assert process.returncode == 130, "".join(lines) + rest
    final = rest.strip().splitlines()[-1]
    completed = int(re.search(r"interrupted: (\d+) of 40 orders completed", final).group(1))
    assert 1 <= completed < 40
    folders = [p for p in out.iterdir() if p.is_dir()]
    assert len(folders) == completed
    for folder in folders:  # every order that was started is complete
        assert sorted(p.name for p in folder.iterdir()) == [f"{folder.name}-sales_contract.docx",
                                                            f"{folder.name}-sales_contract.manifest.json"]
    assert not [p for p in out.rglob("*.tmp")]
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["summary"]["built"] == completed and manifest["summary"]["interrupted"] == 40 - completed
    deadline = time.monotonic() + 10
    while _processes_marked(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _processes_marked(marker)  # no worker (or LibreOffice) left behind


def _processes_marked(marker: str) -> list[int]:
    """Processes whose environment carries `marker`: the run's own workers and their children."""
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if marker.encode() in environ.read_bytes():
                found.append(int(environ.parent.name))
        except OSError:
            pass
    return found
