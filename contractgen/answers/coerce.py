"""Phase 1 of validation: schema-directed conversion of YAML, spreadsheet and typed values to each
question's type (a decimal is read from the number's source text, `fob` becomes `FOB`, "5" becomes 5),
and the words every phase uses for what it expected and what it found."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import Any

from ..core.errors import Problem
from ..core.messages import as_typed, message
from ..core.paths import delete_path, has_path, lookup, set_path
from ..core.text import Text
from ..core.yamlio import source_text
from ..interview.definitions import Question
from .numbers import CONTAINS, NUMBER, PERCENT, NumberTextError, bounded, character_name, read_number

_TEXT = message("expected.text", "text")
A_MAPPING = message("word.mapping", "a mapping")
AN_EMAIL = message("expected.email", "an e-mail address")
TYPE_WORDS = {  # what each question type expects
    "string": _TEXT, "text": _TEXT, "email": AN_EMAIL,
    "country": message("expected.country", "an ISO 3166 country code"),
    "currency": message("expected.currency", "an ISO 4217 currency code"),
    "uscc": message("expected.uscc", "an 18-character USCC"),
    "integer": message("expected.integer", "a whole number"),
    "decimal": NUMBER, "percent": PERCENT,
    "date": message("expected.date", "a date (YYYY-MM-DD)"),
    "boolean": message("expected.boolean", "true or false"),
    "choice": message("expected.choice", "one of the choices"),
    "list": message("expected.list", "a list"),
    "dict": A_MAPPING,
}
MAPPING = message("expected.mapping", "a mapping of answers")
ONE_OF = message("expected.one_of", "one of: {values}")
AT_LEAST_ONE_OF = message("expected.at_least_one_of", "at least one of: {values}")
NONE = message("found.none", "none")
NOTHING = message("found.nothing", "nothing")
EMPTY = message("found.empty", "an empty text")
_LONG_TEXT = message("found.long_text", "a text of {n} characters ({start}…)")
_A_LIST = message("found.list", "a list of {n}")
LIST_OF_ENTRIES = message("expected.list_of_entries", "a list of entries")
_DATE_RANGE = message("expected.date_range", "a date from {first} to {last}")
_NO_FORMAT_CHARACTERS = message("expected.no_format_characters", "text without invisible format characters "
                                                                 "(bidi controls, zero-width spaces or joiners)")


def describe(value: Any) -> Text:
    """A found value, short enough for one error line."""
    if value is None:
        return NOTHING()
    if isinstance(value, bool):
        return as_typed("true" if value else "false")
    if isinstance(value, str):
        if value == "":
            return EMPTY()
        if len(value) > 80:
            return _LONG_TEXT(n=f"{len(value):,}", start=repr(value[:30]))
        return as_typed(repr(value))
    if isinstance(value, (int, float, Decimal)):
        return as_typed(source_text(value) or str(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return as_typed(value.isoformat())
    if isinstance(value, dict):
        return A_MAPPING()
    if isinstance(value, list):
        return _A_LIST(n=len(value))
    return as_typed(type(value).__name__)


class _Unusable(Exception):
    """A value that cannot be read as the question's type; expected/found when more precise than the
    type's own word."""

    def __init__(self, expected: Text | None = None, found: Text | None = None):
        super().__init__(expected)
        self.expected, self.found = expected, found


# The words read as yes and no, typed in an interview or written in a sheet's cell (compared casefolded).
YES_WORDS = frozenset({"y", "yes", "true", "1", "是", "对", "有"})
NO_WORDS = frozenset({"n", "no", "false", "0", "否", "不", "无", "没有"})


def yes_no(text: str) -> bool | None:
    """A yes/no written as a word (y, n, 是, 否, TRUE, 1 …); None when it is neither."""
    word = text.strip().casefold()
    return True if word in YES_WORDS else False if word in NO_WORDS else None


FIRST_DATE, LAST_DATE = dt.date(2000, 1, 1), dt.date(2099, 12, 31)  # a contract's dates; docs/formats.md


