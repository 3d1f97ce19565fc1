"""`contractgen clauses lint`: everything a lawyer can get wrong in the library, caught before a buyer
sees it. Each problem is one line naming the file and the clause id."""
from __future__ import annotations

from pathlib import Path

from .documents.assembly import TABLES
from .library.checks import clause_problems
from .library.clauses import ClauseLibrary, LintProblem, read_library
from .library.definitions import available_documents, load_definition
from .core.errors import ContractgenError
from .facts.reference import reference_problems
from .risk.rules import read_rules


def lint_definitions(library: ClauseLibrary) -> list[LintProblem]:
    problems: list[LintProblem] = []
    listed: dict[str, set[str]] = {}
    for name in available_documents():
        try:
            definition = load_definition(name)
        except ContractgenError as exc:
            problems.append(LintProblem(f"templates/{name}.yaml", "", str(exc)))
            continue
        for section in definition.sections:
            for item in section.items:
                if item.startswith("table:"):
                    if item.removeprefix("table:") not in TABLES:
                        problems.append(LintProblem(definition.file, "", f"unknown table {item!r}"))
                    continue
                if item.endswith(".*"):
                    clauses = [c for c in library.topic(item[:-2]) if name in c.applies_to]
                    if not clauses:
                        problems.append(LintProblem(definition.file, item, f"no clause of topic {item[:-2]} "
                                                                           f"applies to {name}"))
                elif item not in library.clauses:
                    problems.append(LintProblem(definition.file, item, "the document lists an unknown clause"))
                    continue
                else:
                    clauses = [library.clauses[item]]
                    if name not in clauses[0].applies_to:
                        problems.append(LintProblem(definition.file, item, f"listed, but its applies_to lacks {name}"))
                    if clauses[0].status == "retired":
                        problems.append(LintProblem(definition.file, item, "listed, but retired"))
                for clause in clauses:
                    if clause.id in listed.setdefault(name, set()):
                        problems.append(LintProblem(definition.file, clause.id, "listed twice in the document"))
                    listed[name].add(clause.id)
    for clause in library.clauses.values():
        for document in clause.applies_to:
            if document in listed and clause.id not in listed[document] and clause.status != "retired":
                problems.append(LintProblem(clause.file, clause.id,
                                            f"applies to {document}, but templates/{document}.yaml does not list it"))
            elif document not in listed and document not in available_documents():
                problems.append(LintProblem(clause.file, clause.id, f"applies_to names unknown document {document}"))
    return problems


def lint(folder: Path | None = None) -> list[LintProblem]:
    library, problems = read_library(folder)
    for clause in library.clauses.values():
        problems += clause_problems(clause, library)
    if folder is None:  # the bundled definitions and risk rules name the bundled library
        problems += lint_definitions(library)
        problems += read_rules(library=library)[1]
        problems += [LintProblem(where, "", message) for where, message in reference_problems()]
    return problems
