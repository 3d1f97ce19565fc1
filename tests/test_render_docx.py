"""The DOCX renderer, checked by opening what it writes (python-docx, zip, LibreOffice)."""
from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import docx
import pytest
from lxml import etree

from contractgen.documents.labels import LABELS
from contractgen.documents.model import Clause, Document, Party, ProductRow, ProductTable, Section, Signatory
from contractgen.core.text import Text
from contractgen.render import LAYOUTS
from contractgen.render import ooxml
from contractgen.render.docx import read_custom_properties, render_docx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

MANIFEST = {
    "tool": "contractgen",
    "tool_version": "0.1.0",
    "document": "sales_contract",
    "answers_sha256": "a" * 64,
    "library_sha256": "b" * 64,
    "clauses": [
        {"id": "payment.deposit", "version": "1.2.0", "sha256": "c" * 64},
        {"id": "quality.aql", "version": "1.0.0", "sha256": "d" * 64},
    ],
}


def make_document(*, supplier_en: str = "Shenzhen Huaxin Houseware Co., Ltd.",
                  supplier_zh: str = "深圳市华信家居用品有限公司", clauses_per_section: int = 3,
                  sections: int = 3, product_rows: int = 2) -> Document:
    """A sales contract built by hand, shaped like the assembler's output."""
    secs = []
    zh_numbers = "一二三四五六七八九十"
    for s in range(1, sections + 1):
        clauses = []
        for c in range(1, clauses_per_section + 1):
            number = f"{s}.{c}" if clauses_per_section > 1 else ""
            clauses.append(Clause(
                id=f"topic{s}.clause{c}", version="1.0.0", number=number,
                title=Text(f"Clause title {s}.{c}", f"条款标题{s}.{c}"),
                paragraphs_en=(f"English text of clause {s}.{c}: the Supplier shall deliver the Goods "
                               f"conforming to the approved sample within the agreed time.",
                               f"Second paragraph of clause {s}.{c}."),
                paragraphs_zh=(f"第{s}.{c}条中文：卖方应在约定期限内交付与确认样品一致的货物，"
                               f"质量、规格、包装均须符合本合同约定。",
                               f"第{s}.{c}条第二段。"),
            ))
        table = None
        if s == 1 and product_rows:
            table = ProductTable(
                currency="USD",
                rows=tuple(ProductRow(
                    number=i, sku=f"NW-BOT-{i}00", description=Text("500 ml vacuum bottle", "500毫升真空保温瓶"),
                    specification=Text("304 stainless steel, powder coated", "304不锈钢，喷粉涂层"),
                    quantity="5,000", unit=Text("pcs", "件"), unit_price="3.20", amount="16,000.00", hs_code="9617.00",
                ) for i in range(1, product_rows + 1)),
                total_quantity=f"{5000 * product_rows:,}",
                total_amount=Text(f"USD {16000 * product_rows:,}.00", f"美元{16000 * product_rows:,}.00"),
                total_words=Text("SAY US DOLLARS THIRTY-TWO THOUSAND ONLY", "美元叁万贰仟元整"),
            )
        heading = Text(f"Article {s} Heading {s}", f"第{zh_numbers[s - 1]}条 标题{s}")
        secs.append(Section(number=s, heading=heading, clauses=tuple(clauses), table=table))
    sign_lines = (LABELS["signature.signature"], LABELS["signature.chop"], LABELS["signature.date"])
    return Document(
        kind="sales_contract",
        title=Text("Sales Contract", "销售合同"),
        reference="SC-2026-0142",
        date="2026-11-23",
        heading_lines=(Text("Contract No.: SC-2026-0142", "合同编号：SC-2026-0142"),
                       Text("Date: 23 November 2026", "签订日期：2026年11月23日"),
                       Text("Place of signing: Shenzhen", "签订地点：深圳")),
        parties=(
            Party(role=Text("Buyer", "买方"), name=Text("Northwind Home Goods LLC", ""),
                  address=Text("1200 Harbor Ave, Seattle, WA 98101, USA", ""),
                  details=(Text("Representative: Jane Doe", "代表：Jane Doe"),)),
            Party(role=Text("Supplier", "卖方"), name=Text(supplier_en, supplier_zh),
                  address=Text("Building 3, Fenghuang Industrial Zone, Shenzhen", "广东省深圳市宝安区福永街道凤凰工业区3栋"),
                  details=(Text("USCC: 9144030071526726XG", "统一社会信用代码：9144030071526726XG"),)),
        ),
        sections=tuple(secs),
        signatories=(
            Signatory(role=Text("Buyer", "买方"), name=Text("Northwind Home Goods LLC", ""), lines=sign_lines),
            Signatory(role=Text("Supplier", "卖方"), name=Text(supplier_en, supplier_zh), lines=sign_lines),
        ),
        labels=dict(LABELS),
        manifest=MANIFEST,
    )


