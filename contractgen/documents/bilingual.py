"""Every assembled document's Chinese, checked before anything is rendered (design.md invariant 7):
each clause states the same numbers, amounts, dates, periods, currencies and article references in EN
and ZH (library/parity.py), and no Chinese string carries Latin-script text beyond the language-neutral
kinds. Validation has already refused a buyer's English where Chinese is due, so what is left is a fault
of the library: a LibraryError (exit 1) naming the clause id and the two values."""
from __future__ import annotations

from collections.abc import Iterator

from ..core.errors import LibraryError
from ..core.paths import has_path, lookup
from ..interview.definitions import Interview, Question
from ..library.parity import clause_mismatches, latin_leftovers
from .model import Document

TEXT_QUESTION_TYPES = frozenset({"string", "text", "email"})


def _values(data, questions: tuple[Question, ...], keep) -> Iterator[str]:
    for q in questions:
        if not isinstance(data, dict) or not has_path(data, q.path):
            continue
        value = lookup(data, q.path)
        if q.type == "list":
            for entry in value or ():
                yield from _values(entry, q.item, keep)
        elif isinstance(value, str) and q.type in TEXT_QUESTION_TYPES and keep(q):
            yield value


def order_strings(answers: dict, interview: Interview) -> tuple[frozenset[str], frozenset[str]]:
    """(every text the order typed, in either language; the texts the Chinese may print as they are):
    the second leaves out the `in_zh: english` fields, whose Chinese the `_zh` field gives."""
    questions = tuple(q for _, q in interview.questions())
    typed = frozenset(_values(answers, questions, lambda q: True))
    allowed = frozenset(_values(answers, questions, lambda q: q.in_zh != "english"))
    return typed, allowed


def _chinese_strings(document: Document) -> Iterator[tuple[str, str]]:
    """(where, text) for every Chinese string of the document but the clauses' paragraphs."""
    yield "title", document.title.zh
    for line in document.heading_lines:
        yield "heading", line.zh
    for party in document.parties:
        for text in (party.role, party.name, party.address, *party.details):
            yield f"party {party.role.en}", text.zh
    for section in document.sections:
        yield f"article {section.number} heading", section.heading.zh
        for clause in section.clauses:
            yield f"clause {clause.id} title", clause.title.zh
        if section.table:
            for row in section.table.rows:
                for text in (row.description.zh, row.specification.zh, row.unit.zh):
                    yield f"product table line {row.number}", text
            yield "product table total", section.table.total_words.zh
        for table in section.tables:
            for text in (table.caption, *table.columns, *(cell for row in table.rows for cell in row)):
                yield f"table {table.caption.en!r}", text.zh
    for signatory in document.signatories:
        for text in (signatory.role, signatory.name, *signatory.lines):
            yield f"signature block {signatory.role.en}", text.zh


def document_problems(document: Document, strings: tuple[frozenset[str], frozenset[str]]) -> list[str]:
    """`strings`: order_strings of the answers the document was built from."""
    typed, allowed = strings
    problems = []
    for section in document.sections:
        for clause in section.clauses:
            en, zh = "\n".join(clause.paragraphs_en), "\n".join(clause.paragraphs_zh)
            problems += [f"clause {clause.id}: {mismatch}" for mismatch in clause_mismatches(en, zh, typed)]
            latin = latin_leftovers(zh, allowed)
            if latin:
                problems.append(f"clause {clause.id}: the Chinese has Latin-script text that is not "
                                f"language-neutral: {', '.join(dict.fromkeys(latin))}")
    for where, text in _chinese_strings(document):
        latin = latin_leftovers(text, allowed)
        if latin:
            problems.append(f"{where}: the Chinese has Latin-script text that is not language-neutral: "
                            f"{', '.join(dict.fromkeys(latin))}")
    return list(dict.fromkeys(problems))


def check_document(document: Document, strings: tuple[frozenset[str], frozenset[str]]) -> Document:
    """The document, if its Chinese says what its English says and carries no English; else a LibraryError.
    `strings`: order_strings of its answers (OrderContext.strings, read once for a set)."""
    problems = document_problems(document, strings)
    if problems:
        raise LibraryError(f"{document.kind}: the Chinese text does not match the English or carries English "
                           f"(a fault of the clause library; run `contractgen clauses lint`):\n  "
                           + "\n  ".join(problems))
    return document
