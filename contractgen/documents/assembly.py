"""Assemble a Document: select the clauses, render both languages, number them, and add the parties,
product table, signature block and audit manifest. Everything a renderer prints is decided here."""
from __future__ import annotations

import re

from babel import Locale

from . import labels
from ..library.clauses import ClauseLibrary
from ..library.definitions import DocumentDefinition
from ..risk.assess import BAND_TEXT, band
from .context import OrderContext
from ..core.errors import LibraryError
from ..library.filters import amount_in_words, format_amount, format_aql, format_date_long, format_money, format_number
from .manifest import document_manifest
from ..core.text import Text
from .model import Clause, Document, Party, ProductRow, ProductTable, Section, Signatory, Table
from .selection import select

_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一: article numbers as PRC contracts write them (第二十一条)."""
    if not 0 < n < 100:
        raise ValueError(f"article number {n} out of range 1–99")
    tens, units = divmod(n, 10)
    text = ("" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十"))
    return text + (_DIGITS[units] if units else "")


def article_heading(number: int, title: Text) -> Text:
    en = labels.ARTICLE.en % {"number": number}
    zh = labels.ARTICLE.zh % {"number": chinese_numeral(number)}
    return Text(f"{en} {title.en}", f"{zh} {title.zh}")


def numbered_heading(number: int, title: Text) -> Text:
    """A checklist's section: "3. Samples" / "三、样品" (no "Article": a checklist is not a contract)."""
    return Text(f"{number}. {title.en}", f"{chinese_numeral(number)}、{title.zh}")


def _labelled(key: str, value: Text | str) -> Text:
    label = labels.LABELS[key]
    value = value if isinstance(value, Text) else Text(value, value)
    return Text(f"{label.en}: {value.en}", f"{label.zh}：{value.zh}")


def _country(code: str) -> Text:
    return Text(Locale("en").territories.get(code, code), Locale("zh").territories.get(code, code))


def parties(answers: dict, roles: tuple[Text, Text] | None = None) -> tuple[Party, ...]:
    buyer_role, seller_role = roles or (labels.LABELS["party.buyer"], labels.LABELS["party.seller"])
    buyer, supplier = answers.get("buyer") or {}, answers.get("supplier") or {}
    buyer_details = [_labelled("party.country", _country(buyer["country"]))] if buyer.get("country") else []
    if buyer.get("representative"):
        buyer_details.append(_labelled("party.representative", buyer["representative"]))
    if buyer.get("email"):
        buyer_details.append(_labelled("party.email", buyer["email"]))
    supplier_details = [_labelled("party.uscc", supplier["uscc"])] if supplier.get("uscc") else []
    if supplier.get("legal_representative"):
        supplier_details.append(_labelled("party.legal_representative", supplier["legal_representative"]))
    contact = supplier.get("contact") or {}
    contact_line = ", ".join(str(contact[k]) for k in ("name", "phone", "email") if contact.get(k))
    if contact_line:
        supplier_details.append(_labelled("party.contact", contact_line))
    return (
        Party(buyer_role, Text(buyer.get("name_en", ""), buyer.get("name_zh", "")),
              Text(buyer.get("address_en", ""), buyer.get("address_zh", "")), tuple(buyer_details)),
        Party(seller_role, Text(supplier.get("name_en", ""), supplier.get("name_zh", "")),
              Text(supplier.get("address_en", ""), supplier.get("address_zh", "")), tuple(supplier_details)),
    )


def signatories(party_list: tuple[Party, ...]) -> tuple[Signatory, ...]:
    lines = (labels.LABELS["signature.signature"], labels.LABELS["signature.name"],
             labels.LABELS["signature.chop"], labels.LABELS["signature.date"])
    return tuple(Signatory(p.role, p.name, lines) for p in party_list)


