"""Build templates/docx/house.docx, the docxtpl house template, with python-docx.

Run once: `python tools/make_house_template.py`. From then on the .docx is the source a lawyer restyles
in Word (styles, margins, header, letterhead); this script is only how it was first made, and rerunning
it overwrites their changes. The Jinja variables the template uses are documented in
contractgen/render/docx.py (`_context`).
"""
from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from contractgen.render import ooxml  # noqa: E402
from contractgen.render.docx import EAST_ASIAN_ALT_NAME, EAST_ASIAN_FONT, LATIN_FONT  # noqa: E402

OUT = ROOT / "templates" / "docx" / "house.docx"

PAGE_W, PAGE_H = Cm(21.0), Cm(29.7)
MARGIN_LR = Cm(2.2)
TEXT_W = Emu(PAGE_W - 2 * MARGIN_LR)
# Product table columns in cm; they add up to the text width (16.6 cm).
PRODUCT_COLUMNS = [
    ("no", 0.8), ("sku", 1.9), ("description", 3.2), ("specification", 3.1), ("quantity", 1.4),
    ("unit", 1.0), ("unit_price", 1.7), ("amount", 2.0), ("hs_code", 1.5),
]
_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
APP_XML = (b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
           b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
           b"<Application>contractgen</Application></Properties>")
KEEP_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList", "Title", "Heading1",
               "Header", "Footer"}


def main() -> None:
    doc = Document()
    _drop_default_parts(doc)
    _prune_styles(doc)
    _define_styles(doc)
    _page_setup(doc)
    _header_footer(doc)
    _body(doc)

    members = ooxml.package_members(doc.part.package)
    ooxml.east_asian_fonts(members, latin=LATIN_FONT, east_asia=EAST_ASIAN_FONT,
                           alt_name=EAST_ASIAN_ALT_NAME)
    ooxml.set_core_properties(members, title="contractgen house template", author="contractgen",
                              created="2026-01-01T00:00:00Z")
    members["docProps/app.xml"] = APP_XML  # python-docx's claims a Mac Word and its word counts
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(ooxml.write_zip(members))
    print(f"wrote {OUT.relative_to(ROOT)}")


# --- package and styles ---------------------------------------------------------------------------


def _drop_default_parts(doc) -> None:
    """python-docx's default template carries a thumbnail of itself, customXml items and a 430 kB
    stylesWithEffects part; none is ours, and every byte is parsed on each render."""
    for rels, reltypes in ((doc.part.package.rels, {RT.THUMBNAIL}),
                           (doc.part.rels, {_STYLES_WITH_EFFECTS, RT.CUSTOM_XML, RT.WEB_SETTINGS})):
        for rid in [rid for rid, rel in rels.items() if rel.reltype in reltypes]:
            del rels[rid]


def _prune_styles(doc) -> None:
    """Keep only the styles the template uses, so Word's style pane shows the house styles."""
    root = doc.styles.element
    for style in root.findall(qn("w:style")):
        if style.get(qn("w:styleId")) not in KEEP_STYLES:
            root.remove(style)
    for tag in ("w:link", "w:rsid"):
        for el in root.iter(qn(tag)):
            el.getparent().remove(el)
    for name in ("Normal", "Title", "Heading 1", "Header", "Footer"):
        style = doc.styles[name]
        for tag in ("w:pPr", "w:rPr"):
            el = style.element.find(qn(tag))
            if el is not None:
                style.element.remove(el)


def _paragraph_style(doc, name, *, base="Normal", size=None, bold=False, align=None, before=0, after=0,
                     keep_next=False):
    styles = doc.styles
    existing = {s.name for s in styles}
    style = styles[name] if name in existing else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if name != "Normal":
        style.base_style = styles[base]
    style.quick_style = True
    font = style.font
    if size:
        font.size = Pt(size)
    font.bold = bold or None
    pf = style.paragraph_format
    if align is not None:
        pf.alignment = align
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    if keep_next:
        pf.keep_with_next = True
    ooxml.set_run_fonts(style.element.get_or_add_rPr(), latin=LATIN_FONT, east_asia=EAST_ASIAN_FONT)
    return style


