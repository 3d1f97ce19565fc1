"""PDF typeset directly from the document model with Typst (the `typst` package), in this process.

benchmarks/pdf-engines.md chose it by measurement over LibreOffice converting the DOCX (cold per call,
or kept warm over UNO): several times the documents per second, and a text layer with the real
Chinese characters (Noto Serif CJK with a correct ToUnicode map). The layout is the house template's,
drawn again in templates/typst/house.typ: a lawyer's restyled house.docx changes the DOCX, not the PDF.

The Document reaches the Typst template as JSON in `sys.inputs`, never as markup: the template prints
every value as a string, so a supplier called `#import` or `$x$ <b> @ref *bold*` prints as written.
Same Document, same layout → the same bytes (the creation date is the document's date).
"""
from __future__ import annotations

import datetime as dt
import json
from functools import cache

import typst

from ..core.errors import ContractgenError
from ..core.resources import data_path
from ..core.text import Text
from ..documents.model import Clause, Document, Party, ProductTable, Signatory, Table
from . import layout_languages

TEMPLATE = data_path("templates", "typst", "house.typ")
# The house fonts: Times New Roman's metric twin, the Simplified Chinese serif LibreOffice draws for SimSun
# on Linux, and DejaVu Sans for the symbols neither has (the checklists' ☐; Typst's own fallback left it
# out of the text layer).
FONTS = {"Liberation Serif": "fonts-liberation2", "Noto Serif CJK SC": "fonts-noto-cjk",
         "DejaVu Sans": "fonts-dejavu-core"}
_OTHER = {"en": "zh", "zh": "en"}
_COLUMNS = ("no", "sku", "description", "specification", "quantity", "unit", "unit_price", "amount", "hs_code")


class PdfEngineError(ContractgenError):
    """A house font is missing, or Typst failed on a document (exit 1: the machine's or our fault)."""


@cache
def _compiler() -> typst.Compiler:
    """One compiler per process: it reads the font files and the template once."""
    fonts = typst.Fonts(include_system_fonts=True, include_embedded_fonts=False)
    missing = [f"{family} (`apt-get install -y {package}`)" for family, package in FONTS.items()
               if family not in fonts.families()]
    if missing:
        raise PdfEngineError(f"PDF output needs the fonts {', '.join(missing)}; scripts/setup.sh installs them, "
                             "or build --format docx only")
    return typst.Compiler(TEMPLATE, root=TEMPLATE.parent, font_paths=fonts)


def render_pdf(document: Document, layout: str = "parallel") -> bytes:
    """Typeset `document` in `layout` (one of LAYOUTS) and return the PDF bytes."""
    values = json.dumps(_View(document, layout).values(), ensure_ascii=False, sort_keys=True)
    stamp = dt.datetime.combine(dt.date.fromisoformat(document.date), dt.time(), dt.timezone.utc)
    try:
        return _compiler().compile(format="pdf", sys_inputs={"document": values}, timestamp=stamp)
    except typst.TypstError as exc:
        raise PdfEngineError(f"Typst could not typeset {document.reference} {document.kind}: {exc.message}") from None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # a Rust panic arrives as pyo3's PanicException, a BaseException
        _compiler.cache_clear()  # the next document gets a fresh compiler
        raise PdfEngineError(f"Typst failed on {document.reference} {document.kind}: "
                             f"{type(exc).__name__}: {exc}") from None


