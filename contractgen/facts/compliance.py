"""What the product's category and destination market require (reference/compliance.yaml), and the tests
an inspector runs for each category (reference/category_checks.yaml)."""
from __future__ import annotations

from ..core.messages import message
from ..core.text import Text
from .reference import reference


def requirements(categories: list[str | None], market: str | None) -> list[dict]:
    """The documents and tests the supplier owes for these lines' categories in this market: each
    requirement once, in the table's order, as {id, en, zh, lines} (lines: the line numbers it covers).
    Lines without a category get the requirements for any category ("*") only."""
    if not market:
        return []
    found = []
    for requirement in reference("compliance")["requirements"]:
        if market not in requirement["markets"]:
            continue
        lines = [n for n, category in enumerate(categories, start=1)
                 if "*" in requirement["categories"] or category in requirement["categories"]]
        if lines:
            found.append({"id": requirement["id"], "en": requirement["en"], "zh": requirement["zh"], "lines": lines})
    return found


def category_checks(category: str | None) -> list[Text]:
    """The general checks, then those of the line's own category."""
    table = reference("category_checks")["categories"]
    items = table["general"] + (table.get(category) or [] if category and category != "general" else [])
    return [Text(i["en"], i["zh"]) for i in items]


# -- how complete a line's specification is ---------------------------------------------------------

SPEC_ITEMS = {  # what an inspector needs to pass or fail a line, and the answer that gives it
    "material_en": message("compliance.item.material", "material and grade"),
    "dimensions": message("compliance.item.dimensions", "dimensions"),
    "tolerance": message("compliance.item.tolerance", "tolerance"),
    "colour_reference": message("compliance.item.colour", "colour reference"),
    "finish_en": message("compliance.item.finish", "finish"),
    "standards": message("compliance.item.standards", "applicable standard"),
}
PACKING_ITEMS = {"description_en": message("compliance.item.packing", "packing"),
                 "marking_en": message("compliance.item.marking", "marking")}
_VAGUE_WORDS = ("good quality", "high quality", "best quality", "standard quality", "as usual", "优质", "高品质",
                "质量好", "按惯例")


def _vague(key: str, value: str) -> bool:
    """A value that names nothing an inspector can measure: "good quality", or a colour by name only."""
    text = value.casefold()
    if any(word in text for word in _VAGUE_WORDS):
        return True
    if key == "colour_reference":  # Pantone 2955 C, RAL 5015, an approved sample; never just "blue"
        return not any(c.isdigit() for c in text) and not any(w in text for w in ("sample", "样", "swatch", "色卡"))
    return False


def spec_gaps(products: list[dict], packaging: dict | None) -> list[dict]:
    """Each specification item that is missing or vague: {line (0 for the packing), item: Text}."""
    gaps = []
    for number, product in enumerate(products, start=1):
        for key, item in SPEC_ITEMS.items():
            value = product.get(key)
            if not value or _vague(key, str(value)):
                gaps.append({"line": number, "item": item()})
    for key, item in PACKING_ITEMS.items():
        if not (packaging or {}).get(key):
            gaps.append({"line": 0, "item": item()})
    return gaps
