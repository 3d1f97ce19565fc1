"""AQL sampling plans: ISO 2859-1 / ANSI Z1.4 single sampling, normal inspection.

Table I gives the sample-size code letter for a lot size and inspection level; Table II-A gives the
acceptance and rejection numbers for a code letter and AQL, where an arrow sends you to another row's
plan (and that plan's sample size). Table II-A below holds the AQL columns domain.md §5 lists; critical
defects at AQL 0 are a zero-tolerance policy (accept 0, reject 1) on the code letter's sample.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# Table I: upper lot-size bound → code letter per inspection level (None: no upper bound).
LEVELS = ("S-1", "S-2", "S-3", "S-4", "I", "II", "III")
_TABLE_I = (
    (8, "AAAAAAB"), (15, "AAAAABC"), (25, "AABBBCD"), (50, "ABBCCDE"), (90, "BBCCCEF"),
    (150, "BBCDDFG"), (280, "BCDEEGH"), (500, "BCDEFHJ"), (1200, "CCEFGJK"), (3200, "CDEGHKL"),
    (10000, "CDFGJLM"), (35000, "CDFHKMN"), (150000, "DEGJLNP"), (500000, "DEGJMPQ"), (None, "DEHKNQR"),
)
SAMPLE_SIZES = {"A": 2, "B": 3, "C": 5, "D": 8, "E": 13, "F": 20, "G": 32, "H": 50, "J": 80, "K": 125, "L": 200,
                "M": 315, "N": 500, "P": 800, "Q": 1250, "R": 2000}

# Table II-A, AQL columns 0.65, 1.0, 1.5, 2.5, 4.0: (Ac, Re, the arrow's sample size or None).
AQL_COLUMNS = (Decimal("0.65"), Decimal("1.0"), Decimal("1.5"), Decimal("2.5"), Decimal("4.0"))
_TABLE_II_A = {
    "A": ((0, 1, 20), (0, 1, 13), (0, 1, 8), (0, 1, 5), (0, 1, 3)),
    "B": ((0, 1, 20), (0, 1, 13), (0, 1, 8), (0, 1, 5), (0, 1, None)),
    "C": ((0, 1, 20), (0, 1, 13), (0, 1, 8), (0, 1, None), (0, 1, 3)),
    "D": ((0, 1, 20), (0, 1, 13), (0, 1, None), (0, 1, 5), (1, 2, 13)),
    "E": ((0, 1, 20), (0, 1, None), (0, 1, 8), (1, 2, 20), (1, 2, None)),
    "F": ((0, 1, None), (0, 1, 13), (1, 2, 32), (1, 2, None), (2, 3, None)),
    "G": ((0, 1, 20), (1, 2, 50), (1, 2, None), (2, 3, None), (3, 4, None)),
    "H": ((1, 2, 80), (1, 2, None), (2, 3, None), (3, 4, None), (5, 6, None)),
    "J": ((1, 2, None), (2, 3, None), (3, 4, None), (5, 6, None), (7, 8, None)),
    "K": ((2, 3, None), (3, 4, None), (5, 6, None), (7, 8, None), (10, 11, None)),
    "L": ((3, 4, None), (5, 6, None), (7, 8, None), (10, 11, None), (14, 15, None)),
    "M": ((5, 6, None), (7, 8, None), (10, 11, None), (14, 15, None), (21, 22, None)),
    "N": ((7, 8, None), (10, 11, None), (14, 15, None), (21, 22, None), (21, 22, 315)),
    "P": ((10, 11, None), (14, 15, None), (21, 22, None), (21, 22, 500), (21, 22, 315)),
    "Q": ((14, 15, None), (21, 22, None), (21, 22, 800), (21, 22, 500), (21, 22, 315)),
}
SUPPORTED_AQLS = (Decimal(0),) + AQL_COLUMNS


@dataclass(frozen=True)
class Acceptance:
    aql: Decimal
    sample_size: int  # what to draw for this defect class (an arrow may change it; capped at the lot)
    accept: int  # Ac: accept the lot with this many defects or fewer
    reject: int  # Re: reject it with this many or more


@dataclass(frozen=True)
class Plan:
    lot_size: int
    level: str
    code: str
    sample_size: int  # the code letter's sample size, capped at the lot
    critical: Acceptance
    major: Acceptance
    minor: Acceptance


def code_letter(lot_size: int, level: str = "II") -> str:
    if lot_size < 1:
        raise ValueError(f"a lot has at least 1 unit, got {lot_size}")
    if level not in LEVELS:
        raise ValueError(f"inspection level must be one of {', '.join(LEVELS)}, got {level!r}")
    for upper, letters in _TABLE_I:
        if upper is None or lot_size <= upper:
            return letters[LEVELS.index(level)]
    raise AssertionError("unreachable: the last row has no upper bound")


def acceptance(code: str, aql: Decimal, lot_size: int) -> Acceptance:
    aql = Decimal(aql)
    cap = lambda n: min(n, lot_size)  # noqa: E731 - n ≥ lot size means 100 % inspection
    if aql == 0:
        return Acceptance(aql, cap(SAMPLE_SIZES[code]), 0, 1)
    if aql not in AQL_COLUMNS:
        raise ValueError(f"AQL {aql} is not one of the supported levels "
                         f"{', '.join(str(a) for a in SUPPORTED_AQLS)}")
    if code not in _TABLE_II_A:
        raise ValueError(f"code letter {code} (lots over 500,000 at level III) is beyond the table we verified")
    ac, re, arrow = _TABLE_II_A[code][AQL_COLUMNS.index(aql)]
    return Acceptance(aql, cap(arrow or SAMPLE_SIZES[code]), ac, re)


def plan(lot_size: int, critical: Decimal, major: Decimal, minor: Decimal, level: str = "II") -> Plan:
    code = code_letter(lot_size, level)
    return Plan(lot_size, level, code, min(SAMPLE_SIZES[code], lot_size),
                acceptance(code, critical, lot_size), acceptance(code, major, lot_size),
                acceptance(code, minor, lot_size))
