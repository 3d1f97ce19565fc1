"""The clause library against many orders: every approved clause is used by some order, every `when`
goes both ways, every `excludes` pair is seen apart, and changing one answer changes exactly the
clauses that depend on it."""
from __future__ import annotations

import copy
import re
from functools import lru_cache
from pathlib import Path

import pytest

from contractgen.answers.load import answers_from_mapping, known_answer_paths
from contractgen.documents.assembly import assemble
from contractgen.build import interview_for, resolve_documents
from contractgen.library.clauses import load_library
from contractgen.library.definitions import load_definition
from contractgen.documents.context import order_context
from contractgen.core.errors import ValidationError
from contractgen.documents.selection import select
from contractgen.core.yamlio import load_yaml_file
from contractgen.lint import COMPANIONS  # answers that go together, so a variant stays valid

from conftest import DELETE, ROOT, set_path

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
DOCUMENTS = resolve_documents(["all"])



@lru_cache(maxsize=None)
def base(path: Path) -> dict:
    return load_yaml_file(path)


def variant(path: Path, changes: dict) -> dict:
    data = copy.deepcopy(base(path))
    for key, value in changes.items():
        set_path(data, key, value)
    return data


def choice_variants() -> list[dict]:
    interview = interview_for(DOCUMENTS)
    changes: list[dict] = [{}, {"tooling": DELETE}, {"packaging": DELETE}, {"payment.deposit_percent": 0},
                           {"tooling.owner": "supplier"}, {"quality.inspection": "none"},
                           # the demo order shipping before the 2027 New Year shutdown: verdict "ok"
                           {"tooling": DELETE, "delivery.ship_by": "2027-01-20"},
                           # no destination market: no product-safety clause, and the verdict says it is unknown
                           {"delivery.destination_market": DELETE}]
    for _, q in interview.questions():
        values = [c.value for c in q.choices] if q.type == "choice" else [True, False] if q.type == "boolean" else []
        for value in values:
            changes.append({q.path: value, **COMPANIONS.get((q.path, value), {})})
    return changes


@lru_cache(maxsize=None)
def selections() -> list[tuple[str, dict[str, set[str]]]]:
    """(variant name, {document: selected clause ids}) for every valid variant of every example."""
    library = load_library()
    interview = interview_for(DOCUMENTS)
    out = []
    for path in EXAMPLES:
        for changes in choice_variants():
            try:
                answers = answers_from_mapping(variant(path, changes), interview, path.name)
            except ValidationError:
                continue  # a combination the interview forbids
            picked = {}
            for document in DOCUMENTS:
                definition = load_definition(document)
                context = order_context(answers.data, interview).for_document(definition.term, definition.roles,
                                                                           definition.id)
                picked[document] = {c.id for s in select(definition, library, context) for c in s.clauses}
            out.append((f"{path.stem} {changes}", picked))
    return out


def test_enough_variants_are_valid():
    assert len(selections()) >= 3 * 20


def test_every_approved_clause_is_selected_by_some_order():
    library = load_library()
    used = set().union(*(ids for _, picked in selections() for ids in picked.values()))
    unused = sorted(cid for cid, c in library.clauses.items() if c.status == "approved" and cid not in used)
    assert unused == []


def test_every_when_goes_both_ways():
    library = load_library()
    interview = interview_for(DOCUMENTS)
    # a `when` over a question with a single choice (governing_law: PRC, for now) can only hold
    fixed = {q.path for _, q in interview.questions() if q.type == "choice" and len(q.choices) == 1}
    for cid, clause in library.clauses.items():
        if clause.when is None or clause.status != "approved" or clause.when.paths <= fixed:
            continue
        for document in clause.applies_to:
            seen = {cid in picked[document] for _, picked in selections() if document in picked}
            assert seen == {True, False}, f"{cid} in {document}: its when was only ever {seen}"


def test_every_excludes_pair_is_seen_apart():
    library = load_library()
    for cid, clause in library.clauses.items():
        for other in clause.excludes:
            for document in set(clause.applies_to) & set(library.clauses[other].applies_to):
                pairs = {(cid in p[document], other in p[document]) for _, p in selections() if document in p}
                assert (True, False) in pairs and (False, True) in pairs, (cid, other, document)
                assert (True, True) not in pairs, (cid, other, document)


# -- one term at a time -----------------------------------------------------------------------------