def to_decimal(value: Any, percent: bool = False) -> Decimal:
    """Every number, whatever face it came from, through number_text: one reading, within bounds."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, float, str)):
        raise _Unusable
    try:
        if isinstance(value, Decimal):
            return bounded(value)
        text = source_text(value)
        if text is None and isinstance(value, int):
            return bounded(Decimal(value))
        return read_number(text or (repr(value) if isinstance(value, float) else value), percent=percent)
    except NumberTextError as bad:
        raise _Unusable(bad.expected, bad.found) from None


def _to_integer(value: Any) -> int:
    number = to_decimal(value)
    if number != number.to_integral_value():
        raise _Unusable
    return int(number)


def _to_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    elif isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise _Unusable from None
    if not isinstance(value, dt.date):
        raise _Unusable
    if not FIRST_DATE <= value <= LAST_DATE:
        raise _Unusable(_DATE_RANGE(first=FIRST_DATE, last=LAST_DATE), as_typed(value.isoformat()))
    return value


def _to_text(value: Any) -> str:
    if isinstance(value, bool) or isinstance(value, (dict, list)):
        raise _Unusable
    if isinstance(value, (int, float)):
        return source_text(value) or str(value)
    if isinstance(value, (dt.date, Decimal)):
        return str(value)
    if isinstance(value, str):
        return _displayable(value.strip())
    raise _Unusable


def _displayable(text: str) -> str:
    """NFC text without invisible format characters: a bidi override or a zero-width space makes a
    name display as something else, and two names that look the same compare unequal."""
    hidden = next((c for c in text if unicodedata.category(c) == "Cf"), None)
    if hidden is not None:
        raise _Unusable(_NO_FORMAT_CHARACTERS(), CONTAINS(value=describe(text), character=character_name(hidden)))
    return unicodedata.normalize("NFC", text)


def _to_choice(value: Any, question: Question) -> Any:
    if isinstance(value, (list, dict)):  # cerberus's `allowed` passes a list whose items are allowed: [] too
        raise _Unusable(ONE_OF(values=", ".join(str(c.value) for c in question.choices)))
    if isinstance(value, str):
        value = value.strip()
    for choice in question.choices:
        if value == choice.value and type(value) is not bool or value is choice.value:
            return choice.value
        if isinstance(value, (str, int)) and not isinstance(value, bool) and \
                str(value).casefold() == str(choice.value).casefold():
            return choice.value
    return value  # left as found: the schema's `allowed` rule reports it


def coerce_value(value: Any, question: Question) -> Any:
    t = question.type
    if t in ("decimal", "percent"):
        return to_decimal(value, percent=t == "percent")
    if t == "integer":
        return _to_integer(value)
    if t == "date":
        return _to_date(value)
    if t == "boolean":
        if isinstance(value, bool):
            return value
        raise _Unusable
    if t == "choice":
        return _to_choice(value, question)
    if t in ("string", "text", "email"):
        return _to_text(value)
    if t in ("country", "currency", "uscc"):
        return re.sub(r"\s+", "", _to_text(value)).upper()
    return value


def check_sections(data: dict, questions: tuple[Question, ...], prefix: str, source: str,
                   problems: list[Problem]) -> None:
    """Each section (`supplier`, `supplier.bank`) must be a mapping. Null is no answer, as for a field
    (its required fields are then reported one by one); anything else is reported and set aside."""
    sections = {".".join(q.path.split(".")[:depth]) for q in questions for depth in range(1, q.path.count(".") + 1)}
    for section in sorted(sections, key=lambda s: s.count(".")):
        if not has_path(data, section) or isinstance(value := lookup(data, section), dict):
            continue
        if value is not None:
            problems.append(Problem(source, prefix + section, MAPPING(), describe(value)))
        delete_path(data, section)
    for q in questions:
        if q.type == "list" and isinstance(entries := lookup(data, q.path), list):
            for i, entry in enumerate(entries):
                if isinstance(entry, dict):
                    check_sections(entry, q.item, f"{prefix}{q.path}[{i}].", source, problems)


def coerce_answers(data: dict, questions: tuple[Question, ...], prefix: str, source: str,
                   problems: list[Problem]) -> None:
    """Each answer converted to its question's type in place; one that cannot be is reported, left as found."""
    for q in questions:
        value = lookup(data, q.path)
        if value is None or value == "" and q.type != "list":
            if has_path(data, q.path):
                delete_path(data, q.path)  # an empty cell or `key:` with nothing means "not answered"
            continue
        full = prefix + q.path
        if q.type == "list":
            if not isinstance(value, list):
                problems.append(Problem(source, full, LIST_OF_ENTRIES(), describe(value)))
                delete_path(data, q.path)  # set aside, so no later phase walks it as a list
                continue
            for i, entry in enumerate(value):
                if isinstance(entry, dict):
                    coerce_answers(entry, q.item, f"{full}[{i}].", source, problems)
            continue
        try:
            set_path(data, q.path, coerce_value(value, q))
        except _Unusable as bad:
            problems.append(Problem(source, full, bad.expected or TYPE_WORDS[q.type](), bad.found or describe(value)))
