"""What the contract should say: the document rebuilt from its answers and the clause versions its
manifest records, rendered as the returned one was (DOCX, or the PDF), each line
tagged with the article and clause it belongs to. No stored copy is needed, and none is trusted."""
from __future__ import annotations

import json
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..build import assemble_set, resolve_documents, validate_mapping
from ..core.errors import InputError, LibraryError, Problem
from ..core.messages import as_typed, message
from ..core.input_files import read_bounded
from ..core.text import Text
from ..core.yamlio import load_yaml_file
from ..documents.manifest import answers_sha256
from ..documents.model import Document
from ..library.clauses import load_library
from ..library.definitions import available_documents
from ..render import LAYOUTS
from ..render.formats import render
from .returned import docx_lines, pdf_text_pages
from .text import Line, Where

MAX_MANIFEST_BYTES = 16 * 1024 * 1024
OFFICE_SECONDS = 300


_A_MANIFEST = message("verify.a_manifest", "a .manifest.json that `contractgen build` wrote")
_SOMETHING_ELSE = message("verify.something_else", "something else ({detail})")
_ONE_OF = message("verify.one_of", "one of {values}")
_RECORDED_ANSWERS = message("verify.recorded_answers", "the answers the contract was built from (a manifest written "
                            "by this version records them; otherwise give --answers order.yaml)")
_NONE = message("verify.none", "none")
_SAME_ANSWERS = message("verify.same_answers", "the answers {manifest} was built from (sha256 {sha256})")
_WITH_DOCUMENT = message("verify.with_document", "the documents {document} was built with, {document} among them")
_DOCUMENT_SET = message("verify.document_set", "the documents built together, including this one, each one of {values}")
_OTHER_ANSWERS = message("verify.other_answers", "other answers (sha256 {sha256})")


@dataclass(frozen=True)
class Reference:
    document: Document
    layout: str
    lines: list[Line]  # every line with its Where
    answers: dict  # validated


def read_manifest(path: Path) -> dict:
    source = str(path)
    try:
        record = json.loads(read_bounded(path, MAX_MANIFEST_BYTES).decode("utf-8"))
        manifest = record["manifest"]
        if not isinstance(manifest.get("document"), str) or not isinstance(manifest.get("clauses"), list):
            raise KeyError("manifest.document")
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(Problem(source, "", _A_MANIFEST(), _SOMETHING_ELSE(detail=as_typed(f"{type(exc).__name__}: {exc}")))) from None
    return record


def rebuild(manifest_path: Path | None, answers_path: Path | None, document: str, layout: str,
            library_folder: Path | None, fmt: str, built_with: list[str] | None = None) -> Reference:
    """The reference document in `fmt` (docx; pdf for our PDF or a scan; office-pdf for a PDF printed from
    Word or LibreOffice). With a manifest, its document, layout, set and clause versions decide, and
    answers given with it must be the ones it records; without one, `document` built with `built_with`
    (`build --docs` as the user gave it; None: alone)."""
    record = read_manifest(manifest_path) if manifest_path else None
    if record:
        document, layout = record["manifest"]["document"], record.get("layout", layout)
    if layout not in LAYOUTS:
        raise InputError(Problem(str(manifest_path), "layout", _ONE_OF(values=", ".join(LAYOUTS)), as_typed(repr(layout))))
    if answers_path:
        raw, source = load_yaml_file(answers_path), str(answers_path)
    elif record and isinstance(record.get("answers"), dict):
        raw, source = record["answers"], f"{manifest_path}: answers"
    else:
        raise InputError(Problem(str(manifest_path), "answers", _RECORDED_ANSWERS(), _NONE()))
    together = _built_with(record, document, manifest_path) if record else _given_set(document, built_with)
    answers = validate_mapping(raw, together, source)
    if record and answers_sha256(answers.data) != record["manifest"].get("answers_sha256"):
        raise InputError(Problem(source, "", _SAME_ANSWERS(manifest=str(manifest_path),
                                                       sha256=str(record["manifest"].get("answers_sha256"))),
                                 _OTHER_ANSWERS(sha256=answers_sha256(answers.data))))
    library = load_library(library_folder) if library_folder else load_library()
    if record:
        _check_versions(record["manifest"]["clauses"], library, manifest_path)
    built = assemble_set(answers.data, [document], source, library, together)[0]
    if record:
        _check_selection(built, record["manifest"]["clauses"], manifest_path)
    docx = render(built, "docx", layout)
    if fmt == "docx":
        lines = docx_lines(docx, "the rebuilt contract")
    else:
        pdf = render(built, "pdf", layout) if fmt == "pdf" else office_pdf(docx)
        with tempfile.TemporaryDirectory(prefix="contractgen-verify-") as tmp:
            path = Path(tmp) / "reference.pdf"
            path.write_bytes(pdf)
            pages = pdf_text_pages(path)
        lines = [item for page in sorted(pages) for item in pages[page]]
    return Reference(built, layout, locate(lines, built), answers.data)


