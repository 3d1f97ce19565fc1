"""Fixed captions the house template prints, in both languages.

The English is the msgid of `translations/messages.pot`, with the label key as msgctxt: the same
English word can need different Chinese in different places ("Date" is 签订日期 in the heading and 日期
under a signature). The Chinese comes from the compiled catalog
`translations/zh_CN/LC_MESSAGES/messages.mo`, read once, on first use. The assembler copies LABELS into
`Document.labels`; renderers print captions only from there. Clause text is never here: it lives in
the clause files.

After adding or changing a label:
    pybabel extract -F babel.cfg -c TRANSLATORS: -o translations/messages.pot .
    pybabel update -i translations/messages.pot -d translations -D messages
    (translate the new entries in translations/zh_CN/LC_MESSAGES/messages.po)
    pybabel compile -d translations -D messages
"""
from __future__ import annotations

import re

from babel.support import NullTranslations, Translations

from ..core.errors import ContractgenError
from ..core.text import Text
from ..core.resources import data_path

DOMAIN = "messages"
LOCALE = "zh_CN"


def pgettext(context: str, message: str) -> tuple[str, str]:
    """Marks a label for `pybabel extract`, whose default keywords read pgettext's arguments as
    (msgctxt, msgid); the Chinese is looked up below, once the catalog is loaded."""
    return context, message


_MESSAGES = (
    # heading lines and page header
    pgettext("contract_no", "Contract No."),
    # TRANSLATORS: the date the contract is signed, in the heading lines
    pgettext("date", "Date"),
    pgettext("place_of_signing", "Place of signing"),
    # party blocks: roles and the labels of the detail lines
    pgettext("party.buyer", "Buyer"),
    pgettext("party.seller", "Seller"),
    pgettext("party.country", "Country"),
    pgettext("party.representative", "Representative"),
    pgettext("party.email", "E-mail"),
    pgettext("party.uscc", "Unified Social Credit Code"),
    pgettext("party.legal_representative", "Legal representative"),
    pgettext("party.contact", "Contact"),
    # TRANSLATORS: page footer; the numbers are Word fields, so keep %(page)s before %(pages)s
    pgettext("page", "Page %(page)s of %(pages)s"),
    # product table
    pgettext("table.no", "No."),
    pgettext("table.sku", "SKU"),
    pgettext("table.description", "Description"),
    pgettext("table.specification", "Specification"),
    pgettext("table.quantity", "Quantity"),
    pgettext("table.unit", "Unit"),
    pgettext("table.unit_price", "Unit price"),
    pgettext("table.amount", "Amount"),
    pgettext("table.hs_code", "HS code"),
    pgettext("table.total", "Total"),
    # TRANSLATORS: the total amount written out in words (大写金额)
    pgettext("table.in_words", "In words"),
    # signature block; the renderer leaves room for the round company chop above the signatory line
    # equal to "signature.chop"
    pgettext("signature.signature", "Authorised signature"),
    pgettext("signature.name", "Name and title"),
    pgettext("signature.chop", "Company chop"),
    # TRANSLATORS: the date each party signs, under its signature
    pgettext("signature.date", "Date"),
    # TRANSLATORS: article heading; the Chinese number is a numeral (三, 十二), so 第%(number)s条
    pgettext("article", "Article %(number)s"),
    # checklists: the sign-off of the buyer's checker (no company chop)
    pgettext("check.checked_by", "Checked for the Buyer by"),
    pgettext("check.approved_by", "Approved for the Buyer by"),
    pgettext("check.name", "Name"),
    pgettext("check.signature", "Signature"),
    # checklist table columns and the boxes to tick
    pgettext("check.line", "Line"),
    pgettext("check.all_lines", "All lines"),
    pgettext("check.point", "Check point"),
    pgettext("check.required", "Required"),
    pgettext("check.result", "Result"),
    pgettext("check.remarks", "Remarks"),
    pgettext("check.done", "Done"),
    # TRANSLATORS: two boxes to tick in a table cell; keep the ☐ characters
    pgettext("check.pass_fail", "☐ Pass  ☐ Fail"),
    # TRANSLATORS: two boxes to tick in a table cell; keep the ☐ characters
    pgettext("check.ok_not_ok", "☐ OK  ☐ Not OK"),
    # QC checklist: one ISO 2859-1 sampling plan per product line
    # TRANSLATORS: caption of one line's sampling plan; keep every %(…)s
    pgettext("aql.caption", "Line %(number)s: %(sku)s, %(description)s. Lot size %(lot)s %(unit)s, "
                            "inspection level %(level)s, sample size code letter %(code)s"),
    pgettext("aql.class", "Defect class"),
    pgettext("aql.aql", "AQL"),
    pgettext("aql.sample_size", "Sample size"),
    pgettext("aql.accept", "Accept (Ac)"),
    pgettext("aql.reject", "Reject (Re)"),
    pgettext("aql.found", "Defects found"),
    pgettext("aql.critical", "Critical"),
    pgettext("aql.major", "Major"),
    pgettext("aql.minor", "Minor"),
    # QC checklist: the specification, packing and marking points of the order
    pgettext("spec.caption", "Specification, packing and marking points to check"),
    pgettext("spec.specification", "Specification"),
    pgettext("spec.material", "Material and grade"),
    pgettext("spec.dimensions", "Dimensions"),
    pgettext("spec.tolerance", "Tolerances"),
    pgettext("spec.colour", "Colour reference"),
    pgettext("spec.finish", "Surface finish"),
    pgettext("spec.packing", "Packing"),
    pgettext("spec.marking", "Carton marks"),
    pgettext("spec.not_specified", "Not specified in the order: check against the approved sample, and put it in "
                                   "writing before the next order"),
    # pre-deposit checklist: the risk matrix and the findings
    pgettext("risk.matrix", "Risk matrix: probability × impact"),
    # TRANSLATORS: the top-left cell of the risk matrix: rows are probability, columns impact
    pgettext("risk.axes", "Probability ↓ Impact →"),
    pgettext("risk.impact_low", "Impact low (1)"),
    pgettext("risk.impact_medium", "Impact medium (2)"),
    pgettext("risk.impact_high", "Impact high (3)"),
    pgettext("risk.probability_low", "Probability low (1)"),
    pgettext("risk.probability_medium", "Probability medium (2)"),
    pgettext("risk.probability_high", "Probability high (3)"),
    pgettext("risk.findings", "Findings, highest risk first"),
    pgettext("risk.finding", "Finding"),
    pgettext("risk.rating", "Rating (probability × impact)"),
    pgettext("risk.fix", "What fixes it"),
)


