"""Issue 14: the Chinese version is all Chinese, uses one word for one thing, and says what the English
says. The checks are proved to catch their faults (a period that differs, a forbidden variant in a
checklist, an English port name in the Chinese), and every built document of every example, and of the
examples with their optional `_zh` fields removed, is scanned for English."""
from __future__ import annotations

import copy
import importlib
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contractgen import cli
from contractgen.answers.load import answers_from_mapping
from contractgen.build import assemble_mapping, interview_for, resolve_documents
from contractgen.core.errors import InputError, LibraryError, ValidationError
from contractgen.core.yamlio import load_yaml_file
from contractgen.documents.assembly import assemble
from contractgen.documents.bilingual import order_strings
from contractgen.documents.context import order_context
from contractgen.facts.amounts import chinese_uppercase, read_chinese_uppercase
from contractgen.facts.places import forum_seats, latin_words, place_zh, unit_zh
from contractgen.library.clauses import load_library
from contractgen.library.definitions import load_definition
from contractgen.library.glossary import forbidden_variants, load_glossary
from contractgen.library.parity import clause_mismatches, latin_leftovers
from contractgen.lint import lint

from conftest import EXAMPLE, ROOT, docx_text, run_cli, set_path, DELETE

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
ALL = resolve_documents(["all"])


def interview():
    return interview_for(ALL)


def optional_zh_paths(data, questions, prefix="") -> list[str]:
    """The dotted paths (conftest.set_path style) of the optional `_zh` answers an order gives."""
    found = []
    for q in questions:
        if q.type == "list":
            for index, _ in enumerate(_get(data, q.path) or ()):
                found += optional_zh_paths(_get(data, q.path)[index], q.item, f"{prefix}{q.path}.{index}.")
        elif q.path.endswith("_zh") and not q.required and _get(data, q.path) is not None:
            found.append(prefix + q.path)
    return found


def _get(data, path):
    for part in path.split("."):
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def stripped(path: Path) -> dict:
    data = copy.deepcopy(load_yaml_file(path))
    for zh_path in optional_zh_paths(data, tuple(q for _, q in interview().questions())):
        set_path(data, zh_path, DELETE)
    return data


# -- the scan: every built document's Chinese, as the DOCX holds it ---------------------------------------

def english_in_docx(folder: Path, data: dict) -> dict[str, list[str]]:
    """Latin-script words in each built `--layout zh` DOCX that are not the order's neutral values (codes,
    SKUs, e-mails, foreign names, as their fields define) or neutral tokens (reference/neutral.yaml)."""
    valid = answers_from_mapping(data, interview(), "order")
    _, allowed = order_strings(valid.data, interview())
    found = {}
    for docx_file in sorted(folder.glob("*.docx")):
        words = latin_words(docx_text(docx_file), allowed)
        if words:
            found[docx_file.name] = sorted(set(words))
    return found


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_document_of_every_example_is_chinese_in_the_zh_layout(tmp_path, example):
    out = tmp_path / "out"
    result = run_cli("build", example, "--docs", "all", "--format", "docx", "--layout", "zh", "-o", out)
    assert result.returncode == 0, result.stderr
    assert len(list(out.glob("*.docx"))) == len(ALL)
    assert english_in_docx(out, load_yaml_file(example)) == {}


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_without_its_optional_zh_fields_an_example_is_refused_naming_each_field_to_fill(tmp_path, write_order,
                                                                                        example):
    data = stripped(example)
    removed = optional_zh_paths(load_yaml_file(example), tuple(q for _, q in interview().questions()))
    assert removed, "the example gives optional _zh fields"
    out = tmp_path / "out"
    result = run_cli("build", write_order({}, base=data), "--docs", "all", "--format", "docx",
                     "--layout", "zh", "-o", out)
    if result.returncode == 0:  # every removed field fell back to Chinese or neutral text
        assert english_in_docx(out, data) == {}
        return
    assert result.returncode == 2, result.stderr
    problems = [line for line in result.stderr.splitlines() if line.startswith("  ")]
    assert problems and "Traceback" not in result.stderr
    for line in problems:  # each names a field, and a field to fill: the `_zh` field or the field itself
        field = line.split(": ")[1]
        assert f"fill {field}" in line or "fill buyer.name_zh" in line or "write " + field in line, line
    with pytest.raises(ValidationError) as err:
        answers_from_mapping(data, interview(), "order")
    named = {re.sub(r"\[(\d+)\]", r".\1", p.path) for p in err.value.problems}
    fell_back = set(removed) - named  # a removed field validation did not name must have fallen back
    for path in fell_back:
        question = path.split(".")[-1]
        assert question.endswith("_zh")


