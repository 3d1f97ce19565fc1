"""Hostile answers (issue 12): a typed number means one thing or is refused; everyday typos (impossible
dates, huge numbers, null or wrong-typed sections) are input errors at their field, never a crash; names
with invisible format characters are refused. Checked at the root (validation and the risk check, with
Hypothesis) and through every face: `check`, `build`, `batch`, `interview --resume` and the web app."""
from __future__ import annotations

import copy
import csv
import io
import os
import re
import subprocess
import sys
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contractgen.answers.load import answers_from_mapping, load_answers
from contractgen.documents.assembly import assemble
from contractgen.documents.context import order_context
from contractgen.library.clauses import load_library
from contractgen.library.definitions import load_definition
from contractgen.build import interview_for, resolve_documents
from contractgen.core.errors import InputError
from contractgen.answers.numbers import NumberTextError, read_number
from contractgen.risk.assess import assess
from contractgen.web.app import create_app
from contractgen.web.form import field_anchor
from contractgen.core.yamlio import load_yaml_file, load_yaml_text

from conftest import EXAMPLE, ROOT, set_path
from conftest import run_cli

INTERVIEW = interview_for(resolve_documents(["all"]))


def only_problem(path, interview=INTERVIEW):
    with pytest.raises(InputError) as caught:
        load_answers(path, interview)
    assert len(caught.value.problems) == 1, caught.value.problems
    return caught.value.problems[0]


# -- item 1: a typed number means one thing or is refused ----------------------------------------------

@pytest.mark.parametrize("typed, found", [
    ('"3,20"', "a decimal comma? write 3.20"),
    ('"3,2"', "a decimal comma? write 3.2"),
    ('"0,125"', "a decimal comma? write 0.125"),
    ("3_20", "without '_'"),
    ('"3_20"', "without '_'"),
    ("1e30", "without an exponent"),
    ('"1E+3"', "without an exponent"),
    ("NaN", "'NaN'"),
    ('"Infinity"', "'Infinity'"),
    ('"3.20%"', "a percent sign only where a percentage is asked"),
    ('"٣٫٢٠"', "U+0663 ARABIC-INDIC DIGIT THREE"),
    ('"3.2\u00a00"', "U+00A0 NO-BREAK SPACE"),
    ('"1,23,456.00"', "'1,23,456.00'"),
    ("0.0000001", "0.0000001"),
])
def test_a_price_with_no_single_reading_is_refused_at_its_field(write_order, typed, found):
    path = write_order()
    path.write_text(path.read_text("utf-8").replace("unit_price: 3.2", f"unit_price: {typed}", 1), "utf-8")
    problem = only_problem(path)
    assert problem.path == "products[0].unit_price"
    assert found in problem.found.en


@pytest.mark.parametrize("typed, read", [
    ('"1,234.50"', Decimal("1234.50")), ('"1,234"', Decimal("1234")), ('"1,234,567"', Decimal("1234567")),
    ("+3.20", Decimal("3.20")), ('"３．２０"', Decimal("3.20")), ('"５，０００"', Decimal("5000")), (".5", Decimal("0.5")),
])
def test_a_price_with_one_reading_is_read_that_way(write_order, typed, read):
    path = write_order()
    path.write_text(path.read_text("utf-8").replace("unit_price: 3.2", f"unit_price: {typed}", 1), "utf-8")
    assert load_answers(path, INTERVIEW).data["products"][0]["unit_price"] == read


def test_percent_sign_only_on_a_percentage(write_order):
    assert load_answers(write_order({"payment.deposit_percent": "30 %"}), INTERVIEW).data["payment"][
        "deposit_percent"] == 30
    assert "percent sign" in only_problem(write_order({"products.0.quantity": "50%"})).found.en


@given(st.text(alphabet=st.sampled_from("0123456789,._+-eE%％，．３ ٣\u00a0naNIfity"), max_size=14))
def test_a_number_text_is_read_one_way_or_refused(text):
    try:
        number = read_number(text, percent=True)
    except NumberTextError:
        return
    assert number.is_finite() and abs(number) < 10 ** 12
    # the reading is the text without its grouping commas, full widths and percent sign: nothing guessed
    plain = text.strip().translate({0xFF0C: ",", 0xFF0E: ".", 0xFF05: "%", 0xFF13: "3"})
    assert number == Decimal(plain.removesuffix("%").strip().replace(",", ""))


