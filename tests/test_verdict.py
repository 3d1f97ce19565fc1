"""Issue 15: a pre-deposit verdict that knows the supplier, the calendar and the product. `contractgen check`
on the examples and on orders with one planted problem each, the facts behind it (USCC, GB/T 2260, the
Chinese New Year), the reference data's lint, and the checklists built from the same answers."""
from __future__ import annotations

import copy
import datetime as dt
import json
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contractgen.answers.load import load_answers
from contractgen.build import interview_for
from contractgen.core.yamlio import load_yaml_file
from contractgen.facts import calendar, reference, uscc
from contractgen.facts.registration import address_place, division_name, region_matches_address, registration
from contractgen.risk.assess import assess
from contractgen.risk.facts import IDENTITY_CHECKS, PAYEE_CHECKS

from conftest import DELETE, EXAMPLE, ROOT, docx_text, run_cli

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
INTERVIEW = interview_for(["sales_contract"])


def a_uscc(first17: str) -> str:
    return first17 + uscc.check_character(first17)


def check_json(path) -> dict:
    result = run_cli("check", path, "--format", "json")
    assert result.returncode in (0, 3), result.stderr
    return json.loads(result.stdout)


# -- check on the examples: what is unverified, and never "OK" without the identity checks ---------------

@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_check_lists_what_is_unverified(example):
    given_checks = load_yaml_file(example).get("verification") or {}
    open_questions = [q for _, q in INTERVIEW.questions()
                      if q.path.startswith("verification.") and q.path.split(".", 1)[1] not in given_checks]
    for lang, words in (("en", ("This verdict covers only the answers given", "Not verified (no answer given):")),
                        ("zh", ("本结论仅针对已填写的答案", "未经核实（未填写）的事项："))):
        out = run_cli("check", example, "--lang", lang).stdout
        assert words[0] in out
        if open_questions:
            listed = out.split(words[1], 1)[1].split("\n\n", 1)[0]
            for q in open_questions:
                assert f"  - {getattr(q.label, lang)}\n" in listed + "\n", q.path
        else:
            assert words[1] not in out
        identity_open = any(key not in given_checks for key in IDENTITY_CHECKS)
        if identity_open:
            assert "OK to pay" not in out and "可以支付" not in out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(dropped=st.sets(st.sampled_from([q.path.split(".", 1)[1] for _, q in INTERVIEW.questions()
                                        if q.path.startswith("verification.")])),
       ship_by=st.dates(dt.date(2026, 12, 1), dt.date(2028, 12, 31)))
def test_never_ok_while_identity_or_payee_is_open(dropped, ship_by):
    """Whatever else the order says, an open identity or payee check is never "OK to pay"."""
    data = load_answers(EXAMPLE, INTERVIEW).data
    changed = copy.deepcopy(data)
    for key in dropped:
        changed["verification"].pop(key, None)
    changed["delivery"]["ship_by"] = ship_by
    result = assess(changed, INTERVIEW)
    if dropped & {*IDENTITY_CHECKS, *PAYEE_CHECKS}:
        assert result.verdict == "do_not_pay"
    assert {u.en for u in result.unverified} == {q.label.en for _, q in INTERVIEW.questions()
                                                 if q.path.split(".", 1)[-1] in dropped
                                                 and q.path.startswith("verification.")}


# -- planted problems: the right finding, in EN and ZH, with its fix ---------------------------------------

PLANTED = {
    "region mismatch": (
        {"supplier.uscc": a_uscc("91310115MA1K4ABC1"), "supplier.address_zh": "浙江省宁波市鄞州区首南街道天童南路588号",
         "supplier.bank.beneficiary": "深圳市华信家居用品有限公司"},
        "supplier.region_mismatch",
        ["310115 上海市浦东新区", "浙江省宁波市", "Ask the supplier why", "国家企业信用信息公示系统"],
        ["310115（上海市浦东新区）", "浙江省宁波市", "书面问明原因", "国家企业信用信息公示系统"]),
    "shipment in the New Year shutdown": (
        {},  # the demo order ships on 15 Feb 2027; Chinese New Year is 6 Feb 2027
        "calendar.ship_in_new_year_shutdown",
        ["15 Feb 2027", "6 Feb 2027", "Ship by 20 Jan 2027, or plan for 10 Mar 2027"],
        ["2027年2月15日", "2027年2月6日", "在2027年1月20日之前装运，或按2027年3月10日安排"]),
    "vague specification": (
        {"products.0.material_en": "stainless steel, good quality", "products.0.colour_reference": "blue",
         "products.0.colour_reference_zh": "蓝色", "products.0.tolerance": DELETE},
        "product.vague_specification",
        ["line 1: material and grade, tolerance, colour reference", "Pantone, RAL or a signed colour sample"],
        ["第1行：材质及等级、公差、颜色标准", "潘通、RAL或签字确认的色板"]),
    "two-month-old trading company": (
        {"verification.supplier_type": "trading_company", "verification.established": "2026-09-20"},
        "verification.young_trading_company",
        ["A trading company registered 2 months ago", "Ask for the factory's name and USCC"],
        ["成立仅2个月的贸易公司", "要求提供实际生产工厂的名称及统一社会信用代码"]),
    "children's product for the US without a CPC": (
        {"products.0.category": "toys_children", "verification.test_reports_seen": False},
        "product.us_children_without_cpc",
        ["Children's Product Certificate", "CPSC-accepted laboratory"],
        ["儿童产品证书（CPC）", "美国消费品安全委员会认可的实验室"]),
}


