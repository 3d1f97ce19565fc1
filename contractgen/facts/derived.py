"""Values computed from the answers once, for every clause and table: totals, deposit, labels."""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import get_timezone_location
from babel.numbers import get_currency_precision

from . import aql
from .calendar import date_text, holidays_between, in_range, new_years_between
from .compliance import category_checks, requirements
from .plan import inspection_cost, inspection_plan
from .registration import place_name, region_matches_address, registration
from ..core.errors import Problem
from ..core.messages import as_typed, message
from ..core.text import Text
from ..interview.definitions import Interview

DERIVED_NAMES = frozenset({"lines", "total_amount", "total_quantity", "deposit_amount", "balance_percent",
                           "balance_amount", "late_penalty_cap_amount", "label", "term", "party", "document",
                           "work_overlap", "risk", "stage_amount", "tooling_daily_sum", "production_days",
                           "registration", "calendar", "compliance", "inspection_plan", "deposit_term"})
# Derived values that are mappings, and the keys under them a clause may use (docs/formats.md).
DERIVED_FIELDS = {
    "work_overlap": frozenset({"buyer_time_zone", "buyer_zone_en", "buyer_zone_zh", "china_time_zone", "minutes", "hours", "buyer_from", "buyer_to",
                               "china_from", "china_to", "china_day_offset", "supplier_start_local",
                               "supplier_end_local", "buyer_utc_offset", "china_utc_offset", "hours_apart",
                               "china_is_ahead", "shifts"}),
    "risk": frozenset({"verdict", "verdict_text", "count", "counts", "findings", "unverified", "notes", "checks"}),
    "registration": frozenset({"code", "authority", "entity_type", "individual_business", "division_code",
                               "division", "exact", "source", "address_place", "matches_address"}),
    "calendar": frozenset({"start", "end", "new_years", "holidays"}),
    "compliance": frozenset({"market", "requirements"}),
    "inspection_plan": frozenset({"inspections", "cost"}),
    "deposit_term": frozenset({"en", "zh"}),
}
# The supplier's clock: all of mainland China keeps Beijing time (UTC+8, no daylight saving time).
CHINA_TIME_ZONE = "Asia/Shanghai"


MAX_TOTAL = Decimal(10) ** 15  # amounts in words go below 10^16; no real order comes near either


_TOTAL_BELOW = message("expected.total_below", "an order total (quantity × unit price, all lines) below {limit}")


# What this order calls the money the buyer pays first (design.md invariant 8, the glossary): the deposit
# clause makes it an advance payment (预付款) or earnest money (定金, Civil Code Arts. 586–588); with no
# deposit it is the first payment (第一笔款项). Every checklist line, risk text and verdict that speaks of
# the order's own deposit takes its word from here (derived value `deposit_term`, text fact {deposit}).
DEPOSIT_TERMS = {
    "advance": message("term.deposit.advance", "deposit"),
    "earnest": message("term.deposit.earnest", "earnest money"),
    # TRANSLATORS: an order with no deposit: the first money the buyer pays (the balance, or a staged payment)
    "none": message("term.deposit.none", "first payment"),
}


def deposit_kind(payment) -> str:
    """`none` (deposit_percent 0), `earnest` or `advance`: which of DEPOSIT_TERMS names the order's first
    payment. An order whose payment terms are not known (an NNN) is read as the interview's default."""
    payment = payment if isinstance(payment, dict) else {}
    if payment.get("deposit_percent") == 0:
        return "none"
    return "earnest" if payment.get("deposit_kind") == "earnest" else "advance"


def deposit_term(payment) -> Text:
    """The word for the order's deposit in each language: deposit / 预付款, earnest money / 定金, or
    first payment / 第一笔款项."""
    return DEPOSIT_TERMS[deposit_kind(payment)]()


