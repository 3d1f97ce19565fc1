"""Bilingual parity: the Chinese of a clause, as rendered for an order, states the same facts as its English
(design.md invariant 7), and carries no Latin-script text beyond the language-neutral kinds.

Every build runs `clause_mismatches` on each clause it assembles and `latin_leftovers` on every Chinese
string of each document; `contractgen clauses lint` runs them over every example and over generated
orders. A mismatch is a fault of the library (the clause's two texts disagree), never of the buyer: the
buyer's own text (names, descriptions, places) is taken out before comparing, since validation has
already judged it.

What is compared, each as a set of values per clause:
- amounts, with their currency: "USD 16,000.00" / "美元16,000.00" / "美元壹万陆仟元整" (大写 read back
  by facts.amounts.read_chinese_uppercase);
- dates: "23 November 2026" / "2026年11月23日";
- periods: "15 days" / "15日", weeks, months, years, hours;
- percentages: "30%" / "30%";
- cross-references to articles: "Article 586" / "第五百八十六条";
- currency codes, and every other number left in the text.
"""
from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache

from babel.numbers import get_currency_name, list_currencies

from ..facts.amounts import UPPERCASE_AMOUNT, read_chinese_uppercase
from ..facts.places import latin_words

_MONTHS = ("January February March April May June July August September October November December").split()
_NUMBER = r"\d[\d,]*(?:\.\d+)?"
# "20 January 2027" (the date_en filter) and "20 Jan 2027" (the verdict's dates in a fix).
_EN_DATE = re.compile(r"\b(\d{1,2}) (" + "|".join(_MONTHS + [m[:3] for m in _MONTHS]) + r") (\d{4})\b")
_ZH_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_EN_PERIOD = re.compile(r"(" + _NUMBER + r")(?:\s|-)(?:calendar |working |business |consecutive )?"
                        r"(day|week|month|year|hour)s?\b")
_ZH_PERIOD = re.compile(r"(" + _NUMBER + r")\s?(?:个)?(?:自然|工作|个工作)?(日|天|周|星期|个月|月|年|小时)")
_ZH_PERIOD_UNIT = {"日": "day", "天": "day", "周": "week", "星期": "week", "个月": "month", "月": "month",
                   "年": "year", "小时": "hour"}
