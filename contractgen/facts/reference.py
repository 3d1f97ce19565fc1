"""The bundled reference data (reference/*.yaml): GB/T 2260 divisions, the USCC's code tables, the
holiday calendar, the market compliance and category test tables, inspections and the stake levels.
Each file says where it comes from (`source:`) and how current it is (`date:`); `contractgen clauses
lint` checks every file against its schema here, and a broken file stops an assessment (LibraryError)."""
from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path
from typing import Any

import cerberus

from ..core.cache import cached, files_key
from ..core.errors import ContractgenError, LibraryError
from ..core.resources import data_path
from ..core.text import has_chinese
from ..core.yamlio import load_yaml_file

_TEXT = {"en": {"type": "string", "required": True, "empty": False},
         "zh": {"type": "string", "required": True, "empty": False}}
_TEXT_ITEM = {"type": "dict", "schema": _TEXT}
_COMMON = {"source": {"type": "string", "required": True, "empty": False},
           "date": {"type": "date", "required": True}}
_INT = {"type": "integer", "required": True, "min": 0}

SCHEMAS: dict[str, dict] = {
    "divisions": {"divisions": {"type": "string", "required": True, "empty": False}},
    "uscc_codes": {
        "authorities": {"type": "dict", "required": True, "keysrules": {"regex": "^[0-9A-HJ-NPQRTUWXY]$"},
                        "valuesrules": _TEXT_ITEM},
        "entity_types": {"type": "dict", "required": True, "keysrules": {"regex": "^[0-9A-HJ-NPQRTUWXY]{2}$"},
                         "valuesrules": _TEXT_ITEM},
        "individual_business": {"type": "string", "required": True, "regex": "^[0-9A-Z]{2}$"}},
    "calendar": {
        "new_year": {"type": "dict", "required": True, "schema": {
            key: _INT for key in ("shutdown_before_days", "shutdown_after_days", "labour_shortage_after_days",
                                  "ship_before_days", "plan_after_days")}},
        "golden_week": {"type": "dict", "required": True, "schema": {
            "month": {**_INT, "min": 1, "max": 12}, "first_day": {**_INT, "min": 1, "max": 31},
            "last_day": {**_INT, "min": 1, "max": 31}, "margin_days": _INT}},
        "holidays": {"type": "list", "required": True, "schema": {"type": "dict", "schema": {
            "id": {"type": "string", "required": True}, "kind": {"type": "string", "allowed": ["lunar", "solar"]},
            "month": {**_INT, "min": 1, "max": 12}, "day": {**_INT, "min": 1, "max": 31},
            "days": {**_INT, "min": 1}, "offset": {"type": "integer", "required": True}, **_TEXT}}}},
    "compliance": {
        "requirements": {"type": "list", "required": True, "minlength": 1, "schema": {"type": "dict", "schema": {
            "id": {"type": "string", "required": True, "regex": "^[a-z0-9_]+$"},
            "markets": {"type": "list", "required": True, "minlength": 1, "schema": {"type": "string"}},
            "categories": {"type": "list", "required": True, "minlength": 1, "schema": {"type": "string"}},
            **_TEXT}}}},
    "category_checks": {
        "categories": {"type": "dict", "required": True,
                       "valuesrules": {"type": "list", "minlength": 1, "schema": _TEXT_ITEM}}},
    "inspections": {
        "book_days_ahead": _INT,
        "cost_per_man_day": {"type": "dict", "required": True, "schema": {
            "low": _INT, "high": _INT, "currency": {"type": "string", "required": True}}},
        "production_start_days": _INT,
        "inspections": {"type": "list", "required": True, "schema": {"type": "dict", "schema": {
            "id": {"type": "string", "required": True}, "at_days": {"type": "integer"},
            "at_fraction": {"type": "float", "min": 0, "max": 1}, "before_ship_days": {"type": "integer"},
            **_TEXT}}}},
    "stakes": {
        "usd_per_unit": {"type": "dict", "required": True, "keysrules": {"regex": "^[A-Z]{3}$"},
                         "valuesrules": {"type": "number", "min": 0}},
        "levels": {"type": "dict", "required": True, "schema": {"medium_from": _INT, "high_from": _INT}}},
}
# The gazetteer, unit table and neutral tokens, which facts/places.py reads and checks.
PLACE_FILES = frozenset({"places.yaml", "units.yaml", "neutral.yaml"})
DIVISION_LINE = re.compile(r"^(\d{6}) (\S+)$")