def _define_styles(doc) -> None:
    J, C, R = WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    normal = _paragraph_style(doc, "Normal", size=10.5)
    normal.paragraph_format.line_spacing = 1.0
    _paragraph_style(doc, "Title", size=16, bold=True, align=C, after=4)
    _paragraph_style(doc, "Heading Line", size=10)
    heading = _paragraph_style(doc, "Heading 1", size=11, bold=True, before=12, after=6, keep_next=True)
    heading.paragraph_format.keep_together = True
    heading.element.get_or_add_pPr().get_or_add_outlineLvl().val = 0  # Word's navigation pane
    _paragraph_style(doc, "Clause Title EN", bold=True, before=8, after=2, keep_next=True)
    _paragraph_style(doc, "Clause Title ZH", bold=True, before=4, after=2, keep_next=True)
    _paragraph_style(doc, "Clause EN", align=J, after=4)
    _paragraph_style(doc, "Clause ZH", align=J, after=4)
    _paragraph_style(doc, "Party Role", bold=True, before=6, keep_next=True)
    _paragraph_style(doc, "Party Name", bold=True, keep_next=True)
    _paragraph_style(doc, "Party", size=10)
    _paragraph_style(doc, "Table Header", size=8, bold=True, align=C)
    _paragraph_style(doc, "Table Text", size=8)
    _paragraph_style(doc, "Table Number", base="Table Text", size=8, align=R)
    _paragraph_style(doc, "Table Caption", size=9, before=3)
    _paragraph_style(doc, "Table Title", size=9, bold=True, before=8, after=3, keep_next=True)
    _paragraph_style(doc, "Signature Role", bold=True, before=12)
    _paragraph_style(doc, "Signature Name")
    # Sign above the rule, caption below it: the space before the rule is the signing room.
    line = _paragraph_style(doc, "Signature Line", size=4, before=30)
    _border(line.element.get_or_add_pPr(), "bottom")
    # A Chinese company chop is a circle of about 4 cm; it needs that much room above its rule.
    _paragraph_style(doc, "Chop Line", base="Signature Line", size=4, before=118)
    _paragraph_style(doc, "Signature Caption", size=9, before=1)
    _paragraph_style(doc, "Spacer", size=4)
    header = _paragraph_style(doc, "Header", size=8)
    header.paragraph_format.tab_stops.add_tab_stop(TEXT_W, WD_TAB_ALIGNMENT.RIGHT)
    _paragraph_style(doc, "Footer", size=8, align=C)


# the w:pPr children the schema puts before w:pBdr (python-docx keeps children in schema order)
_BEFORE_PBDR = {qn(f"w:{t}") for t in ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr",
                                        "widowControl", "numPr", "suppressLineNumbers")}


def _border(ppr, side: str) -> None:
    edge = OxmlElement(f"w:{side}")
    for k, v in (("val", "single"), ("sz", "4"), ("space", "1"), ("color", "auto")):
        edge.set(qn(f"w:{k}"), v)
    borders = OxmlElement("w:pBdr")
    borders.append(edge)
    ppr.insert(sum(child.tag in _BEFORE_PBDR for child in ppr), borders)


# --- page, header, footer -------------------------------------------------------------------------


def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE_W, PAGE_H
    section.left_margin = section.right_margin = MARGIN_LR
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    section.header_distance, section.footer_distance = Cm(1.2), Cm(1.0)
    section.different_first_page_header_footer = True


def _header_footer(doc) -> None:
    section = doc.sections[0]
    # Letterhead: the first page carries the title in the body, so its header holds only the number
    # (and is where a lawyer puts the firm's logo).
    first = section.first_page_header.paragraphs[0]
    first.style = doc.styles["Header"]
    first.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    first.add_run("{{ header_reference }}")

    running = section.header.paragraphs[0]
    running.style = doc.styles["Header"]
    running.add_run("{{ header_reference }}\t{{ header_title }}")
    _border(running._p.get_or_add_pPr(), "bottom")

    for footer in (section.footer, section.first_page_footer):
        para = footer.paragraphs[0]
        para.text = "{%p for f in page_footer %}"
        line = footer.add_paragraph(style="Footer")
        line.add_run("{{ f.before }}")
        _field(line, "PAGE")
        line.add_run("{{ f.of }}")
        _field(line, "NUMPAGES")
        line.add_run("{{ f.after }}")
        footer.add_paragraph("{%p endfor %}")