def _orders_csv(tmp_path, changes: dict[str, dict[str, str]], delimiter: str = ";") -> None:
    """A csv of the example order, one order per contract number, each with its own changed cells."""
    example = load_yaml_file(EXAMPLE)
    product = example["products"][0]
    header, rows = None, []
    for number, cells in changes.items():
        order = copy.deepcopy(example)
        order["contract"]["number"] = number
        del order["products"]
        flat = _leaves(order)
        line = {f"products.{k}": str(v) for k, v in product.items() if not isinstance(v, (dict, list))}
        line["products.quantity"] = "5000"
        row = {**flat, **line, **cells}
        header = list(row)
        rows.append(list(row.values()))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([header, *rows])
    (tmp_path / "orders.csv").write_text(buffer.getvalue(), encoding="utf-8")


def _leaves(data: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(_leaves(value, f"{prefix}{key}."))
        elif not isinstance(value, list):
            out[f"{prefix}{key}"] = "TRUE" if value is True else "FALSE" if value is False else str(value)
    return out


def test_semicolon_csv_refuses_decimal_commas_and_thousands_dots(tmp_path):
    _orders_csv(tmp_path, {"SC-EU-1": {"products.unit_price": "3,20"}, "SC-EU-2": {"products.unit_price": "1.234"},
                           "SC-EU-3": {"products.unit_price": "3.20"}})
    result = run_cli("batch", tmp_path / "orders.csv", "-o", tmp_path / "out", "--docs", "po_annex", "--format", "md",
                     "--jobs", "1")
    assert result.returncode == 2, result.stderr
    lines = [line.strip() for line in result.stderr.splitlines()]
    assert any(line.startswith("orders.csv row 2, column 'products.unit_price'") and "a decimal comma? write 3.20"
               in line for line in lines), result.stderr
    assert any(line.startswith("orders.csv row 3, column 'products.unit_price'") and "is it 1234 or 1.234?" in line
               for line in lines), result.stderr
    assert not (tmp_path / "out" / "SC-EU-1").exists() and not (tmp_path / "out" / "SC-EU-2").exists()
    annex = (tmp_path / "out" / "SC-EU-3" / "SC-EU-3-po_annex.md").read_text("utf-8")
    assert "16,000.00" in annex  # 5,000 × 3.20


# -- item 2: everyday typos are input errors at their field, never a crash -----------------------------

TYPOS = [
    ("date: 2026-02-30", "contract.date"),
    ("unit_price: 1e30", "products[0].unit_price"),
    ("quantity: " + "9" * 5000, "products[0].quantity"),
    ("unit_price: 999999999999.99", "products"),  # each number within bounds, the total not
]


def _typo(path, line: str) -> None:
    text = path.read_text("utf-8")
    key = line.split(":")[0]
    start = text.index(f"{key}:")
    end = text.index("\n", start)
    path.write_text(text[:start] + line + text[end:], "utf-8")


@pytest.mark.parametrize("line, field", TYPOS)
def test_typo_is_exit_2_naming_the_field_in_check_and_build(write_order, tmp_path, line, field):
    path = write_order({"products.0.quantity": 1000000} if field == "products" else None)
    _typo(path, line)
    for command in (["check", path], ["build", path, "--docs", "po_annex", "--format", "md", "-o", tmp_path / "o"]):
        result = run_cli(*command)
        assert result.returncode == 2, result.stderr
        assert f"{path}: {field}: expected" in result.stderr
        assert "internal error" not in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("value", [[], ["II"], {"level": "II"}])
def test_a_list_or_mapping_where_a_choice_is_due_is_refused_at_its_field(write_order, value):
    # cerberus's `allowed` lets a list through when each of its items is allowed, so [] passed and then
    # stopped the AQL table with an internal error
    path = write_order({"quality.inspection_level": value})
    result = run_cli("check", path)
    assert result.returncode == 2, result.stderr
    assert f"{path}: quality.inspection_level: expected one of: I, II, III, S-1, S-2, S-3, S-4, found a" \
        in result.stderr, result.stderr
    assert "internal error" not in result.stderr


@pytest.mark.parametrize("section", ["contract", "buyer", "supplier", "payment", "delivery", "quality", "products",
                                     "dispute", "tooling", "currency"])
@pytest.mark.parametrize("value", [None, 5, "text", [1, 2]])
def test_a_null_or_wrong_typed_section_is_an_input_error(write_order, section, value):
    path = write_order({section: value})
    try:
        answers = load_answers(path, INTERVIEW)
    except InputError as error:
        assert all(p.path for p in error.problems)
        assert any(p.path == section or p.path.startswith((section + ".", section + "[")) for p in error.problems), \
            error.problems
        return
    assess(answers.data, INTERVIEW)  # an optional section left empty is no section


_HOSTILE_SCALARS = ["~", "5", "-1", "0", "0.125", "50000.125", "1e30", "1e-30", "9" * 5000, "0." + "0" * 40 + "1", "2026-02-30", "0001-01-01",
                    "9999-12-31", '"2026-13-01"', "NaN", ".inf", '"3,20"', "3_20", "true", "[]", "{}", "[1, {a: 2}]",
                    '"\u202eevil"', '"a\u200bb"', '""', '"x"', "abc", "999999999999", "-999999999999.99"]


def _leaf_paths(data, prefix=""):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaf_paths(value, f"{prefix}{key}.")
            yield f"{prefix}{key}"
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _leaf_paths(value, f"{prefix}{i}.")


_EXAMPLE = load_yaml_file(EXAMPLE)
_PATHS = sorted(set(_leaf_paths(_EXAMPLE)) | {"products.1", "tooling", "communication.buyer_time_zone"})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(_PATHS), st.sampled_from(_HOSTILE_SCALARS)), min_size=1, max_size=4))
def test_generated_hostile_answers_succeed_or_raise_our_input_error(changes):
    data = copy.deepcopy(_EXAMPLE)
    for path, scalar in changes:
        try:
            set_path(data, path, load_yaml_text(f"v: {scalar}", "h.yaml")["v"])
        except (TypeError, ValueError, IndexError, AttributeError, KeyError):
            continue  # an earlier change made the parent a scalar: nothing to set
    try:
        answers = answers_from_mapping(data, INTERVIEW, "h.yaml")
    except InputError as error:
        assert error.problems and all(p.path for p in error.problems), error.problems
        return
    assess(answers.data, INTERVIEW)


