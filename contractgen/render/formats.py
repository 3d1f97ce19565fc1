"""The format registry: which formats there are, and a document set rendered in them.

Each format's renderer is imported when first used, so a DOCX build never loads the others' libraries.
PDFs are converted from the DOCX, all of one set in one LibreOffice run (render/pdf.py).
"""
from __future__ import annotations

from typing import Sequence

from ..answers.coerce import ONE_OF
from ..core.errors import InputError, Problem
from ..core.messages import as_typed
from ..core.progress import Progress
from ..documents.model import Document

FORMATS = ("docx", "pdf", "html", "md")


def render(document: Document, fmt: str, layout: str) -> bytes:
    """One document in one format (not pdf: see render_all)."""
    if fmt == "docx":
        from .docx import render_docx

        return render_docx(document, layout)
    if fmt == "md":
        from .markdown import render_markdown

        return render_markdown(document, layout)
    if fmt == "html":
        from .html import render_html

        return render_html(document, layout)
    raise InputError(Problem("--format", "", ONE_OF(values=", ".join(FORMATS)), as_typed(repr(fmt))))


def output_stem(document: Document, layout: str) -> str:
    """The file name of a document's outputs, less the format's suffix."""
    return f"{document.reference}-{document.kind}" + ("" if layout == "parallel" else f".{layout}")


def render_all(documents: Sequence[Document], formats: Sequence[str], layout: str,
               progress: Progress | None = None) -> dict[str, dict[str, bytes]]:
    """{output stem: {format: bytes}}; PDFs are converted from the DOCX in one LibreOffice run. Each file
    done advances `progress` (the CLI's lines on stderr; a PDF run is long and otherwise silent)."""
    def done(name: str) -> None:
        if progress:
            progress.advance(name)

    out: dict[str, dict[str, bytes]] = {}
    for document in documents:
        stem = output_stem(document, layout)
        out[stem] = {}
        for fmt in formats:
            if fmt != "pdf":
                out[stem][fmt] = render(document, fmt, layout)
                done(f"{stem}.{fmt}")
    if "pdf" in formats:
        from .pdf import docx_to_pdf

        sources = {}
        for document in documents:
            stem = output_stem(document, layout)
            sources[stem] = (out[stem].get("docx") or render(document, "docx", layout), document.date)
        if progress:
            progress.note(f"converting {len(sources)} document(s) to PDF with LibreOffice …")
        for stem, pdf in docx_to_pdf(sources).items():
            out[stem]["pdf"] = pdf
            done(f"{stem}.pdf")
    return {stem: {f: outputs[f] for f in formats} for stem, outputs in out.items()}
