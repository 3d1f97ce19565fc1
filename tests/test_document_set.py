"""Every document of every example in every layout, read back from the real DOCX; one PDF per example
through LibreOffice, read back with pdftotext."""
from __future__ import annotations

import io
import re
import shutil
import subprocess

import docx
import pytest

from contractgen.build import assemble_documents, resolve_documents
from contractgen.render import LAYOUTS
from contractgen.render.docx import render_docx

from conftest import ROOT

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
DOCUMENTS = resolve_documents(["all"])
EXPECTED_DOCUMENTS = {"sales_contract", "nnn", "manufacturing_agreement", "po_annex", "predeposit_checklist", "qc_checklist",
                      "error_response_plan", "communication_charter"}


def all_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    return "\n".join(parts)


@pytest.fixture(scope="module", params=EXAMPLES, ids=lambda p: p.stem)
def example_set(request):
    return assemble_documents(request.param, DOCUMENTS)[1]


def test_the_set_has_all_four_documents():
    assert EXPECTED_DOCUMENTS <= set(DOCUMENTS)


def test_every_document_every_layout(example_set):
    for document in example_set:
        for layout in LAYOUTS:
            text = all_text(render_docx(document, layout))
            langs = {"en": ["en"], "zh": ["zh"]}.get(layout, ["en", "zh"])
            for lang in langs:
                assert getattr(document.title, lang) in text, (document.kind, layout)
                for section in document.sections:
                    assert getattr(section.heading, lang) in text, (document.kind, layout, section.heading)
                    for clause in section.clauses:
                        for paragraph in getattr(clause, f"paragraphs_{lang}"):
                            assert paragraph in text, (document.kind, layout, clause.id)
            if layout == "en":
                assert not any(p in text for s in document.sections for c in s.clauses for p in c.paragraphs_zh)
            if layout == "zh":
                assert not any(p in text for s in document.sections for c in s.clauses for p in c.paragraphs_en)


def test_documents_of_one_order_agree(example_set):
    by_kind = {d.kind: d for d in example_set}
    references = {d.reference for d in example_set}
    assert len(references) == 1
    # the same parties, word for word, in every document; only what a document calls them may differ
    # (the manufacturing agreement's 委托方 / 受托方)
    # (the manufacturing agreement's 委托方 / 受托方, also in the buyer's defined name: 以下简称"委托方")
    parties = {tuple((p.name.en, re.sub(r"，以下简称“[^”]+”", "", p.name.zh), p.address, p.details) for p in d.parties)
               for d in example_set}
    assert len(parties) == 1
    contract, annex = by_kind["sales_contract"], by_kind["po_annex"]
    repeated = {c.id: c for s in annex.sections for c in s.clauses}
    for section in contract.sections:
        for clause in section.clauses:
            if clause.id in repeated:  # the annex repeats the contract's key terms verbatim
                assert repeated[clause.id].paragraphs_en == clause.paragraphs_en
                assert repeated[clause.id].paragraphs_zh == clause.paragraphs_zh
    assert {"deposit", "balance", "remedy"} <= {cid.split(".")[0] for cid in repeated}


@pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftotext"),
                    reason="LibreOffice and poppler-utils are installed by scripts/setup.sh")
def test_one_pdf_per_example_has_real_chinese_text(tmp_path):
    sources = []
    for index, example in enumerate(EXAMPLES):
        _, documents = assemble_documents(example, DOCUMENTS)
        document = documents[index % len(documents)]  # a different document for each example
        path = tmp_path / f"{example.stem}-{document.kind}.docx"
        path.write_bytes(render_docx(document, "parallel"))
        sources.append((path, document))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), *[str(p) for p, _ in sources]],
                   check=True, capture_output=True, timeout=300)
    for path, document in sources:
        text = subprocess.run(["pdftotext", "-raw", str(path.with_suffix(".pdf")), "-"], check=True,
                              capture_output=True, text=True).stdout
        flat = "".join(text.split())
        assert "\ufffd" not in text
        assert not [c for c in text if 0x2F00 <= ord(c) <= 0x2FDF or 0xF900 <= ord(c) <= 0xFAFF]
        assert "".join(document.title.zh.split()) in flat
        assert "".join(document.parties[1].name.zh.split()) in flat
        last = document.sections[-1].clauses[-1].paragraphs_zh[-1]
        assert "".join(last.split())[:30] in flat, (document.kind, last)


def test_a_document_asks_only_what_it_needs(tmp_path, example_answers, write_order):
    """An NNN is signed before any order exists: no products, prices, payment or bank account."""
    from conftest import DELETE

    path = write_order({key: DELETE for key in ("products", "payment", "delivery", "packaging", "quality",
                                                "tooling", "subcontracting", "supplier.bank")})
    _, (nnn,) = assemble_documents(path, ["nnn"])
    assert nnn.title.zh == "保密、不使用和不规避协议"
    text = "".join(p for s in nnn.sections for c in s.clauses for p in c.paragraphs_zh)
    assert "本协议" in text and "本合同" not in text
    from contractgen.core.errors import ValidationError

    with pytest.raises(ValidationError) as err:
        assemble_documents(path, ["sales_contract"])
    assert {"products", "supplier.bank.beneficiary"} <= {p.path for p in err.value.problems}


def test_an_interview_offers_every_document_its_answers_cover():
    from contractgen.answers.paths import question_paths
    from contractgen.interview.definitions import load_interview
    from contractgen.library.definitions import available_documents, documents_for, load_definition

    def asked(interview: str) -> set[str]:
        return question_paths(tuple(q for _, q in load_interview(interview).questions()))

    assert documents_for("order_set") == ("sales_contract", *(d for d in available_documents() if d != "sales_contract"))
    for interview in available_documents():
        offered = documents_for(interview)
        assert interview in offered and ("sales_contract" not in offered or offered[0] == "sales_contract")
        for document in available_documents():
            covered = asked(load_definition(document).interview) <= asked(interview)
            assert (document in offered) == covered, (interview, document)
    # the NNN's questions are all asked by the sales contract's interview; the OEM agreement's are not
    assert "nnn" in documents_for("sales_contract") and "manufacturing_agreement" not in documents_for("sales_contract")
