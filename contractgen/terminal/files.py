"""The answers file: saved when the interview is done, saved partial when it stops, read back by --resume."""
from __future__ import annotations

import copy
import re
from pathlib import Path

from ..answers import questionnaire as qn
from ..answers.validate import is_shown
from ..answers.coerce import LIST_OF_ENTRIES, MAPPING, describe
from ..answers.validate import SECTION_OR_NOTHING
from ..core.errors import InputError, Problem
from ..core.paths import has_path, lookup
from ..core.output import atomic_write, write_files
from ..core.yamlio import load_yaml_file
from ..interview.definitions import Question
from ..library.definitions import available_documents, documents_for
from .state import InterviewState


def final_data(state: InterviewState) -> dict:
    return _drop_empty(qn.without_hidden(state.interview, state.data))


def save(state: InterviewState, final: dict) -> int:
    data = qn.answers_yaml(final, state.interview).encode("utf-8")
    target = state.output
    while True:
        try:
            write_files({target: data}, state.force or same_file(target, state.resume))
            break
        except InputError as exc:
            for problem in exc.problems:
                state.say(state.t("file_problem", file=problem.source, expected=state.text(problem.expected),
                                  found=state.text(problem.found)), "error")
            state.say(state.t("other_file"))
            typed = state.read("(file) > ").strip()
            if typed:
                target = Path(typed)
    state.say(state.t("saved", file=target), "ok")
    state.say(state.t("next"))
    docs = documents_for(state.interview.id)
    option = "" if docs == ("sales_contract",) else " --docs " + ("all" if docs == tuple(available_documents())
                                                                   else ",".join(docs))
    lang = " --lang zh" if state.lang == "zh" else ""
    state.say(f"  contractgen check {_arg(target)}{option}{lang}")
    state.say(f"  contractgen build {_arg(target)}{option} -o out/")
    return 0


def save_partial(state: InterviewState) -> None:
    partial = partial_data(state)
    count = answer_count(state)
    if not partial:
        state.say(state.t("nothing"))
        return
    command = f"contractgen interview {state.interview.id} --resume {_arg(state.output)}"
    if state.lang == "zh":
        command += " --lang zh"
    body = qn.answers_yaml(partial, state.interview)
    body = body.split("\n", 1)[1] if body.startswith("#") else body  # its header says "build with"
    text = f"# Partial answers for contractgen ({state.interview.id}); continue with: {command}\n" + body
    atomic_write(state.output, text.encode("utf-8"))
    state.say(state.t("stopped", n=count, file=state.output), "ok")
    state.say(state.t("continue", command=command))


def partial_data(state: InterviewState) -> dict:
    """The answers so far, plus null for each question asked and left empty and each optional block
    answered "no", so --resume knows they were asked."""
    partial = copy.deepcopy(state.data)
    for path in sorted(state.skipped):
        if lookup(partial, path) is None and not any(path.startswith(b + ".") for b in state.declined):
            qn.set_answer(partial, path, 0)
            parent, _, key = path.rpartition(".")
            (lookup(partial, parent) if parent else partial)[key] = None
    for block in state.declined:
        partial[block] = None
    for path, value in state.rejected.items():  # a stop before they are answered again must not lose them
        if lookup(partial, path) is None and path not in state.skipped:
            qn.set_answer(partial, path, value)
    return partial


def answer_count(state: InterviewState) -> int:
    total = 0
    for _, question in state.interview.questions():
        if question.type == "list":
            for index, _ in enumerate(lookup(state.data, question.path) or []):
                total += sum(lookup(state.data, f"{question.path}[{index}].{item.path}") is not None
                             for item in question.item)
        elif lookup(state.data, question.path) is not None:
            total += 1
    return total


def load_answers_file(state: InterviewState, path: Path) -> list[Problem]:
    """Take the answers of a (partial) answers file, each checked again as if typed; return the
    problems of those that fail (they are left unanswered, so they are asked again)."""
    raw = load_yaml_file(path)
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise InputError(Problem(str(path), "", MAPPING(), describe(raw)))
    state.data = copy.deepcopy(raw)  # fields this interview does not ask are kept as they are
    problems: list[Problem] = []
    order = list(state.interview.questions())
    for block in state.interview.blocks:
        if block.optional is not None:
            if block.id not in raw:
                continue  # not asked yet
            if raw[block.id] is None:
                state.declined.add(block.id)
                state.data.pop(block.id)
                continue
            if not isinstance(raw[block.id], dict):
                problems.append(Problem(str(path), block.id, SECTION_OR_NOTHING(), describe(raw[block.id])))
                state.data.pop(block.id)
                continue
        for question in block.questions:
            if not has_path(raw, question.path) or not is_shown(question, state.data):
                continue  # an answer to a hidden question stays as found; saving drops it if still hidden
            if question.type == "list":
                later = order[order.index((block, question)) + 1:]
                if any(has_path(raw, q.path) or (b.optional is not None and b.id in raw) for b, q in later):
                    state.closed.add(question.path)  # the user had gone past the list
                problems += restore_list(state, question, lookup(raw, question.path), str(path))
            else:
                problems += restore(state, question, question.path, lookup(raw, question.path))
    return problems


def restore_list(state: InterviewState, question: Question, entries, source: str) -> list[Problem]:
    if not isinstance(entries, list):
        qn.set_answer(state.data, question.path, None)
        return [] if entries is None else [Problem(source, question.path, LIST_OF_ENTRIES(), describe(entries))]
    entries = [entry for entry in entries if isinstance(entry, dict)]
    asked = {item.path.split(".")[0] for item in question.item}
    qn.set_answer(state.data, question.path, [{k: v for k, v in e.items() if k not in asked} for e in entries])
    problems: list[Problem] = []
    for index, entry in enumerate(entries):
        for item in question.item:
            if has_path(entry, item.path):
                problems += restore(state, item, f"{question.path}[{index}].{item.path}", lookup(entry, item.path))
    return problems


def restore(state: InterviewState, question: Question, path: str, value) -> list[Problem]:
    qn.set_answer(state.data, path, None)
    if value is None:
        state.skipped.add(path)
        return []
    problems = qn.answer(state.interview, state.data, str(state.resume), path, value)
    if problems:
        state.rejected[path] = value
    return problems


def _drop_empty(value):
    """Mappings left empty by removed answers go too (`supplier: {contact: {}}`)."""
    if isinstance(value, dict):
        out = {k: _drop_empty(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v != {}}
    if isinstance(value, list):
        return [_drop_empty(v) for v in value]
    return value


def same_file(a: Path, b: Path | None) -> bool:
    return b is not None and a.resolve() == b.resolve()


def _arg(path: Path) -> str:
    text = str(path)
    return text if re.fullmatch(r"[\w./-]+", text) else "'" + text.replace("'", "'\\''") + "'"
