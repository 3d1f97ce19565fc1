"""The interview in progress: the answers so far, and what was asked without an answer being kept."""
from __future__ import annotations

from pathlib import Path

from ..interview.definitions import Interview
from .prompt import Terminal


class InterviewState(Terminal):
    def __init__(self, interview: Interview, lang: str, output: Path, resume: Path | None, force: bool):
        super().__init__(interview, lang)
        self.output = output
        self.resume = resume
        self.force = force
        self.source = str(output)
        self.data: dict = {}
        self.skipped: set[str] = set()  # asked and left empty: null in a partial file, so --resume skips them
        self.declined: set[str] = set()  # optional blocks answered "no"
        self.closed: set[str] = set()  # lists the user has finished adding lines to
        self.rejected: dict = {}  # answers of the --resume file that failed the checks, until answered again
