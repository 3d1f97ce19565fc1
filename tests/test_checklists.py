"""The four checklists (pre-deposit, QC inspection, production-error response, communication charter),
built from the example orders through the real pipeline and read back from the DOCX with python-docx."""
from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import docx
import pytest
from lxml import etree

from contractgen.build import assemble_documents, build
from contractgen.facts.derived import work_overlap
from contractgen.core.errors import ValidationError
from contractgen.documents.labels import LABELS
from contractgen.render import LAYOUTS
from contractgen.render.docx import WIDTHS_MARK, read_custom_properties, render_docx
from contractgen.render.markdown import render_markdown
from contractgen.risk import rules
from contractgen.risk.rules import load_rules

from conftest import DELETE, ROOT, rule_text, run_cli, write_rules

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
CHECKLISTS = ["predeposit_checklist", "qc_checklist", "error_response_plan", "communication_charter"]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def open_docx(path_or_bytes) -> docx.document.Document:
    if isinstance(path_or_bytes, bytes):
        return docx.Document(io.BytesIO(path_or_bytes))
    return docx.Document(str(path_or_bytes))


def paragraphs(document) -> list[str]:
    """Every paragraph of the body, those in table cells included."""
    body = document.element.body
    return ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in body.iter(f"{W}p")]


def table_with(document, header: str):
    """The first table whose first header cell starts with `header`."""
    for table in document.tables:
        if table.rows and table.rows[0].cells[0].text.startswith(header):
            return table
    raise AssertionError(f"no table with a header starting {header!r}")


def tables_with(document, header: str) -> list:
    return [t for t in document.tables if t.rows and t.rows[0].cells[0].text.startswith(header)]


@pytest.fixture(scope="module", params=EXAMPLES, ids=lambda p: p.stem)
def built(request, tmp_path_factory):
    """The four checklists of one example, as DOCX and Markdown with their manifests."""
    out = tmp_path_factory.mktemp(request.param.stem)
    result = build(request.param, CHECKLISTS, ["docx", "md"], "parallel", out)
    return request.param, out, {d.kind: d for d in result.documents}


def built_file(built, kind: str, ext: str) -> Path:
    _, out, documents = built
    return out / f"{documents[kind].reference}-{kind}.{ext}"


# --- every checklist, every example -----------------------------------------------------------------


def test_each_checklist_is_built_with_its_audit_manifest(built):
    example, out, documents = built
    assert set(documents) == set(CHECKLISTS)
    for kind, document in documents.items():
        data = built_file(built, kind, "docx").read_bytes()
        props = read_custom_properties(data)
        record = json.loads(built_file(built, kind, "manifest.json").read_text("utf-8"))
        assert json.loads(props["contractgen.manifest"]) == record["manifest"] == document.manifest
        assert record["manifest"]["document"] == kind
        assert len(record["manifest"]["answers_sha256"]) == 64
        ids = [c["id"] for c in record["manifest"]["clauses"]]
        assert ids and len(ids) == len(set(ids))
        prefix = {"predeposit_checklist": "predeposit.", "qc_checklist": "qc.", "error_response_plan": "error_plan.",
                  "communication_charter": "charter."}[kind]
        assert all(i.startswith(prefix) for i in ids), ids
        text = "\n".join(paragraphs(open_docx(data)))
        assert document.title.en in text and document.title.zh in text
        # a checklist's sections are numbered, not "Article n" (it is not a contract)
        assert "1. " + document.sections[0].heading.en.split(". ", 1)[1] in text
        assert "Article 1" not in text and "第一条" not in text


