"""`contractgen interview`: the interview in a terminal, one line-based question at a time.

Every rule comes from questionnaire.py, which the web interview shares: an answer accepted here is
one `contractgen build` accepts. This module only asks, shows and saves. It uses plain input() and
print(), so it behaves the same in a terminal, under pexpect and with answers piped in; in a terminal,
readline gives input() line editing (arrow keys, Home, End) and history (Up brings back an earlier line,
such as a refused answer to correct). The history is kept for the session only: answers such as bank
accounts are not written to a history file; --resume is how answers outlive the session.
"""
from __future__ import annotations

import copy
import os
import re
import sys
from pathlib import Path

try:
    import readline  # noqa: F401  (importing it is what turns on line editing for input())
except ImportError:  # a Python built without it (Windows): plain input() still works
    pass

from ..answers import questionnaire as qn
from ..core.errors import InputError, Problem
from ..core.paths import has_path, lookup
from ..interview.definitions import Block, Interview, Question, load_interview
from ..core.text import Text
from ..core.output import atomic_write, write_files
from ..answers.messages_zh import expected_zh, found_zh
from ..answers.coerce import describe, yes_no
from ..answers.validate import examine
from ..core.yamlio import load_yaml_file

# The interview's own words, EN and ZH side by side. They are program messages, not captions printed
# in documents, so they live here beside the code that formats them instead of in translations/ (the
# gettext catalog of document labels, which its translators and the .pot test own).
UI = {
    "intro": Text("{title}: {n} sections. The answers will be saved to {file}.",
                  "{title}：共{n}部分。答案将保存到{file}。"),
    "keys": Text("Type ? for help on a question, press Enter to accept the [default], type - to clear an answer. "
                 "Ctrl-C stops and saves what you have answered so far.",
                 "输入 ? 查看说明；直接回车接受方括号中的默认值；输入 - 清除答案。按 Ctrl-C 可随时中止，已填写的答案会被保存。"),
    "resumed": Text("Continuing {file}: {n} answer(s) kept.", "继续填写{file}：保留已有答案{n}个。"),
    "reasked": Text("These answers in the file do not pass the checks and are asked again:",
                    "文件中以下答案未通过检查，需要重新填写："),
    "section": Text("── Section {n} of {total}: {title} ──", "── 第{n}部分（共{total}部分）：{title} ──"),
    "yn": Text("(y/n)", "（是/否，y/n）"),
    "yes": Text("yes", "是"),
    "no": Text("no", "否"),
    "no_help": Text("  No more help for this question.", "  此问题没有更多说明。"),
    "yn_help": Text("  Answer y (yes) or n (no).", "  请回答 y（是）或 n（否）。"),
    "problem": Text("  ✗ expected {expected}, found {found}", "  ✗ 应为：{expected}；实际为：{found}"),
    "conflict": Text("  That answer does not fit with an earlier one; change one of them:",
                     "  该答案与之前的一个答案不一致，请修改其中之一："),
    "not_text": Text("  ✗ that answer has bytes that are not {encoding} text; type it again",
                     "  ✗ 输入中含有不是{encoding}编码文字的字节，请重新输入"),
    "entry": Text("{label}: line {n}", "{label}：第{n}项"),
    "add_first": Text("Add a line to {label}? (y/n)", "是否添加一项{label}？（是/否，y/n）"),
    "add_another": Text("Add another line to {label}? (y/n)", "是否再添加一项{label}？（是/否，y/n）"),
    "review": Text("── Review: every answer ──", "── 核对全部答案 ──"),
    "review_prompt": Text("Type the number of an answer to change it, or press Enter to finish.",
                          "输入编号修改对应答案；直接回车完成。"),
    "review_bad": Text("  ✗ type a number from 1 to {n}, or press Enter", "  ✗ 请输入1至{n}之间的编号，或直接回车"),
    "lines": Text("{n} line(s): type the number to add or remove a line", "共{n}项：输入编号以添加或删除"),
    "list_prompt": Text("Type + to add a line, or the number of a line to remove it; Enter keeps them as they are.",
                        "输入 + 添加一项，输入编号删除该项；直接回车保持不变。"),
    "list_max": Text("  ✗ at most {n} lines", "  ✗ 最多{n}项"),
    "list_min": Text("  ✗ at least {n} line(s) are needed", "  ✗ 至少需要{n}项"),
    "removed": Text("  Removed line {n}.", "  已删除第{n}项。"),
    "same_as": Text("(same as {path})", "（同{path}）"),
    "fix": Text("Some answers need fixing before saving:", "保存前需要修改以下答案："),
    "risk": Text("── Before you save: the pre-deposit risk summary (as `contractgen check` prints it) ──",
                 "── 保存前：付款前风险提示（与 contractgen check 相同）──"),
    "save": Text("Save the answers to {file}? (y = save, n = back to the review)",
                 "是否将答案保存到{file}？（y = 保存，n = 返回核对）"),
    "other_file": Text("Type another file name to save to:", "请输入另一个保存文件名："),
    "saved": Text("Saved the answers to {file}.", "答案已保存到{file}。"),
    "next": Text("Next:", "下一步："),
    "stopped": Text("Stopped. Saved the answers given so far ({n}) to {file}.",
                    "已中止。已将目前填写的{n}个答案保存到{file}。"),
    "continue": Text("Continue with: {command}", "继续填写：{command}"),
    "nothing": Text("Stopped before any answer; nothing was saved.", "尚未填写任何答案即已中止，未保存文件。"),
}

