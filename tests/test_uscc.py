"""USCC check character (GB 32100-2015) against the published examples in domain.md §3."""
import pytest

from contractgen.facts import uscc

VALID = ["91110000600037341L", "91310115MA1K3BTP2B", "9144030071526726XG", "92340602MA2PBMEM24",
         "121200004013590816"]


@pytest.mark.parametrize("code", VALID)
def test_valid_examples(code):
    assert uscc.format_problem(code) is None
    assert uscc.check_problem(code) is None
    assert uscc.check_character(code[:17]) == code[17]


@pytest.mark.parametrize("code", VALID)
def test_every_wrong_check_character_is_caught(code):
    for wrong in uscc.CHARSET.replace(code[17], ""):
        problem = uscc.check_problem(code[:17] + wrong)
        assert problem and repr(code[17]) in problem.en and repr(code[17]) in problem.zh


@pytest.mark.parametrize("code, fragment", [
    ("9144030071526726X", "17 characters"),
    ("9144030071526726XGG", "19 characters"),
    ("9144030071526726IG", "I"),
    ("91440300715267260O", "O"),
    ("91A4030071526726XG", "administrative-division"),
])
def test_format_problems(code, fragment):
    assert fragment in uscc.format_problem(code).en
