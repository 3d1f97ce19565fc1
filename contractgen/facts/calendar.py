"""The Chinese calendar an order runs into (reference/calendar.yaml): the Chinese New Year, computed for
each year by `lunardate`, with the factory shutdown around it and the labour shortage after it; Golden
Week; and the public holidays within an order's dates, for the communication charter."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from lunardate import LunarDate

from ..core.text import Text
from .reference import reference

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
FIRST_YEAR, LAST_YEAR = 1901, 2098  # lunardate's range, less a year each side for the windows


def date_text(day: dt.date) -> Text:
    """20 Jan 2027 / 2027年1月20日."""
    return Text(f"{day.day} {_MONTHS[day.month - 1]} {day.year}", f"{day.year}年{day.month}月{day.day}日")


def in_range(day: dt.date) -> bool:
    return FIRST_YEAR <= day.year <= LAST_YEAR


@dataclass(frozen=True)
class NewYear:
    """One Chinese New Year and the factory windows around it."""
    new_year: dt.date
    shutdown_start: dt.date
    shutdown_end: dt.date  # the last day most factories are still closed
    shortage_end: dt.date  # the last day of the labour shortage after the restart
    ship_before: dt.date  # the latest safe shipment before the shutdown
    plan_after: dt.date  # the earliest date to plan a shipment for after it

    def in_shutdown(self, day: dt.date) -> bool:
        """Too late to ship before the shutdown, and before the factory is back at work."""
        return self.ship_before < day <= self.shutdown_end

    def in_shortage(self, day: dt.date) -> bool:
        return self.shutdown_end < day <= self.shortage_end


@cache
def new_year(year: int) -> NewYear:
    days = reference("calendar")["new_year"]
    first = LunarDate(year, 1, 1).to_solar_date()

    def shift(n: int) -> dt.date:
        return first + dt.timedelta(days=n)

    return NewYear(first, shift(-days["shutdown_before_days"]), shift(days["shutdown_after_days"]),
                   shift(days["labour_shortage_after_days"]), shift(-days["ship_before_days"]),
                   shift(days["plan_after_days"]))


def new_year_near(day: dt.date) -> NewYear | None:
    """The New Year whose shutdown or labour shortage contains `day`, or None."""
    if not in_range(day):
        return None
    for year in (day.year, day.year + 1):
        window = new_year(year)
        if window.in_shutdown(day) or window.in_shortage(day):
            return window
    return None


def new_years_between(start: dt.date, end: dt.date) -> list[NewYear]:
    """Each New Year whose shutdown overlaps start … end."""
    if not (in_range(start) and in_range(end)):
        return []
    return [w for w in (new_year(y) for y in range(start.year, end.year + 2))
            if w.shutdown_start <= end and w.shutdown_end >= start]


def golden_week(year: int) -> tuple[dt.date, dt.date]:
    """National Day Golden Week, with the congested days either side: (first, last)."""
    week = reference("calendar")["golden_week"]
    margin = dt.timedelta(days=week["margin_days"])
    return (dt.date(year, week["month"], week["first_day"]) - margin,
            dt.date(year, week["month"], week["last_day"]) + margin)


def in_golden_week(day: dt.date) -> tuple[dt.date, dt.date] | None:
    first, last = golden_week(day.year)
    return (first, last) if first <= day <= last else None


@dataclass(frozen=True)
class Holiday:
    id: str
    name: Text
    first: dt.date
    last: dt.date


def _holiday(item: dict, year: int) -> Holiday:
    if item["kind"] == "lunar":
        start = LunarDate(year, item["month"], item["day"]).to_solar_date()
    else:
        start = dt.date(year, item["month"], item["day"])
    first = start + dt.timedelta(days=item["offset"])
    return Holiday(item["id"], Text(item["en"], item["zh"]), first, first + dt.timedelta(days=item["days"] - 1))


def holidays_between(start: dt.date, end: dt.date) -> list[Holiday]:
    """Every holiday of reference/calendar.yaml that overlaps start … end, in date order."""
    if not (in_range(start) and in_range(end)):
        return []
    found = [h for year in range(start.year - 1, end.year + 1) for item in reference("calendar")["holidays"]
             for h in [_holiday(item, year)] if h.first <= end and h.last >= start]
    return sorted(found, key=lambda h: h.first)