def test_fields_that_fall_back_give_chinese_from_the_gazetteer_the_unit_table_and_the_legal_name(tmp_path,
                                                                                               write_order):
    data = copy.deepcopy(load_yaml_file(EXAMPLE))
    for path in ("contract.place_of_signing_zh", "delivery.named_place_zh", "dispute.seat_zh", "buyer.name_zh",
                 "buyer.address_zh", "tooling.marking"):
        set_path(data, path, DELETE)
    set_path(data, "products.0.unit", "sets")
    out = tmp_path / "out"
    result = run_cli("build", write_order({}, base=data), "--docs", "sales_contract", "manufacturing_agreement",
                     "qc_checklist", "--format", "docx", "--layout", "zh", "-o", out)
    assert result.returncode == 0, result.stderr
    contract = docx_text(next(out.glob("*sales_contract*.docx")))
    assert "签订地点：深圳" in contract and "FOB深圳盐田港" in contract and "仲裁地为北京" in contract
    assert "套" in contract  # sets
    # no Chinese name for the buyer: the English legal name everywhere, the tooling mark included
    assert "北风" not in contract
    assert "Property of Northwind Home Goods LLC / Northwind Home Goods LLC所有" in contract
    assert english_in_docx(out, data) == {}


def test_the_buyers_chinese_name_is_defined_once_in_the_party_block(tmp_path):
    out = tmp_path / "out"
    assert run_cli("build", EXAMPLE, "--format", "docx", "--layout", "zh", "-o", out).returncode == 0
    text = docx_text(next(out.glob("*.docx")))
    definition = "北风家居有限公司（英文名称：Northwind Home Goods LLC，以下简称“买方”）"
    assert text.count(definition) == 1, text[:400]


def test_a_tooling_mark_naming_an_undefined_chinese_buyer_name_is_refused(write_order):
    result = run_cli("check", write_order({"buyer.name_zh": DELETE,
                                           "tooling.marking": "Property of Northwind Home Goods LLC / 湖畔户外用品公司所有"}))
    assert result.returncode == 2
    assert "tooling.marking" in result.stderr and "fill buyer.name_zh" in result.stderr


# -- the checks catch their faults ----------------------------------------------------------------------

def library_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "clause_library"
    shutil.copytree(ROOT / "clause_library", folder)
    return folder


