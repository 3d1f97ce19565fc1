"""`contractgen verify`: a built sales contract comes back, untouched or quietly edited, as a DOCX or a
PDF; verify must say 0 for the untouched one and 4, naming the article and both texts, for every edit.
The scanned routes (OCR) are in test_verify_scan.py."""
from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from conftest import EXAMPLE, run_cli
from contractgen.verify.reference import office_pdf

STEM = "SC-2026-0142-sales_contract"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CIETAC = "中国国际经济贸易仲裁委员会"
SHIAC = "上海国际仲裁中心"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("built")
    result = run_cli("build", EXAMPLE, "--format", "docx,pdf", "-o", out)
    assert result.returncode == 0, result.stderr
    return out


def is_chinese(text: str) -> bool:
    """A run of the Chinese column: more Chinese characters than Latin letters."""
    return sum("\u4e00" <= c <= "\u9fff" for c in text) > sum(c.isascii() and c.isalpha() for c in text)


def edit_docx(source: Path, target: Path, old: str, new: str, chinese: bool) -> Path:
    """The contract with the first `old` in a run of the wanted language replaced, as a factory edits in
    Word; the edit must be made exactly once."""
    document = docx.Document(str(source))
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        if old in run.text and is_chinese(run.text) == chinese:
                            run.text = run.text.replace(old, new, 1)
                            document.save(str(target))
                            return target
    raise AssertionError(f"{old!r} is in no {'Chinese' if chinese else 'English'} run of the contract")


def verify(returned: Path, built: Path, *extra):
    return run_cli("verify", returned, "--against", built / f"{STEM}.manifest.json", *extra)


def findings(result) -> list[dict]:
    return json.loads(result.stdout)["findings"]


