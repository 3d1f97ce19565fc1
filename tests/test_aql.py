"""AQL plans against every row of the table in domain.md §5 (ISO 2859-1, single, normal, level II)."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest

from contractgen.facts import aql

# domain.md §5, copied verbatim: the known values the implementation must reproduce.
DOMAIN_TABLE = """\
| 2–8 | A | 2 | 0/1 (20) | 0/1 (13) | 0/1 (8) | 0/1 (5) | 0/1 (3) |
| 9–15 | B | 3 | 0/1 (20) | 0/1 (13) | 0/1 (8) | 0/1 (5) | 0/1 |
| 16–25 | C | 5 | 0/1 (20) | 0/1 (13) | 0/1 (8) | 0/1 | 0/1 (3) |
| 26–50 | D | 8 | 0/1 (20) | 0/1 (13) | 0/1 | 0/1 (5) | 1/2 (13) |
| 51–90 | E | 13 | 0/1 (20) | 0/1 | 0/1 (8) | 1/2 (20) | 1/2 |
| 91–150 | F | 20 | 0/1 | 0/1 (13) | 1/2 (32) | 1/2 | 2/3 |
| 151–280 | G | 32 | 0/1 (20) | 1/2 (50) | 1/2 | 2/3 | 3/4 |
| 281–500 | H | 50 | 1/2 (80) | 1/2 | 2/3 | 3/4 | 5/6 |
| 501–1,200 | J | 80 | 1/2 | 2/3 | 3/4 | 5/6 | 7/8 |
| 1,201–3,200 | K | 125 | 2/3 | 3/4 | 5/6 | 7/8 | 10/11 |
| 3,201–10,000 | L | 200 | 3/4 | 5/6 | 7/8 | 10/11 | 14/15 |
| 10,001–35,000 | M | 315 | 5/6 | 7/8 | 10/11 | 14/15 | 21/22 |
| 35,001–150,000 | N | 500 | 7/8 | 10/11 | 14/15 | 21/22 | 21/22 (315) |
| 150,001–500,000 | P | 800 | 10/11 | 14/15 | 21/22 | 21/22 (500) | 21/22 (315) |
| ≥ 500,001 | Q | 1250 | 14/15 | 21/22 | 21/22 (800) | 21/22 (500) | 21/22 (315) |
"""
COLUMNS = [Decimal(x) for x in ("0.65", "1.0", "1.5", "2.5", "4.0")]


def rows():
    for line in DOMAIN_TABLE.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        numbers = [int(n.replace(",", "")) for n in re.findall(r"[\d,]+", cells[0])]
        low, high = (numbers[0], numbers[1]) if len(numbers) == 2 else (numbers[0], 2_000_000)
        yield low, high, cells[1], int(cells[2]), cells[3:]


@pytest.mark.parametrize("low, high, code, n, cells", list(rows()), ids=lambda v: str(v)[:12])
def test_every_row_of_the_level_ii_table(low, high, code, n, cells):
    for lot in (low, high, (low + high) // 2):
        assert aql.code_letter(lot, "II") == code
        for column, cell in zip(COLUMNS, cells):
            ac, re_, arrow = re.fullmatch(r"(\d+)/(\d+)(?: \((\d+)\))?", cell).groups()
            expected_n = min(int(arrow) if arrow else n, lot)  # n ≥ lot size: inspect 100 %
            got = aql.acceptance(code, column, lot)
            assert (got.accept, got.reject, got.sample_size) == (int(ac), int(re_), expected_n), (lot, column)


def test_common_china_default_plan():
    plan = aql.plan(5000, Decimal(0), Decimal("2.5"), Decimal("4.0"))
    assert (plan.code, plan.sample_size) == ("L", 200)
    assert (plan.critical.accept, plan.critical.reject, plan.critical.sample_size) == (0, 1, 200)
    assert (plan.major.accept, plan.major.reject) == (10, 11)
    assert (plan.minor.accept, plan.minor.reject) == (14, 15)


def test_small_lot_is_inspected_in_full():
    plan = aql.plan(3, Decimal(0), Decimal("2.5"), Decimal("4.0"))
    assert plan.code == "A" and plan.major.sample_size == 3 and plan.minor.sample_size == 3


def test_other_levels_use_table_i():
    assert aql.code_letter(5000, "I") == "J" and aql.code_letter(5000, "III") == "M"
    assert aql.code_letter(5000, "S-4") == "G" and aql.code_letter(5000, "S-1") == "C"


def test_unsupported_values_are_refused():
    with pytest.raises(ValueError, match="supported"):
        aql.acceptance("L", Decimal("6.5"), 5000)
    with pytest.raises(ValueError, match="level"):
        aql.code_letter(100, "IV")