DERIVED_INPUTS = {
    "lines": {"products", "quality", "currency"},
    "total_amount": {"products", "currency"},
    "total_quantity": {"products"},
    "deposit_amount": {"products", "currency", "payment.deposit_percent"},
    "deposit_term": {"payment.deposit_percent", "payment.deposit_kind"},
    "balance_amount": {"products", "currency", "payment.deposit_percent", "payment.stage_trigger",
                       "payment.stage_percent"},
    "balance_percent": {"payment.deposit_percent", "payment.stage_trigger", "payment.stage_percent"},
    "stage_amount": {"products", "currency", "payment.stage_trigger", "payment.stage_percent"},
    "late_penalty_cap_amount": {"products", "currency", "delivery.late_penalty_cap_percent"},
    "term": set(),
    "party": set(),
    "document": set(),
    "production_days": {"contract.date", "delivery.ship_by"},
    "tooling_daily_sum": {"tooling", "products", "currency", "contract.date", "delivery.ship_by"},
    "work_overlap": {"communication", "contract.date"},
    # what facts/ reads for the verdict, the checklists and the charter (issue 15)
    "registration": {"supplier.uscc", "supplier.address_zh"},
    "calendar": {"contract.date", "delivery.ship_by"},
    "inspection_plan": {"contract.date", "delivery.ship_by"},
    "compliance": {"products", "delivery.destination_market"},
    # the pre-deposit risk assessment: a rule may read any answer
    "risk": {re.split(r"[.\[]", p)[0] for p in known_answer_paths()},
}
MONEY_FILTERS = re.compile(r"\|\s*(money|money_zh|words_en|words_zh)\b")


def inputs(clause) -> set[str]:
    """The answers paths a clause's selection and text can depend on."""
    paths = set(clause.when.paths) if clause.when else set()
    paths |= clause.paths("en") | clause.paths("zh")
    found = set()
    for path in paths:
        root = re.split(r"[.\[]", path)[0]
        if root == "label":
            found.add(re.sub(r"\.(en|zh)$", "", path.removeprefix("label.")))
        elif root in DERIVED_INPUTS:
            found |= DERIVED_INPUTS[root]
        else:
            found.add(path.split("[]")[0])
    if MONEY_FILTERS.search(clause.text.en + clause.text.zh):
        found.add("currency")
    return found


def depends(paths: set[str], changed: str) -> bool:
    return any(p == changed or p.startswith(changed + ".") or changed.startswith(p + ".") for p in paths)


ONE_TERM = [
    ("payment.deposit_percent", 40),
    ("payment.balance_due_days", 10),
    ("delivery.named_place", "Shekou Port, Shenzhen"),
    ("delivery.ship_by", "2027-03-01"),
    ("delivery.late_penalty_percent_per_week", 2),
    ("quality.remedy_days", 20),
    ("quality.defect_remedy", "refund"),
    ("quality.rejected_goods", "hold_for_buyer"),
    ("dispute.forum", "scia"),
    ("dispute.arbitrators", 3),
    ("controlling_language", "en"),
    ("confidentiality.liquidated_damages", 75000),
    ("confidentiality.term_years", 7),
    ("tooling.return_within_days", 30),
    ("subcontracting.allowed", True),
    ("currency", "EUR"),
    ("supplier.uscc", "91110000600037341L"),
    ("contract.number", "SC-2026-0199"),
    ("packaging.marking_en", "NORTHWIND / C/No. 1-UP"),
]


def rendered(answers: dict) -> dict[tuple[str, str], tuple]:
    interview = interview_for(DOCUMENTS)
    valid = answers_from_mapping(answers, interview, "variant.yaml")
    library = load_library()
    out = {}
    for document in DOCUMENTS:
        doc = assemble(load_definition(document), order_context(valid.data, interview), library)
        for section in doc.sections:
            for clause in section.clauses:
                out[(document, clause.id)] = (clause.paragraphs_en, clause.paragraphs_zh)
    return out


@pytest.mark.parametrize("path, value", ONE_TERM, ids=[p for p, _ in ONE_TERM])
def test_changing_one_term_changes_exactly_the_clauses_that_depend_on_it(path, value):
    example = ROOT / "examples" / "houseware-tooling.yaml"
    before, after = rendered(variant(example, {})), rendered(variant(example, {path: value}))
    library = load_library()
    changed = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    assert changed, f"changing {path} changed no clause"
    for document, cid in sorted(changed):
        assert depends(inputs(library.clauses[cid]), path), \
            f"{cid} in {document} changed when only {path} did, but does not depend on it"
    for (document, cid), text in before.items():
        clause = library.clauses[cid]
        if (document, cid) in after and path in {p for p in (clause.when.paths if clause.when else ())}:
            continue
        if depends(clause.paths("en") | clause.paths("zh"), path) and not re.search(r"{%\s*if", clause.text.en):
            assert (document, cid) in changed, f"{cid} in {document} prints {path} but did not change"