def total_problem(answers: dict, source: str) -> Problem | None:
    """An order whose total (quantity × unit price over every line) is beyond what a contract can
    state; each number alone is within bounds (number_text), their products and sum may not be."""
    products = answers.get("products")
    if not isinstance(products, list) or not all(
            isinstance(p, dict) and isinstance(p.get("quantity"), Decimal) and isinstance(p.get("unit_price"), Decimal)
            for p in products):
        return None
    total = sum((p["quantity"] * p["unit_price"] for p in products), Decimal(0))
    if total < MAX_TOTAL:
        return None
    return Problem(source, "products", _TOTAL_BELOW(limit=f"{MAX_TOTAL:,}"), as_typed(f"{total:,.0f}"))


def round_money(amount: Decimal, currency: str) -> Decimal:
    return amount.quantize(Decimal(1).scaleb(-get_currency_precision(currency)), rounding=ROUND_HALF_UP)


def _percent_of(total: Decimal, percent, currency: str) -> Decimal:
    return round_money(total * Decimal(percent) / 100, currency)


def derive(answers: dict, interview: Interview) -> dict:
    """The derived values named in docs/formats.md. Missing inputs leave the value out (a document that
    does not need products has no totals), and a clause that uses it fails loudly at render time."""
    out: dict = {"label": _labels(answers, interview)}
    # only answers this interview validated: a spreadsheet row for an NNN still carries unchecked text
    # in its product and payment columns
    asked = {q.path for _, q in interview.questions()}
    currency = answers.get("currency") if "currency" in asked else None
    products = answers.get("products") if "products" in asked else None
    if currency and products:
        lines = []
        quality = (answers.get("quality") or {}) if "quality.inspection" in asked else {}
        for number, product in enumerate(products, start=1):
            amount = round_money(Decimal(product["quantity"]) * Decimal(product["unit_price"]), currency)
            line = {**product, "number": number, "amount": amount}
            if quality.get("aql") and quality.get("inspection") != "none":
                line["aql"] = _aql_plan(product["quantity"], quality)
            line["checks"] = [asdict(t) for t in category_checks(product.get("category"))]
            category = _item_choice(interview, "products", "category", product.get("category"))
            if category is not None:
                line["category_label"] = {"en": category.en, "zh": category.zh}
            lines.append(line)
        total = sum((line["amount"] for line in lines), Decimal(0))
        out.update(lines=lines, total_amount=total,
                   total_quantity=sum((Decimal(p["quantity"]) for p in products), Decimal(0)))
        payment = answers.get("payment") or {}
        if "deposit_percent" in payment and "payment.deposit_percent" in asked:
            deposit = _percent_of(total, payment["deposit_percent"], currency)
            # a staged second payment (payment.stage_trigger) comes out of the balance
            staged = payment.get("stage_trigger") not in (None, "none") and "stage_percent" in payment
            stage_percent = payment["stage_percent"] if staged else 0
            stage = _percent_of(total, stage_percent, currency)
            out.update(deposit_amount=deposit, balance_percent=100 - payment["deposit_percent"] - stage_percent,
                       balance_amount=total - deposit - stage)
            if staged:
                out["stage_amount"] = stage
        cap = (answers.get("delivery") or {}).get("late_penalty_cap_percent")
        if cap is not None and "delivery.late_penalty_cap_percent" in asked:
            out["late_penalty_cap_amount"] = _percent_of(total, cap, currency)
    payment = answers.get("payment")
    if "payment.deposit_percent" in asked and isinstance(payment, dict) and "deposit_percent" in payment:
        out["deposit_term"] = asdict(deposit_term(payment))
    out.update(_tooling_daily(answers, asked, out, currency))
    overlap = work_overlap(answers) if "communication.buyer_time_zone" in asked else None
    if overlap is not None:
        out["work_overlap"] = overlap
    out.update(_order_facts(answers, asked))
    return out


def _item_choice(interview: Interview, list_path: str, item_path: str, value) -> Text | None:
    """The label of a list item's choice answer, e.g. a product line's category."""
    question = interview.question(list_path)
    item = next((q for q in question.item if q.path == item_path), None) if question else None
    choice = item.choice(value) if item is not None and value is not None else None
    return choice.label if choice else None


