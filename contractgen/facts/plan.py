"""The order's inspection plan (reference/inspections.yaml) and how much money is at stake
(reference/stakes.yaml): when each inspection falls and is booked, what it costs, and the deposit's size
as an impact of 1 to 3."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .reference import reference


def _working_days_before(day: dt.date, n: int) -> dt.date:
    while n > 0:
        day -= dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def inspection_plan(signed: dt.date, ship_by: dt.date) -> list[dict]:
    """Each inspection with its date and the date to book it by, from the contract date and the latest
    shipment date: {id, en, zh, date, book_by}."""
    table = reference("inspections")
    start = signed + dt.timedelta(days=table["production_start_days"])
    plan = []
    for item in table["inspections"]:
        if "at_days" in item:
            day = start + dt.timedelta(days=item["at_days"])
        elif "at_fraction" in item:
            day = start + dt.timedelta(days=round(max((ship_by - start).days, 0) * item["at_fraction"]))
        else:
            day = ship_by - dt.timedelta(days=item["before_ship_days"])
        day = min(max(day, signed), ship_by)
        plan.append({"id": item["id"], "en": item["en"], "zh": item["zh"], "date": day,
                     "book_by": max(_working_days_before(day, table["book_days_ahead"]), signed)})
    return plan


def inspection_cost() -> dict:
    """{low, high, currency} per man-day."""
    return dict(reference("inspections")["cost_per_man_day"])


def stake_level(amount: Decimal | None, currency: str | None) -> int:
    """The impact of losing `amount` (the deposit): 1, 2 or 3. Unknown (no amount, a currency without a
    rate) is 3: unknown is not safe."""
    table = reference("stakes")
    rate = table["usd_per_unit"].get(currency or "")
    if amount is None or rate is None:
        return 3
    usd = Decimal(str(rate)) * Decimal(amount)
    if usd < table["levels"]["medium_from"]:
        return 1
    return 2 if usd < table["levels"]["high_from"] else 3
