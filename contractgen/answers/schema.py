"""Phase 3 of validation: the cerberus schema derived from the questions that apply, our own checks
run through it (USCC, one-line text, codes, money), and the wording of its errors as problems."""
from __future__ import annotations

import threading
from decimal import Decimal
from functools import cache
from typing import Any, Callable

import cerberus
from cerberus.schema import DefinitionSchema
from babel import Locale
from babel.numbers import get_currency_precision, list_currencies

from ..core.errors import Problem
from ..core.messages import as_typed, message
from ..core.text import Text
from ..facts import uscc
from ..interview.definitions import Interview, Question
from .coerce import AN_EMAIL, EMPTY, MAPPING, NOTHING, ONE_OF, TYPE_WORDS, describe, to_decimal
from .numbers import CONTAINS

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


_USCC = message("expected.valid_uscc", "a valid Unified Social Credit Code (18 characters, GB 32100-2015)")
_AND = message("found.value_detail", "{value}: {detail}")
_UNVERIFIED = message("found.uscc_unverified", "{detail} (a mistyped or invented code; if the code is real and "
                                               "verified, say how in supplier.uscc_override_reason)")
_ONE_LINE = message("expected.one_line", "one line of text without line breaks or control characters")
_COUNTRY = message("expected.country_example", "an ISO 3166 alpha-2 country code such as US, DE or CN")
_CURRENCY = message("expected.currency_example", "an ISO 4217 currency code such as USD, EUR or CNY")
_WHOLE_AMOUNT = message("expected.whole_amount", "a whole amount in {currency} (its smallest unit)")
_AMOUNT = message("expected.amount_places", "an amount with at most {places} decimal places in {currency} "
                                            "(its smallest unit)")
_TIME_ZONE = message("expected.time_zone", "an IANA time zone name such as America/New_York, Europe/Berlin or "
                                           "Asia/Shanghai")
REQUIRED = message("expected.required", "an answer (this field is required)")
_RANGE = message("expected.range", "a number from {low} to {high}")
_AT_LEAST = message("expected.at_least", "a number of at least {low}")
_AT_MOST = message("expected.at_most", "a number of at most {high}")
_MIN_ENTRY = message("expected.min_entry", "at least {n} entry")
_MIN_ENTRIES = message("expected.min_entries", "at least {n} entries")
_MAX_ENTRIES = message("expected.max_entries", "at most {n} entries")
_MIN_CHARACTERS = message("expected.min_characters", "at least {n} characters")
_MAX_CHARACTERS = message("expected.max_characters", "at most {n} characters")
_CHARACTERS = message("found.characters", "{n} characters")
_MATCHING = message("expected.matching", "text matching {pattern}")
_NON_EMPTY = message("expected.non_empty", "a non-empty answer")
A_VALUE = message("word.value", "a value")
_RULE = message("expected.rule", "a value that passes the rule {rule} {constraint}")


class _Validator(cerberus.Validator):
    types_mapping = cerberus.Validator.types_mapping.copy()
    types_mapping["decimal"] = cerberus.TypeDefinition("decimal", (Decimal,), ())

    def _refuse(self, field, expected: Text, found: Text) -> None:
        """Our own checks report through cerberus as a custom error whose info is (expected, found)."""
        self._error(field, cerberus.errors.CUSTOM, expected, found)

    def _check_with_uscc(self, field, value):
        problem = uscc.format_problem(value)
        if problem:
            self._refuse(field, _USCC(), _AND(value=repr(value), detail=problem))
            return
        problem = uscc.check_problem(value)
        override = (self.root_document.get("supplier") or {}).get("uscc_override_reason")
        if problem and not override:
            self._refuse(field, _USCC(), _AND(value=repr(value), detail=_UNVERIFIED(detail=problem)))

    def _check_with_one_line(self, field, value):
        bad = sorted({f"U+{ord(c):04X}" for c in value if ord(c) < 32 or 0x7F <= ord(c) < 0xA0})
        if bad:
            self._refuse(field, _ONE_LINE(), CONTAINS(value=describe(value), character=", ".join(bad)))

    def _check_with_country(self, field, value):
        if value not in country_codes():
            self._refuse(field, _COUNTRY(), describe(value))

    def _check_with_currency(self, field, value):
        if value not in currency_codes():
            self._refuse(field, _CURRENCY(), describe(value))

    def _check_with_money(self, field, value):
        # an amount in the order's currency: no finer than its minor unit (USD 0.01, JPY 1), or the
        # contract would print a sum nobody can pay; an unknown currency is reported at `currency`
        currency = self.root_document.get("currency")
        if isinstance(currency, str) and currency in currency_codes() and isinstance(value, Decimal):
            places = get_currency_precision(currency)
            if value != value.quantize(Decimal(1).scaleb(-places)):
                expected = _WHOLE_AMOUNT(currency=currency) if places == 0 else _AMOUNT(places=places, currency=currency)
                self._refuse(field, expected, describe(value))

    def _check_with_time_zone(self, field, value):
        # an interview asks for it with `rules: {check_with: time_zone}` on a string question
        if value not in time_zones():
            self._refuse(field, _TIME_ZONE(), describe(value))


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
    if len(validators) >= 256:
        validators.clear()
    validator = _Validator(allow_unknown=True)
    validator.schema = _GeneratedSchema(validator, generated_schema(interview, presence, is_shown))
    validators[key] = (interview, validator)
    return validator


