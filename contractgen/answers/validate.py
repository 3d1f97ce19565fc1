"""Validate answers against an interview: coerce, apply defaults, run the derived cerberus schema and the
cross-field checks. Every problem names the source, the field path, what was expected and what was found.

Phases, in order (`examine` runs them):
1. coerce (coerce.py): schema-directed conversion of YAML/spreadsheet values to the question's type
   (a decimal is read from the number's source text, `fob` becomes `FOB`, "5" becomes 5);
2. fill (below): defaults and `default_from` for shown questions that have no answer;
3. schema (schema.py): the cerberus schema derived from the questions that are shown, validated;
   then chinese.py: a text the Chinese version would print in English is refused, naming the `_zh` field
   to fill (a place or unit left out takes the gazetteer's or unit table's Chinese);
4. checks (below): the interview's cross-field rules, on fields that passed 2–3.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..core.errors import Problem, ValidationError
from ..core.messages import message
from ..core.paths import has_path, lookup, make_parents, set_path
from ..facts.derived import total_problem
from ..interview.definitions import Block, Interview, Question
from .chinese import chinese_problems
from .coerce import check_sections, coerce_answers, coerce_value, describe
from .paths import suggestion, unknown_paths
from .schema import schema_problems


ANSWERS_MAPPING = message("expected.answers", "a mapping of answers (see `contractgen init`)")
SECTION_OR_NOTHING = message("expected.mapping_or_nothing", "a mapping of answers, or nothing")
_KNOWN_FIELD = message("expected.known_field", "a field contractgen knows")
_UNKNOWN_FIELD = message("found.unknown_field", "an unknown field (ignored)")
_DID_YOU_MEAN = message("found.did_you_mean", "an unknown field (ignored); did you mean {path}?")


@dataclass
class Answers:
    """Validated answers: plain nested data (str, int, Decimal, date, bool, list, dict)."""

    data: dict
    source: str
    warnings: list[Problem] = field(default_factory=list)



# -- phase 2: which questions apply, defaults ---------------------------------------------------------

def block_present(block: Block, data: dict) -> bool:
    """An optional block (tooling, subcontracting …) is answered only after its yes/no question said yes."""
    return block.optional is None or isinstance(lookup(data, block.id), dict)


def is_shown(question: Question, data: dict) -> bool:
    """`show_if` on these answers; a condition on an answer not given yet is false, so hides the question."""
    return question.show_if is None or question.show_if.evaluate(data)


def _fill(data: dict, questions: tuple[Question, ...], context: dict) -> None:
    for q in questions:
        if not is_shown(q, context):
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
                set_path(data, q.path, coerce_value(q.default, q))
            elif q.default_from and has_path(data, q.default_from):
                set_path(data, q.path, lookup(data, q.default_from))


# -- the phases in order ------------------------------------------------------------------------------

def validate(raw: Any, interview: Interview, source: str, known_paths: frozenset[str] = frozenset()) -> Answers:
    """Validate answers (already parsed) against an interview; raise ValidationError listing every problem."""
    if not isinstance(raw, dict):
        raise ValidationError(Problem(source, "", ANSWERS_MAPPING(), describe(raw)))
    data, problems = examine(raw, interview, source)
    all_questions = tuple(q for _, q in interview.questions())
    if problems:
        raise ValidationError(problems)
    warnings = [Problem(source, path, _KNOWN_FIELD(), _unknown(suggestion(path, known_paths)))
                for path in unknown_paths(data, all_questions, known_paths)]
    return Answers(data, source, warnings)


def _unknown(close: str | None):
    return _DID_YOU_MEAN(path=close) if close else _UNKNOWN_FIELD()


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
            problems.append(Problem(source, block.id, SECTION_OR_NOTHING(), describe(data[block.id])))
            del data[block.id]

    check_sections(data, all_questions, "", source, problems)
    coerce_answers(data, all_questions, "", source, problems)
    for block, questions in questions_by_block:
        if block_present(block, data):
            _fill(data, questions, data)

    presence = tuple(block_present(b, data) for b in interview.blocks)
    reported = {p.path for p in problems}
    problems += schema_problems(interview, data, source, presence, lambda q: is_shown(q, data), reported)
    failed = {p.path for p in problems}
    present = tuple(q for block, questions in questions_by_block if block_present(block, data) for q in questions)
    problems += [p for p in chinese_problems(data, raw, present, source, lambda q: is_shown(q, data))
                 if p.path not in failed]
    failed = {p.path for p in problems}

    for check in interview.checks:
        paths = check.assertion.paths | (check.when.paths if check.when else frozenset())
        if any(p in failed or not has_path(data, p) for p in paths):
            continue
        if check.when and not check.when.evaluate(data):
            continue
        if not check.assertion.evaluate(data):
            problems.append(Problem(source, check.path, check.expected, describe(lookup(data, check.path))))

    if not problems and (too_large := total_problem(data, source)):
        problems.append(too_large)

    return data, sorted(set(problems), key=lambda p: _order(p, all_questions))


def _order(problem: Problem, questions: tuple[Question, ...]) -> tuple:
    """Report problems in interview order, so the file reads top to bottom."""
    base = re.sub(r"\[\d+\]", "", problem.path)
    for i, q in enumerate(questions):
        if base == q.path or base.startswith(q.path + "."):
            return (i, problem.path)
    return (len(questions), problem.path)


def _plain_copy(value: Any) -> Any:
    """A deep copy with plain containers (the loader's data may share aliased sub-trees)."""
    if isinstance(value, dict):
        return {str(k): _plain_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_copy(v) for v in value]
    return value
