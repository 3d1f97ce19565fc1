"""The pre-deposit risk summary: rules as data in risk_rules/<topic>.yaml, scored probability × impact.

A rule's `when` is an expression over the answers, the derived values (docs/formats.md) and `facts`:
what a rule needs that is not a plain answer (does the bank beneficiary name the supplier? how many
days from signing to the latest shipment?). Scoring follows domain.md §8: probability and impact each
1–3, score = probability × impact, bands 1–2 Low, 3–4 Medium, 6 High, 9 Very High.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import textwrap
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Callable

import cerberus

from . import uscc
from .answers import known_answer_paths
from .clause_checks import choice_paths, is_provided
from .clauses import ClauseLibrary, LintProblem, read_library
from .derived import derive, round_money
from .errors import ContractgenError, LibraryError
from .expressions import Expression, ExpressionSyntaxError, compile_expression
from .interview import Interview
from .model import Text
from .number_text import NumberTextError, bounded, read_number
from .resources import data_path
from .yamlio import load_yaml_file, source_text

# -- facts: what rules need that is not a plain answer -------------------------------------------------
# Each fact takes (answers, derived values) and returns a value, or None when its inputs are missing;
# a None fact is left out of the context, so it is undefined and a rule comparing it is simply false.

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_NAME_WORDS = {"company": "co", "limited": "ltd", "corporation": "corp", "incorporated": "inc"}
_ZH_ENTITY_ENDINGS = ("公司", "厂", "集团", "企业", "商行", "经营部", "门市部", "合作社")
_EN_ENTITY_WORDS = frozenset({"co", "ltd", "limited", "corp", "corporation", "inc", "incorporated", "company",
                              "gmbh", "llc", "plc", "llp", "pte", "factory", "group", "gongsi"})


def normalise_name(name: str) -> str:
    """A company name reduced to what identifies it. The same name is typed with full- or half-width
    brackets (NFKC folds （ to ( ), with or without spaces, in any case, and as "Co., Ltd." or "Company
    Limited"; none of that makes it another company, and none of it should raise a false alarm."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = re.sub(r"[a-z]+", lambda m: _NAME_WORDS.get(m.group(), m.group()), text)
    return re.sub(r"[\s.,]+", "", text)


def is_company_name(name: str) -> bool:
    """Does the name read as a business (有限公司, 厂, Co., Ltd., GmbH …) rather than a person? A
    personal account is the worst payee: the supplier can deny the money ever reached it."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = re.sub(r"\([^()]*\)\s*$", "", text).strip()  # a trailing note such as (基本户) is not the name
    if text.endswith(_ZH_ENTITY_ENDINGS):
        return True
    return bool(_EN_ENTITY_WORDS & set(re.findall(r"[a-z]+", text)))


def beneficiary_matches_supplier(answers: dict, derived: dict) -> bool | None:
    """Is the payee the contracting company itself (its Chinese or English name)? Paying anyone else
    lets the supplier later deny it was paid (domain.md §7)."""
    supplier = answers.get("supplier") or {}
    beneficiary = (supplier.get("bank") or {}).get("beneficiary")
    names = [supplier.get(key) for key in ("name_zh", "name_en") if supplier.get(key)]
    if not beneficiary or not names:
        return None
    return normalise_name(beneficiary) in {normalise_name(n) for n in names}


def beneficiary_is_company(answers: dict, derived: dict) -> bool | None:
    """Is the payee a business at all? See is_company_name."""
    beneficiary = ((answers.get("supplier") or {}).get("bank") or {}).get("beneficiary")
    return is_company_name(beneficiary) if beneficiary else None


def supplier_name_has_chinese(answers: dict, derived: dict) -> bool | None:
    """A Chinese company's only legal name is its registered Chinese name; a name_zh without a single
    Chinese character is a translation, and the contract may not clearly bind the company."""
    name = (answers.get("supplier") or {}).get("name_zh")
    return bool(_CJK.search(name)) if name else None


def supplier_in_mainland(answers: dict, derived: dict) -> bool | None:
    """Only mainland-registered entities have a Unified Social Credit Code, so a supplier with one has
    its assets, and any enforcement, in mainland China. Without a code we cannot tell: None."""
    return True if (answers.get("supplier") or {}).get("uscc") else None


def uscc_check_passes(answers: dict, derived: dict) -> bool | None:
    """Does the USCC's check character verify? Validation lets a failing code through only with
    supplier.uscc_override_reason; the risk stays and the summary must say so."""
    code = (answers.get("supplier") or {}).get("uscc")
    if not isinstance(code, str) or uscc.format_problem(code):
        return None
    return uscc.check_problem(code) is None


def days_to_ship(answers: dict, derived: dict) -> int | None:
    """Days from signing (when the deposit can be paid and production start) to the latest shipment
    date: too few leave no room for production, inspection and rework."""
    signed = (answers.get("contract") or {}).get("date")
    ship_by = (answers.get("delivery") or {}).get("ship_by")
    if isinstance(signed, dt.date) and isinstance(ship_by, dt.date):
        return (ship_by - signed).days
    return None


def total_mismatch(answers: dict, derived: dict) -> bool | None:
    """Does the total on the supplier's pro-forma invoice (payment.quoted_total) differ from quantity ×
    unit price summed over the lines? Either a number in the contract is wrong or the supplier expects
    another price; both end in a dispute over what was agreed."""
    quoted = _decimal((answers.get("payment") or {}).get("quoted_total"))
    total, currency = derived.get("total_amount"), answers.get("currency")
    if quoted is None or total is None or not currency:
        return None
    return round_money(quoted, currency) != round_money(total, currency)


def _decimal(value: Any) -> Decimal | None:
    """An answer as an exact Decimal, also before the interview declares the field (a YAML number);
    None for anything number_text would not read one way."""
    if value is None or isinstance(value, bool):
        return None
    try:
        if isinstance(value, Decimal):
            return bounded(value)
        return read_number(source_text(value) or str(value))
    except NumberTextError:
        return None


FACTS: dict[str, Callable[[dict, dict], Any]] = {f.__name__: f for f in (
    beneficiary_matches_supplier, beneficiary_is_company, supplier_name_has_chinese, supplier_in_mainland,
    uscc_check_passes, days_to_ship, total_mismatch)}


def compute_facts(answers: dict, derived: dict) -> dict:
    return {name: value for name, fact in FACTS.items() if (value := fact(answers, derived)) is not None}


def rule_context(answers: dict, interview: Interview) -> dict:
    """What a rule's `when` sees: the answers, the derived values and `facts`."""
    derived = derive(answers, interview)
    return {**answers, **derived, "facts": compute_facts(answers, derived)}


# -- bands and verdicts ----------------------------------------------------------------------------

BANDS = ("low", "medium", "high", "very-high")
BAND_MIN_SCORE = {"low": 1, "medium": 3, "high": 6, "very-high": 9}
BAND_TEXT = {"low": Text("Low", "低"), "medium": Text("Medium", "中"), "high": Text("High", "高"),
             "very-high": Text("Very High", "极高")}
VERDICTS = {
    "do_not_pay": Text("Do not pay the deposit yet", "暂勿支付首付款"),
    "fix_first": Text("Fix these before paying the deposit", "支付首付款前，请先解决以下问题"),
    "ok": Text("OK to pay the deposit", "可以支付首付款"),
}


def band(score: int) -> str:
    """domain.md §8: 1–2 Low, 3–4 Medium, 6 High, 9 Very High."""
    for name in reversed(BANDS):
        if score >= BAND_MIN_SCORE[name]:
            return name
    raise ValueError(f"a score is 1 to 9, got {score}")


# -- rules -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RiskRule:
    id: str
    when: Expression
    probability: int
    impact: int
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
    "probability": {"type": "integer", "required": True},
    "impact": {"type": "integer", "required": True},
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
        if raw[key] not in (1, 2, 3):
            add(f"{key} must be 1, 2 or 3 (domain.md §8), found {raw[key]}")
            ok = False
    texts = {}
    for key in ("title", "why", "fix"):
        en, zh = (raw[key].get("en") or "").strip(), (raw[key].get("zh") or "").strip()
        if not en:
            add(f"{key} has no EN text")
        if not zh:
            add(f"{key} has no ZH text")
        elif not _CJK.search(zh):
            add(f"{key}.zh has no Chinese characters")
        # a folded line break next to Chinese is not a space in Chinese text
        texts[key] = Text(" ".join(en.split()), re.sub(r"\s+(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])\s+", "", zh))
    try:
        when = compile_expression(raw["when"])
    except ExpressionSyntaxError as exc:
        add(f"when does not compile: {exc}")
        return None
    if not ok:
        return None
    return RiskRule(rid, when, int(raw["probability"]), int(raw["impact"]), texts["title"], texts["why"], texts["fix"],
                    tuple(raw.get("clauses") or ()), raw.get("notes") or "", where)


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
    duplicate ids)."""
    rules: dict[str, RiskRule] = {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            raw = load_yaml_file(path)
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
    return list(rules.values())


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


# -- assessment ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    id: str
    score: int
    band: str  # one of BANDS
    probability: int
    impact: int
    title: Text
    why: Text
    fix: Text
    clauses: tuple[str, ...]


@dataclass(frozen=True)
class Assessment:
    findings: tuple[Finding, ...]  # score descending, then id
    verdict: str  # do_not_pay | fix_first | ok
    verdict_text: Text

    def at_or_above(self, band_name: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.score >= BAND_MIN_SCORE[band_name])


def verdict(findings: tuple[Finding, ...] | list[Finding]) -> str:
    bands = {f.band for f in findings}
    if "very-high" in bands:
        return "do_not_pay"
    if bands & {"high", "medium"}:
        return "fix_first"
    return "ok"


def assess(answers: dict, interview: Interview, rules: tuple[RiskRule, ...] | list[RiskRule] | None = None
           ) -> Assessment:
    """Every rule whose `when` holds for these (validated) answers, as findings, and the verdict."""
    context = rule_context(answers, interview)
    findings = []
    for rule in (load_rules() if rules is None else rules):
        if rule.when.evaluate(context):
            score = rule.probability * rule.impact
            findings.append(Finding(rule.id, score, band(score), rule.probability, rule.impact, rule.title,
                                    rule.why, rule.fix, rule.clauses))
    findings.sort(key=lambda f: (-f.score, f.id))
    code = verdict(findings)
    return Assessment(tuple(findings), code, VERDICTS[code])


# -- the summary `contractgen check` prints -----------------------------------------------------------

_SUMMARY_WORDS = {  # the fixed words of the risk summary, EN and ZH
    "valid": ("{file}: the answers are valid for {docs}.", "{file}：答案有效，适用于 {docs}。"),
    "verdict": ("Verdict: {verdict}.", "结论：{verdict}。"),
    "heading": ("{n} {findings}, highest risk first (score = probability × impact, each 1–3; Low 1–2, "
                "Medium 3–4, High 6, Very High 9):",
                "共{n}项风险，按风险由高到低排列（风险分值 = 可能性 × 影响程度，各为1至3分；1–2分为低，3–4分为中，"
                "6分为高，9分为极高）："),
    "none": ("The checks found no risk.", "检查未发现风险。"),
    "rating": ("{band} {score} = {p} × {i}", "{band} · {score}分 = {p} × {i}"),
    "why": ("Why: ", "原因："),
    "fix": ("Fix: ", "对策："),
    "clauses": ("Clauses that address it: ", "可解决该问题的合同条款："),
    "always": ("Before any payment, confirm the bank details by phone on a number you already had.",
               "任何付款之前，均应通过原已掌握的电话号码与卖方核实收款账户。"),
}


def summary_text(assessment: Assessment, answers_file: str, documents: list[str], lang: str) -> str:
    """The summary a buyer reads (`contractgen check`): the verdict first, then each finding with its
    rating, why it matters, the fix and the clauses that address it."""
    zh = lang == "zh"

    def word(key: str, **values) -> str:
        return _SUMMARY_WORDS[key][zh].format(**values)

    def para(label: str, text: str, indent: str = "    ") -> str:
        if zh:  # Chinese has no spaces to wrap at; the terminal wraps it
            return indent + label + text
        return textwrap.fill(text, 100, initial_indent=indent + label, subsequent_indent=indent + " " * len(label),
                             break_on_hyphens=False)

    def clause_names(ids) -> str:
        """Clause titles with their ids, one title once: several clauses share a title (Arbitration)."""
        library = bundled_clauses().clauses  # read only when a finding names clauses: it takes a second
        by_title: dict[str, list[str]] = {}
        for cid in ids:
            title = getattr(library[cid].title, lang) if cid in library else cid
            by_title.setdefault(title, []).append(cid)
        if zh:
            return "；".join(f"{title}（{', '.join(cids)}）" for title, cids in by_title.items())
        return "; ".join(f"{title} ({', '.join(cids)})" for title, cids in by_title.items())

    findings = assessment.findings
    lines = [word("valid", file=answers_file, docs=", ".join(documents)), "",
             word("verdict", verdict=getattr(assessment.verdict_text, lang))]
    lines.append(word("heading", n=len(findings), findings="finding" if len(findings) == 1 else "findings")
                 if findings else word("none"))
    if not zh:
        lines[-1] = textwrap.fill(lines[-1], 100)
    for number, f in enumerate(findings, start=1):
        band_name = getattr(BAND_TEXT[f.band], lang)
        rating = word("rating", band=band_name if zh else band_name.upper(), score=f.score, p=f.probability,
                      i=f.impact)
        lines += ["", f"{number}. [{rating}] {getattr(f.title, lang)}  ({f.id})",
                  para(word("why"), getattr(f.why, lang)), para(word("fix"), getattr(f.fix, lang))]
        if f.clauses:
            lines.append(para(word("clauses"), clause_names(f.clauses)))
    lines += ["", word("always")]
    return "\n".join(lines)


def summary_json(assessment: Assessment, answers_file: str, documents: list[str], fail_on: str, failed: bool) -> str:
    """The summary for scripts (`contractgen check --format json`): fixed keys in a fixed order."""
    def text(t: Text) -> dict:
        return {"en": t.en, "zh": t.zh}

    record = {
        "format_version": 1,
        "answers": answers_file,
        "documents": documents,
        "verdict": {"code": assessment.verdict, **text(assessment.verdict_text)},
        "fail_on": fail_on,
        "failed": failed,
        "findings": [{"id": f.id, "score": f.score, "band": f.band, "probability": f.probability,
                      "impact": f.impact, "title": text(f.title), "why": text(f.why), "fix": text(f.fix),
                      "clauses": list(f.clauses)} for f in assessment.findings],
    }
    return json.dumps(record, ensure_ascii=False, indent=2)
