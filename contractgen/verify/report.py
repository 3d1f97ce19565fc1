"""The verdict of `contractgen verify`, as text for a person and as JSON for a script. Most important
first: what the comparison ranked (compare.py)."""
from __future__ import annotations

import json

from ..core.messages import message
from .compare import Finding
from .run import Verification

FORMAT = "contractgen-verify/1"

# The report's fixed sentences (the report is printed in English: Message.english).
LINES = {
    "head": message("verify.head", "{returned} ({kind}) against {document} {number}, rebuilt from {source}"),
    "matches": message("verify.matches", "MATCHES: every article is there and no passage differs, in English or "
                       "in Chinese."),
    "differs": message("verify.differs", "DIFFERS: {count} difference(s), most important first."),
    "unsure": message("verify.unsure", "Read by OCR without confidence ({count}, short wording only, not counted; "
                      "look at these on paper):"),
    "zh_only": message("verify.zh_only", "Chinese only: the English of this clause is unchanged"),
    "missing": message("verify.missing", "MISSING ARTICLE: {text}"),
}
CATEGORY_NAMES = {"missing": "MISSING", "number": "NUMBER", "party": "PARTY", "forum": "FORUM", "text": "WORDING"}
LANG_NAMES = {"en": "EN", "zh": "ZH"}


def _where(finding: Finding) -> str:
    page = f", page {finding.page}" if finding.page else ""
    return f"{finding.where.caption('en')}{page}"


def _finding_lines(number: int, finding: Finding) -> list[str]:
    if finding.category == "missing":
        return [f"{number}. {LINES['missing'].english(text=finding.where.caption('en'))}", f"   {finding.context}"]
    flags = [CATEGORY_NAMES[finding.category], LANG_NAMES[finding.lang], finding.change]
    if finding.zh_only:
        flags.append(LINES["zh_only"].english())
    out = [f"{number}. {' · '.join(flags)} · {_where(finding)}"]
    if finding.change == "changed":
        out.append(f"   was: {finding.reference}\n   now: {finding.returned}")
    elif finding.change == "removed":
        out.append(f"   removed: {finding.reference}")
    else:
        out.append(f"   added: {finding.returned}")
    out.append(f"   in: {finding.context}")
    return out


def report_text(result: Verification) -> str:
    doc = result.reference.document
    lines = [LINES["head"].english(returned=", ".join(result.returned), kind=result.kind, document=doc.title.en,
                                  number=doc.reference, source=result.source), ""]
    findings = result.comparison.findings
    if not findings:
        lines.append(LINES["matches"].english())
    else:
        lines.append(LINES["differs"].english(count=len(findings)))
        for number, finding in enumerate(findings, start=1):
            lines += [""] + _finding_lines(number, finding)
    unsure = result.comparison.unsure
    if unsure:
        lines += ["", LINES["unsure"].english(count=len(unsure))]
        lines += [f"  - {_where(f)}: {f.context}" for f in unsure]
    return "\n".join(lines)


def _record(finding: Finding) -> dict:
    where = finding.where
    return {"category": finding.category, "change": finding.change, "lang": finding.lang,
            "article": where.article, "heading": {"en": where.heading.en, "zh": where.heading.zh},
            "clause": where.clause, "clause_id": where.clause_id, "page": finding.page or None,
            "reference": finding.reference, "returned": finding.returned, "context": finding.context,
            "zh_only": finding.zh_only}


def report_json(result: Verification) -> str:
    doc = result.reference.document
    return json.dumps({
        "format": FORMAT, "returned": list(result.returned), "kind": result.kind, "document": doc.kind,
        "contract_number": doc.reference, "reference": result.source, "matches": result.matches,
        "findings": [_record(f) for f in result.comparison.findings],
        "unsure": [_record(f) for f in result.comparison.unsure],
    }, ensure_ascii=False, indent=2)
