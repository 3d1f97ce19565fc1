"""`contractgen batch-template`: the order spreadsheet, derived from the interview definitions.

Sheet `orders`: one column per non-list question, headed by its answers path; sheet `products` (one per
list question): `contract.number`, then the item fields. Each header carries a comment with the EN and
ZH label and help, the default or an example; choice and boolean columns get dropdowns, numeric ones a
range check and number format, date columns a date format, one-line text columns the Text format (so Excel
keeps "9617.00" and long account numbers as typed). Data rows are left empty.
"""
from __future__ import annotations

import datetime as dt
import io
import textwrap

from ..interview.definitions import Interview, Question
from ..render import ooxml
from .cells import TEXT_TYPES
from .columns import KEY, ORDERS_SHEET, Columns
from ..core.yamlio import source_text

CHOICES_SHEET = "_choices"  # hidden: the dropdown lists (an inline list is limited to 255 characters)
_FIXED_TIME = "2000-01-01T00:00:00Z"  # the same template bytes on every run
_ROWS = 1048576
_TYPE_NOTE = {
    "string": "text", "text": "text (may span lines)", "email": "an e-mail address",
    "country": "ISO 3166 country code, e.g. US, CN", "currency": "ISO 4217 currency code, e.g. USD",
    "uscc": "18-character Unified Social Credit Code", "integer": "a whole number", "decimal": "a number",
    "percent": "a number from 0 to 100 (30 means 30 %)", "date": "a date (YYYY-MM-DD)",
    "boolean": "TRUE or FALSE", "choice": "one of the dropdown values",
}
_NUMBER_FORMAT = {"date": "yyyy-mm-dd", "integer": "0"}


def _shown(value) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _comment_text(q: Question, note: str | None) -> str:
    lines = [q.label.en, q.label.zh, f"{'required' if q.required else 'optional'}; {_TYPE_NOTE.get(q.type, q.type)}"]
    if note:
        lines.append(note)
    if q.help:
        lines += ["", *textwrap.wrap(q.help.en, 70), *textwrap.wrap(q.help.zh, 36)]
    if q.choices:
        lines.append("")
        lines += [f"{_shown(c.value)} = {c.label.en} / {c.label.zh}" for c in q.choices]
    if q.default is not None:
        lines.append(f"default when empty: {_shown(q.default)}")
    elif q.example is not None:
        lines.append(f"e.g. {_shown(q.example)}")
    if q.default_from:
        lines.append(f"when empty: the value of {q.default_from}")
    if q.show_if is not None:
        lines.append(f"used only when: {q.show_if.source}")
    return "\n".join(lines)


def _dropdown(q: Question) -> list | None:
    if q.type == "choice":
        return [c.value for c in q.choices]
    if q.type == "boolean":
        return [True, False]
    if q.rules.get("allowed"):  # as text, so 1.0 stays 1.0 rather than the number 1
        return [source_text(v) or str(v) for v in q.rules["allowed"]]
    return None


def _header(ws, column: int, header: str, q: Question | None, note: str | None, choices_ws) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    cell = ws.cell(1, column, header)
    cell.font = Font(bold=True)
    letter = get_column_letter(column)
    ws.column_dimensions[letter].width = min(max(len(header) + 2, 14), 40)
    if q is None:  # the key column of a list sheet
        text = "Contract number of the order (sheet 'orders') this line belongs to\n该行所属订单的合同编号（orders表）"
        required = True
        qtype = "string"
    else:
        text, required, qtype = _comment_text(q, note), q.required, q.type
    if required:
        cell.fill = PatternFill("solid", fgColor="FFF2CC")
    lines = text.count("\n") + 1
    cell.comment = Comment(text, "contractgen", width=420, height=min(18 * lines + 20, 900))
    # Text format keeps "9617.00" and account numbers as typed; not for long text, which Excel then shows as ###
    fmt = _NUMBER_FORMAT.get(qtype, "@" if qtype in TEXT_TYPES and qtype != "text" else "General")
    ws.column_dimensions[letter].number_format = fmt
    data_range = f"{letter}2:{letter}{_ROWS}"
    validation = None
    values = _dropdown(q) if q is not None else None
    if values:
        list_column = choices_ws.max_column + 1 if choices_ws.cell(1, 1).value is not None else 1
        for row, value in enumerate(values, 1):
            choices_ws.cell(row, list_column, value)
        list_letter = get_column_letter(list_column)
        source = f"'{CHOICES_SHEET}'!${list_letter}$1:${list_letter}${len(values)}"
        validation = DataValidation(type="list", formula1=source, allow_blank=True)
        validation.error = "Choose a value from the list / 请从列表中选择"
    elif q is not None and q.type in ("integer", "decimal", "percent"):
        low, high = q.rules.get("min"), q.rules.get("max")
        if q.type == "percent":
            low, high = 0 if low is None else low, 100 if high is None else high
        kind = "whole" if q.type == "integer" else "decimal"
        if low is not None and high is not None:
            validation = DataValidation(type=kind, operator="between", formula1=str(low), formula2=str(high))
            validation.error = f"A number from {low} to {high} / {low}至{high}之间的数字"
        elif low is not None:
            validation = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=str(low))
            validation.error = f"A number of at least {low} / 不小于{low}的数字"
        elif high is not None:
            validation = DataValidation(type=kind, operator="lessThanOrEqual", formula1=str(high))
            validation.error = f"A number of at most {high} / 不大于{high}的数字"
        elif kind == "whole":
            validation = DataValidation(type="whole", operator="between", formula1="-2147483648", formula2="2147483647")
            validation.error = "A whole number / 整数"
    if validation is not None:
        validation.allow_blank = True
        validation.showErrorMessage = True
        validation.add(data_range)
        ws.add_data_validation(validation)


def template_workbook(interview: Interview) -> bytes:
    """The .xlsx bytes; the same interview always gives the same bytes."""
    from openpyxl import Workbook

    columns = Columns.of(interview)
    wb = Workbook()
    orders = wb.active
    orders.title = ORDERS_SHEET
    choices = wb.create_sheet(CHOICES_SHEET)
    choices.sheet_state = "hidden"
    optional = {b.id: b for b in interview.blocks if b.optional is not None}
    for column, q in enumerate(columns.order, 1):
        block = optional.get(q.path.split(".")[0])
        note = (f"part of the optional '{block.id}' section ({block.optional.en} / {block.optional.zh}): leave every "
                f"{block.id}.* column empty when there is none" if block else None)
        _header(orders, column, q.path, q, note, choices)
    orders.freeze_panes = "B2" if columns.order and columns.order[0].path == KEY else "A2"
    for lq in columns.lists:
        ws = wb.create_sheet(lq.path, index=wb.sheetnames.index(CHOICES_SHEET))
        _header(ws, 1, KEY, None, None, choices)
        for column, q in enumerate(lq.item, 2):
            _header(ws, column, q.path, q, f"one row per {lq.label.en.lower()} line / 每行一条", choices)
        ws.freeze_panes = "B2"
    buffer = io.BytesIO()
    wb.save(buffer)
    members = ooxml.read_members(buffer.getvalue())
    ooxml.set_core_properties(members, title=f"contractgen orders: {interview.title.en}", author="contractgen",
                              created=_FIXED_TIME)
    return ooxml.write_zip(members)
