"""Validate answers against an interview: coerce, apply defaults, run the derived cerberus schema and the
cross-field checks. Every problem names the source, the field path, what was expected and what was found.

Phases (each a function below):
1. coerce: schema-directed conversion of YAML/spreadsheet values to the question's type
   (a decimal is read from the number's source text, `fob` becomes `FOB`, "5" becomes 5);
2. fill: defaults and `default_from` for shown questions that have no answer;
3. schema: the cerberus schema derived from the questions that are shown, validated;
4. checks: the interview's cross-field rules, on fields that passed 2–3.
"""
from __future__ import annotations

import datetime as dt
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

import cerberus
from babel import Locale
from babel.numbers import get_currency_precision, list_currencies

from ..facts import uscc
from ..facts.derived import total_problem
from ..core.errors import Problem, ValidationError
from ..core.paths import delete_path, has_path, lookup, make_parents, set_path
from ..interview.definitions import Block, Interview, Question
from .numbers import NumberTextError, bounded, character_name, read_number
from ..core.yamlio import source_text

MAX_STRING = 300
MAX_TEXT = 4000
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"

_TYPE_WORDS = {
    "string": "text", "text": "text", "email": "an e-mail address", "country": "an ISO 3166 country code",
    "currency": "an ISO 4217 currency code", "uscc": "an 18-character USCC", "integer": "a whole number",
    "decimal": "a number", "percent": "a percentage from 0 to 100", "date": "a date (YYYY-MM-DD)",
    "boolean": "true or false", "choice": "one of the choices", "list": "a list", "dict": "a mapping",
}


@dataclass
class Answers:
    """Validated answers: plain nested data (str, int, Decimal, date, bool, list, dict)."""

    data: dict
    source: str
    warnings: list[Problem] = field(default_factory=list)


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


def describe(value: Any) -> str:
    """A found value, short enough for one error line."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        if value == "":
            return "an empty text"
        if len(value) > 80:
            return f"a text of {len(value):,} characters ({value[:30]!r}…)"
        return repr(value)
    if isinstance(value, (int, float, Decimal)):
        return source_text(value) or str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    return type(value).__name__


# -- phase 1: coercion --------------------------------------------------------------------------------

class _Unusable(Exception):
    """A value that cannot be read as the question's type; expected/found when more precise than the
    type's own word."""

    def __init__(self, expected: str | None = None, found: str | None = None):
        super().__init__(expected)
        self.expected, self.found = expected, found


FIRST_DATE, LAST_DATE = dt.date(2000, 1, 1), dt.date(2099, 12, 31)  # a contract's dates; docs/formats.md