def test_the_signature_block_is_the_buyers_sign_off_without_a_chop(built):
    _, _, documents = built
    for kind in ("predeposit_checklist", "qc_checklist", "error_response_plan"):
        d = open_docx(built_file(built, kind, "docx"))
        block = d.tables[-1]
        cells = block.rows[0].cells
        assert len(cells) == 2
        assert cells[0].text.startswith("Checked for the Buyer by / 买方核查人")
        assert "Approved for the Buyer by / 买方批准人" in cells[1].text
        captions = [p.text for c in cells for p in c.paragraphs]
        assert "Name / 姓名" in captions and "Signature / 签字" in captions and "Date / 日期" in captions
        assert "Company chop / 公司盖章" not in captions
        assert not [p for c in cells for p in c.paragraphs if p.style.name == "Chop Line"]
        approver = documents[kind].signatories[1].name.en
        assert approver and any(d.en.endswith(f": {approver}") for d in documents[kind].parties[0].details)
    # the charter is acknowledged by both parties' representatives, still without a chop
    charter = open_docx(built_file(built, "communication_charter", "docx")).tables[-1].rows[0].cells
    assert [c.text.split("\n")[0] for c in charter] == ["Buyer / 买方", "Seller / 卖方"]
    assert "Company chop / 公司盖章" not in "\n".join(c.text for c in charter)


def test_every_checklist_in_every_layout_prints_its_tables_in_the_languages_of_the_layout(built):
    _, _, documents = built
    for document in documents.values():
        for layout in LAYOUTS:
            d = open_docx(render_docx(document, layout))
            text = "\n".join(paragraphs(d))
            md = render_markdown(document, layout).decode("utf-8")
            langs = {"en": ["en"], "zh": ["zh"]}.get(layout, ["en", "zh"])
            other = {"en": "zh", "zh": "en"}.get(layout)
            for section in document.sections:
                for table in section.tables:
                    for lang in langs:
                        assert getattr(table.caption, lang) in text, (document.kind, layout)
                        for cell in (*table.columns, *(c for row in table.rows for c in row)):
                            for line in getattr(cell, lang).splitlines():
                                assert line in text, (document.kind, layout, line)
                    if other:
                        assert getattr(table.columns[0], other) not in text
                    assert md.count("|---|") >= 1
            for paragraph in (p for s in document.sections for c in s.clauses for p in c.paragraphs_zh):
                assert (paragraph in text) == (layout != "en")


def test_checklist_tables_have_fixed_widths_from_the_model_and_a_repeated_header(built):
    _, _, documents = built
    data = built_file(built, "predeposit_checklist", "docx").read_bytes()
    root = etree.fromstring(open_docx(data).element.xml.encode())
    matrix = next(t for t in root.iter(f"{W}tbl") if "Impact low (1)" in "".join(t.itertext()))
    widths = [int(g.get(f"{W}w")) for g in matrix.iter(f"{W}gridCol")]
    assert len(widths) == 4 and widths[0] < widths[1] == widths[2]  # (3, 4, 4, 4)
    assert matrix.find(f"{W}tblPr/{W}tblLayout").get(f"{W}type") == "fixed"
    assert matrix.find(f"{W}tr/{W}trPr/{W}tblHeader") is not None
    cells = matrix.findall(f"{W}tr")[1].findall(f"{W}tc")
    assert [int(c.find(f"{W}tcPr/{W}tcW").get(f"{W}w")) for c in cells] == widths
    assert WIDTHS_MARK not in open_docx(data).element.xml  # the template's carrier is gone


# --- the QC inspection checklist ------------------------------------------------------------------


