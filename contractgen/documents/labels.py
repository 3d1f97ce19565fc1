"""Fixed captions the house template prints, in both languages.

Each label is a message of the one catalog (core/messages.py), its key the message id: the same
English word can need different Chinese in different places ("Date" is 签订日期 in the heading and 日期
under a signature). The assembler copies LABELS into `Document.labels`; renderers print captions only
from there. Clause text is never here: it lives in the clause files. translations/README.md says how
to add a label.
"""
from __future__ import annotations

import re

from ..core.messages import CatalogError, message
from ..core.text import Text

_MESSAGES = (
    # heading lines and page header
    message("contract_no", "Contract No."),
    # TRANSLATORS: the date the contract is signed, in the heading lines
    message("date", "Date"),
    message("place_of_signing", "Place of signing"),
    # party blocks: roles and the labels of the detail lines
    message("party.buyer", "Buyer"),
    message("party.seller", "Seller"),
    message("party.country", "Country"),
    message("party.representative", "Representative"),
    message("party.email", "E-mail"),
    message("party.uscc", "Unified Social Credit Code"),
    message("party.legal_representative", "Legal representative"),
    message("party.contact", "Contact"),
    # TRANSLATORS: page footer; the numbers are Word fields, so keep %(page)s before %(pages)s
    message("page", "Page %(page)s of %(pages)s"),
    # product table
    message("table.no", "No."),
    message("table.sku", "SKU"),
    message("table.description", "Description"),
    message("table.specification", "Specification"),
    message("table.quantity", "Quantity"),
    message("table.unit", "Unit"),
    message("table.unit_price", "Unit price"),
    message("table.amount", "Amount"),
    message("table.hs_code", "HS code"),
    message("table.total", "Total"),
    # TRANSLATORS: the total amount written out in words (大写金额)
    message("table.in_words", "In words"),
    # signature block; the renderer leaves room for the round company chop above the signatory line
    # equal to "signature.chop"
    message("signature.signature", "Authorised signature"),
    message("signature.name", "Name and title"),
    message("signature.chop", "Company chop"),
    # TRANSLATORS: the date each party signs, under its signature
    message("signature.date", "Date"),
    # TRANSLATORS: article heading; the Chinese number is a numeral (三, 十二), so 第%(number)s条
    message("article", "Article %(number)s"),
    # checklists: the sign-off of the buyer's checker (no company chop)
    message("check.checked_by", "Checked for the Buyer by"),
    message("check.approved_by", "Approved for the Buyer by"),
    message("check.name", "Name"),
    message("check.signature", "Signature"),
    # checklist table columns and the boxes to tick
    message("check.line", "Line"),
    message("check.all_lines", "All lines"),
    message("check.point", "Check point"),
    message("check.required", "Required"),
    message("check.result", "Result"),
    message("check.remarks", "Remarks"),
    message("check.done", "Done"),
    # TRANSLATORS: two boxes to tick in a table cell; keep the ☐ characters
    message("check.pass_fail", "☐ Pass  ☐ Fail"),
    # TRANSLATORS: two boxes to tick in a table cell; keep the ☐ characters
    message("check.ok_not_ok", "☐ OK  ☐ Not OK"),
    # QC checklist: one ISO 2859-1 sampling plan per product line
    # TRANSLATORS: caption of one line's sampling plan; keep every %(…)s
    message("aql.caption", "Line %(number)s: %(sku)s, %(description)s. Lot size %(lot)s %(unit)s, "
                            "inspection level %(level)s, sample size code letter %(code)s"),
    message("aql.class", "Defect class"),
    message("aql.aql", "AQL"),
    message("aql.sample_size", "Sample size"),
    message("aql.accept", "Accept (Ac)"),
    message("aql.reject", "Reject (Re)"),
    message("aql.found", "Defects found"),
    message("aql.critical", "Critical"),
    message("aql.major", "Major"),
    message("aql.minor", "Minor"),
    # QC checklist: the specification, packing and marking points of the order
    message("spec.caption", "Specification, packing and marking points to check"),
    message("spec.specification", "Specification"),
    message("spec.material", "Material and grade"),
    message("spec.dimensions", "Dimensions"),
    message("spec.tolerance", "Tolerances"),
    message("spec.colour", "Colour reference"),
    message("spec.finish", "Surface finish"),
    message("spec.packing", "Packing"),
    message("spec.marking", "Carton marks"),
    message("spec.not_specified", "Not specified in the order: check against the approved sample, and put it in "
                                  "writing before the next order"),
    # pre-deposit checklist: the risk matrix and the findings
    message("risk.matrix", "Risk matrix: probability × impact"),
    # TRANSLATORS: the top-left cell of the risk matrix: rows are probability, columns impact
    message("risk.axes", "Probability ↓ Impact →"),
    message("risk.impact_low", "Impact low (1)"),
    message("risk.impact_medium", "Impact medium (2)"),
    message("risk.impact_high", "Impact high (3)"),
    message("risk.probability_low", "Probability low (1)"),
    message("risk.probability_medium", "Probability medium (2)"),
    message("risk.probability_high", "Probability high (3)"),
    message("risk.findings", "Findings, highest risk first"),
    message("risk.finding", "Finding"),
    message("risk.rating", "Rating (probability × impact)"),
    message("risk.fix", "What fixes it"),
)


def _page_parts(text: str) -> tuple[str, str, str]:
    # The footer's page numbers are Word fields, so the renderer needs the words around them.
    parts = re.fullmatch(r"(.*)%\(page\)s(.*)%\(pages\)s(.*)", text, re.DOTALL)
    if not parts:
        raise CatalogError(f"the page footer {text!r} must contain %(page)s, then %(pages)s")
    return tuple(p.strip() for p in parts.groups())  # type: ignore[return-value]


def _labels(texts: dict[str, Text]) -> dict[str, Text]:
    labels: dict[str, Text] = {}
    for key, text in texts.items():
        if key == "page":
            for name, en, zh in zip(("before", "of", "after"), _page_parts(text.en), _page_parts(text.zh)):
                labels[f"page.{name}"] = Text(en, zh)
        elif key != "article":
            labels[key] = text
    return labels


# Both are loaded on first use, not at import: `import contractgen` and the CLI's error handling
# must work without the compiled catalog, so that its absence is reported as a CatalogError.
LABELS: dict[str, Text]
# "Article %(number)s" / "第%(number)s条": the assembler fills in the number (a numeral in Chinese).
ARTICLE: Text


def __getattr__(name: str):
    if name in ("LABELS", "ARTICLE"):
        texts = {label.id: label() for label in _MESSAGES}
        globals().update(LABELS=_labels(texts), ARTICLE=texts["article"])
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
