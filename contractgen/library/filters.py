"""Jinja filters for clause text, and the plain functions behind them (the assembler calls those directly).

Every locale rule (grouping, minor-unit digits, currency names, date patterns) comes from babel's CLDR data.
"""
from __future__ import annotations

import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, Callable

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, get_currency_name, get_currency_precision, is_currency
from jinja2 import Undefined, pass_context
from jinja2.runtime import Context

from contractgen.facts.amounts import chinese_uppercase, english_words

LANGS = ("en", "zh")
# Parsed once: babel parses a locale given by name on every call, a tenth of a document's assembly.
_EN, _EN_GB, _ZH_CN = Locale.parse("en"), Locale.parse("en_GB"), Locale.parse("zh_CN")
_NAME_LOCALE = {"en": _EN, "zh": _ZH_CN}


def _check_currency(currency: str) -> str:
    if not isinstance(currency, str) or not _is_currency(currency):
        # babel would happily format an unknown code ("ZZZ 1.00"), so refuse it here.
        raise ValueError(f"currency must be an ISO 4217 code known to CLDR, e.g. USD, got {currency!r}")
    return currency


@lru_cache(maxsize=512)  # bounded: `serve` checks whatever a form sends
def _is_currency(code: str) -> bool:
    return is_currency(code)


# babel takes about 0.1 ms to format a number, and a set's documents print the same amounts and
# quantities many times over. Keyed by the number's text, which keeps its exponent (3.2 and 3.20 differ).
@lru_cache(maxsize=4096)
def _formatted(number: str, pattern: str | None, currency: str | None = None) -> str:
    if currency:
        return format_currency(Decimal(number), currency, format=pattern, locale=_EN, currency_digits=True)
    return format_decimal(Decimal(number), format=pattern, locale=_EN, decimal_quantization=False)


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    return lang


def _check_money(amount: Decimal | int, currency: str) -> Decimal:
    """An exact, non-negative amount with no more decimals than the currency has minor-unit digits."""
    if isinstance(amount, bool) or not isinstance(amount, (Decimal, int)):
        raise TypeError(f"amount must be a Decimal or an int, got {type(amount).__name__}: {amount!r}")
    amount = Decimal(amount)
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"amount must be a finite, non-negative number, got {amount}")
    digits = get_currency_precision(currency)
    # babel rounds silently (JPY 0.5 -> "JPY 0"); a contract must not show a different sum than computed.
    # Checked on the digit tuple because Decimal arithmetic itself rounds at the context precision.
    _sign, coefficient, exponent = amount.as_tuple()
    extra = -exponent - digits
    if extra > 0 and any(coefficient[-extra:]):
        raise ValueError(f"{currency} amounts have at most {digits} decimal places, got {amount}")
    return amount


def currency_name(currency: str, lang: str, plural: bool = False) -> str:
    """CLDR display name: ("USD", "en", plural=True) -> "US dollars"; ("USD", "zh") -> "美元"."""
    return get_currency_name(_check_currency(currency), count=2 if plural else None, locale=_NAME_LOCALE[_check_lang(lang)])


def format_money(amount: Decimal | int, currency: str, lang: str) -> str:
    """en: "USD 16,000.00" (ISO code, currency's own decimals); zh: "美元16,000.00"."""
    _check_currency(currency)
    amount = _check_money(amount, currency)
    if _check_lang(lang) == "en":
        return _formatted(str(amount), "¤¤ #,##0.00", currency)
    number = _formatted(str(amount), "#,##0.00", currency)
    # CLDR's zh long form puts the name after the number ("16,000.00美元"); contracts put it first.
    return currency_name(currency, "zh") + number


def amount_in_words(amount: Decimal | int, currency: str, lang: str) -> str:
    """en: "SAY US DOLLARS SIXTEEN THOUSAND ONLY"; zh: "美元壹万陆仟元整"."""
    _check_currency(currency)
    amount = _check_money(amount, currency)
    if _check_lang(lang) == "en":
        return english_words(amount, currency_name(currency, "en", plural=True))
    return currency_name(currency, "zh") + chinese_uppercase(amount)


def format_amount(amount: Decimal | int, currency: str) -> str:
    """A price or amount without the currency, with at least the currency's decimals: "3.20", "0.0125"."""
    digits = get_currency_precision(_check_currency(currency))
    if isinstance(amount, bool) or not isinstance(amount, (Decimal, int)):
        raise TypeError(f"amount must be a Decimal or an int, got {type(amount).__name__}: {amount!r}")
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return _formatted(str(amount), pattern)


def format_date_long(d: datetime.date, lang: str) -> str:
    """en: "23 November 2026" (en_GB); zh: "2026年11月23日"."""
    # A datetime would drag a time (and maybe a timezone) into a calendar date.
    if not isinstance(d, datetime.date) or isinstance(d, datetime.datetime):
        raise TypeError(f"expected a datetime.date, got {type(d).__name__}: {d!r}")
    locale = {"en": _EN_GB, "zh": _ZH_CN}[_check_lang(lang)]
    return format_date(d, "long", locale=locale)


def format_number(x: Decimal | int) -> str:
    """A plain number (quantity, percent): 5000 -> "5,000", Decimal("3.20") -> "3.2"."""
    if isinstance(x, bool) or not isinstance(x, (Decimal, int)):
        raise TypeError(f"expected a Decimal or an int, got {type(x).__name__}: {x!r}")
    # Without decimal_quantization=False babel cuts to 3 decimals (1.2345 -> "1.234").
    return _formatted(str(x), None)


def format_aql(level: Decimal | int) -> str:
    """An AQL as the standard prints it: 4.0 stays "4.0" (not "4"), 0.65 stays "0.65", 0 is "0"."""
    level = Decimal(level)
    if level == 0:
        return "0"
    return format_decimal(level, format="0.0", locale=_EN, decimal_quantization=False)


# ---- Jinja wrappers -------------------------------------------------------------------------------


def _defined(value: Any) -> Any:
    if isinstance(value, Undefined):
        str(value)  # StrictUndefined raises here, naming the missing variable
    return value


def _context_currency(context: Context) -> str:
    return _defined(context.resolve("currency"))


@pass_context
def money(context: Context, amount: Decimal | int) -> str:
    return format_money(_defined(amount), _context_currency(context), "en")


@pass_context
def money_zh(context: Context, amount: Decimal | int) -> str:
    return format_money(_defined(amount), _context_currency(context), "zh")


@pass_context
def words_en(context: Context, amount: Decimal | int) -> str:
    return amount_in_words(_defined(amount), _context_currency(context), "en")


@pass_context
def words_zh(context: Context, amount: Decimal | int) -> str:
    return amount_in_words(_defined(amount), _context_currency(context), "zh")


def date_en(d: datetime.date) -> str:
    return format_date_long(_defined(d), "en")


def date_zh(d: datetime.date) -> str:
    return format_date_long(_defined(d), "zh")


def num(x: Decimal | int) -> str:
    return format_number(_defined(x))


def aql(level: Decimal | int) -> str:
    return format_aql(_defined(level))


FILTERS: dict[str, Callable[..., str]] = {
    "aql": aql,
    "money": money,
    "money_zh": money_zh,
    "words_en": words_en,
    "words_zh": words_zh,
    "date_en": date_en,
    "date_zh": date_zh,
    "num": num,
}