class _View:
    """The Document as the plain values house.typ prints (lists of lines where a value has several)."""

    def __init__(self, document: Document, layout: str):
        self.doc = document
        self.layout = layout
        self.langs = layout_languages(layout)

    @staticmethod
    def side(text: Text, lang: str) -> str:
        """One language of `text`, the other when this one is empty (a party without a Chinese name)."""
        return getattr(text, lang) or getattr(text, _OTHER[lang])

    def lines(self, text: Text) -> list[str]:
        """Each language shown once (a number is the same in both), one per line."""
        return list(dict.fromkeys(s for s in (self.side(text, lang) for lang in self.langs) if s))

    def inline(self, text: Text) -> str:
        return " / ".join(self.lines(text))

    def label(self, key: str) -> Text:
        try:
            return self.doc.labels[key]
        except KeyError:
            raise ValueError(f"document.labels has no {key!r} (see contractgen/documents/labels.py)") from None

    def values(self) -> dict:
        doc = self.doc
        colon = "：" if self.langs == ("zh",) else ": "
        return {
            "layout": self.layout,
            "langs": list(self.langs),
            "title": self.lines(doc.title),
            "metadata_title": self.inline(doc.title),
            "header_reference": f"{self.inline(self.label('contract_no'))}{colon}{doc.reference}",
            "header_title": self.inline(doc.title),
            "page_footer": [self.page_footer(lang) for lang in self.langs],
            "heading_lines": [[self.side(h, lang) for lang in self.langs] for h in doc.heading_lines],
            "parties": self.parties(doc.parties),
            "sections": [{"heading": self.lines(s.heading), "clauses": [self.clause(c) for c in s.clauses],
                          "products": s.table and self.products(s.table),
                          "tables": [self.table(t) for t in s.tables]} for s in doc.sections],
            "signatories": [self.signatory(s) for s in doc.signatories],
        }

    def page_footer(self, lang: str) -> dict:
        return {k: getattr(self.label(f"page.{k}"), lang) for k in ("before", "of", "after")} | {"lang": lang}

    def parties(self, parties: tuple[Party, ...]) -> list[list[dict]]:
        """Rows of two blocks: EN | ZH of one party, or (one language) two parties side by side."""
        if len(self.langs) == 2:
            return [[self.party(p, "en"), self.party(p, "zh")] for p in parties]
        blocks = [self.party(p, self.langs[0]) for p in parties]
        return [blocks[i:i + 2] for i in range(0, len(blocks), 2)]

    def party(self, party: Party, lang: str) -> dict:
        return {"lang": lang, "role": self.side(party.role, lang), "name": self.side(party.name, lang),
                "address": self.side(party.address, lang),
                "details": [d for d in (self.side(t, lang) for t in party.details) if d]}

    def clause(self, clause: Clause) -> dict:
        sides = {}
        for lang in self.langs:
            title = getattr(clause.title, lang)
            sides[lang] = {"title": f"{clause.number} {title}".strip() if clause.number else title,
                           "paragraphs": list(getattr(clause, f"paragraphs_{lang}"))}
        return sides

    def products(self, table: ProductTable) -> dict:
        columns = [self.lines(self.label(f"table.{key}")) for key in _COLUMNS]
        for index, key in ((6, "unit_price"), (7, "amount")):
            label = self.label(f"table.{key}")
            columns[index] = self.lines(Text(f"{label.en} ({table.currency})", f"{label.zh}（{table.currency}）"))
        in_words = self.label("table.in_words")
        words = {"en": f"{in_words.en}: {self.side(table.total_words, 'en')}",
                 "zh": f"{in_words.zh}：{self.side(table.total_words, 'zh')}"}
        return {"columns": columns,
                "rows": [[[str(r.number)], [r.sku], self.lines(r.description), self.lines(r.specification),
                          [r.quantity], self.lines(r.unit), [r.unit_price], [r.amount], [r.hs_code]] for r in table.rows],
                "total_label": self.lines(self.label("table.total")), "total_quantity": table.total_quantity,
                "total_amount": self.lines(table.total_amount), "words": [words[lang] for lang in self.langs]}

    def table(self, table: Table) -> dict:
        return {"caption": self.lines(table.caption), "widths": list(table.widths or (1,) * len(table.columns)),
                "columns": [self.lines(c) for c in table.columns],
                "rows": [[self.lines(c) for c in row] for row in table.rows]}

    def signatory(self, signatory: Signatory) -> dict:
        chop = self.doc.labels.get("signature.chop")
        return {"role": self.inline(signatory.role), "name": self.lines(signatory.name),
                "lines": [{"text": self.inline(line), "chop": line == chop} for line in signatory.lines]}
