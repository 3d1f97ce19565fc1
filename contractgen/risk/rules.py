"""Risk rules as data: risk_rules/<topic>.yaml, read and linted (every `when` compiles, every path it
uses is an answer or a derived value, every clause it names exists)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from string import Formatter
from functools import cache
from pathlib import Path
from typing import Any

import cerberus

from ..answers.load import known_answer_paths
from ..core.cache import cached, files_key
from ..core.errors import ContractgenError, LibraryError
from ..core.expressions import Expression, ExpressionSyntaxError, compile_expression
from ..core.resources import data_path
from ..core.text import Text, has_chinese
from ..core.yamlio import load_yaml_file
from ..library.checks import choice_paths, is_provided
from ..library.clauses import ClauseLibrary, LintProblem, read_library
from .facts import FACTS, SCALES, TEXT_FACTS


# -- rules -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RiskRule:
    id: str
    when: Expression
    probability: int | str  # 1–3, or the name of a scale fact (facts.SCALES) that gives 1–3 for the order
    impact: int | str
    title: Text
    why: Text
    fix: Text
    clauses: tuple[str, ...]
    notes: str
    file: str


_text = {"type": "dict", "required": True, "schema": {
    "en": {"type": "string", "nullable": True}, "zh": {"type": "string", "nullable": True}}}
RULE_SCHEMA = {
    "id": {"type": "string", "required": True, "regex": r"^[a-z0-9_]+\.[a-z0-9_]+$"},
    "when": {"type": "string", "required": True, "empty": False},
    "probability": {"type": ["integer", "string"], "required": True},
    "impact": {"type": ["integer", "string"], "required": True},
    "title": _text,
    "why": _text,
    "fix": _text,
    "clauses": {"type": "list", "schema": {"type": "string"}},
    "notes": {"type": "string", "nullable": True},
}
FILE_SCHEMA = {"rules": {"type": "list", "required": True, "minlength": 1, "schema": {"type": "dict"}}}


def _read_rule(raw: Any, index: int, path: Path, problems: list[LintProblem]) -> RiskRule | None:
    where = str(path)
    rid = str(raw.get("id", "")) if isinstance(raw, dict) else ""
    label = rid or f"rules[{index}]"

    def add(message: str) -> None:
        problems.append(LintProblem(where, label, message))

    validator = cerberus.Validator(RULE_SCHEMA)
    if not validator.validate(raw):
        for key, messages in sorted(validator.errors.items()):
            add(f"schema: {key}: {messages}")
        return None
    ok = True
    if rid.split(".", 1)[0] != path.stem:
        add(f"id must start with '{path.stem}.' to match the file's name")
    for key in ("probability", "impact"):
        if raw[key] not in (1, 2, 3) and raw[key] not in SCALES:
            add(f"{key} must be 1, 2 or 3 (domain.md §8) or a scale ({', '.join(sorted(SCALES))}), found {raw[key]}")
            ok = False
    texts = {}
    for key in ("title", "why", "fix"):
        en, zh = (raw[key].get("en") or "").strip(), (raw[key].get("zh") or "").strip()
        if not en:
            add(f"{key} has no EN text")
        if not zh:
            add(f"{key} has no ZH text")
        elif not has_chinese(zh):
            add(f"{key}.zh has no Chinese characters")
        # a folded line break next to Chinese is not a space in Chinese text
        texts[key] = Text(" ".join(en.split()), re.sub(r"\s+(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])\s+", "", zh))
        names = {lang: _placeholders(getattr(texts[key], lang), add, key) for lang in ("en", "zh")}
        if names["en"] != names["zh"]:
            add(f"{key}: EN names {sorted(names['en'])} and ZH names {sorted(names['zh'])}; both must name the same")
        for name in sorted((names["en"] | names["zh"]) - TEXT_FACTS):
            add(f"{key} names {{{name}}}, which is not a text fact (text facts are: {', '.join(sorted(TEXT_FACTS))})")
    try:
        when = compile_expression(raw["when"])
    except ExpressionSyntaxError as exc:
        add(f"when does not compile: {exc}")
        return None
    for escape in when.escapes:  # refused as in a clause's `when`
        add(f"when {escape}")
        ok = False
    if not ok:
        return None
    return RiskRule(rid, when, raw["probability"], raw["impact"], texts["title"], texts["why"], texts["fix"],
                    tuple(raw.get("clauses") or ()), raw.get("notes") or "", where)


def _placeholders(text: str, add, key: str) -> set[str]:
    """The {names} a rule text fills in from the order's text facts (risk/facts.py text_facts)."""
    try:
        return {name for _, name, _, _ in Formatter().parse(text) if name is not None}
    except ValueError as exc:
        add(f"{key}: {exc} (a literal brace is written {{{{ or }}}})")
        return set()


