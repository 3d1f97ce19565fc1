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
from ..core.messages import message
from ..core.text import Text
from ..interview.definitions import Block, Interview

# The interview's own words: messages of the one catalog (core/messages.py, translations/).
UI = {
    "intro": message("terminal.intro", "{title}: {n} sections. The answers will be saved to {file}."),
    "keys": message("terminal.keys", "Type ? for help on a question, press Enter to accept the [default], type - to "
                                     "clear an answer. Ctrl-C stops and saves what you have answered so far."),
    "resumed": message("terminal.resumed", "Continuing {file}: {n} answer(s) kept."),
    "reasked": message("terminal.reasked", "These answers in the file do not pass the checks and are asked again:"),
    "section": message("terminal.section", "── Section {n} of {total}: {title} ──"),
    "yn": message("terminal.yn", "(y/n)"),
    "yes": message("terminal.yes", "yes"),
    "no": message("terminal.no", "no"),
    "no_help": message("terminal.no_help", "  No more help for this question."),
    "yn_help": message("terminal.yn_help", "  Answer y (yes) or n (no)."),
    "problem": message("terminal.problem", "  ✗ expected {expected}, found {found}"),
    "file_problem": message("terminal.file_problem", "  ✗ {file}: expected {expected}, found {found}"),
    "conflict": message("terminal.conflict", "  That answer does not fit with an earlier one; change one of them:"),
    "not_text": message("terminal.not_text", "  ✗ that answer has bytes that are not {encoding} text; type it again"),
    "entry": message("terminal.entry", "{label}: line {n}"),
    "add_first": message("terminal.add_first", "Add a line to {label}? (y/n)"),
    "add_another": message("terminal.add_another", "Add another line to {label}? (y/n)"),
    "review": message("terminal.review", "── Review: every answer ──"),
    "review_prompt": message("terminal.review_prompt", "Type the number of an answer to change it, or press Enter to "
                                                       "finish."),
    "review_bad": message("terminal.review_bad", "  ✗ type a number from 1 to {n}, or press Enter"),
    "lines": message("terminal.lines", "{n} line(s): type the number to add or remove a line"),
    "list_prompt": message("terminal.list_prompt", "Type + to add a line, or the number of a line to remove it; Enter "
                                                   "keeps them as they are."),
    "list_max": message("terminal.list_max", "  ✗ at most {n} lines"),
    "list_min": message("terminal.list_min", "  ✗ at least {n} line(s) are needed"),
    "removed": message("terminal.removed", "  Removed line {n}."),
    "same_as": message("terminal.same_as", "(same as {path})"),
    "fix": message("terminal.fix", "Some answers need fixing before saving:"),
    "risk": message("terminal.risk", "── Before you save: the pre-deposit risk summary (as `contractgen check` prints "
                                     "it) ──"),
    "save": message("terminal.save", "Save the answers to {file}? (y = save, n = back to the review)"),
    "other_file": message("terminal.other_file", "Type another file name to save to:"),
    "saved": message("terminal.saved", "Saved the answers to {file}."),
    "next": message("terminal.next", "Next:"),
    "stopped": message("terminal.stopped", "Stopped. Saved the answers given so far ({n}) to {file}."),
    "continue": message("terminal.continue", "Continue with: {command}"),
    "nothing": message("terminal.nothing", "Stopped before any answer; nothing was saved."),
}

_COLOURS = {"head": "1", "error": "31", "ok": "32", "dim": "2"}


class Terminal:
    """Words in one language, and lines in colour when stdout is a terminal (unless NO_COLOR)."""

    def __init__(self, interview: Interview, lang: str):
        self.interview = interview
        self.lang = lang
        self.section = None  # the block whose header was printed last
        self.colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")

    def t(self, key: str, **values) -> str:
        return getattr(UI[key](**values), self.lang)

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
