"""What a USCC says about its holder (GB 32100-2015, docs/domain.md §9): the registration authority
(character 1), the kind of entity (character 2) and the administrative division of the registering
authority (characters 3–8, named from GB/T 2260 in reference/divisions.yaml), and whether that division
is in the province and city of the supplier's address."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ..core.messages import message
from ..core.text import Text
from . import uscc
from .calendar import date_text
from .reference import divisions, reference

_PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")
_CITY_SUFFIXES = ("自治州", "地区", "市", "盟")


@dataclass(frozen=True)
class Registration:
    code: str
    authority: Text
    entity_type: Text
    individual_business: bool  # 个体工商户: one person's business, not a company
    division_code: str
    division: str  # e.g. 浙江省宁波市鄞州区; empty when not even the province is in the table
    exact: bool  # the county-level code itself is in the table (False: named from its city or province)
    source: Text  # where the names come from, with the table's date

    @property
    def province(self) -> str:
        return self.division_code[:2]

    @property
    def city(self) -> str | None:
        """The prefecture-level city (four digits), when the code has one in the table."""
        return self.division_code[:4] if self.division_code[:4] + "00" in _cities() else None


def _is_province(code: str) -> bool:
    return code.endswith("0000")


# The tables below are read from divisions(), which is read once per process; every order of a batch reads
# them twice, and building them was a tenth of a DOCX document's time.
@cache
def _cities() -> dict[str, str]:
    return {c: n for c, n in divisions().items() if c.endswith("00") and not _is_province(c)}


@cache
def _province_names() -> dict[str, list[str]]:
    return {c[:2]: _names(n, _PROVINCE_SUFFIXES) for c, n in divisions().items() if _is_province(c)}


@cache
def _city_names() -> dict[str, list[str]]:
    return {c[:4]: _names(n, _CITY_SUFFIXES) for c, n in _cities().items()}


def division_name(code: str) -> tuple[str, bool]:
    """The division's full name, province first (330212 → 浙江省宁波市鄞州区), and whether the code itself
    is in the table; a code no longer in it (a district merged since) is named from its city or province."""
    table = divisions()
    parts = [table.get(code[:2] + "0000")]
    if not code.endswith("0000"):
        parts.append(table.get(code[:4] + "00") if code[:4] + "00" != code[:2] + "0000" else None)
    if not code.endswith("00"):
        parts.append(table.get(code))
    return "".join(p for p in parts if p), code in table


# TRANSLATORS: a USCC character that names no authority or entity type of the standard
NOT_IN_STANDARD = message("registration.unknown", "not in GB 32100-2015")
# TRANSLATORS: where the division names come from; {date} is the date of the table
SOURCE = message("registration.source", "GB/T 2260 as published by the Ministry of Civil Affairs, {date}")


def registration(code: str | None) -> Registration | None:
    """The USCC read, or None for a code that is missing or not shaped like one."""
    if not isinstance(code, str) or uscc.format_problem(code):
        return None
    codes = reference("uscc_codes")
    unknown = NOT_IN_STANDARD()
    authority = codes["authorities"].get(code[0])
    entity = codes["entity_types"].get(code[:2])
    name, exact = division_name(code[2:8])
    published = date_text(reference("divisions")["date"])
    return Registration(
        code=code, authority=Text(**authority) if authority else unknown,
        entity_type=Text(**entity) if entity else unknown,
        individual_business=code[:2] == codes["individual_business"], division_code=code[2:8],
        division=name, exact=exact,
        source=SOURCE(date=published))


def _names(name: str, suffixes: tuple[str, ...]) -> list[str]:
    """A place's full name and its short name (浙江省 → 浙江); a short name of one character is no name."""
    names = [name]
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            names.append(name[: -len(suffix)])
            break
    return names


def _first(address: str, places: dict[str, list[str]]) -> str | None:
    """The place named earliest in the address (addresses run province, city, district)."""
    best = None
    for code, names in places.items():
        positions = [at for at in map(address.find, names) if at >= 0]
        if positions and (best is None or min(positions) < best[0]):
            best = (min(positions), code)
    return best[1] if best else None


def address_place(address: str) -> tuple[str | None, str | None]:
    """(province, city) of an address as GB/T 2260 code prefixes (two and four digits), each None when
    the address does not name one. A city is looked for only within the address's province when it
    names one (上海市黄浦区南京东路 is in Shanghai, not Nanjing)."""
    province = _first(address, _province_names())
    cities = {c: names for c, names in _city_names().items() if province is None or c[:2] == province}
    city = _first(address, cities)
    if province is None and city is not None:
        province = city[:2]
    return province, city


def region_matches_address(code: str | None, address: str | None) -> bool | None:
    """Is the USCC's division in the province, and the city, of the address? None when either cannot be
    read (no code, a division not in the table, an address naming no province or city)."""
    found = registration(code)
    if found is None or not address or found.division_code[:2] + "0000" not in divisions():
        return None
    province, city = address_place(address)
    if province is None:
        return None
    if province != found.province:
        return False
    if city is not None and found.city is not None and city != found.city:
        return False
    return True


def place_name(address: str | None) -> str:
    """The province and city an address names, as GB/T 2260 names them (浙江省宁波市), or ''."""
    if not address:
        return ""
    province, city = address_place(address)
    table = divisions()
    return "".join(n for n in (table.get(f"{province}0000") if province else None,
                               table.get(f"{city}00") if city else None) if n)
