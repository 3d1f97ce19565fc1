"""The PDF of every clause of the library, through the real engine (LibreOffice) and read back with
pdftotext: no missing glyphs, no look-alike code points, every font embedded, and in the parallel
layout each clause's English beside its Chinese on the same page, across page breaks."""
from __future__ import annotations

import re
import shutil
import subprocess
from functools import lru_cache

import pytest

from contractgen.answers.load import answers_from_mapping
from contractgen.documents.assembly import assemble
from contractgen.build import interview_for
from contractgen.library.clauses import load_library
from contractgen.library.definitions import load_definition
from contractgen.documents.context import order_context
from contractgen.core.errors import ValidationError
from contractgen.render.docx import render_docx
from contractgen.render.pdf import docx_to_pdf
from contractgen.documents.selection import select

from test_coverage import DOCUMENTS, EXAMPLES, choice_variants, variant

pytestmark = pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftotext"),
                                reason="LibreOffice and poppler-utils are installed by scripts/setup.sh")

LOOK_ALIKES = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf\uf900-\ufaff]")


@lru_cache(maxsize=None)
def covering_documents() -> list:
    """Few documents that together contain every approved clause of the library (greedy)."""
    library, interview = load_library(), interview_for(DOCUMENTS)
    definitions = {d: load_definition(d) for d in DOCUMENTS}
    wanted = {cid for cid, c in library.clauses.items() if c.status == "approved"}
    chosen = []
    for path in EXAMPLES:
        for changes in choice_variants():
            try:
                answers = answers_from_mapping(variant(path, changes), interview, path.name)
            except ValidationError:
                continue
            for name, definition in definitions.items():
                context = order_context(answers.data, interview).for_document(definition.term)
                ids = {c.id for s in select(definition, library, context) for c in s.clauses}
                if ids & wanted:
                    wanted -= ids
                    chosen.append(assemble(definition, order_context(answers.data, interview), library))
    assert not wanted, f"no order selects {sorted(wanted)}"
    return chosen


@lru_cache(maxsize=None)
def pdf_pages() -> list[tuple[object, list[str]]]:
    """(document, its pages' text from pdftotext -raw) for every covering document, one LibreOffice run."""
    documents = covering_documents()
    pdfs = docx_to_pdf({str(i): (render_docx(d, "parallel"), d.date) for i, d in enumerate(documents)})
    out = []
    for i, document in enumerate(documents):
        text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"], input=pdfs[str(i)],
                              capture_output=True, check=True).stdout.decode("utf-8")
        out.append((document, text.split("\f"), pdfs[str(i)]))
    return out


def flat(text: str) -> str:
    # the checklists' ☐ is drawn from a fallback symbol font that gives it no text; the words must be there
    return "".join(text.replace("☐", "").split())


def test_every_clause_prints_with_real_characters_and_embedded_fonts(tmp_path):
    for document, pages, pdf in pdf_pages():
        text = "".join(pages)
        assert "\ufffd" not in text, document.kind
        assert not LOOK_ALIKES.findall(text), (document.kind, sorted(set(LOOK_ALIKES.findall(text))))
        path = tmp_path / f"{document.kind}.pdf"
        path.write_bytes(pdf)
        fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
        rows = fonts.splitlines()[2:]
        assert any("CJK" in row for row in rows), fonts
        assert rows and all(row.split()[-5] == "yes" for row in rows), fonts  # every font embedded
        whole = flat(text)
        for section in document.sections:
            for clause in section.clauses:
                for paragraph in (*clause.paragraphs_en, *clause.paragraphs_zh):
                    assert flat(paragraph)[:16] in whole, (document.kind, clause.id, paragraph[:60])


def _page_of(pages_flat: list[str], needle: str, after: tuple[int, int]) -> tuple[int, int]:
    """(page, offset) of the first occurrence of `needle` at or after `after`."""
    page, offset = after
    while page < len(pages_flat):
        found = pages_flat[page].find(needle, offset)
        if found >= 0:
            return page, found + 1
        page, offset = page + 1, 0
    raise AssertionError(f"not found after page {after[0] + 1}: {needle}")


def _start(pages_flat, number: str, title: str, paragraph: str, words: int, after) -> tuple[int, int]:
    """Where one side of a clause starts: "6.2 Level 2: …" is unique by its number; an unnumbered
    title ("附件") also occurs in other clauses, so it is looked up with the words that follow it, or
    alone when a page break falls between the two."""
    if number and title:
        return _page_of(pages_flat, flat(f"{number} {title}"), after)
    try:
        return _page_of(pages_flat, flat(f"{title} {paragraph}")[:len(flat(title)) + words], after)
    except AssertionError:
        if not title:
            raise
        return _page_of(pages_flat, flat(title), after)


def test_parallel_layout_keeps_each_english_clause_beside_its_chinese_across_pages():
    crossed = 0
    for document, pages, _ in pdf_pages():
        pages_flat = [flat(p) for p in pages]
        at_en = at_zh = (0, 0)
        for section in document.sections:
            for clause in section.clauses:
                # where each side of the clause's row starts: its title (a row that splits across a page
                # splits each side at its own line, so the paragraphs below may start a page apart)
                at_en = _start(pages_flat, clause.number, clause.title.en, clause.paragraphs_en[0], 30, at_en)
                at_zh = _start(pages_flat, clause.number, clause.title.zh, clause.paragraphs_zh[0], 12, at_zh)
                assert at_en[0] == at_zh[0], (document.kind, clause.id, at_en[0] + 1, at_zh[0] + 1)
        crossed += len(pages) > 2
    assert crossed  # the check means something only if documents run over several pages