def open_docx(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def all_text(d) -> str:
    """Every paragraph of the body, tables included, one per line."""
    body = d.element.body
    return "\n".join("".join(t.text or "" for t in p.iter(f"{{{W}}}t")) for p in body.iter(f"{{{W}}}p"))


def _part_xml(data: bytes, member: str) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read(member).decode("utf-8")


def clause_texts(document: Document, lang: str) -> list[str]:
    return [p for s in document.sections for c in s.clauses for p in getattr(c, f"paragraphs_{lang}")]


# --- content per layout ---------------------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_clause_paragraph_is_printed_in_the_languages_of_the_layout(layout):
    document = make_document()
    text = all_text(open_docx(render_docx(document, layout)))
    paragraphs = text.splitlines()
    for lang in ("en", "zh"):
        for para in clause_texts(document, lang):
            if layout in (lang, "parallel", "stacked"):
                assert para in paragraphs
            else:
                assert para not in text


def test_parallel_puts_each_english_clause_beside_its_chinese_one():
    document = make_document()
    d = open_docx(render_docx(document, "parallel"))
    pairs = []
    for table in d.tables:
        for row in table.rows:
            cells = row.cells
            if len(cells) == 2:
                pairs.append((cells[0].text, cells[1].text))
    for section in document.sections:
        for clause in section.clauses:
            en = "\n".join((f"{clause.number} {clause.title.en}", *clause.paragraphs_en))
            zh = "\n".join((f"{clause.number} {clause.title.zh}", *clause.paragraphs_zh))
            assert (en, zh) in pairs


def test_stacked_prints_english_then_chinese_for_each_clause():
    document = make_document()
    paragraphs = [p.text for p in open_docx(render_docx(document, "stacked")).paragraphs]
    clause = document.sections[1].clauses[0]
    start = paragraphs.index(f"{clause.number} {clause.title.en}")
    assert paragraphs[start:start + 6] == [
        f"{clause.number} {clause.title.en}", *clause.paragraphs_en,
        f"{clause.number} {clause.title.zh}", *clause.paragraphs_zh,
    ]
    assert paragraphs.index("Article 2 Heading 2\n第二条 标题2") < start


def test_a_clause_without_a_number_has_no_sub_number():
    document = make_document(clauses_per_section=1)
    paragraphs = [p.text for p in open_docx(render_docx(document, "en")).paragraphs]
    assert "Clause title 1.1" in paragraphs
    assert not any(p.startswith(" ") for p in paragraphs)


@pytest.mark.parametrize("layout", ["en", "zh"])
def test_single_language_layouts_print_no_caption_of_the_other_language(layout):
    other = "zh" if layout == "en" else "en"
    d = open_docx(render_docx(make_document(), layout))
    text = all_text(d)
    for key in ("table.description", "table.total", "table.in_words", "signature.chop"):
        assert getattr(LABELS[key], layout) in text
        assert getattr(LABELS[key], other) not in text
    assert getattr(Text("Sales Contract", "销售合同"), other) not in text
    footer = [p.text for p in d.sections[0].footer.paragraphs if p.text]
    assert footer == [{"en": "Page 1 of 1", "zh": "第 1 页，共 1 页"}[layout]]


def test_product_table_has_bilingual_headers_rows_totals_and_words():
    document = make_document(product_rows=3)
    d = open_docx(render_docx(document, "parallel"))
    table = next(t for t in d.tables if "SKU" in t.rows[0].cells[1].text)
    header = [c.text for c in table.rows[0].cells]
    assert header[:4] == ["No.\n序号", "SKU\n货号", "Description\n品名", "Specification\n规格"]
    assert header[6] == "Unit price (USD)\n单价（USD）"
    assert header[7] == "Amount (USD)\n金额（USD）"
    assert [r.cells[1].text for r in table.rows[1:4]] == ["NW-BOT-100", "NW-BOT-200", "NW-BOT-300"]
    assert table.rows[1].cells[2].text == "500 ml vacuum bottle\n500毫升真空保温瓶"
    totals = table.rows[4].cells
    assert totals[0].text == "Total\n合计"
    assert totals[4].text == "15,000"
    assert totals[7].text == "USD 48,000.00\n美元48,000.00"
    text = all_text(d)
    assert "In words: SAY US DOLLARS THIRTY-TWO THOUSAND ONLY" in text
    assert "大写：美元叁万贰仟元整" in text


def test_product_table_has_fixed_widths_and_a_repeated_header_row():
    xml = _part_xml(render_docx(make_document(), "parallel"), "word/document.xml")
    root = etree.fromstring(xml.encode())
    table = next(t for t in root.iter(f"{{{W}}}tbl") if "货号" in "".join(t.itertext()))
    widths = [int(g.get(f"{{{W}}}w")) for g in table.iter(f"{{{W}}}gridCol")]
    assert len(widths) == 9 and len(set(widths)) > 3
    assert table.find(f"{{{W}}}tblPr/{{{W}}}tblLayout").get(f"{{{W}}}type") == "fixed"
    first_row = table.find(f"{{{W}}}tr")
    assert first_row.find(f"{{{W}}}trPr/{{{W}}}tblHeader") is not None


def test_parties_and_signatures_fall_back_to_the_other_language_when_one_is_empty():
    d = open_docx(render_docx(make_document(), "zh"))
    text = all_text(d)
    assert "Northwind Home Goods LLC" in text  # the buyer has no Chinese name
    assert "买方" in text and "Buyer" not in text


def test_signature_block_has_one_column_per_signatory_and_room_for_the_chop():
    d = open_docx(render_docx(make_document(), "parallel"))
    table = d.tables[-1]
    assert len(table.columns) == 2
    cells = table.rows[0].cells
    assert "Northwind Home Goods LLC" in cells[0].text
    assert "深圳市华信家居用品有限公司" in cells[1].text
    paragraphs = cells[0].paragraphs
    caption = next(i for i, p in enumerate(paragraphs) if p.text == "Company chop / 公司盖章")
    room = paragraphs[caption - 1]  # the rule the chop sits above
    assert room.style.name == "Chop Line"
    assert room.style.paragraph_format.space_before.cm >= 4.0
    signature = next(i for i, p in enumerate(paragraphs) if p.text == "Authorised signature / 授权代表签字")
    assert paragraphs[signature - 1].style.name == "Signature Line"


def test_three_signatories_get_three_columns():
    document = make_document()
    third = Signatory(role=Text("Guarantor", "担保方"), name=Text("Guarantor Ltd.", "担保有限公司"),
                      lines=document.signatories[0].lines)
    d = open_docx(render_docx(replace(document, signatories=(*document.signatories, third)), "parallel"))
    table = d.tables[-1]
    assert len(table.columns) == 3
    assert "担保有限公司" in table.rows[0].cells[2].text


@pytest.mark.parametrize("layout", LAYOUTS)
def test_sparse_documents_still_make_valid_files(layout):
    document = make_document()
    lone_table = replace(document.sections[0], clauses=())
    third_party = replace(document.parties[0], role=Text("Agent", "代理人"))
    sparse = replace(document, heading_lines=(), signatories=(), sections=(lone_table,),
                     parties=(*document.parties, third_party))
    d = open_docx(render_docx(sparse, layout))
    assert "NW-BOT-100" in all_text(d)
    empty = replace(document, heading_lines=(), parties=(), sections=(), signatories=())
    assert open_docx(render_docx(empty, layout)).tables == []


def test_a_missing_label_is_an_error_naming_it():
    document = make_document()
    labels = {k: v for k, v in document.labels.items() if k != "table.sku"}
    with pytest.raises(ValueError, match="table.sku"):
        render_docx(replace(document, labels=labels), "parallel")


def test_unknown_layout_is_an_error_naming_the_valid_ones():
    with pytest.raises(ValueError, match="parallel, stacked, en, zh"):
        render_docx(make_document(), "sideways")


# --- values are data ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["{{ 7*7 }}", "Smith & Jones <Asia>", "<w:p>&", "{% if x %}y{% endif %}",
                                  "{_{ x }_} {_% y %_}", "a\x07b\x0cc\x01d"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_hostile_values_print_literally_and_the_file_opens(name, layout):
    document = make_document(supplier_en=name, supplier_zh=name)
    document = replace(document, reference=name)
    data = render_docx(document, layout)
    d = open_docx(data)
    expected = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", "", name)
    assert expected in all_text(d)
    assert expected in d.sections[0].header.paragraphs[0].text
    if "{{" in name:
        assert "49" not in all_text(d)
    package = zipfile.ZipFile(io.BytesIO(data))
    for member in package.namelist():
        if member.endswith(".xml"):
            etree.fromstring(package.read(member))


def test_a_newline_in_a_value_is_a_line_break_not_a_new_paragraph():
    d = open_docx(render_docx(make_document(supplier_en="Line one\nLine two"), "en"))
    names = [p.text for c in d.tables[-1].rows[0].cells for p in c.paragraphs]
    assert "Line one\nLine two" in names


def test_a_tab_in_a_value_stays_in_its_run_and_braces_stay_text():
    d = open_docx(render_docx(make_document(supplier_en="Unit\t7 {{ x }} {% if %}"), "en"))
    runs = [r for c in d.tables[-1].rows[0].cells for p in c.paragraphs for r in p.runs
            if "Unit" in r.text]
    assert [r.text for r in runs] == ["Unit\t7 {{ x }} {% if %}"]  # one run: the tab does not split it


def test_one_template_serves_threads_rendering_at_once():
    documents = [make_document(supplier_en=f"Supplier {i}") for i in range(8)]
    alone = [render_docx(document, "parallel") for document in documents]
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(lambda document: render_docx(document, "parallel"), documents)) == alone