_DEFINITIONS = [load_definition(d) for d in resolve_documents(["all"])]


def _value_at(data, path: str):
    for part in path.split("."):
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data


_NUMBER_PATHS = sorted(p for p in _leaf_paths(_EXAMPLE)
                       if isinstance(_value_at(_EXAMPLE, p), (int, float)) and not isinstance(_value_at(_EXAMPLE, p), bool))
_NUMBERS = st.one_of(*(st.decimals(min_value=-1, max_value=10 ** 7, places=places, allow_nan=False, allow_infinity=False)
                       for places in range(5)))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(_NUMBER_PATHS), _NUMBERS), min_size=1, max_size=3))
def test_numbers_that_validate_assemble_every_document(changes):
    # what validation lets through must build: a number the documents cannot print (a sum finer than
    # its currency's unit, say) is an input error at validation, never a library fault at render time
    data = copy.deepcopy(_EXAMPLE)
    for path, number in changes:
        set_path(data, path, number)
    try:
        answers = answers_from_mapping(data, INTERVIEW, "h.yaml")
    except InputError:
        return
    library, order = load_library(), order_context(answers.data, INTERVIEW)
    for definition in _DEFINITIONS:
        assemble(definition, order, library)


@pytest.mark.parametrize("currency, amount, places", [("USD", "50000.125", "2"), ("JPY", "50000.5", "whole")])
def test_an_amount_finer_than_its_currency_is_refused_at_its_field(write_order, tmp_path, currency, amount, places):
    path = write_order({"currency": currency})
    text = path.read_text("utf-8").replace("liquidated_damages: 50000", f"liquidated_damages: {amount}")
    assert amount in text
    path.write_text(text, "utf-8")
    result = run_cli("build", path, "--docs", "all", "--format", "md", "-o", tmp_path / "o")
    assert result.returncode == 2, result.stderr
    assert f"{path}: confidentiality.liquidated_damages: expected" in result.stderr
    assert (f"at most {places} decimal places in {currency}" if places != "whole"
            else f"a whole amount in {currency}") in result.stderr
    assert not (tmp_path / "o").exists()


