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
from ..core.messages import message
from ..library.filters import amount_in_words, format_amount, format_aql, format_date_long, format_money, format_number
from .bilingual import check_document
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


# The party block defines the buyer's Chinese name once, when the order gives one; the clauses then say
# 买方 (or what the document calls the buyer). Without one, the Chinese uses the English legal name
# everywhere (answers/chinese.py).
DEFINED_NAME = Text("%(name_en)s", "%(name_zh)s（英文名称：%(name_en)s，以下简称“%(role)s”）")


def _buyer_name(buyer: dict, role: Text, defined: bool) -> Text:
    name = Text(buyer.get("name_en", ""), buyer.get("name_zh", ""))
    if not defined or not name.zh or not name.en or name.zh == name.en:
        return name
    values = {"name_en": name.en, "name_zh": name.zh, "role": role.zh}
    return Text(DEFINED_NAME.en % values, DEFINED_NAME.zh % values)


def parties(answers: dict, roles: tuple[Text, Text] | None = None, defined: bool = True) -> tuple[Party, ...]:
    """The party block, each party under the role the document gives it (买方 / 委托方); `defined`: the
    buyer's Chinese name with its definition (the signature block repeats the plain names)."""
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
    contact_line = Text(*(comma.join(str(contact[k]) for k in (name, "phone", "email") if contact.get(k))
                          for name, comma in (("name", ", "), ("name_zh", "，"))))
    if contact_line.en:
        supplier_details.append(_labelled("party.contact", contact_line))
    return (
        Party(buyer_role, _buyer_name(buyer, buyer_role, defined),
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
                   quantity=format_number(line["quantity"]),
                   unit=Text(line.get("unit", ""), line.get("unit_zh") or line.get("unit", "")),
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
            name = BAND_TEXT[band(score)]()
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
                  "level": plan["level"], "code": plan["code"]}
        unit_zh = line.get("unit_zh") or line.get("unit", "")
        title = Text(_tidy(caption.en % {**values, "unit": line.get("unit", ""), "description": line["description_en"]}),
                     _tidy(caption.zh % {**values, "unit": unit_zh, "description": line["description_zh"]}))
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
                  (labels.LABELS["spec.dimensions"], required(line, "dimensions", "dimensions_zh")),
                  (labels.LABELS["spec.tolerance"], required(line, "tolerance", "tolerance_zh")),
                  (labels.LABELS["spec.colour"], required(line, "colour_reference", "colour_reference_zh")),
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


# The words of the verdict's tables (issue 15), each a Message of the catalog.
VERDICT_TABLE_WORDS = {
    "verification": message("checklist.verification", "What has been verified"),
    "check": message("checklist.check", "Check"),
    "answer": message("checklist.answer", "Answer"),
    "not_verified": message("checklist.not_verified", "NOT VERIFIED: counts as a risk"),
    "inspection_plan": message("checklist.inspection_plan", "Inspection plan"),
    "inspection": message("checklist.inspection", "Inspection"),
    # TRANSLATORS: column of the inspection plan: the date an inspection is planned for
    "when": message("checklist.when", "On or about"),
    # TRANSLATORS: column of the inspection plan: the last day to book the inspector
    "book_by": message("checklist.book_by", "Book by"),
    "cost": message("checklist.cost", "Typical cost"),
    # TRANSLATORS: an inspection's typical cost; {currency} is a code (USD), {low} and {high} numbers
    "cost_value": message("checklist.cost_value", "{currency} {low}–{high} per man-day"),
    "category_checks": message("checklist.category_checks", "Tests for line {number} ({sku}), {category}"),
    "no_category": message("checklist.no_category", "no category given: general checks only"),
    "test": message("checklist.test", "Test"),
}


def verification_table(context: dict) -> tuple[Table, ...]:
    """Each verification question with the buyer's answer, or NOT VERIFIED, and a box to tick."""
    checks = context["risk"].get("checks") or []
    if not checks:
        return ()
    words = VERDICT_TABLE_WORDS
    not_verified = words["not_verified"]()
    rows = tuple((_same(number), Text(**c["label"]), Text(**c["answer"]) if c["answer"] else not_verified,
                  _same("☐")) for number, c in enumerate(checks, start=1))
    columns = (labels.LABELS["table.no"], words["check"](), words["answer"](), labels.LABELS["check.done"])
    return (Table(words["verification"](), columns, rows, (2, 12, 10, 2)),)


def inspection_plan_table(context: dict) -> tuple[Table, ...]:
    """The inspections of this order (derived `inspection_plan`): what, when, when to book, typical cost."""
    plan = context.get("inspection_plan")
    if not plan:
        return ()
    words, cost = VERDICT_TABLE_WORDS, plan["cost"]
    price = words["cost_value"](**cost)
    rows = tuple((Text(i["en"], i["zh"]), Text(**i["date_text"]), Text(**i["book_by_text"]), price)
                 for i in plan["inspections"])
    columns = (words["inspection"](), words["when"](), words["book_by"](), words["cost"]())
    return (Table(words["inspection_plan"](), columns, rows, (10, 4, 4, 5)),)


def category_check_tables(context: dict) -> tuple[Table, ...]:
    """One table per line: the tests its category calls for (derived `lines[].checks`), with boxes."""
    words, tables = VERDICT_TABLE_WORDS, []
    for line in context.get("lines") or ():
        name = Text(**line["category_label"]) if line.get("category_label") else words["no_category"]()
        title = words["category_checks"](number=line["number"], sku=line["sku"], category=name)
        rows = tuple((Text(**c), labels.LABELS["check.pass_fail"], _EMPTY) for c in line.get("checks") or ())
        columns = (words["test"](), labels.LABELS["check.result"], labels.LABELS["check.remarks"])
        tables.append(Table(title, columns, rows, (12, 4, 6)))
    return tuple(tables)


# `table: <name>` in a document definition: "products" is the ProductTable; these build generic Tables.
TABLE_BUILDERS = {
    "findings_matrix": findings_matrix,
    "findings": findings_table,
    "aql_plans": aql_plan_tables,
    "spec_checks": spec_check_table,
    "verification": verification_table,
    "inspection_plan": inspection_plan_table,
    "category_checks": category_check_tables,
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
    plain = lambda: parties(answers, definition.roles, defined=False)  # noqa: E731
    signature_block = {"parties": lambda: signatories(plain()),
                       "acknowledgement": lambda: acknowledgement_signatories(plain()),
                       "buyer_check": lambda: checker_signatories(answers)}[definition.signatures]
    contract = answers.get("contract") or {}
    return check_document(Document(
        kind=definition.id, title=definition.title, reference=str(contract.get("number", "")),
        date=contract["date"].isoformat() if contract.get("date") else "1980-01-01",
        heading_lines=heading_lines(answers), parties=party_list, sections=tuple(sections),
        signatories=signature_block(), labels=dict(labels.LABELS),
        manifest=document_manifest(definition.id, answers, used, library.sha256, order.documents)), order.strings)