# --- fonts ----------------------------------------------------------------------------------------


def test_styles_name_an_east_asian_font_and_chinese_language():
    data = render_docx(make_document(), "parallel")
    styles = etree.fromstring(_part_xml(data, "word/styles.xml").encode())
    defaults = styles.find(f"{{{W}}}docDefaults/{{{W}}}rPrDefault/{{{W}}}rPr")
    fonts = defaults.find(f"{{{W}}}rFonts")
    assert fonts.get(f"{{{W}}}eastAsia") == "SimSun"
    assert fonts.get(f"{{{W}}}ascii") == "Times New Roman"
    assert defaults.find(f"{{{W}}}lang").get(f"{{{W}}}eastAsia") == "zh-CN"
    for style_id in ("Normal", "Title", "Heading1", "ClauseZH", "TableText"):
        style = styles.find(f"{{{W}}}style[@{{{W}}}styleId='{style_id}']")
        assert style.find(f"{{{W}}}rPr/{{{W}}}rFonts").get(f"{{{W}}}eastAsia") == "SimSun", style_id
    theme_attrs = [a for f in styles.iter(f"{{{W}}}rFonts") for a in f.attrib if a.lower().endswith("theme")]
    assert theme_attrs == []
    settings = _part_xml(data, "word/settings.xml")
    assert re.search(r'<w:themeFontLang [^>]*w:eastAsia="zh-CN"', settings)