def _field(paragraph, instruction: str) -> None:
    """A real field (begin, instruction, separate, result, end) that Word and LibreOffice update."""
    def fld_char(kind):
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        return el

    paragraph.add_run()._r.append(fld_char("begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    paragraph.add_run()._r.append(fld_char("separate"))
    paragraph.add_run("1")
    paragraph.add_run()._r.append(fld_char("end"))


# --- body -----------------------------------------------------------------------------------------


def _body(doc) -> None:
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    tag = doc.add_paragraph

    tag("{%p for t in title %}")
    doc.add_paragraph("{{ t }}", style="Title")
    tag("{%p endfor %}")

    tag("{%p if heading_lines %}")
    lines = _table(doc, _halves(), rows=3)
    _tag_row(lines.rows[0], "{%tr for h in heading_lines %}")
    for cell, side in zip(lines.rows[1].cells, ("left", "right")):
        _fill(cell, [("Heading Line", f"{{{{ h.{side} }}}}")])
    _tag_row(lines.rows[2], "{%tr endfor %}")
    tag("{%p endif %}")
    doc.add_paragraph(style="Spacer")

    tag("{%p if parties %}")
    parties = _table(doc, _halves(), rows=3)
    _tag_row(parties.rows[0], "{%tr for row in parties %}")
    for cell, side in zip(parties.rows[1].cells, ("left", "right")):
        _fill(cell, [("Party Role", f"{{{{ row.{side}.role }}}}"),
                     ("Party Name", f"{{{{ row.{side}.name }}}}"),
                     ("Party", f"{{{{ row.{side}.address }}}}"),
                     (None, f"{{%p for d in row.{side}.details %}}"),
                     ("Party", "{{ d }}"),
                     (None, "{%p endfor %}")])
    _tag_row(parties.rows[2], "{%tr endfor %}")
    tag("{%p endif %}")

    tag("{%p for s in sections %}")
    doc.add_paragraph("{{ s.heading }}", style="Heading 1")
    tag("{%p if parallel and s.clauses %}")
    clauses = _table(doc, _halves(), rows=3, inside_v=True)
    _tag_row(clauses.rows[0], "{%tr for c in s.clauses %}")
    for cell, lang in zip(clauses.rows[1].cells, ("en", "zh")):
        _fill(cell, [(f"Clause Title {lang.upper()}", f"{{{{ c.title_{lang} }}}}"),
                     (None, f"{{%p for para in c.{lang} %}}"),
                     (f"Clause {lang.upper()}", "{{ para }}"),
                     (None, "{%p endfor %}")])
        # Keep-with-next inside a row chains it to the next row: the whole table would move as one
        # block to the next page. Rows may split; a title need only stay with its own text.
        cell.paragraphs[0].paragraph_format.keep_with_next = False
    _tag_row(clauses.rows[2], "{%tr endfor %}")
    tag("{%p else %}")
    tag("{%p for c in s.clauses %}")
    for lang in ("en", "zh"):
        tag(f"{{%p if show_{lang} %}}")
        doc.add_paragraph(f"{{{{ c.title_{lang} }}}}", style=f"Clause Title {lang.upper()}")
        tag(f"{{%p for para in c.{lang} %}}")
        doc.add_paragraph("{{ para }}", style=f"Clause {lang.upper()}")
        tag("{%p endfor %}")
        tag("{%p endif %}")
    tag("{%p endfor %}")
    tag("{%p endif %}")
    tag("{%p if s.table %}")
    doc.add_paragraph(style="Spacer")
    _product_table(doc)
    tag("{%p for line in s.table.words %}")
    doc.add_paragraph("{{ line }}", style="Table Caption")
    tag("{%p endfor %}")
    tag("{%p endif %}")
    tag("{%p for t in s.tables %}")
    tag("{%p for line in t.caption %}")
    doc.add_paragraph("{{ line }}", style="Table Title")
    tag("{%p endfor %}")
    _generic_table(doc)
    tag("{%p endfor %}")
    tag("{%p endfor %}")

    tag("{%p if signatories %}")
    doc.add_paragraph(style="Spacer")
    signatures = _table(doc, [Emu(TEXT_W // 3)] * 3, rows=1, cell_margin=Cm(0.3))
    row = signatures.rows[0]
    _cant_split(row)
    cells = row.cells
    cells[0].paragraphs[0].text = "{%tc for sig in signatories %}"
    _fill(cells[1], [("Signature Role", "{{ sig.role }}"),
                     ("Signature Name", "{{ sig.name }}"),
                     (None, "{%p for line in sig.lines %}"),
                     (None, "{%p if line.chop %}"),
                     ("Chop Line", ""),
                     (None, "{%p else %}"),
                     ("Signature Line", ""),
                     (None, "{%p endif %}"),
                     ("Signature Caption", "{{ line.text }}"),
                     (None, "{%p endfor %}")])
    cells[2].paragraphs[0].text = "{%tc endfor %}"
    for cell in cells:  # let the grid decide, so N signatories get N equal columns
        tc_pr = cell._tc.get_or_add_tcPr()
        tc_pr.remove(tc_pr.find(qn("w:tcW")))
    tag("{%p endif %}")
    doc.add_paragraph(style="Spacer")  # a document must not end with a table


def _halves():
    return [Emu(TEXT_W // 2), Emu(TEXT_W - TEXT_W // 2)]


def _product_table(doc) -> None:
    widths = [Cm(w) for _, w in PRODUCT_COLUMNS]
    table = _table(doc, widths, rows=4, borders=True, cell_margin=Cm(0.1))
    header, loop_start, row, loop_end = table.rows
    _repeat_header(header)
    for cell, (key, _) in zip(header.cells, PRODUCT_COLUMNS):
        _fill(cell, [("Table Header", f"{{{{ s.table.columns.{key} }}}}")])
        _shade(cell, "D9D9D9")
    _tag_row(loop_start, "{%tr for r in s.table.rows %}")
    numeric = {"no", "quantity", "unit_price", "amount"}
    for cell, (key, _) in zip(row.cells, PRODUCT_COLUMNS):
        _fill(cell, [("Table Number" if key in numeric else "Table Text", f"{{{{ r.{key} }}}}")])
    _tag_row(loop_end, "{%tr endfor %}")
    _cant_split(row)
    total = table.add_row()
    _cant_split(total)
    c = total.cells
    label = c[0].merge(c[3])
    _fill(label, [("Table Header", "{{ s.table.total_label }}")])
    _fill(c[4], [("Table Number", "{{ s.table.total_quantity }}")])
    amount = c[5].merge(c[7])
    _fill(amount, [("Table Number", "{{ s.table.total_amount }}")])
    _fill(c[8], [("Table Text", "")])


def _generic_table(doc) -> None:
    """A checklist table (model.Table): as many columns as the table has (`{%tc for %}`), a shaded header
    row repeated on each page, rows that do not split, fixed layout. The assembler's relative column
    widths travel in the table description; the renderer applies them and removes it."""
    table = _table(doc, [Emu(TEXT_W // 3)] * 3, rows=4, borders=True, cell_margin=Cm(0.1))
    header, loop_start, row, loop_end = table.rows
    _repeat_header(header)
    for cells, content in ((header.cells, ("Table Header", "{{ c }}")), (row.cells, ("Table Text", "{{ cell }}"))):
        loop = "c in t.columns" if content[1] == "{{ c }}" else "cell in r"
        cells[0].paragraphs[0].text = f"{{%tc for {loop} %}}"
        _fill(cells[1], [content])
        cells[2].paragraphs[0].text = "{%tc endfor %}"
        for cell in cells:  # the renderer sets each column's width
            tc_pr = cell._tc.get_or_add_tcPr()
            tc_pr.remove(tc_pr.find(qn("w:tcW")))
    _shade(header.cells[1], "D9D9D9")
    _tag_row(loop_start, "{%tr for r in t.rows %}")
    _tag_row(loop_end, "{%tr endfor %}")
    _cant_split(row)
    description = OxmlElement("w:tblDescription")
    description.set(qn("w:val"), "{{ t.widths }}")
    table._tbl.tblPr.append(description)


def _table(doc, widths, *, rows, borders=False, inside_v=False, cell_margin=Cm(0.15)):
    """A fixed-layout table with explicit grid and cell widths (LibreOffice otherwise makes the
    columns equal)."""
    table = doc.add_table(rows=rows, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(sum(w.twips for w in widths)))
    for grid_col, width in zip(table._tbl.tblGrid.iterchildren(qn("w:gridCol")), widths):
        grid_col.set(qn("w:w"), str(width.twips))
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width
    edges = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        on = borders or (inside_v and side == "insideV")
        el.set(qn("w:val"), "single" if on else "nil")
        if on:
            el.set(qn("w:sz"), "4")
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "808080" if inside_v else "auto")
        edges.append(el)
    margins = OxmlElement("w:tblCellMar")
    for side, size in (("top", 20), ("left", cell_margin.twips), ("bottom", 40),
                       ("right", cell_margin.twips)):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(size))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    layout = tbl_pr.find(qn("w:tblLayout"))  # python-docx's, from autofit = False
    layout.addprevious(edges)
    layout.addnext(margins)
    return table


def _fill(cell, paragraphs) -> None:
    """Put (style, text) paragraphs in a cell; style None is a docxtpl tag paragraph."""
    first = cell.paragraphs[0]
    for i, (style, text) in enumerate(paragraphs):
        para = first if i == 0 else cell.add_paragraph()
        para.text = text
        if style:
            para.style = cell.part.document.styles[style]


def _tag_row(row, text: str) -> None:
    row.cells[0].paragraphs[0].text = text


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        tr_pr.append(OxmlElement(tag))


def _cant_split(row) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _shade(cell, fill: str) -> None:
    shd = OxmlElement("w:shd")
    for k, v in (("val", "clear"), ("color", "auto"), ("fill", fill)):
        shd.set(qn(f"w:{k}"), v)
    cell._tc.get_or_add_tcPr().append(shd)


if __name__ == "__main__":
    main()