_PERCENT = re.compile(r"(" + _NUMBER + r")\s?(?:%|％| per cent| percent)")
_EN_ARTICLE = re.compile(r"\b(?:Articles?|Arts?\.)\s+(\d+)(?:\s*(?:to|-|–|and|,)\s*(\d+))*")
_ZH_NUMERAL = "零〇一二两三四五六七八九十百千"
_ZH_ARTICLE = re.compile(r"第([" + _ZH_NUMERAL + r"]+)条")
_CODE = re.compile(r"\b([A-Z]{3})\b")
_EN_WORDS = {word: n for n, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())} | {"a": 1, "an": 1}
_EN_ORDINALS = {word: n for n, word in enumerate(
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth".split())}
# numbered things the Chinese writes in Chinese numerals: 附件一 (Annex 1), 一级 (level 1), 第3日 (day 3)
_EN_NUMBERED = re.compile(r"\b(?:Annex|[Ll]evel|[Dd]ay) (\d+)\b|\b(?:the )?(" + "|".join(list(_EN_ORDINALS)[1:])
                          + r") day\b")
_ZH_NUMBERED = re.compile(r"附件([" + "零〇一二两三四五六七八九十百千" + r"]+)|(?<!最后)([一二三四五六七八九十]+)级|第(\d+)日")
# a rate, not a count: "每迟延一周" / "for each week of delay", "每日两次" / "twice a day"
_ZH_RATE = re.compile(r"每(?:迟延|延迟|逾期)?一?(?:个)?(?:日|天|周|星期|月|年|小时)")
_EN_RATE = re.compile(r"\b(?:(?:once|twice|times) a|per|each|every) (?:day|week|month|year|hour)\b")
_ZH_WORD_PERIOD = re.compile(r"(?<![下同当次第])(?<!(?<!提)前)([一二两三四五六七八九十]+)(?:个)?(?:自然|工作|个工作)?(日|天|周|星期|个月|小时)")
_ZH_PERCENT_WORDS = re.compile(r"百分之([" + "零〇一二两三四五六七八九十百千" + r"]+)")
_PLAIN_NUMBER = re.compile(_NUMBER)
_HOLE = "\x00"  # what a removed value leaves, so the text around it does not join up


@dataclass(frozen=True)
class Mismatch:
    """One kind of fact the two languages of a clause state differently."""

    kind: str
    en: tuple[str, ...]
    zh: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.kind} differ: EN {', '.join(self.en) or 'none'}; ZH {', '.join(self.zh) or 'none'}"


@cache
def _currency_names() -> dict[str, str]:
    """Chinese CLDR currency name → ISO code, longest name first (美元 → USD, 人民币 → CNY)."""
    names = {}
    for code in list_currencies():
        if code.startswith("X"):  # ISO 4217's X codes are metals and units (黄金 is XAU), never a contract's money
            continue
        name = get_currency_name(code, locale="zh_CN")
        if name and name != code and re.fullmatch(r"[\u4e00-\u9fff]{2,}", name):
            names.setdefault(name, code)
    return dict(sorted(names.items(), key=lambda item: -len(item[0])))


@cache
def _currency_codes() -> frozenset[str]:
    return frozenset(list_currencies())


@cache
def _zh_money() -> tuple[re.Pattern, re.Pattern]:
    """(an amount in 大写 after its currency name, any currency name)."""
    names = "|".join(map(re.escape, _currency_names()))
    return re.compile(f"({names})({UPPERCASE_AMOUNT})"), re.compile(names)


def _zh_amounts_in_figures(text: str) -> tuple[set, str]:
    """Amounts in figures after a currency's Chinese name or ISO code ("美元16,000.00", "USD 16,000.00"):
    each number is checked for a currency just before it (faster than one pattern of every name)."""
    found, pieces, last = set(), [], 0
    names = _currency_names()
    for match in _PLAIN_NUMBER.finditer(text):
        before = text[max(0, match.start() - 8):match.start()].rstrip(" ")
        code = next((names[before[-k:]] for k in range(6, 1, -1) if before[-k:] in names), None)
        if code is None and before[-3:] in _currency_codes() and before[-3:].isupper():
            code = before[-3:]
        if code is not None:
            found.add((code, _number(match[0])))
            pieces += [text[last:match.start()], _HOLE]
            last = match.end()
    return found, "".join(pieces) + text[last:]


def read_chinese_numeral(text: str) -> int:
    """Article numbers as statutes and contracts write them: 五百八十六 → 586, 二十一 → 21, 十 → 10."""
    digits = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
    units = {"十": 10, "百": 100, "千": 1000}
    total, digit = 0, None
    for ch in text:
        if ch in digits:
            digit = digits[ch]
        elif ch in units:
            total += (1 if digit is None else digit) * units[ch]
            digit = None
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + (digit or 0)


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def _show(value) -> str:
    if isinstance(value, tuple):
        return " ".join(_show(v) for v in value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _take(pattern: re.Pattern, text: str, read) -> tuple[set, str]:
    """The values `read` makes of each match, and the text with the matches taken out."""
    found = set()

    def keep(match: re.Match) -> str:
        value = read(match)
        if value is None:
            return match[0]
        found.add(value)
        return _HOLE
    return found, pattern.sub(keep, text)


def _without(text: str, values: Iterable[str]) -> str:
    for value in values:
        text = text.replace(value, _HOLE)
    return text


def _en_facts(text: str) -> dict[str, set]:
    facts: dict[str, set] = {}
    facts["dates"], text = _take(_EN_DATE, text, lambda m: datetime.date(
        int(m[3]), [n[:3] for n in _MONTHS].index(m[2][:3]) + 1, int(m[1])).isoformat())
    money = re.compile(r"\b([A-Z]{3}) (" + _NUMBER + r")")
    facts["amounts"], text = _take(money, text, lambda m: (m[1], _number(m[2])) if m[1] in _currency_codes() else None)
    facts["articles"] = set()
    for match in _EN_ARTICLE.finditer(text):
        facts["articles"] |= {int(n) for n in re.findall(r"\d+", match[0])}
    text = _EN_ARTICLE.sub(_HOLE, text)
    text = _EN_RATE.sub(_HOLE, text)
    numbered, text = _take(_EN_NUMBERED, text, lambda m: Decimal(m[1]) if m[1] else Decimal(_EN_ORDINALS[m[2]]))
    words = "|".join(_EN_WORDS)
    in_words, text = _take(re.compile(rf"\b({words})(?:\s|-)(?:calendar |working |business )?(day|week|month|year|hour)s?\b",
                                      re.IGNORECASE), text, lambda m: (Decimal(_EN_WORDS[m[1].lower()]), m[2]))
    facts["periods"], text = _take(_EN_PERIOD, text, lambda m: (_number(m[1]), m[2]))
    facts["periods"] |= in_words
    facts["percentages"], text = _take(_PERCENT, text, lambda m: _number(m[1]))
    facts["currencies"] = {code for code in _CODE.findall(text) if code in _currency_codes()}
    facts["currencies"] |= {code for code, _ in facts["amounts"]}
    facts["numbers"] = ({_number(n) for n in _PLAIN_NUMBER.findall(text)} | numbered) - {None}
    return facts


def _zh_facts(text: str) -> dict[str, set]:
    facts: dict[str, set] = {}
    facts["dates"], text = _take(_ZH_DATE, text, lambda m: datetime.date(int(m[1]), int(m[2]), int(m[3])).isoformat())
    in_words_pattern, any_name = _zh_money()
    in_words, text = _take(in_words_pattern, text, lambda m: (_currency_names()[m[1]], read_chinese_uppercase(m[2])))
    in_figures, text = _zh_amounts_in_figures(text)
    facts["amounts"] = in_words | in_figures
    facts["articles"] = set()
    for match in re.finditer(r"第[" + _ZH_NUMERAL + r"]+条(?:(?:至|、|和|及)第[" + _ZH_NUMERAL + r"]+条)*", text):
        facts["articles"] |= {read_chinese_numeral(n) for n in _ZH_ARTICLE.findall(match[0])}
    text = re.sub(r"第[" + _ZH_NUMERAL + r"]+条", _HOLE, text)
    numbered, text = _take(_ZH_NUMBERED, text, lambda m: Decimal(
        read_chinese_numeral(m[1] or m[2]) if (m[1] or m[2]) else m[3]))
    in_words, text = _take(_ZH_PERCENT_WORDS, text, lambda m: Decimal(read_chinese_numeral(m[1])))
    text = _ZH_RATE.sub(_HOLE, text)
    word_periods, text = _take(_ZH_WORD_PERIOD, text, lambda m: (Decimal(read_chinese_numeral(m[1])),
                                                                  _ZH_PERIOD_UNIT[m[2]]))
    periods, text = _take(_ZH_PERIOD, text, lambda m: (_number(m[1]), _ZH_PERIOD_UNIT[m[2]]))
    # "2007年修订本" is a year, not a period of 2007 years
    facts["periods"] = {(n, unit) for n, unit in periods if not (unit == "year" and n >= 1000)} | word_periods
    years = {n for n, unit in periods if unit == "year" and n >= 1000}
    facts["percentages"], text = _take(_PERCENT, text, lambda m: _number(m[1]))
    facts["percentages"] |= in_words
    facts["currencies"] = {code for code in _CODE.findall(text) if code in _currency_codes()}
    facts["currencies"] |= {code for code, _ in facts["amounts"]}
    facts["currencies"] |= {_currency_names()[name] for name in any_name.findall(text)}
    facts["numbers"] = ({_number(n) for n in _PLAIN_NUMBER.findall(text)} | years | numbered) - {None}
    return facts


def clause_mismatches(en: str, zh: str, user_text: Iterable[str] = ()) -> list[Mismatch]:
    """What the EN and ZH of one rendered clause state differently. `user_text`: the order's own strings
    (names, descriptions, places, in either language), taken out of both sides first."""
    strings = sorted({s for s in user_text if len(s) >= 2 and (s in en or s in zh)}, key=len, reverse=True)
    return list(_mismatches(_without(en, strings), _without(zh, strings)))


@lru_cache(maxsize=2048)
def _mismatches(en: str, zh: str) -> tuple[Mismatch, ...]:
    # Kept, per text with the order's own strings taken out: a set's documents share clauses, and most
    # clauses then read the same in many orders of a batch; reading the facts was most of the check.
    en_facts, zh_facts = _en_facts(en), _zh_facts(zh)
    return tuple(Mismatch(kind, tuple(sorted(map(_show, en_facts[kind]))), tuple(sorted(map(_show, zh_facts[kind]))))
                 for kind in en_facts if en_facts[kind] != zh_facts[kind])


def latin_leftovers(zh: str, neutral: Iterable[str] = ()) -> list[str]:
    """Latin-script words in a Chinese text that are not a language-neutral kind: not one of the order's
    neutral values (codes, SKUs, e-mails, foreign names …) and not a token reference/neutral.yaml lists
    (Incoterm codes, standard numbers, unit symbols, codes in capitals)."""
    return latin_words(zh, neutral)