def generated_schema(interview: Interview, presence: tuple[bool, ...],
                     is_shown: Callable[[Question], bool]) -> dict:
    """The cerberus schema of the questions these answers show, in the blocks present."""
    schema: dict = {}
    for block, present in zip(interview.blocks, presence):
        _merge(schema, _schema(block.questions, is_shown, present))
    return schema


class _GeneratedSchema(DefinitionSchema):
    """A schema this module generates, used as cerberus's own check of it would pass: checking it cost
    a fresh `contractgen build` more than validating the answers (~170 ms of 1.3 s). The generator is
    what needs checking, and tests/test_validation.py checks every interview's schema with cerberus."""

    def validate(self, schema=None) -> None:
        pass


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


def _expected(error, q: Question | None) -> tuple[Text, Text]:
    rule, constraint, value = error.rule, error.constraint, error.value
    qtype = q.type if q else "text"
    if q and q.expected and rule not in ("required", "type", "nullable"):
        return q.expected, describe(value) if rule != "maxlength" else _CHARACTERS(n=f"{len(value):,}")
    if rule == "required":
        return REQUIRED(), NOTHING()
    if rule in ("check_with", None):  # our own checks (_Validator._refuse)
        return error.info[0], error.info[1]
    if rule == "type":
        if constraint == "dict":  # a section or one list entry, not a question's own value
            return MAPPING(), describe(value)
        return TYPE_WORDS[qtype](), describe(value)
    if rule == "allowed":
        values = ", ".join(str(c.value) for c in q.choices) if q else ", ".join(map(str, constraint))
        return ONE_OF(values=values), describe(value)
    if rule in ("min", "max"):
        low, high = (q.rules.get("min"), q.rules.get("max")) if q else (None, None)
        if q and q.type == "percent":
            low = 0 if low is None else low
            high = 100 if high is None else high
        if low is not None and high is not None:
            return _RANGE(low=low, high=high), describe(value)
        return (_AT_LEAST(low=constraint) if rule == "min" else _AT_MOST(high=constraint)), describe(value)
    if rule in ("minlength", "maxlength"):
        if isinstance(value, list):
            return (((_MIN_ENTRY if constraint == 1 else _MIN_ENTRIES)(n=constraint) if rule == "minlength"
                     else _MAX_ENTRIES(n=constraint)), as_typed(f"{len(value)}"))
        return (_MIN_CHARACTERS(n=constraint) if rule == "minlength" else _MAX_CHARACTERS(n=f"{constraint:,}")), \
            _CHARACTERS(n=f"{len(value):,}")
    if rule == "regex":
        if q and q.type == "email":
            return AN_EMAIL(), describe(value)
        return _MATCHING(pattern=constraint), describe(value)
    if rule == "empty":
        return _NON_EMPTY(), EMPTY()
    if rule == "nullable":
        return A_VALUE(), NOTHING()
    return _RULE(rule=rule, constraint=constraint), describe(value)


def _within(path: str, reported: set[str]) -> bool:
    return any(path == r or path.startswith((r + ".", r + "[")) for r in reported)
