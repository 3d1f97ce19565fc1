"""Order spreadsheets: the columns an interview implies, and reading an xlsx or csv file into one
answers mapping per order. Every answer remembers its cell, so a validation problem on
`products[1].quantity` is reported as the products sheet's row and column.

Layout (the same columns `contractgen batch-template` writes):
- xlsx: sheet `orders`, one row per order, one column per non-list question headed by its answers path;
  per list question (`products`) a sheet of that name, one row per entry, keyed by `contract.number`.
- csv: one row per product line, the order columns repeated, list columns headed `products.<field>`.
The header row is the first row with a `contract.number` cell (banner rows above it are ignored);
columns headed `#…` are notes and ignored.

Excel realities are handled here, before validation (which then applies the same rules as a single
build): dates stored as serial numbers, percentages typed with a % format, numbers displayed with
trailing zeros ("3.20" stays 3.20), booleans written TRUE/yes/是/1, formulas (their saved results),
merged cells, error cells, empty trailing rows, and csv files in UTF-8 (with or without BOM),
GBK/GB18030 or UTF-16 with a BOM.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..core.errors import InputError, Problem
from ..core.input_files import read_bounded, size_text
from ..interview.definitions import Interview, Question
from ..answers.numbers import NumberTextError, read_number

KEY = "contract.number"
ORDERS_SHEET = "orders"
NOTE_PREFIX = "#"
TEXT_TYPES = ("string", "text", "email", "country", "currency", "uscc")
_NUMBER_TYPES = ("integer", "decimal", "percent")
_TRUE = {"true", "yes", "是", "1"}
_FALSE = {"false", "no", "否", "0"}
_DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                        r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_EXCEL_DIGITS = 15  # Excel keeps 15 significant digits of a number
# A 5,000-order sheet is about 5 MiB as csv or xlsx, about 40 MiB unpacked; real xlsx parts compress
# 5 to 50 times. A zip bomb's parts compress about 1,000 times.
MAX_SHEET_BYTES = 64 * 2 ** 20
MAX_XLSX_UNPACKED = 256 * 2 ** 20
MAX_XLSX_RATIO = 200
MAX_XLSX_MEMBERS = 10_000


# -- the columns --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Columns:
    """One column per non-list question; per list question its own sheet (xlsx) or `<list>.<field>`
    columns (csv), one column per item question."""

    order: tuple[Question, ...]
    lists: tuple[Question, ...]

    @classmethod
    def of(cls, interview: Interview) -> "Columns":
        questions = [q for _, q in interview.questions()]
        return cls(tuple(q for q in questions if q.type != "list"), tuple(q for q in questions if q.type == "list"))


# -- what was read ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Location:
    """Where an answer came from, written out only for an error: a 5,000-order sheet has a million."""

    where: str  # "orders.xlsx, sheet 'orders' row 7" (shared by the row's cells)
    header: str
    path: str = ""  # the answers path, when the header alone does not say it (a list item)

    def __str__(self) -> str:
        return f"{self.where}, column '{self.header}'" + (f" ({self.path})" if self.path else "")


@dataclass
class SheetOrder:
    """One order as read from the spreadsheet, with the cell every answer came from."""

    number: str  # contract.number as found ("" when empty)
    where: str  # the order's (first) row, e.g. "orders.xlsx, sheet 'orders' row 7"
    raw: dict = field(default_factory=dict)  # answers mapping; empty cells are left out
    cells: dict[str, "Location"] = field(default_factory=dict)  # answers path -> its cell (every column there)
    entries: dict[str, list[str]] = field(default_factory=dict)  # list path -> where each entry's row is
    problems: list[Problem] = field(default_factory=list)  # found while reading (formula without a result, …)
    list_hint: str = ""  # where the list entries of this order are expected to be
    item_header: str = "{field}"  # how a list item column is headed ({list}.{field} in csv)

    def locate(self, problem: Problem) -> Problem:
        """A validation problem, re-addressed to the row and column its value came from."""
        path = problem.path
        if path in self.cells:
            return Problem(str(self.cells[path]), "", problem.expected, problem.found)
        entry = re.fullmatch(r"(.+?)\[(\d+)\](?:\.(.+))?", path)
        if entry and int(entry.group(2)) < len(self.entries.get(entry.group(1), ())):
            row = self.entries[entry.group(1)][int(entry.group(2))]
            if entry.group(3):
                header = self.item_header.format(list=entry.group(1), field=entry.group(3))
                return Problem(f"{row}, column '{header}' ({path}, not in the sheet)", "", problem.expected,
                               problem.found)
            return Problem(f"{row} ({path})", "", problem.expected, problem.found)
        if path in self.entries:  # the list as a whole: "at least 1 entry"
            found = problem.found + (f" ({self.list_hint})" if self.list_hint and not self.entries[path] else "")
            return Problem(self.where, path, problem.expected, found)
        if path:
            return Problem(f"{self.where}, column '{path}' (not in the sheet)", "", problem.expected, problem.found)
        return Problem(self.where, "", problem.expected, problem.found)


@dataclass
class SheetBatch:
    orders: list[SheetOrder]
    stray: list[Problem]  # rows that belong to no order (a product line with an unknown contract number)
    notes: list[str]  # how the file was read: encoding, delimiter, ignored columns


# -- cell values --------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)  # slots: a 5,000-order sheet has about a million of them
class _Cell:
    value: Any
    number_format: str = "General"
    problem: tuple[str, str] | None = None  # (expected, found) for a cell that cannot be read


class _Unreadable(Exception):
    def __init__(self, expected: str, found: str):
        super().__init__(expected)
        self.expected, self.found = expected, found


def _format_section(number_format: str) -> str:
    """The positive-number part of an Excel number format, without quoted text and [colours]."""
    first = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.', "", number_format or "General").split(";")[0]
    return first


def _shown_decimal(value: int | float, number_format: str) -> Decimal:
    """The number as Excel shows it: 15 significant digits, x100 under a % format (a deposit typed 30 %
    means 30), and the trailing zeros of a fixed-decimals format (3.2 shown as 3.20 reads 3.20). A
    format that hides digits never drops them."""
    number = Decimal(value) if isinstance(value, int) else Decimal(format(value, f".{_EXCEL_DIGITS}g"))
    section = _format_section(number_format)
    if "%" in section:
        number = (number * 100).normalize()
        number = number.quantize(Decimal(1)) if number == number.to_integral_value() else number
    decimals = re.search(r"\.([0#?]+)", section)
    minimum = decimals.group(1).count("0") if decimals else 0
    if minimum and -number.as_tuple().exponent < minimum:
        number = number.quantize(Decimal(1).scaleb(-minimum))
    return number


def _number_text(value: int | float) -> str:
    if isinstance(value, int) or value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return format(value, f".{_EXCEL_DIGITS}g")


def _convert(cell: _Cell, q: Question, epoch: dt.datetime, semicolon_csv: bool = False) -> Any:
    """A cell's value as the answer to `q`; what validation cannot read is left for it to report.
    A number typed in a `;`-separated csv is read here, by that file's rules (number_text)."""
    if cell.problem:
        raise _Unreadable(*cell.problem)
    value, t = cell.value, q.type
    if isinstance(value, str):
        text = value.strip()
        if t in _NUMBER_TYPES and semicolon_csv:
            try:
                return read_number(text, percent=t == "percent", semicolon_csv=True)
            except NumberTextError as bad:
                raise _Unreadable(bad.expected, bad.found) from None
        if t == "date":
            match = _DATE_TEXT.fullmatch(text)
            if match:
                try:
                    return dt.date(*map(int, match.groups()))
                except ValueError:
                    return text
            if text.isdigit() and len(text) <= 7:  # a serial number exported as text
                return _serial_date(int(text), epoch, text)
        if t == "boolean":
            word = text.casefold()
            return True if word in _TRUE else False if word in _FALSE else text
        return text
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        if t == "date":
            return _serial_date(value, epoch, _number_text(value))
        if t == "boolean" and value in (0, 1):
            return bool(value)
        if t in _NUMBER_TYPES:
            return _shown_decimal(value, cell.number_format)
        if t in TEXT_TYPES:
            if abs(value) >= 10 ** _EXCEL_DIGITS:
                raise _Unreadable("text (Excel keeps only 15 digits of a number: format the column as Text "
                                  "and type it again)", _number_text(value))
            return _number_text(value)
        if t == "choice" and value == int(value):
            return int(value)
        return value
    if isinstance(value, dt.datetime):
        if t == "date":
            return value.date()
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value if t == "date" else value.isoformat()
    return value


