"""The pre-deposit risk summary: rules as data in risk_rules/<topic>.yaml, scored probability × impact.

A rule's `when` is an expression over the answers, the derived values (docs/formats.md) and `facts`:
what a rule needs that is not a plain answer (does the bank beneficiary name the supplier? how many
days from signing to the latest shipment?). Scoring follows domain.md §8: probability and impact each
1–3, score = probability × impact, bands 1–2 Low, 3–4 Medium, 6 High, 9 Very High.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..core.messages import as_typed, message
from ..core.text import Text
from ..facts.derived import deposit_kind, derive
from ..interview.definitions import Interview
from .facts import identity_unchecked, payee_unconfirmed, rule_context, text_facts
from .rules import RiskRule, load_rules


# -- bands and verdicts ----------------------------------------------------------------------------

BANDS = ("low", "medium", "high", "very-high")
BAND_MIN_SCORE = {"low": 1, "medium": 3, "high": 6, "very-high": 9}
# Each a Message of the catalog: BAND_TEXT[name]() and VERDICTS[code, kind]() give the Text. A verdict
# names the order's own first payment, as its contract does (facts.derived.deposit_kind): the deposit
# (预付款), the earnest money (定金), or with no deposit the first payment (第一笔款项).
BAND_TEXT = {"low": message("risk.band.low", "Low"), "medium": message("risk.band.medium", "Medium"),
             "high": message("risk.band.high", "High"), "very-high": message("risk.band.very_high", "Very High")}
VERDICTS = {
    ("do_not_pay", "advance"): message("risk.verdict.do_not_pay", "Do not pay the deposit yet"),
    ("do_not_pay", "earnest"): message("risk.verdict.do_not_pay.earnest", "Do not pay the earnest money yet"),
    ("do_not_pay", "none"): message("risk.verdict.do_not_pay.none", "Do not make the first payment yet"),
    ("fix_first", "advance"): message("risk.verdict.fix_first", "Fix these before paying the deposit"),
    ("fix_first", "earnest"): message("risk.verdict.fix_first.earnest", "Fix these before paying the earnest money"),
    ("fix_first", "none"): message("risk.verdict.fix_first.none", "Fix these before making the first payment"),
    ("ok", "advance"): message("risk.verdict.ok", "OK to pay the deposit"),
    ("ok", "earnest"): message("risk.verdict.ok.earnest", "OK to pay the earnest money"),
    ("ok", "none"): message("risk.verdict.ok.none", "OK to make the first payment"),
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
    unverified: tuple[Text, ...] = ()  # the verification questions left unanswered: not verified, not safe
    notes: tuple[Text, ...] = ()  # what the answers tell that is no finding (the USCC read)
    asked_checks: bool = False  # the interview asks the verification questions
    checks: tuple[tuple[Text, Text | None], ...] = ()  # each verification question and its answer (None: open)

    def at_or_above(self, band_name: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.score >= BAND_MIN_SCORE[band_name])


def verdict(findings: tuple[Finding, ...] | list[Finding]) -> str:
    bands = {f.band for f in findings}
    if "very-high" in bands:
        return "do_not_pay"
    if bands & {"high", "medium"}:
        return "fix_first"
    return "ok"


_NOTES = {  # the fixed sentences of the assessment's notes
    # TRANSLATORS: the supplier's USCC read; {division} is a Chinese place name, {source} the table's date
    "registration": message("risk.note.registration", "USCC {code}: {entity_type}, registered by {authority} of "
                                                      "{division} (division code {division_code}, {source})."),
    "former_division": message("risk.note.former_division", "Code {division_code} is no longer in the table (a "
                                                            "division merged or renamed since): named from its city "
                                                            "or province."),
    "address": message("risk.note.address", "The supplier's address is in {place}."),
}


def _notes(derived: dict) -> tuple[Text, ...]:
    registration = derived.get("registration")
    if not registration:
        return ()
    values = {key: (Text(value["en"], value["zh"]) if isinstance(value, dict) else value)
              for key, value in registration.items()}
    keys = ["registration"] + ([] if registration["exact"] else ["former_division"])
    notes = [_NOTES[k](**values) for k in keys]
    if registration["address_place"]:
        notes.append(_NOTES["address"](place=as_typed(registration["address_place"])))
    return tuple(notes)


_ANSWER_WORDS = {True: message("risk.answer.yes", "Yes"), False: message("risk.answer.no", "No")}


def verification_checks(answers: dict, interview: Interview) -> tuple[tuple[Text, Text | None], ...]:
    """Each verification question this interview asks, with the answer as the buyer reads it (a choice's
    label, yes or no, the date) or None when it is open."""
    given = answers.get("verification") if isinstance(answers.get("verification"), dict) else {}
    out = []
    for _, q in interview.questions():
        if not q.path.startswith("verification."):
            continue
        value = given.get(q.path.removeprefix("verification."))
        if value is None:
            out.append((q.label, None))
        elif isinstance(value, bool):
            out.append((q.label, _ANSWER_WORDS[value]()))
        elif q.choice(value) is not None:
            out.append((q.label, q.choice(value).label))
        else:
            out.append((q.label, Text(str(value), str(value))))
    return tuple(out)


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "—"


def _fill(text: Text, values: dict[str, Text]) -> Text:
    """A rule text with its {names} filled in from the order's text facts, in each language."""
    return Text(*(getattr(text, lang).format_map(_Blank({k: getattr(v, lang) for k, v in values.items()}))
                  for lang in ("en", "zh")))


def _scaled(value: int | str, facts: dict) -> int:
    """A rule's probability or impact: its number, or the order's value of the scale it names (3 when the
    scale cannot be read: unknown is not safe)."""
    return value if isinstance(value, int) else int(facts.get(value, 3))


def assess(answers: dict, interview: Interview, rules: tuple[RiskRule, ...] | list[RiskRule] | None = None,
           derived: dict | None = None) -> Assessment:
    """Every rule whose `when` holds for these (validated) answers, as findings, and the verdict.
    `derived`: the order's derived values when the caller has them already (documents/context.py)."""
    derived = derive(answers, interview) if derived is None else derived
    context = rule_context(answers, derived)
    asks_checks = any(q.path.startswith("verification.") for _, q in interview.questions())
    if not asks_checks:  # an NNN asks nothing about the supplier's checks: none is open
        for name in ("identity_unchecked", "payee_unconfirmed"):
            context["facts"].pop(name, None)
    texts = text_facts(answers, derived)
    findings = []
    for rule in (load_rules() if rules is None else rules):
        if rule.when.evaluate(context):
            probability, impact = _scaled(rule.probability, context["facts"]), _scaled(rule.impact, context["facts"])
            score = probability * impact
            findings.append(Finding(rule.id, score, band(score), probability, impact, _fill(rule.title, texts),
                                    _fill(rule.why, texts), _fill(rule.fix, texts), rule.clauses))
    findings.sort(key=lambda f: (-f.score, f.id))
    code = verdict(findings)
    if code == "ok" and asks_checks and (identity_unchecked(answers, derived) or payee_unconfirmed(answers, derived)):
        code = "do_not_pay"  # invariant 10, whatever the rule files say: an unverified supplier is not safe
    checks = verification_checks(answers, interview)
    kind = deposit_kind(answers.get("payment")) if "deposit_term" in derived else "advance"
    return Assessment(tuple(findings), code, VERDICTS[code, kind](), tuple(label for label, a in checks if a is None),
                      _notes(derived), asks_checks, checks)


