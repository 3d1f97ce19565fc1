"""Amounts in words: Chinese uppercase (大写金额, PBOC rules) and English ("SAY ... ONLY").

Pure functions on exact decimals; no currency knowledge here (see filters.py).
"""
from __future__ import annotations

import re
from decimal import Decimal

LIMIT = 10**16  # amounts must be below this (up to 仟万亿 / thousands of trillions)

_ZH_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_ZH_UNITS = ("", "拾", "佰", "仟")


def _to_cents(amount: Decimal | int) -> int:
    """The amount in hundredths as an exact int, or ValueError/TypeError."""
    # bool is an int subclass and float is inexact: neither is a money amount.
    if isinstance(amount, bool) or not isinstance(amount, (Decimal, int)):
        raise TypeError(f"amount must be a Decimal or an int, got {type(amount).__name__}: {amount!r}")
    if isinstance(amount, int):
        amount = Decimal(amount)
    if not amount.is_finite():
        raise ValueError(f"amount must be a finite number, got {amount}")
    if amount < 0:
        raise ValueError(f"amount must not be negative, got {amount}")
    if amount >= LIMIT:
        raise ValueError(f"amount must be below 10^16, got {amount}")
    # Integer arithmetic on the tuple, because Decimal arithmetic rounds at the context precision.
    _sign, digits, exponent = amount.as_tuple()
    coefficient = int("".join(map(str, digits))) if digits else 0
    shift = exponent + 2
    if shift >= 0:
        return coefficient * 10**shift
    cents, rest = divmod(coefficient, 10**-shift)
    if rest:
        raise ValueError(f"amount must have at most 2 decimal places, got {amount}")
    return cents


def _zh_below_10k(n: int) -> str:
    """1..9999; inner zeros collapse to one 零, trailing zeros vanish."""
    out = []
    zero_pending = False
    for position in range(3, -1, -1):
        digit = n // 10**position % 10
        if digit == 0:
            zero_pending = bool(out)
            continue
        if zero_pending:
            out.append("零")
            zero_pending = False
        out.append(_ZH_DIGITS[digit] + _ZH_UNITS[position])
    return "".join(out)


def _zh_grouped(n: int, group: int, marker: str, below) -> str:
    """n >= 1 written as <high><marker><low>; one 零 when the zeros run across the boundary."""
    high, low = divmod(n, group)
    text = below(high) + marker if high else ""
    if low:
        if high and low < group // 10:
            text += "零"
        text += below(low)
    return text


def _zh_below_1e8(n: int) -> str:
    return _zh_grouped(n, 10**4, "万", _zh_below_10k)


def _zh_integer(n: int) -> str:
    # 10^12 comes out as 壹万亿: the 亿 group is itself written with 万.
    return _zh_grouped(n, 10**8, "亿", _zh_below_1e8)


def chinese_uppercase(amount: Decimal | int) -> str:
    """大写金额 without the currency name, e.g. 16000 -> 壹万陆仟元整, 1680.32 -> 壹仟陆佰捌拾元零叁角贰分."""
    yuan, rest = divmod(_to_cents(amount), 100)
    jiao, fen = divmod(rest, 10)
    if yuan == 0 and rest == 0:
        return "零元整"
    text = _zh_integer(yuan) + "元" if yuan else ""
    if rest == 0:
        return text + "整"
    if jiao:
        if yuan and yuan % 10 == 0:
            text += "零"
        text += _ZH_DIGITS[jiao] + "角"
    elif yuan:
        text += "零"  # 角 is zero between 元 and 分
    if fen:
        text += _ZH_DIGITS[fen] + "分"
    return text


_ZH_DIGIT_VALUES = {ch: i for i, ch in enumerate(_ZH_DIGITS)}
_ZH_UNIT_VALUES = {"拾": 10, "佰": 100, "仟": 1000}
# One 大写 amount as chinese_uppercase writes it (the currency name is not part of it).
UPPERCASE_AMOUNT = ("(?:[零壹贰叁肆伍陆柒捌玖拾佰仟万亿]+元(?:整|零?[壹贰叁肆伍陆柒捌玖]角(?:[壹贰叁肆伍陆柒捌玖]分)?"
                    "|零?[壹贰叁肆伍陆柒捌玖]分)?|[壹贰叁肆伍陆柒捌玖]角(?:[壹贰叁肆伍陆柒捌玖]分)?|[壹贰叁肆伍陆柒捌玖]分)")