def test_qc_checklist_prints_the_houseware_sampling_plan(tmp_path):
    """5,000 pcs, level II, AQL 0 / 2.5 / 4.0: code letter L, sample 200, Ac/Re 0/1, 10/11, 14/15."""
    out = tmp_path / "out"
    build(ROOT / "examples" / "houseware-tooling.yaml", ["qc_checklist"], ["docx"], "parallel", out)
    d = open_docx(out / "SC-2026-0142-qc_checklist.docx")
    text = paragraphs(d)
    assert any("Line 1: NW-BOT-500, 500 ml vacuum insulated bottle. Lot size 5,000 pcs, inspection level II, "
               "sample size code letter L" in p for p in text)
    assert any("第1行：NW-BOT-500，500毫升真空保温瓶。批量5,000 件，检验水平II，样本量字码L" in p for p in text)
    (plan,) = tables_with(d, "Defect class")
    assert [c.text for c in plan.rows[0].cells] == [
        "Defect class\n缺陷类别", "AQL\nAQL值", "Sample size\n样本量", "Accept (Ac)\n接收数（Ac）",
        "Reject (Re)\n拒收数（Re）", "Defects found\n发现缺陷数", "Result\n判定"]
    rows = [[c.text for c in r.cells] for r in plan.rows[1:]]
    assert [r[:5] for r in rows] == [["Critical\n致命缺陷", "0", "200", "0", "1"],
                                     ["Major\n严重缺陷", "2.5", "200", "10", "11"],
                                     ["Minor\n轻微缺陷", "4.0", "200", "14", "15"]]
    assert all(r[5] == "" and r[6] == "☐ Pass  ☐ Fail\n☐ 合格  ☐ 不合格" for r in rows)
    spec = table_with(d, "Line")
    cells = {c.text for r in spec.rows for c in r.cells}
    for expected in ("304 stainless steel (SUS304), food grade, inner and outer wall\n内外壁均为304食品级不锈钢（SUS304）",
                     "Ø 70 × 250 mm, 350 g", "±0.5 mm; weight ±5 %\n±0.5 mm；重量±5%", "Pantone 2955 C",
                     "Each bottle in a white gift box; 24 boxes per five-layer export carton\n"
                     "每只保温瓶装入白色彩盒；每24盒装入一个五层出口纸箱"):
        assert expected in cells, expected


def test_qc_checklist_has_one_plan_per_line(built):
    example, _, documents = built
    d = open_docx(built_file(built, "qc_checklist", "docx"))
    lines = documents["qc_checklist"].sections[1].tables
    assert len(tables_with(d, "Defect class")) == len(lines) >= 1


def test_without_an_inspection_the_qc_checklist_warns_and_prints_no_plan(write_order, tmp_path):
    path = write_order({"quality.inspection": "none", "payment.balance_trigger": "against_bl_copy",
                        "packaging": DELETE})
    _, (document,) = assemble_documents(path, ["qc_checklist"])
    ids = [c.id for s in document.sections for c in s.clauses]
    assert "qc.no_inspection" in ids and "qc.arrangement" not in ids and "qc.sampling" not in ids
    d = open_docx(render_docx(document, "parallel"))
    text = "\n".join(paragraphs(d))
    assert "WARNING: the contract SC-2026-0142 provides for no pre-shipment inspection" in text
    assert "警示：编号为SC-2026-0142的合同未约定装运前检验" in text
    assert not tables_with(d, "Defect class")
    assert [s.heading.en for s in document.sections][:2] == ["1. The Inspection", "2. Specification, Packing and Marking"]
    # packing the order leaves open is flagged, not left blank
    assert text.count(LABELS["spec.not_specified"].zh) == 2


# --- the pre-deposit checklist ---------------------------------------------------------------------


def test_predeposit_checklist_fills_in_the_supplier_to_look_up(built):
    example, _, documents = built
    d = open_docx(built_file(built, "predeposit_checklist", "docx"))
    text = "\n".join(paragraphs(d))
    supplier = documents["predeposit_checklist"].parties[1]
    uscc = supplier.details[0].en.split(": ")[1]
    assert "国家企业信用信息公示系统" in text and "www.gsxt.gov.cn" in text
    assert f"once for the name {supplier.name.zh} and once for the code {uscc}" in text
    assert f"分别以企业名称“{supplier.name.zh}”和统一社会信用代码{uscc}查询" in text
    assert "business scope (经营范围)" in text and "查看公示系统中的经营范围" in text


