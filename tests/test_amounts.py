from decimal import Decimal

import pytest

from contractgen.facts.amounts import chinese_uppercase, english_words


@pytest.mark.parametrize(
    "amount, expected",
    [
        # the People's Bank of China examples (domain.md §4)
        ("1409.50", "壹仟肆佰零玖元伍角"),
        ("6007.14", "陆仟零柒元壹角肆分"),
        ("1680.32", "壹仟陆佰捌拾元零叁角贰分"),
        ("107000.53", "壹拾万柒仟元零伍角叁分"),
        ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
        ("325.04", "叁佰贰拾伍元零肆分"),
        ("1005", "壹仟零伍元整"),
        ("10", "壹拾元整"),
    ],
)
def test_chinese_uppercase_pboc_examples(amount, expected):
    assert chinese_uppercase(Decimal(amount)) == expected


@pytest.mark.parametrize(
    "amount, expected",
    [
        ("16000", "壹万陆仟元整"),
        ("0", "零元整"),
        ("0.00", "零元整"),
        ("0.50", "伍角"),
        ("0.05", "伍分"),
        ("0.25", "贰角伍分"),
        ("1", "壹元整"),
        ("11", "壹拾壹元整"),
        ("1000.00", "壹仟元整"),
        ("10.10", "壹拾元零壹角"),
        ("10.01", "壹拾元零壹分"),
        ("1.01", "壹元零壹分"),
        ("1.10", "壹元壹角"),
        ("100010", "壹拾万零壹拾元整"),
        ("110000", "壹拾壹万元整"),
        ("10100", "壹万零壹佰元整"),
        ("1000100", "壹佰万零壹佰元整"),
        ("100010000", "壹亿零壹万元整"),
        ("100000000", "壹亿元整"),
        ("100000100", "壹亿零壹佰元整"),
        ("110000000", "壹亿壹仟万元整"),
        ("1000000000000", "壹万亿元整"),
        ("1000100000000", "壹万零壹亿元整"),
        ("9999999999999999.99", "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
        ("1.500", "壹元伍角"),  # trailing zeros beyond 2 places are not extra precision
        ("1E+3", "壹仟元整"),
    ],
)
def test_chinese_uppercase_boundaries(amount, expected):
    assert chinese_uppercase(Decimal(amount)) == expected


def test_chinese_uppercase_accepts_int():
    assert chinese_uppercase(16000) == "壹万陆仟元整"


def test_chinese_uppercase_uses_only_allowed_characters():
    allowed = set("零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整")
    for amount in ["1234567890123.45", "100200300.06", "7070707.70", "0.09"]:
        assert set(chinese_uppercase(Decimal(amount))) <= allowed


@pytest.mark.parametrize("func", [chinese_uppercase, lambda a: english_words(a, "US dollars")])
@pytest.mark.parametrize(
    "amount, message",
    [
        (Decimal("-1"), "negative"),
        (Decimal("-0.01"), "negative"),
        (Decimal("1.001"), "2 decimal places"),
        (Decimal("0.005"), "2 decimal places"),
        (Decimal("1.0000000000000000000000000001"), "2 decimal places"),  # beyond the context precision
        (Decimal("10000000000000000"), r"10\^16"),
        (Decimal("1E+100"), r"10\^16"),
        (Decimal("NaN"), "finite"),
        (Decimal("Infinity"), "finite"),
    ],
)
def test_invalid_amounts_raise_value_error(func, amount, message):
    with pytest.raises(ValueError, match=message):
        func(amount)


@pytest.mark.parametrize("func", [chinese_uppercase, lambda a: english_words(a, "US dollars")])
@pytest.mark.parametrize("amount", [1.5, "1.50", True, None])
def test_non_decimal_amounts_raise_type_error(func, amount):
    with pytest.raises(TypeError):
        func(amount)


@pytest.mark.parametrize(
    "amount, expected",
    [
        ("16000", "SAY US DOLLARS SIXTEEN THOUSAND ONLY"),
        ("16000.30", "SAY US DOLLARS SIXTEEN THOUSAND AND CENTS THIRTY ONLY"),
        (
            "1234567.05",
            "SAY US DOLLARS ONE MILLION TWO HUNDRED THIRTY-FOUR THOUSAND FIVE HUNDRED SIXTY-SEVEN"
            " AND CENTS FIVE ONLY",
        ),
        ("0", "SAY US DOLLARS ZERO ONLY"),
        ("0.30", "SAY US DOLLARS ZERO AND CENTS THIRTY ONLY"),
        ("0.01", "SAY US DOLLARS ZERO AND CENTS ONE ONLY"),
        ("23.99", "SAY US DOLLARS TWENTY-THREE AND CENTS NINETY-NINE ONLY"),
        ("100", "SAY US DOLLARS ONE HUNDRED ONLY"),
        ("101", "SAY US DOLLARS ONE HUNDRED ONE ONLY"),
        ("1000000", "SAY US DOLLARS ONE MILLION ONLY"),
        ("1000001", "SAY US DOLLARS ONE MILLION ONE ONLY"),
        ("19", "SAY US DOLLARS NINETEEN ONLY"),
        ("90", "SAY US DOLLARS NINETY ONLY"),
        ("2000000000", "SAY US DOLLARS TWO BILLION ONLY"),
        (
            "9999999999999999.99",
            "SAY US DOLLARS NINE THOUSAND NINE HUNDRED NINETY-NINE TRILLION NINE HUNDRED NINETY-NINE BILLION"
            " NINE HUNDRED NINETY-NINE MILLION NINE HUNDRED NINETY-NINE THOUSAND NINE HUNDRED NINETY-NINE"
            " AND CENTS NINETY-NINE ONLY",
        ),
    ],
)
def test_english_words(amount, expected):
    assert english_words(Decimal(amount), "US dollars") == expected


def test_english_words_upper_cases_currency_and_accepts_int():
    assert english_words(5, "euros") == "SAY EUROS FIVE ONLY"
