"""The pre-deposit risk summary: rules as data in risk_rules/<topic>.yaml, scored probability × impact.

A rule's `when` is an expression over the answers, the derived values (docs/formats.md) and `facts`:
what a rule needs that is not a plain answer (does the bank beneficiary name the supplier? how many
days from signing to the latest shipment?). Scoring follows domain.md §8: probability and impact each
1–3, score = probability × impact, bands 1–2 Low, 3–4 Medium, 6 High, 9 Very High.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..core.text import Text
from ..facts.derived import derive
from ..interview.definitions import Interview
from .facts import rule_context
from .rules import RiskRule, load_rules


# -- bands and verdicts ----------------------------------------------------------------------------

BANDS = ("low", "medium", "high", "very-high")
BAND_MIN_SCORE = {"low": 1, "medium": 3, "high": 6, "very-high": 9}
BAND_TEXT = {"low": Text("Low", "低"), "medium": Text("Medium", "中"), "high": Text("High", "高"),
             "very-high": Text("Very High", "极高")}
VERDICTS = {
    "do_not_pay": Text("Do not pay the deposit yet", "暂勿支付预付款"),
    "fix_first": Text("Fix these before paying the deposit", "支付预付款前，请先解决以下问题"),
    "ok": Text("OK to pay the deposit", "可以支付预付款"),
}


def band(score: int) -> str:
    """domain.md §8: 1–2 Low, 3–4 Medium, 6 High, 9 Very High."""
    for name in reversed(BANDS):
        if score >= BAND_MIN_SCORE[name]:
            return name
    raise ValueError(f"a score is 1 to 9, got {score}")


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


def assess(answers: dict, interview: Interview, rules: tuple[RiskRule, ...] | list[RiskRule] | None = None,
           derived: dict | None = None) -> Assessment:
    """Every rule whose `when` holds for these (validated) answers, as findings, and the verdict.
    `derived`: the order's derived values when the caller has them already (documents/context.py)."""
    context = rule_context(answers, derive(answers, interview) if derived is None else derived)
    findings = []
    for rule in (load_rules() if rules is None else rules):
        if rule.when.evaluate(context):
            score = rule.probability * rule.impact
            findings.append(Finding(rule.id, score, band(score), rule.probability, rule.impact, rule.title,
                                    rule.why, rule.fix, rule.clauses))
    findings.sort(key=lambda f: (-f.score, f.id))
    code = verdict(findings)
    return Assessment(tuple(findings), code, VERDICTS[code])


