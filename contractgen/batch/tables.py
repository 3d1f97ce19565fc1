"""Tables: the cells of one sheet below its header row, read from an .xlsx workbook or a csv file.
Handled here: the header row found below banner rows, formulas (their saved results), merged cells,
error cells, empty trailing rows, a workbook that is a zip bomb, and csv files in UTF-8 (with or without
BOM), GBK/GB18030 or UTF-16 with a BOM.
"""
from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from ..answers.schema import A_VALUE
from ..core.errors import InputError, Problem
from ..core.input_files import size_text
from ..core.messages import as_typed, message
from .cells import Cell
from .columns import KEY

# A 5,000-order sheet is 3 to 5 MiB as xlsx, 40 to 53 MiB unpacked (53 with inline strings, as openpyxl's
# write-only mode and many exporters write them), and 5 to 25 MiB as csv (order columns repeated on
# every product line); real xlsx parts compress 5 to 50 times, a zip bomb's about 1,000 times, which
# MAX_XLSX_RATIO refuses. The sheet is streamed, so its size costs time and temp disk, not memory: the
# limits are there to end an endless input, with room for 50,000 orders (about 530 MiB unpacked) and more.
MAX_SHEET_BYTES = 512 * 2 ** 20
MAX_XLSX_UNPACKED = 2 * 2 ** 30
MAX_XLSX_RATIO = 200
MAX_XLSX_MEMBERS = 10_000


@dataclass
class Table:
    """The cells of one sheet (or csv file) below its header row, read as they are iterated."""

    file: str
    sheet: str | None  # None for csv
    headers: dict[int, str]  # column index -> header, for the columns that have one
    rows: Iterator[tuple[int, dict[int, Cell]]]  # (row number, non-empty cells by column index), once
    headerless: set[int] = field(default_factory=set)  # columns without a header that hold values (once read)
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
    """The first row with a `contract.number` cell; `rows` is left just below it."""
    for number, values in rows:
        if any(isinstance(v, str) and v.strip() == KEY for v in values):
            return number, values
    where = f"{file}, sheet '{sheet}'" if sheet else file
    raise InputError(Problem(where, "", _HEADER_ROW(key=KEY), _NO_SUCH_ROW()))


def _has_formulas(archive: zipfile.ZipFile) -> bool:
    """Any <f> element in a worksheet, read a chunk at a time (with an overlap for a tag cut in two)."""
    for name in archive.namelist():
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        with archive.open(name) as part:
            tail = b""
            while chunk := part.read(2 ** 20):
                if re.search(rb"<(?:\w+:)?f[ >]", tail + chunk):
                    return True
                tail = chunk[-16:]
    return False


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


def _vertical_merges(archive: zipfile.ZipFile, part: str) -> dict[tuple[int, int], int]:
    """(top row, column) -> bottom row of each range merged down one column. Read-only worksheets do not
    know their merged cells, and the <mergeCells> come after the rows, so the part is scanned first."""
    from lxml import etree
    from openpyxl.utils.cell import range_boundaries

    merges: dict[tuple[int, int], int] = {}
    with archive.open(part) as source:
        for _, element in etree.iterparse(source, events=("end",), tag=("{*}row", "{*}mergeCell")):
            if element.tag.endswith("mergeCell"):
                min_col, min_row, max_col, max_row = range_boundaries(element.get("ref", ""))
                if min_col == max_col and max_row > min_row:
                    merges[(min_row, min_col)] = max_row
            element.clear()
    return merges


def _numbered(ws) -> Iterator[tuple[int, tuple]]:
    """A read-only sheet's rows with their numbers; its recorded dimension is ignored (some writers
    record a wrong one, which would cut rows off)."""
    ws.reset_dimensions()
    return enumerate(ws.iter_rows(), 1)


def _sheet_rows(ws, fws, archive: zipfile.ZipFile, file: str) -> Table:
    from openpyxl.utils import get_column_letter

    rows = _numbered(ws)
    formula_rows = _numbered(fws) if fws is not None else None

    def pairs():
        for number, cells in rows:
            yield number, cells, next(formula_rows)[1] if formula_rows is not None else ()

    paired = pairs()
    header_row, header_values = _header_row(((n, [c.value for c in cells]) for n, cells, _ in paired), file,
                                            ws.title)
    headers = {i + 1: str(v).strip() for i, v in enumerate(header_values) if not _empty(v)}
    merges = {key: bottom for key, bottom in _vertical_merges(archive, ws._worksheet_path).items()
              if key[0] > header_row}
    table = Table(file, ws.title, headers, iter(()))

    def cells_below():
        # A range merged down a column (a contract number merged over its product lines) holds its value
        # in every row; any other merged cell only in its top-left cell, so columns never shift.
        filling: dict[int, tuple[int, Any, int, int]] = {}  # column -> (bottom row, top cell, its row, formula)
        for row, cells, formulas in paired:
            found: dict[int, Cell] = {}
            for index, cell in enumerate(cells):
                column = index + 1
                source, source_row, formula = cell, row, formulas[index] if index < len(formulas) else None
                held = filling.get(column)
                if held and row <= held[0]:
                    _, source, source_row, formula = held
                elif (row, column) in merges:
                    filling[column] = (merges.pop((row, column)), cell, row, formula)
                value = source.value
                if source.data_type == "e":
                    found[column] = Cell(None, problem=(A_VALUE(), _EXCEL_ERROR(
                        error=value, cell=f"{get_column_letter(column)}{row}")))
                elif value is None:
                    if formula is not None and formula.data_type == "f":
                        found[column] = Cell(None, problem=(A_VALUE(), _NO_RESULT(
                            cell=f"{get_column_letter(column)}{source_row}")))
                elif not _empty(value):
                    found[column] = Cell(value, source.number_format or "General")
            table.headerless |= {c for c in found if c not in headers}
            if found:
                yield row, found

    table.rows = cells_below()
    return table