def test_the_matrix_places_full_prepayment_in_the_high_high_cell(write_order):
    path = write_order({"payment.deposit_percent": 100})
    _, (document,) = assemble_documents(path, ["predeposit_checklist"])
    rule = next(r for r in load_rules() if r.id == "payment.full_prepayment")
    assert (rule.probability, rule.impact) == (3, 3)
    d = open_docx(render_docx(document, "parallel"))
    matrix = table_with(d, "Probability ↓ Impact →")
    assert [c.text for c in matrix.rows[0].cells][1:] == [
        "Impact low (1)\n影响程度低（1）", "Impact medium (2)\n影响程度中（2）", "Impact high (3)\n影响程度高（3）"]
    assert [r.cells[0].text for r in matrix.rows[1:]] == [
        "Probability high (3)\n可能性高（3）", "Probability medium (2)\n可能性中（2）", "Probability low (1)\n可能性低（1）"]
    findings = next(t for t in tables_with(d, "No.") if t.rows[0].cells[1].text.startswith("Finding"))
    number = next(r.cells[0].text for r in findings.rows[1:] if r.cells[1].text.startswith(rule.title.en))
    for i, row in enumerate(matrix.rows[1:]):
        for j, cell in enumerate(row.cells[1:]):
            here = f"{number}. {rule.title.en}" in cell.text
            assert here == ((i, j) == (0, 2)), (i, j, cell.text)
    high_high = matrix.rows[1].cells[3].text
    assert high_high.startswith("Very High · 9") and "极高 · 9分" in high_high
    assert f"{number}. {rule.title.zh}" in high_high
    row = next(r for r in findings.rows[1:] if r.cells[0].text == number)
    assert row.cells[2].text == "Very High · 9 = 3 × 3\n极高 · 9分 = 3 × 3"
    assert row.cells[3].text == f"{rule.fix.en}\n{rule.fix.zh}"
    text = "\n".join(paragraphs(d))
    assert "Verdict: Do not pay the deposit yet." in text and "结论：暂勿支付预付款。" in text
    assert [c.id for c in document.sections[-1].clauses] == ["predeposit.verdict_do_not_pay"]


# --- the order's own word for its deposit: 定金 is not 预付款 (glossary, design.md invariant 8) ----------

# Each order (changes to the houseware example, a 30 % advance, or another example file), the word its
# checklist and plan must call the first payment, and the sentences that say so. No sentence of these
# documents contrasts the two kinds for an order the interview accepts, so the other words never appear.
DEPOSIT_WORDS = ("预付款", "定金", "第一笔款项")
DEPOSIT_ORDERS = {
    "earnest example": (ROOT / "examples" / "apparel-earnest-hkiac.yaml", "定金", [
        "在支付定金欧元5,385.00之前", "限期支付定金", "才支付定金", "在支付定金之前，最迟在批量生产开始之前",
        "支付定金之前，由买方亲自", "卖方须在支付定金前", "结论：支付定金前，请先解决上述风险事项。"], [
        "届时再想追回定金就很困难", "买方支付的是定金", "我方已向贵方支付定金欧元5,385.00"]),
    "earnest, paid to a person": ({"payment.deposit_kind": "earnest", "payment.deposit_percent": 20,
                                   "supplier.bank.beneficiary": "王伟"}, "定金", [
        "在支付定金美元3,200.00之前", "定金将汇入个人账户", "结论：暂勿支付定金。"], [
        "届时再想追回定金就很困难", "我方已向贵方支付定金美元3,200.00"]),
    "earnest, nothing to fix": ({"payment.deposit_kind": "earnest", "payment.deposit_percent": 20, "tooling": DELETE,
                                 "delivery.ship_by": "2027-01-20"}, "定金", [
        "结论：就本订单的条款而言，可以支付定金"], ["买方支付的是定金"]),
    "advance example": ({}, "预付款", [
        "在支付预付款美元4,800.00之前", "限期支付预付款", "才支付预付款", "结论：支付预付款前，请先解决上述风险事项。"], [
        "届时再想追回预付款就很困难", "我方已向贵方支付预付款美元4,800.00"]),
    "no deposit": ({"payment.deposit_percent": 0}, "第一笔款项", [
        "在支付第一笔款项之前", "限期支付第一笔款项", "才支付第一笔款项", "结论：支付第一笔款项前，请先解决上述风险事项。"], [
        "届时再想追回已付款项就很困难"]),
}


