"""HTML rendering of a Document: one standalone page (inline CSS, no scripts, no external resources),
the same model the DOCX renderer gets, in the same layouts. `contractgen build --format html` writes
it; `contractgen serve` shows it as the live preview.

Every text from the Document goes through `html.escape`: answers are data, so a supplier named
`<script>` or `{{ 7*7 }}` prints literally. Nothing here is a template.
"""
from __future__ import annotations

from html import escape

from ..documents.model import Clause, Document, Party, ProductTable, Section, Signatory, Table

from ..core.text import Text
from . import layout_languages

_OTHER = {"en": "zh", "zh": "en"}
_LANG_ATTR = {"en": "en", "zh": "zh-Hans"}
_COLUMNS = ("no", "sku", "description", "specification", "quantity", "unit", "unit_price", "amount", "hs_code")

STYLE = """
body { margin: 0; background: #f4f4f1; color: #1d1d1b;
  font-family: "Liberation Serif", "Times New Roman", "Noto Serif CJK SC", "Source Han Serif SC", SimSun, serif; }
.document { max-width: 60rem; margin: 1rem auto; padding: 2rem 2.5rem; background: #fff;
  box-shadow: 0 0 0.4rem rgba(0,0,0,.15); line-height: 1.45; font-size: 11pt; }
:lang(zh) { font-family: "Noto Serif CJK SC", "Source Han Serif SC", SimSun, serif; }
h1 { text-align: center; font-size: 1.5em; margin: 0 0 1rem; }
h1 span { display: block; }
h2 { font-size: 1.1em; margin: 1.4rem 0 .5rem; }
h3 { font-size: 1em; margin: .6rem 0 .2rem; }
p { margin: 0 0 .4rem; }
.pair { display: grid; grid-template-columns: 1fr 1fr; column-gap: 1.5rem; }
.heading-lines, .parties { margin-bottom: 1rem; }
.party { margin-bottom: .6rem; }
.party .role { font-weight: bold; }
.clause { margin-bottom: .5rem; }
.stacked .zh { margin-top: .3rem; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; font-size: .9em; }
caption { text-align: left; font-weight: bold; padding-bottom: .3rem; }
th, td { border: 1px solid #777; padding: .25rem .35rem; vertical-align: top; text-align: left; }
th { background: #e8e8e4; }
td.num { text-align: right; white-space: nowrap; }
.signatures { display: grid; grid-template-columns: 1fr 1fr; column-gap: 2rem; margin-top: 2rem; }
.signatory .line { border-bottom: 1px solid #555; min-height: 2.2rem; margin-top: .4rem;
  display: flex; align-items: flex-end; font-size: .85em; color: #444; }
.signatory .line.chop { min-height: 5.5rem; }
.reference { text-align: right; font-size: .85em; color: #555; }
@media print { body { background: #fff; } .document { box-shadow: none; margin: 0; max-width: none; } }
"""


def _e(text: str) -> str:
    """Escaped text; a line break inside one value (two languages sharing a cell) stays a line break."""
    return escape(text, quote=True).replace("\n", "<br>")


def _side(text: Text, lang: str) -> str:
    """One language of `text`, the other when this one is empty (a party without a Chinese name)."""
    return getattr(text, lang) or getattr(text, _OTHER[lang])


def _cell(text: Text, langs: tuple[str, ...]) -> str:
    """A table cell: each language once (a number is the same in both), one per line."""
    return "<br>".join(_e(part) for part in dict.fromkeys(getattr(text, lang) for lang in langs if getattr(text, lang)))


