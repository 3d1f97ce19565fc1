"""`contractgen clauses lint`: everything a lawyer can get wrong in the library, caught before a buyer
sees it. Each problem is one line naming the file and the clause id."""
from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

from .answers.load import answers_from_mapping
from .interview.definitions import merge_interviews, load_interview
from .core.errors import ContractgenError, ValidationError
from .core.paths import set_path
from .core.resources import data_path
from .core.yamlio import load_yaml_file
from .documents import labels
from .documents.assembly import TABLES, assemble
from .documents.context import order_context
from .documents.selection import listed_clauses, select
from .library.checks import clause_problems
from .library.clauses import ClauseLibrary, LintProblem, load_library, read_library
from .library.definitions import available_documents, load_definition
from .library.glossary import forbidden_variants, load_glossary
from .risk.assess import BAND_TEXT, VERDICTS
from .facts.derived import DEPOSIT_TERMS
from .facts.reference import reference_problems
from .risk.rules import read_rules

def _all_questions():
    """The interview of the whole document set (build.interview_for, which lint may not import)."""
    return merge_interviews([load_interview(load_definition(d).interview) for d in available_documents()])


# Answers that go together, so a generated order stays valid (the interview's cross-field checks).
COMPANIONS = {
    ("payment.balance_trigger", "letter_of_credit"): {"payment.method": "lc"},
    ("payment.balance_trigger", "escrow"): {"payment.method": "escrow"},
    ("payment.method", "lc"): {"payment.balance_trigger": "letter_of_credit"},
    ("payment.method", "escrow"): {"payment.balance_trigger": "escrow"},
    ("payment.deposit_kind", "earnest"): {"payment.deposit_percent": 20},
    ("payment.stage_trigger", "pp_sample_approval"): {"payment.stage_percent": 20},
    ("payment.stage_trigger", "proof_of_materials"): {"payment.stage_percent": 20},
}
# Folders whose YAML holds Chinese wording that must follow the glossary (beside the clause files).
WORDING_FOLDERS = ("risk_rules", "templates", "interviews")


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


def _chinese_strings(node, where: str) -> Iterator[tuple[str, str]]:
    """(where, text) for every string under a `zh` key (or a `*_zh` key) of a YAML document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, str) and (key == "zh" or str(key).endswith("_zh")):
                yield where, value
            else:
                yield from _chinese_strings(value, where)
    elif isinstance(node, list):
        for item in node:
            yield from _chinese_strings(item, where)


def lint_wording() -> list[LintProblem]:
    """The glossary over every Chinese text beside the clauses: risk texts, document definitions,
    interview wording, and the code's fixed captions and verdicts."""
    texts: list[tuple[str, str]] = []
    for folder in WORDING_FOLDERS:
        for path in sorted(data_path(folder).rglob("*.yaml")):
            texts += _chinese_strings(load_yaml_file(path), str(path))
    texts += [("contractgen/documents/labels.py", text.zh) for text in labels.LABELS.values()]
    texts += [("contractgen/risk/assess.py", text().zh) for text in (*VERDICTS.values(), *BAND_TEXT.values())]
    texts += [("contractgen/facts/derived.py", text().zh) for text in DEPOSIT_TERMS.values()]
    return [LintProblem(where, "", f"ZH {variant}") for where, text in texts for variant in forbidden_variants(text)]


def _decides(path: str, when_paths: set[str]) -> bool:
    return any(p == path or p.startswith(path + ".") or path.startswith(p + ".") for p in when_paths)


def generated_orders(library: ClauseLibrary | None = None) -> Iterator[tuple[str, dict, bool]]:
    """(name, answers, as written?) for every example, and for variants of it that give each choice and
    yes/no question a `when` reads each of its answers (so every `when` goes both ways) or leave an
    optional part out."""
    interview = _all_questions()
    library = library or load_library()
    when_paths = {p for c in library.clauses.values() if c.when for p in c.when.paths}
    changes: list[dict] = [{}, {"tooling": None}, {"packaging": None}, {"payment.deposit_percent": 0},
                           {"tooling.owner": "supplier"}, {"quality.inspection": "none"}]
    for _, q in interview.questions():
        values = [c.value for c in q.choices] if q.type == "choice" else [True, False] if q.type == "boolean" else []
        if _decides(q.path, when_paths):
            changes += [{q.path: value, **COMPANIONS.get((q.path, value), {})} for value in values]
    for path in sorted(data_path("examples").glob("*.yaml")):
        base = load_yaml_file(path)
        for change in changes:
            data = copy.deepcopy(base)
            for key, value in change.items():
                set_path(data, key, value)
            if change and data == base:
                continue  # the example already answers so
            yield f"{path.name} {change}" if change else path.name, data, not change


def lint_orders() -> list[LintProblem]:
    """Bilingual parity (documents/bilingual.py) over every example, and over the generated orders that
    select or leave out some clause no order before them did: each document is assembled, so each
    clause's EN and ZH are compared as an order renders them."""
    library, documents = load_library(), available_documents()
    interview = _all_questions()
    candidates = {d: {c.id for s in load_definition(d).sections for item in s.items
                      if not item.startswith("table:") for c in listed_clauses(item, library, d)} for d in documents}
    seen: dict[str, set] = {d: set() for d in documents}
    problems: list[LintProblem] = []
    for name, raw, as_written in generated_orders(library):
        try:
            order = order_context(answers_from_mapping(raw, interview, name).data, interview, name)
        except ValidationError:
            continue  # a combination the interview forbids
        for document in documents:
            definition = load_definition(document)
            picked = {c.id for s in select(definition, library, order.for_document(definition.term)) for c in s.clauses}
            coverage = {(cid, cid in picked) for cid in candidates[document]}
            if coverage <= seen[document] and not as_written:
                continue
            seen[document] |= coverage
            try:
                assemble(definition, order, library)
            except ContractgenError as exc:
                problems.append(LintProblem(f"order {name}", document, str(exc)))
    return problems


def glossary_rule() -> str:
    """What lint says about the glossary it enforces (printed after a glossary problem)."""
    glossary = load_glossary()
    return (f"glossary ({glossary.file}, {len(glossary.terms)} terms): {glossary.rule.en}\n"
            f"  {glossary.rule.zh}\n  To add a term or a forbidden variant, edit the glossary (README: "
            f"\"Adding a glossary term\").")


def lint(folder: Path | None = None) -> list[LintProblem]:
    library, problems = read_library(folder)
    for clause in library.clauses.values():
        problems += clause_problems(clause, library)
    if folder is None:  # the bundled definitions, risk rules, wording and examples use the bundled library
        problems += lint_definitions(library)
        problems += read_rules(library=library)[1]
        problems += lint_wording()
        problems += [LintProblem(where, "", message) for where, message in reference_problems()]
        if not problems:  # a faulty library stops every build; its own problems come first
            problems += lint_orders()
    return problems
