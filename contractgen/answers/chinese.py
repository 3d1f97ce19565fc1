"""The Chinese text prints no English (design.md invariant 7): a text answer printed in the Chinese is
Chinese, or language-neutral by its question's `in_zh` kind, or it is refused here, naming the field and
the `_zh` field to fill. A `_zh` field left out falls back by its kind: a place to the gazetteer's Chinese
name, a unit to the unit table's, a legal name to the name as registered (interview/definitions.py
IN_ZH_KINDS says what each kind means).

The tooling's ownership mark is filled from the buyer's names when the order leaves it out, and a mark
that names the buyer in Chinese when no party block defines a Chinese name is refused.
"""
from __future__ import annotations

from ..core.errors import Problem
from ..core.messages import as_typed, message
from ..core.paths import has_path, lookup, set_path
from ..core.text import Text, has_chinese
from ..facts.places import latin_words, place_zh, unit_zh
from ..interview.definitions import Question

# What each refusal expects, in words; {path} and {source} are field paths.
EXPECTED = {
    "chinese": message("expected.zh.chinese",
                       "Chinese text: the Chinese version prints no English; write {path} in Chinese"),
    "fallback": message("expected.zh.fallback",
                        "the Chinese for {source}: the Chinese version prints no English, so fill {path}"),
    "place": message("expected.zh.place", "the Chinese name of the place in {source}: the gazetteer "
                     "(reference/places.yaml) does not know it, so fill {path}"),
    "unit": message("expected.zh.unit", "the Chinese for the unit in {source}: the unit table "
                    "(reference/units.yaml) does not know it, so fill {path}"),
    "symbols": message("expected.zh.symbols", "only numbers, units and codes in {source}: it has English words, "
                       "which the Chinese version does not print, so fill {path} with its Chinese"),
    "marking": message("expected.zh.marking", "a mark naming the buyer as the parties are named: {source} is "
                       "empty, so the Chinese names the buyer by its English legal name; fill {source}, or write "
                       "the mark with the English name (leave {path} out and it is written for you)"),
}
# The ownership mark written when the order leaves tooling.marking out.
MARKING = Text("Property of %(en)s", "%(zh)s所有")
MARKING_WORDS = ("所有", "财产", "归", "的", "模具")  # the Chinese of a mark that is not a name


def _problem(source: str, path: str, key: str, found, origin: str = "") -> Problem:
    return Problem(source, path, EXPECTED[key](path=path, source=origin), as_typed(repr(found)))


def chinese_problems(data: dict, raw: dict, questions: tuple[Question, ...], source: str, shown) -> list[Problem]:
    """Every text answer the Chinese would print in English, as a problem; fills the `_zh` fields that
    fall back to the gazetteer or the unit table. `questions`: those of the blocks the order has."""
    problems: list[Problem] = []
    _walk(data, raw, questions, "", source, shown, problems)
    problems += _marking_problems(data, raw, source)
    return problems


def _walk(data: dict, raw: dict, questions, prefix: str, source: str, shown, problems: list[Problem]) -> None:
    for q in questions:
        if not shown(q):
            continue
        if q.type == "list":
            entries = lookup(data, q.path) if has_path(data, q.path) else None
            given = lookup(raw, q.path) if has_path(raw, q.path) else None
            for index, entry in enumerate(entries or ()):
                if isinstance(entry, dict):
                    raw_entry = given[index] if isinstance(given, list) and index < len(given) else {}
                    _walk(entry, raw_entry if isinstance(raw_entry, dict) else {}, q.item,
                          f"{prefix}{q.path}[{index}].", source, lambda _q: True, problems)
            continue
        if q.in_zh is None or not has_path(data, q.path) or not isinstance(lookup(data, q.path), str):
            continue
        problem = _check(data, raw, q, prefix, source)
        if problem:
            problems.append(problem)


def _check(data: dict, raw: dict, q: Question, prefix: str, source: str) -> Problem | None:
    value = lookup(data, q.path)
    if not value.strip():
        return None  # nothing to print
    path = prefix + q.path
    given = has_path(raw, q.path) and lookup(raw, q.path) not in (None, "")
    origin = prefix + (q.default_from or "")
    if q.in_zh == "chinese":
        if has_chinese(value):
            return None
        return _problem(source, path, "chinese" if given or not q.default_from else "fallback", value, origin=origin)
    if q.in_zh in ("place", "unit"):
        if given:
            return None if has_chinese(value) else _problem(source, path, "chinese", value)
        chinese = (place_zh if q.in_zh == "place" else unit_zh)(value)
        if chinese is None:
            return None if has_chinese(value) else _problem(source, path, q.in_zh, value, origin=origin)
        set_path(data, q.path, chinese)
        return None
    if q.in_zh == "symbols":
        if has_chinese(value) or not latin_words(value):
            return None
        return _problem(source, path, "chinese" if given else "symbols", value, origin=origin)
    return None  # neutral, english, name: printed as written, or never in the Chinese


def _marking_problems(data: dict, raw: dict, source: str) -> list[Problem]:
    """The ownership mark names the buyer as the party block does: by its Chinese name when the order
    gives one, otherwise by its English legal name; written for the order when left out."""
    tooling, buyer = data.get("tooling"), data.get("buyer")
    if not isinstance(tooling, dict) or tooling.get("owner") != "buyer" or not isinstance(buyer, dict):
        return []
    name_en = buyer.get("name_en")
    given_zh = has_path(raw, "buyer.name_zh") and lookup(raw, "buyer.name_zh") not in (None, "")
    name_zh = buyer.get("name_zh") if given_zh else name_en
    if not isinstance(name_en, str) or not isinstance(name_zh, str):
        return []
    marking = tooling.get("marking")
    if marking in (None, ""):
        tooling["marking"] = f"{MARKING.en % {'en': name_en}} / {MARKING.zh % {'zh': name_zh}}"
        return []
    if not isinstance(marking, str) or given_zh:
        return []
    rest = marking.replace(name_en, "")
    for word in MARKING_WORDS:
        rest = rest.replace(word, "")
    if has_chinese(rest):
        return [_problem(source, "tooling.marking", "marking", marking, origin="buyer.name_zh")]
    return []