def _built_with(record: dict, document: str, manifest_path: Path) -> list[str]:
    """The documents the contract was built together with (the manifest's `set`): their interview decided
    which answers its derived values use, so the rebuild uses the same. A manifest without it (an older
    version): the document alone. Without a manifest, _given_set decides."""
    together = record["manifest"].get("set") or [document]
    known = available_documents()
    if not isinstance(together, list) or document not in together or not all(d in known for d in together):
        raise InputError(Problem(str(manifest_path), "manifest.set", _DOCUMENT_SET(values=", ".join(known)),
                                 as_typed(repr(together))))
    return together


def _given_set(document: str, built_with: list[str] | None) -> list[str]:
    together = resolve_documents(built_with) if built_with else [document]
    if document not in together:
        raise InputError(Problem("--docs", "", _WITH_DOCUMENT(document=document), as_typed(", ".join(together))))
    return together


def office_pdf(docx: bytes) -> bytes:
    """The DOCX printed by LibreOffice, as a factory prints it from its word processor."""
    with tempfile.TemporaryDirectory(prefix="contractgen-verify-") as tmp:
        source = Path(tmp) / "reference.docx"
        source.write_bytes(docx)
        result = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless",
                                 "--convert-to", "pdf", "--outdir", tmp, str(source)], capture_output=True,
                                timeout=OFFICE_SECONDS)
        printed = Path(tmp) / "reference.pdf"
        if not printed.is_file():
            raise LibraryError("LibreOffice could not print the rebuilt contract to compare with a PDF printed "
                               f"from Word or LibreOffice: {result.stderr.decode(errors='replace')[-300:]}")
        return printed.read_bytes()


def _check_versions(recorded: list[dict], library, manifest_path: Path) -> None:
    gone = []
    for clause in recorded:
        have = library.clauses.get(clause.get("id"))
        if have is None or have.version != clause.get("version") or have.sha256 != clause.get("sha256"):
            now = "it is no longer in the library" if have is None else \
                f"the library now has {have.version}" + ("" if have.version != clause.get("version") else " with other text")
            gone.append(f"{clause.get('id')}@{clause.get('version')} ({now})")
    if gone:
        raise LibraryError(f"{manifest_path}: the contract was built with clause versions this library does not "
                           f"have, so it cannot be rebuilt to compare: {'; '.join(gone)}. Verify against the "
                           f"library it was built with: --library FOLDER (a checkout of that version's "
                           f"clause_library/)")


def _check_selection(built: Document, recorded: list[dict], manifest_path: Path) -> None:
    key = [(c.get("id"), c.get("version"), c.get("sha256")) for c in recorded]
    rebuilt = [(c["id"], c["version"], c["sha256"]) for c in built.manifest["clauses"]]
    if key != rebuilt:
        missing = sorted({k[0] for k in key} ^ {k[0] for k in rebuilt})
        raise LibraryError(f"{manifest_path}: rebuilt from its answers, the document does not carry the clauses the "
                           f"manifest records (differing: {', '.join(missing) or 'their order'}); the document "
                           f"definitions or selection rules changed since it was built")


def locate(lines: list[Line], document: Document) -> list[Line]:
    """Each line tagged with its article and clause, found by the headings and clause titles, which the
    reference prints exactly as the model has them."""
    sections = list(document.sections)
    roles = {t for s in document.signatories for t in (s.role.en, s.role.zh) if t}
    where = Where(0, Text("", ""))
    out = []
    for item in lines:
        text = item.text.strip()
        for section in sections[max(where.article - 1, 0):]:
            if _starts(text, section.heading.en) or _starts(text, section.heading.zh):
                if section.number != where.article:
                    only = section.clauses[0].id if len(section.clauses) == 1 else ""
                    where = Where(section.number, section.heading, "", only)
                break
        if where.article > 0:
            for clause in sections[where.article - 1].clauses if where.article <= len(sections) else ():
                titles = [f"{clause.number} {t}".strip() for t in (clause.title.en, clause.title.zh)]
                if clause.number and any(_starts(text, t) for t in titles):
                    where = Where(where.article, where.heading, clause.number, clause.id)
        if where.article == len(sections) and any(text == r or text.startswith(r + " ") for r in roles):
            where = Where(-1, Text("Signatures", "签署"))
        out.append(Line(item.words, item.page, where))
    return out


def _starts(text: str, heading: str) -> bool:
    """The line is the heading, or its first part when the heading wraps."""
    return bool(heading) and (text == heading or (len(text) >= 8 and heading.startswith(text) and
                                                  text.split()[0] == heading.split()[0]))
