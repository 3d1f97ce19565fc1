"""Issue 16 (clause completeness), read back from the built DOCX: each new obligation's text in both
languages, driven by the answers that select it."""
from __future__ import annotations

import copy
import re

import pytest
import yaml

from contractgen.core.yamlio import load_yaml_file

from conftest import EXAMPLE, _plain, docx_text, run_cli, set_path

DOCS = "sales_contract,manufacturing_agreement,po_annex,nnn"


def build(tmp_path, changes: dict | None = None, docs: str = DOCS) -> dict[str, str]:
    """Build the example order with these changes; {document: its DOCX text}."""
    data = copy.deepcopy(load_yaml_file(EXAMPLE))
    for path, value in (changes or {}).items():
        set_path(data, path, value)
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
