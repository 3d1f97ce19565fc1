"""Phase 3 of validation: the cerberus schema derived from the questions that apply, our own checks
run through it (USCC, one-line text, codes, money), and the wording of its errors as problems."""
from __future__ import annotations

import threading
from decimal import Decimal
from functools import cache
from typing import Any, Callable

import cerberus
from babel import Locale
from babel.numbers import get_currency_precision, list_currencies

from ..core.errors import Problem
from ..facts import uscc
from ..interview.definitions import Interview, Question
from .coerce import TYPE_WORDS, describe, to_decimal

MAX_STRING = 300
MAX_TEXT = 4000
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


@cache
def country_codes() -> frozenset[str]:
    return frozenset(code for code in Locale("en").territories if len(code) == 2 and code.isalpha()
                     and code not in {"ZZ", "EU", "EZ", "UN", "QO"})


@cache
def currency_codes() -> frozenset[str]:
    return frozenset(list_currencies())


@cache
def time_zones() -> frozenset[str]:
    """IANA time zone names zoneinfo can load (the system's tz database, or the tzdata package)."""
    import zoneinfo

    return frozenset(zoneinfo.available_timezones())


class _Validator(cerberus.Validator):
    types_mapping = cerberus.Validator.types_mapping.copy()
    types_mapping["decimal"] = cerberus.TypeDefinition("decimal", (Decimal,), ())

    def _check_with_uscc(self, field, value):
        problem = uscc.format_problem(value)
        if problem:
            self._error(field, f"USCC|{problem}")
            return
        problem = uscc.check_problem(value)
        override = (self.root_document.get("supplier") or {}).get("uscc_override_reason")
        if problem and not override:
            self._error(field, f"USCC|{problem} (a mistyped or invented code; if the code is real and "
                               "verified, say how in supplier.uscc_override_reason)")

    def _check_with_one_line(self, field, value):
        bad = sorted({f"U+{ord(c):04X}" for c in value if ord(c) < 32 or 0x7F <= ord(c) < 0xA0})
        if bad:
            self._error(field, f"ONE_LINE|{', '.join(bad)}")

    def _check_with_country(self, field, value):
        if value not in country_codes():
            self._error(field, "COUNTRY|")

    def _check_with_currency(self, field, value):
        if value not in currency_codes():
            self._error(field, "CURRENCY|")

    def _check_with_money(self, field, value):
        # an amount in the order's currency: no finer than its minor unit (USD 0.01, JPY 1), or the
        # contract would print a sum nobody can pay; an unknown currency is reported at `currency`
        currency = self.root_document.get("currency")
        if isinstance(currency, str) and currency in currency_codes() and isinstance(value, Decimal):
            places = get_currency_precision(currency)
            if value != value.quantize(Decimal(1).scaleb(-places)):
                self._error(field, f"MONEY|{currency}|{places}")

    def _check_with_time_zone(self, field, value):
        # an interview asks for it with `rules: {check_with: time_zone}` on a string question
        if value not in time_zones():
            self._error(field, "TIME_ZONE|")


def _field_schema(q: Question, required: bool) -> dict:
    t = q.type
    schema: dict[str, Any] = {"required": required, "nullable": False}
    if t in ("string", "text", "email", "country", "currency", "uscc"):
        schema.update(type="string", empty=False, maxlength=MAX_TEXT if t == "text" else MAX_STRING)
        if t == "email":
            schema["regex"] = EMAIL
        if t in ("country", "currency", "uscc"):
            schema["check_with"] = t
        elif t in ("string", "email"):
            schema["check_with"] = "one_line"  # a name with a line break or control character breaks layouts
    elif t in ("decimal", "percent"):
        schema["type"] = "decimal"
        if t == "percent":
            schema.update(min=Decimal(0), max=Decimal(100))
    elif t == "integer":
        schema["type"] = "integer"
    elif t == "date":
        schema["type"] = "date"
    elif t == "boolean":
        schema["type"] = "boolean"
    elif t == "choice":
        schema["allowed"] = [c.value for c in q.choices]
    for rule, constraint in q.rules.items():
        if schema.get("type") == "decimal" and rule in ("min", "max"):
            constraint = to_decimal(constraint)  # exact: 0.65 from its source text, never the float
        elif schema.get("type") == "decimal" and rule == "allowed":
            constraint = [to_decimal(c) for c in constraint]
        schema[rule] = constraint
    return schema


