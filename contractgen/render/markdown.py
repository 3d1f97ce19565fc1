"""Markdown rendering of a Document, for review and diffs (both languages, stacked)."""
from __future__ import annotations

import re

from ..documents.model import Document, Table

from ..core.text import Text
from . import layout_languages


def _escape(text: str) -> str:
    # Answers are data: characters Markdown would read as markup are escaped.
    return re.sub(r"([\\`*_{}\[\]<>#|!])", r"\\\1", text)


def _pick(text: Text, langs: tuple[str, ...], sep: str = " / ") -> str:
    return sep.join(_escape(getattr(text, lang)) for lang in langs if getattr(text, lang))


def _cell(text: Text, langs: tuple[str, ...]) -> str:
    """A table cell: each language shown once (a number is the same in both), lines as <br>."""
    parts = list(dict.fromkeys(getattr(text, lang) for lang in langs if getattr(text, lang)))
    return "<br>".join(_escape(part).replace("\n", "<br>") for part in parts) or " "


def _table(table: Table, langs: tuple[str, ...]) -> list[str]:
    out = [f"**{_cell(table.caption, langs)}**", ""]
    out.append("| " + " | ".join(_cell(c, langs) for c in table.columns) + " |")
    out.append("|" + "---|" * len(table.columns))
    out += ["| " + " | ".join(_cell(c, langs) for c in row) + " |" for row in table.rows]
    return out + [""]


def render_markdown(document: Document, layout: str = "parallel") -> bytes:
    langs = layout_languages(layout)
    out = [f"# {_pick(document.title, langs)}", ""]
    out += [f"{_pick(line, langs)}  " for line in document.heading_lines] + [""]
    for party in document.parties:
        out.append(f"**{_pick(party.role, langs)}**: {_pick(party.name, langs)}  ")
        out.append(f"{_pick(party.address, langs)}  ")
        out += [f"{_pick(d, langs)}  " for d in party.details]
        out.append("")
    for section in document.sections:
        out += [f"## {_pick(section.heading, langs)}", ""]
        for clause in section.clauses:
            number = f"{clause.number} " if clause.number else ""
            out += [f"### {number}{_pick(clause.title, langs)}", ""]
            for lang in langs:
                out += [_escape(p) + "\n" for p in getattr(clause, f"paragraphs_{lang}")]
        if section.table:
            table = section.table
            labels = document.labels
            head = ["no", "sku", "description", "specification", "quantity", "unit", "unit_price", "amount", "hs_code"]
            out.append("| " + " | ".join(_pick(labels[f"table.{h}"], langs) for h in head) + " |")
            out.append("|" + "---|" * len(head))
            for row in table.rows:
                cells = [str(row.number), _escape(row.sku), _pick(row.description, langs, "<br>"),
                         _pick(row.specification, langs, "<br>"), row.quantity, _cell(row.unit, langs), row.unit_price,
                         row.amount, _escape(row.hs_code)]
                out.append("| " + " | ".join(cells) + " |")
            out += ["", f"{_pick(labels['table.total'], langs)}: {_pick(table.total_amount, langs)}  ",
                    f"{_pick(labels['table.in_words'], langs)}: {_pick(table.total_words, langs)}", ""]
        for table in section.tables:
            out += _table(table, langs)
    out.append("---")
    for signatory in document.signatories:
        out.append(f"**{_pick(signatory.role, langs)}**: {_pick(signatory.name, langs)}  ")
        out += [f"{_pick(line, langs)}: ____________________  " for line in signatory.lines]
        out.append("")
    return ("\n".join(out).rstrip() + "\n").encode("utf-8")