@pytest.mark.parametrize("name", DEPOSIT_ORDERS)
def test_the_checklist_and_the_plan_call_the_deposit_what_the_contract_calls_it(write_order, tmp_path, name):
    """Built as a buyer builds them (`contractgen build … --format docx --layout zh`) and read back from
    the DOCX: a 定金 order is never told to pay a 预付款, an advance order never reads 定金, and an order
    without a deposit speaks of its first payment."""
    order, word, checklist_says, plan_says = DEPOSIT_ORDERS[name]
    path = order if isinstance(order, Path) else write_order(order)
    result = run_cli("build", path, "--docs", "predeposit_checklist,error_response_plan", "--format", "docx",
                     "--layout", "zh", "-o", tmp_path)
    assert result.returncode == 0, result.stderr
    text = {kind: "\n".join(paragraphs(open_docx(next(tmp_path.glob(f"*-{kind}.zh.docx")))))
            for kind in ("predeposit_checklist", "error_response_plan")}
    for kind, says in (("predeposit_checklist", checklist_says), ("error_response_plan", plan_says)):
        assert [s for s in says if s not in text[kind]] == [], (kind, text[kind])
        assert {w: text[kind].count(w) for w in DEPOSIT_WORDS if w != word and w in text[kind]} == {}, kind


def test_the_english_says_earnest_money_where_the_chinese_says_dingjin(write_order):
    path = write_order({"payment.deposit_kind": "earnest", "payment.deposit_percent": 20})
    _, documents = assemble_documents(path, ["predeposit_checklist", "error_response_plan"])
    for document in documents:
        for section in document.sections:
            for clause in section.clauses:
                en, zh = " ".join(clause.paragraphs_en), " ".join(clause.paragraphs_zh)
                assert ("定金" in zh) <= ("earnest money" in en), (clause.id, en, zh)
    checklist = " ".join(p for s in documents[0].sections for c in s.clauses for p in c.paragraphs_en)
    assert "Before the earnest money of USD 3,200.00, send a small amount" in checklist
    assert "Verdict: fix the findings above before the earnest money leaves your account." in checklist
    assert "Samples are the gate: no earnest money until you have approved a sample" in checklist


@pytest.fixture
def rules_that_never_fire(tmp_path, monkeypatch):
    """A rule set whose one rule never holds, so the order has no findings whatever the bundled rules say."""
    write_rules(tmp_path / "rules", "never", [rule_text("never.fires", "false", clauses="[]")])
    monkeypatch.setattr(rules, "data_path", lambda folder, *parts: tmp_path / "rules")
    rules.load_rules.cache_clear()
    yield
    rules.load_rules.cache_clear()


def test_without_findings_the_matrix_is_empty_and_there_is_no_findings_table(write_order, rules_that_never_fire):
    path = write_order()
    _, (document,) = assemble_documents(path, ["predeposit_checklist"])
    risk = next(s for s in document.sections if s.heading.en.endswith("Risk Assessment"))
    assert len(risk.tables) == 1  # the matrix, and no findings table
    matrix = risk.tables[0]
    assert all(cell.en.count("\n") == 0 for row in matrix.rows for cell in row[1:])
    assert "The checks found no risk in the terms of this order." in risk.clauses[0].paragraphs_en[-1]
    assert document.sections[-1].clauses[0].id == "predeposit.verdict_ok"


# --- the production-error response plan -----------------------------------------------------------

REMEDY = {  # what each remedy is called in the plan, in both languages
    "reproduce": ("remade (重作) by the supplier at its own cost", "卖方应自行承担费用重作"),
    "replace": ("replaced (更换) by the supplier", "卖方应自行承担费用，以符合约定的新货物进行更换"),
    "refund": ("you may reject (退货) goods", "买方有权书面通知卖方退货"),
}


def test_the_response_plan_states_the_agreed_remedy_and_deadline_in_both_languages(built):
    example, _, documents = built
    from contractgen.core.yamlio import load_yaml_file

    quality = load_yaml_file(example)["quality"]
    days = int(quality["remedy_days"])
    for layout, lang in (("en", 0), ("zh", 1)):
        text = "\n".join(paragraphs(open_docx(render_docx(documents["error_response_plan"], layout))))
        assert REMEDY[quality["defect_remedy"]][lang] in text
        if lang == 0:
            assert f"within {days} days after your written notice" in text or f"within {days} days after your notice" in text
            assert f"Day {days}, the deadline" in text
        else:
            assert f"收到买方书面通知之日起{days}日内" in text or f"收到通知之日起{days}日内" in text
            assert f"第{days}日，即补救期限届满之日" in text


