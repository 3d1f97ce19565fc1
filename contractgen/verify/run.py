"""`contractgen verify`: the returned contract read, the reference rebuilt, the two compared."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..core.errors import InputError, Problem
from ..core.messages import as_typed, message
from ..documents.model import Document
from .compare import Comparison, compare
from .reference import Reference, rebuild
from .reread import read_again
from .returned import kind_of, printed_by_word_processor, read_returned
from .text import Line, running_lines, squash

EXIT_DIFFERS = 4

_REFERENCE = message("verify.reference", "the contract's .manifest.json (--against) or its answers file (--answers)")
_NEITHER = message("verify.neither", "neither")
_CONTRACT_TEXT = message("verify.contract_text", "the text of a contract")
_NO_TEXT = message("verify.no_text", "no text at all")
_THIS_DOCUMENT = message("verify.this_document", "{title} {number}: its title, and most of its articles")
_ANOTHER_DOCUMENT = message("verify.another_document", "another document, without that title and without {missing} of "
                            "its {articles} articles; its first lines read: {start}")
OPENING_LINES = 12  # where a document's title stands (a scan's first page may open with a header)


@dataclass(frozen=True)
class Verification:
    returned: tuple[str, ...]
    kind: str  # docx | pdf | scan (some page read by OCR)
    reference: Reference
    comparison: Comparison
    source: str  # what the reference was rebuilt from, for the report

    @property
    def matches(self) -> bool:
        return not self.comparison.findings


def verify(returned: list[Path], manifest: Path | None, answers: Path | None, document: str, layout: str,
           library: Path | None = None, built_with: list[str] | None = None) -> Verification:
    if manifest is None and answers is None:
        raise InputError(Problem("verify", "--against", _REFERENCE(), _NEITHER()))
    fmt = "docx" if kind_of(returned) == "docx" else "office-pdf" if printed_by_word_processor(returned) else "pdf"
    # the reference first: a wrong manifest or answers file is said before a long OCR run
    reference = rebuild(manifest, answers, document, layout, library, fmt, built_with)
    kind, lines = read_returned(returned)
    if not lines:
        raise InputError(Problem(str(returned[0]), "", _CONTRACT_TEXT(), _NO_TEXT()))
    doc = reference.document
    running = running_lines(doc.title, doc.reference, doc.labels)
    comparison = compare(reference.lines, lines, running, reference.answers)
    if kind == "scan" and comparison.differing:
        lines, comparison = read_again(reference, lines, running, comparison)
    lines = [line for line in lines if line.words]  # a scan's stretches of ink not read as text
    _refuse_another_document(returned[0], doc, lines, comparison)
    source = " and ".join(str(p) for p in (manifest, answers) if p)
    return Verification(tuple(str(p) for p in returned), kind, reference, comparison, source)


def _refuse_another_document(source: Path, document: Document, lines: list[Line], comparison: Comparison) -> None:
    """Another document (the NNN returned for the sales contract) is not a
    contract with hundreds of changes: without the title in either language and missing most articles,
    it is the wrong file (exit 2). A factory that retitles the contract, or deletes articles, still gets
    the report of what it changed."""
    articles = sum(1 for s in document.sections if s.clauses)
    missing = sum(1 for f in comparison.findings if f.category == "missing")
    opening = squash(" ".join(item.text for item in lines[:OPENING_LINES])).casefold()
    titled = any(t and squash(t).casefold() in opening for t in (document.title.en, document.title.zh))
    if titled or missing * 2 <= articles:
        return
    start = " / ".join(item.text for item in lines[:3])[:200]
    raise InputError(Problem(str(source), "", _THIS_DOCUMENT(title=document.title, number=as_typed(document.reference)),
                             _ANOTHER_DOCUMENT(missing=missing, articles=articles, start=as_typed(start))))

