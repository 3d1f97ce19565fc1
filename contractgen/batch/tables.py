"""Tables: the cells of one sheet below its header row, read from an .xlsx workbook or a csv file.
Handled here: the header row found below banner rows, formulas (their saved results), merged cells,
error cells, empty trailing rows, a workbook that is a zip bomb, and csv files in UTF-8 (with or without
BOM), GBK/GB18030 or UTF-16 with a BOM.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from ..answers.schema import A_VALUE
from ..core.errors import InputError, Problem
from ..core.input_files import size_text
from ..core.messages import as_typed, message
from .cells import Cell
from .columns import KEY

# A 5,000-order sheet is about 5 MiB as csv or xlsx, about 40 MiB unpacked; real xlsx parts compress
# 5 to 50 times. A zip bomb's parts compress about 1,000 times.
MAX_SHEET_BYTES = 64 * 2 ** 20
MAX_XLSX_UNPACKED = 256 * 2 ** 20
MAX_XLSX_RATIO = 200
MAX_XLSX_MEMBERS = 10_000


@dataclass
class Table:
    """The cells of one sheet (or csv file) below its header row."""

    file: str
    sheet: str | None  # None for csv
    headers: dict[int, str]  # column index -> header, for the columns that have one
    rows: list[tuple[int, dict[int, Cell]]]  # (row number, non-empty cells by column index)
    headerless: set[int] = field(default_factory=set)  # columns without a header that hold values
    semicolon_csv: bool = False  # a csv separated by ';', as the decimal-comma locales write it

    def where(self, row: int) -> str:
        return f"{self.file}, sheet '{self.sheet}' row {row}" if self.sheet else f"{self.file} row {row}"

    def column_name(self, column: int) -> str:
        from openpyxl.utils import get_column_letter

        return f"column {get_column_letter(column)}" if self.sheet else f"column {column}"


def _empty(value: Any) -> bool:
    return value is None or isinstance(value, str) and not value.strip()


_EXCEL_ERROR = message("batch.excel_error", "the Excel error {error} in cell {cell}")
_NO_RESULT = message("batch.no_saved_result", "a formula with no saved result in cell {cell}: open the file in Excel "
                                              "(or LibreOffice) and save it, so the results are stored")
_HEADER_ROW = message("batch.header_row", "a header row with a '{key}' column and the answers paths as the other "
                                          "headers (see `contractgen batch-template`)")
_NO_SUCH_ROW = message("batch.no_such_row", "no such row")
_AT_MOST_PARTS = message("batch.at_most_parts", "a workbook of at most {n} parts")
_PARTS = message("batch.parts", "{n} parts")
_AT_MOST_UNPACKED = message("batch.at_most_unpacked", "a workbook of at most {size} once unpacked")
_UNPACKED = message("batch.unpacked", "{mib} MiB (a zip bomb, or far more than any order sheet)")
_AT_MOST_RATIO = message("batch.at_most_ratio", "parts compressed at most {ratio}:1")
_RATIO = message("batch.ratio", "{part} compressed {ratio}:1 (a zip bomb)")
_WORKBOOK = message("batch.workbook", "an Excel workbook (.xlsx)")
_NOT_WORKBOOK = message("batch.not_workbook", "a file that cannot be read as one ({error})")
_SHEET_NAMED = message("batch.sheet_named", "a sheet named '{name}'")
_SHEETS = message("batch.sheets", "sheets {names}")
_UTF8_BOM = message("batch.utf8_bom", "UTF-8 text (the file starts with a UTF-8 byte-order mark)")
_NOT_UTF8_AT = message("batch.not_utf8_at", "a byte that is not UTF-8 at offset {offset}")
_UTF16_BOM = message("batch.utf16_bom", "UTF-16 text (the file starts with a UTF-16 byte-order mark)")
_NOT_UTF16_AT = message("batch.not_utf16_at", "bytes that are not UTF-16 at offset {offset}")
_ENCODINGS = message("batch.encodings", "text encoded as UTF-8, GBK/GB18030 or UTF-16 with a byte-order mark "
                                        "(in Excel: Save As › CSV UTF-8)")
_NONE_OF_THESE = message("batch.none_of_these", "bytes that are none of these (not UTF-8 at offset {utf8}, not "
                                                "GB18030 at offset {gb18030})")
_READABLE_CSV = message("batch.readable_csv", "a readable csv file")


def _header_row(rows, file: str, sheet: str | None) -> tuple[int, list]:
    for number, values in rows:
        if any(isinstance(v, str) and v.strip() == KEY for v in values):
            return number, values
    where = f"{file}, sheet '{sheet}'" if sheet else file
    raise InputError(Problem(where, "", _HEADER_ROW(key=KEY), _NO_SUCH_ROW()))


def _has_formulas(archive: zipfile.ZipFile) -> bool:
    return any(re.search(rb"<(?:\w+:)?f[ >]", archive.read(name)) for name in archive.namelist()
               if name.startswith("xl/worksheets/") and name.endswith(".xml"))


def _check_unpacked_size(archive: zipfile.ZipFile, file: str) -> None:
    """Refuse a zip bomb from its central directory, before anything is unpacked. zipfile never unpacks
    more than a member's recorded size, so these recorded sizes bound what openpyxl can read."""
    members = archive.infolist()
    if len(members) > MAX_XLSX_MEMBERS:
        raise InputError(Problem(file, "", _AT_MOST_PARTS(n=f"{MAX_XLSX_MEMBERS:,}"), _PARTS(n=f"{len(members):,}")))
    total = sum(m.file_size for m in members)
    if total > MAX_XLSX_UNPACKED:
        raise InputError(Problem(file, "", _AT_MOST_UNPACKED(size=size_text(MAX_XLSX_UNPACKED)),
                                 _UNPACKED(mib=f"{total / 2 ** 20:,.0f}")))
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 2 ** 20 and ratio > MAX_XLSX_RATIO:
            raise InputError(Problem(file, "", _AT_MOST_RATIO(ratio=MAX_XLSX_RATIO),
                                     _RATIO(part=repr(member.filename), ratio=f"{ratio:,.0f}")))


