"""What risk rules need that is not a plain answer: facts computed from the answers and derived values
(does the bank beneficiary name the supplier? how many days from signing to the latest shipment?)."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import Any, Callable

from ..answers.numbers import NumberTextError, bounded, read_number
from ..core.text import Text, has_chinese
from ..core.yamlio import source_text
from ..facts import uscc
from ..facts.calendar import date_text, in_golden_week, new_year_near, new_years_between
from ..facts.compliance import spec_gaps
from ..facts.derived import deposit_term, round_money
from ..facts.plan import stake_level


# -- facts: what rules need that is not a plain answer -------------------------------------------------
# Each fact takes (answers, derived values) and returns a value, or None when its inputs are missing;
# a None fact is left out of the context, so it is undefined and a rule comparing it is simply false.

_NAME_WORDS = {"company": "co", "limited": "ltd", "corporation": "corp", "incorporated": "inc"}
_ZH_ENTITY_ENDINGS = ("公司", "厂", "集团", "企业", "商行", "经营部", "门市部", "合作社")
_EN_ENTITY_WORDS = frozenset({"co", "ltd", "limited", "corp", "corporation", "inc", "incorporated", "company",
                              "gmbh", "llc", "plc", "llp", "pte", "factory", "group", "gongsi"})


def normalise_name(name: str) -> str:
    """A company name reduced to what identifies it. The same name is typed with full- or half-width
    brackets (NFKC folds （ to ( ), with or without spaces, in any case, and as "Co., Ltd." or "Company
    Limited"; none of that makes it another company, and none of it should raise a false alarm."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = re.sub(r"[a-z]+", lambda m: _NAME_WORDS.get(m.group(), m.group()), text)
    return re.sub(r"[\s.,]+", "", text)


def is_company_name(name: str) -> bool:
    """Does the name read as a business (有限公司, 厂, Co., Ltd., GmbH …) rather than a person? A
    personal account is the worst payee: the supplier can deny the money ever reached it."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = re.sub(r"\([^()]*\)\s*$", "", text).strip()  # a trailing note such as (基本户) is not the name
    if text.endswith(_ZH_ENTITY_ENDINGS):
        return True
    return bool(_EN_ENTITY_WORDS & set(re.findall(r"[a-z]+", text)))


def beneficiary_matches_supplier(answers: dict, derived: dict) -> bool | None:
    """Is the payee the contracting company itself (its Chinese or English name)? Paying anyone else
    lets the supplier later deny it was paid (domain.md §7)."""
    supplier = answers.get("supplier") or {}
    beneficiary = (supplier.get("bank") or {}).get("beneficiary")
    names = [supplier.get(key) for key in ("name_zh", "name_en") if supplier.get(key)]
    if not beneficiary or not names:
        return None
    return normalise_name(beneficiary) in {normalise_name(n) for n in names}


def beneficiary_is_company(answers: dict, derived: dict) -> bool | None:
    """Is the payee a business at all? See is_company_name."""
    beneficiary = ((answers.get("supplier") or {}).get("bank") or {}).get("beneficiary")
    return is_company_name(beneficiary) if beneficiary else None


def supplier_name_has_chinese(answers: dict, derived: dict) -> bool | None:
    """A Chinese company's only legal name is its registered Chinese name; a name_zh without a single
    Chinese character is a translation, and the contract may not clearly bind the company."""
    name = (answers.get("supplier") or {}).get("name_zh")
    return has_chinese(name) if name else None


def supplier_in_mainland(answers: dict, derived: dict) -> bool | None:
    """Only mainland-registered entities have a Unified Social Credit Code, so a supplier with one has
    its assets, and any enforcement, in mainland China. Without a code we cannot tell: None."""
    return True if (answers.get("supplier") or {}).get("uscc") else None


def uscc_check_passes(answers: dict, derived: dict) -> bool | None:
    """Does the USCC's check character verify? Validation lets a failing code through only with
    supplier.uscc_override_reason; the risk stays and the summary must say so."""
    code = (answers.get("supplier") or {}).get("uscc")
    if not isinstance(code, str) or uscc.format_problem(code):
        return None
    return uscc.check_problem(code) is None


def days_to_ship(answers: dict, derived: dict) -> int | None:
    """Days from signing (when the deposit can be paid and production start) to the latest shipment
    date: too few leave no room for production, inspection and rework."""
    signed = (answers.get("contract") or {}).get("date")
    ship_by = (answers.get("delivery") or {}).get("ship_by")
    if isinstance(signed, dt.date) and isinstance(ship_by, dt.date):
        return (ship_by - signed).days
    return None


def total_mismatch(answers: dict, derived: dict) -> bool | None:
    """Does the total on the supplier's pro-forma invoice (payment.quoted_total) differ from quantity ×
    unit price summed over the lines? Either a number in the contract is wrong or the supplier expects
    another price; both end in a dispute over what was agreed."""
    quoted = _decimal((answers.get("payment") or {}).get("quoted_total"))
    total, currency = derived.get("total_amount"), answers.get("currency")
    if quoted is None or total is None or not currency:
        return None
    return round_money(quoted, currency) != round_money(total, currency)


def _decimal(value: Any) -> Decimal | None:
    """An answer as an exact Decimal, also before the interview declares the field (a YAML number);
    None for anything number_text would not read one way."""
    if value is None or isinstance(value, bool):
        return None
    try:
        if isinstance(value, Decimal):
            return bounded(value)
        return read_number(source_text(value) or str(value))
    except NumberTextError:
        return None


# -- what the buyer has verified (interviews/blocks/verification.yaml) ---------------------------------

IDENTITY_CHECKS = ("register_status", "established", "supplier_type")  # without these: never "OK to pay"
PAYEE_CHECKS = ("bank_confirmed_by_phone",)


def _verification(answers: dict) -> dict:
    value = answers.get("verification")
    return value if isinstance(value, dict) else {}


def identity_unchecked(answers: dict, derived: dict) -> bool:
    """Is any identity check unanswered? Unknown is not safe: an unanswered check is a finding."""
    return any(_verification(answers).get(key) is None for key in IDENTITY_CHECKS)


def payee_unconfirmed(answers: dict, derived: dict) -> bool:
    """Has the buyer not confirmed the bank details by phone (unanswered or no)?"""
    return any(_verification(answers).get(key) is not True for key in PAYEE_CHECKS)


def supplier_age_months(answers: dict, derived: dict) -> int | None:
    """Whole months from the supplier's establishment to the contract date."""
    established = _verification(answers).get("established")
    signed = (answers.get("contract") or {}).get("date")
    if not isinstance(established, dt.date) or not isinstance(signed, dt.date):
        return None
    months = (signed.year - established.year) * 12 + signed.month - established.month
    return max(months - (signed.day < established.day), 0)


def region_matches_address(answers: dict, derived: dict) -> bool | None:
    """Is the USCC's division (characters 3–8) in the province and city of the supplier's address?"""
    return (derived.get("registration") or {}).get("matches_address")


def individual_business(answers: dict, derived: dict) -> bool | None:
    """Is the supplier a 个体工商户 (USCC 92…), one person's business rather than a company?"""
    return (derived.get("registration") or {}).get("individual_business")


_FACTORY_WORDS = ("厂", "制造", "生产", "工业", "factory", "manufactur", "industr")


def presents_as_factory(answers: dict, derived: dict) -> bool | None:
    """Does the supplier present itself as a factory: the buyer's answer, or its name?"""
    if _verification(answers).get("supplier_type") == "manufacturer":
        return True
    supplier = answers.get("supplier") or {}
    names = " ".join(str(supplier.get(k) or "") for k in ("name_zh", "name_en")).casefold()
    return any(word in names for word in _FACTORY_WORDS) if names.strip() else None


def _dates(answers: dict) -> tuple[dt.date | None, dt.date | None, dt.date | None]:
    """(contract date, latest shipment, samples due), each None when not a date."""
    def day(value):
        return value if isinstance(value, dt.date) else None
    return (day((answers.get("contract") or {}).get("date")), day((answers.get("delivery") or {}).get("ship_by")),
            day(_verification(answers).get("sample_date")))


def ship_in_new_year_shutdown(answers: dict, derived: dict) -> bool | None:
    ship_by = _dates(answers)[1]
    window = new_year_near(ship_by) if ship_by else None
    return None if ship_by is None else bool(window and window.in_shutdown(ship_by))


def ship_in_labour_shortage(answers: dict, derived: dict) -> bool | None:
    ship_by = _dates(answers)[1]
    window = new_year_near(ship_by) if ship_by else None
    return None if ship_by is None else bool(window and window.in_shortage(ship_by))


def ship_in_golden_week(answers: dict, derived: dict) -> bool | None:
    ship_by = _dates(answers)[1]
    return None if ship_by is None else in_golden_week(ship_by) is not None


def samples_in_holiday(answers: dict, derived: dict) -> bool | None:
    """Are the samples due in the New Year shutdown or Golden Week?"""
    sample = _dates(answers)[2]
    if sample is None:
        return None
    window = new_year_near(sample)
    return bool(window and window.in_shutdown(sample)) or in_golden_week(sample) is not None


def production_over_new_year(answers: dict, derived: dict) -> bool | None:
    """Does production (signing to the latest shipment) run through a New Year shutdown, though the
    shipment itself falls outside it and the shortage after it?"""
    signed, ship_by, _ = _dates(answers)
    if signed is None or ship_by is None or ship_by < signed:
        return None
    return bool(new_years_between(signed, ship_by))


def spec_gap_count(answers: dict, derived: dict) -> int | None:
    """How many specification items (material, dimensions, tolerance, colour, finish, standard; packing,
    marking) are missing or vague."""
    products = answers.get("products")
    if not isinstance(products, list) or not products:
        return None
    return len(spec_gaps([p for p in products if isinstance(p, dict)], answers.get("packaging")))


def compliance_ids(answers: dict, derived: dict) -> list[str] | None:
    """The ids of the compliance requirements this order owes (reference/compliance.yaml)."""
    compliance = derived.get("compliance")
    return [r["id"] for r in compliance["requirements"]] if compliance else None


def compliance_unknown(answers: dict, derived: dict) -> bool | None:
    """Is the destination market or any line's category unanswered? Then nobody knows what it owes."""
    products = answers.get("products")
    if not isinstance(products, list):
        return None
    market = (answers.get("delivery") or {}).get("destination_market")
    return not market or any(not (p or {}).get("category") for p in products if isinstance(p, dict))


# -- scales: probability and impact that follow from the answers ------------------------------------

def stake(answers: dict, derived: dict) -> int:
    """Impact 1–3 from the money that leaves before any goods are seen (the deposit; reference/stakes.yaml).
    Unknown is 3."""
    return stake_level(derived.get("deposit_amount"), answers.get("currency"))


def supplier_trust(answers: dict, derived: dict) -> int:
    """Probability 1–3 that a supplier problem happens, from what the buyer verified: 3 when its identity
    is unverified, it is under a year old or a 个体工商户; 2 for a trading company, one under three years
    old, or one whose factory or samples nobody has seen; 1 for a verified manufacturer."""
    checks = _verification(answers)
    age = supplier_age_months(answers, derived)
    if identity_unchecked(answers, derived) or (age is not None and age < 12) or individual_business(answers, derived):
        return 3
    if (checks.get("supplier_type") == "trading_company" or (age is not None and age < 36)
            or checks.get("factory_check") in (None, "none") or checks.get("samples_approved") is not True):
        return 2
    return 1


FACTS: dict[str, Callable[[dict, dict], Any]] = {f.__name__: f for f in (
    beneficiary_matches_supplier, beneficiary_is_company, supplier_name_has_chinese, supplier_in_mainland,
    uscc_check_passes, days_to_ship, total_mismatch, identity_unchecked, payee_unconfirmed, supplier_age_months,
    region_matches_address, individual_business, presents_as_factory, ship_in_new_year_shutdown,
    ship_in_labour_shortage, ship_in_golden_week, samples_in_holiday, production_over_new_year, spec_gap_count,
    compliance_ids, compliance_unknown, stake, supplier_trust)}
SCALES = frozenset({"stake", "supplier_trust"})  # facts a rule may name as its probability or impact


def compute_facts(answers: dict, derived: dict) -> dict:
    return {name: value for name, fact in FACTS.items() if (value := fact(answers, derived)) is not None}


def rule_context(answers: dict, derived: dict) -> dict:
    """What a rule's `when` sees: the answers, the derived values and `facts`."""
    return {**answers, **derived, "facts": compute_facts(answers, derived)}


# -- text facts: what a rule's text may name, {like_this}, in each language ----------------------------

def _gap_list(answers: dict) -> Text:
    products = [p for p in answers.get("products") or () if isinstance(p, dict)]
    gaps = spec_gaps(products, answers.get("packaging"))
    by_line: dict[int, list[Text]] = {}
    for gap in gaps:
        by_line.setdefault(gap["line"], []).append(gap["item"])
    en = "; ".join(f"{'packing' if n == 0 else f'line {n}'}: {', '.join(t.en for t in items)}"
                   for n, items in by_line.items())
    zh = "；".join(f"{'包装' if n == 0 else f'第{n}行'}：{'、'.join(t.zh for t in items)}" for n, items in by_line.items())
    return Text(en, zh)


def text_facts(answers: dict, derived: dict) -> dict[str, Text]:
    """Values a rule's title, why and fix may name as {name}: dates, the division, the gaps, and
    {deposit}, the order's word for the money paid first (deposit / 预付款, earnest money / 定金, first
    payment / 第一笔款项: facts.derived.deposit_term)."""
    term = derived.get("deposit_term")  # None when the interview asks no payment terms: the default word
    out: dict[str, Text] = {"deposit": Text(term["en"], term["zh"]) if term else deposit_term(None)}
    signed, ship_by, sample = _dates(answers)
    for prefix, day in (("", ship_by), ("sample_", sample)):
        window = new_year_near(day) if day else None
        if window is None and prefix == "" and signed and ship_by and ship_by >= signed:
            found = new_years_between(signed, ship_by)
            window = found[0] if found else None
        if window is not None:
            for name in ("new_year", "shutdown_start", "shutdown_end", "shortage_end", "ship_before", "plan_after"):
                out[prefix + name] = date_text(getattr(window, name))
    if ship_by:
        out["ship_by"] = date_text(ship_by)
        week = in_golden_week(ship_by)
        if week:
            out["golden_week_before"] = date_text(week[0] - dt.timedelta(days=1))
            out["golden_week_after"] = date_text(week[1] + dt.timedelta(days=1))
    if sample:
        out["sample_date"] = date_text(sample)
    registration = derived.get("registration") or {}
    if registration:
        out["division"] = Text(f"{registration['division_code']} {registration['division']}",
                               f"{registration['division_code']}（{registration['division']}）")
        place = registration.get("address_place") or ""
        out["address_place"] = Text(place, place)
    age = supplier_age_months(answers, derived)
    if age is not None:
        out["supplier_age"] = Text(f"{age} month{'s' if age != 1 else ''}", f"{age}个月")
    if answers.get("products"):
        out["spec_gaps"] = _gap_list(answers)
    compliance = derived.get("compliance")
    if compliance and compliance["requirements"]:
        out["compliance_documents"] = Text("; ".join(r["en"] for r in compliance["requirements"]),
                                           "；".join(r["zh"] for r in compliance["requirements"]))
    return out


TEXT_FACTS = frozenset({"new_year", "shutdown_start", "shutdown_end", "shortage_end", "ship_before", "plan_after",
                        *(f"sample_{n}" for n in ("new_year", "shutdown_start", "shutdown_end", "shortage_end",
                                                  "ship_before", "plan_after")),
                        "ship_by", "golden_week_before", "golden_week_after", "sample_date", "division",
                        "address_place", "supplier_age", "spec_gaps", "compliance_documents", "deposit"})