def _serial_date(value: int | float, epoch: dt.datetime, shown: str) -> dt.date | str:
    from openpyxl.utils.datetime import from_excel

    if not 0 < value < 2958466:  # 9999-12-31
        return shown
    return from_excel(value, epoch).date()


def _key_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _number_text(value)
    return str(value).strip()


# -- tables: the cells of one sheet below its header ---------------------------------------------------

@dataclass
class _Table:
    file: str
    sheet: str | None  # None for csv
    headers: dict[int, str]  # column index -> header, for the columns that have one
    rows: list[tuple[int, dict[int, _Cell]]]  # (row number, non-empty cells by column index)
    headerless: set[int] = field(default_factory=set)  # columns without a header that hold values
    semicolon_csv: bool = False  # a csv separated by ';', as the decimal-comma locales write it

    def where(self, row: int) -> str:
        return f"{self.file}, sheet '{self.sheet}' row {row}" if self.sheet else f"{self.file} row {row}"

    def column_name(self, column: int) -> str:
        from openpyxl.utils import get_column_letter

        return f"column {get_column_letter(column)}" if self.sheet else f"column {column}"


def _empty(value: Any) -> bool:
    return value is None or isinstance(value, str) and not value.strip()


def _header_row(rows, file: str, sheet: str | None) -> tuple[int, list]:
    for number, values in rows:
        if any(isinstance(v, str) and v.strip() == KEY for v in values):
            return number, values
    where = f"{file}, sheet '{sheet}'" if sheet else file
    raise InputError(Problem(where, "", f"a header row with a '{KEY}' column and the answers paths as the other "
                                        "headers (see `contractgen batch-template`)", "no such row"))


