"""One exception hierarchy, so the CLI can map every failure to an exit code and a readable message."""
from __future__ import annotations

from dataclasses import dataclass

from .text import Text


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where, what was expected, what was found. `expected` and
    `found` are in both languages (core/messages.py; a value as typed is the same in both), so each
    face prints its own language; str() is the English line the CLI prints."""

    source: str  # file name (or "sheet 'orders' row 7" for a spreadsheet row)
    path: str  # field path, e.g. "payment.deposit_percent"; "" for the file as a whole
    expected: Text
    found: Text

    def __post_init__(self):
        # A bare string here would reach the Chinese interfaces in English: every sentence comes from
        # the catalog (core/messages.py), a value as typed through as_typed().
        if not (isinstance(self.expected, Text) and isinstance(self.found, Text)):
            raise TypeError(f"Problem at {self.path!r}: expected and found must be Text, got "
                            f"{type(self.expected).__name__} and {type(self.found).__name__}")

    def __str__(self) -> str:
        where = f"{self.source}: {self.path}" if self.path else self.source
        return f"{where}: expected {self.expected.en}, found {self.found.en}"


class ContractgenError(Exception):
    """Base class. exit_code is what the CLI returns."""

    exit_code = 1


class InputError(ContractgenError):
    """The user's input cannot be used as it is (exit 2): bad answers, a file that would be overwritten."""

    exit_code = 2

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            self.problems: list[Problem] = []
            message = problems
        else:
            self.problems = [problems] if isinstance(problems, Problem) else list(problems)
            message = "\n".join(str(p) for p in self.problems)
        super().__init__(message)


class ValidationError(InputError):
    """Answers that break the interview's rules."""


class LibraryError(ContractgenError):
    """The clause library, a document definition or an interview definition is broken (exit 1 at build
    time: the buyer cannot fix it, the library's maintainer must)."""


class TemplateError(LibraryError):
    """A clause failed to render: names the clause, the language and the variable."""