@pytest.mark.parametrize("remedy", ["reproduce", "replace", "refund"])
def test_each_remedy_has_its_own_plan(write_order, remedy):
    path = write_order({"quality.defect_remedy": remedy, "quality.remedy_days": 17})
    _, (document,) = assemble_documents(path, ["error_response_plan"])
    first = document.sections[0].clauses
    assert [c.id for c in first] == [f"error_plan.remedy_{remedy}"]
    assert REMEDY[remedy][0] in " ".join(first[0].paragraphs_en)
    assert REMEDY[remedy][1] in " ".join(first[0].paragraphs_zh)
    assert "17 days" in " ".join(first[0].paragraphs_en) and "17日" in " ".join(first[0].paragraphs_zh)


@pytest.mark.parametrize("trigger, method, clause", [
    ("after_inspection", "tt", "error_plan.leverage_after_inspection"),
    ("against_bl_copy", "tt", "error_plan.leverage_against_bl_copy"),
    ("letter_of_credit", "lc", "error_plan.leverage_letter_of_credit"),
    ("escrow", "escrow", "error_plan.leverage_escrow"),
])
def test_the_leverage_advice_follows_the_balance_trigger(write_order, trigger, method, clause):
    path = write_order({"payment.balance_trigger": trigger, "payment.method": method})
    _, (document,) = assemble_documents(path, ["error_response_plan"])
    leverage = next(s for s in document.sections if s.heading.en.endswith("The Balance Payment as Leverage"))
    assert [c.id for c in leverage.clauses] == [clause]
    assert "USD 11,200.00" in leverage.clauses[0].paragraphs_en[0]  # 70 % of USD 16,000.00
    assert "美元11,200.00" in leverage.clauses[0].paragraphs_zh[0]


def test_after_full_prepayment_the_plan_says_there_is_no_balance_to_hold_back(write_order):
    path = write_order({"payment.deposit_percent": 100})
    _, (document,) = assemble_documents(path, ["error_response_plan"])
    assert not [s for s in document.sections if s.heading.en.endswith("The Balance Payment as Leverage")]
    text = " ".join(p for s in document.sections for c in s.clauses for p in c.paragraphs_en)
    assert "there is no balance to hold back" in text


# --- the communication charter --------------------------------------------------------------------


def test_the_charter_names_both_contacts_and_the_overlap_in_both_languages(tmp_path):
    _, (document,) = assemble_documents(ROOT / "examples" / "houseware-tooling.yaml", ["communication_charter"])
    # Seattle on 23 November 2026 is UTC−8: 08:00–17:00 there meets 08:30–17:30 Beijing time at 16:30–17:00
    for layout, expected in (
        ("en", ["Jane Doe", "jane@northwind.example", "Li Na", "lina@huaxin.example", "+86 755 2760 1234", "王伟",
                "United States (Los Angeles) Time (UTC−8 on 23 November 2026)", "overlap for 0.5 hours",
                "16:30–17:00 the Buyer's time, which is 08:30–09:00 Beijing time, already the next day in China",
                "Every Monday", "acknowledged within 4 hours", "WeChat"]),
        ("zh", ["Jane Doe", "jane@northwind.example", "李娜", "lina@huaxin.example", "+86 755 2760 1234", "王伟",
                "美国（洛杉矶）时间（2026年11月23日为UTC−8）", "双方工作时间重叠0.5小时",
                "买方当地时间16:30–17:00，即北京时间次日08:30–09:00", "每周星期一", "4小时内确认收到", "微信"]),
    ):
        text = "\n".join(paragraphs(open_docx(render_docx(document, layout))))
        for fragment in expected:
            assert fragment in text, (layout, fragment)
    escalation = {c.id: c for s in document.sections for c in s.clauses if c.id.startswith("charter.escalation")}
    assert "王伟" in " ".join(escalation["charter.escalation_critical"].paragraphs_en)
    assert "王伟" in " ".join(escalation["charter.escalation_critical"].paragraphs_zh)
    assert "Li Na" in " ".join(escalation["charter.escalation_minor"].paragraphs_en)


