"""Bundled place and unit data (reference/places.yaml, units.yaml, neutral.yaml): the gazetteer that
gives the Chinese name of a place named in English, the table of units of quantity, and the tokens that
stay as written in Chinese text. Data, not code: a place or unit missing here is added to the
YAML file, and until then the buyer fills the `_zh` field validation names."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from babel.units import get_unit_name

from ..core.errors import LibraryError
from ..core.resources import data_path
from ..core.yamlio import load_yaml_file


def spelling_key(name: str) -> str:
    """How the tables match an English name: case, spaces, hyphens, commas and full stops do not count."""
    return re.sub(r"[\s\-–—,.'’()/]+", " ", name).strip().casefold()


@dataclass(frozen=True)
class Table:
    names: dict[str, str]  # spelling_key(english) → Chinese
    source: str
    date: str


def _read(file: str, key: str) -> dict:
    path = data_path("reference", file)
    raw = load_yaml_file(path)
    if not isinstance(raw, dict) or not raw.get("source") or not raw.get("date") or key not in raw:
        raise LibraryError(f"{path}: needs `source:`, `date:` and `{key}:`")
    return raw


def _add(names: dict[str, str], english, chinese: str, where: str) -> None:
    if not isinstance(english, list) or not all(isinstance(e, str) and e.strip() for e in english):
        raise LibraryError(f"{where}: {chinese}: `en` must be a list of English names")
    for name in english:
        known = names.setdefault(spelling_key(name), chinese)
        if known != chinese:
            raise LibraryError(f"{where}: {name!r} names both {known} and {chinese}: one spelling, one place")


@cache
def gazetteer() -> Table:
    raw = _read("places.yaml", "places")
    names: dict[str, str] = {}
    for entry in raw["places"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("zh"), str):
            raise LibraryError(f"reference/places.yaml: each place needs `zh` and `en`, found {entry!r}")
        _add(names, entry.get("en"), entry["zh"], "reference/places.yaml")
    return Table(names, str(raw["source"]), str(raw["date"]))


@cache
def forum_seats() -> dict[str, str]:
    """forum → the seat its clause names by default (English), e.g. hkiac → Hong Kong."""
    return dict(_read("places.yaml", "seats")["seats"])


@cache
def unit_table() -> Table:
    raw = _read("units.yaml", "units")
    names: dict[str, str] = {}
    for chinese, english in (raw.get("units") or {}).items():
        _add(names, english, str(chinese), "reference/units.yaml")
    for cldr_id, english in (raw.get("cldr") or {}).items():
        _add(names, english, get_unit_name(cldr_id, locale="zh_CN"), "reference/units.yaml")
    return Table(names, str(raw["source"]), str(raw["date"]))


def place_zh(name: str) -> str | None:
    """The gazetteer's Chinese for an English place name, or None: "Ningbo-Zhoushan Port" → 宁波舟山港."""
    return gazetteer().names.get(spelling_key(name))


def unit_zh(unit: str) -> str | None:
    """The Chinese for a unit of quantity, or None: pcs → 件, sets → 套, kg → 千克 (CLDR)."""
    return unit_table().names.get(spelling_key(unit))


_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
_HOLE = "\x00"  # what a removed value leaves, so the text around it does not join up


@cache
def neutral_patterns() -> tuple[re.Pattern, ...]:
    """The Latin-script tokens a Chinese text may carry (reference/neutral.yaml): Incoterm codes,
    standard numbers, unit symbols, codes in capitals …"""
    patterns = []
    for index, item in enumerate(_read("neutral.yaml", "neutral")["neutral"]):
        try:
            patterns.append(re.compile(item["pattern"]))
        except (TypeError, KeyError, re.error) as exc:
            raise LibraryError(f"reference/neutral.yaml: neutral[{index}] needs a `pattern` that compiles ({exc})") \
                from None
    return tuple(patterns)


def latin_words(text: str, neutral_values=()) -> list[str]:
    """The Latin-script words of a Chinese text that are not language-neutral: not one of
    `neutral_values` (the order's codes, SKUs, e-mails, foreign names …) and not a neutral token."""
    if not _LATIN_WORD.search(text):
        return []
    for value in sorted({v for v in neutral_values if v and v in text}, key=len, reverse=True):
        text = text.replace(value, _HOLE)
    return list(_not_neutral(text))


@lru_cache(maxsize=4096)
def _not_neutral(text: str) -> tuple[str, ...]:
    # Kept: with the order's own values taken out, the same texts come back in every document and order
    # of a batch (titles, labels, clauses), and the 16 patterns were most of the bilingual check.
    for pattern in neutral_patterns():
        text = pattern.sub(_HOLE, text)
    return tuple(_LATIN_WORD.findall(text))