def xlsx_tables(data: bytes, file: str, names: list[str]) -> tuple[dict[str, Table], dt.datetime]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_unpacked_size(archive, file)
            has_formulas = _has_formulas(archive)
        values = load_workbook(io.BytesIO(data), data_only=True)  # the results Excel saved for formulas
        # only to tell a formula without a saved result from an empty cell: loaded when there are formulas
        formulas = load_workbook(io.BytesIO(data), data_only=False) if has_formulas else None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(Problem(file, "", _WORKBOOK(), _NOT_WORKBOOK(error=str(exc))))
    sheets = {ws.title.strip().casefold(): ws for ws in values.worksheets}
    missing = [n for n in names if n.casefold() not in sheets]
    if missing:
        raise InputError([Problem(file, "", _SHEET_NAMED(name=n),
                                  _SHEETS(names=", ".join(repr(ws.title) for ws in values.worksheets)))
                          for n in missing])
    tables = {}
    for name in names:
        ws = sheets[name.casefold()]
        fws = formulas[ws.title] if formulas else None
        header_row, header_values = _header_row(
            ((cells[0].row, [c.value for c in cells]) for cells in ws.iter_rows() if cells), file, ws.title)
        headers = {i + 1: str(v).strip() for i, v in enumerate(header_values) if not _empty(v)}
        # A range merged down a column (a contract number merged over its product lines) holds its value
        # in every row; any other merged cell only in its top-left cell, so columns never shift.
        filled: dict[tuple[int, int], Any] = {}
        for merged in ws.merged_cells.ranges:
            if merged.min_col == merged.max_col and merged.min_row > header_row:
                top = ws.cell(merged.min_row, merged.min_col)
                for row in range(merged.min_row + 1, merged.max_row + 1):
                    filled[(row, merged.min_col)] = top
        table = Table(file, ws.title, headers, [])
        for cells in ws.iter_rows(min_row=header_row + 1):
            found: dict[int, Cell] = {}
            for cell in cells:
                source = filled.get((cell.row, cell.column), cell)
                value = source.value
                if source.data_type == "e":
                    found[cell.column] = Cell(None, problem=(A_VALUE(), _EXCEL_ERROR(error=value, cell=cell.coordinate)))
                elif value is None:
                    if fws is not None and fws.cell(source.row, source.column).data_type == "f":
                        found[cell.column] = Cell(None, problem=(A_VALUE(), _NO_RESULT(cell=source.coordinate)))
                elif not _empty(value):
                    found[cell.column] = Cell(value, source.number_format or "General")
            for column in found:
                if column not in headers:
                    table.headerless.add(column)
            if found:
                table.rows.append((cells[0].row, found))
        tables[name] = table
    return tables, values.epoch


def decode_text(data: bytes, file: str) -> tuple[str, str]:
    """(text, encoding name). Strict decoding only: UTF-8 (BOM or not), then GB18030 (a superset of the
    GBK Chinese Excel writes); UTF-16 only with its BOM. Never a silent guess."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "UTF-8 with BOM"
        except UnicodeDecodeError as exc:
            raise InputError(Problem(file, "", _UTF8_BOM(), _NOT_UTF8_AT(offset=exc.start + 3))) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise InputError(Problem(file, "", _UTF16_BOM(), _NOT_UTF16_AT(offset=exc.start))) from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as exc:
        not_utf8 = exc.start
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise InputError(Problem(file, "", _ENCODINGS(), _NONE_OF_THESE(utf8=not_utf8, gb18030=exc.start))) from None
    try:
        data.decode("gbk")
        return text, "GBK"
    except UnicodeDecodeError:
        return text, "GB18030"


def csv_table(data: bytes, file: str) -> tuple[Table, list[str]]:
    text, encoding = decode_text(data, file)
    # The delimiter is the one that makes `contract.number` a header cell of its own: the headers are
    # known, which is more reliable than csv.Sniffer's guess from the data.
    chosen = None
    for delimiter in (",", ";", "\t"):
        try:
            for number, values in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1):
                if any(v.strip() == KEY for v in values):
                    if chosen is None or len(values) > chosen[2]:
                        chosen = (delimiter, number, len(values))
                    break
        except csv.Error:
            continue
    if chosen is None:
        _header_row([], file, None)
    delimiter = chosen[0]
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise InputError(Problem(file, "", _READABLE_CSV(), as_typed(str(exc)))) from None
    header_row, header_values = _header_row(enumerate(records, 1), file, None)
    table = Table(file, None, {i + 1: v.strip() for i, v in enumerate(header_values) if v.strip()}, [],
                   semicolon_csv=delimiter == ";")
    del text
    for number in range(header_row + 1, len(records) + 1):
        values, records[number - 1] = records[number - 1], None  # the text goes as its cells are made
        found = {i + 1: Cell(v) for i, v in enumerate(values) if v.strip()}
        table.headerless |= {c for c in found if c not in table.headers}
        if found:
            table.rows.append((number, found))
    name = {",": "comma", ";": "semicolon", "\t": "tab"}[delimiter]
    return table, [f"{file}: encoding {encoding}, delimiter {name}"]