def _has_formulas(archive: zipfile.ZipFile) -> bool:
    return any(re.search(rb"<(?:\w+:)?f[ >]", archive.read(name)) for name in archive.namelist()
               if name.startswith("xl/worksheets/") and name.endswith(".xml"))


def _check_unpacked_size(archive: zipfile.ZipFile, file: str) -> None:
    """Refuse a zip bomb from its central directory, before anything is unpacked. zipfile never unpacks
    more than a member's recorded size, so these recorded sizes bound what openpyxl can read."""
    members = archive.infolist()
    if len(members) > MAX_XLSX_MEMBERS:
        raise InputError(Problem(file, "", f"a workbook of at most {MAX_XLSX_MEMBERS:,} parts",
                                 f"{len(members):,} parts"))
    total = sum(m.file_size for m in members)
    if total > MAX_XLSX_UNPACKED:
        raise InputError(Problem(file, "", f"a workbook of at most {size_text(MAX_XLSX_UNPACKED)} once unpacked",
                                 f"{total / 2 ** 20:,.0f} MiB (a zip bomb, or far more than any order sheet)"))
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 2 ** 20 and ratio > MAX_XLSX_RATIO:
            raise InputError(Problem(file, "", f"parts compressed at most {MAX_XLSX_RATIO}:1",
                                     f"{member.filename!r} compressed {ratio:,.0f}:1 (a zip bomb)"))