_COLOURS = {"head": "1", "error": "31", "ok": "32", "dim": "2"}


class TerminalInterview:
    def __init__(self, interview: Interview, lang: str, output: Path, resume: Path | None, force: bool):
        self.interview = interview
        self.lang = lang
        self.output = output
        self.resume = resume
        self.force = force
        self.source = str(output)
        self.data: dict = {}
        self.skipped: set[str] = set()  # asked and left empty: null in a partial file, so --resume skips them
        self.declined: set[str] = set()  # optional blocks answered "no"
        self.closed: set[str] = set()  # lists the user has finished adding lines to
        self.rejected: dict = {}  # answers of the --resume file that failed the checks, until answered again
        self.section = None
        self.colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")

    # -- words and lines ---------------------------------------------------------------------------

    def t(self, key: str, **values) -> str:
        return getattr(UI[key], self.lang).format(**values)

    def text(self, value: Text | None) -> str:
        return getattr(value, self.lang) if value else ""

    def say(self, line: str = "", style: str | None = None) -> None:
        if self.colour and style:
            line = f"\033[{_COLOURS[style]}m{line}\033[0m"
        print(line, flush=True)

    def read(self, prompt: str) -> str:
        """One typed line. Ctrl-C (KeyboardInterrupt) and Ctrl-D (EOFError) go up to run()."""
        while True:
            line = input(prompt)
            if not any("\udc80" <= c <= "\udcff" for c in line):  # surrogateescape's stand-ins for bad bytes
                return line
            self.say(self.t("not_text", encoding=sys.stdin.encoding or "UTF-8"), "error")

    def show(self, value, width: int = 60) -> str:
        """An answer as the user would type it, on one line."""
        if isinstance(value, bool):
            text = self.t("yes" if value else "no")
        else:
            text = qn.display(value).replace("\r", "").replace("\n", " ⏎ ")
        return text if len(text) <= width else text[:width - 1] + "…"

    def say_problem(self, problem: Problem) -> None:
        if self.lang == "zh":
            expected, found = expected_zh(problem, self.interview), found_zh(problem.found)
        else:
            expected, found = problem.expected, problem.found
        self.say(self.t("problem", expected=expected, found=found), "error")

    def header(self, number: int, block: Block) -> None:
        if self.section != block.id:
            self.section = block.id
            self.say()
            self.say(self.t("section", n=number, total=len(self.interview.blocks), title=self.text(block.title)),
                     "head")

    # -- asking ------------------------------------------------------------------------------------

    def answered(self, path: str) -> bool:
        return lookup(self.data, path) is not None or path in self.skipped

    def ask(self, question: Question, path: str, problem: Problem | None = None) -> None:
        """Ask one question; then ask again any earlier answer the new one contradicts (a cross-field
        check reported on that earlier question's path)."""
        pending = [(question, path, problem)]
        while pending:
            question, path, problem = pending.pop(0)
            self.ask_one(question, path, problem)
            for other in self.conflicts(path):
                other_question = qn.question_at(self.interview, other.path)
                if other_question and qn.is_shown(other_question, self.data) \
                        and other.path not in {p for _, p, _ in pending}:
                    self.say(self.t("conflict"), "error")
                    pending.append((other_question, other.path, other))

    def ask_one(self, question: Question, path: str, problem: Problem | None) -> None:
        label = self.text(question.label)
        self.say(f"{label} {self.t('yn')}" if question.type == "boolean" else label)
        for number, choice in enumerate(question.choices, start=1):
            words, value = self.text(choice.label), str(choice.value)
            self.say(f"  {number}) " + (words if words == value or words.startswith(value + " ") else f"{value} — {words}"))
        if problem:
            self.say_problem(problem)
        current = lookup(self.data, path)
        offer = current if current is not None else qn.default_for(question, self.base(path))
        prompt = f"({path}) [{self.show(offer)}] > " if offer is not None else f"({path}) > "
        while True:
            typed = self.read(prompt).strip()
            if typed in ("?", "？"):
                self.say("  " + self.text(question.help).strip() if question.help else self.t("no_help"))
                continue
            if typed == "":
                if current is None and question.default is None and offer is not None:
                    # default_from: leave it unanswered, so validation takes the other answer as it is then
                    self.skipped.add(path)
                    return
                value = current if current is not None else question.default
            elif typed == "-":
                value = None
            else:
                value = qn.parse_answer(question, typed)
            problems = qn.answer(self.interview, self.data, self.source, path, value)
            if not problems:
                (self.skipped.add if value is None else self.skipped.discard)(path)
                return
            for p in problems:
                self.say_problem(p)

    def conflicts(self, path: str) -> list[Problem]:
        """Problems the answer at `path` causes at other answers already given."""
        return [p for p in qn.all_problems(self.interview, self.data, self.source)
                if p.path != path and not p.path.startswith((path + ".", path + "["))
                and lookup(self.data, p.path) is not None]

    def base(self, path: str) -> dict:
        """What a `default_from` path is relative to: the list entry for a list item, else the answers."""
        match = re.fullmatch(r"(.*\[\d+\])\.[^\[\]]+", path)
        entry = lookup(self.data, match.group(1)) if match else self.data
        return entry if isinstance(entry, dict) else {}

    def ask_yes_no(self, question: str, path: str, default: bool | None) -> bool:
        self.say(question)
        prompt = f"({path}) [{self.show(default)}] > " if default is not None else f"({path}) > "
        while True:
            typed = self.read(prompt).strip()
            if typed == "" and default is not None:
                return default
            value = yes_no(typed)
            if value is not None:
                return value
            self.say(self.t("yn_help"), None if typed in ("?", "？") else "error")

    def ask_gate(self, block: Block) -> None:
        present = qn.block_present(block, self.data)
        current = True if present else False if block.id in self.declined else None
        if self.ask_yes_no(f"{self.text(block.optional)} {self.t('yn')}", block.id, current):
            self.declined.discard(block.id)
            if not present:
                self.data[block.id] = {}
        else:
            self.data.pop(block.id, None)
            self.declined.add(block.id)
            self.skipped = {p for p in self.skipped if not p.startswith(block.id + ".")}

    def fill(self) -> None:
        """Ask every shown question not answered yet, in interview order: the whole interview the first
        time, what is left after --resume, what a changed answer newly shows after the review."""
        for number, block in enumerate(self.interview.blocks, start=1):
            if block.optional is not None:
                if not qn.block_present(block, self.data) and block.id not in self.declined:
                    self.header(number, block)
                    self.ask_gate(block)
                if not qn.block_present(block, self.data):
                    continue
            for question in block.questions:
                if not qn.is_shown(question, self.data):
                    continue
                if question.type == "list":
                    self.fill_list(number, block, question)
                elif not self.answered(question.path):
                    self.header(number, block)
                    self.ask(question, question.path)

    def fill_list(self, number: int, block: Block, question: Question) -> None:
        index = 0
        while True:
            entries = lookup(self.data, question.path) or []
            if index < len(entries):
                self.fill_entry(number, block, question, index)
                index += 1
                continue
            if question.path in self.closed:
                return
            if len(entries) >= max(question.min_items, 1 if question.required else 0):
                if question.max_items and len(entries) >= question.max_items:
                    self.closed.add(question.path)
                    return
                self.header(number, block)
                label = self.text(question.label)
                if not self.ask_yes_no(self.t("add_another" if entries else "add_first", label=label),
                                       f"{question.path}[{len(entries)}]", False):
                    self.closed.add(question.path)
                    return
            if not entries and question.help:  # what a line is, before the first one
                self.header(number, block)
                self.say(self.text(question.help).strip(), "dim")
            self.fill_entry(number, block, question, index)
            index += 1

    def fill_entry(self, number: int | None, block: Block | None, question: Question, index: int) -> None:
        announced = False
        for item in question.item:
            path = f"{question.path}[{index}].{item.path}"
            if self.answered(path) or not qn.is_shown(item, self.data):
                continue
            if not announced:
                if block is not None:
                    self.header(number, block)
                self.say(self.t("entry", label=self.text(question.label), n=index + 1), "head")
                announced = True
            self.ask(item, path)

    # -- the review --------------------------------------------------------------------------------

    def review_items(self) -> list[tuple]:
        """(kind, question or block, path, line) for every answer, in interview order."""
        items: list[tuple] = []
        for block in self.interview.blocks:
            items.append(("title", block, "", self.text(block.title)))
            if block.optional is not None:
                present = qn.block_present(block, self.data)
                items.append(("gate", block, block.id, f"{self.text(block.optional)}: {self.show(present)}"))
                if not present:
                    continue
            for question in block.questions:
                if not qn.is_shown(question, self.data):
                    continue
                label = self.text(question.label)
                if question.type != "list":
                    items.append(("question", question, question.path, f"{label}: {self.value(question, question.path)}"))
                    continue
                entries = lookup(self.data, question.path) or []
                for index in range(len(entries)):
                    for item in question.item:
                        if qn.is_shown(item, self.data):
                            path = f"{question.path}[{index}].{item.path}"
                            items.append(("question", item, path,
                                          f"{label} {index + 1} · {self.text(item.label)}: {self.value(item, path)}"))
                items.append(("list", question, question.path, f"{label}: {self.t('lines', n=len(entries))}"))
        return items

    def value(self, question: Question, path: str) -> str:
        value = lookup(self.data, path)
        if value is None:
            inherited = qn.default_for(question, self.base(path)) if question.default_from else None
            if inherited is None:
                return "—"
            return f"{self.show(inherited, width=100)} {self.t('same_as', path=question.default_from)}"
        choice = question.choice(value) if question.choices else None
        return self.text(choice.label) if choice else self.show(value, width=100)

    def review(self) -> None:
        while True:
            items = self.review_items()
            numbered = [item for item in items if item[0] != "title"]
            self.say()
            self.say(self.t("review"), "head")
            number = 0
            for kind, _, _, line in items:
                if kind == "title":
                    self.say(line, "head")
                else:
                    number += 1
                    self.say(f"{number:>4}. {line}")
            self.say(self.t("review_prompt"))
            while True:
                typed = self.read("(review) > ").strip()
                if typed == "":
                    return
                if typed.isdigit() and 1 <= int(typed) <= len(numbered):
                    break
                self.say(self.t("review_bad", n=len(numbered)), "error")
            kind, target, path, _ = numbered[int(typed) - 1]
            self.section = None
            if kind == "gate":
                self.ask_gate(target)
            elif kind == "list":
                self.change_list(target)
            else:
                self.ask(target, path)
            self.fill()  # the questions a changed answer newly shows

    def change_list(self, question: Question) -> None:
        entries = lookup(self.data, question.path) or []
        least = max(question.min_items, 1 if question.required else 0)
        self.say(self.t("list_prompt"))
        while True:
            typed = self.read(f"({question.path}) > ").strip()
            if typed == "":
                return
            if typed == "+":
                if question.max_items and len(entries) >= question.max_items:
                    self.say(self.t("list_max", n=question.max_items), "error")
                    continue
                self.fill_entry(None, None, question, len(entries))
                return
            if typed.isdigit() and 1 <= int(typed) <= len(entries):
                if len(entries) <= least:
                    self.say(self.t("list_min", n=least), "error")
                    continue
                del entries[int(typed) - 1]
                self.forget_line(question.path, int(typed) - 1)
                self.say(self.t("removed", n=typed))
                return
            self.say(self.t("review_bad", n=len(entries)), "error")

    def forget_line(self, list_path: str, removed: int) -> None:
        """Renumber the skipped answers of the lines after a removed one."""
        pattern = re.compile(re.escape(list_path) + r"\[(\d+)\](.*)")
        skipped = set()
        for path in self.skipped:
            match = pattern.fullmatch(path)
            if match and int(match.group(1)) == removed:
                continue
            if match and int(match.group(1)) > removed:
                path = f"{list_path}[{int(match.group(1)) - 1}]{match.group(2)}"
            skipped.add(path)
        self.skipped = skipped
        self.rejected = {path: value for path, value in self.rejected.items() if not pattern.fullmatch(path)}

    # -- finishing ---------------------------------------------------------------------------------

    def final_data(self) -> dict:
        return _drop_empty(qn.without_hidden(self.interview, self.data))

    def finish(self) -> int:
        from ..risk.assess import assess
        from ..risk.summary import summary_text

        while True:
            self.review()
            final = self.final_data()
            problems = qn.all_problems(self.interview, final, self.source)
            if problems:
                self.say()
                self.say(self.t("fix"), "error")
                for problem in problems:
                    self.say(f"  {problem.path}:", "error")
                    self.say_problem(problem)
                for problem in problems:
                    question = qn.question_at(self.interview, problem.path)
                    if question is not None and question.type != "list" and qn.is_shown(question, self.data):
                        self.say()
                        self.ask(question, problem.path, problem)
                self.fill()
                continue
            coerced, _ = examine(final, self.interview, self.source)
            self.say()
            self.say(self.t("risk"), "head")
            self.say(summary_text(assess(coerced, self.interview), str(self.output), documents_for(self.interview.id),
                                  self.lang))
            self.say()
            if self.ask_yes_no(self.t("save", file=self.output), "save", True):
                return self.save(final)

    def save(self, final: dict) -> int:
        data = qn.answers_yaml(final, self.interview).encode("utf-8")
        target = self.output
        while True:
            try:
                write_files({target: data}, self.force or _same_file(target, self.resume))
                break
            except InputError as exc:
                for problem in exc.problems:
                    self.say(f"  ✗ {problem}", "error")
                self.say(self.t("other_file"))
                typed = self.read("(file) > ").strip()
                if typed:
                    target = Path(typed)
        self.say(self.t("saved", file=target), "ok")
        self.say(self.t("next"))
        docs = documents_for(self.interview.id)
        option = "" if docs == ["sales_contract"] else " --docs " + ("all" if self.interview.id == "order_set"
                                                                      else " ".join(docs))
        lang = " --lang zh" if self.lang == "zh" else ""
        self.say(f"  contractgen check {_arg(target)}{option}{lang}")
        self.say(f"  contractgen build {_arg(target)}{option} -o out/")
        return 0

    def save_partial(self) -> None:
        partial = self.partial_data()
        count = self.count()
        if not partial:
            self.say(self.t("nothing"))
            return
        command = f"contractgen interview {self.interview.id} --resume {_arg(self.output)}"
        if self.lang == "zh":
            command += " --lang zh"
        body = qn.answers_yaml(partial, self.interview)
        body = body.split("\n", 1)[1] if body.startswith("#") else body  # its header says "build with"
        text = f"# Partial answers for contractgen ({self.interview.id}); continue with: {command}\n" + body
        atomic_write(self.output, text.encode("utf-8"))
        self.say(self.t("stopped", n=count, file=self.output), "ok")
        self.say(self.t("continue", command=command))

    def partial_data(self) -> dict:
        """The answers so far, plus null for each question asked and left empty and each optional block
        answered "no", so --resume knows they were asked."""
        partial = copy.deepcopy(self.data)
        for path in sorted(self.skipped):
            if lookup(partial, path) is None and not any(path.startswith(b + ".") for b in self.declined):
                qn.set_answer(partial, path, 0)
                parent, _, key = path.rpartition(".")
                (lookup(partial, parent) if parent else partial)[key] = None
        for block in self.declined:
            partial[block] = None
        for path, value in self.rejected.items():  # a stop before they are answered again must not lose them
            if lookup(partial, path) is None and path not in self.skipped:
                qn.set_answer(partial, path, value)
        return partial

    def count(self) -> int:
        total = 0
        for _, question in self.interview.questions():
            if question.type == "list":
                for index, _ in enumerate(lookup(self.data, question.path) or []):
                    total += sum(lookup(self.data, f"{question.path}[{index}].{item.path}") is not None
                                 for item in question.item)
            elif lookup(self.data, question.path) is not None:
                total += 1
        return total

    # -- resuming ----------------------------------------------------------------------------------

    def load(self, path: Path) -> list[Problem]:
        """Take the answers of a (partial) answers file, each checked again as if typed; return the
        problems of those that fail (they are left unanswered, so they are asked again)."""
        raw = load_yaml_file(path)
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise InputError(Problem(str(path), "", "a mapping of answers", describe(raw)))
        self.data = copy.deepcopy(raw)  # fields this interview does not ask are kept as they are
        problems: list[Problem] = []
        order = list(self.interview.questions())
        for block in self.interview.blocks:
            if block.optional is not None:
                if block.id not in raw:
                    continue  # not asked yet
                if raw[block.id] is None:
                    self.declined.add(block.id)
                    self.data.pop(block.id)
                    continue
                if not isinstance(raw[block.id], dict):
                    problems.append(Problem(str(path), block.id, "a mapping of answers, or nothing",
                                            describe(raw[block.id])))
                    self.data.pop(block.id)
                    continue
            for question in block.questions:
                if not has_path(raw, question.path) or not qn.is_shown(question, self.data):
                    continue  # an answer to a hidden question stays as found; saving drops it if still hidden
                if question.type == "list":
                    later = order[order.index((block, question)) + 1:]
                    if any(has_path(raw, q.path) or (b.optional is not None and b.id in raw) for b, q in later):
                        self.closed.add(question.path)  # the user had gone past the list
                    problems += self.restore_list(question, lookup(raw, question.path), str(path))
                else:
                    problems += self.restore(question, question.path, lookup(raw, question.path))
        return problems

    def restore_list(self, question: Question, entries, source: str) -> list[Problem]:
        if not isinstance(entries, list):
            qn.set_answer(self.data, question.path, None)
            return [] if entries is None else [Problem(source, question.path, "a list of entries", describe(entries))]
        entries = [entry for entry in entries if isinstance(entry, dict)]
        asked = {item.path.split(".")[0] for item in question.item}
        qn.set_answer(self.data, question.path, [{k: v for k, v in e.items() if k not in asked} for e in entries])
        problems: list[Problem] = []
        for index, entry in enumerate(entries):
            for item in question.item:
                if has_path(entry, item.path):
                    problems += self.restore(item, f"{question.path}[{index}].{item.path}", lookup(entry, item.path))
        return problems

    def restore(self, question: Question, path: str, value) -> list[Problem]:
        qn.set_answer(self.data, path, None)
        if value is None:
            self.skipped.add(path)
            return []
        problems = qn.answer(self.interview, self.data, str(self.resume), path, value)
        if problems:
            self.rejected[path] = value
        return problems

    def run(self) -> int:
        if self.resume:
            problems = self.load(self.resume)
        self.say(self.t("intro", title=self.text(self.interview.title), n=len(self.interview.blocks),
                        file=self.output), "head")
        self.say(self.t("keys"))
        if self.resume:
            self.say(self.t("resumed", file=self.resume, n=self.count()))
            if problems:
                self.say(self.t("reasked"), "error")
                for problem in problems:
                    self.say(f"  {problem.path}:", "error")
                    self.say_problem(problem)
        try:
            self.fill()
            return self.finish()
        except KeyboardInterrupt:
            self.say()
            self.save_partial()
            return 130
        except EOFError:  # Ctrl-D, or piped answers that ran out: keep them, but the interview is not done
            self.say()
            self.save_partial()
            return 2


