"""The PDF of every clause of the library, through the real engine (Typst, render/pdf.py) and read back
with pdftotext: no missing glyphs, no look-alike code points, every font embedded, and in the parallel
layout each clause's English beside its Chinese on the same page, across page breaks. Also: the house
layout's page furniture in every layout, the same bytes for the same document, and hostile text printed
as written."""
from __future__ import annotations

import dataclasses
import hashlib
import pickle
import re
import shutil
import subprocess
import sys
from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contractgen.answers.load import answers_from_mapping
from contractgen.documents.assembly import assemble
from contractgen.build import interview_for
from contractgen.library.clauses import load_library
from contractgen.library.definitions import load_definition
from contractgen.documents.context import order_context
from contractgen.core.errors import ValidationError
from contractgen.core.text import Text
from contractgen.render.pdf import render_pdf
from contractgen.documents.selection import select

from test_coverage import DOCUMENTS, EXAMPLES, choice_variants, variant

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is installed by scripts/setup.sh")

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
    """(document, its pages' text from pdftotext -raw, the PDF) for every covering document."""
    out = []
    for document in covering_documents():
        pdf = render_pdf(document, "parallel")
        out.append((document, pdf_text(pdf).split("\f"), pdf))
    return out


def pdf_text(pdf: bytes, *options: str) -> str:
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", *options, "-", "-"], input=pdf,
                          capture_output=True, check=True).stdout.decode("utf-8")


def flat(text: str) -> str:
    return "".join(text.split())


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


# --- the house layout, in every layout ----------------------------------------------------------------


@lru_cache(maxsize=None)
def sales_contract():
    return next(d for d in covering_documents() if d.kind == "sales_contract" and any(s.table for s in d.sections))


@pytest.mark.parametrize("layout", ["parallel", "stacked", "en", "zh"])
def test_every_layout_has_the_house_page_furniture_tables_and_signature_block(layout):
    document = sales_contract()
    pages = pdf_text(render_pdf(document, layout)).split("\f")[:-1]
    assert len(pages) > 2
    langs = ("en", "zh") if layout in ("parallel", "stacked") else (layout,)
    for number, page in enumerate(pages, start=1):
        text = flat(page)
        assert document.reference in text  # the running header
        if "en" in langs:
            assert f"Page{number}of{len(pages)}" in text, (layout, number)
        if "zh" in langs:
            assert f"第{number}页，共{len(pages)}页" in text, (layout, number)
    whole = flat("".join(pages))
    table = next(s.table for s in document.sections if s.table)
    for row in table.rows:
        assert flat(row.sku) in whole and flat(row.amount) in whole
    for signatory in document.signatories:
        for line in signatory.lines:  # "Company chop / 公司盖章" …
            for lang in langs:
                assert flat(getattr(line, lang)) in whole
    clause = document.sections[0].clauses[0]
    for lang in ("en", "zh"):
        shown = flat(getattr(clause, f"paragraphs_{lang}")[0])[:16] in whole
        assert shown == (lang in langs), (layout, lang)


def test_the_same_document_gives_the_same_bytes_in_another_process():
    document = sales_contract()
    first = render_pdf(document, "parallel")
    assert render_pdf(document, "parallel") == first
    again = subprocess.run(
        [sys.executable, "-c", "import sys, pickle; from contractgen.render.pdf import render_pdf; "
         "sys.stdout.buffer.write(render_pdf(pickle.load(sys.stdin.buffer), 'parallel'))"],
        input=pickle.dumps(document), capture_output=True, check=True).stdout
    assert hashlib.sha256(again).hexdigest() == hashlib.sha256(first).hexdigest()


# --- text is data, never markup ----------------------------------------------------------------------

# Typst markup and code (#, $, *, _, <, >, @, [ ], { }, \, `, //, =) with Latin and Chinese letters
HOSTILE = st.text(alphabet=st.sampled_from(list("#$*_<>@[]{}\\`/=~^%&'\"-+.:;!?()|abcXYZ019 合同买方卖方")),
                  min_size=1, max_size=60).filter(lambda t: t.strip())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=HOSTILE, paragraph=HOSTILE)
def test_hostile_text_prints_as_written(name, paragraph):
    base = sales_contract()
    clause = dataclasses.replace(base.sections[0].clauses[0], title=Text(name, name),
                                 paragraphs_en=(paragraph,), paragraphs_zh=(paragraph,))
    section = dataclasses.replace(base.sections[0], clauses=(clause,), table=None, tables=())
    party = dataclasses.replace(base.parties[0], name=Text(name, name))
    document = dataclasses.replace(base, reference=name, parties=(party,), sections=(section,))
    text = flat(pdf_text(render_pdf(document, "en")))
    for value in (name, paragraph):
        assert flat(value) in text, (value, text[:300])
