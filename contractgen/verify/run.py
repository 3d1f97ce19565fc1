"""`contractgen verify`: the returned contract read, the reference rebuilt, the two compared."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..core.errors import InputError, Problem
from ..core.messages import message
from .compare import Comparison, compare
from .reference import Reference, rebuild
from .returned import kind_of, printed_by_word_processor, read_returned
from .text import running_lines

EXIT_DIFFERS = 4


_REFERENCE = message("verify.reference", "the contract's .manifest.json (--against) or its answers file (--answers)")
_NEITHER = message("verify.neither", "neither")
_CONTRACT_TEXT = message("verify.contract_text", "the text of a contract")
_NO_TEXT = message("verify.no_text", "no text at all")


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
           library: Path | None = None) -> Verification:
    if manifest is None and answers is None:
        raise InputError(Problem("verify", "--against", _REFERENCE(), _NEITHER()))
    fmt = "docx" if kind_of(returned) == "docx" else "office-pdf" if printed_by_word_processor(returned) else "pdf"
    # the reference first: a wrong manifest or answers file is said before a long OCR run
    reference = rebuild(manifest, answers, document, layout, library, fmt)
    kind, lines = read_returned(returned)
    if not lines:
        raise InputError(Problem(str(returned[0]), "", _CONTRACT_TEXT(), _NO_TEXT()))
    doc = reference.document
    comparison = compare(reference.lines, lines, running_lines(doc.title, doc.reference, doc.labels),
                         reference.answers)
    source = " and ".join(str(p) for p in (manifest, answers) if p)
    return Verification(tuple(str(p) for p in returned), kind, reference, comparison, source)