def _drop_empty(value):
    """Mappings left empty by removed answers go too (`supplier: {contact: {}}`)."""
    if isinstance(value, dict):
        out = {k: _drop_empty(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v != {}}
    if isinstance(value, list):
        return [_drop_empty(v) for v in value]
    return value


def _same_file(a: Path, b: Path | None) -> bool:
    return b is not None and a.resolve() == b.resolve()


def _arg(path: Path) -> str:
    text = str(path)
    return text if re.fullmatch(r"[\w./-]+", text) else "'" + text.replace("'", "'\\''") + "'"


def documents_for(interview_id: str) -> list[str]:
    """The documents an interview's answers build (all of them for order_set)."""
    from ..library.definitions import available_documents, load_definition

    documents = available_documents()
    if interview_id == "order_set":
        return documents
    return [d for d in documents if load_definition(d).interview == interview_id] or [interview_id]


def _prepare_streams() -> None:
    # Bytes that are not valid in the terminal's encoding must not crash input(): keep them as
    # surrogates and ask again; and a terminal that cannot show Chinese gets '?' rather than a crash.
    for stream, errors in ((sys.stdin, "surrogateescape"), (sys.stdout, "replace")):
        try:
            stream.reconfigure(errors=errors)
        except (AttributeError, ValueError):
            pass


def run_interview(name: str, output: str | None, resume: str | None, lang: str, force: bool) -> int:
    """`contractgen interview`: 0 saved, 130 stopped by Ctrl-C and 2 by the end of the input (the
    partial answers saved either way), 2 for an output that would replace another file."""
    interview = load_interview(name)
    resume_path = Path(resume) if resume else None
    target = Path(output) if output else resume_path or Path("order.yaml")
    if target.exists() and not force and not _same_file(target, resume_path):
        raise InputError(Problem(str(target), "", "no existing file (continue it with --resume, replace it with "
                                                  "--force, or choose another with -o)", "a file already there"))
    _prepare_streams()
    return TerminalInterview(interview, lang, target, resume_path, force).run()
