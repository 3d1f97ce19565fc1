"""Clause selection: which clauses of a document apply to this order, in the definition's order.

A clause is selected when it is listed by the document (by id, or by `topic.*`), applies to the
document, is approved, and its `when` holds for the answers. Each selected clause must pass the
linter's clause checks, and `requires` and `excludes` are then checked over the selection: a breach is a
library fault (exit 1) naming the clause file, or both clauses.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..library.checks import refuse_faulty
from ..library.clauses import ClauseLibrary, LibraryClause
from ..library.definitions import DocumentDefinition, SectionDefinition
from ..core.errors import LibraryError


@dataclass(frozen=True)
class SelectedSection:
    definition: SectionDefinition
    clauses: tuple[LibraryClause, ...]
    tables: tuple[str, ...]  # the tables drawn after the section's clauses, in the definition's order


def listed_clauses(item: str, library: ClauseLibrary, document: str) -> list[LibraryClause]:
    """The clauses one definition item names that could apply to `document`, whatever the answers."""
    if item.endswith(".*"):
        candidates = library.topic(item[:-2])
    else:
        candidates = [library.get(item)]
    return [c for c in candidates if document in c.applies_to and c.status == "approved"]


def select(definition: DocumentDefinition, library: ClauseLibrary, context: dict) -> list[SelectedSection]:
    sections: list[SelectedSection] = []
    for section in definition.sections:
        chosen: list[LibraryClause] = []
        tables: list[str] = []
        for item in section.items:
            if item.startswith("table:"):
                tables.append(item.removeprefix("table:"))
                continue
            chosen.extend(c for c in listed_clauses(item, library, definition.id)
                          if (c.when is None or c.when.evaluate(context)) and c not in chosen)
        if chosen or tables:
            sections.append(SelectedSection(section, tuple(chosen), tuple(tables)))
    selected = [c for s in sections for c in s.clauses]
    refuse_faulty(selected, library)
    _check_relations(definition, selected)
    return sections


def _check_relations(definition: DocumentDefinition, selected: list[LibraryClause]) -> None:
    ids = {c.id for c in selected}
    faults = []
    for clause in selected:
        faults += [f"{clause.id} requires {other}, which is not selected for this order"
                   for other in clause.requires if other not in ids]
        faults += [f"{clause.id} excludes {other}, but both are selected for this order"
                   for other in clause.excludes if other in ids]
    if faults:
        raise LibraryError(f"{definition.file}: the clause selection is inconsistent (a library fault; "
                           "check the clauses' when/requires/excludes):\n  " + "\n  ".join(faults))
