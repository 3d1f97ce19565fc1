"""Order spreadsheets: reading an xlsx or csv file into one answers mapping per order. Every answer
remembers its cell, so a validation problem on `products[1].quantity` is reported as the products sheet's
row and column.

Layout (the same columns `contractgen batch-template` writes):
- xlsx: sheet `orders`, one row per order, one column per non-list question headed by its answers path;
  per list question (`products`) a sheet of that name, one row per entry, keyed by `contract.number`.
- csv: one row per product line, the order columns repeated, list columns headed `products.<field>`.
The header row is the first row with a `contract.number` cell (banner rows above it are ignored);
columns headed `#…` are notes and ignored.

The columns come from columns.py, each sheet's cells from tables.py, each cell's value from cells.py;
here the tables become orders. The sheet is read once, as a stream (openpyxl's read-only mode; the csv
row by row), each row pickled into an sqlite file under its contract number; then each order is put
together from its rows, one order at a time, so memory does not grow with the sheet. Duplicate
numbers and case twins are looked up there too.
"""
from __future__ import annotations

import datetime as dt

import difflib
import pickle
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from ..answers.coerce import NONE, NOTHING
from ..core.errors import InputError, Problem
from ..core.messages import as_typed, message
from ..core.text import Text
from ..core.input_files import copy_bounded
from ..core.paths import set_path
from ..interview.definitions import Interview, Question
from .cells import Cell, Unreadable, convert, key_text
from .columns import KEY, NOTE_PREFIX, ORDERS_SHEET, Columns
from .tables import MAX_SHEET_BYTES, Table, csv_table, xlsx_tables


# -- what was read ------------------------------------------------------------------------------------

_WITH_HINT = message("batch.with_hint", "{found} ({hint})")
_HEADER_ONCE = message("batch.header_once", "each header once")
_HEADER_AGAIN = message("batch.header_again", "'{header}' again ({column} has it too)")
_HEADER_PATH = message("batch.header_path", "a header that is an answers path of {label} (see `contractgen "
                                            "batch-template`), or starts with '{prefix}' for a notes column")
_DID_YOU_MEAN = message("batch.did_you_mean", "{header}; did you mean {path}?")
_COLUMN = message("batch.column", "a column '{header}' (the documents chosen with --docs ask for it; see "
                                  "`contractgen batch-template`)")
_NO_SUCH_COLUMN = message("batch.no_such_column", "no such column")
_NOT_CASE_TWIN = message("batch.not_case_twin", "a contract number that differs from every other order's in more "
                                                "than letter case (the two would share one folder on Windows and macOS)")
_IN_PLACE = message("batch.in_place", "{number} in {where}")
_CASE_TWINS = message("batch.case_twins", "{number}, and {others}")
_XLSX_OR_CSV = message("batch.xlsx_or_csv", "an .xlsx or .csv file (save an .xls or .ods as .xlsx)")
_NO_EXTENSION = message("batch.no_extension", "no extension")
_ONE_ROW_ONLY = message("batch.one_row_only", "a contract number used by one order row only")
_ALSO_IN_ROW = message("batch.also_in_row", "{number}, also in row {rows}")
_KEY_COLUMN = message("batch.key_column", "a '{key}' column")
_NO_ROW_OF_SHEET = message("batch.no_row_of_sheet", "no row of sheet '{sheet}' has contract.number {number}")
_NUMBER_OF_SHEET = message("batch.number_of_sheet", "the contract number of a row of sheet '{sheet}'")
_NUMBER_OF_ORDER = message("batch.number_of_order", "the contract number of the order this row belongs to (repeated "
                                                    "on every product line)")
_NO_PRODUCT_ROW = message("batch.no_product_row", "no row of this contract has products.* values")
_SAME_VALUE = message("batch.same_value", "the same value on every row of contract {number} (row {row} has {value})")


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
    list_hint: Text | None = None  # where the list entries of this order are expected to be
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
            found = _WITH_HINT(found=problem.found, hint=self.list_hint) if self.list_hint and not self.entries[path] \
                else problem.found
            return Problem(self.where, path, problem.expected, found)
        if path:
            return Problem(f"{self.where}, column '{path}' (not in the sheet)", "", problem.expected, problem.found)
        return Problem(self.where, "", problem.expected, problem.found)


@dataclass
class SheetBatch:
    orders: Iterator[SheetOrder]  # put together one at a time from the store, in the sheet's order
    stray: list[Problem]  # rows that belong to no order (a product line with an unknown contract number)
    notes: list[str]  # how the file was read: encoding, delimiter, ignored columns
    count: int = 0  # how many orders `orders` yields

# -- from tables to orders ----------------------------------------------------------------------------

