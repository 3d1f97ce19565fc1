"""The pre-deposit risk summary as `contractgen check` prints it (text in EN or ZH, or JSON), and as
plain data for the clauses and checklist tables that quote it."""
from __future__ import annotations

import json
import textwrap
from dataclasses import asdict

from ..core.messages import message
from ..core.text import Text
from .assess import BAND_TEXT, BANDS, Assessment, band
from .rules import bundled_clauses


# -- the summary `contractgen check` prints -----------------------------------------------------------

NO_RISK = message("summary.none", "The checks found no risk.")
CONFIRM_BANK = message("summary.always", "Before any payment, confirm the bank details by phone on a number you "
                                         "already had.")
_SUMMARY_WORDS = {  # the fixed words of the risk summary
    "valid": message("summary.valid", "{file}: the answers are valid for {docs}."),
    "verdict": message("summary.verdict", "Verdict: {verdict}."),
    "heading_one": message("summary.heading_one", "{n} finding, highest risk first (score = probability × impact, "
                                                  "each 1–3; Low 1–2, Medium 3–4, High 6, Very High 9):"),
    "heading": message("summary.heading", "{n} findings, highest risk first (score = probability × impact, each "
                                          "1–3; Low 1–2, Medium 3–4, High 6, Very High 9):"),
    "none": NO_RISK,
    "rating": message("summary.rating", "{band} {score} = {p} × {i}"),
    "why": message("summary.why", "Why: "),
    "fix": message("summary.fix", "Fix: "),
    "clauses": message("summary.clauses", "Clauses that address it: "),
    "always": CONFIRM_BANK,
}


# -- what the verdict rests on, and the risk map ------------------------------------------------------

SCOPE_WORDS = {
    "scope": message("summary.scope", "This verdict covers only the answers given: what they leave out, it cannot "
                                      "see, and an unanswered check counts as not verified, never as safe."),
    "unverified": message("summary.unverified", "Not verified (no answer given):"),
    "all_verified": message("summary.all_verified", "Every verification question has an answer."),
    "registration": message("summary.registration", "The supplier's registration, read from its USCC:"),
    "map": message("summary.map", "Risk map: each cell is probability × impact; the numbers are the findings above."),
    # TRANSLATORS: one cell of the risk map; {band} is Low/Medium/High/Very High, {score} its number
    "cell": message("summary.cell", "Probability {p} × impact {i} = {band} {score}: {likely}, {loss}; {action}. "
                                    "{listed}"),
    "in_cell": message("summary.in_cell", "Findings here: {numbers}."),
    "empty_cell": message("summary.empty_cell", "No finding here."),
}
# TRANSLATORS: a probability or an impact of the risk map, 1 to 3
LEVEL_WORDS = {1: message("summary.level.low", "low"), 2: message("summary.level.medium", "medium"),
               3: message("summary.level.high", "high")}
LIKELY_WORDS = {1: message("summary.likely.low", "unlikely to happen"),
                2: message("summary.likely.medium", "may well happen"),
                3: message("summary.likely.high", "likely to happen")}
LOSS_WORDS = {1: message("summary.loss.low", "a small loss if it does"),
              2: message("summary.loss.medium", "a loss that hurts if it does"),
              3: message("summary.loss.high", "most of the money at stake if it does")}
ACTION_WORDS = {"low": message("summary.action.low", "note it and watch for it"),
                "medium": message("summary.action.medium", "fix it before paying, or accept it knowingly"),
                "high": message("summary.action.high", "fix it before paying"),
                "very-high": message("summary.action.very_high", "do not pay until it is fixed")}


def risk_map_lines(assessment: Assessment, lang: str) -> list[str]:
    """The 3 × 3 matrix as nine lines, probability high first: each cell's rating, what it means and the
    findings in it by number. Shown for every order, findings or not."""
    def say(t: Text) -> str:
        return getattr(t, lang)

    lines = [say(SCOPE_WORDS["map"]())]
    numbers = {id(f): n for n, f in enumerate(assessment.findings, start=1)}
    for p in (3, 2, 1):
        for i in (1, 2, 3):
            here = [str(numbers[id(f)]) for f in assessment.findings if (f.probability, f.impact) == (p, i)]
            listed = (SCOPE_WORDS["in_cell"](numbers=Text(", ".join(here), "、".join(here))) if here
                      else SCOPE_WORDS["empty_cell"]())
            name = band(p * i)
            lines.append("  " + say(SCOPE_WORDS["cell"](
                p=LEVEL_WORDS[p](), i=LEVEL_WORDS[i](), band=BAND_TEXT[name](), score=p * i,
                likely=LIKELY_WORDS[p](), loss=LOSS_WORDS[i](), action=ACTION_WORDS[name](), listed=listed)))
    return lines


