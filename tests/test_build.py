"""The sales contract end to end, through the real CLI, checked in the real DOCX (python-docx) and PDF
(LibreOffice → pdftotext), with the six invariants of the design card."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys

import pytest

from contractgen.build import assemble_documents, build, build_files, extend_manifest
from contractgen.core.yamlio import load_yaml_file
from contractgen.core.errors import TemplateError
from contractgen.render.docx import read_custom_properties

from conftest import DELETE, EXAMPLE, ROOT, docx_text, run_cli

CIETAC_ZH = "凡因本合同引起的或与本合同有关的任何争议，均应提交中国国际经济贸易仲裁委员会，按照申请仲裁时该会现行有效的仲裁规则进行仲裁。仲裁裁决是终局的，对双方均有约束力。"
CIETAC_EN = ("Any dispute arising from or in connection with this Contract shall be submitted to China International "
             "Economic and Trade Arbitration Commission (CIETAC) for arbitration")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    result = run_cli("build", EXAMPLE, "-o", out, "--format", "docx,md")
    assert result.returncode == 0, result.stderr
    return out


def test_build_writes_docx_markdown_and_manifest(built):
    names = sorted(p.name for p in built.iterdir())
    assert names == ["SC-2026-0142-sales_contract.docx", "SC-2026-0142-sales_contract.manifest.json",
                     "SC-2026-0142-sales_contract.md"]


def test_docx_holds_the_contract_in_both_languages(built):
    text = docx_text(built / "SC-2026-0142-sales_contract.docx")
    for expected in [
        "深圳市华信家居用品有限公司", "9144030071526726XG", "Northwind Home Goods LLC",
        CIETAC_ZH, CIETAC_EN,
        "USD 16,000.00", "美元16,000.00",  # 5,000 × 3.20
        "SAY US DOLLARS SIXTEEN THOUSAND ONLY", "美元壹万陆仟元整",
        "USD 4,800.00",  # 30 % advance payment
        "预付款", "重作", "违约金",
        "第一条", "Article 1",
        "15 February 2027", "2027年2月15日",
        "Property of Northwind Home Goods LLC / 北风家居有限公司所有",  # tooling marking
        "SC-2026-0142",
    ]:
        assert expected in text, expected
    assert "并非定金" in text  # an advance payment, expressly not earnest money


def test_only_the_chosen_forum_and_variants_are_selected(write_order, tmp_path):
    path = write_order({"dispute.forum": "hkiac", "dispute.seat": "Hong Kong", "dispute.seat_zh": "香港",
                        "dispute.language": "en", "tooling": DELETE, "payment.deposit_kind": "earnest",
                        "payment.deposit_percent": 20})
    _, (document,) = assemble_documents(path, ["sales_contract"])
    ids = [c.id for s in document.sections for c in s.clauses]
    text = "\n".join(p for s in document.sections for c in s.clauses for p in c.paragraphs_zh + c.paragraphs_en)
    assert "Hong Kong International Arbitration Centre" in text and "香港国际仲裁中心" in text
    assert "中国国际经济贸易仲裁委员会" not in text
    assert not any(i.startswith("tooling.") for i in ids)
    assert "定金" in text and "双倍返还" in text
    numbers = [s.number for s in document.sections]
    assert numbers == list(range(1, len(numbers) + 1))


def test_hostile_values_print_literally_and_the_docx_stays_valid(write_order, tmp_path):
    hostile = "{{ 7*7 }} Smith & Jones <Asia> <w:p>& {% raw %}"
    path = write_order({"supplier.name_en": hostile, "buyer.name_en": "Buyer {{ 7*7 }}",
                        "products.0.description_en": "Bottle <b>&amp;</b> {{ x }}"})
    out = tmp_path / "out"
    result = run_cli("build", path, "-o", out)
    assert result.returncode == 0, result.stderr
    text = docx_text(next(out.glob("*.docx")))
    assert hostile in text
    assert "Buyer {{ 7*7 }}" in text and "Buyer 49" not in text
    assert "Bottle <b>&amp;</b> {{ x }}" in text


def test_rebuild_is_byte_identical(write_order, tmp_path):
    path = write_order()
    digests = []
    for name in ("a", "b"):
        result = run_cli("build", path, "-o", tmp_path / name, "--format", "docx,md")
        assert result.returncode == 0, result.stderr
        digests.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (tmp_path / name).iterdir()})
    assert digests[0] == digests[1]


def test_audit_manifest_in_docx_and_json(built):
    data = (built / "SC-2026-0142-sales_contract.docx").read_bytes()
    props = read_custom_properties(data)
    record = json.loads((built / "SC-2026-0142-sales_contract.manifest.json").read_text("utf-8"))
    manifest = record["manifest"]
    assert json.loads(props["contractgen.manifest"]) == manifest
    assert props["contractgen.answers_sha256"] == manifest["answers_sha256"]
    assert props["contractgen.tool_version"] == manifest["tool_version"]
    assert len(manifest["answers_sha256"]) == 64
    ids = [c["id"] for c in manifest["clauses"]]
    assert "dispute.cietac" in ids and len(ids) == len(set(ids)) > 15
    assert all(len(c["sha256"]) == 64 and c["version"].count(".") == 2 for c in manifest["clauses"])
    assert record["files"]["SC-2026-0142-sales_contract.docx"] == hashlib.sha256(data).hexdigest()


def test_no_silent_overwrite(write_order, tmp_path):
    out = tmp_path / "out"
    first = run_cli("build", write_order(), "-o", out)
    assert first.returncode == 0
    again = run_cli("build", write_order(), "-o", out)
    assert again.returncode == 0 and "unchanged" in again.stdout
    target = out / "SC-2026-0142-sales_contract.docx"
    before = target.read_bytes()
    changed = write_order({"products.0.quantity": 6000})
    refused = run_cli("build", changed, "-o", out)
    assert refused.returncode == 2
    assert str(target) in refused.stderr and "--force" in refused.stderr
    assert target.read_bytes() == before
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temp files left behind
    forced = run_cli("build", changed, "-o", out, "--force")
    assert forced.returncode == 0 and target.read_bytes() != before


def test_validation_errors_exit_2_with_file_and_field_and_no_traceback(write_order, tmp_path):
    path = write_order({"payment.deposit_percent": 120, "supplier.uscc": "9144030071526726XA"})
    result = run_cli("build", path, "-o", tmp_path / "out")
    assert result.returncode == 2
    assert f"{path}: payment.deposit_percent: expected a number from 0 to 100, found 120" in result.stderr
    assert f"{path}: supplier.uscc:" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_missing_file_and_alias_bomb(tmp_path):
    result = run_cli("check", tmp_path / "nope.yaml")
    assert result.returncode == 2 and "nope.yaml" in result.stderr and "Traceback" not in result.stderr
    bomb = tmp_path / "bomb.yaml"
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)]
    bomb.write_text("\n".join(lines))
    result = run_cli("check", bomb)
    assert result.returncode == 2 and "alias" in result.stderr


def test_strict_undefined_names_clause_and_variable(example_answers, tmp_path):
    from contractgen.library.clauses import read_library

    library, problems = read_library()
    assert not problems
    clause = library.clauses["dispute.cietac"]
    context = {"dispute": {}, "currency": "USD"}
    with pytest.raises(TemplateError) as err:
        clause.render("en", context)
    assert "dispute.cietac" in str(err.value) and "dispute.seat" in str(err.value)


def test_debug_shows_traceback(tmp_path):
    result = run_cli("--debug", "build", tmp_path / "missing.yaml")
    assert result.returncode == 2 and "Traceback" in result.stderr


@pytest.mark.parametrize("layout", ["parallel", "stacked", "en", "zh"])
def test_every_layout_builds(tmp_path, layout):
    result = build(EXAMPLE, ["sales_contract"], ["docx"], layout, tmp_path)
    (path, status), = [f for f in result.files if f[0].suffix == ".docx"]
    text = docx_text(path)
    if layout != "zh":
        assert CIETAC_EN in text
    if layout != "en":
        assert CIETAC_ZH in text
    if layout == "en":
        assert "中国国际经济贸易仲裁委员会" not in text
    if layout == "zh":
        assert "International Economic and Trade" not in text


def test_init_writes_a_skeleton_that_names_every_question(tmp_path):
    target = tmp_path / "order.yaml"
    result = run_cli("init", "sales_contract", "-o", target)
    assert result.returncode == 0, result.stderr
    text = target.read_text("utf-8")
    for key in ("deposit_percent:", "uscc:", "incoterm:", "beneficiary:", "# tooling:", "重作"):
        assert key in text, key
    check = run_cli("check", target)
    assert check.returncode == 2 and "contract.number: expected an answer" in check.stderr
    assert run_cli("init", "sales_contract", "-o", target).returncode == 0  # identical: nothing lost
    target.write_text(text + "# my notes\n", "utf-8")
    again = run_cli("init", "sales_contract", "-o", target)
    assert again.returncode == 2 and "--force" in again.stderr  # never a silent overwrite
    assert target.read_text("utf-8").endswith("# my notes\n")


def test_demo(tmp_path):
    result = run_cli("demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "contractgen-demo" / "SC-2026-0142-sales_contract.docx").is_file()
    again = run_cli("demo", cwd=tmp_path)
    assert again.returncode == 0 and "unchanged" in again.stdout


def test_every_command_has_help():
    for command in (["demo"], ["init"], ["check"], ["build"], ["clauses"], ["clauses", "list"], ["clauses", "show"],
                    ["clauses", "lint"]):
        result = run_cli(*command, "--help")
        assert result.returncode == 0 and "usage:" in result.stdout, command


def test_clauses_list_and_show():
    listing = run_cli("clauses", "list")
    assert listing.returncode == 0 and "dispute.cietac" in listing.stdout
    shown = run_cli("clauses", "show", "dispute.cietac")
    assert shown.returncode == 0 and "中国国际经济贸易仲裁委员会" in shown.stdout
    unknown = run_cli("clauses", "show", "no.such")
    assert unknown.returncode == 1 and "no clause 'no.such'" in unknown.stderr


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is installed by scripts/setup.sh")
def test_pdf_has_the_chinese_text_an_embedded_cjk_font_and_rebuilds_identically(tmp_path):
    out = tmp_path / "out"
    result = run_cli("build", EXAMPLE, "-o", out, "--format", "pdf")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == ["[1/1] SC-2026-0142-sales_contract.pdf"], result.stderr
    pdf = out / "SC-2026-0142-sales_contract.pdf"
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    flat = "".join(text.split())
    assert "".join(CIETAC_ZH.split()) in flat
    assert "美元壹万陆仟元整" in flat and "深圳市华信家居用品有限公司" in flat
    assert "\ufffd" not in text
    assert not [c for c in text if 0x2F00 <= ord(c) <= 0x2FDF or 0xF900 <= ord(c) <= 0xFAFF]
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    cjk = [line for line in fonts.splitlines()[2:] if "CJK" in line]
    assert cjk and all(line.split()[-5] == "yes" for line in cjk)  # embedded
    record = json.loads((out / "SC-2026-0142-sales_contract.manifest.json").read_text("utf-8"))
    assert record["files"]["SC-2026-0142-sales_contract.pdf"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    again = run_cli("build", EXAMPLE, "-o", out, "--format", "pdf")
    assert again.returncode == 0 and "unchanged" in again.stdout and "written" not in again.stdout, again.stderr


def test_missing_pdf_font_is_a_clear_error(tmp_path):
    # a house font this machine lacks (the real fonts cannot be uninstalled for a test)
    code = ("import sys; import contractgen.render.pdf as pdf; from contractgen.cli import main; "
            "pdf.FONTS['No Such Serif SC'] = 'fonts-no-such'; sys.exit(main(sys.argv[1:]))")
    result = subprocess.run([sys.executable, "-c", code, "build", str(EXAMPLE), "-o", str(tmp_path / "out"),
                             "--format", "docx,pdf"], capture_output=True, text=True, env={**os.environ,
                             "PYTHONPATH": str(ROOT)})
    assert result.returncode == 1
    assert "No Such Serif SC" in result.stderr and "apt-get install -y fonts-no-such" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "out").exists()


def test_one_conflict_means_nothing_is_written(tmp_path):
    from contractgen.core.errors import InputError
    from contractgen.core.output import write_files

    existing = tmp_path / "b.docx"
    existing.write_bytes(b"the lawyer's edited copy")
    with pytest.raises(InputError) as err:
        write_files({tmp_path / "a.docx": b"new", existing: b"different"})
    assert str(existing) in str(err.value)
    assert not (tmp_path / "a.docx").exists() and existing.read_bytes() == b"the lawyer's edited copy"


def test_clauses_preview_renders_with_the_bundled_or_given_answers(write_order):
    bundled = run_cli("clauses", "preview", "dispute.cietac")
    assert bundled.returncode == 0, bundled.stderr
    assert CIETAC_ZH in bundled.stdout and "仲裁地为北京" in bundled.stdout
    given = run_cli("clauses", "preview", "dispute.cietac", "--answers",
                    write_order({"dispute.seat": "Shanghai", "dispute.seat_zh": "上海"}))
    assert given.returncode == 0 and "仲裁地为上海" in given.stdout
    unselected = run_cli("clauses", "preview", "dispute.hkiac")
    assert unselected.returncode == 0 and "no document would include it" in unselected.stdout
    nnn = run_cli("clauses", "preview", "nnn.term")
    assert nnn.returncode == 0 and "本协议" in nnn.stdout


def test_building_another_format_later_extends_the_manifest(tmp_path):
    out = tmp_path / "out"
    assert run_cli("build", EXAMPLE, "-o", out).returncode == 0
    later = run_cli("build", EXAMPLE, "-o", out, "--format", "md")
    assert later.returncode == 0, later.stderr
    record = json.loads((out / "SC-2026-0142-sales_contract.manifest.json").read_text("utf-8"))
    assert set(record["files"]) == {"SC-2026-0142-sales_contract.docx", "SC-2026-0142-sales_contract.md"}


def test_a_manifest_with_nothing_to_extend_is_written_as_it_was_made():
    files = build_files(load_yaml_file(EXAMPLE), ["po_annex"], ["md"], "parallel", "example")
    made = next(data for name, data in files.items() if name.endswith(".manifest.json"))
    assert extend_manifest(None, made) == (made, False)
    assert extend_manifest(b"{}", made) == (made, False)  # re-encoded when there is something to compare