def _check_headers(table: Table, known: dict[str, Question], other: set[str], notes: list[str],
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
            problems.append(Problem(f"{where}, {table.column_name(column)}", "", _HEADER_ONCE(),
                                    _HEADER_AGAIN(header=header, column=table.column_name(seen[header]))))
            continue
        seen[header] = column
        if header in known:
            used[column] = (header, known[header])
        elif header in other:
            used[column] = (header, None)
            unused.append(header)
        else:
            close = difflib.get_close_matches(header, list(known), n=1, cutoff=0.7)
            found = _DID_YOU_MEAN(header=repr(header), path=close[0]) if close else as_typed(repr(header))
            problems.append(Problem(f"{where}, {table.column_name(column)}", "",
                                    _HEADER_PATH(label=label, prefix=NOTE_PREFIX), found))
    if problems:
        raise InputError(problems)
    if unused:
        notes.append(f"{where}: {len(unused)} column(s) of other documents, kept in the answers but not used by the "
                     f"chosen ones: {', '.join(unused)}")
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
        raise InputError([Problem(where(lst), "", _COLUMN(header=header), _NO_SUCH_COLUMN())
                          for (lst, _), header in zip(missing, headers)])


def _headerless_notes(table: Table, notes: list[str]) -> None:
    where = f"{table.file}, sheet '{table.sheet}'" if table.sheet else table.file
    for column in sorted(table.headerless):
        notes.append(f"{where}: {table.column_name(column)} has values but no header; they are ignored")


def _case_twins(store: sqlite3.Connection, order: SheetOrder, where) -> None:
    """Contract numbers that differ only in letter case name the same folder on Windows and macOS, and
    a reader takes them for one order: each such order is refused, naming the other's row."""
    others = store.execute("SELECT number, row FROM orders WHERE folded = ? AND number != ? ORDER BY seq",
                           (order.number.casefold(), order.number)).fetchall()
    if others:
        twins = [_IN_PLACE(number=repr(number), where=where(row)) for number, row in others]
        found = Text("; ".join(t.en for t in twins), "；".join(t.zh for t in twins))
        order.problems.append(Problem(str(order.cells[KEY]), "", _NOT_CASE_TWIN(),
                                      _CASE_TWINS(number=repr(order.number), others=found)))


def _read_cell(order: SheetOrder, cell: Cell, q: Question | None, epoch, location: Location, target: dict,
               relative: str, semicolon_csv: bool = False) -> None:
    try:
        value = convert(cell, q, epoch, semicolon_csv) if q else _as_written(cell.value)
    except Unreadable as bad:
        order.problems.append(Problem(str(location), "", bad.expected, bad.found))
        return
    set_path(target, relative, value)


def _as_written(value):
    """A cell of another document's column, as an answers file would hold it: text stripped, and a date
    cell (openpyxl gives a datetime at midnight) a date, which is what a YAML date is; a datetime would
    fail every comparison with the order's dates."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    return value


def _other_paths(known_paths: frozenset[str]) -> tuple[set[str], dict[str, set[str]]]:
    order = {p for p in known_paths if "[]" not in p}
    items: dict[str, set[str]] = {}
    for p in known_paths:
        if "[]." in p:
            lst, _, item = p.partition("[].")
            items.setdefault(lst, set()).add(item)
    return order, items


def _spill(store: sqlite3.Connection, sheet: int, row: int, number: str, cells: dict[int, Cell]) -> None:
    store.execute("INSERT INTO rows (sheet, row, number, cells) VALUES (?, ?, ?, ?)",
                  (sheet, row, number, pickle.dumps(cells, protocol=pickle.HIGHEST_PROTOCOL)))


def _open_store(folder: Path) -> sqlite3.Connection:
    """The sheet's rows, spilled to disk as they are read and looked up by contract number when each
    order is put together: an order's rows may be anywhere in the sheet, and holding them all in memory
    would grow with the sheet. Only this run reads the file: no journal, no fsync."""
    store = sqlite3.connect(folder / "sheet.sqlite", isolation_level=None)
    store.executescript("""
        PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -8192;
        CREATE TABLE rows (seq INTEGER PRIMARY KEY, sheet INTEGER, row INTEGER, number TEXT, cells BLOB);
        CREATE INDEX rows_by_number ON rows (sheet, number, seq);
        CREATE TABLE orders (seq INTEGER PRIMARY KEY, row INTEGER, number TEXT, folded TEXT);
        CREATE INDEX orders_by_number ON orders (number);
        CREATE INDEX orders_by_folded ON orders (folded);
    """)
    return store


def read_orders(path: str | Path, interview: Interview, known_paths: frozenset[str], folder: Path) -> SheetBatch:
    """Read an .xlsx or .csv file of orders. Problems of the file as a whole (no header row, an unknown
    column, an undecodable csv) raise InputError; problems of one row stay with that row's order.
    The sheet is read once, row by row, into a store in `folder` (a private temp folder the caller
    removes); the orders are then put together one at a time, as SheetBatch.orders is iterated."""
    path = Path(path)
    columns = Columns.of(interview)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv", ".txt"):
        raise InputError(Problem(path.name, "", _XLSX_OR_CSV(),
                                 as_typed(repr(path.suffix)) if path.suffix else _NO_EXTENSION()))
    copy = folder / f"sheet{suffix}"  # bounded like every input; read from here, never whole into memory
    copy_bounded(path, copy, MAX_SHEET_BYTES)
    store = _open_store(folder)
    store.execute("BEGIN")
    try:
        if suffix in (".xlsx", ".xlsm"):
            with xlsx_tables(copy, path.name, [ORDERS_SHEET] + [q.path for q in columns.lists]) as (tables, epoch):
                batch = _read_xlsx(tables, epoch, path.name, interview, columns, known_paths, store)
        else:
            with csv_table(copy, path.name) as (table, notes):
                batch = _read_csv(table, notes, interview, columns, known_paths, store)
    finally:
        store.execute("COMMIT")
        copy.unlink()
    batch.count = store.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
    return batch


def _read_xlsx(tables: dict[str, Table], epoch, file: str, interview: Interview, columns: Columns, known_paths,
               store: sqlite3.Connection) -> SheetBatch:
    notes: list[str] = []
    other_order, other_items = _other_paths(known_paths)
    orders_table = tables[ORDERS_SHEET]
    order_cols = _check_headers(orders_table, {q.path: q for q in columns.order}, other_order, notes,
                                interview.id)
    present = {h for h, _ in order_cols.values()} | {f"{lq.path}.{h}" for lq in columns.lists
                                                       for h in tables[lq.path].headers.values()}
    _refuse_missing(_missing_columns(interview, present), lambda lst: f"{file}, sheet '{lst or ORDERS_SHEET}'",
                    "{field}")
    item_cols: dict[str, dict[int, tuple[str, Question | None]]] = {}
    for lq in columns.lists:
        table = tables[lq.path]
        item_cols[lq.path] = _check_headers(table, {KEY: None, **{q.path: q for q in lq.item}},
                                            other_items.get(lq.path, set()), notes,
                                            f"{interview.id} (in sheet '{lq.path}': {KEY} and the {lq.path} fields)")
        if KEY not in (h for h, _ in item_cols[lq.path].values()):
            raise InputError(Problem(f"{table.file}, sheet '{lq.path}'", "", _KEY_COLUMN(key=KEY), NONE()))

    key_column = next(c for c, (h, _) in order_cols.items() if h == KEY)
    for row, cells in orders_table.rows:
        if not any(c in order_cols for c in cells):
            continue  # a row with notes only
        number = key_text(cells[key_column].value) if key_column in cells else ""
        _spill(store, 0, row, number, cells)
        store.execute("INSERT INTO orders (row, number, folded) VALUES (?, ?, ?)", (row, number, number.casefold()))
    _headerless_notes(orders_table, notes)
    stray: list[Problem] = []
    for sheet, lq in enumerate(columns.lists, 1):
        table, used = tables[lq.path], item_cols[lq.path]
        item_key = next(c for c, (h, _) in used.items() if h == KEY)
        for row, cells in table.rows:
            if not any(c in used and c != item_key for c in cells):
                continue
            number = key_text(cells[item_key].value) if item_key in cells else ""
            if not number or not store.execute("SELECT 1 FROM orders WHERE number = ? LIMIT 1", (number,)).fetchone():
                stray.append(Problem(f"{table.where(row)}, column '{KEY}'", "", _NUMBER_OF_SHEET(sheet=ORDERS_SHEET),
                                     as_typed(repr(number)) if number else NOTHING()))
                continue
            _spill(store, sheet, row, number, cells)
        _headerless_notes(table, notes)

    def orders() -> Iterator[SheetOrder]:
        # NOT INDEXED: in the rows' own order, rather than sorting every row found through the index
        for seq, row, number, data in store.execute("SELECT seq, row, number, cells FROM rows NOT INDEXED "
                                                    "WHERE sheet = 0 ORDER BY seq"):
            cells = pickle.loads(data)
            where = orders_table.where(row)
            order = SheetOrder(number, where)
            for column, (header, q) in order_cols.items():
                order.cells[header] = Location(where, header)
                if column in cells:
                    _read_cell(order, cells[column], q, epoch, order.cells[header], order.raw, header)
            first = True
            if number:
                same = store.execute("SELECT seq, row FROM orders WHERE number = ? ORDER BY seq", (number,)).fetchall()
                first = same[0][0] == seq
                if len(same) > 1:
                    others = ", ".join(str(r) for s, r in same if s != seq)
                    order.problems.append(Problem(str(order.cells[KEY]), "", _ONE_ROW_ONLY(),
                                                  _ALSO_IN_ROW(number=repr(number), rows=others)))
                _case_twins(store, order, orders_table.where)
            for sheet, lq in enumerate(columns.lists, 1):
                order.entries[lq.path] = []
                order.list_hint = _NO_ROW_OF_SHEET(sheet=lq.path, number=repr(order.number))
                if not (number and first):  # product rows belong to the first order row of their number
                    continue
                table = tables[lq.path]
                for item_row, item_data in store.execute("SELECT row, cells FROM rows WHERE sheet = ? AND number = ? "
                                                         "ORDER BY seq", (sheet, number)):
                    item_cells, item_where = pickle.loads(item_data), table.where(item_row)
                    entry: dict = {}
                    index = len(order.entries[lq.path])
                    order.raw.setdefault(lq.path, []).append(entry)
                    order.entries[lq.path].append(item_where)
                    for column, (header, q) in item_cols[lq.path].items():
                        if header == KEY:
                            continue
                        answers_path = f"{lq.path}[{index}].{header}"
                        order.cells[answers_path] = Location(item_where, header, answers_path)
                        if column in item_cells:
                            _read_cell(order, item_cells[column], q, epoch, order.cells[answers_path], entry, header)
            yield order

    return SheetBatch(orders(), stray, notes)


def _read_csv(table: Table, notes: list[str], interview: Interview, columns: Columns, known_paths,
              store: sqlite3.Connection) -> SheetBatch:
    import openpyxl.utils.datetime as xl_dates

    other_order, other_items = _other_paths(known_paths)
    known: dict[str, Question | None] = {q.path: q for q in columns.order}
    lists = {q.path: q for q in columns.lists}
    for lq in columns.lists:
        known.update({f"{lq.path}.{q.path}": q for q in lq.item})
    other = other_order | {f"{lst}.{item}" for lst, items in other_items.items() for item in items}
    used = _check_headers(table, known, other, notes, interview.id)
    _refuse_missing(_missing_columns(interview, {h for h, _ in used.values()}), lambda lst: table.file,
                    "{list}.{field}")

    def list_of(header: str) -> str | None:
        head = header.split(".", 1)[0]
        return head if "." in header and (head in lists or head in other_items) else None

    epoch = xl_dates.WINDOWS_EPOCH
    stray: list[Problem] = []
    key_column = next(c for c, (h, _) in used.items() if h == KEY)
    # One pass: each row to the store under its contract number (a contract's product rows may be
    # anywhere in the file); the orders in the order their numbers first appear.
    for row, cells in table.rows:
        if not any(c in used for c in cells):
            continue
        number = cells[key_column].value.strip() if key_column in cells else ""
        if not number:
            stray.append(Problem(f"{table.where(row)}, column '{KEY}'", "", _NUMBER_OF_ORDER(), NOTHING()))
            continue
        if not store.execute("SELECT 1 FROM orders WHERE number = ? LIMIT 1", (number,)).fetchone():
            store.execute("INSERT INTO orders (row, number, folded) VALUES (?, ?, ?)",
                          (row, number, number.casefold()))
        _spill(store, 0, row, number, cells)
    _headerless_notes(table, notes)

    def orders() -> Iterator[SheetOrder]:
        for number, first_row in store.execute("SELECT number, row FROM orders ORDER BY seq"):
            order = SheetOrder(number, table.where(first_row), item_header="{list}.{field}",
                               list_hint=_NO_PRODUCT_ROW())
            order.entries = {lq: [] for lq in lists}
            first: dict[str, tuple[int, str]] = {}  # path -> (row, value as written)
            for row, data in store.execute("SELECT row, cells FROM rows WHERE sheet = 0 AND number = ? ORDER BY seq",
                                           (number,)):
                _read_csv_row(order, row, pickle.loads(data), table, used, list_of, first, epoch)
            _case_twins(store, order, table.where)
            yield order

    return SheetBatch(orders(), stray, notes)


def _read_csv_row(order: SheetOrder, row: int, cells: dict[int, Cell], table: Table, used, list_of,
                  first: dict[str, tuple[int, str]], epoch) -> None:
    where = table.where(row)
    for column, (header, q) in used.items():
        if list_of(header):
            continue
        location = Location(where, header)
        order.cells.setdefault(header, location)
        cell = cells.get(column)
        if cell is None:
            continue
        written = cell.value.strip()
        if header in first:
            first_row, first_value = first[header]
            if written != first_value:
                order.problems.append(Problem(str(location), "", _SAME_VALUE(number=repr(order.number), row=first_row,
                                                                             value=repr(first_value)),
                                              as_typed(repr(written))))
            continue
        first[header] = (row, written)
        order.cells[header] = location
        _read_cell(order, cell, q, epoch, location, order.raw, header, table.semicolon_csv)
    entries: dict[str, dict] = {}
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
