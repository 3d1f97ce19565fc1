"""The checks one clause must pass: run by `contractgen clauses lint` over the whole library, and by every
build over the clauses an order selects, so a clause lint refuses never reaches a buyer's document."""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from ..answers.load import known_answer_paths
from .clauses import ClauseLibrary, LibraryClause, LintProblem, clause_env, normalised_paths
from ..facts.derived import DERIVED_FIELDS, DERIVED_NAMES
from ..core.cache import cached, content_key
from ..core.errors import LibraryError
from ..core.resources import data_path
from ..core.expressions import sandbox_escapes
from ..interview.definitions import available_interviews, load_interview
from .glossary import forbidden_variants

LINE_FIELDS = frozenset({"number", "amount", "aql"})  # what `lines[]` adds to a product line


@cache
def choice_paths() -> frozenset[str]:
    return frozenset(q.path for name in available_interviews() for _, q in load_interview(name).questions()
                     if q.type == "choice")


def is_provided(path: str, answers: frozenset[str], choices: frozenset[str]) -> bool:
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
    if root == "document":
        return path == "document"
    if root == "party":
        return path in {f"party.{role}.{lang}" for role in ("buyer", "seller") for lang in ("en", "zh")}
    if root in DERIVED_FIELDS and path.startswith(root + "."):
        return re.split(r"[.\[]", path.removeprefix(root + "."), maxsplit=1)[0] in DERIVED_FIELDS[root]
    if root in DERIVED_NAMES:
        return path == root
    return path in answers or any(k.startswith((path + ".", path + "[]")) for k in answers)


def clause_problems(clause: LibraryClause, library: ClauseLibrary) -> tuple[LintProblem, ...]:
    """Everything wrong with one clause, in itself and in its relations to the rest of the library."""
    checked = library_problems(library)
    return checked[clause.id] if library.clauses.get(clause.id) is clause else _problems(clause, library)


@cache
def library_problems(library: ClauseLibrary) -> dict[str, tuple[LintProblem, ...]]:
    """Every clause's problems, checked once per loaded library and kept in the cache (core/cache.py)
    under the content of the clause files and interviews they depend on: a build does not check again
    a library it has seen (the checks cost about half a second)."""
    folder = data_path("interviews")
    sources = [("folder", str(library.folder).encode()),  # the problems name their files
               *((f"clauses/{p.relative_to(library.folder).as_posix()}", p.read_bytes())
                 for p in sorted(library.folder.rglob("*.yaml"))),
               *((f"interviews/{p.relative_to(folder).as_posix()}", p.read_bytes()) for p in sorted(folder.rglob("*.yaml")))]
    return cached("clause-checks", content_key("clause-checks", sources),
                  lambda: {cid: _problems(clause, library) for cid, clause in library.clauses.items()})


def _problems(clause: LibraryClause, library: ClauseLibrary) -> tuple[LintProblem, ...]:
    messages = [*_text_problems(clause), *_when_problems(clause), *_relation_problems(clause, library)]
    return tuple(LintProblem(clause.file, clause.id, message) for message in messages)


def refuse_faulty(clauses: Iterable[LibraryClause], library: ClauseLibrary) -> None:
    """A build stops at a clause lint would refuse: a library fault (exit 1), for the lawyer to fix."""
    problems = [problem for clause in clauses for problem in clause_problems(clause, library)]
    if problems:
        raise LibraryError("a clause this order uses is faulty (run `contractgen clauses lint`):\n  "
                           + "\n  ".join(str(p) for p in problems))


def _text_problems(clause: LibraryClause) -> list[str]:
    messages = []
    if clause.status == "approved":
        for lang in ("en", "zh"):
            if not getattr(clause.text, lang).strip():
                messages.append(f"approved clause has no {lang.upper()} text")
            if not getattr(clause.title, lang).strip():
                messages.append(f"approved clause has no {lang.upper()} title")
    messages += [f"ZH {variant}" for variant in forbidden_variants(f"{clause.title.zh}\n{clause.text.zh}")]
    for lang, template in zip(("en", "zh"), clause.templates):
        if template is not None:
            messages += [f"{lang.upper()} text {escape}" for escape in
                         sandbox_escapes(clause_env.parse(getattr(clause.text, lang)))]
    if all(clause.templates):
        en, zh = clause.paths("en"), clause.paths("zh")
        only_en, only_zh = normalised_paths(en) - normalised_paths(zh), normalised_paths(zh) - normalised_paths(en)
        if only_en or only_zh:
            messages.append("EN and ZH text use different variables: " + "; ".join(filter(None, [
                f"only in EN: {', '.join(sorted(only_en))}" if only_en else "",
                f"only in ZH: {', '.join(sorted(only_zh))}" if only_zh else ""])))
        messages += [f"variable {path} is not an answers field or a derived value"
                     for path in sorted(en | zh) if not is_provided(path, known_answer_paths(), choice_paths())]
    return messages


def _when_problems(clause: LibraryClause) -> list[str]:
    if clause.when is None:
        return []
    return [f"when {escape}" for escape in clause.when.escapes] + [
        f"when uses {path}, which is not an answers field or a derived value"
        for path in sorted(clause.when.paths) if not is_provided(path, known_answer_paths(), choice_paths())]


def _relation_problems(clause: LibraryClause, library: ClauseLibrary) -> list[str]:
    messages = []
    for relation in ("requires", "excludes", "alternatives"):
        for other in getattr(clause, relation):
            if other not in library.clauses:
                messages.append(f"{relation} names unknown clause {other}")
            elif other == clause.id:
                messages.append(f"{relation} names the clause itself")
    cycle = _requires_cycle(clause, library)
    if cycle:
        messages.append(f"requires cycle: {' → '.join(cycle)} (clauses that require each other are one clause)")
    needed = _requires_closure(clause, library)
    for member in sorted(needed):
        for other in library.clauses[member].excludes:
            if other in needed:
                messages.append(f"contradiction: selecting it requires {member} and {other}, "
                                f"but {member} excludes {other}")
    return messages


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


def _requires_cycle(clause: LibraryClause, library: ClauseLibrary) -> list[str]:
    """The shortest chain of `requires` from the clause back to itself through other clauses, or []
    (a clause requiring itself directly is reported on its own)."""
    came_from: dict[str, str] = {}
    frontier = [other for other in clause.requires if other != clause.id and other in library.clauses]
    for other in frontier:
        came_from.setdefault(other, clause.id)
    while frontier:
        following = []
        for current in frontier:
            for other in library.clauses[current].requires:
                if other == clause.id:
                    chain = [current]
                    while chain[-1] != clause.id:
                        chain.append(came_from[chain[-1]])
                    return [*reversed(chain), clause.id]
                if other in library.clauses and other not in came_from:
                    came_from[other] = current
                    following.append(other)
        frontier = following
    return []
