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
here the tables become orders.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..answers.coerce import NONE, NOTHING
from ..core.errors import InputError, Problem
from ..core.messages import as_typed, message
from ..core.text import Text
from ..core.input_files import read_bounded
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
    orders: list[SheetOrder]
    stray: list[Problem]  # rows that belong to no order (a product line with an unknown contract number)
    notes: list[str]  # how the file was read: encoding, delimiter, ignored columns

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
        raise InputError([Problem(where(lst), "", _COLUMN(header=header), _NO_SUCH_COLUMN())
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
                twins = [_IN_PLACE(number=repr(o.number), where=o.where) for o in others]
                found = Text("; ".join(t.en for t in twins), "；".join(t.zh for t in twins))
                order.problems.append(Problem(str(order.cells[KEY]), "", _NOT_CASE_TWIN(),
                                              _CASE_TWINS(number=repr(order.number), others=found)))


def _read_cell(order: SheetOrder, cell: Cell, q: Question | None, epoch, location: Location, target: dict,
               relative: str, semicolon_csv: bool = False) -> None:
    try:
        value = convert(cell, q, epoch, semicolon_csv) if q else (cell.value.strip() if isinstance(cell.value, str) else cell.value)
    except Unreadable as bad:
        order.problems.append(Problem(str(location), "", bad.expected, bad.found))
        return
    set_path(target, relative, value)


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
    raise InputError(Problem(path.name, "", _XLSX_OR_CSV(),
                             as_typed(repr(path.suffix)) if path.suffix else _NO_EXTENSION()))


def _read_xlsx(data: bytes, file: str, interview: Interview, columns: Columns, known_paths) -> SheetBatch:
    names = [ORDERS_SHEET] + [q.path for q in columns.lists]
    tables, epoch = xlsx_tables(data, file, names)
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
        order.number = key_text(cells[key_column].value) if key_column in cells else ""
        orders.append(order)
        if order.number:
            by_number.setdefault(order.number, []).append(order)
    for number, same in by_number.items():
        if len(same) > 1:
            for order in same:
                others = ", ".join(o.where.rsplit(" ", 1)[-1] for o in same if o is not order)
                order.problems.append(Problem(str(order.cells[KEY]), "", _ONE_ROW_ONLY(),
                                              _ALSO_IN_ROW(number=repr(number), rows=others)))
    _refuse_case_twins(orders)
    stray: list[Problem] = []
    for lq in columns.lists:
        table = tables[lq.path]
        item_known = {q.path: q for q in lq.item}
        item_cols = _check_headers(table, {KEY: None, **item_known}, other_items.get(lq.path, set()), notes,
                                   f"{interview.id} (in sheet '{lq.path}': {KEY} and the {lq.path} fields)")
        if KEY not in (h for h, _ in item_cols.values()):
            raise InputError(Problem(f"{table.file}, sheet '{lq.path}'", "", _KEY_COLUMN(key=KEY), NONE()))
        key_column = next(c for c, (h, _) in item_cols.items() if h == KEY)
        for order in orders:
            order.entries[lq.path] = []
            order.list_hint = _NO_ROW_OF_SHEET(sheet=lq.path, number=repr(order.number))
        for row, cells in table.rows:
            if not any(c in item_cols and c != key_column for c in cells):
                continue
            where = table.where(row)
            number = key_text(cells[key_column].value) if key_column in cells else ""
            owner = by_number.get(number, [None])[0] if number else None
            if owner is None:
                stray.append(Problem(f"{where}, column '{KEY}'", "", _NUMBER_OF_SHEET(sheet=ORDERS_SHEET),
                                     as_typed(repr(number)) if number else NOTHING()))
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

    table, notes = csv_table(data, file)
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
            stray.append(Problem(f"{where}, column '{KEY}'", "", _NUMBER_OF_ORDER(), NOTHING()))
            continue
        order = orders.get(number)
        if order is None:
            order = orders[number] = SheetOrder(number, where, item_header="{list}.{field}",
                                                list_hint=_NO_PRODUCT_ROW())
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
                    order.problems.append(Problem(str(location), "", _SAME_VALUE(number=repr(number), row=first_row,
                                                                                 value=repr(first_value)),
                                                  as_typed(repr(written))))
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