def _to_decimal(value: Any, percent: bool = False) -> Decimal:
    """Every number, whatever face it came from, through number_text: one reading, within bounds."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, float, str)):
        raise _Unusable
    try:
        if isinstance(value, Decimal):
            return bounded(value)
        text = source_text(value)
        if text is None and isinstance(value, int):
            return bounded(Decimal(value))
        return read_number(text or (repr(value) if isinstance(value, float) else value), percent=percent)
    except NumberTextError as bad:
        raise _Unusable(bad.expected, bad.found) from None


def _to_integer(value: Any) -> int:
    number = _to_decimal(value)
    if number != number.to_integral_value():
        raise _Unusable
    return int(number)


def _to_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    elif isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise _Unusable from None
    if not isinstance(value, dt.date):
        raise _Unusable
    if not FIRST_DATE <= value <= LAST_DATE:
        raise _Unusable(f"a date from {FIRST_DATE} to {LAST_DATE}", value.isoformat())
    return value


def _to_text(value: Any) -> str:
    if isinstance(value, bool) or isinstance(value, (dict, list)):
        raise _Unusable
    if isinstance(value, (int, float)):
        return source_text(value) or str(value)
    if isinstance(value, (dt.date, Decimal)):
        return str(value)
    if isinstance(value, str):
        return _displayable(value.strip())
    raise _Unusable


def _displayable(text: str) -> str:
    """NFC text without invisible format characters: a bidi override or a zero-width space makes a
    name display as something else, and two names that look the same compare unequal."""
    hidden = next((c for c in text if unicodedata.category(c) == "Cf"), None)
    if hidden is not None:
        raise _Unusable("text without invisible format characters (bidi controls, zero-width spaces or joiners)",
                        f"{describe(text)} (contains {character_name(hidden)})")
    return unicodedata.normalize("NFC", text)


def _to_choice(value: Any, question: Question) -> Any:
    if isinstance(value, str):
        value = value.strip()
    for choice in question.choices:
        if value == choice.value and type(value) is not bool or value is choice.value:
            return choice.value
        if isinstance(value, (str, int)) and not isinstance(value, bool) and \
                str(value).casefold() == str(choice.value).casefold():
            return choice.value
    return value  # left as found: the schema's `allowed` rule reports it


def _coerce_value(value: Any, question: Question) -> Any:
    t = question.type
    if t in ("decimal", "percent"):
        return _to_decimal(value, percent=t == "percent")
    if t == "integer":
        return _to_integer(value)
    if t == "date":
        return _to_date(value)
    if t == "boolean":
        if isinstance(value, bool):
            return value
        raise _Unusable
    if t == "choice":
        return _to_choice(value, question)
    if t in ("string", "text", "email"):
        return _to_text(value)
    if t in ("country", "currency", "uscc"):
        return re.sub(r"\s+", "", _to_text(value)).upper()
    return value


def _check_sections(data: dict, questions: tuple[Question, ...], prefix: str, source: str,
                    problems: list[Problem]) -> None:
    """Each section (`supplier`, `supplier.bank`) must be a mapping. Null is no answer, as for a field
    (its required fields are then reported one by one); anything else is reported and set aside."""
    sections = {".".join(q.path.split(".")[:depth]) for q in questions for depth in range(1, q.path.count(".") + 1)}
    for section in sorted(sections, key=lambda s: s.count(".")):
        if not has_path(data, section) or isinstance(value := lookup(data, section), dict):
            continue
        if value is not None:
            problems.append(Problem(source, prefix + section, "a mapping of answers", describe(value)))
        delete_path(data, section)
    for q in questions:
        if q.type == "list" and isinstance(entries := lookup(data, q.path), list):
            for i, entry in enumerate(entries):
                if isinstance(entry, dict):
                    _check_sections(entry, q.item, f"{prefix}{q.path}[{i}].", source, problems)


def _coerce(data: dict, questions: tuple[Question, ...], prefix: str, source: str,
            problems: list[Problem]) -> None:
    for q in questions:
        value = lookup(data, q.path)
        if value is None or value == "" and q.type != "list":
            if has_path(data, q.path):
                delete_path(data, q.path)  # an empty cell or `key:` with nothing means "not answered"
            continue
        full = prefix + q.path
        if q.type == "list":
            if not isinstance(value, list):
                problems.append(Problem(source, full, "a list of entries", describe(value)))
                delete_path(data, q.path)  # set aside, so no later phase walks it as a list
                continue
            for i, entry in enumerate(value):
                if isinstance(entry, dict):
                    _coerce(entry, q.item, f"{full}[{i}].", source, problems)
            continue
        try:
            set_path(data, q.path, _coerce_value(value, q))
        except _Unusable as bad:
            problems.append(Problem(source, full, bad.expected or _TYPE_WORDS[q.type], bad.found or describe(value)))


# -- phase 2: which questions apply, defaults ---------------------------------------------------------

def _block_present(block: Block, data: dict) -> bool:
    return block.optional is None or isinstance(lookup(data, block.id), dict)


def _shown(q: Question, context: dict) -> bool:
    return q.show_if is None or q.show_if.evaluate(context)


def _fill(data: dict, questions: tuple[Question, ...], context: dict) -> None:
    for q in questions:
        if not _shown(q, context):
            continue
        if q.type == "list":
            for entry in lookup(data, q.path) or ():
                if isinstance(entry, dict):
                    _fill(entry, q.item, context)
            continue
        if not has_path(data, q.path):
            if q.required and "." in q.path:
                make_parents(data, q.path)  # so a missing section reports each required field in it
            if q.default is not None:
                set_path(data, q.path, _coerce_value(q.default, q))
            elif q.default_from and has_path(data, q.default_from):
                set_path(data, q.path, lookup(data, q.default_from))


# -- phase 3: the cerberus schema ---------------------------------------------------------------------

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
            constraint = _to_decimal(constraint)  # exact: 0.65 from its source text, never the float
        elif schema.get("type") == "decimal" and rule == "allowed":
            constraint = [_to_decimal(c) for c in constraint]
        schema[rule] = constraint
    return schema


def _nest(schema: dict, path: str, rules: dict) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        node = schema.setdefault(part, {"type": "dict", "schema": {}})
        schema = node["schema"]
    schema[parts[-1]] = rules


def _schema(questions: tuple[Question, ...], data: dict, context: dict, present: bool) -> dict:
    schema: dict = {}
    for q in questions:
        shown = present and _shown(q, context)
        if q.type == "list":
            entry_schema = _schema(q.item, {}, context, True)
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


_CACHE = threading.local()  # a cerberus validator keeps each document's state: one cache per thread


def _validator(interview: Interview, data: dict) -> cerberus.Validator:
    """The cerberus validator for the questions these answers show. Building one normalises and hashes
    the whole schema, which cost more than validating; a batch has only a few distinct patterns. A
    validator holds the document it is validating, so threads (the web server's) never share one."""
    validators: dict[tuple, tuple[Interview, cerberus.Validator]] = _CACHE.__dict__.setdefault("validators", {})
    presence = tuple(_block_present(b, data) for b in interview.blocks)
    key = (id(interview), presence, _shown_pattern(tuple(q for _, q in interview.questions()), data))
    cached = validators.get(key)
    if cached and cached[0] is interview:
        return cached[1]
    schema: dict = {}
    for block, present in zip(interview.blocks, presence):
        _merge(schema, _schema(block.questions, data, data, present))
    if len(validators) >= 256:
        validators.clear()
    validator = _Validator(schema, allow_unknown=True)
    validators[key] = (interview, validator)
    return validator


def _shown_pattern(questions: tuple[Question, ...], context: dict) -> tuple:
    return tuple(_shown_pattern(q.item, context) if q.type == "list" else _shown(q, context) for q in questions) + \
        tuple(_shown(q, context) for q in questions if q.type == "list")


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
        return _TYPE_WORDS.get(qtype, str(constraint)), describe(value)
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


def validate(raw: Any, interview: Interview, source: str, known_paths: frozenset[str] = frozenset()) -> Answers:
    """Validate answers (already parsed) against an interview; raise ValidationError listing every problem."""
    if not isinstance(raw, dict):
        raise ValidationError(Problem(source, "", "a mapping of answers (see `contractgen init`)", describe(raw)))
    data, problems = examine(raw, interview, source)
    all_questions = tuple(q for _, q in interview.questions())
    if problems:
        raise ValidationError(problems)
    warnings = [Problem(source, path, "a field contractgen knows", "an unknown field (ignored)" + _suggest(path, known_paths))
                for path in unknown_paths(data, all_questions, known_paths)]
    return Answers(data, source, warnings)


def examine(raw: dict, interview: Interview, source: str) -> tuple[dict, list[Problem]]:
    """The coerced answers (defaults filled) and every problem with them, in interview order, without
    raising: an interview asking one question at a time keeps the problems at the paths it asked."""
    data = _plain_copy(raw)
    problems: list[Problem] = []
    questions_by_block = [(b, b.questions) for b in interview.blocks]
    all_questions = tuple(q for _, q in interview.questions())

    # an optional block given as `tooling:` with nothing under it means "no tooling"
    for block in interview.blocks:
        if block.optional is not None and block.id in data and data[block.id] in (None, {}, ""):
            del data[block.id]
        elif block.optional is not None and block.id in data and not isinstance(data[block.id], dict):
            problems.append(Problem(source, block.id, "a mapping of answers, or nothing", describe(data[block.id])))
            del data[block.id]

    _check_sections(data, all_questions, "", source, problems)
    _coerce(data, all_questions, "", source, problems)
    for block, questions in questions_by_block:
        if _block_present(block, data):
            _fill(data, questions, data)

    validator = _validator(interview, data)
    validator.validate(data, normalize=False)  # coercion and defaults are ours (phases 1-2)
    failed: set[str] = set()
    reported = {p.path for p in problems}
    for error in _flatten(validator._errors):
        if _within(_display_path(error.document_path), reported):
            continue  # already reported: a value that could not be read, or a section that is no mapping
        q = _question_at(all_questions, error.document_path)
        expected, found = _expected(error, q)
        path = _display_path(error.document_path)
        failed.add(path)
        problems.append(Problem(source, path, expected, found))
    failed |= {p.path for p in problems}

    for check in interview.checks:
        paths = check.assertion.paths | (check.when.paths if check.when else frozenset())
        if any(p in failed or not has_path(data, p) for p in paths):
            continue
        if check.when and not check.when.evaluate(data):
            continue
        if not check.assertion.evaluate(data):
            problems.append(Problem(source, check.path, check.expected.en, describe(lookup(data, check.path))))

    if not problems and (too_large := total_problem(data, source)):
        problems.append(too_large)

    return data, sorted(set(problems), key=lambda p: _order(p, all_questions))


def _within(path: str, reported: set[str]) -> bool:
    return any(path == r or path.startswith((r + ".", r + "[")) for r in reported)


def _order(problem: Problem, questions: tuple[Question, ...]) -> tuple:
    """Report problems in interview order, so the file reads top to bottom."""
    base = re.sub(r"\[\d+\]", "", problem.path)
    for i, q in enumerate(questions):
        if base == q.path or base.startswith(q.path + "."):
            return (i, problem.path)
    return (len(questions), problem.path)


def _merge(into: dict, other: dict) -> None:
    for key, value in other.items():
        if key in into and into[key].get("type") == "dict" and value.get("type") == "dict":
            _merge(into[key]["schema"], value["schema"])
        else:
            into[key] = value


def _plain_copy(value: Any) -> Any:
    """A deep copy with plain containers (the loader's data may share aliased sub-trees)."""
    if isinstance(value, dict):
        return {str(k): _plain_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_copy(v) for v in value]
    return value


def question_paths(questions: tuple[Question, ...], prefix: str = "") -> set[str]:
    """Every answers path the questions define; list items as `products[].sku`."""
    paths: set[str] = set()
    for q in questions:
        paths.add(prefix + q.path)
        if q.type == "list":
            paths |= question_paths(q.item, f"{prefix}{q.path}[].")
    return paths


def unknown_paths(data: dict, questions: tuple[Question, ...], known: frozenset[str]) -> list[str]:
    known = known | question_paths(questions)
    found: list[str] = []

    def walk(value: Any, path: str, display: str) -> None:
        if path and path not in known and not any(k.startswith((path + ".", path + "[]")) for k in known):
            found.append(display)
            return
        if isinstance(value, dict):
            for key, child in value.items():
                walk(child, f"{path}.{key}" if path else key, f"{display}.{key}" if display else key)
        elif isinstance(value, list):
            for i, child in enumerate(value):
                walk(child, f"{path}[]", f"{display}[{i}]")

    walk(data, "", "")
    return found


def _suggest(path: str, known: frozenset[str]) -> str:
    import difflib

    base = re.sub(r"\[\d+\]", "[]", path)
    close = difflib.get_close_matches(base, sorted(known), n=1, cutoff=0.75)
    return f"; did you mean {close[0]}?" if close else ""
