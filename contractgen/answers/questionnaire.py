"""Asking an interview one answer at a time: which questions are shown, reading a typed answer, checking
it with the same rules as an answers file, and writing the answers as YAML.

The terminal interview (`contractgen interview`) and the web page (`contractgen serve`) are two faces
of this module; neither has rules of its own, so an answer one accepts the other accepts, and the
answers either saves build exactly as `contractgen build` builds them.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
import re
from decimal import Decimal
from typing import Any

import yaml

from ..core.errors import Problem
from ..core.paths import delete_path, has_path, lookup, make_parents, set_path, steps
from ..interview.definitions import Block, Interview, Question
from .coerce import yes_no
from .validate import block_present, examine, is_shown


def parse_answer(question: Question, text: str) -> Any:
    """A typed answer as the value to check: '' is no answer, a menu number picks that choice, yes/no
    (or 是/否) answer a boolean. Everything else goes to validation as typed, which reads numbers,
    dates and codes exactly as it reads them in a file."""
    text = text.strip()
    if text == "":
        return None
    if question.type == "boolean":
        read = yes_no(text)
        return text if read is None else read
    if question.type == "choice" and text.isdigit() and 1 <= int(text) <= len(question.choices) \
            and not any(str(c.value) == text for c in question.choices):
        return question.choices[int(text) - 1].value
    return text


def set_answer(data: dict, path: str, value: Any) -> None:
    """Set (or, for None, remove) the answer at a path such as `products[1].sku`. The steps to it are
    made, even to remove, and a step holding no mapping or list is replaced: the user is answering anew."""
    if value is None:
        make_parents(data, path, replace=True)
        delete_path(data, path)
    else:
        set_path(data, path, value, replace=True)


def problems_at(interview: Interview, data: dict, source: str, paths: list[str] | tuple[str, ...]) -> list[Problem]:
    """The problems the full rules find at these answers paths (or inside them), ignoring the questions
    not asked yet. Same rules as a file: coercion, the cerberus schema, the cross-field checks."""
    _, problems = examine(data, interview, source)
    return [p for p in problems if any(_within(p.path, path) for path in paths)]


def all_problems(interview: Interview, data: dict, source: str) -> list[Problem]:
    return examine(data, interview, source)[1]


def checked_value(interview: Interview, data: dict, source: str, path: str) -> Any:
    """The answer at `path` as validation reads it (\"30\" → Decimal 30, \"fob\" → FOB), to store."""
    coerced, _ = examine(data, interview, source)
    return lookup(coerced, path)


def answer(interview: Interview, data: dict, source: str, path: str, value: Any) -> list[Problem]:
    """Put one answer in `data` if the rules accept it; else leave `data` as it was and return why not."""
    trial = _copy(data)
    set_answer(trial, path, value)
    problems = problems_at(interview, trial, source, [path])
    if problems:
        return problems
    set_answer(data, path, None if value is None else checked_value(interview, trial, source, path))
    return []


def answer_all(interview: Interview, data: dict, source: str,
               changes: list[tuple[str, Any]]) -> dict[str, list[Problem]]:
    """Several answers given together (one page of a form): all are kept when the rules find no
    problem at any of them; otherwise each is tried in turn with `answer`, so the acceptable ones are
    kept. Returns {path: problems} for the answers left out."""
    if not changes:
        return {}
    trial = _copy(data)
    for path, value in changes:
        set_answer(trial, path, value)
    coerced, problems = examine(trial, interview, source)
    if not any(_within(p.path, path) for p in problems for path, _ in changes):
        for path, value in changes:
            set_answer(data, path, None if value is None else lookup(coerced, path))
        return {}
    refused = {}
    for path, value in changes:
        problems = answer(interview, data, source, path, value)
        if problems:
            refused[path] = problems
    return refused


def editable_answers(interview: Interview, raw: dict, source: str) -> dict:
    """An answers file read back for editing: each value as validation reads it ("30" → 30, "fob" →
    FOB) where it can be read and as found where not (its problem then shows), with no defaults added."""
    coerced, _ = examine(raw, interview, source)
    return _only_given(coerced, _copy(raw))


def _only_given(coerced: Any, raw: Any) -> Any:
    if isinstance(coerced, dict) and isinstance(raw, dict):
        given = {str(k): v for k, v in raw.items()}
        return {k: _only_given(v, given[k]) for k, v in coerced.items() if k in given}
    if isinstance(coerced, list) and isinstance(raw, list):
        return [_only_given(v, r) for v, r in zip(coerced, raw)]
    return coerced


def as_read(interview: Interview, data: dict, source: str = "answers") -> dict:
    """The answers as validation reads them: coerced, defaults filled in. `show_if` must be decided on
    these, as validation decides it: a tooling owner left at its default (buyer) shows, and requires,
    the ownership marking."""
    return examine(data, interview, source)[0]


def block_of(interview: Interview, path: str) -> Block | None:
    """The block that asks the answer at `path` (`products[1].sku` → products, `tooling` → tooling)."""
    base = re.sub(r"\[\d+\]", "", path)
    for block in interview.blocks:
        if base == block.id or any(_within(base, q.path) or q.path.startswith(base + ".") for q in block.questions):
            return block
    return None


def _within(problem_path: str, path: str) -> bool:
    return problem_path == path or problem_path.startswith((path + ".", path + "["))


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def default_for(question: Question, data: dict) -> Any:
    """The value offered before the user types anything."""
    if question.default is not None:
        return question.default
    if question.default_from and has_path(data, question.default_from):
        return lookup(data, question.default_from)
    return None


def display(value: Any) -> str:
    """An answer as the user would type it back."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def question_at(interview: Interview, path: str) -> Question | None:
    """The question an answers path belongs to: `products[1].sku` → the `sku` item of `products`."""
    path_steps = steps(path)
    questions = tuple(q for _, q in interview.questions())
    found: Question | None = None
    dotted: list[str] = []
    for step in path_steps:
        if isinstance(step, int):
            if found is None or found.type != "list":
                return None
            questions, dotted, found = found.item, [], None
            continue
        dotted.append(step)
        found = next((q for q in questions if q.path == ".".join(dotted)), None)
        if found is None and not any(q.path.startswith(".".join(dotted) + ".") for q in questions):
            return None
    return found


def without_hidden(interview: Interview, data: dict) -> dict:
    """A copy of the answers without those to questions the other answers now hide (inspection
    details after `inspection: none`), and without optional blocks answered "no", to save: an answer
    nobody sees should not reach a contract."""
    out = _copy(data)
    changed = True
    while changed:  # hiding one answer can hide another
        changed = False
        seen = as_read(interview, out)
        for block in interview.blocks:
            if not block_present(block, out):
                if block.id in out and block.optional is not None:
                    del out[block.id]
                    changed = True
                continue
            for question in block.questions:
                if not is_shown(question, seen) and lookup(out, question.path) is not None:
                    set_answer(out, question.path, None)
                    changed = True
    return out


# -- the answers file ---------------------------------------------------------------------------------

class _AnswersDumper(yaml.SafeDumper):
    pass


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal):
    text = format(value, "f")
    return dumper.represent_scalar("tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int", text)


_AnswersDumper.add_representer(Decimal, _represent_decimal)
# numbers of fields the interview does not know keep the loader's int/float subclasses
_AnswersDumper.add_multi_representer(int, lambda d, v: d.represent_int(int(v)))
_AnswersDumper.add_multi_representer(float, lambda d, v: d.represent_float(float(v)))


def answers_yaml(data: dict, interview: Interview) -> str:
    """The answers as an answers file: sections in interview order, numbers exactly as validated
    (9617.00 stays 9617.00), so `contractgen build` of the file builds what the interview showed."""
    header = f"# Answers for contractgen ({interview.id}); build with: contractgen build <this file>\n"
    ordered = _ordered(data, tuple(q for _, q in interview.questions()))
    body = yaml.dump(ordered, Dumper=_AnswersDumper, allow_unicode=True, sort_keys=False, default_flow_style=False,
                     width=100)
    return header + body


def _ordered(data: dict, questions: tuple[Question, ...]) -> dict:
    """The answers with each mapping's keys in question order, at every depth (an answer given again in
    a review or on another page would otherwise move to the end); keys no question asks keep their
    place after."""
    order: list[str] = []
    for question in questions:
        key = question.path.split(".")[0]
        if key not in order:
            order.append(key)
    out = {key: data[key] for key in order if key in data}
    out.update((key, value) for key, value in data.items() if key not in out)
    for key, value in out.items():
        inner = tuple(replace(q, path=q.path[len(key) + 1:]) for q in questions if q.path.startswith(key + "."))
        if isinstance(value, dict) and inner:
            out[key] = _ordered(value, inner)
        listed = next((q for q in questions if q.path == key and q.type == "list"), None)
        if isinstance(value, list) and listed:
            out[key] = [_ordered(entry, listed.item) if isinstance(entry, dict) else entry for entry in value]
    return out
