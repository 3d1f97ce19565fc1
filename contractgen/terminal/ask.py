"""Asking: one question of each type (a line, a choice from a menu, yes/no), the lines of a list, and
whether an optional block applies. Every rule comes from questionnaire.py, which the web interview
shares: an answer accepted here is one `contractgen build` accepts."""
from __future__ import annotations

import re

from ..core.paths import lookup
from ..answers.coerce import yes_no
from ..answers import questionnaire as qn
from ..answers.validate import block_present, is_shown
from ..core.errors import Problem
from ..interview.definitions import Block, Question
from .state import InterviewState


def answered(state: InterviewState, path: str) -> bool:
    return lookup(state.data, path) is not None or path in state.skipped


def ask(state: InterviewState, question: Question, path: str, problem: Problem | None = None) -> None:
    """Ask one question; then ask again any earlier answer the new one contradicts (a cross-field
    check reported on that earlier question's path)."""
    pending = [(question, path, problem)]
    while pending:
        question, path, problem = pending.pop(0)
        ask_one(state, question, path, problem)
        for other in conflicts(state, path):
            other_question = qn.question_at(state.interview, other.path)
            if other_question and is_shown(other_question, state.data) \
                    and other.path not in {p for _, p, _ in pending}:
                state.say(state.t("conflict"), "error")
                pending.append((other_question, other.path, other))


def ask_one(state: InterviewState, question: Question, path: str, problem: Problem | None) -> None:
    label = state.text(question.label)
    state.say(f"{label} {state.t('yn')}" if question.type == "boolean" else label)
    for number, choice in enumerate(question.choices, start=1):
        words, value = state.text(choice.label), str(choice.value)
        state.say(f"  {number}) " + (words if words == value or words.startswith(value + " ") else f"{value} — {words}"))
    if problem:
        state.say_problem(problem)
    current = lookup(state.data, path)
    offer = current if current is not None else qn.default_for(question, base(state, path))
    prompt = f"({path}) [{state.show(offer)}] > " if offer is not None else f"({path}) > "
    while True:
        typed = state.read(prompt).strip()
        if typed in ("?", "？"):
            state.say("  " + state.text(question.help).strip() if question.help else state.t("no_help"))
            continue
        if typed == "":
            if current is None and question.default is None and offer is not None:
                # default_from: leave it unanswered, so validation takes the other answer as it is then
                state.skipped.add(path)
                return
            value = current if current is not None else question.default
        elif typed == "-":
            value = None
        else:
            value = qn.parse_answer(question, typed)
        problems = qn.answer(state.interview, state.data, state.source, path, value)
        if not problems:
            (state.skipped.add if value is None else state.skipped.discard)(path)
            return
        for p in problems:
            state.say_problem(p)


def conflicts(state: InterviewState, path: str) -> list[Problem]:
    """Problems the answer at `path` causes at other answers already given."""
    return [p for p in qn.all_problems(state.interview, state.data, state.source)
            if p.path != path and not p.path.startswith((path + ".", path + "["))
            and lookup(state.data, p.path) is not None]


def base(state: InterviewState, path: str) -> dict:
    """What a `default_from` path is relative to: the list entry for a list item, else the answers."""
    match = re.fullmatch(r"(.*\[\d+\])\.[^\[\]]+", path)
    entry = lookup(state.data, match.group(1)) if match else state.data
    return entry if isinstance(entry, dict) else {}


def ask_yes_no(state: InterviewState, question: str, path: str, default: bool | None) -> bool:
    state.say(question)
    prompt = f"({path}) [{state.show(default)}] > " if default is not None else f"({path}) > "
    while True:
        typed = state.read(prompt).strip()
        if typed == "" and default is not None:
            return default
        value = yes_no(typed)
        if value is not None:
            return value
        state.say(state.t("yn_help"), None if typed in ("?", "？") else "error")


def ask_gate(state: InterviewState, block: Block) -> None:
    present = block_present(block, state.data)
    current = True if present else False if block.id in state.declined else None
    if ask_yes_no(state, f"{state.text(block.optional)} {state.t('yn')}", block.id, current):
        state.declined.discard(block.id)
        if not present:
            state.data[block.id] = {}
    else:
        state.data.pop(block.id, None)
        state.declined.add(block.id)
        state.skipped = {p for p in state.skipped if not p.startswith(block.id + ".")}


def fill(state: InterviewState) -> None:
    """Ask every shown question not answered yet, in interview order: the whole interview the first
    time, what is left after --resume, what a changed answer newly shows after the review."""
    for number, block in enumerate(state.interview.blocks, start=1):
        if block.optional is not None:
            if not block_present(block, state.data) and block.id not in state.declined:
                state.header(number, block)
                ask_gate(state, block)
            if not block_present(block, state.data):
                continue
        for question in block.questions:
            if not is_shown(question, state.data):
                continue
            if question.type == "list":
                fill_list(state, number, block, question)
            elif not answered(state, question.path):
                state.header(number, block)
                ask(state, question, question.path)


def fill_list(state: InterviewState, number: int, block: Block, question: Question) -> None:
    index = 0
    while True:
        entries = lookup(state.data, question.path) or []
        if index < len(entries):
            fill_entry(state, number, block, question, index)
            index += 1
            continue
        if question.path in state.closed:
            return
        if len(entries) >= max(question.min_items, 1 if question.required else 0):
            if question.max_items and len(entries) >= question.max_items:
                state.closed.add(question.path)
                return
            state.header(number, block)
            label = state.text(question.label)
            if not ask_yes_no(state, state.t("add_another" if entries else "add_first", label=label),
                              f"{question.path}[{len(entries)}]", False):
                state.closed.add(question.path)
                return
        if not entries and question.help:  # what a line is, before the first one
            state.header(number, block)
            state.say(state.text(question.help).strip(), "dim")
        fill_entry(state, number, block, question, index)
        index += 1


def fill_entry(state: InterviewState, number: int | None, block: Block | None, question: Question, index: int) -> None:
    announced = False
    for item in question.item:
        path = f"{question.path}[{index}].{item.path}"
        if answered(state, path) or not is_shown(item, state.data):
            continue
        if not announced:
            if block is not None:
                state.header(number, block)
            state.say(state.t("entry", label=state.text(question.label), n=index + 1), "head")
            announced = True
        ask(state, item, path)
