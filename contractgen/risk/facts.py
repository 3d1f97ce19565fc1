"""What risk rules need that is not a plain answer: facts computed from the answers and derived values
(does the bank beneficiary name the supplier? how many days from signing to the latest shipment?)."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import Any, Callable

from ..answers.numbers import NumberTextError, bounded, read_number
from ..core.text import has_chinese
from ..core.yamlio import source_text
from ..facts import uscc
from ..facts.derived import round_money


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


FACTS: dict[str, Callable[[dict, dict], Any]] = {f.__name__: f for f in (
    beneficiary_matches_supplier, beneficiary_is_company, supplier_name_has_chinese, supplier_in_mainland,
    uscc_check_passes, days_to_ship, total_mismatch)}


def compute_facts(answers: dict, derived: dict) -> dict:
    return {name: value for name, fact in FACTS.items() if (value := fact(answers, derived)) is not None}


def rule_context(answers: dict, derived: dict) -> dict:
    """What a rule's `when` sees: the answers, the derived values and `facts`."""
    return {**answers, **derived, "facts": compute_facts(answers, derived)}


