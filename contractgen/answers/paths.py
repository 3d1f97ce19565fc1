"""The answers paths an interview defines (`products[].sku`), the ones in an answers file it does not,
and the known path an unknown one was probably meant to be."""
from __future__ import annotations

import re
from typing import Any

from ..interview.definitions import Question


def question_paths(questions: tuple[Question, ...], prefix: str = "") -> set[str]:
    """Every answers path the questions define; list items as `products[].sku`."""
    paths: set[str] = set()
    for q in questions:
        paths.add(prefix + q.path)
        if q.type == "list":
            paths |= question_paths(q.item, f"{prefix}{q.path}[].")
    return paths


def unknown_paths(data: dict, questions: tuple[Question, ...], known: frozenset[str]) -> list[str]:
    known = known | question_paths(questions)
    found: list[str] = []

    def walk(value: Any, path: str, display: str) -> None:
        if path and path not in known and not any(k.startswith((path + ".", path + "[]")) for k in known):
            found.append(display)
            return
        if isinstance(value, dict):
            for key, child in value.items():
                walk(child, f"{path}.{key}" if path else key, f"{display}.{key}" if display else key)
        elif isinstance(value, list):
            for i, child in enumerate(value):
                walk(child, f"{path}[]", f"{display}[{i}]")

    walk(data, "", "")
    return found


def suggestion(path: str, known: frozenset[str]) -> str | None:
    """The known path closest to a mistyped one, if any is close."""
    import difflib

    base = re.sub(r"\[\d+\]", "[]", path)
    close = difflib.get_close_matches(base, sorted(known), n=1, cutoff=0.75)
    return close[0] if close else None