def _path_problem(path: str, answers: frozenset[str], choices: frozenset[str]) -> str | None:
    if path == "facts" or path.startswith("facts."):
        name = path.removeprefix("facts.")
        if name not in FACTS:
            return f"when uses {path}, which is not a fact (facts are: {', '.join(sorted(FACTS))})"
        return None
    if not is_provided(path, answers, choices):
        return f"when uses {path}, which is not an answers field, a derived value or a fact"
    return None


@cache
def bundled_clauses() -> ClauseLibrary:
    """The bundled clause library as it is, problems or not: rules only need its ids and titles (the
    clause linter reports its problems)."""
    return read_library()[0]


def _parse_rules(folder: Path, problems: list[LintProblem]) -> list[RiskRule]:
    """The rules of every file, with the problems each file shows by itself (schema, text, `when` syntax,
    duplicate ids). Kept in the cache (core/cache.py): checking each rule with cerberus cost a one-document
    build ~250 ms."""
    rules, found = cached("risk-rules", files_key("risk-rules", folder, folder.glob("*.yaml")),
                          lambda: _checked_rules(folder))
    problems += found
    return rules


def _checked_rules(folder: Path) -> tuple[list[RiskRule], list[LintProblem]]:
    problems: list[LintProblem] = []
    rules: dict[str, RiskRule] = {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            raw = load_yaml_file(path, cache=True)
        except ContractgenError as exc:
            problems.append(LintProblem(str(path), "", str(exc)))
            continue
        validator = cerberus.Validator(FILE_SCHEMA)
        if not isinstance(raw, dict) or not validator.validate(raw):
            errors = validator.errors if isinstance(raw, dict) else {"": ["the file must be a mapping"]}
            for key, messages in sorted(errors.items()):
                problems.append(LintProblem(str(path), "", f"schema: {key}: {messages}"))
            continue
        for index, item in enumerate(raw["rules"]):
            rule = _read_rule(item, index, path, problems)
            if rule is None:
                continue
            if rule.id in rules:
                problems.append(LintProblem(rule.file, rule.id, f"duplicate id: also in {rules[rule.id].file}"))
                continue
            rules[rule.id] = rule
    return list(rules.values()), problems


def read_rules(folder: Path | None = None, library: ClauseLibrary | None = None
               ) -> tuple[list[RiskRule], list[LintProblem]]:
    """Every rule in risk_rules/*.yaml (or `folder`), and every problem found in them, including clause
    ids missing from `library` (the bundled clause library by default) and `when` paths that no answers
    field, derived value or fact provides."""
    problems: list[LintProblem] = []
    rules = _parse_rules(Path(folder or data_path("risk_rules")), problems)
    library = library if library is not None else bundled_clauses()
    answers, choices = known_answer_paths(), choice_paths()
    for rule in rules:
        for clause_id in rule.clauses:
            if clause_id not in library.clauses:
                problems.append(LintProblem(rule.file, rule.id, f"clauses names unknown clause {clause_id}"))
        for when_path in sorted(rule.when.paths):
            message = _path_problem(when_path, answers, choices)
            if message:
                problems.append(LintProblem(rule.file, rule.id, message))
    return rules, problems


@cache
def load_rules(folder: Path | None = None) -> tuple[RiskRule, ...]:
    """The rules for assessing. Like load_library, it refuses rules that are broken by themselves (the
    buyer cannot fix those) and leaves cross-references to `contractgen clauses lint`, which CI runs."""
    problems: list[LintProblem] = []
    rules = _parse_rules(Path(folder or data_path("risk_rules")), problems)
    if problems:
        listing = "\n".join(f"  {p}" for p in problems[:20])
        raise LibraryError(f"the risk rules have {len(problems)} problem(s); run `contractgen clauses lint`:\n"
                           f"{listing}")
    return tuple(rules)


