"""`contractgen clauses lint`: everything a lawyer can get wrong in the library, caught before a buyer
sees it. Each problem is one line naming the file and the clause id."""
from __future__ import annotations

import re
from pathlib import Path

from .answers import known_answer_paths
from .assembly import TABLES
from .clauses import ClauseLibrary, LibraryClause, LintProblem, normalised_paths, read_library
from .definitions import available_documents, load_definition
from .derived import DERIVED_FIELDS, DERIVED_NAMES
from .errors import ContractgenError
from .interview import available_interviews, load_interview

LINE_FIELDS = frozenset({"number", "amount", "aql"})  # what `lines[]` adds to a product line


def _choice_paths() -> frozenset[str]:
    return frozenset(q.path for name in available_interviews() for _, q in load_interview(name).questions()
                     if q.type == "choice")


def _provided(path: str, answers: frozenset[str], choices: frozenset[str]) -> bool:
    """Does an answers field or a derived value give this template path?"""
    root = re.split(r"[.\[]", path, maxsplit=1)[0]
    if root == "label":
        inner = re.sub(r"\.(en|zh)$", "", path.removeprefix("label."))
        return inner in choices or any(c.startswith(inner + ".") for c in choices)
    if root == "lines":
        rest = path.removeprefix("lines")
        if rest in ("", "[]"):
            return True
        field = rest.removeprefix("[].")
        return field.split(".")[0] in LINE_FIELDS or f"products[].{field}" in answers
    if root == "term":
        return path in ("term.en", "term.zh")
    if root in DERIVED_FIELDS and path.startswith(root + "."):
        return re.split(r"[.\[]", path.removeprefix(root + "."), maxsplit=1)[0] in DERIVED_FIELDS[root]
    if root in DERIVED_NAMES:
        return path == root
    return path in answers or any(k.startswith((path + ".", path + "[]")) for k in answers)


def lint_clause(clause: LibraryClause, library: ClauseLibrary, answers: frozenset[str],
                choices: frozenset[str]) -> list[LintProblem]:
    problems: list[LintProblem] = []

    def add(message: str) -> None:
        problems.append(LintProblem(clause.file, clause.id, message))

    if clause.status == "approved":
        for lang in ("en", "zh"):
            if not getattr(clause.text, lang).strip():
                add(f"approved clause has no {lang.upper()} text")
            if not getattr(clause.title, lang).strip():
                add(f"approved clause has no {lang.upper()} title")
    if all(clause.templates):
        en, zh = clause.paths("en"), clause.paths("zh")
        only_en, only_zh = normalised_paths(en) - normalised_paths(zh), normalised_paths(zh) - normalised_paths(en)
        if only_en or only_zh:
            add("EN and ZH text use different variables: "
                + "; ".join(filter(None, [f"only in EN: {', '.join(sorted(only_en))}" if only_en else "",
                                          f"only in ZH: {', '.join(sorted(only_zh))}" if only_zh else ""])))
        for path in sorted(en | zh):
            if not _provided(path, answers, choices):
                add(f"variable {path} is not an answers field or a derived value")
    if clause.when is not None:
        for path in sorted(clause.when.paths):
            if not _provided(path, answers, choices):
                add(f"when uses {path}, which is not an answers field or a derived value")
    for relation in ("requires", "excludes", "alternatives"):
        for other in getattr(clause, relation):
            if other not in library.clauses:
                add(f"{relation} names unknown clause {other}")
            elif other == clause.id:
                add(f"{relation} names the clause itself")
    needed = _requires_closure(clause, library)
    for member in sorted(needed):
        for other in library.clauses[member].excludes:
            if other in needed:
                add(f"contradiction: selecting it requires {member} and {other}, but {member} excludes {other}")
    return problems


def _requires_closure(clause: LibraryClause, library: ClauseLibrary) -> set[str]:
    """The clause and everything it requires, directly or through other clauses."""
    seen, todo = {clause.id}, list(clause.requires)
    while todo:
        current = todo.pop()
        if current in seen or current not in library.clauses:
            continue
        seen.add(current)
        todo.extend(library.clauses[current].requires)
    return seen


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
    answers, choices = known_answer_paths(), _choice_paths()
    for clause in library.clauses.values():
        problems += lint_clause(clause, library, answers, choices)
    if folder is None:  # the bundled definitions and risk rules name the bundled library
        from .risk import read_rules  # here, not at the top: risk.py imports this module

        problems += lint_definitions(library)
        problems += read_rules(library=library)[1]
    return problems
