"""The terminal the interview is asked on: its words in EN and ZH, and one line printed or read at a time.

Plain input() and print(), so the interview behaves the same in a terminal, under pexpect and with
answers piped in; in a terminal, readline gives input() line editing (arrow keys, Home, End) and
history (Up brings back an earlier line, such as a refused answer to correct). The history is kept for
the session only: answers such as bank accounts are not written to a history file; --resume is how
answers outlive the session.
"""
from __future__ import annotations

import os
import sys

try:
    import readline  # noqa: F401  (importing it is what turns on line editing for input())
except ImportError:  # a Python built without it (Windows): plain input() still works
    pass

from ..answers import questionnaire as qn
from ..core.errors import Problem
from ..core.text import Text
from ..interview.definitions import Block, Interview

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

_COLOURS = {"head": "1", "error": "31", "ok": "32", "dim": "2"}


class Terminal:
    """Words in one language, and lines in colour when stdout is a terminal (unless NO_COLOR)."""

    def __init__(self, interview: Interview, lang: str):
        self.interview = interview
        self.lang = lang
        self.section = None  # the block whose header was printed last
        self.colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")

    def t(self, key: str, **values) -> str:
        return getattr(UI[key], self.lang).format(**values)

    def text(self, value: Text | None) -> str:
        return getattr(value, self.lang) if value else ""

    def say(self, line: str = "", style: str | None = None) -> None:
        if self.colour and style:
            line = f"\033[{_COLOURS[style]}m{line}\033[0m"
        print(line, flush=True)

    def read(self, prompt: str) -> str:
        """One typed line. Ctrl-C (KeyboardInterrupt) and Ctrl-D (EOFError) go up to interview.run()."""
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
        self.say(self.t("problem", expected=self.text(problem.expected), found=self.text(problem.found)), "error")

    def header(self, number: int, block: Block) -> None:
        if self.section != block.id:
            self.section = block.id
            self.say()
            self.say(self.t("section", n=number, total=len(self.interview.blocks), title=self.text(block.title)),
                     "head")


def prepare_streams() -> None:
    # Bytes that are not valid in the terminal's encoding must not crash input(): keep them as
    # surrogates and ask again; and a terminal that cannot show Chinese gets '?' rather than a crash.
    for stream, errors in ((sys.stdin, "surrogateescape"), (sys.stdout, "replace")):
        try:
            stream.reconfigure(errors=errors)
        except (AttributeError, ValueError):
            pass
