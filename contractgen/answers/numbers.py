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

MAX_WHOLE_DIGITS = 12  # below one trillion: far above any real quantity, price or sum in a contract
MAX_PLACES = 6  # a unit price of 0.000125 is real; more places than that are a typing slip

# U+FF01..U+FF5E are ASCII U+0021..U+007E in full width
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_PLAIN = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_GROUPED = re.compile(r"[+-]?[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\.[0-9]*)?")
_THOUSANDS_DOT = re.compile(r"[+-]?[1-9][0-9]{0,2}(?:\.[0-9]{3})+")


class NumberTextError(ValueError):
    """A typed number that has no single reading: what was expected and what was found."""

    def __init__(self, expected: str, found: str):
        super().__init__(f"expected {expected}, found {found}")
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
        raise NumberTextError("a number written with the digits 0-9", f"{typed!r} (contains {character_name(stray)})")
    if "," in number:
        return bounded(_read_grouped(number, typed, semicolon_csv))
    if semicolon_csv and _THOUSANDS_DOT.fullmatch(number):
        grouped = number.replace(".", "")
        raise NumberTextError(
            "a number that reads one way (this csv separates columns with ';', as the decimal-comma locales "
            "do, where a dot groups thousands)", f"{typed!r}: is it {grouped} or {number}? write {grouped}, "
                                                 f"or {number}0 for the decimal")
    if not _PLAIN.fullmatch(number):
        raise NumberTextError(_expected(percent), f"{typed!r}{_hint(number)}")
    return bounded(Decimal(number))


def _read_grouped(number: str, typed: str, semicolon_csv: bool) -> Decimal:
    decimal_point = number.replace(",", ".", 1) if number.count(",") == 1 and "." not in number else None
    if semicolon_csv:
        raise NumberTextError(
            "a number with a decimal point and no commas (this csv separates columns with ';', as the "
            "decimal-comma locales do)", f"{typed!r}" + (f": a decimal comma? write {decimal_point}"
                                                          if decimal_point else ""))
    if not _GROUPED.fullmatch(number):
        raise NumberTextError("a number with a decimal point, and commas only between groups of three digits "
                              "(1,234.50)", f"{typed!r}" + (f": a decimal comma? write {decimal_point}"
                                                            if decimal_point else ""))
    return Decimal(number.replace(",", ""))


def _expected(percent: bool) -> str:
    return "a percentage from 0 to 100" if percent else "a number"  # the words validation uses for the type


def _hint(number: str) -> str:
    if "_" in number:
        return ": write the digits without '_'"
    if re.search(r"[0-9.]e[+-]?[0-9]", number, re.IGNORECASE):
        return ": write the number in full, without an exponent"
    if "%" in number:
        return ": a percent sign only where a percentage is asked"
    return ""


def bounded(number: Decimal) -> Decimal:
    """The number, if it is finite and within MAX_WHOLE_DIGITS and MAX_PLACES; else NumberTextError."""
    if not number.is_finite():
        raise NumberTextError("a number", str(number))
    if abs(number) >= Decimal(10) ** MAX_WHOLE_DIGITS:
        digits = "a number of more than 20 digits" if number.adjusted() >= 20 else f"{number:,}"
        raise NumberTextError(f"a number below 1,000,000,000,000 (10^{MAX_WHOLE_DIGITS})", digits)
    if number.normalize().as_tuple().exponent < -MAX_PLACES:
        raise NumberTextError(f"a number with at most {MAX_PLACES} decimal places", format(number, "f"))
    return number
