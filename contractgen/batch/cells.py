"""Cell values: a spreadsheet cell as the answer to its question, before validation (which then applies
the same rules as a single build). Excel realities are handled here: dates stored as serial numbers,
percentages typed with a % format, numbers displayed with trailing zeros ("3.20" stays 3.20), booleans
written TRUE/yes/是/1, numbers too long for Excel's 15 digits in a text column.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..answers.coerce import yes_no
from ..answers.numbers import NumberTextError, read_number
from ..core.messages import as_typed, message
from ..core.text import Text
from ..interview.definitions import Question

TEXT_TYPES = ("string", "text", "email", "country", "currency", "uscc")
_NUMBER_TYPES = ("integer", "decimal", "percent")
_DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                        r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_EXCEL_DIGITS = 15  # Excel keeps 15 significant digits of a number


@dataclass(frozen=True, slots=True)  # slots: a 5,000-order sheet has about a million of them
class Cell:
    """One non-empty cell as read: its value and number format, or why it cannot be read."""

    value: Any
    number_format: str = "General"
    problem: tuple[Text, Text] | None = None  # (expected, found) for a cell that cannot be read


_FIFTEEN_DIGITS = message("batch.fifteen_digits", "text (Excel keeps only 15 digits of a number: format the column "
                                                  "as Text and type it again)")


class Unreadable(Exception):
    """A cell that cannot be an answer, reported at its cell as (expected, found)."""

    def __init__(self, expected: Text, found: Text):
        super().__init__(expected.en)
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


def convert(cell: Cell, q: Question, epoch: dt.datetime, semicolon_csv: bool = False) -> Any:
    """A cell's value as the answer to `q`; what validation cannot read is left for it to report.
    A number typed in a `;`-separated csv is read here, by that file's rules (number_text)."""
    if cell.problem:
        raise Unreadable(*cell.problem)
    value, t = cell.value, q.type
    if isinstance(value, str):
        text = value.strip()
        if t in _NUMBER_TYPES and semicolon_csv:
            try:
                return read_number(text, percent=t == "percent", semicolon_csv=True)
            except NumberTextError as bad:
                raise Unreadable(bad.expected, bad.found) from None
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
            read = yes_no(text)
            return text if read is None else read
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
                raise Unreadable(_FIFTEEN_DIGITS(), as_typed(_number_text(value)))
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


def key_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _number_text(value)
    return str(value).strip()