def _chinese_problems(value: Any, where: str) -> list[str]:
    """Every `zh` text must be Chinese; every `en` text must not be empty (the schema says so)."""
    problems = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "zh" and isinstance(item, str) and not has_chinese(item):
                problems.append(f"{where}.zh has no Chinese characters")
            problems += _chinese_problems(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            problems += _chinese_problems(item, f"{where}[{index}]")
    return problems


def _content_problems(name: str, raw: dict) -> list[str]:
    problems = []
    if name == "divisions":
        seen = set()
        for number, line in enumerate(raw["divisions"].splitlines(), start=1):
            match = DIVISION_LINE.match(line)
            if not match or not has_chinese(match.group(2)):
                problems.append(f"divisions line {number}: {line!r} is not 'six-digit code, space, Chinese name'")
            elif match.group(1) in seen:
                problems.append(f"divisions line {number}: code {match.group(1)} twice")
            else:
                seen.add(match.group(1))
    if name == "compliance":
        ids = [r["id"] for r in raw["requirements"]]
        problems += [f"requirement id {i} twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
    if name == "category_checks" and "general" not in raw["categories"]:
        problems.append("categories has no 'general' list (the checks for every line)")
    if name == "calendar":
        days = raw["new_year"]
        if not days["ship_before_days"] > days["shutdown_before_days"]:
            problems.append("new_year.ship_before_days must be more than shutdown_before_days (a safe date is before it)")
        if not days["plan_after_days"] > days["labour_shortage_after_days"] >= days["shutdown_after_days"]:
            problems.append("new_year: shutdown_after_days ≤ labour_shortage_after_days < plan_after_days (a safe "
                            "date is after both)")
    if name == "stakes" and raw["levels"]["medium_from"] >= raw["levels"]["high_from"]:
        problems.append("levels.medium_from must be below levels.high_from")
    return problems + _chinese_problems(raw, "")


def _read(name: str) -> tuple[dict | None, list[str]]:
    """The file and its problems, kept in the cache (core/cache.py): checking the seven files with
    cerberus cost a one-document build ~250 ms."""
    path = data_path("reference", f"{name}.yaml")
    return cached("reference", files_key("reference", path.parent, [path]), lambda: _checked(name, path))


def _checked(name: str, path: Path) -> tuple[dict | None, list[str]]:
    try:
        raw = load_yaml_file(path)
    except ContractgenError as exc:
        return None, [str(exc)]
    validator = cerberus.Validator({**_COMMON, **SCHEMAS[name]})
    if not isinstance(raw, dict):
        return None, ["the file must be a mapping"]
    if isinstance(raw.get("date"), dt.datetime):
        raw["date"] = raw["date"].date()
    if not validator.validate(raw):
        return None, [f"schema: {key}: {messages}" for key, messages in sorted(validator.errors.items())]
    return raw, _content_problems(name, raw)


def reference_problems() -> list[tuple[str, str]]:
    """(file, problem) for every reference file: its schema, its source and date, Chinese where due, and
    any file in reference/ this module does not know."""
    problems = []
    folder = data_path("reference")
    for path in sorted(folder.glob("*")):
        if path.name in PLACE_FILES:
            continue  # facts/places.py reads and checks these
        if path.stem not in SCHEMAS or path.suffix != ".yaml":
            problems.append((str(path), "not a reference file contractgen reads (known: "
                                        f"{', '.join(f'{n}.yaml' for n in sorted(SCHEMAS))})"))
    for name in sorted(SCHEMAS):
        problems += [(str(folder / f"{name}.yaml"), message) for message in _read(name)[1]]
    return problems


@cache
def reference(name: str) -> dict:
    """A reference file, checked; a broken one is the project's fault (exit 1), never the buyer's."""
    raw, problems = _read(name)
    if problems or raw is None:
        raise LibraryError(f"reference/{name}.yaml has {len(problems)} problem(s); run `contractgen clauses "
                           f"lint`: {'; '.join(problems[:5])}")
    return raw


@cache
def divisions() -> dict[str, str]:
    """GB/T 2260 code → name, e.g. '330212' → '鄞州区'."""
    return dict(DIVISION_LINE.match(line).groups() for line in reference("divisions")["divisions"].splitlines())