def acknowledgement_signatories(party_list: tuple[Party, ...]) -> tuple[Signatory, ...]:
    """Each party's representative signs and dates; no company chop (a working arrangement)."""
    lines = (labels.LABELS["signature.signature"], labels.LABELS["signature.name"], labels.LABELS["signature.date"])
    return tuple(Signatory(p.role, p.name, lines) for p in party_list)


def checker_signatories(answers: dict) -> tuple[Signatory, ...]:
    """A checklist is the buyer's own working paper, signed off by two people of the buyer (no chop): the
    one who did the checks (name, signature, date) and the buyer's representative, who approves the step
    it clears, such as the deposit (signature, date). Two people, so no one alone releases a payment."""
    buyer = answers.get("buyer") or {}
    company = Text(buyer.get("name_en", ""), buyer.get("name_zh", ""))
    representative = str(buyer.get("representative", ""))
    checker = (labels.LABELS["check.name"], labels.LABELS["check.signature"], labels.LABELS["signature.date"])
    approver = (labels.LABELS["check.signature"], labels.LABELS["signature.date"])
    return (Signatory(labels.LABELS["check.checked_by"], company, checker),
            Signatory(labels.LABELS["check.approved_by"], Text(representative, representative), approver))


def product_table(context: dict) -> ProductTable:
    currency = context["currency"]
    rows = tuple(
        ProductRow(number=line["number"], sku=line["sku"],
                   description=Text(line["description_en"], line["description_zh"]),
                   specification=Text(line.get("specification_en", ""), line.get("specification_zh", "")),
                   quantity=format_number(line["quantity"]), unit=line.get("unit", ""),
                   unit_price=format_amount(line["unit_price"], currency),
                   amount=format_amount(line["amount"], currency), hs_code=line.get("hs_code", ""))
        for line in context["lines"])
    total = context["total_amount"]
    return ProductTable(
        currency=currency, rows=rows, total_quantity=format_number(context["total_quantity"]),
        total_amount=Text(format_money(total, currency, "en"), format_money(total, currency, "zh")),
        total_words=Text(amount_in_words(total, currency, "en"), amount_in_words(total, currency, "zh")))


# --- checklist tables: each builder takes the clause context and returns the section's tables -------------


def _same(value) -> Text:
    return Text(str(value), str(value))


_EMPTY = Text("", "")


def findings_matrix(context: dict) -> tuple[Table, ...]:
    """The 3 × 3 risk matrix: probability rows (high at the top), impact columns (low at the left); each
    cell names its band and score, then the findings in it by their number in the findings table."""
    findings = context["risk"]["findings"]
    rows = []
    for probability, heading in ((3, labels.LABELS["risk.probability_high"]),
                                 (2, labels.LABELS["risk.probability_medium"]),
                                 (1, labels.LABELS["risk.probability_low"])):
        cells = [heading]
        for impact in (1, 2, 3):
            score = probability * impact
            name = BAND_TEXT[band(score)]
            here = [f for f in findings if (f["probability"], f["impact"]) == (probability, impact)]
            listed = {lang: [f"{f['number']}. {f['title'][lang]}" for f in here] for lang in ("en", "zh")}
            cells.append(Text("\n".join([f"{name.en} · {score}", *listed["en"]]),
                              "\n".join([f"{name.zh} · {score}分", *listed["zh"]])))
        rows.append(tuple(cells))
    columns = (labels.LABELS["risk.axes"], labels.LABELS["risk.impact_low"], labels.LABELS["risk.impact_medium"],
               labels.LABELS["risk.impact_high"])
    return (Table(labels.LABELS["risk.matrix"], columns, tuple(rows), (3, 4, 4, 4)),)


