"""The document model: what the assembler decided, as plain frozen data.

Renderers read this and nothing else; every wording, number and order is settled here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..core.text import Text


@dataclass(frozen=True)
class Clause:
    id: str
    version: str
    number: str  # "3.2"; "" when the clause is the only one of its article
    title: Text
    paragraphs_en: tuple[str, ...]
    paragraphs_zh: tuple[str, ...]


@dataclass(frozen=True)
class ProductRow:
    number: int
    sku: str
    description: Text
    specification: Text
    quantity: str  # formatted, e.g. "5,000"
    unit: Text  # "pcs" / "件" (products[].unit_zh, from the unit table when left out)
    unit_price: str  # formatted number without currency, e.g. "3.20"
    amount: str  # formatted number without currency
    hs_code: str


@dataclass(frozen=True)
class ProductTable:
    currency: str  # ISO code, printed in the column headers
    rows: tuple[ProductRow, ...]
    total_quantity: str
    total_amount: Text  # "USD 16,000.00" / "美元16,000.00"
    total_words: Text  # "SAY US DOLLARS …" / "美元壹万陆仟元整"


@dataclass(frozen=True)
class Table:
    """A table the assembler filled in: a checklist's sampling plan, risk matrix or findings. Every cell
    is one fact in both languages; an empty Text is an empty cell (a box to fill in by hand)."""

    caption: Text
    columns: tuple[Text, ...]
    rows: tuple[tuple[Text, ...], ...]  # each row has one cell per column
    widths: tuple[int, ...] = ()  # relative column widths (e.g. (1, 6, 2)); equal columns when empty

    def __post_init__(self):
        if not self.columns:
            raise ValueError("a table needs at least one column")
        ragged = [i for i, row in enumerate(self.rows) if len(row) != len(self.columns)]
        if ragged:
            raise ValueError(f"table {self.caption.en!r}: rows {ragged} do not have {len(self.columns)} cells")
        if self.widths and (len(self.widths) != len(self.columns) or min(self.widths) < 1):
            raise ValueError(f"table {self.caption.en!r}: widths must be one positive number per column")


@dataclass(frozen=True)
class Section:
    number: int
    heading: Text  # "Article 3 Payment" / "第三条 付款"
    clauses: tuple[Clause, ...]
    table: ProductTable | None = None  # drawn after the section's clauses
    tables: tuple[Table, ...] = ()  # drawn after the clauses and the product table, in this order


@dataclass(frozen=True)
class Party:
    role: Text  # "Buyer" / "买方"
    name: Text  # legal names; a side may be "" when the party has none in that language
    address: Text
    details: tuple[Text, ...]  # labelled lines: registration code, representative, contact


@dataclass(frozen=True)
class Signatory:
    role: Text
    name: Text
    lines: tuple[Text, ...]  # "Authorised signature" / "授权代表签字", "Company chop" / "公司盖章", "Date" / "日期"


@dataclass(frozen=True)
class Document:
    kind: str  # document definition id, e.g. "sales_contract"
    title: Text
    reference: str  # contract number, printed in the header
    date: str  # ISO date of the contract; also the DOCX created/modified time, so rebuilds are identical
    heading_lines: tuple[Text, ...]  # "Contract No.: …", "Date: …", "Place of signing: …"
    parties: tuple[Party, ...]
    sections: tuple[Section, ...]
    signatories: tuple[Signatory, ...]
    labels: dict[str, Text]  # fixed captions the house template prints (page footer, table headers)
    manifest: dict = field(default_factory=dict)  # audit manifest, see contractgen/documents/manifest.py