@pytest.mark.parametrize("name", PLANTED)
def test_a_planted_problem_gets_its_finding_with_its_fix(write_order, name):
    changes, finding_id, en_words, zh_words = PLANTED[name]
    report = check_json(write_order(changes))
    finding = next((f for f in report["findings"] if f["id"] == finding_id), None)
    assert finding is not None, [f["id"] for f in report["findings"]]
    assert finding["fix"]["en"] and finding["fix"]["zh"]
    for lang, words in (("en", en_words), ("zh", zh_words)):
        text = " ".join(finding[key][lang] for key in ("title", "why", "fix"))
        assert "{" not in text and "—" not in text  # every name filled in
        for word in words:
            assert word in text, (lang, word)
    assert report["verdict"]["code"] != "ok"


def test_the_planted_problems_print_in_chinese(write_order):
    out = run_cli("check", write_order(PLANTED["region mismatch"][0]), "--lang", "zh").stdout
    assert "统一社会信用代码的登记地与卖方住所不在同一地区" in out and "对策：书面问明原因" in out
    assert "风险矩阵" in out and "本格风险" in out


def test_the_risk_map_is_shown_and_each_cell_explained_for_every_order():
    out = run_cli("check", EXAMPLE).stdout
    block = out.split("Risk map:", 1)[1].split("\n\n", 1)[0]
    cells = [" ".join(cell.split()) for cell in block.split("\n  Probability ")[1:]]
    assert len(cells) == 9
    assert any("Findings here: 1." in c for c in cells) and sum("No finding here." in c for c in cells) == 8


def test_probability_and_impact_follow_the_answers(write_order):
    """The same gap scores higher for a bigger deposit and a less-verified supplier."""
    small = assess(load_answers(write_order({"verification.factory_check": "none"}), INTERVIEW).data, INTERVIEW)
    big = assess(load_answers(write_order({"verification.factory_check": "none", "products.0.quantity": 500000,
                                           "verification.established": "2026-01-10"}), INTERVIEW).data, INTERVIEW)
    f_small = next(f for f in small.findings if f.id == "verification.no_factory_check")
    f_big = next(f for f in big.findings if f.id == "verification.no_factory_check")
    assert f_small.probability < f_big.probability  # a 10-month-old supplier is less proven
    litigation = {"verification.litigation": "found"}
    low = assess(load_answers(write_order({**litigation, "products.0.quantity": 100}), INTERVIEW).data, INTERVIEW)
    high = assess(load_answers(write_order({**litigation, "products.0.quantity": 500000}), INTERVIEW).data, INTERVIEW)
    assert [f.impact for f in low.findings if f.id == "verification.litigation_found"] == [1]
    assert [f.impact for f in high.findings if f.id == "verification.litigation_found"] == [3]


# -- the facts behind it ----------------------------------------------------------------------------------

@pytest.mark.parametrize("code, address, expected", [
    (a_uscc("91310115MA1K4ABC1"), "浙江省宁波市鄞州区首南街道", False),    # Shanghai Pudong vs Ningbo
    (a_uscc("91330212MA1K4ABC1"), "浙江省宁波市鄞州区首南街道", True),
    (a_uscc("91330206MA1K4ABC1"), "宁波市海曙区望春工业园区", True),         # same city, another district
    (a_uscc("91330100MA1K4ABC1"), "浙江省宁波市鄞州区", False),             # Hangzhou vs Ningbo
    (a_uscc("91310101MA1K4ABC1"), "上海市黄浦区南京东路100号", True),        # 南京东路 is a street, not Nanjing
    (a_uscc("91320100MA1K4ABC1"), "上海市黄浦区南京东路100号", False),       # Nanjing vs Shanghai
    (a_uscc("91440300MA1K4ABC1"), "Building 3, Fuyong, Shenzhen", None),   # no Chinese place: cannot tell
])
def test_region_matches_address(code, address, expected):
    assert region_matches_address(code, address) is expected