def findings_table(context: dict) -> tuple[Table, ...]:
    """Every finding, highest risk first: what it is, its rating, what fixes it, and a box to tick."""
    findings = context["risk"]["findings"]
    if not findings:
        return ()
    rows = tuple(
        (_same(f["number"]), Text(f["title"]["en"], f["title"]["zh"]),
         Text(f"{f['band_text']['en']} · {f['score']} = {f['probability']} × {f['impact']}",
              f"{f['band_text']['zh']} · {f['score']}分 = {f['probability']} × {f['impact']}"),
         Text(f["fix"]["en"], f["fix"]["zh"]), _same("☐"))
        for f in findings)
    columns = (labels.LABELS["table.no"], labels.LABELS["risk.finding"], labels.LABELS["risk.rating"],
               labels.LABELS["risk.fix"], labels.LABELS["check.done"])
    return (Table(labels.LABELS["risk.findings"], columns, rows, (2, 7, 5, 14, 2)),)


def _tidy(text: str) -> str:
    """No space before a comma or full stop (a line without a unit leaves one in a caption)."""
    return re.sub(r"\s+([,.，。])", r"\1", text)


def aql_plan_tables(context: dict) -> tuple[Table, ...]:
    """One table per product line with its ISO 2859-1 plan (`lines[].aql`, contractgen/facts/aql.py): per
    defect class the AQL, sample size, Ac and Re, and boxes for what the inspector found. None when
    the order has no inspection (the checklist's clauses say so)."""
    caption = labels.LABELS["aql.caption"]
    classes = (("critical", labels.LABELS["aql.critical"]), ("major", labels.LABELS["aql.major"]),
               ("minor", labels.LABELS["aql.minor"]))
    columns = (labels.LABELS["aql.class"], labels.LABELS["aql.aql"], labels.LABELS["aql.sample_size"],
               labels.LABELS["aql.accept"], labels.LABELS["aql.reject"], labels.LABELS["aql.found"],
               labels.LABELS["check.result"])
    tables = []
    for line in context.get("lines") or ():
        plan = line.get("aql")
        if not plan:
            continue
        values = {"number": line["number"], "sku": line["sku"], "lot": format_number(plan["lot_size"]),
                  "unit": line.get("unit", ""), "level": plan["level"], "code": plan["code"]}
        title = Text(_tidy(caption.en % {**values, "description": line["description_en"]}),
                     _tidy(caption.zh % {**values, "description": line["description_zh"]}))
        rows = tuple((name, _same(format_aql(plan[key]["aql"])), _same(format_number(plan[key]["sample_size"])),
                      _same(plan[key]["accept"]), _same(plan[key]["reject"]), _EMPTY, labels.LABELS["check.pass_fail"])
                     for key, name in classes)
        tables.append(Table(title, columns, rows, (4, 2, 3, 3, 3, 3, 4)))
    return tuple(tables)


def spec_check_table(context: dict) -> tuple[Table, ...]:
    """What the inspector compares with the order: each line's specification, material, dimensions,
    tolerances, colour and finish, then the packing and carton marks; a point the order leaves open says
    so (a generic or missing specification is how cheaper materials slip in)."""
    missing = labels.LABELS["spec.not_specified"]

    def required(source: dict, en: str, zh: str) -> Text:
        value = source.get(en)
        return Text(str(value), str(source.get(zh) or value)) if value else missing

    rows = []
    for line in context.get("lines") or ():
        points = ((labels.LABELS["spec.specification"], required(line, "specification_en", "specification_zh")),
                  (labels.LABELS["spec.material"], required(line, "material_en", "material_zh")),
                  (labels.LABELS["spec.dimensions"], required(line, "dimensions", "dimensions")),
                  (labels.LABELS["spec.tolerance"], required(line, "tolerance", "tolerance")),
                  (labels.LABELS["spec.colour"], required(line, "colour_reference", "colour_reference")),
                  (labels.LABELS["spec.finish"], required(line, "finish_en", "finish_zh")))
        for index, (point, value) in enumerate(points):
            where = _same(f"{line['number']} · {line['sku']}") if index == 0 else _EMPTY
            rows.append((where, point, value, labels.LABELS["check.ok_not_ok"], _EMPTY))
    packaging = context.get("packaging") or {}
    points = ((labels.LABELS["spec.packing"], required(packaging, "description_en", "description_zh")),
              (labels.LABELS["spec.marking"], required(packaging, "marking_en", "marking_zh")))
    for index, (point, value) in enumerate(points):
        rows.append((labels.LABELS["check.all_lines"] if index == 0 else _EMPTY, point, value,
                     labels.LABELS["check.ok_not_ok"], _EMPTY))
    columns = (labels.LABELS["check.line"], labels.LABELS["check.point"], labels.LABELS["check.required"],
               labels.LABELS["check.result"], labels.LABELS["check.remarks"])
    return (Table(labels.LABELS["spec.caption"], columns, tuple(rows), (3, 3, 8, 3, 3)),)


