"""The term base (`clause_library/glossary.yaml`): one Chinese word for one legal or trade concept.

`forbidden_variants(text)` finds every variant the glossary forbids in a Chinese text. Lint runs it over
the clause files, document definitions, risk texts and interview wording; every build runs it over the
Chinese of each document it assembles. Anything else that writes Chinese (interface strings) can call
it the same way.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..core.errors import LibraryError
from ..core.resources import data_path
from ..core.text import Text
from ..core.yamlio import load_yaml_file


@dataclass(frozen=True)
class Term:
    en: str
    zh: str
    forbidden: tuple[str, ...]
    source: str = ""  # the statute that fixes the word, where one does
    note: str = ""


@dataclass(frozen=True)
class Variant:
    """A forbidden variant found in a text, and the term it stands in for."""

    found: str
    term: Term

    def __str__(self) -> str:
        source = f"; {self.term.source}" if self.term.source else ""
        return f"uses {self.found}, which the glossary forbids: write {self.term.zh} ({self.term.en}{source})"


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...]
    rule: Text  # the rule lint explains
    source: str
    date: str
    file: str

    def forbidden_variants(self, text: str) -> list[Variant]:
        found = []
        for term in self.terms:
            for variant in term.forbidden:
                if variant in text:
                    found.append(Variant(variant, term))
        return found


def read_glossary(path: Path) -> Glossary:
    raw = load_yaml_file(path)
    where = str(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("terms"), list):
        raise LibraryError(f"{where}: the glossary must be a mapping with a list of `terms`")
    rule = raw.get("rule") or {}
    if not isinstance(rule, dict) or not isinstance(rule.get("en"), str) or not isinstance(rule.get("zh"), str):
        raise LibraryError(f"{where}: `rule` must give the rule in `en` and `zh`")
    terms = []
    seen: dict[str, str] = {}
    for index, item in enumerate(raw["terms"]):
        at = f"{where}: terms[{index}]"
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) and item[k] for k in ("en", "zh")):
            raise LibraryError(f"{at}: a term needs its `en` and its one `zh` word, found {item!r}")
        forbidden = item.get("forbidden") or []
        if not isinstance(forbidden, list) or not all(isinstance(v, str) and v for v in forbidden):
            raise LibraryError(f"{at}: `forbidden` must be a list of Chinese words, found {forbidden!r}")
        for word in [item["zh"], *forbidden]:
            if word in seen and seen[word] != item["en"]:
                raise LibraryError(f"{at}: {word} is also listed for {seen[word]!r}: one word, one thing")
            seen[word] = item["en"]
        clash = [v for v in forbidden if v in item["zh"]]
        if clash:
            raise LibraryError(f"{at}: the term {item['zh']} contains its own forbidden variant {clash[0]}")
        terms.append(Term(item["en"], item["zh"], tuple(forbidden), str(item.get("source") or "").strip(),
                          str(item.get("note") or "").strip()))
    return Glossary(tuple(terms), Text(rule["en"].strip(), rule["zh"].strip()), str(raw.get("source", "")).strip(),
                    str(raw.get("date", "")), where)


@cache
def load_glossary() -> Glossary:
    return read_glossary(data_path("clause_library", "glossary.yaml"))


def forbidden_variants(text: str) -> list[Variant]:
    """Every variant the glossary forbids that occurs in `text` (a Chinese string), with its term."""
    return load_glossary().forbidden_variants(text)
