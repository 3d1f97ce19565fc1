"""Comparing two texts as a reader of each language does: Chinese character by character (Chinese has
no spaces, so spacing is never a difference), English word by word. `contractgen verify` aligns a
returned contract with this; `contractgen clauses diff` shows a clause's redline with it."""
from __future__ import annotations

import difflib
from collections.abc import Sequence

Opcode = tuple[str, int, int, int, int]  # difflib's (tag, i1, i2, j1, j2)


def tokens(text: str, lang: str) -> list[str]:
    """ZH: every character but whitespace; EN: the words."""
    return [c for c in text if not c.isspace()] if lang == "zh" else text.split()


def joined(parts: Sequence[str], lang: str) -> str:
    return ("" if lang == "zh" else " ").join(parts)


def opcodes(old: Sequence[str], new: Sequence[str]) -> list[Opcode]:
    """How `old` becomes `new`. No autojunk: in Chinese the most frequent characters (的, 方, 合同) carry
    the alignment, and difflib would otherwise ignore them in long texts."""
    return difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()


def redline(old: str, new: str, lang: str) -> str:
    """One line showing the change: `[-removed-]{+added+}` in place, as `git diff --word-diff` does."""
    a, b = tokens(old, lang), tokens(new, lang)
    out = []
    for tag, i1, i2, j1, j2 in opcodes(a, b):
        if tag == "equal":
            out.append(joined(a[i1:i2], lang))
            continue
        if i2 > i1:
            out.append(f"[-{joined(a[i1:i2], lang)}-]")
        if j2 > j1:
            out.append(f"{{+{joined(b[j1:j2], lang)}+}}")
    return joined(out, lang)
