"""Unified Social Credit Code (统一社会信用代码), GB 32100-2015: format and check character."""
from __future__ import annotations

import re

from ..core.messages import message
from ..core.text import Text

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)  # 3**i mod 31
FORMAT = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def check_character(first17: str) -> str:
    total = sum(CHARSET.index(c) * w for c, w in zip(first17, WEIGHTS))
    return CHARSET[(31 - total % 31) % 31]


_LENGTH = message("uscc.length", "{n} characters")
_CHARSET = message("uscc.charset", "character(s) {characters} that a USCC never contains (no I, O, S, V or Z)")
_DIVISION = message("uscc.division", "characters 3 to 8 (the administrative-division code) not all digits")
_CHECK = message("uscc.check", "check character {found} where the first 17 characters give {expected}")


def format_problem(code: str) -> Text | None:
    """Why `code` is not shaped like a USCC, or None."""
    if len(code) != 18:
        return _LENGTH(n=len(code))
    bad = sorted({c for c in code if c not in CHARSET})
    if bad:
        return _CHARSET(characters=" ".join(bad))
    if not FORMAT.match(code):
        return _DIVISION()
    return None


def check_problem(code: str) -> Text | None:
    """Why the 18th character is wrong, or None. Assumes the format is right."""
    expected = check_character(code[:17])
    if code[17] != expected:
        return _CHECK(found=repr(code[17]), expected=repr(expected))
    return None