# `table: <name>` in a document definition: "products" is the ProductTable; these build generic Tables.
TABLE_BUILDERS = {
    "findings_matrix": findings_matrix,
    "findings": findings_table,
    "aql_plans": aql_plan_tables,
    "spec_checks": spec_check_table,
}
TABLES = frozenset({"products", *TABLE_BUILDERS})


def heading_lines(answers: dict) -> tuple[Text, ...]:
    contract = answers.get("contract") or {}
    lines = [_labelled("contract_no", contract.get("number", ""))]
    if contract.get("date"):
        lines.append(_labelled("date", Text(format_date_long(contract["date"], "en"),
                                            format_date_long(contract["date"], "zh"))))
    if contract.get("place_of_signing"):
        lines.append(_labelled("place_of_signing", Text(contract["place_of_signing"],
                                                        contract.get("place_of_signing_zh") or contract["place_of_signing"])))
    return tuple(lines)


def assemble(definition: DocumentDefinition, order: OrderContext, library: ClauseLibrary) -> Document:
    answers, context = order.answers, order.for_document(definition.term, definition.roles, definition.id)
    kept = []
    for selected in select(definition, library, context):
        unknown = [name for name in selected.tables if name not in TABLES]
        if unknown:
            raise LibraryError(f"{definition.file}: unknown table {unknown[0]!r} "
                               f"(tables are: {', '.join(sorted(TABLES))})")
        products = product_table(context) if "products" in selected.tables else None
        tables = tuple(t for name in selected.tables if name != "products" for t in TABLE_BUILDERS[name](context))
        if selected.clauses or products or tables:  # a section whose tables come out empty falls away
            kept.append((selected, products, tables))
    sections: list[Section] = []
    used = []
    for number, (selected, products, tables) in enumerate(kept, start=1):
        clauses = []
        single = len(selected.clauses) == 1
        for index, clause in enumerate(selected.clauses, start=1):
            used.append(clause)
            clauses.append(Clause(
                id=clause.id, version=clause.version, number="" if single else f"{number}.{index}",
                title=clause.title, paragraphs_en=clause.render("en", context),
                paragraphs_zh=clause.render("zh", context)))
        heading = (numbered_heading if definition.headings == "numbered" else article_heading)(
            number, selected.definition.title)
        sections.append(Section(number, heading, tuple(clauses), products, tables))
    party_list = parties(answers, definition.roles)
    signature_block = {"parties": lambda: signatories(party_list),
                       "acknowledgement": lambda: acknowledgement_signatories(party_list),
                       "buyer_check": lambda: checker_signatories(answers)}[definition.signatures]
    contract = answers.get("contract") or {}
    return Document(
        kind=definition.id, title=definition.title, reference=str(contract.get("number", "")),
        date=contract["date"].isoformat() if contract.get("date") else "1980-01-01",
        heading_lines=heading_lines(answers), parties=party_list, sections=tuple(sections),
        signatories=signature_block(), labels=dict(labels.LABELS),
        manifest=document_manifest(definition.id, answers, used, library.sha256))
