"""The columns an interview implies, the same in the sheet `contractgen batch` reads and the template
`contractgen batch-template` writes (the layout: docs/formats.md, "Order spreadsheets")."""
from __future__ import annotations

from dataclasses import dataclass

from ..interview.definitions import Interview, Question

KEY = "contract.number"
ORDERS_SHEET = "orders"
NOTE_PREFIX = "#"


@dataclass(frozen=True)
class Columns:
    """One column per non-list question; per list question its own sheet (xlsx) or `<list>.<field>`
    columns (csv), one column per item question."""

    order: tuple[Question, ...]
    lists: tuple[Question, ...]

    @classmethod
    def of(cls, interview: Interview) -> "Columns":
        questions = [q for _, q in interview.questions()]
        return cls(tuple(q for q in questions if q.type != "list"), tuple(q for q in questions if q.type == "list"))