def test_an_amount_in_its_currency_unit_builds(write_order, tmp_path):
    path = write_order({"confidentiality.liquidated_damages": Decimal("50000.10")})
    result = run_cli("build", path, "--docs", "nnn", "--format", "md", "-o", tmp_path / "o")
    assert result.returncode == 0, result.stderr
    assert "50,000.10" in (tmp_path / "o" / "SC-2026-0142-nnn.md").read_text("utf-8")


def test_batch_rows_with_typos_get_their_cell_and_the_others_build(tmp_path):
    _orders_csv(tmp_path, {"SC-T-1": {"contract.date": "2026-02-30"}, "SC-T-2": {"products.unit_price": "1e30"},
                           "SC-T-3": {"products.quantity": "9" * 5000}, "SC-T-4": {}}, delimiter=",")
    result = run_cli("batch", tmp_path / "orders.csv", "-o", tmp_path / "out", "--docs", "po_annex", "--format", "md",
                     "--jobs", "1")
    assert result.returncode == 2 and "internal error" not in result.stderr, result.stderr
    for row, column in ((2, "contract.date"), (3, "products.unit_price"), (4, "products.quantity")):
        assert f"orders.csv row {row}, column '{column}'" in result.stderr, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.is_dir()) == ["SC-T-4"]


@pytest.mark.parametrize("line, field", TYPOS[:3])
def test_interview_resume_of_a_file_with_a_typo_asks_again(write_order, tmp_path, line, field):
    path = write_order()
    _typo(path, line)
    result = subprocess.run([sys.executable, "-m", "contractgen", "interview", "sales_contract", "--resume", str(path),
                             "-o", str(tmp_path / "resumed.yaml")], input="", capture_output=True, text=True,
                            timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 2) and (tmp_path / "resumed.yaml").is_file()


WEB = "http://127.0.0.1:8000"


@pytest.mark.parametrize("line, field", TYPOS + [("contract: ~", "contract.number"), ("products: 5", "products")])
def test_web_review_and_preview_name_the_field_not_a_500(write_order, line, field):
    path = write_order()
    text = path.read_text("utf-8")
    if line.startswith(("contract:", "products:")):
        key = line.split(":")[0]
        data = load_yaml_text(text, "x")
        data[key] = load_yaml_text(line, "x")[key]
        path = write_order({key: data[key]})
    else:
        _typo(path, line)
    client = create_app("order_set", "127.0.0.1", 8000).test_client()
    page = client.get("/section/contract", base_url=WEB).get_data(as_text=True)
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    loaded = client.post("/load", base_url=WEB, data={"_csrf": csrf, "answers": (io.BytesIO(path.read_bytes()), "o.yaml")},
                         headers={"Origin": WEB}, content_type="multipart/form-data")
    assert loaded.status_code < 500
    review = client.get("/review", base_url=WEB)
    preview = client.get("/preview?doc=sales_contract&layout=parallel", base_url=WEB)
    assert review.status_code == 200 and preview.status_code == 200
    assert f'#{field_anchor(field)}"' in review.get_data(as_text=True)  # the problem, linked to its field


# -- item 8: names that display as something else -------------------------------------------------------

@pytest.mark.parametrize("path, typed, named", [
    ("supplier.name_zh", "深圳市华信\u202e司公限有", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("supplier.bank.beneficiary", "深圳市华信家居用品\u200b有限公司", "U+200B ZERO WIDTH SPACE"),
    ("buyer.name_en", "North\u200dwind LLC", "U+200D ZERO WIDTH JOINER"),
    ("products.0.description_en", "bottle\u2066x\u2069", "U+2066 LEFT-TO-RIGHT ISOLATE"),
    ("packaging.description_en", "carton\ufeff of 24", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
])
def test_invisible_format_characters_are_refused_by_name(write_order, path, typed, named):
    problem = only_problem(write_order({path: typed}))
    assert problem.path == path.replace(".0.", "[0].")
    assert named in problem.found.en and "format characters" in problem.expected.en


def test_text_is_nfc_and_chinese_and_full_width_punctuation_pass_unchanged(write_order):
    spec = "304不锈钢，壁厚0.5毫米、喷粉涂层。（潘通2955 C）"
    answers = load_answers(write_order({"buyer.name_en": "Cafe\u0301 Nord", "products.0.specification_zh": spec}),
                           INTERVIEW).data
    assert answers["buyer"]["name_en"] == "Caf\u00e9 Nord"
    assert answers["products"][0]["specification_zh"] == spec
