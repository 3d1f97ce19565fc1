"""`contractgen verify` on scans: the built sales contract printed to PDF, rasterised at 200 dpi with
pdftoppm and put back together as an image-only PDF, as a factory's scanner returns it. Clean, it
must match (exit 0); with one Chinese numeral of an amount changed before printing, it must differ
(exit 4) and name the article. OCR is slow: the two scans are made once for the module."""
from __future__ import annotations

import dataclasses
import io
import json
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from conftest import EXAMPLE, run_cli
from contractgen.build import assemble_documents
from contractgen.documents.model import Document
from contractgen.render.formats import render
from contractgen.core.text import Text
from contractgen.verify.compare import compare
from contractgen.verify.ocr import _lines, _table_rows, reread, straightened, unfolded, without_red_ink
from contractgen.verify.reread import DOUBTFUL, merged
from contractgen.verify.text import Line, PageImage, Where, Word
from test_verify import STEM

DPI = 200
AMOUNT, PLANTED = "美元肆仟捌佰元整", "美元伍仟捌佰元整"  # the deposit in words (大写): 4,800 → 5,800


def planted_contract() -> Document:
    """The sales contract as built, with one Chinese numeral of the deposit in words changed, typeset by
    the same engine as the contract we send: the factory's edit, and nothing else, differs."""
    _, (contract,) = assemble_documents(EXAMPLE, ["sales_contract"])

    def clause(c):
        zh = tuple(p.replace(AMOUNT, PLANTED) for p in c.paragraphs_zh)
        return dataclasses.replace(c, paragraphs_zh=zh)

    sections = tuple(dataclasses.replace(s, clauses=tuple(clause(c) for c in s.clauses)) for s in contract.sections)
    planted = dataclasses.replace(contract, sections=sections)
    assert planted != contract  # the amount in words was there to change
    return planted


def image_pdf(pdf: Path, target: Path) -> Path:
    """Every page as a 200 dpi image, and nothing else: no text layer."""
    prefix = target.parent / f"{target.stem}-page"
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(pdf), str(prefix)], check=True)
    pages = [Image.open(p).convert("RGB") for p in sorted(target.parent.glob(f"{prefix.name}-*.png"))]
    pages[0].save(target, save_all=True, append_images=pages[1:], resolution=DPI)
    return target