def test_registration_reads_authority_entity_type_and_division():
    found = registration(a_uscc("92330212MA1K4ABC1"))
    assert found.individual_business and found.entity_type.zh == "个体工商户"
    assert found.authority.zh == "市场监督管理部门" and found.division == "浙江省宁波市鄞州区" and found.exact
    assert "2021" in found.source.en
    assert registration("91330212") is None and registration(None) is None
    # 330204 (宁波市江东区) was merged into 鄞州区 in 2016: a USCC keeps it; named from its city
    assert division_name("330204") == ("浙江省宁波市", False)
    assert address_place("宁波市鄞州区首南街道") == ("33", "3302")


YEARS = st.integers(calendar.FIRST_YEAR, calendar.LAST_YEAR)


@given(YEARS)
def test_the_new_year_falls_between_21_january_and_20_february(year):
    assert dt.date(year, 1, 21) <= calendar.new_year(year).new_year <= dt.date(year, 2, 20)


@given(st.dates(dt.date(calendar.FIRST_YEAR, 3, 1), dt.date(calendar.LAST_YEAR, 10, 1)))
def test_a_date_flagged_for_the_new_year_has_safe_dates_either_side(day):
    window = calendar.new_year_near(day)
    if window is None:
        return
    assert window.in_shutdown(day) or window.in_shortage(day)
    assert window.ship_before < day < window.plan_after
    for safe in (window.ship_before, window.plan_after):  # the fix's dates raise no new finding
        assert calendar.new_year_near(safe) is None


@given(st.dates(dt.date(2000, 1, 1), dt.date(2090, 12, 31)), st.integers(0, 400))
def test_holidays_in_a_window_overlap_it(start, days):
    end = start + dt.timedelta(days=days)
    found = calendar.holidays_between(start, end)
    assert all(h.first <= end and h.last >= start for h in found)
    assert [h.first for h in found] == sorted(h.first for h in found)
    national_days = [dt.date(y, 10, d) for y in range(start.year, end.year + 1) for d in (1, 7)]
    if any(start <= d <= end for d in national_days):
        assert any(h.id == "national_day" for h in found)


# -- the reference data is data, with a source and a date, and lint checks it --------------------------------

@pytest.fixture
def reference_copy(tmp_path, monkeypatch):
    folder = tmp_path / "reference"
    shutil.copytree(ROOT / "reference", folder)
    monkeypatch.setattr(reference, "data_path", lambda name, *parts: folder.joinpath(*parts))
    reference.reference.cache_clear()
    yield folder
    reference.reference.cache_clear()


def test_the_bundled_reference_data_is_clean():
    assert reference.reference_problems() == []
    for name in reference.SCHEMAS:
        raw = reference.reference(name)
        assert raw["source"].strip() and isinstance(raw["date"], dt.date)


def test_lint_catches_broken_reference_data(reference_copy):
    compliance = (reference_copy / "compliance.yaml").read_text(encoding="utf-8")
    (reference_copy / "compliance.yaml").write_text(compliance.replace("\nsource: >-", "\nnot_source: >-"),
                                                    encoding="utf-8")
    checks = (reference_copy / "category_checks.yaml").read_text(encoding="utf-8")
    (reference_copy / "category_checks.yaml").write_text(checks.replace("zh: 纤维成分、洗涤及原产地标签；验针", "zh: needle check"), encoding="utf-8")
    divisions = (reference_copy / "divisions.yaml").read_text(encoding="utf-8")
    (reference_copy / "divisions.yaml").write_text(divisions + "  33021 broken\n", encoding="utf-8")
    (reference_copy / "notes.txt").write_text("stray", encoding="utf-8")
    problems = "\n".join(f"{where}: {message}" for where, message in reference.reference_problems())
    assert "compliance.yaml: schema: source: ['required field']" in problems
    assert "category_checks.yaml" in problems and "has no Chinese characters" in problems
    assert "'33021 broken'" in problems
    assert "notes.txt: not a reference file" in problems