class CatalogError(ContractgenError):
    """The compiled Chinese catalog is missing or incomplete: an installation fault (exit 1)."""


_HOW_TO_COMPILE = ("compile it in the checkout with `pybabel compile -d translations -D messages` "
                   "(or rerun scripts/setup.sh); an installed wheel carries it already")


class _Missing(NullTranslations):
    """Fallback of the catalog: records what it lacks instead of answering in English."""

    def __init__(self):
        super().__init__()
        self.keys: list[str] = []

    def pgettext(self, context, message):
        self.keys.append(context)
        return message


def _load() -> dict[str, Text]:
    mo = data_path("translations", LOCALE, "LC_MESSAGES", f"{DOMAIN}.mo")
    try:
        with mo.open("rb") as fp:
            catalog = Translations(fp, domain=DOMAIN)
    except FileNotFoundError:
        raise CatalogError(f"the compiled Chinese label catalog {mo} is missing; {_HOW_TO_COMPILE}") from None
    missing = _Missing()
    catalog.add_fallback(missing)
    texts = {key: Text(english, catalog.pgettext(key, english)) for key, english in _MESSAGES}
    if missing.keys:
        raise CatalogError(
            f"{mo} has no Chinese for {', '.join(missing.keys)}: translate them in "
            f"translations/{LOCALE}/LC_MESSAGES/{DOMAIN}.po, then {_HOW_TO_COMPILE}")
    return texts


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
        texts = _load()
        globals().update(LABELS=_labels(texts), ARTICLE=texts["article"])
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