def _nest(schema: dict, path: str, rules: dict) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        node = schema.setdefault(part, {"type": "dict", "schema": {}})
        schema = node["schema"]
    schema[parts[-1]] = rules


def _schema(questions: tuple[Question, ...], is_shown: Callable[[Question], bool], present: bool) -> dict:
    schema: dict = {}
    for q in questions:
        shown = present and is_shown(q)
        if q.type == "list":
            entry_schema = _schema(q.item, is_shown, True)
            rules = {"type": "list", "required": q.required and shown, "nullable": False,
                     "schema": {"type": "dict", "schema": entry_schema, "allow_unknown": True}}
            if q.min_items:
                rules["minlength"] = q.min_items
            if q.max_items:
                rules["maxlength"] = q.max_items
            _nest(schema, q.path, rules)
        else:
            _nest(schema, q.path, _field_schema(q, q.required and shown))
    return schema


def _merge(into: dict, other: dict) -> None:
    for key, value in other.items():
        if key in into and into[key].get("type") == "dict" and value.get("type") == "dict":
            _merge(into[key]["schema"], value["schema"])
        else:
            into[key] = value


_CACHE = threading.local()  # a cerberus validator keeps each document's state: one cache per thread


def _validator(interview: Interview, presence: tuple[bool, ...],
               is_shown: Callable[[Question], bool]) -> cerberus.Validator:
    """The cerberus validator for the questions these answers show. Building one normalises and hashes
    the whole schema, which cost more than validating; a batch has only a few distinct patterns. A
    validator holds the document it is validating, so threads (the web server's) never share one."""
    validators: dict[tuple, tuple[Interview, cerberus.Validator]] = _CACHE.__dict__.setdefault("validators", {})
    key = (id(interview), presence, _shown_pattern(tuple(q for _, q in interview.questions()), is_shown))
    cached = validators.get(key)
    if cached and cached[0] is interview:
        return cached[1]
    schema: dict = {}
    for block, present in zip(interview.blocks, presence):
        _merge(schema, _schema(block.questions, is_shown, present))
    if len(validators) >= 256:
        validators.clear()
    validator = _Validator(schema, allow_unknown=True)
    validators[key] = (interview, validator)
    return validator


def _shown_pattern(questions: tuple[Question, ...], is_shown: Callable[[Question], bool]) -> tuple:
    return tuple(_shown_pattern(q.item, is_shown) if q.type == "list" else is_shown(q) for q in questions) + \
        tuple(is_shown(q) for q in questions if q.type == "list")


def schema_problems(interview: Interview, data: dict, source: str, presence: tuple[bool, ...],
                    is_shown: Callable[[Question], bool], reported: set[str]) -> list[Problem]:
    """The schema's problems with coerced answers, defaults filled: `presence` says which blocks are
    answered, `is_shown` which questions apply (phase 2 decides both). A path in `reported`, or inside
    one, is left out: a value that could not be read, or a section that is no mapping."""
    validator = _validator(interview, presence, is_shown)
    validator.validate(data, normalize=False)  # coercion and defaults are ours (phases 1-2)
    all_questions = tuple(q for _, q in interview.questions())
    problems: list[Problem] = []
    for error in _flatten(validator._errors):
        if _within(_display_path(error.document_path), reported):
            continue  # already reported
        q = _question_at(all_questions, error.document_path)
        expected, found = _expected(error, q)
        problems.append(Problem(source, _display_path(error.document_path), expected, found))
    return problems