def test_theme_fonts_a_restyle_in_word_brings_back_are_removed(tmp_path, monkeypatch):
    from contractgen.render import docx as docx_render, ooxml

    members = ooxml.read_members(docx_render.TEMPLATE.read_bytes())
    members["word/styles.xml"] = members["word/styles.xml"].replace(
        b'w:eastAsia="SimSun"', b'w:eastAsia="SimSun" w:eastAsiaTheme="minorEastAsia"')
    members["word/settings.xml"] = re.sub(rb'(<w:themeFontLang [^>]*w:eastAsia=")zh-CN', rb"\1ja-JP",
                                          members["word/settings.xml"])
    template = tmp_path / "house.docx"
    template.write_bytes(ooxml.write_zip(members))
    monkeypatch.setattr(docx_render, "TEMPLATE", template)
    data = render_docx(make_document(), "parallel")
    assert b"eastAsiaTheme" not in ooxml.read_members(data)["word/styles.xml"]
    assert 'w:eastAsia="zh-CN"' in _part_xml(data, "word/settings.xml")


# --- package --------------------------------------------------------------------------------------


def test_two_renders_are_byte_identical():
    document = make_document()
    assert render_docx(document, "parallel") == render_docx(make_document(), "parallel")
    assert render_docx(document, "stacked") == render_docx(document, "stacked")