def _zh_read_integer(text: str) -> int:
    """壹万陆仟 → 16000; the inverse of _zh_integer (零 is only a spacer)."""
    total = wan = section = digit = 0
    pending = False  # a digit read that no unit has taken yet
    for ch in text:
        if ch in _ZH_DIGIT_VALUES:
            if pending and ch != "零":
                raise ValueError(f"two digits in a row in {text!r}")
            digit, pending = _ZH_DIGIT_VALUES[ch], ch != "零"
        elif ch in _ZH_UNIT_VALUES:
            if not pending:
                raise ValueError(f"{ch} without a digit in {text!r}")
            section += digit * _ZH_UNIT_VALUES[ch]
            digit, pending = 0, False
        elif ch == "万":
            wan, section, digit, pending = (section + digit) * 10**4, 0, 0, False
        elif ch == "亿":
            total, wan, section, digit, pending = (total + wan + section + digit) * 10**8, 0, 0, 0, False
        else:
            raise ValueError(f"{ch!r} is not a 大写 numeral in {text!r}")
    return total + wan + section + digit


def read_chinese_uppercase(text: str) -> Decimal:
    """The amount a 大写 text states: 壹万陆仟元整 → 16000, 壹仟陆佰捌拾元零叁角贰分 → 1680.32, 零元整 → 0.
    The reader the bilingual parity check uses to compare a Chinese amount in words with the English."""
    if not text or not re.fullmatch(UPPERCASE_AMOUNT, text):
        raise ValueError(f"not a 大写 amount: {text!r}")
    whole, _, fraction = text.rpartition("元") if "元" in text else ("", "", text)
    yuan = _zh_read_integer(whole) if whole else 0
    cents = sum(_ZH_DIGIT_VALUES[digit] * (10 if unit == "角" else 1)
                for digit, unit in re.findall(r"([壹贰叁肆伍陆柒捌玖])(角|分)", fraction))
    return Decimal(yuan * 100 + cents) / 100


_EN_ONES = (
    "ZERO ONE TWO THREE FOUR FIVE SIX SEVEN EIGHT NINE TEN ELEVEN TWELVE THIRTEEN FOURTEEN "
    "FIFTEEN SIXTEEN SEVENTEEN EIGHTEEN NINETEEN"
).split()
_EN_TENS = "_ _ TWENTY THIRTY FORTY FIFTY SIXTY SEVENTY EIGHTY NINETY".split()
_EN_SCALES = ((10**12, "TRILLION"), (10**9, "BILLION"), (10**6, "MILLION"), (10**3, "THOUSAND"))


def _en_below_1000(n: int) -> str:
    words = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        words.append(f"{_EN_ONES[hundreds]} HUNDRED")
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(_EN_TENS[tens] + (f"-{_EN_ONES[ones]}" if ones else ""))
    elif rest:
        words.append(_EN_ONES[rest])
    return " ".join(words)


def _en_integer(n: int) -> str:
    if n == 0:
        return "ZERO"
    words = []
    for scale, name in _EN_SCALES:
        count, n = divmod(n, scale)
        if count:
            words.append(f"{_en_integer(count)} {name}")  # recursion: up to 9999 TRILLION
    if n:
        words.append(_en_below_1000(n))
    return " ".join(words)


def english_words(amount: Decimal | int, currency_name_plural: str) -> str:
    """E.g. (16000.30, "US dollars") -> SAY US DOLLARS SIXTEEN THOUSAND AND CENTS THIRTY ONLY."""
    whole, cents = divmod(_to_cents(amount), 100)
    text = f"SAY {currency_name_plural.upper()} {_en_integer(whole)}"
    if cents:
        text += f" AND CENTS {_en_integer(cents)}"
    return text + " ONLY"
