"""The pre-deposit risk summary as `contractgen check` prints it (text in EN or ZH, or JSON), and as
plain data for the clauses and checklist tables that quote it."""
from __future__ import annotations

import json
import textwrap

from ..core.messages import message
from ..core.text import Text
from .assess import BAND_TEXT, BANDS, Assessment
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
    lines.append(word("heading_one" if len(findings) == 1 else "heading", n=len(findings))
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


def summary_context(assessment: Assessment) -> dict:
    """The assessment as plain data for clauses and tables (`risk` in the clause context): the verdict,
    the number of findings per band, and each finding, highest risk first."""

    def text(t: Text) -> dict:
        return {"en": t.en, "zh": t.zh}

    findings = [{"number": number, "id": f.id, "score": f.score, "band": f.band, "band_text": text(BAND_TEXT[f.band]),
                 "probability": f.probability, "impact": f.impact, "title": text(f.title), "why": text(f.why),
                 "fix": text(f.fix), "clauses": list(f.clauses)}
                for number, f in enumerate(assessment.findings, start=1)]
    return {"verdict": assessment.verdict, "verdict_text": text(assessment.verdict_text), "count": len(findings),
            "counts": {b.replace("-", "_"): sum(f["band"] == b for f in findings) for b in BANDS},
            "findings": findings}