def test_clauses_lint_reports_reference_problems(tmp_path):
    copy_root = tmp_path / "checkout"
    for folder in ("clause_library", "templates", "interviews", "translations", "examples", "risk_rules",
                   "reference", "contractgen"):
        shutil.copytree(ROOT / folder, copy_root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    calendar_file = copy_root / "reference" / "calendar.yaml"
    calendar_file.write_text(calendar_file.read_text(encoding="utf-8").replace(
        "plan_after_days: 32", "plan_after_days: 20"), encoding="utf-8")
    result = run_cli("clauses", "lint", cwd=copy_root)
    assert result.returncode != 0
    assert "calendar.yaml" in result.stdout + result.stderr


# -- the checklists built from the same answers (DOCX read back with python-docx) -----------------------------

@pytest.fixture(scope="module")
def checklists(tmp_path_factory):
    """The pre-deposit and QC checklists, the charter and the error plan of each example, as DOCX text."""
    out = {}
    for example in EXAMPLES:
        folder = tmp_path_factory.mktemp(example.stem)
        result = run_cli("build", example, "--docs", "predeposit_checklist,qc_checklist,communication_charter,"
                         "error_response_plan", "-o", folder)
        assert result.returncode == 0, result.stderr
        out[example.stem] = {path.stem.rsplit("-", 1)[-1]: docx_text(path) for path in folder.glob("*.docx")}
    return out


def test_predeposit_checklist_names_the_division_and_what_is_unverified(checklists):
    text = checklists["electronics-lc-scia"]["predeposit_checklist"]
    assert "division code 440300" in text and "区划代码440300" in text and "广东省深圳市" in text
    assert "NOT VERIFIED: counts as a risk" in text and "未经核实：视为风险" in text
    assert "Samples are the gate" in text and "样品是付款的关口" in text
    assert "FCC Part 15" in text and "Book by" in text and "预约截止日" in text
    assert "Chinese New Year falls on 6 February 2027" in text


def test_predeposit_checklist_raises_a_region_mismatch(write_order, tmp_path):
    path = write_order(PLANTED["region mismatch"][0])
    assert run_cli("build", path, "--docs", "predeposit_checklist", "-o", tmp_path).returncode == 0
    text = docx_text(next(tmp_path.glob("*.docx")))
    assert "The supplier's address is in 浙江省宁波市, not in 上海市浦东新区" in text
    assert "卖方住所位于浙江省宁波市，而不在上海市浦东新区" in text


def test_qc_checklist_tests_follow_the_category(checklists):
    apparel = checklists["apparel-earnest-hkiac"]["qc_checklist"]
    electronics = checklists["electronics-lc-scia"]["qc_checklist"]
    houseware = checklists["houseware-tooling"]["qc_checklist"]
    assert "Shrinkage after washing" in apparel and "Colourfastness" in apparel and "缩水率" in apparel
    assert "201" not in apparel and "Battery" not in apparel
    assert "Battery" in electronics and "Charging" in electronics and "充电" in electronics
    assert "304, not 201" in houseware and "201" not in electronics
    assert "REACH" in apparel and "GPSR" in apparel  # EU documents at the inspection


def test_the_charter_lists_the_holidays_in_the_orders_dates(checklists):
    houseware = checklists["houseware-tooling"]["communication_charter"]
    electronics = checklists["electronics-lc-scia"]["communication_charter"]
    assert "from 23 November 2026 to 15 February 2027" in houseware
    assert "Chinese New Year (Spring Festival)" in houseware and "23 Jan 2027 – 27 Feb 2027" in houseware
    assert "National Day" not in houseware and "Qingming" not in houseware
    assert "Qingming Festival: 4 Apr 2027 – 6 Apr 2027" in electronics and "清明节" in electronics


def test_the_error_plan_covers_a_supplier_that_stops_work(checklists):
    text = checklists["apparel-earnest-hkiac"]["error_response_plan"]
    assert "Send a demand letter in Chinese" in text
    assert "双倍返还定金" in text and "Hong Kong International Arbitration Centre" in text
    assert "20 March 2027" in text and "《民法典》第五百九十四条" in text


# -- the verdict names the order's own deposit: 定金 is not 预付款 (glossary, design.md invariant 8) -----------

@pytest.mark.parametrize("changes, en, zh, other_words", [
    ({"payment.deposit_kind": "earnest", "payment.deposit_percent": 20}, "Fix these before paying the earnest money",
     "支付定金前，请先解决以下问题", ("预付款", "第一笔款项")),
    ({}, "Fix these before paying the deposit", "支付预付款前，请先解决以下问题", ("定金", "第一笔款项")),
    ({"payment.deposit_percent": 0}, "Fix these before making the first payment", "支付第一笔款项前，请先解决以下问题",
     ("预付款", "定金")),
], ids=["earnest", "advance", "none"])
def test_check_names_the_deposit_the_contract_has(write_order, changes, en, zh, other_words):
    """`contractgen check --lang zh` prints the verdict and every finding in Chinese: a 定金 order is never
    told to pay a 预付款 (the demo order's one finding, the New Year shutdown, and a sample due in it)."""
    path = write_order({**changes, "verification.samples_approved": False, "verification.sample_date": "2027-02-10"})
    result = run_cli("check", path, "--lang", "zh")
    assert result.returncode == 0, result.stderr
    assert f"结论：{zh}。" in result.stdout
    assert [w for w in other_words if w in result.stdout] == [], result.stdout
    word = zh.removeprefix("支付").split("前")[0]
    assert f"支付{word}前尚无确认样品" in result.stdout and f"在支付{word}之前确认样品" in result.stdout
    english = check_json(path)
    assert english["verdict"]["en"] == en and english["verdict"]["zh"] == zh
