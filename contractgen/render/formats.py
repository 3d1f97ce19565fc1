"""The format registry: which formats there are, and a document set rendered in them.

Each format's renderer is imported when first used, so a DOCX build never loads the others' libraries.
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
    """One document in one format."""
    if fmt == "docx":
        from .docx import render_docx

        return render_docx(document, layout)
    if fmt == "pdf":
        from .pdf import render_pdf

        return render_pdf(document, layout)
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
    """{output stem: {format: bytes}}. Each file done advances `progress` (the CLI's lines on stderr)."""
    out: dict[str, dict[str, bytes]] = {}
    for document in documents:
        stem = output_stem(document, layout)
        out[stem] = {}
        for fmt in formats:
            out[stem][fmt] = render(document, fmt, layout)
            if progress:
                progress.advance(f"{stem}.{fmt}")
    return out