def _xlsx_tables(data: bytes, file: str, names: list[str]) -> tuple[dict[str, _Table], dt.datetime]:
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
        raise InputError(Problem(file, "", "an Excel workbook (.xlsx)", f"a file that cannot be read as one ({exc})"))
    sheets = {ws.title.strip().casefold(): ws for ws in values.worksheets}
    missing = [n for n in names if n.casefold() not in sheets]
    if missing:
        raise InputError([Problem(file, "", f"a sheet named '{n}'",
                                  "sheets " + ", ".join(repr(ws.title) for ws in values.worksheets))
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
        table = _Table(file, ws.title, headers, [])
        for cells in ws.iter_rows(min_row=header_row + 1):
            found: dict[int, _Cell] = {}
            for cell in cells:
                source = filled.get((cell.row, cell.column), cell)
                value = source.value
                if source.data_type == "e":
                    found[cell.column] = _Cell(None, problem=(
                        "a value", f"the Excel error {value} in cell {cell.coordinate}"))
                elif value is None:
                    if fws is not None and fws.cell(source.row, source.column).data_type == "f":
                        found[cell.column] = _Cell(None, problem=(
                            "a value", f"a formula with no saved result in cell {source.coordinate}: open the "
                                       "file in Excel (or LibreOffice) and save it, so the results are stored"))
                elif not _empty(value):
                    found[cell.column] = _Cell(value, source.number_format or "General")
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
            raise InputError(Problem(file, "", "UTF-8 text (the file starts with a UTF-8 byte-order mark)",
                                     f"a byte that is not UTF-8 at offset {exc.start + 3}")) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise InputError(Problem(file, "", "UTF-16 text (the file starts with a UTF-16 byte-order mark)",
                                     f"bytes that are not UTF-16 at offset {exc.start}")) from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as exc:
        not_utf8 = exc.start
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise InputError(Problem(file, "", "text encoded as UTF-8, GBK/GB18030 or UTF-16 with a byte-order mark "
                                           "(in Excel: Save As › CSV UTF-8)",
                                 f"bytes that are none of these (not UTF-8 at offset {not_utf8}, not GB18030 at "
                                 f"offset {exc.start})")) from None
    try:
        data.decode("gbk")
        return text, "GBK"
    except UnicodeDecodeError:
        return text, "GB18030"


def _csv_table(data: bytes, file: str) -> tuple[_Table, list[str]]:
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
        raise InputError(Problem(file, "", "a readable csv file", str(exc))) from None
    header_row, header_values = _header_row(enumerate(records, 1), file, None)
    table = _Table(file, None, {i + 1: v.strip() for i, v in enumerate(header_values) if v.strip()}, [],
                   semicolon_csv=delimiter == ";")
    del text
    for number in range(header_row + 1, len(records) + 1):
        values, records[number - 1] = records[number - 1], None  # the text goes as its cells are made
        found = {i + 1: _Cell(v) for i, v in enumerate(values) if v.strip()}
        table.headerless |= {c for c in found if c not in table.headers}
        if found:
            table.rows.append((number, found))
    name = {",": "comma", ";": "semicolon", "\t": "tab"}[delimiter]
    return table, [f"{file}: encoding {encoding}, delimiter {name}"]


# -- from tables to orders ----------------------------------------------------------------------------

def _set(data: dict, path: str, value: Any) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        data = data.setdefault(part, {})
    data[parts[-1]] = value


def _check_headers(table: _Table, known: dict[str, Question], other: set[str], notes: list[str],
                   label: str) -> dict[int, tuple[str, Question | None]]:
    """Column index -> (answers path, question) for the columns to read. An unknown header stops the run:
    a misspelt column would otherwise be silently left out of every contract."""
    used: dict[int, tuple[str, Question | None]] = {}
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    unused: list[str] = []
    where = f"{table.file}, sheet '{table.sheet}'" if table.sheet else table.file
    for column, header in sorted(table.headers.items()):
        if header.startswith(NOTE_PREFIX):
            continue
        if header in seen:
            problems.append(Problem(f"{where}, {table.column_name(column)}", "", "each header once",
                                    f"'{header}' again ({table.column_name(seen[header])} has it too)"))
            continue
        seen[header] = column
        if header in known:
            used[column] = (header, known[header])
        elif header in other:
            used[column] = (header, None)
            unused.append(header)
        else:
            close = difflib.get_close_matches(header, list(known), n=1, cutoff=0.7)
            problems.append(Problem(
                f"{where}, {table.column_name(column)}", "",
                f"a header that is an answers path of {label} (see `contractgen batch-template`), or starts with "
                f"'{NOTE_PREFIX}' for a notes column", repr(header) + (f"; did you mean {close[0]}?" if close else "")))
    if problems:
        raise InputError(problems)
    if unused:
        notes.append(f"{where}: {len(unused)} column(s) of other documents, kept in the answers but not used by the "
                     f"chosen ones: {', '.join(unused)}")
    for column in sorted(table.headerless):
        notes.append(f"{where}: {table.column_name(column)} has values but no header; they are ignored")
    return used


def _needs_a_value(q: Question) -> bool:
    """Every order must fill it: required, asked unconditionally, with no default to fall back on."""
    return q.required and q.show_if is None and q.default is None and q.default_from is None


def _missing_columns(interview: Interview, present: set[str]) -> list[tuple[str | None, str]]:
    """(list or None, header) of each column the chosen documents need that the sheet lacks (a template
    made for other documents); `present` names list columns `<list>.<field>`. Questions of an optional
    section (tooling) are left out: without their columns the section is absent."""
    missing: list[tuple[str | None, str]] = []
    for block, q in interview.questions():
        if block.optional is not None or not _needs_a_value(q):
            continue
        if q.type == "list":
            missing += [(q.path, item.path) for item in q.item
                        if _needs_a_value(item) and f"{q.path}.{item.path}" not in present]
        elif q.path not in present:
            missing.append((None, q.path))
    return missing


def _refuse_missing(missing: list[tuple[str | None, str]], where, list_header: str) -> None:
    """Stop before any order is read, rather than report the same missing value on every row. `where(list)`
    is the sheet a column belongs in; `list_header` how a list column is headed there."""
    headers = [list_header.format(list=lst, field=name) if lst else name for lst, name in missing]
    if missing:
        raise InputError([Problem(where(lst), "", f"a column '{header}' (the documents chosen with --docs ask for it; "
                                                  "see `contractgen batch-template`)", "no such column")
                          for (lst, _), header in zip(missing, headers)])


def _refuse_case_twins(orders: list[SheetOrder]) -> None:
    """Contract numbers that differ only in letter case name the same folder on Windows and macOS, and
    a reader takes them for one order: each such order is refused, naming the other's row."""
    by_key: dict[str, list[SheetOrder]] = {}
    for order in orders:
        if order.number:
            by_key.setdefault(order.number.casefold(), []).append(order)
    for same in by_key.values():
        for order in same:
            others = [o for o in same if o.number != order.number]
            if others:
                found = "; ".join(f"{o.number!r} in {o.where}" for o in others)
                order.problems.append(Problem(
                    str(order.cells[KEY]), "", "a contract number that differs from every other order's in more "
                    "than letter case (the two would share one folder on Windows and macOS)",
                    f"{order.number!r}, and {found}"))


def _read_cell(order: SheetOrder, cell: _Cell, q: Question | None, epoch, location: Location, target: dict,
               relative: str, semicolon_csv: bool = False) -> None:
    try:
        value = _convert(cell, q, epoch, semicolon_csv) if q else (cell.value.strip() if isinstance(cell.value, str) else cell.value)
    except _Unreadable as bad:
        order.problems.append(Problem(str(location), "", bad.expected, bad.found))
        return
    _set(target, relative, value)


def _other_paths(known_paths: frozenset[str]) -> tuple[set[str], dict[str, set[str]]]:
    order = {p for p in known_paths if "[]" not in p}
    items: dict[str, set[str]] = {}
    for p in known_paths:
        if "[]." in p:
            lst, _, item = p.partition("[].")
            items.setdefault(lst, set()).add(item)
    return order, items


def read_orders(path: str | Path, interview: Interview, known_paths: frozenset[str] = frozenset()) -> SheetBatch:
    """Read an .xlsx or .csv file of orders. Problems of the file as a whole (no header row, an unknown
    column, an undecodable csv) raise InputError; problems of one row stay with that row's order."""
    path = Path(path)
    columns = Columns.of(interview)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(read_bounded(path, MAX_SHEET_BYTES), path.name, interview, columns, known_paths)
    if suffix in (".csv", ".txt"):
        return _read_csv(read_bounded(path, MAX_SHEET_BYTES), path.name, interview, columns, known_paths)
    raise InputError(Problem(path.name, "", "an .xlsx or .csv file (save an .xls or .ods as .xlsx)",
                             repr(path.suffix or "no extension")))


def _read_xlsx(data: bytes, file: str, interview: Interview, columns: Columns, known_paths) -> SheetBatch:
    names = [ORDERS_SHEET] + [q.path for q in columns.lists]
    tables, epoch = _xlsx_tables(data, file, names)
    notes: list[str] = []
    other_order, other_items = _other_paths(known_paths)
    order_cols = _check_headers(tables[ORDERS_SHEET], {q.path: q for q in columns.order}, other_order, notes,
                                interview.id)
    orders_table = tables[ORDERS_SHEET]
    present = {h for h, _ in order_cols.values()} | {f"{lq.path}.{h}" for lq in columns.lists
                                                       for h in tables[lq.path].headers.values()}
    _refuse_missing(_missing_columns(interview, present), lambda lst: f"{file}, sheet '{lst or ORDERS_SHEET}'",
                    "{field}")
    orders: list[SheetOrder] = []
    by_number: dict[str, list[SheetOrder]] = {}
    for row, cells in orders_table.rows:
        if not any(c in order_cols for c in cells):
            continue  # a row with notes only
        where = orders_table.where(row)
        order = SheetOrder("", where)
        for column, (header, q) in order_cols.items():
            order.cells[header] = Location(where, header)
            if column in cells:
                _read_cell(order, cells[column], q, epoch, order.cells[header], order.raw, header)
        key_column = next(c for c, (h, _) in order_cols.items() if h == KEY)
        order.number = _key_text(cells[key_column].value) if key_column in cells else ""
        orders.append(order)
        if order.number:
            by_number.setdefault(order.number, []).append(order)
    for number, same in by_number.items():
        if len(same) > 1:
            for order in same:
                others = ", ".join(o.where.rsplit(" ", 1)[-1] for o in same if o is not order)
                order.problems.append(Problem(str(order.cells[KEY]), "", "a contract number used by one order row only",
                                              f"{number!r}, also in row {others}"))
    _refuse_case_twins(orders)
    stray: list[Problem] = []
    for lq in columns.lists:
        table = tables[lq.path]
        item_known = {q.path: q for q in lq.item}
        item_cols = _check_headers(table, {KEY: None, **item_known}, other_items.get(lq.path, set()), notes,
                                   f"{interview.id} (in sheet '{lq.path}': {KEY} and the {lq.path} fields)")
        if KEY not in (h for h, _ in item_cols.values()):
            raise InputError(Problem(f"{table.file}, sheet '{lq.path}'", "", f"a '{KEY}' column", "none"))
        key_column = next(c for c, (h, _) in item_cols.items() if h == KEY)
        for order in orders:
            order.entries[lq.path] = []
            order.list_hint = f"no row of sheet '{lq.path}' has contract.number {order.number!r}"
        for row, cells in table.rows:
            if not any(c in item_cols and c != key_column for c in cells):
                continue
            where = table.where(row)
            number = _key_text(cells[key_column].value) if key_column in cells else ""
            owner = by_number.get(number, [None])[0] if number else None
            if owner is None:
                stray.append(Problem(f"{where}, column '{KEY}'", "", f"the contract number of a row of sheet "
                                     f"'{ORDERS_SHEET}'", repr(number) if number else "nothing"))
                continue
            entry: dict = {}
            index = len(owner.entries[lq.path])
            owner.raw.setdefault(lq.path, []).append(entry)
            owner.entries[lq.path].append(where)
            for column, (header, q) in item_cols.items():
                if column == key_column:
                    continue
                answers_path = f"{lq.path}[{index}].{header}"
                owner.cells[answers_path] = Location(where, header, answers_path)
                if column in cells:
                    _read_cell(owner, cells[column], q, epoch, owner.cells[answers_path], entry, header)
    return SheetBatch(orders, stray, notes)


def _read_csv(data: bytes, file: str, interview: Interview, columns: Columns, known_paths) -> SheetBatch:
    import openpyxl.utils.datetime as xl_dates

    table, notes = _csv_table(data, file)
    other_order, other_items = _other_paths(known_paths)
    known: dict[str, Question | None] = {q.path: q for q in columns.order}
    lists = {q.path: q for q in columns.lists}
    for lq in columns.lists:
        known.update({f"{lq.path}.{q.path}": q for q in lq.item})
    other = other_order | {f"{lst}.{item}" for lst, items in other_items.items() for item in items}
    used = _check_headers(table, known, other, notes, interview.id)
    _refuse_missing(_missing_columns(interview, {h for h, _ in used.values()}), lambda lst: file, "{list}.{field}")

    def list_of(header: str) -> str | None:
        head = header.split(".", 1)[0]
        return head if "." in header and (head in lists or head in other_items) else None

    epoch = xl_dates.WINDOWS_EPOCH
    orders: dict[str, SheetOrder] = {}
    first: dict[tuple[str, str], tuple[int, str]] = {}  # (number, path) -> (row, value as written)
    stray: list[Problem] = []
    key_column = next(c for c, (h, _) in used.items() if h == KEY)
    for index, (row, cells) in enumerate(table.rows):
        table.rows[index] = None  # each row's cells go once read into its order: the sheet is not held twice
        if not any(c in used for c in cells):
            continue
        where = table.where(row)
        number = cells[key_column].value.strip() if key_column in cells else ""
        if not number:
            stray.append(Problem(f"{where}, column '{KEY}'", "", "the contract number of the order this row belongs "
                                                                 "to (repeated on every product line)", "nothing"))
            continue
        order = orders.get(number)
        if order is None:
            order = orders[number] = SheetOrder(number, where, item_header="{list}.{field}",
                                                list_hint="no row of this contract has products.* values")
            order.entries = {lq: [] for lq in lists}
        entries: dict[str, dict] = {}
        for column, (header, q) in used.items():
            lst = list_of(header)
            if lst:
                continue
            location = Location(where, header)
            order.cells.setdefault(header, location)
            cell = cells.get(column)
            if cell is None:
                continue
            written = cell.value.strip()
            if (number, header) in first:
                first_row, first_value = first[(number, header)]
                if written != first_value:
                    order.problems.append(Problem(
                        str(location), "", f"the same value on every row of contract {number!r} (row {first_row} has "
                                      f"{first_value!r})", repr(written)))
                continue
            first[(number, header)] = (row, written)
            order.cells[header] = location
            _read_cell(order, cell, q, epoch, location, order.raw, header, table.semicolon_csv)
        for column, (header, q) in used.items():
            lst = list_of(header)
            if lst and column in cells:
                entries.setdefault(lst, {})
        for lst in entries:
            index = len(order.entries.setdefault(lst, []))
            entry: dict = {}
            order.raw.setdefault(lst, []).append(entry)
            order.entries[lst].append(where)
            for column, (header, q) in used.items():
                if list_of(header) != lst:
                    continue
                item = header.split(".", 1)[1]
                answers_path = f"{lst}[{index}].{item}"
                order.cells[answers_path] = Location(where, header, answers_path)
                if column in cells:
                    _read_cell(order, cells[column], q, epoch, order.cells[answers_path], entry, item,
                               table.semicolon_csv)
    _refuse_case_twins(list(orders.values()))
    return SheetBatch(list(orders.values()), stray, notes)
