"""The codes the validator accepts, each labelled in the page's language by CLDR (babel): "CN — 中国".

The answer stays the code; the server still decides what is valid. Each list is computed once per
language (cached) and never changed, so the server's threads share it.
"""
from __future__ import annotations

from functools import cache

from babel import Locale
from babel.dates import get_timezone_location
from babel.numbers import get_currency_name

from ..answers.schema import country_codes, currency_codes, time_zones

# the tz database's places (Region/City); Etc/GMT+5, EST5EDT and the like are accepted when typed
REGIONS = ("Africa/", "America/", "Antarctica/", "Arctic/", "Asia/", "Atlantic/", "Australia/", "Europe/",
           "Indian/", "Pacific/")


def _locale(lang: str) -> str:
    return "zh_Hans_CN" if lang == "zh" else "en"


@cache
def countries(lang: str) -> list[tuple[str, str]]:
    names = Locale.parse(_locale(lang)).territories
    return [(code, f"{code} — {names.get(code, code)}") for code in sorted(country_codes())]


@cache
def currencies(lang: str) -> list[tuple[str, str]]:
    return [(code, f"{code} — {get_currency_name(code, locale=_locale(lang))}") for code in sorted(currency_codes())]


@cache
def zone_choices(lang: str) -> list[tuple[str, str]]:
    return [(name, f"{name} — {get_timezone_location(name, locale=_locale(lang))}")
            for name in sorted(time_zones()) if name.startswith(REGIONS)]
