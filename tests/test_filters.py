import datetime
from decimal import Decimal

import pytest
from jinja2 import StrictUndefined, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from contractgen.library.filters import (
    FILTERS,
    amount_in_words,
    currency_name,
    format_date_long,
    format_money,
    format_number,
)


@pytest.fixture
def env():
    environment = SandboxedEnvironment(undefined=StrictUndefined)
    environment.filters.update(FILTERS)
    return environment


def render(env, source, **context):
    return env.from_string(source).render(**context)


def test_filters_registry_has_exactly_the_documented_names():
    assert set(FILTERS) == {"money", "money_zh", "words_en", "words_zh", "date_en", "date_zh", "num", "aql"}


@pytest.mark.parametrize(
    "currency, amount, expected",
    [
        ("USD", Decimal("16000"), "USD 16,000.00"),
        ("USD", Decimal("1234567.5"), "USD 1,234,567.50"),
        ("USD", 16000, "USD 16,000.00"),
        ("EUR", Decimal("0.3"), "EUR 0.30"),
        ("CNY", Decimal("16000.00"), "CNY 16,000.00"),
        ("JPY", Decimal("16000"), "JPY 16,000"),
        ("JPY", Decimal("16000.00"), "JPY 16,000"),  # zero cents are not a fraction of a yen
    ],
)
def test_money(env, currency, amount, expected):
    assert render(env, "{{ total_amount | money }}", total_amount=amount, currency=currency) == expected


@pytest.mark.parametrize(
    "currency, amount, expected",
    [
        ("USD", Decimal("16000"), "美元16,000.00"),
        ("CNY", Decimal("16000"), "人民币16,000.00"),
        ("EUR", Decimal("2500.5"), "欧元2,500.50"),
        ("JPY", 16000, "日元16,000"),
    ],
)
def test_money_zh(env, currency, amount, expected):
    assert render(env, "{{ total_amount | money_zh }}", total_amount=amount, currency=currency) == expected


@pytest.mark.parametrize(
    "currency, amount, expected",
    [
        ("USD", Decimal("16000"), "SAY US DOLLARS SIXTEEN THOUSAND ONLY"),
        ("USD", Decimal("16000.30"), "SAY US DOLLARS SIXTEEN THOUSAND AND CENTS THIRTY ONLY"),
        ("EUR", Decimal("21"), "SAY EUROS TWENTY-ONE ONLY"),
        ("CNY", Decimal("1005"), "SAY CHINESE YUAN ONE THOUSAND FIVE ONLY"),
    ],
)
def test_words_en(env, currency, amount, expected):
    assert render(env, "{{ total_amount | words_en }}", total_amount=amount, currency=currency) == expected


@pytest.mark.parametrize(
    "currency, amount, expected",
    [
        ("USD", Decimal("16000"), "美元壹万陆仟元整"),
        ("CNY", Decimal("1005"), "人民币壹仟零伍元整"),
        ("CNY", Decimal("1680.32"), "人民币壹仟陆佰捌拾元零叁角贰分"),
        ("EUR", Decimal("10"), "欧元壹拾元整"),
    ],
)
def test_words_zh(env, currency, amount, expected):
    assert render(env, "{{ total_amount | words_zh }}", total_amount=amount, currency=currency) == expected


def test_money_filters_on_attributes_of_context_values(env):
    source = "{% for line in lines %}{{ line.number }}: {{ line.amount | money }}; {% endfor %}"
    lines = [{"number": 1, "amount": Decimal("100")}, {"number": 2, "amount": Decimal("2.5")}]
    assert render(env, source, lines=lines, currency="USD") == "1: USD 100.00; 2: USD 2.50; "


def test_dates(env):
    d = datetime.date(2026, 11, 23)
    assert render(env, "{{ d | date_en }}", d=d) == "23 November 2026"
    assert render(env, "{{ d | date_zh }}", d=d) == "2026年11月23日"
    early = datetime.date(2026, 1, 3)
    assert render(env, "{{ d | date_en }} / {{ d | date_zh }}", d=early) == "3 January 2026 / 2026年1月3日"


