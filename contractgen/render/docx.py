"""DOCX renderer: a `Document` poured into the docxtpl house template (templates/docx/house.docx).

The template holds all layout and wording that is not in the Document; this module only turns the
Document into the plain values the template prints (`_context`) and writes a deterministic package
with the audit manifest in its custom properties.

Values reach the template as values: Jinja renders the template's own tags once, with autoescape on,
and nothing from the Document is ever compiled.
"""
from __future__ import annotations

import json
from collections.abc import Mapping

from ..documents.model import Clause, Document, Party, ProductTable, Signatory, Table

from ..core.text import Text
from ..core.resources import data_path
from . import LAYOUTS, layout_languages, ooxml
from .docx_template import WIDTHS_MARK, house_template
from .ooxml import read_custom_properties

__all__ = ["LAYOUTS", "TEMPLATE", "WIDTHS_MARK", "manifest_properties", "read_custom_properties", "render_docx"]

TEMPLATE = data_path("templates", "docx", "house.docx")
AUTHOR = "contractgen"


def render_docx(document: Document, layout: str = "parallel") -> bytes:
    """Render `document` in `layout` (one of LAYOUTS) and return the DOCX bytes.

    Same Document, same template => the same bytes: the zip carries fixed timestamps and the core
    properties come from the Document (created = modified = `document.date` 00:00 UTC).
    """
    context = _context(document, layout)  # first: an unknown layout is refused before the template is read
    template = house_template(TEMPLATE)
    members = template.fill(context)
    ooxml.set_core_properties(members, title=document.title.en, author=AUTHOR,
                              created=f"{document.date}T00:00:00Z")
    ooxml.set_custom_properties(members, manifest_properties(document.manifest))
    return ooxml.write_zip(members, template.deflated)


def manifest_properties(manifest: Mapping) -> dict[str, str]:
    """The audit manifest as DOCX custom properties, sorted by name:

    - `contractgen.<key>` for every top-level scalar (booleans as true/false, None as "", anything
      else with str(): strings as they are, numbers and dates in their usual form);
    - `contractgen.clauses`: one entry `<id>@<version> <sha256>` per clause, in manifest order,
      joined by "; " (Word's property dialog shows one line);
    - `contractgen.manifest`: the whole manifest as JSON (sorted keys, UTF-8, no spaces).
    """
    props: dict[str, str] = {}
    for key, value in manifest.items():
        if isinstance(value, bool):
            props[f"contractgen.{key}"] = "true" if value else "false"
        elif value is None:
            props[f"contractgen.{key}"] = ""
        elif not isinstance(value, (Mapping, list, tuple, set)):
            props[f"contractgen.{key}"] = str(value)
    clauses = manifest.get("clauses")
    if clauses:
        props["contractgen.clauses"] = "; ".join(
            f"{c['id']}@{c['version']} {c.get('sha256', '')}".rstrip() for c in clauses)
    props["contractgen.manifest"] = json.dumps(manifest, sort_keys=True, ensure_ascii=False,
                                               separators=(",", ":"), default=str)
    return dict(sorted(props.items()))


# --- Document -> template values ------------------------------------------------------------------
#
# The template expects:
#   parallel, show_en, show_zh          layout switches (bool)
#   title                               [str]: the title, one entry per language shown
#   header_reference, header_title      str: page header ("Contract No. / 合同编号: …", "… / …")
#   page_footer                         [{before, of, after}]: one footer line per language
#   heading_lines                       [{left, right}]: contract number, date, place
#   parties                             [{left, right}], each side {role, name, address, details: [str]}
#                                       (bilingual: EN left, ZH right; one language: two parties a row)
#   sections                            [{heading, clauses, table}]
#     clauses                           [{title_en, title_zh, en: [str], zh: [str]}]
#     table                             None | {columns: {no, sku, description, specification,
#                                       quantity, unit, unit_price, amount, hs_code}, rows: [same keys],
#                                       total_label, total_quantity, total_amount, words: [str]}
#     tables                            [{caption: [str], columns: [str], rows: [[str]], widths: str}]:
#                                       generic tables (checklists), drawn after the product table;
#                                       widths is WIDTHS_MARK + relative widths, for the table description
#   signatories                         [{role, name, lines: [{text, chop}]}]
# A value containing "\n" prints as a line break (docxtpl), which is how two languages share a cell.

_OTHER = {"en": "zh", "zh": "en"}
_COLUMNS = ("no", "sku", "description", "specification", "quantity", "unit", "unit_price", "amount",
            "hs_code")
_EMPTY_PARTY = {"role": "", "name": "", "address": "", "details": []}


