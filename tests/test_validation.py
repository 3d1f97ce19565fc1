"""Answers validation against the sales-contract interview: each kind of mistake gives one precise
error naming the file, the field path, what was expected and what was found."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from cerberus.schema import DefinitionSchema, SchemaError

from contractgen.answers.load import load_answers
from contractgen.core.errors import ValidationError
from contractgen.answers.schema import _Validator, generated_schema
from contractgen.interview.definitions import available_interviews, load_interview

from conftest import DELETE


@pytest.fixture(scope="module")
def interview():
    return load_interview("sales_contract")


def problems(path, interview):
    with pytest.raises(ValidationError) as err:
        load_answers(path, interview)
    return err.value.problems


def only_problem(path, interview):
    found = problems(path, interview)
    assert len(found) == 1, [str(p) for p in found]
    assert found[0].source == str(path)
    return found[0]


def test_example_is_valid_and_typed(write_order, interview):
    answers = load_answers(write_order(), interview)
    data = answers.data
    assert answers.warnings == []
    assert data["products"][0]["unit_price"] == Decimal("3.20")
    assert isinstance(data["products"][0]["quantity"], Decimal)
    assert data["products"][0]["hs_code"] == "9617.00"
    assert data["contract"]["date"] == dt.date(2026, 11, 23)
    assert data["payment"]["deposit_percent"] == 30


@pytest.mark.parametrize("changes, path, expected, found", [
    ({"payment.deposit_percent": 120}, "payment.deposit_percent", "from 0 to 100", "120"),
    ({"payment.deposit_percent": -5}, "payment.deposit_percent", "from 0 to 100", "-5"),
    ({"payment.deposit_percent": "thirty"}, "payment.deposit_percent", "percentage", "'thirty'"),
    ({"payment.deposit_kind": "earnest", "payment.deposit_percent": 30}, "payment.deposit_percent", "20", "30"),
    ({"supplier.uscc": "9144030071526726XA"}, "supplier.uscc", "Unified Social Credit Code", "check character"),
    ({"supplier.uscc": "91440300715267"}, "supplier.uscc", "Unified Social Credit Code", "14 characters"),
    ({"currency": "XYZ"}, "currency", "ISO 4217", "'XYZ'"),
    ({"buyer.country": "USA"}, "buyer.country", "ISO 3166", "'USA'"),
    ({"delivery.incoterm": "FOBB"}, "delivery.incoterm", "FOB", "'FOBB'"),
    ({"delivery.ship_by": "2026-11-01"}, "delivery.ship_by", "", "2026-11-01"),
    ({"delivery.ship_by": "15/02/2027"}, "delivery.ship_by", "date", "'15/02/2027'"),
    ({"products.0.quantity": 0}, "products[0].quantity", "", "0"),
    ({"products.0.quantity": -10}, "products[0].quantity", "", "-10"),
    ({"products.0.unit_price": "abc"}, "products[0].unit_price", "number", "'abc'"),
    ({"products": []}, "products", "at least 1", "0"),
    ({"supplier.bank.beneficiary": DELETE}, "supplier.bank.beneficiary", "required", "nothing"),
    ({"supplier.name_zh": "深" * 5000}, "supplier.name_zh", "at most", "5,000 characters"),
    ({"buyer.email": "not-an-email"}, "buyer.email", "e-mail", "'not-an-email'"),
    ({"contract.number": "../../etc/passwd"}, "contract.number", "", "'../../etc/passwd'"),
    ({"contract": 5}, "contract", "a mapping", "5"),
    ({"products.0": "not a product"}, "products[0]", "a mapping", "'not a product'"),
    ({"payment.deposit_percent": True}, "payment.deposit_percent", "percentage", "true"),
    ({"subcontracting.allowed": "no"}, "subcontracting.allowed", "true or false", "'no'"),
    ({"dispute.arbitrators": 2}, "dispute.arbitrators", "one of: 1, 3", "2"),
    ({"tooling": "yes"}, "tooling", "mapping", "'yes'"),
    ({"delivery.ship_by": 20270215}, "delivery.ship_by", "date", "20270215"),
    ({"supplier.name_en": "Huaxin\nHouseware"}, "supplier.name_en", "one line", "U+000A"),
    ({"buyer.name_en": "Northwind\x00"}, "buyer.name_en", "one line", "U+0000"),
])
def test_each_mistake_is_named(write_order, interview, changes, path, expected, found):
    problem = only_problem(write_order(changes), interview)
    assert problem.path == path
    assert expected in problem.expected.en
    assert found in problem.found.en


def test_uscc_override_accepts_a_verified_code(write_order, interview):
    path = write_order({"supplier.uscc": "9144030071526726XA",
                        "supplier.uscc_override_reason": "Checked on gsxt.gov.cn on 2026-11-20"})
    assert load_answers(path, interview).data["supplier"]["uscc"] == "9144030071526726XA"


def test_several_mistakes_are_reported_together_in_file_order(write_order, interview):
    found = problems(write_order({"payment.deposit_percent": 120, "currency": "XYZ", "buyer.country": "USA"}), interview)
    assert [p.path for p in found] == ["buyer.country", "currency", "payment.deposit_percent"]


def test_lenient_where_meaning_is_clear(write_order, interview):
    data = load_answers(write_order({"delivery.incoterm": "fob", "currency": " usd ", "buyer.country": "no",
                                     "products.0.quantity": "5,000"}), interview).data
    assert data["delivery"]["incoterm"] == "FOB" and data["currency"] == "USD"
    assert data["buyer"]["country"] == "NO"  # Norway, not YAML 1.1's false
    assert data["products"][0]["quantity"] == Decimal("5000")


def test_hostile_text_is_kept_as_data(write_order, interview):
    data = load_answers(write_order({"supplier.name_en": "{{ 7*7 }} <w:p>&"}), interview).data
    assert data["supplier"]["name_en"] == "{{ 7*7 }} <w:p>&"


def test_defaults_are_filled(write_order, interview):
    data = load_answers(write_order({"quality.inspection_level": DELETE, "contract.place_of_signing_zh": DELETE}),
                        interview).data
    assert data["quality"]["inspection_level"] == "II"
    assert data["contract"]["place_of_signing_zh"] == "深圳"  # the gazetteer's name for Shenzhen


def test_missing_section_lists_its_required_fields(write_order, interview):
    found = problems(write_order({"supplier": DELETE}), interview)
    paths = {p.path for p in found}
    assert {"supplier.name_zh", "supplier.uscc", "supplier.bank.beneficiary"} <= paths
    assert all(p.found.en == "nothing" for p in found)


def test_tooling_is_optional_but_complete_when_given(write_order, interview):
    assert "tooling" not in load_answers(write_order({"tooling": DELETE}), interview).data
    problem = only_problem(write_order({"tooling.description_en": DELETE}), interview)
    assert problem.path == "tooling.description_en"


def test_unknown_field_is_a_warning_with_a_suggestion(write_order, interview):
    answers = load_answers(write_order({"payment.deposit_percnt": 30}), interview)
    assert len(answers.warnings) == 1
    assert answers.warnings[0].path == "payment.deposit_percnt"
    assert "payment.deposit_percent" in answers.warnings[0].found.en


def test_not_a_mapping(tmp_path, interview):
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n")
    problem = only_problem(path, interview)
    assert problem.path == "" and "mapping" in problem.expected.en


@pytest.mark.parametrize("name", available_interviews())
def test_every_generated_schema_passes_cerberus_own_check(name):
    """Validators trust the schema answers/schema.py generates (checking it on every run cost more than
    validating): cerberus's own check of it runs here, for every block present or absent, every question
    shown or hidden. A broken rule fails here, naming it."""
    interview = load_interview(name)
    for presence in (True, False):
        for shown in (True, False):
            schema = generated_schema(interview, (presence,) * len(interview.blocks), lambda q, s=shown: s)
            assert schema or not shown
            DefinitionSchema(_Validator(), schema)  # raises SchemaError naming the faulty rule


def test_a_broken_generated_rule_is_what_cerberus_check_refuses():
    with pytest.raises(SchemaError):
        DefinitionSchema(_Validator(), {"price": {"type": "decimal-ish"}})