def _flatten(errors) -> list:
    leaves = []
    for error in errors:
        if error.is_group_error and error.child_errors:
            leaves.extend(_flatten(error.child_errors))
        else:
            leaves.append(error)
    return leaves


def _display_path(document_path: tuple) -> str:
    out = ""
    for part in document_path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _question_at(interview_questions: tuple[Question, ...], document_path: tuple) -> Question | None:
    dotted = ".".join(str(p) for p in document_path if not isinstance(p, int))
    for q in interview_questions:
        if dotted == q.path:
            return q
        if q.type == "list" and dotted.startswith(q.path + "."):
            inner = tuple(p for p in document_path[len(q.path.split(".")) + 1:])
            return _question_at(q.item, inner)
    return None


def _expected(error, q: Question | None) -> tuple[str, str]:
    rule, constraint, value = error.rule, error.constraint, error.value
    qtype = q.type if q else "text"
    if q and q.expected and rule not in ("required", "type", "nullable"):
        return q.expected.en, describe(value) if rule != "maxlength" else f"{len(value):,} characters"
    if rule == "required":
        return "an answer (this field is required)", "nothing"
    if rule in ("check_with", None):  # our own checks report through cerberus as custom errors
        kind, _, detail = str(error.info[0] if error.info else "|").partition("|")
        if kind == "USCC":
            return "a valid Unified Social Credit Code (18 characters, GB 32100-2015)", f"{value!r}: {detail}"
        if kind == "ONE_LINE":
            return "one line of text without line breaks or control characters", f"{describe(value)} (contains {detail})"
        if kind == "COUNTRY":
            return "an ISO 3166 alpha-2 country code such as US, DE or CN", describe(value)
        if kind == "CURRENCY":
            return "an ISO 4217 currency code such as USD, EUR or CNY", describe(value)
        if kind == "MONEY":
            currency, _, places = detail.partition("|")
            unit = "a whole amount" if places == "0" else f"an amount with at most {places} decimal places"
            return f"{unit} in {currency} (its smallest unit)", describe(value)
        if kind == "TIME_ZONE":
            return "an IANA time zone name such as America/New_York, Europe/Berlin or Asia/Shanghai", describe(value)
        return kind, describe(value)
    if rule == "type":
        if constraint == "dict":  # a section or one list entry, not a question's own value
            return "a mapping of answers", describe(value)
        return TYPE_WORDS.get(qtype, str(constraint)), describe(value)
    if rule == "allowed":
        values = ", ".join(str(c.value) for c in q.choices) if q else ", ".join(map(str, constraint))
        return f"one of: {values}", describe(value)
    if rule in ("min", "max"):
        low, high = (q.rules.get("min"), q.rules.get("max")) if q else (None, None)
        if q and q.type == "percent":
            low = 0 if low is None else low
            high = 100 if high is None else high
        if low is not None and high is not None:
            return f"a number from {low} to {high}", describe(value)
        return (f"a number of at least {constraint}" if rule == "min" else f"a number of at most {constraint}"), \
            describe(value)
    if rule in ("minlength", "maxlength"):
        if isinstance(value, list):
            return (f"at least {constraint} entr{'y' if constraint == 1 else 'ies'}" if rule == "minlength"
                    else f"at most {constraint} entries"), f"{len(value)}"
        return (f"at least {constraint} characters" if rule == "minlength"
                else f"at most {constraint:,} characters"), f"{len(value):,} characters"
    if rule == "regex":
        if q and q.type == "email":
            return "an e-mail address", describe(value)
        return f"text matching {constraint}", describe(value)
    if rule == "empty":
        return "a non-empty answer", "an empty text"
    if rule == "nullable":
        return "a value", "nothing"
    return f"{rule} {constraint}", describe(value)


def _within(path: str, reported: set[str]) -> bool:
    return any(path == r or path.startswith((r + ".", r + "[")) for r in reported)
