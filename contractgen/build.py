"""The one pipeline every face uses (the CLI, the batch worker, the web page), in the order it runs:

    answers mapping ──validate──► Answers            (answers/: the interview's rules; every fault at once)
                    ──context───► OrderContext       (documents/context.py: derived values and the
                                                      pre-deposit assessment, computed once per order)
                    ──assemble──► Document per doc   (documents/: clauses selected and rendered EN + ZH)
                    ──render────► bytes per format   (render/: DOCX, PDF, HTML, Markdown)
                    ──files─────► outputs + manifest (audit record beside each document)
                    ──write─────► the set on disk, whole or not at all (core/output.py)

Nothing here goes through a temporary file: a face that holds answers as a mapping calls
`assemble_mapping` or `build_files`; a face that holds a file calls `build`.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Mapping, Sequence

from .answers.load import answers_from_mapping
from .answers.coerce import AT_LEAST_ONE_OF, NONE, ONE_OF
from .answers.validate import Answers
from .core.errors import InputError, Problem
from .core.messages import as_typed
from .core.output import check_output_folder, write_files
from .core.progress import Progress
from .core.yamlio import load_yaml_file
from .documents.assembly import assemble
from .documents.context import order_context
from .documents.manifest import clause_notices
from .documents.selection import select
from .documents.manifest import canonical_json
from .documents.model import Document
from .interview.definitions import Interview, load_interview, merge_interviews
from .library.clauses import ClauseLibrary, LibraryClause, load_library
from .library.definitions import available_documents, load_definition
from .render import LAYOUTS
from .risk.assess import Assessment
from .render.formats import FORMATS, output_stem, render_all

DEFAULT_DOCUMENTS = ("sales_contract",)


def resolve_documents(names: Sequence[str]) -> list[str]:
    """Document names as the user gave them (`all` for the set) → the documents, each once, in order."""
    available = available_documents()
    if not names:
        raise InputError(Problem("--docs", "", AT_LEAST_ONE_OF(values=", ".join(["all", *available])), NONE()))
    chosen: list[str] = []
    for name in names:
        for item in (available if name == "all" else [name]):
            if item not in available:
                raise InputError(Problem("--docs", "", ONE_OF(values=", ".join(["all", *available])),
                                         as_typed(repr(item))))
            if item not in chosen:
                chosen.append(item)
    return chosen


def interview_for(documents: Sequence[str]) -> Interview:
    """The questions the chosen documents need, each once."""
    return _merged_interview(tuple(documents))


@cache
def _merged_interview(documents: tuple[str, ...]) -> Interview:  # frozen, so one per process is safe
    return merge_interviews([load_interview(load_definition(d).interview) for d in documents])


# -- validate and assess: answers → Answers, Assessment -------------------------------------------------

def validate_mapping(raw, documents: Sequence[str] = DEFAULT_DOCUMENTS, source: str = "answers") -> Answers:
    """An answers mapping checked against the chosen documents' interview: every fault at once, as a
    ValidationError whose problems name `source`, the field, what was expected and what was found."""
    return answers_from_mapping(raw, interview_for(resolve_documents(documents)), source)


def assess_mapping(raw, documents: Sequence[str] = DEFAULT_DOCUMENTS, source: str = "answers") -> Assessment:
    """The pre-deposit risk assessment of a valid answers mapping (what `contractgen check` prints)."""
    chosen = resolve_documents(documents)
    answers = answers_from_mapping(raw, interview_for(chosen), source)
    return order_context(answers.data, interview_for(chosen), source).assessment


# -- assemble: answers → documents ---------------------------------------------------------------------

def assemble_set(data: Mapping, documents: Sequence[str], source: str = "answers",
                 library: ClauseLibrary | None = None, built_with: Sequence[str] = ()) -> tuple[Document, ...]:
    """Validated answers → one Document per name. The order's context is computed once for the set.
    `library`: another clause library than the bundled one (`verify --library`: the one a contract was
    built with). `built_with`: the set whose interview the context comes from, when only some of its
    documents are assembled (`verify` rebuilds one document of a set)."""
    together = tuple(built_with or documents)
    order = order_context(data, interview_for(together), source, together)
    library = library or load_library()
    return tuple(assemble(load_definition(name), order, library) for name in documents)


def order_notices(data: Mapping, documents: Sequence[str], source: str = "answers") -> list[dict]:
    """The notices ({clause, en, zh}) of the clauses these validated answers select in these documents,
    each once: what `contractgen check` shows before anything is built (the build shows the same from
    the documents' manifests)."""
    order = order_context(data, interview_for(documents), source)
    library = load_library()
    selected = []
    for name in documents:
        definition = load_definition(name)
        context = order.for_document(definition.term, definition.roles, definition.id)
        selected += [clause for section in select(definition, library, context) for clause in section.clauses]
    return clause_notices(selected)


def set_notices(documents: Sequence[Document]) -> list[dict]:
    """The notices the documents' manifests carry, each clause's once."""
    seen = {n["clause"]: n for d in documents for n in d.manifest.get("notices", ())}
    return list(seen.values())


def assemble_mapping(raw, documents: Sequence[str], source: str) -> tuple[Answers, tuple[Document, ...]]:
    """An answers mapping (as a YAML file, a form or a sheet row gives it) → validated Answers and the set.
    `source` names the input in every error."""
    answers = answers_from_mapping(raw, interview_for(documents), source)
    return answers, assemble_set(answers.data, documents, source)


def assemble_documents(answers_path: str | Path, documents: Sequence[str]) -> tuple[Answers, tuple[Document, ...]]:
    return assemble_mapping(load_yaml_file(answers_path), documents, str(answers_path))


# -- render: documents → files -------------------------------------------------------------------------

def check_output_options(formats: Sequence[str], layout: str, outdir: Path) -> None:
    """What build and batch check before reading or rendering anything."""
    check_formats(formats, layout)
    check_output_folder(outdir)


def check_formats(formats: Sequence[str], layout: str) -> None:
    if not formats:
        raise InputError(Problem("--format", "", AT_LEAST_ONE_OF(values=", ".join(FORMATS)), NONE()))
    for fmt in formats:
        if fmt not in FORMATS:
            raise InputError(Problem("--format", "", ONE_OF(values=", ".join(FORMATS)), as_typed(repr(fmt))))
    if layout not in LAYOUTS:
        raise InputError(Problem("--layout", "", ONE_OF(values=", ".join(LAYOUTS)), as_typed(repr(layout))))


def set_files(documents: Sequence[Document], rendered: dict[str, dict[str, bytes]], layout: str, folder: Path,
              previous: bool = True, answers: Mapping | None = None) -> tuple[dict[Path, bytes], frozenset[Path]]:
    """The rendered set (render_all) and each document's audit manifest, as {path in `folder`: bytes}; and
    the manifests that only extend the one already in `folder` (see manifest_json). `previous=False`
    for a set that is not written to `folder` (the web page's downloads). The validated `answers` go in
    each manifest file, so `contractgen verify` can rebuild the document from the manifest alone."""
    files: dict[Path, bytes] = {}
    updates: set[Path] = set()
    for document in documents:
        stem = output_stem(document, layout)
        outputs = {}
        for fmt, data in rendered[stem].items():
            files[folder / f"{stem}.{fmt}"] = data
            outputs[f"{stem}.{fmt}"] = hashlib.sha256(data).hexdigest()
        path = folder / f"{stem}.manifest.json"
        files[path], extends = manifest_json(path if previous else None, document, layout, outputs, answers)
        if extends:
            updates.add(path)
    return files, frozenset(updates)


def manifest_json(path: Path | None, document: Document, layout: str, outputs: dict[str, str],
                  answers: Mapping | None = None) -> tuple[bytes, bool]:
    """The audit manifest beside the outputs, and whether it only extends the one already at `path`.
    Files of other formats built earlier from the same answers and library stay listed, so building
    DOCX then Markdown does not conflict."""
    try:
        old = path.read_bytes() if path is not None else None
    except OSError:
        old = None
    record = {"manifest": document.manifest, "layout": layout, "files": dict(sorted(outputs.items()))}
    if answers is not None:
        record["answers"] = json.loads(canonical_json(answers))
    return _extended(old, record)


def extend_manifest(old: bytes | None, new: bytes) -> tuple[bytes, bool]:
    """A set's audit manifest made without reading its folder (set_files(previous=False)), extended with
    the one already there (`old`) as manifest_json does: for a writer whose folder the renderer cannot
    read (batch workers, a URL)."""
    if old is None:
        # `new` is already as _extended writes it; re-encoding it (indent makes json encode in Python) was
        # about a third of batch's main-process work per order
        return new, False
    return _extended(old, json.loads(new))


def _extended(old: bytes | None, record: dict) -> tuple[bytes, bool]:
    extends = False
    try:
        previous = json.loads(old) if old is not None else {}
        old_files = previous.get("files", {})
        if previous.get("manifest") == record["manifest"] and previous.get("layout") == record["layout"] and \
                all(record["files"].get(name, digest) == digest for name, digest in old_files.items()):
            record["files"] = dict(sorted({**old_files, **record["files"]}.items()))
            extends = True
    except (ValueError, AttributeError):
        pass
    return (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8"), extends


def build_files(raw, documents: Sequence[str], formats: Sequence[str], layout: str, source: str) -> dict[str, bytes]:
    """{file name: bytes} of the set as `contractgen build` writes it into an empty folder."""
    check_formats(formats, layout)
    answers, docs = assemble_mapping(raw, resolve_documents(documents), source)
    files, _ = set_files(docs, render_all(docs, formats, layout), layout, Path(), previous=False,
                         answers=answers.data)
    return {path.name: data for path, data in files.items()}


# -- build: a file in, files on disk -------------------------------------------------------------------

@dataclass
class BuildResult:
    answers: Answers
    documents: tuple[Document, ...]
    files: list[tuple[Path, str]] = field(default_factory=list)  # (path, written|replaced|unchanged)


def build(answers_path: str | Path, documents: Sequence[str], formats: Sequence[str], layout: str, outdir: Path,
          force: bool = False, progress: Progress | None = None) -> BuildResult:
    check_output_options(formats, layout, outdir)
    answers, docs = assemble_documents(answers_path, resolve_documents(documents))
    files, updates = set_files(docs, render_all(docs, formats, layout, progress), layout, outdir,
                               answers=answers.data)
    return BuildResult(answers, docs, write_files(files, force, updates))


# -- a lawyer's preview of one clause ------------------------------------------------------------------

@dataclass(frozen=True)
class Preview:
    clause: LibraryClause
    document: str  # the document whose `term` and interview the preview used
    selected: bool  # whether its `when` holds for these answers
    paragraphs_en: tuple[str, ...]
    paragraphs_zh: tuple[str, ...]


def preview_clause(clause_id: str, answers_path: str | Path) -> Preview:
    """One clause rendered in both languages with an order's answers, for a lawyer checking an edit."""
    clause = load_library().get(clause_id)
    documents = [d for d in clause.applies_to if d in available_documents()] or list(DEFAULT_DOCUMENTS)
    definition = load_definition(documents[0])
    interview = interview_for(documents)
    answers = answers_from_mapping(load_yaml_file(answers_path), interview, str(answers_path))
    context = order_context(answers.data, interview, str(answers_path)).for_document(
        definition.term, definition.roles, definition.id)
    selected = clause.when is None or clause.when.evaluate(context)
    return Preview(clause, definition.id, selected, clause.render("en", context), clause.render("zh", context))

