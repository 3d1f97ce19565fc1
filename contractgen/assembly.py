"""Assemble a Document: select the clauses, render both languages, number them, and add the parties,
product table, signature block and audit manifest. Everything a renderer prints is decided here."""
from __future__ import annotations

from babel import Locale

from . import labels
from .clauses import ClauseLibrary
from .definitions import DocumentDefinition
from .derived import clause_context
from .filters import amount_in_words, format_amount, format_date_long, format_money, format_number
from .interview import Interview
from .manifest import document_manifest
from .model import Clause, Document, Party, ProductRow, ProductTable, Section, Signatory, Text
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


def _labelled(key: str, value: Text | str) -> Text:
    label = labels.LABELS[key]
    value = value if isinstance(value, Text) else Text(value, value)
    return Text(f"{label.en}: {value.en}", f"{label.zh}：{value.zh}")


def _country(code: str) -> Text:
    return Text(Locale("en").territories.get(code, code), Locale("zh").territories.get(code, code))


def parties(answers: dict) -> tuple[Party, ...]:
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
        Party(labels.LABELS["party.buyer"], Text(buyer.get("name_en", ""), buyer.get("name_zh", "")),
              Text(buyer.get("address_en", ""), buyer.get("address_zh", "")), tuple(buyer_details)),
        Party(labels.LABELS["party.seller"], Text(supplier.get("name_en", ""), supplier.get("name_zh", "")),
              Text(supplier.get("address_en", ""), supplier.get("address_zh", "")), tuple(supplier_details)),
    )


def signatories(party_list: tuple[Party, ...]) -> tuple[Signatory, ...]:
    lines = (labels.LABELS["signature.signature"], labels.LABELS["signature.name"],
             labels.LABELS["signature.chop"], labels.LABELS["signature.date"])
    return tuple(Signatory(p.role, p.name, lines) for p in party_list)


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


def assemble(definition: DocumentDefinition, answers: dict, interview: Interview, library: ClauseLibrary) -> Document:
    context = clause_context(answers, interview, definition.term)
    sections: list[Section] = []
    used = []
    for number, selected in enumerate(select(definition, library, context), start=1):
        clauses = []
        single = len(selected.clauses) == 1
        for index, clause in enumerate(selected.clauses, start=1):
            used.append(clause)
            clauses.append(Clause(
                id=clause.id, version=clause.version, number="" if single else f"{number}.{index}",
                title=clause.title, paragraphs_en=clause.render("en", context),
                paragraphs_zh=clause.render("zh", context)))
        table = product_table(context) if selected.table == "products" else None
        sections.append(Section(number, article_heading(number, selected.definition.title), tuple(clauses), table))
    party_list = parties(answers)
    contract = answers.get("contract") or {}
    return Document(
        kind=definition.id, title=definition.title, reference=str(contract.get("number", "")),
        date=contract["date"].isoformat() if contract.get("date") else "1980-01-01",
        heading_lines=heading_lines(answers), parties=party_list, sections=tuple(sections),
        signatories=signatories(party_list), labels=dict(labels.LABELS),
        manifest=document_manifest(definition.id, answers, used, library.sha256))