def _order_facts(answers: dict, asked: set[str]) -> dict:
    """The supplier's registration read from its USCC, the calendar of the order's dates, the
    compliance its products owe and the inspection plan: each only when the interview asks its inputs."""
    out: dict = {}
    supplier = answers.get("supplier") or {}
    found = registration(supplier.get("uscc")) if "supplier.uscc" in asked else None
    if found is not None:
        out["registration"] = {
            "code": found.code, "authority": asdict(found.authority), "entity_type": asdict(found.entity_type),
            "individual_business": found.individual_business, "division_code": found.division_code,
            "division": found.division, "exact": found.exact, "source": asdict(found.source),
            "address_place": place_name(supplier.get("address_zh")),
            "matches_address": region_matches_address(found.code, supplier.get("address_zh"))}
    market = (answers.get("delivery") or {}).get("destination_market")
    products = answers.get("products")
    if "delivery.destination_market" in asked and market and isinstance(products, list):
        out["compliance"] = {"market": market, "requirements": requirements(
            [p.get("category") if isinstance(p, dict) else None for p in products], market)}
    signed = (answers.get("contract") or {}).get("date")
    ship_by = (answers.get("delivery") or {}).get("ship_by") if "delivery.ship_by" in asked else None
    if not isinstance(signed, dt.date) or not in_range(signed):
        return out
    # the order's window: signing to the latest shipment, or a year when the interview asks no dates
    end = ship_by if isinstance(ship_by, dt.date) and ship_by >= signed else signed + dt.timedelta(days=365)
    if in_range(end):
        out["calendar"] = {
            "start": signed, "end": end,
            "new_years": [{"date": w.new_year, "shutdown_start": w.shutdown_start, "shutdown_end": w.shutdown_end,
                           "shortage_end": w.shortage_end, "ship_before": w.ship_before, "plan_after": w.plan_after}
                          for w in new_years_between(signed, end)],
            "holidays": [{"id": h.id, "name": asdict(h.name), "first": h.first, "last": h.last,
                          "dates": asdict(_span(h.first, h.last))} for h in holidays_between(signed, end)]}
    if isinstance(ship_by, dt.date) and signed <= ship_by and in_range(ship_by):
        out["inspection_plan"] = {
            "inspections": [{**item, "date_text": asdict(date_text(item["date"])),
                             "book_by_text": asdict(date_text(item["book_by"]))}
                            for item in inspection_plan(signed, ship_by)],
            "cost": inspection_cost()}
    return out


def _span(first: dt.date, last: dt.date) -> Text:
    start, end = date_text(first), date_text(last)
    return Text(f"{start.en} – {end.en}", f"{start.zh}至{end.zh}")
def _tooling_daily(answers: dict, asked: set, out: dict, currency: str | None) -> dict:
    """`production_days`: contract date to latest shipment date; `tooling_daily_sum`: what the supplier
    pays for each day it keeps buyer-owned tooling past the return deadline. The answer
    tooling.non_return_daily when given; otherwise tied to the buyer's loss, not to the tool's price:
    the order's value over its production days (what a day without the tooling costs the buyer in
    output), rounded to the currency's minor unit. Absent when neither can be had (a manufacturing
    agreement built alone has no order)."""
    found: dict = {}
    contract_date = (answers.get("contract") or {}).get("date")
    ship_by = (answers.get("delivery") or {}).get("ship_by")
    if "delivery.ship_by" in asked and isinstance(contract_date, dt.date) and isinstance(ship_by, dt.date) \
            and ship_by > contract_date:
        found["production_days"] = (ship_by - contract_date).days
    tooling = answers.get("tooling") if "tooling.owner" in asked else None
    if not isinstance(tooling, dict) or tooling.get("owner") != "buyer":
        return found
    if tooling.get("non_return_daily") is not None:
        found["tooling_daily_sum"] = Decimal(tooling["non_return_daily"])
    elif currency and "total_amount" in out and found.get("production_days"):
        found["tooling_daily_sum"] = round_money(out["total_amount"] / found["production_days"], currency)
    return found