@contextlib.contextmanager
def xlsx_tables(path: Path, file: str, names: list[str]) -> Iterator[tuple[dict[str, Table], dt.datetime]]:
    """The named sheets of the workbook at `path` (a bounded copy of the user's file), each read row by
    row as its Table's rows are iterated, with openpyxl in read-only mode: memory does not grow with the
    sheet. Each sheet's rows can be iterated once, while the context is open."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    with contextlib.ExitStack() as stack:
        try:
            archive = stack.enter_context(zipfile.ZipFile(path))
            _check_unpacked_size(archive, file)
            has_formulas = _has_formulas(archive)
            values = load_workbook(path, read_only=True, data_only=True)  # the results Excel saved for formulas
            stack.callback(values.close)
            # only to tell a formula without a saved result from an empty cell: read when there are formulas
            formulas = load_workbook(path, read_only=True, data_only=False) if has_formulas else None
            if formulas is not None:
                stack.callback(formulas.close)
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
            tables[name] = _sheet_rows(ws, formulas[ws.title] if formulas else None, archive, file)
        yield tables, values.epoch


_CHUNK = 2 ** 20


def _first_bad_byte(path: Path, encoding: str, skip: int = 0) -> int | None:
    """The offset of the first byte that is not `encoding`, decoding a chunk at a time; None if none."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = skip
    with open(path, "rb") as handle:
        handle.seek(skip)
        while True:
            chunk = handle.read(_CHUNK)
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                return offset - pending + exc.start
            if not chunk:
                return None
            offset += len(chunk)


def detect_encoding(path: Path, file: str) -> tuple[str, str]:
    """(Python codec, name shown). Strict decoding only: UTF-8 (BOM or not), then GB18030 (a superset of
    the GBK Chinese Excel writes); UTF-16 only with its BOM. Never a silent guess. The file is decoded
    a chunk at a time, never held whole."""
    with open(path, "rb") as handle:
        start = handle.read(4)
    if start.startswith(codecs.BOM_UTF8):
        bad = _first_bad_byte(path, "utf-8", 3)
        if bad is not None:
            raise InputError(Problem(file, "", _UTF8_BOM(), _NOT_UTF8_AT(offset=bad)))
        return "utf-8-sig", "UTF-8 with BOM"
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        bad = _first_bad_byte(path, "utf-16")
        if bad is not None:
            raise InputError(Problem(file, "", _UTF16_BOM(), _NOT_UTF16_AT(offset=bad)))
        return "utf-16", "UTF-16"
    not_utf8 = _first_bad_byte(path, "utf-8")
    if not_utf8 is None:
        return "utf-8", "UTF-8"
    not_gb18030 = _first_bad_byte(path, "gb18030")
    if not_gb18030 is not None:
        raise InputError(Problem(file, "", _ENCODINGS(), _NONE_OF_THESE(utf8=not_utf8, gb18030=not_gb18030)))
    return ("gbk", "GBK") if _first_bad_byte(path, "gbk") is None else ("gb18030", "GB18030")


@contextlib.contextmanager
def csv_table(path: Path, file: str) -> Iterator[tuple[Table, list[str]]]:
    """The csv file at `path` (a bounded copy of the user's file) as a Table read row by row."""
    codec, encoding = detect_encoding(path, file)
    # The delimiter is the one that makes `contract.number` a header cell of its own: the headers are
    # known, which is more reliable than csv.Sniffer's guess from the data.
    chosen = None
    for delimiter in (",", ";", "\t"):
        try:
            with open(path, encoding=codec, newline="") as text:
                for number, values in enumerate(csv.reader(text, delimiter=delimiter), 1):
                    if any(v.strip() == KEY for v in values):
                        if chosen is None or len(values) > chosen[2]:
                            chosen = (delimiter, number, len(values))
                        break
        except csv.Error:
            continue
    if chosen is None:
        _header_row([], file, None)
    delimiter = chosen[0]
    with open(path, encoding=codec, newline="") as text:
        records = enumerate(csv.reader(text, delimiter=delimiter), 1)
        try:
            header_row, header_values = _header_row(records, file, None)
        except csv.Error as exc:
            raise InputError(Problem(file, "", _READABLE_CSV(), as_typed(str(exc)))) from None
        table = Table(file, None, {i + 1: v.strip() for i, v in enumerate(header_values) if v.strip()}, iter(()),
                      semicolon_csv=delimiter == ";")

        def cells_below():
            try:
                for number, values in records:
                    found = {i + 1: Cell(v) for i, v in enumerate(values) if v.strip()}
                    table.headerless |= {c for c in found if c not in table.headers}
                    if found:
                        yield number, found
            except csv.Error as exc:
                raise InputError(Problem(file, "", _READABLE_CSV(), as_typed(str(exc)))) from None

        table.rows = cells_below()
        name = {",": "comma", ";": "semicolon", "\t": "tab"}[delimiter]
        yield table, [f"{file}: encoding {encoding}, delimiter {name}"]