def edit_clause(folder: Path, clause_file: str, change) -> None:
    path = folder / clause_file
    data = yaml.safe_load(path.read_text("utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


def add_sentence(en: str, zh: str):
    def change(data):
        data["text"]["en"] += f"\n\n{en}"
        data["text"]["zh"] += f"\n{zh}"
    return change


def test_a_clause_whose_chinese_says_30_days_where_the_english_says_15_fails_the_build(tmp_path, monkeypatch,
                                                                                        capsys):
    folder = library_copy(tmp_path)
    edit_clause(folder, "parties/recitals.yaml", add_sentence("The Seller shall reply within 15 days.",
                                                              "卖方应于30日内答复。"))
    monkeypatch.setattr(importlib.import_module("contractgen.build"), "load_library", lambda: load_library(folder))
    code = cli.main(["build", str(EXAMPLE), "--format", "md", "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "clause parties.recitals: periods differ: EN 15 day; ZH 30 day" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_lint_reports_a_parity_fault_over_the_examples(tmp_path, monkeypatch):
    from contractgen import lint as lint_module

    folder = library_copy(tmp_path)
    edit_clause(folder, "parties/recitals.yaml", add_sentence("The price is USD 100.00.", "价格为美元200.00。"))
    monkeypatch.setattr(lint_module, "load_library", lambda: load_library(folder))
    problems = [str(p) for p in lint_module.lint_orders()]
    assert any("houseware-tooling.yaml" in p and "parties.recitals: amounts differ: EN USD 100; ZH USD 200" in p
               for p in problems), problems


def test_a_checklist_that_writes_shoufukuan_is_refused_by_lint_and_build(tmp_path):
    folder = library_copy(tmp_path)
    # shop talk for the deposit the clause otherwise names by the order's word (deposit_term)
    edit_clause(folder, "predeposit/first_wire.yaml",
                lambda d: d["text"].update(zh=d["text"]["zh"] + "\n☐ 首付款到账后，卖方方可开工。"))
    problems = [str(p) for p in lint(folder) if p.clause_id == "predeposit.first_wire"]
    assert problems and all("uses 首付款, which the glossary forbids: write 预付款" in p for p in problems), problems
    answers = answers_from_mapping(load_yaml_file(EXAMPLE), interview(), "order")
    with pytest.raises(LibraryError) as err:
        assemble(load_definition("predeposit_checklist"), order_context(answers.data, interview()),
                 load_library(folder))
    assert "首付款" in str(err.value) and "predeposit.first_wire" in str(err.value)


def test_lint_explains_the_glossary_rule(tmp_path):
    folder = library_copy(tmp_path)
    edit_clause(folder, "balance/after_inspection.yaml",
                lambda d: d["text"].update(zh=d["text"]["zh"] + "\n尾款付清后货物所有权转移。"))
    result = run_cli("clauses", "lint", "--library", folder)
    assert result.returncode == 2
    assert "uses 尾款, which the glossary forbids: write 余款" in result.stdout
    assert "One word for one thing" in result.stdout and "一事一词" in result.stdout
    assert "Adding a glossary term" in result.stdout


def test_an_english_port_name_in_clause_text_fails_the_build(tmp_path):
    folder = library_copy(tmp_path)
    edit_clause(folder, "delivery/terms.yaml", lambda d: d["text"].update(zh=d["text"]["zh"] + "\n货物经Ningbo Port转运。"))
    answers = answers_from_mapping(load_yaml_file(EXAMPLE), interview(), "order")
    with pytest.raises(LibraryError) as err:
        assemble(load_definition("sales_contract"), order_context(answers.data, interview()), load_library(folder))
    assert "clause delivery.terms: the Chinese has Latin-script text that is not language-neutral: Ningbo, Port" \
        in str(err.value)


def test_an_english_port_name_the_gazetteer_does_not_know_is_refused_naming_the_zh_field(write_order):
    result = run_cli("check", write_order({"delivery.named_place": "Port of Nowhere", "delivery.named_place_zh": DELETE}))
    assert result.returncode == 2
    assert "delivery.named_place_zh" in result.stderr and "fill delivery.named_place_zh" in result.stderr
    assert "Port of Nowhere" in result.stderr


def test_a_known_port_is_written_in_chinese_and_not_glued_to_the_incoterm(tmp_path, write_order):
    order = write_order({"delivery.named_place": "Ningbo-Zhoushan Port", "delivery.named_place_zh": DELETE})
    out = tmp_path / "out"
    assert run_cli("build", order, "--format", "docx", "--layout", "zh", "-o", out).returncode == 0
    text = docx_text(next(out.glob("*.docx")))
    assert "FOB宁波舟山港条件" in text and "Ningbo-Zhoushan" not in text


def test_time_zone_and_units_come_from_cldr_and_the_unit_table(tmp_path):
    out = tmp_path / "out"
    apparel = ROOT / "examples" / "apparel-earnest-hkiac.yaml"
    assert run_cli("build", apparel, "--docs", "communication_charter", "qc_checklist", "--format", "docx",
                   "--layout", "zh", "-o", out).returncode == 0
    charter = docx_text(next(out.glob("*communication_charter*.docx")))
    assert "德国（柏林）时间" in charter and "Europe/Berlin" not in charter and "Asia/Shanghai" not in charter
    checklist = docx_text(next(out.glob("*qc_checklist*.docx")))
    assert "3,000件" in checklist and "pcs" not in checklist


# -- the parts ---------------------------------------------------------------------------------------------

@given(st.decimals(min_value=0, max_value=Decimal("9999999999999999.99"), places=2, allow_nan=False,
                   allow_infinity=False))
def test_chinese_uppercase_reads_back_to_the_amount(amount):
    assert read_chinese_uppercase(chinese_uppercase(amount)) == amount


@pytest.mark.parametrize("text", ["", "元整", "壹壹元整", "拾元整x", "USD"])
def test_the_uppercase_reader_refuses_what_is_not_an_amount(text):
    with pytest.raises(ValueError):
        read_chinese_uppercase(text)


@pytest.mark.parametrize("en, zh, kind", [
    ("within 15 days", "30日内", "periods"),
    ("USD 16,000.00", "美元壹万伍仟元整", "amounts"),
    ("on 23 November 2026", "2026年11月24日", "dates"),
    ("under Article 586 of the Civil Code", "依照《民法典》第五百八十七条", "articles"),
    ("30% of the price", "价款的20%", "percentages"),
    ("in USD", "以欧元", "currencies"),
    ("Annex 2", "附件三", "numbers"),
])
def test_parity_finds_each_kind_of_mismatch(en, zh, kind):
    assert [m.kind for m in clause_mismatches(en, zh)] == [kind]


def test_parity_accepts_the_same_facts_in_each_languages_own_form():
    en = ("Pay USD 16,000.00 (SAY US DOLLARS SIXTEEN THOUSAND ONLY) by 23 November 2026, within 15 days, "
          "30% under Articles 586 to 588, or within one hour; see Annex 1; level 2.")
    zh = "于2026年11月23日前、15日内支付美元16,000.00（美元壹万陆仟元整），30%，第五百八十六条至第五百八十八条，或一小时内；见附件一；二级。"
    assert clause_mismatches(en, zh) == []


def test_glossary_variants_and_their_rule():
    glossary = load_glossary()
    assert {"定金", "预付款", "违约金", "重作", "解除", "余款", "装运前检验"} <= {t.zh for t in glossary.terms}
    found = forbidden_variants("支付首付款后，尾款于出货前检验后支付")
    assert [(v.found, v.term.zh) for v in found] == [("首付款", "预付款"), ("尾款", "余款"), ("出货前检验", "装运前检验")]
    assert forbidden_variants("买方支付预付款") == []
    assert "民法典" in next(t for t in glossary.terms if t.zh == "定金").source


def test_every_seat_the_library_offers_has_its_chinese_in_the_gazetteer():
    forum = next(q for _, q in interview().questions() if q.path == "dispute.forum")
    for choice in forum.choices:
        if choice.value == "prc_court":
            continue
        assert place_zh(forum_seats()[choice.value]), choice.value


def test_reference_tables_name_their_source_and_date():
    for name in ("places.yaml", "units.yaml", "neutral.yaml"):
        raw = load_yaml_file(ROOT / "reference" / name)
        assert raw["source"] and raw["date"], name
    assert unit_zh("pcs") == "件" and unit_zh("Sets") == "套" and unit_zh("kg") == "千克"


def test_every_text_question_says_how_it_appears_in_the_chinese():
    for _, q in interview().questions():
        for question in (q.item if q.type == "list" else (q,)):
            if question.type in ("string", "text"):
                assert question.in_zh, f"{question.path} has no in_zh kind"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=40))
def test_any_named_place_is_chinese_or_refused_naming_the_zh_field(place):
    data = copy.deepcopy(load_yaml_file(EXAMPLE))
    data["delivery"]["named_place"] = place
    del data["delivery"]["named_place_zh"]
    try:
        answers, documents = assemble_mapping(data, ["sales_contract"], "order")
    except ValidationError as exc:
        assert any(p.path.startswith("delivery.named_place") for p in exc.problems)
        return
    except InputError:
        return
    _, allowed = order_strings(answers.data, interview())
    paragraphs = [p for s in documents[0].sections for c in s.clauses for p in c.paragraphs_zh]
    assert latin_leftovers("\n".join(paragraphs), allowed) == []