def test_the_charter_says_when_working_days_do_not_overlap(write_order):
    path = write_order({"communication.buyer_time_zone": "America/New_York", "communication.buyer_hours.start": "09:00"})
    _, (document,) = assemble_documents(path, ["communication_charter"])
    hours = next(c for s in document.sections for c in s.clauses if c.id == "charter.hours")
    en, zh = " ".join(hours.paragraphs_en), " ".join(hours.paragraphs_zh)
    assert "The working days of the two sides do not overlap: the Seller's day runs from 19:30 to 04:30 the Buyer's time" in en
    assert "双方工作时间没有重叠：卖方的工作时间相当于买方当地时间19:30至04:30" in zh
    assert "Beijing time is 13 hours ahead" in en and "北京时间比买方当地时间早13小时" in zh


def test_work_overlap_uses_the_zone_rules_of_the_contract_date():
    def overlap(zone, date, start="09:00", end="17:00"):
        return work_overlap({"contract": {"date": date}, "communication": {
            "buyer_time_zone": zone, "buyer_hours": {"start": start, "end": end},
            "supplier_hours": {"start": "08:30", "end": "17:30"}}})

    winter = overlap("Europe/Berlin", dt.date(2027, 1, 12))  # UTC+1: 09:00–10:30 Berlin is 16:00–17:30 Beijing
    assert (winter["buyer_from"], winter["buyer_to"], winter["china_from"], winter["china_to"]) == \
        ("09:00", "10:30", "16:00", "17:30")
    assert winter["hours"] == 1.5 and winter["china_day_offset"] == 0 and winter["shifts"] is True
    summer = overlap("Europe/Berlin", dt.date(2027, 7, 12))  # UTC+2: one more hour
    assert (summer["buyer_from"], summer["buyer_to"], summer["minutes"]) == ("09:00", "11:30", 150)
    assert summer["hours_apart"] == 6 and summer["china_is_ahead"] is True
    sydney = overlap("Australia/Sydney", dt.date(2027, 1, 12))  # UTC+11, ahead of China
    assert sydney["china_is_ahead"] is False and sydney["hours_apart"] == 3
    assert (sydney["buyer_from"], sydney["buyer_to"], sydney["china_from"]) == ("11:30", "17:00", "08:30")
    india = overlap("Asia/Kolkata", dt.date(2027, 1, 12))
    assert india["buyer_utc_offset"] == "UTC+5:30" and india["hours_apart"] == 2.5 and india["shifts"] is False
    assert overlap("America/New_York", dt.date(2027, 1, 12))["minutes"] == 0
    assert overlap("Etc/Unknown", dt.date(2027, 1, 12)) is None
    assert work_overlap({"contract": {"date": dt.date(2027, 1, 12)}}) is None


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "Europe/Berln", "UTC+8", "Europe/Berlin, Germany"])
def test_an_unknown_time_zone_is_refused_with_the_field_and_an_example(write_order, zone):
    path = write_order({"communication.buyer_time_zone": zone})
    with pytest.raises(ValidationError) as err:
        assemble_documents(path, ["communication_charter"])
    (problem,) = err.value.problems
    assert problem.path == "communication.buyer_time_zone"
    assert "IANA time zone name such as America/New_York" in problem.expected.en


def test_the_charter_needs_a_time_zone_but_the_contracts_do_not(write_order):
    path = write_order({"communication": DELETE})
    assemble_documents(path, ["sales_contract", "qc_checklist", "predeposit_checklist"])
    with pytest.raises(ValidationError) as err:
        assemble_documents(path, ["communication_charter"])
    assert [p.path for p in err.value.problems] == ["communication.buyer_time_zone"]


