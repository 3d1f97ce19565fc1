"""Reading a typed number: one reading, or a refusal that says how to write it (design invariant 9).

Every face reads numbers typed as text here: YAML values, spreadsheet cells stored as text, csv
cells, the web form and the terminal interview. The rules (docs/formats.md, "Numbers"):
- ASCII digits with an optional leading sign and one decimal point: `3.20`, `-1`, `+5`, `.5`;
- full-width forms (`３．２０`, `５，０００`, as a Chinese input method types them) are the same
  characters in another width and are read as their ASCII twins; any other non-ASCII character,
  digits of other scripts included, is refused;
- a comma only between groups of three digits, the first group not starting with 0: `1,234.50`,
  `5,000` (five thousand, as the answers format and English-locale Excel write it); `3,20`, `3,2`
  and `0,125` are decimal commas and refused;
- no `_`, no exponent, no NaN or Infinity; `%` only where a percentage is asked;
- in a csv whose columns are separated by `;` (the decimal-comma locales' csv) a comma in a number
  is refused, and so is a dot before exactly three digits (`1.234`, a thousands dot there);
- at most MAX_WHOLE_DIGITS digits before the point and MAX_PLACES after it.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from ..core.messages import as_typed, message
from ..core.text import Text

MAX_WHOLE_DIGITS = 12  # below one trillion: far above any real quantity, price or sum in a contract
MAX_PLACES = 6  # a unit price of 0.000125 is real; more places than that are a typing slip

# U+FF01..U+FF5E are ASCII U+0021..U+007E in full width
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_PLAIN = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_GROUPED = re.compile(r"[+-]?[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\.[0-9]*)?")
_THOUSANDS_DOT = re.compile(r"[+-]?[1-9][0-9]{0,2}(?:\.[0-9]{3})+")


NUMBER = message("expected.number", "a number")
PERCENT = message("expected.percent", "a percentage from 0 to 100")
CONTAINS = message("found.contains", "{value} (contains {character})")
_DIGITS = message("expected.digits", "a number written with the digits 0-9")
_ONE_READING = message("expected.one_reading", "a number that reads one way (this csv separates columns with ';', "
                                               "as the decimal-comma locales do, where a dot groups thousands)")
_WHICH = message("found.thousands_dot", "{value}: is it {grouped} or {number}? write {grouped}, or {number}0 for "
                                        "the decimal")
_NO_COMMAS = message("expected.no_commas", "a number with a decimal point and no commas (this csv separates "
                                           "columns with ';', as the decimal-comma locales do)")
_GROUPS = message("expected.comma_groups", "a number with a decimal point, and commas only between groups of "
                                           "three digits (1,234.50)")
_DECIMAL_COMMA = message("found.decimal_comma", "{value}: a decimal comma? write {number}")
_UNDERSCORE = message("found.underscore", "{value}: write the digits without '_'")
_EXPONENT = message("found.exponent", "{value}: write the number in full, without an exponent")
_PERCENT_SIGN = message("found.percent_sign", "{value}: a percent sign only where a percentage is asked")
_BELOW = message("expected.below", "a number below 1,000,000,000,000 (10^{digits})")
_HUGE = message("found.huge", "a number of more than 20 digits")
_PLACES = message("expected.places", "a number with at most {places} decimal places")


class NumberTextError(ValueError):
    """A typed number that has no single reading: what was expected and what was found."""

    def __init__(self, expected: Text, found: Text):
        super().__init__(f"expected {expected.en}, found {found.en}")
        self.expected, self.found = expected, found


def character_name(char: str) -> str:
    """`U+202E RIGHT-TO-LEFT OVERRIDE`: a character named so a person can find it."""
    return f"U+{ord(char):04X} {unicodedata.name(char, 'unnamed character')}"


def read_number(text: str, *, percent: bool = False, semicolon_csv: bool = False) -> Decimal:
    """The one number `text` means, within bounds, or NumberTextError.

    percent: a trailing `%` is allowed; semicolon_csv: the text is a cell of a `;`-separated csv, where
    a comma is a decimal comma and a dot before three digits may group thousands."""
    typed = text.strip()
    number = typed.translate(_FULL_WIDTH)
    if percent and number.endswith("%"):
        number = number[:-1].rstrip()
    stray = next((c for c in number if not c.isascii()), None)
    if stray is not None:
        raise NumberTextError(_DIGITS(), CONTAINS(value=repr(typed), character=character_name(stray)))
    if "," in number:
        return bounded(_read_grouped(number, typed, semicolon_csv))
    if semicolon_csv and _THOUSANDS_DOT.fullmatch(number):
        grouped = number.replace(".", "")
        raise NumberTextError(_ONE_READING(), _WHICH(value=repr(typed), grouped=grouped, number=number))
    if not _PLAIN.fullmatch(number):
        raise NumberTextError((PERCENT if percent else NUMBER)(), _found(typed, number))
    return bounded(Decimal(number))


def _read_grouped(number: str, typed: str, semicolon_csv: bool) -> Decimal:
    decimal_point = number.replace(",", ".", 1) if number.count(",") == 1 and "." not in number else None
    if semicolon_csv or not _GROUPED.fullmatch(number):
        found = _DECIMAL_COMMA(value=repr(typed), number=decimal_point) if decimal_point else as_typed(repr(typed))
        raise NumberTextError((_NO_COMMAS if semicolon_csv else _GROUPS)(), found)
    return Decimal(number.replace(",", ""))


def _found(typed: str, number: str) -> Text:
    """The number as typed, with a hint when it says what to write instead."""
    if "_" in number:
        return _UNDERSCORE(value=repr(typed))
    if re.search(r"[0-9.]e[+-]?[0-9]", number, re.IGNORECASE):
        return _EXPONENT(value=repr(typed))
    if "%" in number:
        return _PERCENT_SIGN(value=repr(typed))
    return as_typed(repr(typed))


def bounded(number: Decimal) -> Decimal:
    """The number, if it is finite and within MAX_WHOLE_DIGITS and MAX_PLACES; else NumberTextError."""
    if not number.is_finite():
        raise NumberTextError(NUMBER(), as_typed(str(number)))
    if abs(number) >= Decimal(10) ** MAX_WHOLE_DIGITS:
        found = _HUGE() if number.adjusted() >= 20 else as_typed(f"{number:,}")
        raise NumberTextError(_BELOW(digits=MAX_WHOLE_DIGITS), found)
    if number.normalize().as_tuple().exponent < -MAX_PLACES:
        raise NumberTextError(_PLACES(places=MAX_PLACES), as_typed(format(number, "f")))
    return number
