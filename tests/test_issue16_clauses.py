"""Issue 16 (clause completeness), read back from the built DOCX: each new obligation's text in both
languages, driven by the answers that select it."""
from __future__ import annotations

import copy
import re

import pytest
import yaml

from contractgen.core.yamlio import load_yaml_file

from conftest import DELETE, EXAMPLE, _plain, docx_text, run_cli, set_path

DOCS = "sales_contract,manufacturing_agreement,po_annex,nnn"


def build(tmp_path, changes: dict | None = None, docs: str = DOCS) -> dict[str, str]:
    """Build the example order with these changes; {document: its DOCX text}."""
    data = copy.deepcopy(load_yaml_file(EXAMPLE))
    for path, value in (changes or {}).items():
        set_path(data, path, value)
    tmp_path.mkdir(parents=True, exist_ok=True)
    order = tmp_path / "order.yaml"
    order.write_text(yaml.safe_dump(_plain(data), allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", order, "--docs", docs, "-o", out)
    assert result.returncode == 0, result.stderr
    return {p.stem.split("-", 3)[-1]: docx_text(p) for p in out.glob("*.docx")}


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    return build(tmp_path_factory.mktemp("example"))


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


# -- point 1: the manufacturing agreement -------------------------------------------------------------

def test_manufacturing_agreement_has_late_delivery_damages_per_week_capped(example):
    text = flat(example["manufacturing_agreement"])
    assert "liquidated damages (违约金) of 1% of the total price of that Purchase Order for each week of delay" in text
    assert "up to a maximum of 10% of that total price" in text
    assert "受托方应向委托方支付该采购订单总价1%的违约金；违约金累计总额以该采购订单总价的10%为上限" in text


def test_tooling_daily_sum_defaults_to_the_orders_value_over_its_production_days(example):
    # USD 16,000.00 over 84 days (2026-11-23 to 2027-02-15): USD 190.48 a day, not 1 % of the tooling cost
    for document in ("sales_contract", "manufacturing_agreement"):
        text = flat(example[document])
        assert "liquidated damages of USD 190.48" in text, document
        assert "违约金美元190.48" in text, document
    assert "1% of the tooling cost" not in example["sales_contract"]
    assert "模具费的1%" not in example["sales_contract"]


def test_tooling_daily_sum_is_an_answer(tmp_path):
    built = build(tmp_path, {"tooling.non_return_daily": 850}, docs="manufacturing_agreement")
    text = flat(built["manufacturing_agreement"])
    assert "liquidated damages of USD 850.00 (SAY US DOLLARS EIGHT HUNDRED FIFTY ONLY) per day" in text
    assert "还应向委托方支付违约金美元850.00（大写：美元捌佰伍拾元整）" in text


def test_manufacturing_agreement_alone_without_daily_answer_has_no_daily_sum(tmp_path):
    text = flat(build(tmp_path, docs="manufacturing_agreement")["manufacturing_agreement"])
    assert "per day, which the parties agree" not in text
    assert "模具同时适用本协议“排除留置”条款" in text


def test_lien_excluded_for_products_materials_samples_packaging_and_tooling(example):
    text = flat(example["manufacturing_agreement"])
    assert "may not retain by way of lien any of the following: (a) the Products, finished or semi-finished; " \
           "(b) the Buyer's Materials; (c) samples" in text
    assert "受托方对下列财产均不得留置：（一）产品，包括成品及半成品；（二）委托方物料；（三）样品" in text
    assert "Articles 449 and 783" in text and "第四百四十九条及第七百八十三条" in text


def test_manufacturing_agreement_chinese_says_weituofang_and_shoutuofang(example):
    text = example["manufacturing_agreement"]
    zh = "".join(re.findall(r"[\u4e00-\u9fff]+", text))
    assert "委托方" in zh and "受托方" in zh
    assert "买方" not in zh and "卖方" not in zh
    # the sales contract keeps 买方 / 卖方
    assert "买方" in example["sales_contract"] and "委托方" not in example["sales_contract"]


# -- point 2: the Art. 496 notice ------------------------------------------------------------------------

def test_standard_terms_notice_in_sales_contract_and_manufacturing_agreement(example):
    sales, manufacturing = flat(example["sales_contract"]), flat(example["manufacturing_agreement"])
    assert "the Buyer has drawn its attention to those articles in a reasonable way" in sales
    assert "买方已以合理方式提请卖方注意上述条款" in sales
    assert "the Buyer has drawn its attention to those clauses in a reasonable way" in manufacturing
    assert "委托方已以合理方式提请受托方注意上述条款" in manufacturing


# -- point 3: the sales contract --------------------------------------------------------------------------

def test_sales_contract_has_product_liability_indemnity_and_insurance_by_default(example):
    text = flat(example["sales_contract"])
    assert "recalls, withdraws or corrects the Goods" in text
    assert "合理地对货物采取召回、下架或者其他补救措施" in text
    # no insured amount answered: twice the Contract Price (USD 16,000.00), in figures in both languages
    assert "with a limit of not less than USD 32,000.00, twice the Contract Price, per claim" in text
    assert "每次事故赔偿限额不低于美元32,000.00（即合同总价的两倍）" in text
    assert "until 3 years after the last shipment" in text and "至最后一批货物装运之日起3年止" in text


def test_liability_and_insurance_follow_the_answers(tmp_path):
    off = flat(build(tmp_path / "off", {"liability.indemnity": False, "liability.insurance": False},
                     docs="sales_contract")["sales_contract"])
    assert "Product Liability and Recall" not in off and "产品责任保险" not in off
    amount = flat(build(tmp_path / "amount", {"liability.insurance_amount": 1000000, "delivery.destination_market": "US"},
                        docs="sales_contract")["sales_contract"])
    assert "including claims brought in the destination market (United States), with a limit of not less than USD 1,000,000.00 per claim" in amount
    assert "（包括在目的市场美国提出的索赔）" in amount and "每次事故赔偿限额不低于美元1,000,000.00" in amount


def test_sales_contract_has_an_address_for_service_in_proceedings(example):
    text = flat(example["sales_contract"])
    assert "the addresses at which documents may be served on each party in any arbitration or court proceedings" in text
    assert "同时为因本合同引起的或与本合同有关的任何仲裁或诉讼程序（包括二审及执行程序）中向各方送达文书的地址" in text


@pytest.mark.parametrize("incoterm, en, zh", [
    ("FOB", "by placing them on board the vessel nominated by the Buyer", "清洁已装船提单"),
    ("EXW", "by placing them at the Buyer's disposal at the named place", "书面收货凭证为证明"),
    ("FCA", "delivers the Goods to the carrier or other person nominated by the Buyer", "载明其接管货物日期的运输单据"),
    ("CIF", "at least that of the Institute Cargo Clauses (C)", "货物装上船舶时转移至买方，尽管运至目的港的运费由卖方支付"),
    ("CIP", "at least that of the Institute Cargo Clauses (A)", "货物交给第一承运人时转移至买方"),
    ("DDP", "The Seller shall clear the Goods for import and pay all import duties", "于交货时方转移至买方"),
])
def test_one_delivery_clause_per_incoterm_family(tmp_path, incoterm, en, zh):
    text = flat(build(tmp_path, {"delivery.incoterm": incoterm}, docs="sales_contract")["sales_contract"])
    assert en in text and zh in text
    # no rule speaks of another family's delivery
    others = {"EXW": "placed at the Buyer's disposal at the named place", "FOB": "by placing them on board the vessel nominated",
              "CIF": "Institute Cargo Clauses (C)", "CIP": "Institute Cargo Clauses (A)",
              "DDP": "clear the Goods for import", "FCA": "nominated by the Buyer at the named place"}
    for rule, phrase in others.items():
        if rule != incoterm:
            assert phrase not in text, (incoterm, rule)


def test_force_majeure_names_only_the_deposit_the_order_has(example, tmp_path):
    advance = flat(example["sales_contract"])
    assert "including the advance payment." in advance and "包括预付款。" in advance
    assert "定金不予双倍返还" not in advance and "earnest money, which is refunded" not in advance
    earnest = flat(build(tmp_path, {"payment.deposit_kind": "earnest", "payment.deposit_percent": 20},
                         docs="sales_contract")["sales_contract"])
    assert "including the earnest money, which is refunded without doubling." in earnest
    assert "包括定金，但定金不予双倍返还。" in earnest and "包括预付款" not in earnest


# -- point 4: compliance ----------------------------------------------------------------------------------

US_FOOD = {"delivery.destination_market": "US", "products.0.category": "food_contact",
           "products.0.standards": "FDA 21 CFR 177.1520"}


@pytest.fixture(scope="module")
def us_food(tmp_path_factory):
    return build(tmp_path_factory.mktemp("us"), US_FOOD, docs="sales_contract,manufacturing_agreement")


def test_anti_bribery_sanctions_and_forced_labour_in_both_contracts(us_food):
    for document in ("sales_contract", "manufacturing_agreement"):
        text = flat(us_food[document])
        assert "as commercial bribery prohibited by the Anti-Unfair Competition Law of the People's Republic of China" in text
        assert "《中华人民共和国反不正当竞争法》及《中华人民共和国刑法》所禁止的商业贿赂行为" in text
        assert "商业贿赂" in text
        # the example buyer is in the US: the FCPA wording, not the UK Bribery Act's
        assert "the United States Foreign Corrupt Practices Act of 1977" in text and "美国《1977年反海外腐败法》" in text
        assert "Bribery Act 2010" not in text
        assert "Export Control Law of the People's Republic of China" in text and "《中华人民共和国出口管制法》" in text
        assert "制裁名单" in text and "强迫劳动" in text
        assert "records that trace the main materials and components of the goods back to their producers" in text


def test_uk_buyer_gets_the_bribery_act_wording(tmp_path):
    text = flat(build(tmp_path, {"buyer.country": "GB"}, docs="sales_contract")["sales_contract"])
    assert "the United Kingdom Bribery Act 2010" in text and "英国《2010年反贿赂法》" in text
    assert "Foreign Corrupt Practices Act" not in text


def test_uflpa_only_for_goods_bound_for_the_united_states(us_food, tmp_path):
    text = flat(us_food["sales_contract"])
    assert "Uyghur Forced Labor Prevention Act" in text and "《维吾尔强迫劳动预防法》" in text
    assert "supply-chain tracing documents" in text and "供应链追溯文件" in text
    unknown = build(tmp_path, {"delivery.destination_market": DELETE}, docs="sales_contract")["sales_contract"]
    assert "Uyghur" not in flat(unknown)  # no destination market answered


def test_product_safety_reports_by_market_and_category(us_food, tmp_path):
    text = flat(us_food["sales_contract"])
    assert "(1) NW-BOT-500: test reports showing conformity with FDA 21 CFR 177.1520; test reports showing " \
           "compliance with the FDA food-contact regulations (21 CFR Parts 174 to 186)" in text
    assert "（1）NW-BOT-500：证明符合FDA 21 CFR 177.1520的检测报告；证明符合美国食品药品监督管理局食品接触材料法规" in text
    assert "If a report or certificate is false" in text and "任何报告或证书虚假" in text
    eu_toys = flat(build(tmp_path, {"delivery.destination_market": "EU", "products.0.category": "toys_children"},
                         docs="sales_contract")["sales_contract"])
    assert "Toy Safety Directive 2009/48/EC" in eu_toys and "《玩具安全指令》（2009/48/EC）" in eu_toys
    assert "Proposition 65" not in eu_toys


# -- point 5: annexes that exist ----------------------------------------------------------------------------

DRAWING = {"file": "NW-BOT-500-LID.dwg", "revision": "C", "title_en": "Lid assembly", "title_zh": "瓶盖组件",
           "sku": "NW-BOT-500"}


def test_annex_2_is_produced_per_product_line_and_annex_3_from_the_drawings(tmp_path):
    built = build(tmp_path, {"drawings": [DRAWING], "products.0.golden_sample_id": "GS-NW-BOT-500-01",
                             "products.0.standards": "FDA 21 CFR 177.1520"},
                  docs="sales_contract,technical_annex")
    annex = flat(built["technical_annex"])
    assert "Annex 2: Technical Specifications" in annex and "附件二：技术规格" in annex
    assert "(b) Material and grade: 304 stainless steel (SUS304), food grade, inner and outer wall." in annex
    assert "（二）材质及等级：内外壁均为304食品级不锈钢（SUS304）。" in annex
    assert "(d) Colour reference: Pantone 2955 C." in annex and "（四）颜色标准：Pantone 2955 C。" in annex
    assert "(f) Applicable standards: FDA 21 CFR 177.1520." in annex and "（六）适用标准：FDA 21 CFR 177.1520。" in annex
    assert "reference GS-NW-BOT-500-01, signed and sealed by both parties" in annex
    assert "编号为GS-NW-BOT-500-01、经双方签字并封存的样品" in annex
    assert "(1) NW-BOT-500-LID.dwg, revision C: Lid assembly (product NW-BOT-500)." in annex
    assert "（1）NW-BOT-500-LID.dwg，版本C：瓶盖组件（货号NW-BOT-500）。" in annex
    contract = flat(built["sales_contract"])
    assert "(c) Annex 3: the drawings listed in it by file name and revision (1 drawing);" in contract
    assert "（三）附件三：按文件名及版本号列明的图纸（共1份）；" in contract


def test_no_drawings_no_annex_3_cited_or_produced(tmp_path):
    built = build(tmp_path, docs="sales_contract,technical_annex")
    assert "Annex 3" not in built["sales_contract"] and "附件三" not in built["sales_contract"]
    assert "Annex 3" not in built["technical_annex"] and "附件三" not in built["technical_annex"]
    assert "(c) the approved samples, signed and sealed by both parties" in flat(built["sales_contract"])


def test_po_annex_defines_this_po_and_the_contract(example):
    text = flat(example["po_annex"])
    assert 'In this PO, "the Contract" and "this Contract" mean that Sales Contract, never this PO' in text
    assert "本订单中所称“合同”及“本合同”，均指该销售合同，而非本订单" in text


# -- point 6: arbitration -----------------------------------------------------------------------------------

def test_cietac_clause_is_the_current_published_wording(example):
    text = flat(example["sales_contract"])
    assert ("shall be submitted to China International Economic and Trade Arbitration Commission (CIETAC) for "
            "arbitration which shall be conducted in accordance with the CIETAC's arbitration rules in effect at "
            "the time of applying for arbitration. The arbitral award is final and binding upon both parties.") in text
    assert "均应提交中国国际经济贸易仲裁委员会，按照申请仲裁时该会现行有效的仲裁规则进行仲裁" in text


def test_nnn_defaults_to_the_court_at_the_factorys_domicile_whatever_the_contracts_forum(example, tmp_path):
    nnn, contract = flat(example["nnn"]), flat(example["sales_contract"])
    assert "submitted to the people's court having jurisdiction at the place of the Seller's domicile" in nnn
    assert "均由卖方住所地有管辖权的人民法院管辖" in nnn
    assert "Arbitration Commission" not in nnn and "CIETAC" in contract  # the contract keeps its forum
    same = flat(build(tmp_path, {"dispute.nnn_forum": "as_contract"}, docs="nnn")["nnn"])
    assert "(CIETAC) for arbitration" in same and "people's court" not in same


def test_shiac_notice_in_check_build_summary_and_manifest(tmp_path, write_order):
    import json
    order = write_order({"dispute.forum": "shiac", "dispute.seat": "Shanghai"})
    checked = run_cli("check", order, "--format", "json")
    notices = json.loads(checked.stdout)["notices"]
    assert [n["clause"] for n in notices] == ["dispute.shiac"]
    assert "not an official SHIAC model clause" in notices[0]["en"] and "并非该中心官方发布的示范条款" in notices[0]["zh"]
    assert "not an official SHIAC model clause" in run_cli("check", order).stdout
    assert "并非该中心官方发布的示范条款" in run_cli("check", order, "--lang", "zh").stdout
    built = run_cli("build", order, "-o", tmp_path / "out")
    assert "not an official SHIAC model clause" in built.stdout and "并非该中心官方发布的示范条款" in built.stdout
    manifest = json.loads(next((tmp_path / "out").glob("*.manifest.json")).read_text(encoding="utf-8"))
    assert manifest["manifest"]["notices"][0]["clause"] == "dispute.shiac"
    # CIETAC's is the published model clause: no notice anywhere
    assert json.loads(run_cli("check", write_order(), "--format", "json").stdout)["notices"] == []


# -- point 7: the tooling schedule --------------------------------------------------------------------------

MOULDS = [{"id": "NW-M-001", "description_en": "Injection mould, bottle lid, cavity A", "description_zh": "瓶盖注塑模具A",
           "location": "Building 3, Fenghuang Industrial Zone, Fuyong, Shenzhen",
           "location_zh": "深圳市宝安区福永街道凤凰工业区3栋", "photo": "NW-M-001.jpg", "cost": 1800},
          {"id": "NW-F-001", "description_en": "Powder-coating fixture", "description_zh": "喷粉治具", "cost": 900}]


def test_tooling_schedule_lists_each_mould_in_both_contracts(tmp_path):
    built = build(tmp_path, {"moulds": MOULDS}, docs="sales_contract,manufacturing_agreement")
    for document, buyer in (("sales_contract", "买方"), ("manufacturing_agreement", "委托方")):
        text = flat(built[document])
        assert "(2) NW-F-001: Powder-coating fixture; location: the Seller's factory stated at the head of" in text
        assert "（2）NW-F-001：喷粉治具；存放地点：本" in text and "照片：由" in text
        assert "(1) NW-M-001: Injection mould, bottle lid, cavity A; location: Building 3, Fenghuang Industrial " \
               "Zone, Fuyong, Shenzhen; photograph: NW-M-001.jpg; cost: USD 1,800.00." in text, document
        assert "（1）NW-M-001：瓶盖注塑模具A；存放地点：深圳市宝安区福永街道凤凰工业区3栋；照片：NW-M-001.jpg；费用：美元1,800.00。" in text
        assert "which name the Buyer, Northwind Home Goods LLC, as owner" in text
        assert f"该字样载明{buyer}北风家居有限公司为所有权人" in text


# -- point 8: milestones and gates --------------------------------------------------------------------------

def test_no_mass_production_before_the_pre_production_sample_is_approved(example):
    text = flat(example["sales_contract"])
    assert "The Seller shall not start mass production of a product line before the Buyer has approved its " \
           "pre-production sample in writing." in text
    assert "某一货物品项的产前样经买方书面确认前，卖方不得开始该品项的批量生产。" in text


@pytest.mark.parametrize("trigger, en, zh", [
    ("pp_sample_approval", "after the Buyer has approved the pre-production sample in writing", "买方书面确认产前样"),
    ("proof_of_materials", "proof that it has bought and received at its factory the main materials", "已为货物采购主要原材料"),
])
def test_staged_payments_a_second_instalment_out_of_the_balance(tmp_path, write_order, trigger, en, zh):
    changes = {"payment.stage_trigger": trigger, "payment.stage_percent": 20}
    text = flat(build(tmp_path, changes, docs="sales_contract")["sales_contract"])
    # USD 16,000.00: deposit 30 % = 4,800.00, second instalment 20 % = 3,200.00, balance 50 % = 8,000.00
    assert "a second instalment of 20% of the Contract Price, namely USD 3,200.00" in text and en in text
    assert "支付合同总价的20%作为第二期款，即美元3,200.00" in text and zh in text
    assert "The balance of 50% of the Contract Price, namely USD 8,000.00" in text
    assert "合同总价的50%，即美元8,000.00（大写：美元捌仟元整）为余款" in text
    assert "并非定金" in text
    # the risk rule: 30 % + 20 % is not above half; 40 % + 20 % is
    import json
    assert "milestones.staged_over_50" not in run_cli("check", write_order(changes), "--format", "json").stdout
    over = json.loads(run_cli("check", write_order({**changes, "payment.deposit_percent": 40}), "--format", "json").stdout)
    assert "milestones.staged_over_50" in [f["id"] for f in over["findings"]]


def test_second_payment_must_leave_a_balance(write_order):
    result = run_cli("check", write_order({"payment.stage_trigger": "pp_sample_approval", "payment.stage_percent": 70}))
    assert result.returncode == 2 and "payment.stage_percent" in result.stderr