@pytest.mark.parametrize(
    "value, expected",
    [
        (5000, "5,000"),
        (Decimal("2.5"), "2.5"),
        (Decimal("30"), "30"),
        (Decimal("30.0"), "30"),
        (Decimal("3.20"), "3.2"),
        (Decimal("1234567"), "1,234,567"),
        (Decimal("1.2345"), "1.2345"),  # babel's default would cut this to 1.234
        (0, "0"),
    ],
)
def test_num(env, value, expected):
    assert render(env, "{{ x | num }}", x=value) == expected


def test_missing_currency_in_context_is_an_undefined_error(env):
    with pytest.raises(UndefinedError, match="currency"):
        render(env, "{{ total_amount | money }}", total_amount=Decimal("1"))


@pytest.mark.parametrize("name", ["money", "money_zh", "words_en", "words_zh", "date_en", "date_zh", "num"])
def test_missing_value_is_an_undefined_error(env, name):
    with pytest.raises(UndefinedError, match="no_such_value"):
        render(env, "{{ no_such_value | %s }}" % name, currency="USD")


def test_unknown_currency_is_refused(env):
    with pytest.raises(ValueError, match="ISO 4217"):
        render(env, "{{ total_amount | money }}", total_amount=Decimal("1"), currency="ZZZ")
    with pytest.raises(ValueError, match="ISO 4217"):
        format_money(Decimal("1"), "usd", "en")


@pytest.mark.parametrize(
    "amount, currency",
    [(Decimal("0.5"), "JPY"), (Decimal("1.005"), "USD"), (Decimal("1.0000000000000000000000000001"), "USD")],
)
def test_money_is_never_rounded_silently(amount, currency):
    for lang in ("en", "zh"):
        with pytest.raises(ValueError, match="decimal places"):
            format_money(amount, currency, lang)
        with pytest.raises(ValueError, match="decimal places"):
            amount_in_words(amount, currency, lang)


def test_three_decimal_currency_formats_but_has_no_words_for_the_third_digit():
    assert format_money(Decimal("1.005"), "BHD", "en") == "BHD 1.005"
    assert amount_in_words(Decimal("1.5"), "BHD", "zh") == "巴林第纳尔壹元伍角"
    with pytest.raises(ValueError, match="2 decimal places"):
        amount_in_words(Decimal("1.005"), "BHD", "en")


@pytest.mark.parametrize("amount", [Decimal("-1"), Decimal("NaN")])
def test_negative_or_nan_money_is_refused(amount):
    with pytest.raises(ValueError):
        format_money(amount, "USD", "en")


@pytest.mark.parametrize("amount", [16000.0, "16000", True])
def test_money_refuses_non_decimal_amounts(amount):
    with pytest.raises(TypeError):
        format_money(amount, "USD", "en")
    with pytest.raises(TypeError):
        amount_in_words(amount, "USD", "zh")


def test_plain_functions():
    assert format_money(Decimal("16000"), "USD", "en") == "USD 16,000.00"
    assert format_money(Decimal("16000"), "USD", "zh") == "美元16,000.00"
    assert amount_in_words(Decimal("16000"), "USD", "en") == "SAY US DOLLARS SIXTEEN THOUSAND ONLY"
    assert amount_in_words(Decimal("16000"), "USD", "zh") == "美元壹万陆仟元整"
    assert format_date_long(datetime.date(2026, 11, 23), "en") == "23 November 2026"
    assert format_number(Decimal("2.50")) == "2.5"
    assert currency_name("USD", "en", plural=True) == "US dollars"
    assert currency_name("CNY", "zh") == "人民币"


def test_bad_lang_is_refused():
    with pytest.raises(ValueError, match="lang"):
        format_money(Decimal("1"), "USD", "fr")


@pytest.mark.parametrize("value", ["2026-11-23", datetime.datetime(2026, 11, 23, 12, 0)])
def test_dates_must_be_dates(value):
    with pytest.raises(TypeError):
        format_date_long(value, "en")


def test_num_refuses_float():
    with pytest.raises(TypeError):
        format_number(2.5)


@pytest.mark.parametrize("value, expected", [("0", "0"), ("0.65", "0.65"), ("1", "1.0"), ("4.0", "4.0"),
                                             ("2.5", "2.5"), ("1.50", "1.5")])
def test_aql_levels_print_as_the_standard_writes_them(env, value, expected):
    assert render(env, "{{ x | aql }}", x=Decimal(value)) == expected