def scope_lines(assessment: Assessment, lang: str) -> list[str]:
    """What the verdict rests on: the answers only, the checks left unanswered, the USCC read."""
    def say(t: Text) -> str:
        return getattr(t, lang)

    lines = [say(SCOPE_WORDS["scope"]())]
    if assessment.unverified:
        lines += [say(SCOPE_WORDS["unverified"]())] + [f"  - {say(t)}" for t in assessment.unverified]
    elif assessment.asked_checks:
        lines.append(say(SCOPE_WORDS["all_verified"]()))
    if assessment.notes:
        lines += [say(SCOPE_WORDS["registration"]())] + [f"  {say(t)}" for t in assessment.notes]
    return lines


def summary_text(assessment: Assessment, answers_file: str, documents: list[str], lang: str) -> str:
    """The summary a buyer reads (`contractgen check`): the verdict first, then each finding with its
    rating, why it matters, the fix and the clauses that address it."""
    zh = lang == "zh"

    def word(key: str, **values) -> str:
        return getattr(_SUMMARY_WORDS[key](**values), lang)

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
    lines += [line if zh else textwrap.fill(line, 100, subsequent_indent=" " * (len(line) - len(line.lstrip()) + 2))
              for line in scope_lines(assessment, lang)] + [""]
    lines.append(word("heading_one" if len(findings) == 1 else "heading", n=len(findings))
                 if findings else word("none"))
    if not zh:
        lines[-1] = textwrap.fill(lines[-1], 100)
    for number, f in enumerate(findings, start=1):
        band_name = getattr(BAND_TEXT[f.band](), lang)
        rating = word("rating", band=band_name if zh else band_name.upper(), score=f.score, p=f.probability,
                      i=f.impact)
        lines += ["", f"{number}. [{rating}] {getattr(f.title, lang)}  ({f.id})",
                  para(word("why"), getattr(f.why, lang)), para(word("fix"), getattr(f.fix, lang))]
        if f.clauses:
            lines.append(para(word("clauses"), clause_names(f.clauses)))
    lines += [""] + [line if zh else textwrap.fill(line, 100, subsequent_indent="    ")
                     for line in risk_map_lines(assessment, lang)]
    lines += ["", word("always")]
    return "\n".join(lines)


def summary_json(assessment: Assessment, answers_file: str, documents: list[str], fail_on: str, failed: bool) -> str:
    """The summary for scripts (`contractgen check --format json`): fixed keys in a fixed order."""
    record = {
        "format_version": 1,
        "answers": answers_file,
        "documents": documents,
        "verdict": {"code": assessment.verdict, **asdict(assessment.verdict_text)},
        "fail_on": fail_on,
        "failed": failed,
        "unverified": [asdict(t) for t in assessment.unverified],
        "notes": [asdict(t) for t in assessment.notes],
        "findings": [{"id": f.id, "score": f.score, "band": f.band, "probability": f.probability,
                      "impact": f.impact, "title": asdict(f.title), "why": asdict(f.why), "fix": asdict(f.fix),
                      "clauses": list(f.clauses)} for f in assessment.findings],
    }
    return json.dumps(record, ensure_ascii=False, indent=2)


def summary_context(assessment: Assessment) -> dict:
    """The assessment as plain data for clauses and tables (`risk` in the clause context): the verdict,
    the number of findings per band, and each finding, highest risk first."""

    findings = [{"number": number, "id": f.id, "score": f.score, "band": f.band, "band_text": asdict(BAND_TEXT[f.band]()),
                 "probability": f.probability, "impact": f.impact, "title": asdict(f.title), "why": asdict(f.why),
                 "fix": asdict(f.fix), "clauses": list(f.clauses)}
                for number, f in enumerate(assessment.findings, start=1)]
    return {"verdict": assessment.verdict, "verdict_text": asdict(assessment.verdict_text), "count": len(findings),
            "counts": {b.replace("-", "_"): sum(f["band"] == b for f in findings) for b in BANDS},
            "findings": findings, "unverified": [asdict(t) for t in assessment.unverified],
            "notes": [asdict(t) for t in assessment.notes],
            "checks": [{"label": asdict(label), "answer": asdict(answer) if answer else None}
                       for label, answer in assessment.checks]}
