"""Values computed from the answers once, for every clause and table: totals, deposit, labels."""
from __future__ import annotations

import math
from dataclasses import asdict
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision

from . import aql
from .interview import Interview
from .model import Text

DERIVED_NAMES = frozenset({"lines", "total_amount", "total_quantity", "deposit_amount", "balance_percent",
                           "balance_amount", "late_penalty_cap_amount", "label", "term"})


def round_money(amount: Decimal, currency: str) -> Decimal:
    return amount.quantize(Decimal(1).scaleb(-get_currency_precision(currency)), rounding=ROUND_HALF_UP)


def _percent_of(total: Decimal, percent, currency: str) -> Decimal:
    return round_money(total * Decimal(percent) / 100, currency)


def derive(answers: dict, interview: Interview) -> dict:
    """The derived values named in docs/formats.md. Missing inputs leave the value out (a document that
    does not need products has no totals), and a clause that uses it fails loudly at render time."""
    out: dict = {"label": _labels(answers, interview)}
    currency = answers.get("currency")
    products = answers.get("products")
    if currency and products:
        lines = []
        quality = answers.get("quality") or {}
        for number, product in enumerate(products, start=1):
            amount = round_money(Decimal(product["quantity"]) * Decimal(product["unit_price"]), currency)
            line = {**product, "number": number, "amount": amount}
            if quality.get("aql") and quality.get("inspection") != "none":
                line["aql"] = _aql_plan(product["quantity"], quality)
            lines.append(line)
        total = sum((line["amount"] for line in lines), Decimal(0))
        out.update(lines=lines, total_amount=total,
                   total_quantity=sum((Decimal(p["quantity"]) for p in products), Decimal(0)))
        payment = answers.get("payment") or {}
        if "deposit_percent" in payment:
            deposit = _percent_of(total, payment["deposit_percent"], currency)
            out.update(deposit_amount=deposit, balance_percent=100 - payment["deposit_percent"],
                       balance_amount=total - deposit)
        cap = (answers.get("delivery") or {}).get("late_penalty_cap_percent")
        if cap is not None:
            out["late_penalty_cap_amount"] = _percent_of(total, cap, currency)
    return out


def _aql_plan(quantity: Decimal, quality: dict) -> dict:
    """The line's sampling plan; each order line is its own inspection lot."""
    levels = quality["aql"]
    plan = aql.plan(math.ceil(quantity), levels["critical"], levels["major"], levels["minor"],
                    quality.get("inspection_level", "II"))
    return asdict(plan)


def _labels(answers: dict, interview: Interview) -> dict:
    """label.<path>.en / .zh for every choice answered, e.g. label.delivery.incoterm.zh."""
    labels: dict = {}
    for _, q in interview.questions():
        if q.type != "choice":
            continue
        value = answers
        for part in q.path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        choice = q.choice(value)
        if choice is None:
            continue
        node = labels
        for part in q.path.split("."):
            node = node.setdefault(part, {})
        node.update(en=choice.label.en, zh=choice.label.zh)
    return labels


def clause_context(answers: dict, interview: Interview, term: Text) -> dict:
    """What clause text is rendered with: the answers, the derived values, and `term`, what the document
    calls itself (`this {{ term.en }}` / `本{{ term.zh }}`), so one clause serves every document."""
    derived = {**derive(answers, interview), "term": {"en": term.en, "zh": term.zh}}
    clash = DERIVED_NAMES & answers.keys()
    if clash:
        raise ValueError(f"answers use reserved names {sorted(clash)}")
    return {**answers, **derived}
