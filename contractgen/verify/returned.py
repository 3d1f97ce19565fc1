"""The text of a contract as it came back: a DOCX (python-docx, tracked insertions kept and deletions
dropped), a PDF's text layer (pdftotext, in the order it was written: cell by cell), or scanned pages
(an image-only PDF, or PNG/JPEG files) read by OCR. A PDF page without text is read by OCR, so a
contract whose last page was signed and scanned back in is read whole."""
from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from ..core.errors import InputError, Problem
from ..core.messages import as_typed, message
from ..core.input_files import read_bounded
from ..render.ooxml import paragraph_text
from . import ocr
from .text import Line, line

MAX_BYTES = 256 * 1024 * 1024
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
TIMEOUT_SECONDS = 120


_RETURNED_KINDS = message("verify.returned_kinds", "one .docx or .pdf file, or scanned pages as .png/.jpg files")
_WORD_DOCUMENT = message("verify.word_document", "a Word document (.docx)")
_NOT_DOCX = message("verify.not_docx", "a file python-docx cannot open ({detail})")
_PDF_FILE = message("verify.pdf_file", "a PDF file")
_NOT_PDF = message("verify.not_pdf", "a file pdftotext cannot read ({detail})")
_PDF_PAGES = message("verify.pdf_pages", "a PDF with at least one page")
_NO_PAGES = message("verify.no_pages", "no pages")


def kind_of(paths: list[Path]) -> str:
    """docx, pdf or images; an InputError for anything else, naming the file."""
    suffixes = {p.suffix.lower() for p in paths}
    if len(paths) == 1 and suffixes <= {".docx", ".pdf"}:
        return suffixes.pop().lstrip(".")
    if suffixes <= set(IMAGE_SUFFIXES):
        return "images"
    odd = next(p for p in paths if p.suffix.lower() not in IMAGE_SUFFIXES or len(paths) == 1)
    raise InputError(Problem(str(odd), "", _RETURNED_KINDS(), as_typed(repr(odd.suffix or odd.name))))


def read_returned(paths: list[Path]) -> tuple[str, list[Line]]:
    """(docx | pdf | scan, the lines in reading order)."""
    kind = kind_of(paths)
    for path in paths:
        read_bounded(path, MAX_BYTES)  # missing, a folder, unreadable or huge: said before any work
    if kind == "docx":
        return "docx", docx_lines(paths[0].read_bytes(), str(paths[0]))
    if kind == "images":
        pages = ocr.read_images(paths)
        return "scan", [item for page in sorted(pages) for item in pages[page]]
    return pdf_lines(paths[0])


def docx_lines(data: bytes, source: str) -> list[Line]:
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(Problem(source, "", _WORD_DOCUMENT(), _NOT_DOCX(detail=as_typed(str(exc))))) from None
    return [line(text) for block in _blocks(document) for text in paragraph_text(block._p).split("\n")
            if text.strip()]


def _blocks(container):
    """Paragraphs in document order, a table's cells row by row (a merged cell once)."""
    for item in container.iter_inner_content():
        if isinstance(item, Paragraph):
            yield item
        elif isinstance(item, Table):
            for row in item.rows:
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) not in seen:
                        seen.add(id(cell._tc))
                        yield from _blocks(cell)


def printed_by_word_processor(paths: list[Path]) -> bool:
    """A PDF that Word or LibreOffice printed from the DOCX (not the one contractgen typeset): its text
    layer runs the two columns differently, so the reference is printed the same way to compare."""
    if len(paths) != 1 or paths[0].suffix.lower() != ".pdf":
        return False
    info = subprocess.run(["pdfinfo", str(paths[0])], capture_output=True, timeout=TIMEOUT_SECONDS)
    made_by = {line.split(":", 1)[0]: line.split(":", 1)[1].strip()
               for line in info.stdout.decode("utf-8", errors="replace").splitlines() if ":" in line}
    return "Typst" not in made_by.get("Creator", "") and \
        any(name in made_by.get("Producer", "") for name in ("LibreOffice", "OpenOffice", "Microsoft"))


def pdf_text_pages(path: Path) -> dict[int, list[Line]]:
    """{page: lines} of a PDF's text layer, every page, those without text empty."""
    result = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                            timeout=TIMEOUT_SECONDS)
    if result.returncode != 0:
        raise InputError(Problem(str(path), "", _PDF_FILE(),
                                 _NOT_PDF(detail=as_typed(result.stderr.decode(errors="replace").strip()[-200:]))))
    pages = result.stdout.decode("utf-8", errors="replace").split("\f")
    if pages and not pages[-1].strip():
        pages.pop()  # pdftotext ends every page with a form feed
    if not pages:
        raise InputError(Problem(str(path), "", _PDF_PAGES(), _NO_PAGES()))
    return {n: [line(t, n) for t in page.splitlines() if t.strip()] for n, page in enumerate(pages, start=1)}


def pdf_lines(path: Path) -> tuple[str, list[Line]]:
    """A PDF's text layer page by page; the pages without one go to OCR."""
    pages = pdf_text_pages(path)
    scanned = ocr.read_pdf_pages(path, [n for n, lines in pages.items() if not lines])
    pages.update(scanned)
    return ("scan" if scanned else "pdf"), [item for page in sorted(pages) for item in pages[page]]