class _View:
    def __init__(self, document: Document, layout: str):
        self.doc = document
        self.layout = layout
        self.langs = layout_languages(layout)
        self.bilingual = len(self.langs) == 2

    def label(self, key: str) -> Text:
        try:
            return self.doc.labels[key]
        except KeyError:
            raise ValueError(f"document.labels has no {key!r} (see contractgen/documents/labels.py)") from None

    @staticmethod
    def side(text: Text, lang: str) -> str:
        """One language of `text`, the other when this one is empty (a party without a Chinese name)."""
        return getattr(text, lang) or getattr(text, _OTHER[lang])

    def lines(self, text: Text) -> list[str]:
        return list(dict.fromkeys(s for s in (self.side(text, lang) for lang in self.langs) if s))

    def stacked(self, text: Text) -> str:
        return "\n".join(self.lines(text))

    def inline(self, text: Text) -> str:
        return " / ".join(self.lines(text))

    def colon(self) -> str:
        return "：" if self.langs == ("zh",) else ": "

    def context(self) -> dict:
        doc = self.doc
        return {
            "parallel": self.layout == "parallel",
            "show_en": "en" in self.langs,
            "show_zh": "zh" in self.langs,
            "title": self.lines(doc.title),
            "header_reference": f"{self.inline(self.label('contract_no'))}{self.colon()}{doc.reference}",
            "header_title": self.inline(doc.title),
            "page_footer": [self.page_footer(lang) for lang in self.langs],
            "heading_lines": [self.pair(h) for h in doc.heading_lines],
            "parties": self.parties(doc.parties),
            "sections": [{"heading": self.stacked(s.heading),
                          "clauses": [self.clause(c) for c in s.clauses],
                          "table": s.table and self.table(s.table),
                          "tables": [self.grid(t) for t in s.tables]} for s in doc.sections],
            "signatories": [self.signatory(s) for s in doc.signatories],
        }

    def page_footer(self, lang: str) -> dict:
        before, of, after = (getattr(self.label(f"page.{k}"), lang) for k in ("before", "of", "after"))
        return {"before": f"{before} " if before else "", "of": f" {of} ",
                "after": f" {after}" if after else ""}

    def pair(self, text: Text) -> dict:
        if self.bilingual:
            return {"left": self.side(text, "en"), "right": self.side(text, "zh")}
        return {"left": self.side(text, self.langs[0]), "right": ""}

    def parties(self, parties: tuple[Party, ...]) -> list[dict]:
        if self.bilingual:
            return [{"left": self.party(p, "en"), "right": self.party(p, "zh")} for p in parties]
        lang = self.langs[0]
        blocks = [self.party(p, lang) for p in parties]
        return [{"left": blocks[i], "right": blocks[i + 1] if i + 1 < len(blocks) else _EMPTY_PARTY}
                for i in range(0, len(blocks), 2)]

    def party(self, party: Party, lang: str) -> dict:
        return {"role": self.side(party.role, lang), "name": self.side(party.name, lang),
                "address": self.side(party.address, lang),
                "details": [d for d in (self.side(t, lang) for t in party.details) if d]}

    def clause(self, clause: Clause) -> dict:
        view = {}
        for lang in ("en", "zh"):
            title = getattr(clause.title, lang)
            view[f"title_{lang}"] = f"{clause.number} {title}".strip() if clause.number else title
            view[lang] = list(getattr(clause, f"paragraphs_{lang}")) if lang in self.langs else []
        return view

    def table(self, table: ProductTable) -> dict:
        columns = {key: self.stacked(self.label(f"table.{key}")) for key in _COLUMNS}
        for key in ("unit_price", "amount"):
            label = self.label(f"table.{key}")
            columns[key] = self.stacked(Text(f"{label.en} ({table.currency})",
                                             f"{label.zh}（{table.currency}）"))
        in_words = self.label("table.in_words")
        words = {"en": f"{in_words.en}: {self.side(table.total_words, 'en')}",
                 "zh": f"{in_words.zh}：{self.side(table.total_words, 'zh')}"}
        return {
            "columns": columns,
            "rows": [{"no": r.number, "sku": r.sku, "description": self.stacked(r.description),
                      "specification": self.stacked(r.specification), "quantity": r.quantity,
                      "unit": self.stacked(r.unit), "unit_price": r.unit_price, "amount": r.amount,
                      "hs_code": r.hs_code} for r in table.rows],
            "total_label": self.stacked(self.label("table.total")),
            "total_quantity": table.total_quantity,
            "total_amount": self.stacked(table.total_amount),
            "words": [words[lang] for lang in self.langs],
        }

    def grid(self, table: Table) -> dict:
        weights = table.widths or (1,) * len(table.columns)
        return {"caption": self.lines(table.caption),
                "columns": [self.stacked(c) for c in table.columns],
                "rows": [[self.stacked(c) for c in row] for row in table.rows],
                "widths": WIDTHS_MARK + ",".join(str(w) for w in weights)}

    def signatory(self, signatory: Signatory) -> dict:
        chop = self.doc.labels.get("signature.chop")
        return {"role": self.inline(signatory.role), "name": self.stacked(signatory.name),
                # the line captioned with the chop label gets the room a round company chop needs
                "lines": [{"text": self.inline(line), "chop": line == chop} for line in signatory.lines]}


def _context(document: Document, layout: str) -> dict:
    return _View(document, layout).context()