class _Page:
    def __init__(self, document: Document, layout: str):
        self.doc = document
        self.layout = layout
        self.langs = layout_languages(layout)

    def label(self, key: str) -> Text:
        return self.doc.labels[key]

    def by_language(self, make) -> str:
        """`make(lang)` for each language shown: side by side in `parallel`, one after the other otherwise."""
        blocks = [f'<div class="{lang}" lang="{_LANG_ATTR[lang]}">{make(lang)}</div>' for lang in self.langs]
        css = "pair" if self.layout == "parallel" else "stacked"
        return f'<div class="{css}">{"".join(blocks)}</div>'

    def render(self) -> str:
        doc = self.doc
        out = [f'<article class="document layout-{self.layout}">',
               f'<p class="reference">{_e(doc.reference)}</p>',
               "<h1>" + "".join(f'<span lang="{_LANG_ATTR[lang]}">{_e(_side(doc.title, lang))}</span>'
                                for lang in dict.fromkeys(self.langs)) + "</h1>",
               '<div class="heading-lines">']
        out += [self.by_language(lambda lang, h=h: f"<p>{_e(_side(h, lang))}</p>") for h in doc.heading_lines]
        out.append('</div><div class="parties">')
        out += [self.by_language(lambda lang, p=p: self.party(p, lang)) for p in doc.parties]
        out.append("</div>")
        out += [self.section(s) for s in doc.sections]
        out.append('<div class="signatures">')
        out += [self.signatory(s) for s in doc.signatories]
        out.append("</div></article>")
        return "\n".join(out)

    def party(self, party: Party, lang: str) -> str:
        details = "".join(f"<p>{_e(_side(d, lang))}</p>" for d in party.details if _side(d, lang))
        colon = "：" if lang == "zh" else ": "
        return (f'<div class="party"><p><span class="role">{_e(_side(party.role, lang))}</span>{colon}'
                f'{_e(_side(party.name, lang))}</p><p>{_e(_side(party.address, lang))}</p>{details}</div>')

    def section(self, section: Section) -> str:
        out = [f'<section id="article-{section.number}">',
               self.by_language(lambda lang: f"<h2>{_e(getattr(section.heading, lang))}</h2>")]
        out += [self.clause(c) for c in section.clauses]
        if section.table:
            out.append(self.products(section.table))
        out += [self.table(t) for t in section.tables]
        out.append("</section>")
        return "\n".join(out)

    def clause(self, clause: Clause) -> str:
        def one(lang: str) -> str:
            title = getattr(clause.title, lang)
            heading = f"{clause.number} {title}".strip() if clause.number else title
            paragraphs = "".join(f"<p>{_e(p)}</p>" for p in getattr(clause, f"paragraphs_{lang}"))
            return f"<h3>{_e(heading)}</h3>{paragraphs}"

        return f'<div class="clause" id="clause-{_e(clause.id)}">{self.by_language(one)}</div>'

    def products(self, table: ProductTable) -> str:
        heads = []
        for key in _COLUMNS:
            label = self.label(f"table.{key}")
            if key in ("unit_price", "amount"):
                label = Text(f"{label.en} ({table.currency})", f"{label.zh}（{table.currency}）")
            heads.append(f"<th>{_cell(label, self.langs)}</th>")
        rows = []
        for r in table.rows:
            cells = [f'<td class="num">{r.number}</td>', f"<td>{_e(r.sku)}</td>",
                     f"<td>{_cell(r.description, self.langs)}</td>", f"<td>{_cell(r.specification, self.langs)}</td>",
                     f'<td class="num">{_e(r.quantity)}</td>', f"<td>{_cell(r.unit, self.langs)}</td>",
                     f'<td class="num">{_e(r.unit_price)}</td>', f'<td class="num">{_e(r.amount)}</td>',
                     f"<td>{_e(r.hs_code)}</td>"]
            rows.append("<tr>" + "".join(cells) + "</tr>")
        in_words = self.label("table.in_words")
        words = "<br>".join(
            _e(f"{in_words.en}: {_side(table.total_words, 'en')}" if lang == "en"
               else f"{in_words.zh}：{_side(table.total_words, 'zh')}") for lang in self.langs)
        total = (f'<tr class="total"><th colspan="4">{_cell(self.label("table.total"), self.langs)}</th>'
                 f'<td class="num">{_e(table.total_quantity)}</td><td colspan="2"></td>'
                 f'<td class="num" colspan="2">{_cell(table.total_amount, self.langs)}</td></tr>'
                 f'<tr class="words"><td colspan="9">{words}</td></tr>')
        return (f'<table class="products"><thead><tr>{"".join(heads)}</tr></thead>'
                f'<tbody>{"".join(rows)}{total}</tbody></table>')

    def table(self, table: Table) -> str:
        weights = table.widths or (1,) * len(table.columns)
        cols = "".join(f'<col style="width:{100 * w / sum(weights):.1f}%">' for w in weights)
        head = "".join(f"<th>{_cell(c, self.langs)}</th>" for c in table.columns)
        rows = "".join("<tr>" + "".join(f"<td>{_cell(c, self.langs)}</td>" for c in row) + "</tr>"
                       for row in table.rows)
        return (f'<table class="grid"><caption>{_cell(table.caption, self.langs)}</caption>'
                f"<colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")

    def signatory(self, signatory: Signatory) -> str:
        chop = self.doc.labels.get("signature.chop")
        inline = " / ".join(dict.fromkeys(_side(signatory.role, lang) for lang in self.langs))
        lines = "".join(
            f'<div class="line{" chop" if line == chop else ""}">'
            f'{_e(" / ".join(dict.fromkeys(_side(line, lang) for lang in self.langs)))}</div>'
            for line in signatory.lines)
        return (f'<div class="signatory"><p class="role"><strong>{_e(inline)}</strong></p>'
                f"<p>{_cell(signatory.name, self.langs)}</p>{lines}</div>")


def render_html(document: Document, layout: str = "parallel") -> bytes:
    """A standalone page: UTF-8, the CSS inline, nothing loaded from anywhere."""
    page = _Page(document, layout)
    lang = _LANG_ATTR[page.langs[0]] if len(page.langs) == 1 else "en"
    title = " / ".join(dict.fromkeys(_side(document.title, lg) for lg in page.langs))
    return ("<!DOCTYPE html>\n"
            f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_e(document.reference)} {_e(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            f"{page.render()}\n</body>\n</html>\n").encode("utf-8")