@pytest.mark.parametrize("changes, path", [
    ({"communication.buyer_hours.end": "08:00"}, "communication.buyer_hours.end"),
    ({"communication.supplier_hours.start": "8:30"}, "communication.supplier_hours.start"),
    ({"communication.response_hours.urgent": 30}, "communication.response_hours.regular"),
])
def test_working_hours_and_reply_times_are_checked(write_order, changes, path):
    with pytest.raises(ValidationError) as err:
        assemble_documents(write_order(changes), ["communication_charter"])
    assert [p.path for p in err.value.problems] == [path]


def test_a_rebuilt_checklist_is_byte_identical(tmp_path):
    example = ROOT / "examples" / "apparel-earnest-hkiac.yaml"
    first = build(example, CHECKLISTS, ["docx", "md"], "stacked", tmp_path / "a")
    second = build(example, CHECKLISTS, ["docx", "md"], "stacked", tmp_path / "b")
    assert len(first.files) == len(second.files) == 12
    for (a, _), (b, _) in zip(first.files, second.files):
        assert a.name == b.name and a.read_bytes() == b.read_bytes()


# --- the generic table in the model and the renderers ------------------------------------------------


def test_a_table_refuses_rows_that_do_not_fit_its_columns():
    from contractgen.documents.model import Table
    from contractgen.core.text import Text

    columns = (Text("A", "甲"), Text("B", "乙"))
    with pytest.raises(ValueError, match="rows \\[1\\]"):
        Table(Text("T", "表"), columns, ((Text("1", "1"), Text("2", "2")), (Text("3", "3"),)))
    with pytest.raises(ValueError, match="widths"):
        Table(Text("T", "表"), columns, (), widths=(1,))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_table_values_print_literally_in_docx_and_markdown(layout):
    from dataclasses import replace

    from contractgen.documents.model import Table

    from contractgen.core.text import Text
    from test_render_docx import make_document

    hostile = "{{ 7*7 }} <w:p>& | *x* {%tc endfor %}"
    table = Table(Text(f"Caption {hostile}", f"标题{hostile}"), (Text("Point", "项目"), Text("Required", "要求")),
                  ((Text("Colour", "颜色"), Text(f"Pantone {hostile}", f"潘通{hostile}")),
                   (Text("", ""), Text("two\nlines", "两\n行"))), widths=(1, 3))
    document = make_document(sections=2)
    sections = (replace(document.sections[0], tables=(table,)), document.sections[1])
    document = replace(document, sections=sections)
    d = open_docx(render_docx(document, layout))
    text = "\n".join(paragraphs(d))
    assert hostile in text and "49" not in text
    grid = table_with(d, "Point" if layout != "zh" else "项目")
    assert len(grid.columns) == 2 and len(grid.rows) == 3
    assert grid.rows[2].cells[0].text == ""
    md = render_markdown(document, layout).decode("utf-8")
    assert "\\{\\{ 7\\*7 \\}\\} \\<w:p\\>& \\| \\*x\\*" in md
    assert ("two<br>lines" in md) == (layout != "zh")


def test_checklists_build_without_the_optional_contacts_and_bank_details(write_order):
    path = write_order({"supplier.contact": DELETE, "supplier.legal_representative": DELETE, "buyer.email": DELETE,
                        "supplier.bank.swift": DELETE, "supplier.bank.account": DELETE,
                        "supplier.bank.bank_name": DELETE, "payment.deposit_percent": 0})
    _, documents = assemble_documents(path, CHECKLISTS)
    text = {d.kind: " ".join(p for s in d.sections for c in s.clauses for p in c.paragraphs_en) for d in documents}
    assert "the contact person to be named in writing" in text["communication_charter"]
    assert "its legal representative (法定代表人), as registered" in text["communication_charter"]
    assert "write the name into the answers file (supplier.legal_representative)" in text["predeposit_checklist"]
    assert "Before the first payment, send a small amount" in text["predeposit_checklist"]
    assert "read back the details in the contract: beneficiary 深圳市华信家居用品有限公司." in text["predeposit_checklist"]