def _clock(text: str) -> dt.time:
    hours, minutes = str(text).split(":")
    return dt.time(int(hours), int(minutes))


def _plain_decimal(value: Decimal) -> Decimal:
    """1.50 -> 1.5 and 10.00 -> 10 (never 1E+1, which normalize() would make of 10)."""
    value = value.normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def _utc_offset(moment: dt.datetime) -> str:
    """UTC−8, UTC+8, UTC+5:30: how a reader compares two clocks."""
    minutes = int(moment.utcoffset().total_seconds() // 60)
    sign = "+" if minutes >= 0 else "\u2212"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def work_overlap(answers: dict) -> dict | None:
    """When the buyer's and the factory's working hours overlap on the contract date, each on its own
    clock (zoneinfo: the buyer's IANA zone, the factory's Asia/Shanghai). The overlap is the longest
    stretch the buyer's working day on that date shares with a factory working day (the day before,
    the same day or the day after in China). None when an input is missing."""
    communication = answers.get("communication") or {}
    zone = communication.get("buyer_time_zone")
    date = (answers.get("contract") or {}).get("date")
    buyer_hours = communication.get("buyer_hours") or {}
    supplier_hours = communication.get("supplier_hours") or {}
    if not zone or not isinstance(date, dt.date) or not all(
            isinstance(h.get(k), str) for h in (buyer_hours, supplier_hours) for k in ("start", "end")):
        return None
    try:
        buyer_tz, china_tz = ZoneInfo(zone), ZoneInfo(CHINA_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return None

    def window(day: dt.date, hours: dict, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
        return tuple(dt.datetime.combine(day, _clock(hours[key]), tz) for key in ("start", "end"))

    buyer_start, buyer_end = window(date, buyer_hours, buyer_tz)
    best = None
    for shift in (-1, 0, 1):
        start, end = window(date + dt.timedelta(days=shift), supplier_hours, china_tz)
        low, high = max(buyer_start, start), min(buyer_end, end)
        if high > low and (best is None or high - low > best[1] - best[0]):
            best = (low, high)
    china_start, china_end = window(date, supplier_hours, china_tz)
    hours_apart = Decimal(int((china_start.utcoffset() - buyer_start.utcoffset()).total_seconds() // 60)) / 60
    january, july = (dt.datetime(date.year, month, 15, 12, tzinfo=buyer_tz) for month in (1, 7))
    out = {
        "buyer_time_zone": zone,
        # the zone as people say it, from CLDR: "Germany (Berlin) Time" / "德国（柏林）时间"
        "buyer_zone_en": get_timezone_location(zone, locale="en"),
        "buyer_zone_zh": get_timezone_location(zone, locale="zh_CN"),
        "china_time_zone": CHINA_TIME_ZONE,
        "minutes": 0,
        "hours": Decimal(0),
        "supplier_start_local": china_start.astimezone(buyer_tz).strftime("%H:%M"),
        "supplier_end_local": china_end.astimezone(buyer_tz).strftime("%H:%M"),
        "buyer_utc_offset": _utc_offset(buyer_start),
        "china_utc_offset": _utc_offset(china_start),
        "hours_apart": _plain_decimal(abs(hours_apart)),
        "china_is_ahead": hours_apart > 0,
        "shifts": january.utcoffset() != july.utcoffset(),  # the buyer's clocks change, China's do not
    }
    if best is not None:
        low, high = best
        minutes = int((high - low).total_seconds() // 60)
        buyer_low, china_low = low.astimezone(buyer_tz), low.astimezone(china_tz)
        out.update(minutes=minutes, hours=_plain_decimal((Decimal(minutes) / 60).quantize(Decimal("0.01"))),
                   buyer_from=buyer_low.strftime("%H:%M"), buyer_to=high.astimezone(buyer_tz).strftime("%H:%M"),
                   china_from=china_low.strftime("%H:%M"), china_to=high.astimezone(china_tz).strftime("%H:%M"),
                   china_day_offset=(china_low.date() - buyer_low.date()).days)
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