def test_the_docx_as_built_matches(built):
    result = verify(built / f"{STEM}.docx", built, "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["matches"] is True and report["findings"] == [] and report["kind"] == "docx"


def test_one_chinese_number_changed_in_word_is_named_with_its_article_and_both_values(built, tmp_path):
    edited = edit_docx(built / f"{STEM}.docx", tmp_path / "returned.docx", "30%", "50%", chinese=True)
    result = verify(edited, built)
    assert result.returncode == 4, result.stdout + result.stderr
    assert "Article 3 Payment, 3.1" in result.stdout
    assert "was: 30%" in result.stdout and "now: 50%" in result.stdout
    assert "Chinese only" in result.stdout
    as_json = verify(edited, built, "--format", "json")
    assert as_json.returncode == 4
    [finding] = findings(as_json)
    assert (finding["category"], finding["lang"], finding["article"], finding["clause"]) == ("number", "zh", 3, "3.1")
    assert (finding["reference"], finding["returned"], finding["zh_only"]) == ("30%", "50%", True)


def test_a_deleted_sentence_is_reported_as_removed(built, tmp_path):
    sentence = "It shall be credited in full against the Contract Price."
    edited = edit_docx(built / f"{STEM}.docx", tmp_path / "returned.docx", sentence, "", chinese=False)
    result = verify(edited, built, "--format", "json")
    assert result.returncode == 4
    [finding] = findings(result)
    assert finding["change"] == "removed" and finding["lang"] == "en" and finding["article"] == 3
    assert finding["reference"] == sentence


def test_a_swapped_arbitration_institution_is_a_forum_change_in_the_chinese(built, tmp_path):
    edited = edit_docx(built / f"{STEM}.docx", tmp_path / "returned.docx", CIETAC, SHIAC, chinese=True)
    result = verify(edited, built, "--format", "json")
    assert result.returncode == 4
    found = findings(result)
    assert found and all(f["category"] == "forum" and f["lang"] == "zh" and f["zh_only"] for f in found)
    assert re.match(r"Article \d+ Governing Law and Dispute Resolution", found[0]["heading"]["en"])
    assert "仲裁" in found[0]["context"] and SHIAC[:2] in found[0]["returned"]


def test_the_redline_carries_word_tracked_changes(built, tmp_path):
    edited = edit_docx(built / f"{STEM}.docx", tmp_path / "returned.docx", "30%", "50%", chinese=True)
    redline = tmp_path / "redline.docx"
    result = verify(edited, built, "--redline", redline)
    assert result.returncode == 4
    with zipfile.ZipFile(redline) as package:
        body = etree.fromstring(package.read("word/document.xml"))
    deleted = ["".join(d.itertext()) for d in body.iter(f"{W}del")]
    inserted = ["".join(i.itertext()) for i in body.iter(f"{W}ins")]
    assert deleted == ["30%"] and inserted == ["50%"]
    assert all(d.find(f"{W}r/{W}delText") is not None for d in body.iter(f"{W}del"))
    # the same comparison gives the same file; another one never replaces it silently
    again = verify(edited, built, "--redline", redline)
    assert again.returncode == 4 and f"redline unchanged: {redline}" in again.stderr
    other = edit_docx(built / f"{STEM}.docx", tmp_path / "other.docx", "30%", "40%", chinese=True)
    refused = verify(other, built, "--redline", redline)
    assert refused.returncode == 2 and "--force" in refused.stderr
    with zipfile.ZipFile(redline) as package:
        assert "50%" in "".join(etree.fromstring(package.read("word/document.xml")).itertext())


def test_tracked_changes_the_factory_made_in_word_are_read_as_accepted(built, tmp_path):
    """An edit made with Track Changes on: the returned text is what Word shows, insertions in."""
    document = docx.Document(str(built / f"{STEM}.docx"))
    run = next(r for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs
               for r in p.runs if "30%" in r.text and is_chinese(r.text))
    before, after = run.text.split("30%", 1)
    run.text = before
    p = run._r.getparent()
    index = list(p).index(run._r)
    for offset, (tag, text) in enumerate((("del", "30%"), ("ins", "50%"), (None, after))):
        new_run = etree.SubElement(p, f"{W}r")
        t = etree.SubElement(new_run, f"{W}{'delText' if tag == 'del' else 't'}")
        t.text = text
        element = new_run
        if tag:
            element = etree.Element(f"{W}{tag}", {f"{W}id": str(offset), f"{W}author": "factory"})
            element.append(new_run)
        p.insert(index + 1 + offset, element)
    document.save(str(tmp_path / "tracked.docx"))
    result = verify(tmp_path / "tracked.docx", built, "--format", "json")
    assert result.returncode == 4
    [finding] = findings(result)
    assert (finding["reference"], finding["returned"]) == ("30%", "50%")


def test_the_pdf_as_built_matches_and_an_edited_one_names_the_change(built, tmp_path):
    clean = verify(built / f"{STEM}.pdf", built)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "MATCHES" in clean.stdout
    edited = edit_docx(built / f"{STEM}.docx", tmp_path / "returned.docx", "30%", "50%", chinese=True)
    pdf = tmp_path / "returned.pdf"  # printed from the edited DOCX by LibreOffice, as a factory prints it
    pdf.write_bytes(office_pdf(edited.read_bytes()))
    result = verify(pdf, built, "--format", "json")
    assert result.returncode == 4, result.stdout + result.stderr
    [finding] = findings(result)
    assert (finding["article"], finding["clause"], finding["reference"], finding["returned"]) == (3, "3.1", "30%", "50%")
    assert finding["page"] and json.loads(result.stdout)["kind"] == "pdf"


def test_answers_file_alone_rebuilds_the_reference_and_other_answers_are_refused(built, tmp_path, write_order):
    alone = run_cli("verify", built / f"{STEM}.docx", "--answers", EXAMPLE)
    assert alone.returncode == 0, alone.stdout + alone.stderr
    other = write_order({"payment.deposit_percent": 20})
    refused = run_cli("verify", built / f"{STEM}.docx", "--against", built / f"{STEM}.manifest.json",
                      "--answers", other)
    assert refused.returncode == 2
    assert "other answers" in refused.stderr and "Traceback" not in refused.stderr


def test_a_clause_version_gone_from_the_library_is_said_plainly(built, tmp_path):
    manifest = json.loads((built / f"{STEM}.manifest.json").read_text("utf-8"))
    for clause in manifest["manifest"]["clauses"]:
        if clause["id"] == "dispute.cietac":
            clause["version"] = "0.9.0"
    old = tmp_path / f"{STEM}.manifest.json"
    old.write_text(json.dumps(manifest), "utf-8")
    result = run_cli("verify", built / f"{STEM}.docx", "--against", old)
    assert result.returncode == 1
    assert "dispute.cietac@0.9.0" in result.stderr and "--library" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name, content, expected", [
    ("returned.txt", b"hello", "one .docx or .pdf file"),
    ("returned.docx", b"not a zip", "a Word document"),
    ("returned.pdf", b"%PDF-1.4 broken", "a PDF file"),
])
def test_unreadable_input_is_an_input_error(built, tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    result = verify(path, built)
    assert result.returncode == 2, result.stdout + result.stderr
    assert expected in result.stderr and "Traceback" not in result.stderr


def test_a_missing_article_is_never_a_match(built, tmp_path):
    document = docx.Document(str(built / f"{STEM}.docx"))
    body = document.element.body
    heading = next(p for p in document.paragraphs if p.text.startswith("Article 13 "))
    table = heading._p.getnext()
    body.remove(table)
    body.remove(heading._p)
    document.save(str(tmp_path / "returned.docx"))
    result = verify(tmp_path / "returned.docx", built, "--format", "json")
    assert result.returncode == 4
    first = findings(result)[0]
    assert first["category"] == "missing" and first["article"] == 13


def test_no_manifest_and_no_answers_is_a_usage_error(built):
    result = run_cli("verify", built / f"{STEM}.docx")
    assert result.returncode == 2 and "--against" in result.stderr


def test_verify_needs_no_copy_of_the_outputs(built, tmp_path):
    """Only the returned file and the manifest: the reference is rebuilt, not read from disk."""
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(built / f"{STEM}.manifest.json", alone)
    returned = tmp_path / "from-the-factory.docx"
    shutil.copy(built / f"{STEM}.docx", returned)
    result = run_cli("verify", returned, "--against", alone / f"{STEM}.manifest.json")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("example", sorted((EXAMPLE.parent).glob("*.yaml")), ids=lambda p: p.stem)
def test_every_document_of_a_whole_set_as_built_matches(example, tmp_path):
    """A document built with the rest of its set (`--docs all`) uses answers only the set's interview asks
    (the shipping date in the charter's calendar, the tooling's daily sum in the manufacturing
    agreement): rebuilt alone, it would differ with nothing edited. The manifest names the set."""
    result = run_cli("build", example, "--docs", "all", "--format", "docx", "-o", tmp_path)
    assert result.returncode == 0, result.stderr
    manifests = sorted(tmp_path.glob("*.manifest.json"))
    assert len(manifests) >= 8
    for manifest in manifests:
        returned = manifest.with_name(manifest.name.replace(".manifest.json", ".docx"))
        checked = run_cli("verify", returned, "--against", manifest, "--format", "json")
        assert checked.returncode == 0, (manifest.name, checked.stdout[-2000:], checked.stderr)
        recorded = json.loads(manifest.read_text("utf-8"))["manifest"]
        assert recorded["document"] in recorded["set"] and len(recorded["set"]) == len(manifests)


def test_another_document_of_the_order_is_the_wrong_file_not_a_contract_with_hundreds_of_changes(tmp_path):
    result = run_cli("build", EXAMPLE, "--docs", "sales_contract", "nnn", "--format", "docx,pdf", "-o", tmp_path)
    assert result.returncode == 0, result.stderr
    contract = tmp_path / f"{STEM}.manifest.json"
    for returned in (tmp_path / "SC-2026-0142-nnn.docx", tmp_path / "SC-2026-0142-nnn.pdf"):
        checked = run_cli("verify", returned, "--against", contract)
        assert checked.returncode == 2, checked.stdout[-1000:] + checked.stderr
        assert "expected Sales Contract SC-2026-0142" in checked.stderr
        assert "Non-Disclosure, Non-Use and Non-Circumvention Agreement" in checked.stderr
    # the contract itself, retitled by the factory, is still compared: a change, not the wrong file
    document = docx.Document(str(tmp_path / f"{STEM}.docx"))
    for paragraph in document.paragraphs[:2]:  # the title, in both languages
        paragraph.runs[0].text = {"Sales Contract": "Purchase Contract", "销售合同": "购销合同"}[paragraph.text]
    document.save(str(tmp_path / "retitled.docx"))
    checked = run_cli("verify", tmp_path / "retitled.docx", "--against", contract, "--format", "json")
    assert checked.returncode == 4, checked.stderr
    assert any("购" in f["returned"] and f["article"] == 0 for f in findings(checked)), checked.stdout


def test_without_a_manifest_docs_names_the_set_it_was_built_with(tmp_path):
    """With only the answers file, `verify --docs` says what `build --docs` was: rebuilt alone, a document
    of the set differs though nothing was edited; rebuilt with its set, it matches. A set without the
    document is refused."""
    assert run_cli("build", EXAMPLE, "--docs", "all", "--format", "docx", "-o", tmp_path).returncode == 0
    differed = []
    for document in ("communication_charter", "manufacturing_agreement"):
        returned = tmp_path / f"SC-2026-0142-{document}.docx"
        alone = run_cli("verify", returned, "--answers", EXAMPLE, "--doc", document)
        differed.append(alone.returncode == 4)
        assert alone.returncode in (0, 4), alone.stderr
        together = run_cli("verify", returned, "--answers", EXAMPLE, "--doc", document, "--docs", "all")
        assert together.returncode == 0, together.stdout[-2000:] + together.stderr
    assert any(differed)  # what --docs is for
    refused = run_cli("verify", tmp_path / f"{STEM}.docx", "--answers", EXAMPLE, "--docs", "nnn,po_annex")
    assert refused.returncode == 2 and "sales_contract" in refused.stderr and "nnn, po_annex" in refused.stderr
