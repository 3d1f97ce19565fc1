"""The review screen: every answer numbered, any one of them asked again, list lines added or removed."""
from __future__ import annotations

import re

from ..core.paths import lookup
from ..answers import questionnaire as qn
from ..answers.validate import block_present, is_shown
from ..interview.definitions import Question
from .ask import ask, ask_gate, base, fill, fill_entry
from .state import InterviewState


def review_items(state: InterviewState) -> list[tuple]:
    """(kind, question or block, path, line) for every answer, in interview order."""
    items: list[tuple] = []
    for block in state.interview.blocks:
        items.append(("title", block, "", state.text(block.title)))
        if block.optional is not None:
            present = block_present(block, state.data)
            items.append(("gate", block, block.id, f"{state.text(block.optional)}: {state.show(present)}"))
            if not present:
                continue
        for question in block.questions:
            if not is_shown(question, state.data):
                continue
            label = state.text(question.label)
            if question.type != "list":
                line = f"{label}: {shown_value(state, question, question.path)}"
                items.append(("question", question, question.path, line))
                continue
            entries = lookup(state.data, question.path) or []
            for index in range(len(entries)):
                for item in question.item:
                    if is_shown(item, state.data):
                        path = f"{question.path}[{index}].{item.path}"
                        items.append(("question", item, path,
                                      f"{label} {index + 1} · {state.text(item.label)}: {shown_value(state, item, path)}"))
            items.append(("list", question, question.path, f"{label}: {state.t('lines', n=len(entries))}"))
    return items


def shown_value(state: InterviewState, question: Question, path: str) -> str:
    value = lookup(state.data, path)
    if value is None:
        inherited = qn.default_for(question, base(state, path)) if question.default_from else None
        if inherited is None:
            return "—"
        return f"{state.show(inherited, width=100)} {state.t('same_as', path=question.default_from)}"
    choice = question.choice(value) if question.choices else None
    return state.text(choice.label) if choice else state.show(value, width=100)


def review(state: InterviewState) -> None:
    while True:
        items = review_items(state)
        numbered = [item for item in items if item[0] != "title"]
        state.say()
        state.say(state.t("review"), "head")
        number = 0
        for kind, _, _, line in items:
            if kind == "title":
                state.say(line, "head")
            else:
                number += 1
                state.say(f"{number:>4}. {line}")
        state.say(state.t("review_prompt"))
        while True:
            typed = state.read("(review) > ").strip()
            if typed == "":
                return
            if typed.isdigit() and 1 <= int(typed) <= len(numbered):
                break
            state.say(state.t("review_bad", n=len(numbered)), "error")
        kind, target, path, _ = numbered[int(typed) - 1]
        state.section = None
        if kind == "gate":
            ask_gate(state, target)
        elif kind == "list":
            change_list(state, target)
        else:
            ask(state, target, path)
        fill(state)  # the questions a changed answer newly shows


def change_list(state: InterviewState, question: Question) -> None:
    entries = lookup(state.data, question.path) or []
    least = max(question.min_items, 1 if question.required else 0)
    state.say(state.t("list_prompt"))
    while True:
        typed = state.read(f"({question.path}) > ").strip()
        if typed == "":
            return
        if typed == "+":
            if question.max_items and len(entries) >= question.max_items:
                state.say(state.t("list_max", n=question.max_items), "error")
                continue
            fill_entry(state, None, None, question, len(entries))
            return
        if typed.isdigit() and 1 <= int(typed) <= len(entries):
            if len(entries) <= least:
                state.say(state.t("list_min", n=least), "error")
                continue
            del entries[int(typed) - 1]
            forget_line(state, question.path, int(typed) - 1)
            state.say(state.t("removed", n=typed))
            return
        state.say(state.t("review_bad", n=len(entries)), "error")


def forget_line(state: InterviewState, list_path: str, removed: int) -> None:
    """Renumber the skipped answers of the lines after a removed one."""
    pattern = re.compile(re.escape(list_path) + r"\[(\d+)\](.*)")
    skipped = set()
    for path in state.skipped:
        match = pattern.fullmatch(path)
        if match and int(match.group(1)) == removed:
            continue
        if match and int(match.group(1)) > removed:
            path = f"{list_path}[{int(match.group(1)) - 1}]{match.group(2)}"
        skipped.add(path)
    state.skipped = skipped
    state.rejected = {path: value for path, value in state.rejected.items() if not pattern.fullmatch(path)}