def test_zip_entries_carry_no_wall_clock_time():
    data = render_docx(make_document(), "parallel")
    infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_the_zip_reads_back_whole_and_a_member_compressed_before_is_used_only_while_unchanged():
    members = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>" * 500,
               "word/\u6587\u6863.xml": "\u4e2d\u6587".encode(), "empty.xml": b""}
    ready = {name: ooxml.deflated(data) for name, data in members.items()}
    members["word/document.xml"] = b"<w:document>changed</w:document>"  # replaced since it was compressed
    archive = zipfile.ZipFile(io.BytesIO(ooxml.write_zip(members, ready)))
    assert archive.testzip() is None  # every CRC matches
    assert {i.filename: archive.read(i) for i in archive.infolist()} == members
    assert ooxml.write_zip(members, ready) == ooxml.write_zip(members)


def test_core_properties_come_from_the_document():
    props = open_docx(render_docx(make_document(), "parallel")).core_properties
    assert props.title == "Sales Contract"
    assert props.author == props.last_modified_by == "contractgen"
    assert props.revision == 1
    assert props.created.isoformat() == props.modified.isoformat() == "2026-11-23T00:00:00+00:00"


def test_custom_properties_carry_the_manifest():
    props = read_custom_properties(render_docx(make_document(), "parallel"))
    assert props["contractgen.tool"] == "contractgen"
    assert props["contractgen.tool_version"] == "0.1.0"
    assert props["contractgen.document"] == "sales_contract"
    assert props["contractgen.answers_sha256"] == "a" * 64
    assert props["contractgen.library_sha256"] == "b" * 64
    assert props["contractgen.clauses"] == f"payment.deposit@1.2.0 {'c' * 64}; quality.aql@1.0.0 {'d' * 64}"
    assert json.loads(props["contractgen.manifest"]) == MANIFEST


def test_custom_properties_part_is_related_and_typed():
    data = render_docx(make_document(), "parallel")
    assert "docProps/custom.xml" in _part_xml(data, "_rels/.rels")
    assert 'PartName="/docProps/custom.xml"' in _part_xml(data, "[Content_Types].xml")


def test_a_lawyers_custom_properties_in_the_template_are_kept(tmp_path, monkeypatch):
    from contractgen.render import docx as docx_render, ooxml

    members = ooxml.read_members(docx_render.TEMPLATE.read_bytes())
    ooxml.set_custom_properties(members, {"Reviewed by": "A. Lawyer", "contractgen.tool": "stale"})
    template = tmp_path / "house.docx"
    template.write_bytes(ooxml.write_zip(members))
    monkeypatch.setattr(docx_render, "TEMPLATE", template)
    props = read_custom_properties(render_docx(make_document(), "parallel"))
    assert props["Reviewed by"] == "A. Lawyer"
    assert props["contractgen.tool"] == "contractgen"
    d = open_docx(render_docx(make_document(), "parallel"))  # still a valid package
    assert d.core_properties.title == "Sales Contract"


def test_header_shows_the_reference_and_title_and_footer_has_page_fields():
    data = render_docx(make_document(), "parallel")
    d = open_docx(data)
    section = d.sections[0]
    assert section.page_width.mm == pytest.approx(210, abs=0.5)
    assert section.page_height.mm == pytest.approx(297, abs=0.5)
    header = section.header.paragraphs[0].text
    assert "SC-2026-0142" in header and "Sales Contract / 销售合同" in header
    assert "SC-2026-0142" in section.first_page_header.paragraphs[0].text
    for footer in (section.footer, section.first_page_footer):
        xml = etree.tostring(footer._element, encoding="unicode")
        instructions = [t.strip() for t in re.findall(r"<w:instrText[^>]*>([^<]*)<", xml)]
        assert instructions == ["PAGE", "NUMPAGES", "PAGE", "NUMPAGES"]
        assert [p.text for p in footer.paragraphs if p.text] == ["Page 1 of 1", "第 1 页，共 1 页"]


# --- LibreOffice ----------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not on PATH")
@pytest.mark.parametrize("layout", ["parallel", "stacked"])
def test_libreoffice_pdf_has_the_chinese_text_and_an_embedded_cjk_font(tmp_path, layout):
    document = make_document()
    source = tmp_path / f"contract-{layout}.docx"
    source.write_bytes(render_docx(document, layout))
    profile = tmp_path / "lo-profile"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)},
    )
    pdf = source.with_suffix(".pdf")
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "\ufffd" not in text
    assert not re.search("[\u2f00-\u2fdf]", text), "Kangxi radicals instead of common characters"
    flat = re.sub(r"\s+", "", text)
    for para in clause_texts(document, "zh"):
        assert re.sub(r"\s+", "", para) in flat
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk, fonts
    assert all(re.search(r"\byes\b", line) for line in cjk), fonts  # embedded
