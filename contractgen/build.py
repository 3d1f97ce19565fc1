"""The whole pipeline for one order: answers → validated answers → Documents → files on disk."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from .answers import load_answers
from .assembly import assemble
from .clauses import LibraryClause, load_library
from .derived import clause_context
from .definitions import available_documents, load_definition
from .errors import InputError, Problem
from .interview import Interview, load_interview, merge_interviews
from .model import Document
from .output import check_output_folder, write_files
from .progress import Progress
from .render import LAYOUTS
from .validation import Answers

FORMATS = ("docx", "pdf", "html", "md")
DEFAULT_DOCUMENTS = ("sales_contract",)


@dataclass
class BuildResult:
    answers: Answers
    documents: list[Document]
    files: list[tuple[Path, str]] = field(default_factory=list)  # (path, written|replaced|unchanged)


def resolve_documents(names: list[str] | tuple[str, ...]) -> list[str]:
    available = available_documents()
    if not names:
        raise InputError(Problem("--docs", "", f"at least one of: all, {', '.join(available)}", "none"))
    chosen: list[str] = []
    for name in names:
        for item in (available if name == "all" else [name]):
            if item not in available:
                raise InputError(Problem("--docs", "", f"one of: all, {', '.join(available)}", repr(item)))
            if item not in chosen:
                chosen.append(item)
    return chosen


def interview_for(documents: list[str]) -> Interview:
    """The questions the chosen documents need, each once."""
    return merge_interviews([load_interview(load_definition(d).interview) for d in documents])


def assemble_documents(answers_path: str | Path, documents: list[str]) -> tuple[Answers, list[Document]]:
    definitions = [load_definition(d) for d in documents]
    interview = interview_for(documents)
    answers = load_answers(answers_path, interview)
    library = load_library()
    return answers, [assemble(d, answers.data, interview, library) for d in definitions]


@dataclass(frozen=True)
class Preview:
    clause: LibraryClause
    document: str  # the document whose `term` and interview the preview used
    selected: bool  # whether its `when` holds for these answers
    paragraphs_en: tuple[str, ...]
    paragraphs_zh: tuple[str, ...]


def preview_clause(clause_id: str, answers_path: str | Path) -> Preview:
    """One clause rendered in both languages with an order's answers, for a lawyer checking an edit."""
    library = load_library()
    clause = library.get(clause_id)
    documents = [d for d in clause.applies_to if d in available_documents()] or list(DEFAULT_DOCUMENTS)
    definition = load_definition(documents[0])
    interview = interview_for(documents)
    answers = load_answers(answers_path, interview)
    context = clause_context(answers.data, interview, definition.term)
    selected = clause.when is None or clause.when.evaluate(context)
    return Preview(clause, definition.id, selected, clause.render("en", context), clause.render("zh", context))


def render(document: Document, fmt: str, layout: str) -> bytes:
    if fmt == "docx":
        from .render.docx import render_docx

        return render_docx(document, layout)
    if fmt == "md":
        from .render.markdown import render_markdown

        return render_markdown(document, layout)
    if fmt == "html":
        from .render.html import render_html

        return render_html(document, layout)
    raise InputError(Problem("--format", "", f"one of: {', '.join(FORMATS)}", repr(fmt)))


def output_stem(document: Document, layout: str) -> str:
    return f"{document.reference}-{document.kind}" + ("" if layout == "parallel" else f".{layout}")


def render_all(documents: list[Document], formats: list[str], layout: str,
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
        from .render.pdf import docx_to_pdf

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


def check_output_options(formats: list[str], layout: str, outdir: Path) -> None:
    """What build and batch check before reading or rendering anything."""
    if not formats:
        raise InputError(Problem("--format", "", f"at least one of: {', '.join(FORMATS)}", "none"))
    for fmt in formats:
        if fmt not in FORMATS:
            raise InputError(Problem("--format", "", f"one of: {', '.join(FORMATS)}", repr(fmt)))
    if layout not in LAYOUTS:
        raise InputError(Problem("--layout", "", f"one of: {', '.join(LAYOUTS)}", repr(layout)))
    check_output_folder(outdir)


def build(answers_path: str | Path, documents: list[str], formats: list[str], layout: str, outdir: Path,
          force: bool = False, progress: Progress | None = None) -> BuildResult:
    check_output_options(formats, layout, outdir)
    answers, docs = assemble_documents(answers_path, resolve_documents(documents))
    rendered = render_all(docs, formats, layout, progress)
    files: dict[Path, bytes] = {}
    updates: set[Path] = set()
    for document in docs:
        stem = output_stem(document, layout)
        outputs = {}
        for fmt, data in rendered[stem].items():
            files[outdir / f"{stem}.{fmt}"] = data
            outputs[f"{stem}.{fmt}"] = hashlib.sha256(data).hexdigest()
        manifest_path = outdir / f"{stem}.manifest.json"
        files[manifest_path], extends = manifest_json(manifest_path, document, layout, outputs)
        if extends:
            updates.add(manifest_path)
    return BuildResult(answers, docs, write_files(files, force, frozenset(updates)))


def manifest_json(path: Path, document: Document, layout: str, outputs: dict[str, str]) -> tuple[bytes, bool]:
    """The audit manifest beside the outputs, and whether it only extends the one already there.
    Files of other formats built earlier from the same answers and library stay listed, so building
    DOCX then Markdown does not conflict."""
    extends = False
    try:
        previous = json.loads(path.read_text("utf-8"))
        old_files = previous.get("files", {})
        if previous.get("manifest") == document.manifest and previous.get("layout") == layout and \
                all(outputs.get(name, digest) == digest for name, digest in old_files.items()):
            outputs = {**old_files, **outputs}
            extends = True
    except (OSError, ValueError, AttributeError):
        pass
    record = {"manifest": document.manifest, "layout": layout, "files": dict(sorted(outputs.items()))}
    return (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8"), extends