@pytest.fixture(scope="module")
def scans(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("scans")
    built = run_cli("build", EXAMPLE, "--format", "docx,pdf", "-o", out)
    assert built.returncode == 0, built.stderr
    edited_pdf = out / "edited.pdf"
    edited_pdf.write_bytes(render(planted_contract(), "pdf", "parallel"))
    (out / "clean").mkdir()
    (out / "planted").mkdir()
    return {"manifest": out / f"{STEM}.manifest.json",
            "clean": image_pdf(out / f"{STEM}.pdf", out / "clean" / "scan.pdf"),
            "planted": image_pdf(edited_pdf, out / "planted" / "scan.pdf")}


def test_the_scans_have_no_text_layer(scans):
    for name in ("clean", "planted"):
        text = subprocess.run(["pdftotext", str(scans[name]), "-"], capture_output=True, text=True).stdout
        assert not text.strip()


def test_a_clean_scan_matches(scans):
    result = run_cli("verify", scans["clean"], "--against", scans["manifest"], "--format", "json", timeout=2400)
    report = json.loads(result.stdout)
    assert result.returncode == 0, json.dumps(report["findings"], ensure_ascii=False, indent=1)
    assert report["kind"] == "scan" and report["matches"] is True


def test_one_chinese_numeral_changed_before_printing_is_found_in_the_scan(scans):
    result = run_cli("verify", scans["planted"], "--against", scans["manifest"], "--format", "json", timeout=2400)
    assert result.returncode == 4, result.stdout + result.stderr
    planted = [f for f in json.loads(result.stdout)["findings"] if "伍" in f["returned"]]
    assert planted, result.stdout
    finding = planted[0]
    assert (finding["category"], finding["lang"], finding["article"], finding["clause"]) == ("number", "zh", 3, "3.1")
    assert "肆" in finding["reference"] and finding["page"]


def test_the_chop_red_ink_is_dropped_and_black_text_kept():
    page = Image.new("RGB", (40, 10), "white")
    page.paste((200, 30, 40), (0, 0, 20, 10))  # chop red
    page.paste((20, 20, 20), (20, 0, 40, 10))  # printed black
    grey = without_red_ink(page)
    assert grey.getpixel((5, 5)) == 255 and grey.getpixel((30, 5)) < 60


def text_line(page: Image.Image, left: int, right: int, top: int) -> None:
    """A line of printed text as a scanner sees it: 10 rows high, strokes on a third of its pixels."""
    for y in range(top, top + 10):
        for x in range(left, right):
            if (x + y) % 3 == 0:
                page.putpixel((x, y), 0)


def test_two_columns_are_read_one_after_the_other():
    """Thirty lines in two columns: the left column is put above the right one; the full-width line below
    them (its text crosses the gutter) stays whole."""
    page = Image.new("L", (400, 700), 255)
    for i in range(30):
        text_line(page, 20, 180, 60 + i * 18)  # the left column
        text_line(page, 220, 380, 60 + i * 18)  # the right column beside it
    text_line(page, 20, 380, 640)  # a full-width line
    out = unfolded(page)
    inked = [y for y in range(out.height) if any(out.getpixel((x, y)) < 128 for x in range(out.width))]
    runs = [y for y in inked if y - 1 not in inked]
    assert len(runs) == 61  # 30 left, then 30 right, then the full-width line
    assert all(out.getpixel((x, y)) == 255 for y in range(runs[45], runs[45] + 10) for x in range(200, 400))
    assert any(out.getpixel((x, y)) == 0 for y in range(runs[60], runs[60] + 10) for x in range(300, 380))


def test_a_blank_page_is_an_error_never_a_match(scans, tmp_path):
    blank = tmp_path / "page-1.png"
    Image.new("RGB", (1654, 2339), "white").save(blank)
    result = run_cli("verify", blank, "--against", scans["manifest"])
    assert result.returncode == 2
    assert "blank page" in result.stderr and "Traceback" not in result.stderr


def line_widths(page: Image.Image) -> list[int]:
    """The width of each line of ink, top to bottom."""
    inked = [y for y in range(page.height) if any(page.getpixel((x, y)) < 128 for x in range(page.width))]
    widths = []
    for top in (y for y in inked if y - 1 not in inked):
        xs = [x for x in range(page.width) for y in range(top, top + 10) if page.getpixel((x, y)) < 128]
        widths.append(max(xs) - min(xs) + 1)
    return widths


def test_the_signatures_below_a_ruled_clause_are_read_after_its_two_columns():
    """A clause in two columns with the parallel layout's rule between them, and under it, where the rule
    ends, the buyer's and the seller's signature blocks side by side: as the text layer writes them,
    the clause's English, its Chinese, then the buyer's block, then the seller's."""
    page = Image.new("L", (400, 700), 255)
    page.paste(0, (199, 40, 201, 330))  # the rule between the columns
    for i in range(14):
        text_line(page, 20, 170, 50 + i * 18)  # English
        text_line(page, 230, 370, 50 + i * 18)  # Chinese
    for i in range(5):
        text_line(page, 20, 120, 400 + i * 30)  # the buyer
        text_line(page, 230, 320, 400 + i * 30)  # the seller
    widths = line_widths(unfolded(page))
    assert widths == [150] * 14 + [140] * 14 + [100] * 5 + [90] * 5


def ruled_table(page: Image.Image, left: int, top: int, width: int, text) -> None:
    """Two rows, 100 pixels high, of three ruled cells `width` wide from (left, top); text(x, y, row,
    cell) draws each cell's line, 10 pixels in from its left rule and 30 below its top one."""
    for y in (top, top + 100, top + 200):
        page.paste(0, (left, y, left + 3 * width + 2, y + 2))
    for k in range(4):
        page.paste(0, (left + k * width, top, left + k * width + 2, top + 202))
    for row in range(2):
        for cell in range(3):
            text(left + width * cell + 10, top + 30 + 100 * row, row, cell)


def test_a_ruled_table_is_read_cell_by_cell_row_by_row():
    """Two rows of three ruled cells, each holding a line of its own length: they come out one under
    the other in the order the text layer writes them (row by row, each row left to right), and
    the rules are gone."""
    page = Image.new("L", (600, 400), 255)
    ruled_table(page, 20, 50, 180, lambda x, y, row, cell: text_line(page, x, x + 20 + 10 * (3 * row + cell), y))
    # six lines of text and no rule, in order
    assert [round(w, -1) for w in line_widths(unfolded(page))] == [20, 30, 40, 50, 60, 70]


def ruled_table_page() -> Image.Image:
    """A page of prose over a ruled table of two rows of three cells, in solid strokes."""
    page = Image.new("L", (800, 1000), 255)
    for i in range(20):
        page.paste(0, (60, 80 + i * 24, 740, 90 + i * 24))  # a line of prose
    ruled_table(page, 60, 600, 227, lambda x, y, row, cell: page.paste(0, (x, y, x + 120, y + 10)))
    return page


@pytest.mark.parametrize("degrees", [1.2, -1.6, 3.0])
def test_a_crooked_scan_is_turned_level_and_its_table_found(degrees):
    """Scanned a little crooked, the page has no rule that runs along a row or a column of pixels: it is
    turned level first, and the table's rows and cells are found as on the straight page."""
    straight = ruled_table_page()
    crooked = straight.rotate(degrees, resample=Image.Resampling.BICUBIC, fillcolor=255)
    assert not _table_rows(crooked.point(lambda v: 255 if v < 160 else 0))
    level = straightened(crooked)
    rows = _table_rows(level.point(lambda v: 255 if v < 160 else 0))
    assert [len(cuts) for _, _, _, cuts in rows] == [4, 4]
    assert straightened(straight) is straight


def test_the_left_edge_of_justified_text_is_not_taken_for_a_rule():
    """Every line starts at the same pixel column (a vertical stroke: "l", "t"), but the lines break
    between them; a table's rule runs unbroken and is dropped. The first letters stay."""
    page = Image.new("L", (400, 700), 255)
    for i in range(30):
        page.paste(0, (40, 60 + i * 18, 42, 72 + i * 18))  # the stroke each line starts with
        text_line(page, 42, 360, 60 + i * 18)
    page.paste(0, (380, 60, 382, 600))  # a rule
    out = unfolded(page)
    assert any(out.getpixel((40, y)) == 0 for y in range(out.height))
    assert all(out.getpixel((380, y)) == 255 for y in range(out.height))


def deposit(text: str, page: int = 0) -> list[Line]:
    return [Line(tuple(Word(w, 95.0) for w in text.split()), page, Where(3, Text("Article 3 Payment", "第三条 付款"), "3.1"))]


def test_spacing_punctuation_and_case_read_wrong_are_no_difference():
    """OCR runs words together, splits Chinese inside an English line, drops an apostrophe or a comma
    and capitalises; none of that is an edit. A number's separators and a sign are."""
    reference = deposit("The Seller's reminder, sent to the Buyer, is liquidated damages (违约金) of USD 16,000.00")
    read = deposit("The Sellers reminder Sent to theBuyer, is liquidated damages (违约 金 ) of USD 16,000.00", page=1)
    assert not compare(reference, read, [], {}).findings
    for edit in ("bag", "USD 16.000,00", "USD 1,600.00", "USD -16,000.00"):
        changed = deposit(f"The Seller's reminder, sent to the Buyer, is liquidated damages (违约金) of {edit}", page=1)
        assert compare(reference, changed, [], {}).findings, edit
    chinese = deposit("卖方应于收到货款后，支付美元16,000.00")
    assert not compare(chinese, deposit("卖方应于收到货款后支付美元16,000.00", page=1), [], {}).findings
    assert compare(chinese, deposit("卖方应于收到货款后，支付美元16.000.00", page=1), [], {}).findings


def test_a_table_cell_read_beside_the_next_one_is_no_change_but_an_added_digit_is():
    """The text layer writes a table's row number on one line with the SKU ("1 NW-"); OCR reads each
    cell on its own, and the "1", a line without letters, joins the Chinese before it, next to the
    quantity "500". A line read apart, taken for the other language, is no difference; a "1" added
    to the Chinese "500" on its line is."""
    def lines(*texts: str, page: int = 0) -> list[Line]:
        where = Where(2, Text("Article 2 Goods and Price", "第二条 货物及价格"))
        return [Line(tuple(Word(w) for w in t.split()), page, where) for t in texts]

    reference = lines("HS code", "海关编码", "1 NW-BOT-500", "500 毫升真空保温瓶")
    assert not compare(reference, lines("HS code", "海关编码", "1", "NW-BOT-500", "500 毫升真空保温瓶", page=1),
                       [], {}).findings
    (edited,) = compare(reference, lines("HS code", "海关编码", "1 NW-BOT-500", "1500 毫升真空保温瓶", page=1),
                        [], {}).findings
    assert (edited.category, edited.lang, edited.reference, edited.returned) == ("number", "zh", "500", "1500")
    # the other way round: the text layer runs the quantity on with its unit, OCR reads the cell alone
    quantity = lines("304 不锈钢", "2,000 pcs", "件")
    assert not compare(quantity, lines("304 不锈钢", "2,000", "pcs", "件", page=1), [], {}).findings
    changed = compare(quantity, lines("304 不锈钢", "3,000", "pcs", "件", page=1), [], {}).findings
    assert {(f.category, f.reference, f.returned) for f in changed} == {("number", "2,000", ""), ("number", "", "3,000")}


def printed_line(text: str) -> Line:
    """`text` printed in the contract's Chinese serif at 10 pt and 200 dpi, as a scanned page's line with
    its box, the way ocr hands lines to the second engine."""
    font_file = subprocess.run(["fc-match", "-f", "%{file}", "Noto Serif CJK SC"], capture_output=True,
                               text=True).stdout
    font = ImageFont.truetype(font_file, 28)
    page = Image.new("L", (1200, 120), 255)
    ImageDraw.Draw(page).text((40, 40), text, font=font, fill=0)
    png = io.BytesIO()
    page.save(png, "PNG")
    left, top, right, bottom = ImageDraw.Draw(page).textbbox((40, 40), text, font=font)
    pad = (bottom - top) // 5  # as ocr pads a line with no other line near it
    return Line((Word("unread", 10.0),), 3, image=PageImage(png.getvalue()), box=(left, top - pad, right, bottom + pad))


def test_a_short_line_read_in_two_halves_is_one_and_no_line_is_read_again_into_its_neighbour():
    """Tesseract's words as it gives them: a Chinese line, a short line it read as its top and bottom
    halves ("no." over "HAS" for "品；"), and a line whose box reaches into the first one's. The halves are
    one line, and each box the second engine cuts out stops halfway to the line above and below."""
    words = [("物料清单", 20, 20, 560, 44, 1), ("no.", 20, 70, 35, 12, 2), ("HAS", 20, 82, 35, 14, 3),
             ("(四)委托方知识产权", 20, 92, 560, 42, 4)]
    data = {"text": [w[0] for w in words], "conf": [90] * 4, "block_num": [1] * 4, "par_num": [1] * 4,
            "line_num": [w[5] for w in words], "left": [w[1] for w in words], "top": [w[2] for w in words],
            "width": [w[3] for w in words], "height": [w[4] for w in words]}
    read, _, _ = _lines(data, Image.new("L", (600, 200), 255), 2)
    assert [item.text for item in read] == ["物料清单", "no. HAS", "(四)委托方知识产权"]
    first, halves, last = (item.box for item in read)
    assert first[3] == halves[1] == (64 + 70) // 2 and halves[1] < 70  # halfway to the next line, both halves
    assert halves[3] == last[1] == (96 + 92) // 2  # boxes that overlap are cut halfway through the overlap
    assert first[1] < 20 and last[3] > 134  # white above and below where no line is near


def test_the_second_engine_reads_the_numeral_tesseract_confuses():
    """Tesseract reads this 仟 as 什 at any resolution; PP-OCR's recogniser, given the line's box, reads it."""
    (again,) = reread([printed_line("本合同总价为美元16,000.00（大写：美元壹万陆仟元整）")])
    assert again is not None and "壹万陆仟元整" in again.text and again.page == 3


def test_two_readings_merge_only_where_the_second_reads_the_contract():
    def reading(text: str, confidence: float = 90.0) -> Line:
        return Line(tuple(Word(w, confidence) for w in text.split()), 3)

    # one engine misread, the other did not: the reading that says what the contract says stands
    assert merged(reading("美元壹万 陆什元整"), reading("美元壹万陆仟元整"), "美元壹万陆仟元整").text == "美元壹万 陆仟元整"
    # both read the edit on the page: it stays, whatever the reference says
    edited = reading("美元伍仟捌佰元整")
    assert merged(edited, reading("美元伍仟捌佰元整"), "美元肆仟捌佰元整") is edited
    # each engine read it differently, neither as the contract: the words there are doubtful
    doubted = merged(reading("inspection level I, with"), reading("inspection level Il, with"),
                     "inspection level II, with")
    assert doubted.text == "inspection level I, with"
    assert [w.confidence for w in doubted.words] == [90.0, 90.0, DOUBTFUL, 90.0]


def located(text: str, article: int) -> Line:
    return Line(tuple(Word(w, 95.0) for w in text.split()), 1, Where(article, Text(f"Article {article}", "")))


def test_lines_read_in_another_order_or_language_are_no_difference_but_an_edit_in_them_is():
    """The text layer puts the two columns' lines side by side where the scan reads each column whole; OCR
    cuts a line into other words, and a line with a Chinese name goes to the other language."""
    reference = [located("Contract No.: SC-2026-0142 合同编号：SC-2026-0142", 0),
                 located("Representative: Jane Doe", 0),
                 located("代表人：Jane Doe 电子邮箱：jane@northwind.example", 0),
                 located("The Buyer shall pay the balance within thirty days of the bill of lading.", 1),
                 located("买方应在提单日后三十日内支付余款。", 1)]
    read = [located("Contract No.: SC-2026-0142", 0),
            located("Representative: Jane Doe", 0),
            located("合同编号 : SC-2026-0142", 0),
            located("代表 人 : Jane Doe 电子 邮箱 : jane@northwind.example", 0),
            located("买方应在提单日后三十日内支付余款。", 1),
            located("The Buyer shall pay the balance within thirty days of the bill of lading.", 1)]
    assert not compare(reference, read, [], {}).findings
    for k, edit in ((2, "合同编号 : SC-2026-0143"), (4, "买方应在提单日后六十日内支付余款。"),
                    (5, "The Buyer shall pay the balance within sixty days of the bill of lading.")):
        changed = [*read[:k], located(edit, read[k].where.article), *read[k + 1:]]
        assert compare(reference, changed, [], {}).findings, edit
