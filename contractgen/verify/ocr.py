"""Reading scanned pages: Tesseract (Debian's tesseract-ocr with chi_sim and eng) through pytesseract,
one page per worker process, so both cores of a small machine read at once.

Before reading, the chop's red ink is made white (a round red chop over a signature or a clause hides
the black text under it from OCR), the page is turned level (straightened) and put in the order its
text layer is written (unfolded): a column at a time, a ruled table cell by cell. A page OCR cannot
read well enough is an error naming the page, never a silent pass.

Each page is read once by Tesseract, which keeps every line's box and the page image. The lines that
then differ from the contract, and the stretches of ink Tesseract read no line in, are read a second
time by another engine (reread: PP-OCR's recogniser through RapidOCR, on the line's box only, ~0.3 s a
line), which reads what Tesseract's model confuses (仟 as 什 at any resolution, a Chinese line as Latin
letters); reread.py decides which reading stands. Reading those lines again with Tesseract at 400 dpi was
measured on a 23-page contract and left out: it cost more CPU than the first reading and removed 15 of
87 false findings.
"""
from __future__ import annotations

import dataclasses
import io
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from PIL import Image, ImageChops, UnidentifiedImageError

from ..core.errors import ContractgenError, InputError, Problem
from ..core.messages import as_typed, message
from .text import Line, PageImage, Word

LANGUAGES = "chi_sim+eng"
DPI = 200  # what a scan of a printed contract usually has; Tesseract reads 10 pt Chinese well at it
RED_MARGIN = 60  # how much redder than green and blue a pixel must be to count as the chop's ink
MIN_CHARACTERS = 20  # fewer read on a page: it is blank, or not a page of text
MIN_CONFIDENCE = 60.0  # mean Tesseract confidence (0-100) below which a page is refused as unreadable
TIMEOUT_SECONDS = 300  # one page
INK = 160  # grey levels below this are ink
MARGIN = 6  # pixels of white kept around a cut-out stretch of lines
MIN_GUTTER_HALF = 3  # pixels: a narrower gap between columns is no gutter
GUTTER_SHARE = 0.3  # a column of pixels inked on at most this share of the lines is in the gutter: the
# lines that cross it (a table, a title) are fewer; justified prose inks every column of pixels on most lines
EDGE = 0.07  # the page header and footer lie in this share of the page's height at the top and bottom
RULE_HEIGHT = 0.25  # a column of pixels inked down this share of the page may hold a vertical rule
RULE_RUN = 0.04  # ... which is where it is inked unbroken down this share of the page
RULE_SHARE = 0.9  # a column of pixels inked through this share of a line is a table's rule, not text
TABLE_RULE = 0.2  # of the page's width: a horizontal line of ink this long, unbroken, is a table's rule
RULE_BLOCK = 8  # pixels: a horizontal rule is found as a run of blocks this wide, each inked whole
CELL_RULE = 0.95  # of a table row's height: a column of pixels inked this much of it is a rule between cells
RULE_EDGE = 2  # pixels either side of a rule that its anti-aliasing half inks
MIN_ROW = 0.008  # of the page's height: a narrower band between two rules (a double rule) is no row
HALF_LINE = 0.7  # of the middle line's height: two lines lower than this, one over the other, may be one line's halves
MAX_SKEW = 4  # degrees: a page scanned more crooked than this is not turned level
SKEW_STEP = 0.05  # degrees: how finely the angle is found
SKEW_WIDTH = 600  # pixels: the width of the copy of the page the angle is found on
UNREAD_HEIGHT = 0.5  # of the middle line's height: a stretch of ink no line read covers, this high, is read again


_PAGE_TEXT = message("verify.page_text", "a page of contract text")
_BLANK_PAGE = message("verify.blank_page", "a blank page (nothing OCR could read)")
_CONFIDENT = message("verify.confident", "text OCR reads with confidence of at least {percent}%")
_RESCAN = message("verify.rescan", "{percent}%: scan it again, straight and at 300 dpi")
_READABLE_FILE = message("verify.readable_file", "a PDF, DOCX, PNG or JPEG file")
_UNREADABLE_IMAGE = message("verify.unreadable_image", "an unreadable image ({detail})")
_DRAWABLE_PAGE = message("verify.drawable_page", "a PDF page that can be drawn")


class OcrEngineError(ContractgenError):
    """Tesseract or its Chinese data is missing, or it failed (exit 1: the machine's fault)."""


def check_engine() -> None:
    if not shutil.which("tesseract"):
        raise OcrEngineError("reading a scan needs Tesseract, which is not installed: run "
                             "`apt-get install -y tesseract-ocr tesseract-ocr-chi-sim` (scripts/setup.sh does this)")
    languages = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout.split()
    missing = [lang for lang in LANGUAGES.split("+") if lang not in languages]
    if missing:
        raise OcrEngineError(f"reading a scan needs Tesseract's {', '.join(missing)} data: run "
                             f"`apt-get install -y tesseract-ocr-chi-sim` (scripts/setup.sh does this)")


def without_red_ink(image: Image.Image) -> Image.Image:
    """The page in grey, with every clearly red pixel (the chop) white."""
    rgb = image.convert("RGB")
    red, green, blue = rgb.split()
    redder = ImageChops.darker(ImageChops.subtract(red, green), ImageChops.subtract(red, blue))
    mask = redder.point(lambda v: 255 if v >= RED_MARGIN else 0)
    grey = rgb.convert("L")
    grey.paste(255, mask=mask)
    return grey


def _ink(grey: Image.Image) -> Image.Image:
    """255 where the page is inked (darker than INK), 0 elsewhere."""
    return grey.point(lambda v: 255 if v < INK else 0)


def straightened(grey: Image.Image) -> Image.Image:
    """The page turned level, when it was scanned crooked: rules, columns and lines are found along rows
    and columns of pixels, and a page a degree off has none that run whole. The angle is the one at which
    the rows of ink are most sharply lines and gaps (their projection's sum of squared steps), found to
    half a degree and then to SKEW_STEP on a small copy of the page."""
    ink = _ink(grey)
    small = ink.resize((SKEW_WIDTH, max(1, round(ink.height * SKEW_WIDTH / ink.width))), Image.Resampling.BOX)

    def sharpness(angle: float) -> int:
        turned = small.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=0)
        rows = turned.resize((1, turned.height), Image.Resampling.BOX).get_flattened_data()
        return sum((b - a) ** 2 for a, b in zip(rows, rows[1:]))

    coarse = max((k / 2 for k in range(-2 * MAX_SKEW, 2 * MAX_SKEW + 1)), key=lambda a: (sharpness(a), -abs(a)))
    angle = max((coarse + k * SKEW_STEP for k in range(-5, 6)), key=lambda a: (sharpness(a), -abs(a)))
    if abs(angle) < SKEW_STEP:
        return grey
    return grey.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)


def unfolded(grey: Image.Image) -> Image.Image:
    """The page as one column, in the order its text layer is written: where a stretch of lines has two
    columns (the parallel layout's English | Chinese, the signatures' buyer | seller), its left column
    is put above its right one; a ruled table (the product table) is put cell by cell, row by row;
    full-width lines (titles) stay as they are. Tesseract then reads each language's text, and each
    cell's, in its order, instead of running lines of one column or cell into the next. Cuts fall only
    on blank rows and on rules, never through a line of text."""
    width, height = grey.size
    ink = _ink(grey)
    table = _table_rows(ink)  # before long rules go: a table's own rules mark its cells
    grey, ruled = _without_long_rules(grey, ink)
    rows = list(ink.resize((1, height), Image.Resampling.BOX).get_flattened_data())
    # the parallel layout draws a rule between its columns: where it stands is the gutter; without one,
    # it is found from every line, a table's too (the columns' edges show on most)
    gutter, stretches = _rule_between_columns(ruled, table, width)
    gutter = gutter or _gutter(ink, _runs(rows))
    for top, bottom, _, _ in table:  # a table's rows are read by their cells, not as lines
        rows[top:bottom] = [0] * (bottom - top)
    regions = _regions(ink, _runs(rows), table, gutter, stretches)
    pieces = []
    for k, (top, bottom, cuts, inside) in enumerate(regions):
        if inside:
            top, bottom = inside
        else:
            # no further than halfway to the next stretch: a margin must not take in a sliver of its text
            above = regions[k - 1][1] if k else top - 2 * MARGIN
            below = regions[k + 1][0] if k + 1 < len(regions) else bottom + 2 * MARGIN
            top, bottom = max(0, top - MARGIN, (above + top) // 2), min(height, bottom + MARGIN, (bottom + below + 1) // 2)
        edges = [0, *(x for cut in cuts for x in cut), width]
        for left, right in zip(edges[::2], edges[1::2]):
            inked = ink.crop((left, top, right, bottom)).getbbox() if right > left else None
            if inked:  # a cell as high as its text: a row is as high as its tallest cell
                pieces.append(grey.crop((left, max(top, top + inked[1] - MARGIN), right,
                                         min(bottom, top + inked[3] + MARGIN))))
    out = Image.new("L", (width, sum(p.height + MARGIN * 4 for p in pieces) + MARGIN * 4), 255)
    y = MARGIN * 4
    for piece in pieces:
        out.paste(piece, (0, y))
        y += piece.height + MARGIN * 4
    return out


def _without_long_rules(grey: Image.Image, ink: Image.Image) -> tuple[Image.Image, dict[int, list[tuple[int, int]]]]:
    """The page with its long vertical rules (the border between the columns of a table) made white in a
    copy of `grey` and in `ink` itself: they would join every line into one. {x: (top, bottom) of each
    rule in that column of pixels}."""
    width, height = ink.size
    columns = ink.resize((width, 1), Image.Resampling.BOX).get_flattened_data()
    grey = grey.copy()
    ruled: dict[int, list[tuple[int, int]]] = {}
    for x, mean in enumerate(columns):
        if mean >= RULE_HEIGHT * 255:
            for top, bottom in _long_runs(ink, x, RULE_RUN * height):
                grey.paste(255, (x - 1, top, x + 2, bottom))  # and its anti-aliased edges
                ink.paste(0, (x - 1, top, x + 2, bottom))
                ruled.setdefault(x, []).append((top, bottom))
    return grey, ruled


def _rule_between_columns(ruled: dict[int, list[tuple[int, int]]], table: list[tuple], width: int
                          ) -> tuple[tuple[int, int] | None, list[tuple[int, int]]]:
    """The gutter (x, half width) at the long vertical rule in the middle fifth of the page that is
    no table's, and (top, bottom) of each stretch of the page it runs down: the parallel layout's
    rule between English and Chinese. (None, []) without one."""
    def in_table(top: int, bottom: int) -> bool:
        return any(upper <= (top + bottom) / 2 <= lower for upper, lower, _, _ in table)

    between = [0.4 * width <= x <= 0.6 * width and any(not in_table(*run) for run in ruled.get(x, ()))
               for x in range(width)]
    groups = _runs(between)
    if not groups:
        return None, []
    left, right = max(groups, key=lambda g: sum(b - t for x in range(*g) for t, b in ruled[x]))
    stretches: list[tuple[int, int]] = []
    for top, bottom in sorted(run for x in range(left, right) for run in ruled[x]):  # the rule's pixel columns
        if stretches and top <= stretches[-1][1]:
            stretches[-1] = (stretches[-1][0], max(bottom, stretches[-1][1]))
        else:
            stretches.append((top, bottom))
    return ((left + right) // 2, MIN_GUTTER_HALF), stretches


def _regions(ink: Image.Image, lines: list[tuple[int, int]], table: list[tuple], gutter: tuple[int, int] | None,
             stretches: list[tuple[int, int]]) -> list[list]:
    """[top, bottom, cuts, the inside (top, bottom) of a table's row or None] of each stretch of the
    page read as one, top to bottom; a cut is (end of one piece, start of the next). Lines of two
    columns on either side of where the rule between them ends are two stretches (the clause, then the
    signatures)."""
    height = ink.height

    def under_rule(top: int, bottom: int) -> int:
        return next((k for k, (t, b) in enumerate(stretches) if t <= (top + bottom) / 2 < b), -1)

    regions: list[list] = []
    last = None
    for top, bottom, inside, cuts in sorted([(t, b, None, ()) for t, b in lines] + table, key=lambda r: r[:2]):
        if inside:
            regions.append([top, bottom, cuts, inside])
            continue
        running = not EDGE * height < (top + bottom) / 2 < (1 - EDGE) * height  # the page header or footer
        split = gutter is not None and not running and not _crosses(ink, gutter, top, bottom)
        cuts = ((gutter[0], gutter[0]),) if split else ()
        stretch = under_rule(top, bottom)
        if regions and not regions[-1][3] and regions[-1][2] == cuts and stretch == last:
            regions[-1][1] = bottom
        else:
            regions.append([top, bottom, cuts, None])
        last = stretch
    return regions


def _runs(flags: list) -> list[tuple[int, int]]:
    """(start, end) of each run of true values: inked rows of pixels (lines of text, rules), a rule's
    columns of pixels."""
    out: list[tuple[int, int]] = []
    start = None
    for k, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = k
        elif not flag and start is not None:
            out.append((start, k))
            start = None
    return out


def _table_rows(ink: Image.Image) -> list[tuple[int, int, tuple[int, int], tuple[tuple[int, int], ...]]]:
    """The rows of ruled tables, each as (top, bottom) of the band from the rule above it to the rule
    below it, (top, bottom) of its inside, and the (left, right) of every vertical rule that runs
    through it from one rule to the other: the borders of its cells. A band no vertical rule crosses
    whole is no table's row (from the rule under an article's heading to the next article's)."""
    width, height = ink.size
    rules = _horizontal_rules(ink)
    out = []
    for (above, upper), (lower, below) in zip(rules, rules[1:]):
        if lower - upper < MIN_ROW * height:
            continue
        band = ink.crop((0, upper, width, lower)).resize((width, 1), Image.Resampling.BOX).get_flattened_data()
        borders = _runs([mean >= CELL_RULE * 255 for mean in band])
        if borders:  # each rule with the half-inked pixels either side of it
            out.append((above, below, (upper + RULE_EDGE, lower - RULE_EDGE),
                        tuple((max(0, a - RULE_EDGE), min(width, b + RULE_EDGE)) for a, b in borders)))
    return out


def _horizontal_rules(ink: Image.Image) -> list[tuple[int, int]]:
    """(top, bottom) of every horizontal rule: rows of pixels inked unbroken across TABLE_RULE of the
    page's width, which no line of text is."""
    width, height = ink.size
    blocks = width // RULE_BLOCK
    solid = ink.resize((blocks, height), Image.Resampling.BOX).point(lambda v: 255 if v >= 250 else 0).tobytes()
    long = b"\xff" * int(TABLE_RULE * blocks)
    return _runs([long in solid[y * blocks:(y + 1) * blocks] for y in range(height)])


def _long_runs(ink: Image.Image, x: int, least: float) -> list[tuple[int, int]]:
    """(top, bottom) of every stretch of at least `least` pixels inked one under the other in pixel
    column x: a rule, where text, even justified, breaks between lines."""
    column = ink.crop((x, 0, x + 1, ink.height)).get_flattened_data()
    return [(top, bottom) for top, bottom in _runs(list(column)) if bottom - top >= least]


def _gutter(ink: Image.Image, lines: list[tuple[int, int]]) -> tuple[int, int] | None:
    """(x, half width) of the gap between two columns: the middle of the widest band of pixel columns in
    the middle fifth of the page that few lines have ink in. Counting lines, not rows of pixels, keeps
    the gutter of a page whose product table runs across it."""
    width, _ = ink.size
    low, high = int(width * 0.4), int(width * 0.6)
    inked = [0] * (high - low)
    for top, bottom in lines:
        band = ink.crop((low, top, high, bottom)).resize((high - low, 1), Image.Resampling.BOX)
        for i, mean in enumerate(band.get_flattened_data()):
            inked[i] += bool(mean)
    blank = _runs([count <= GUTTER_SHARE * len(lines) for count in inked])
    start, end = max(blank, key=lambda run: run[1] - run[0], default=(0, 0))
    length = end - start
    if length < 2 * MIN_GUTTER_HALF:
        return None
    # its middle half: a column's justified edge may reach into the band's sides
    return low + end - 1 - length // 2, max(MIN_GUTTER_HALF, length // 4)


def _crosses(ink: Image.Image, gutter: tuple[int, int], top: int, bottom: int) -> bool:
    """Does text on this line cross the gutter (a full-width line)? A vertical rule there does not count."""
    x, half = gutter
    band = ink.crop((x - half, top, x + half, bottom))
    data = list(band.get_flattened_data())
    columns = [sum(1 for row in range(band.height) if data[row * band.width + x]) for x in range(band.width)]
    return any(0 < count < RULE_SHARE * band.height for count in columns)


def read_pdf_pages(pdf: Path, pages: list[int]) -> dict[int, list[Line]]:
    """{page: lines} of the pages of `pdf` (1-based), rasterised with pdftoppm and read by OCR."""
    return _read_all([("pdf", str(pdf), page) for page in pages])


def read_images(images: list[Path]) -> dict[int, list[Line]]:
    """{page: lines}: one image file per page, in the order given."""
    return _read_all([("image", str(path), page) for page, path in enumerate(images, start=1)])


def _read_all(jobs: list[tuple[str, str, int]]) -> dict[int, list[Line]]:
    if not jobs:
        return {}
    check_engine()
    workers = max(1, min(len(jobs), os.cpu_count() or 1))
    with ProcessPoolExecutor(workers, initializer=_one_thread_each) as pool:
        results = list(pool.map(_read_page, jobs))
    out: dict[int, list[Line]] = {}
    for (_, source, page), (lines, characters, confidence) in zip(jobs, results):
        where = f"page {page}"
        if characters < MIN_CHARACTERS:
            raise InputError(Problem(source, where, _PAGE_TEXT(), _BLANK_PAGE()))
        if confidence < MIN_CONFIDENCE:
            raise InputError(Problem(source, where, _CONFIDENT(percent=f"{MIN_CONFIDENCE:.0f}"),
                                     _RESCAN(percent=f"{confidence:.0f}")))
        out[page] = lines
    return out


def _one_thread_each() -> None:
    # Tesseract's OpenMP threads would fight the other workers for the same cores.
    os.environ["OMP_THREAD_LIMIT"] = "1"


def _read_page(job: tuple[str, str, int]) -> tuple[list[Line], int, float]:
    kind, source, page = job
    if kind == "pdf":
        image = _rasterise(source, page)
    else:
        try:
            image = Image.open(source)
            image.load()
        except (OSError, UnidentifiedImageError) as exc:
            raise InputError(Problem(source, "", _READABLE_FILE(), _UNREADABLE_IMAGE(detail=as_typed(str(exc))))) from None
    return _ocr(unfolded(straightened(without_red_ink(image))), page)


def _rasterise(pdf: str, page: int) -> Image.Image:
    with tempfile.TemporaryDirectory(prefix="contractgen-ocr-") as tmp:
        prefix = Path(tmp) / "page"
        result = subprocess.run(["pdftoppm", "-r", str(DPI), "-f", str(page), "-l", str(page), "-png", "-singlefile",
                                 pdf, str(prefix)], capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
        png = prefix.with_suffix(".png")
        if result.returncode != 0 or not png.is_file():
            raise InputError(Problem(pdf, f"page {page}", _DRAWABLE_PAGE(),
                                     as_typed((result.stderr.strip() or f"pdftoppm exit {result.returncode}")[-300:])))
        image = Image.open(png)
        image.load()
        return image


def _ocr(image: Image.Image, page: int) -> tuple[list[Line], int, float]:
    import pytesseract  # here, in the worker: only a scan needs it

    try:
        data = pytesseract.image_to_data(image, lang=LANGUAGES, config="--psm 6",
                                         output_type=pytesseract.Output.DICT, timeout=TIMEOUT_SECONDS)
    except (pytesseract.TesseractError, RuntimeError) as exc:
        raise OcrEngineError(f"Tesseract failed on page {page}: {exc}") from None
    return _lines(data, image, page)


def _lines(data: dict, image: Image.Image, page: int) -> tuple[list[Line], int, float]:
    """Tesseract's words gathered into its lines, each with its box on the page."""
    lines: dict[tuple[int, int, int], list[Word]] = {}
    boxes: dict[tuple[int, int, int], tuple[int, int, int, int]] = {}
    characters, weighted = 0, 0.0
    for k, (text, conf) in enumerate(zip(data["text"], data["conf"])):
        text, conf = text.strip(), float(conf)
        if not text or conf < 0:
            continue
        key = (data["block_num"][k], data["par_num"][k], data["line_num"][k])
        lines.setdefault(key, []).append(Word(text, conf))
        left, top = data["left"][k], data["top"][k]
        box = (left, top, left + data["width"][k], top + data["height"][k])
        seen = boxes.get(key, box)
        boxes[key] = (min(seen[0], box[0]), min(seen[1], box[1]), max(seen[2], box[2]), max(seen[3], box[3]))
        characters += len(text)
        weighted += conf * len(text)
    png = io.BytesIO()
    image.save(png, "PNG", compress_level=1)
    kept = PageImage(png.getvalue())
    read = _halves_joined([Line(tuple(words), page, image=kept, box=boxes[key]) for key, words in lines.items()])
    for box in _unread(image, list(boxes.values())):  # in reading order: the page is one column
        at = next((k for k, item in enumerate(read) if item.box[1] >= box[3]), len(read))
        read.insert(at, Line((), page, image=kept, box=box))
    return _boxes_to_read_again(read, image.height), characters, weighted / characters if characters else 0.0


def _boxes_to_read_again(read: list[Line], height: int) -> list[Line]:
    """Each line with the box the second engine is to cut out: a fifth of its height more above and
    below (Tesseract's box can clip a stroke), but not past halfway to the line above or below it. A
    Chinese line's box often reaches into the next line's, and a cut holding the top of the next
    line is read with a character of it ("转让本" for "转让")."""
    boxes = [item.box for item in read]
    cut = [[max(0, t - max(2, (b - t) // 5)), min(height, b + max(2, (b - t) // 5))] for _, t, _, b in boxes]
    for i, (l1, t1, r1, b1) in enumerate(boxes):
        for j, (l2, t2, r2, b2) in enumerate(boxes):
            if t1 + b1 < t2 + b2 and min(r1, r2) > max(l1, l2) and cut[i][1] > cut[j][0]:  # j is under i
                middle = (b1 + t2) // 2
                cut[i][1] = min(cut[i][1], max(middle, (t1 + b1) // 2 + 1))
                cut[j][0] = max(cut[j][0], min(middle, (t2 + b2) // 2 - 1))
    return [dataclasses.replace(item, box=(box[0], top, box[2], bottom)) for item, box, (top, bottom) in zip(read, boxes, cut)]


def _halves_joined(read: list[Line]) -> list[Line]:
    """Tesseract now and then reads a short line as two, its top half and its bottom half ("no." over
    "HAS" for "品；"). Two lines one under the other, each lower than HALF_LINE of the middle line's
    height and together no higher than one line, are one: the second engine then reads it whole."""
    if not read:
        return read
    tall = sorted(item.box[3] - item.box[1] for item in read)[len(read) // 2]
    out = [read[0]]
    for item in read[1:]:
        (l1, t1, r1, b1), (l2, t2, r2, b2) = out[-1].box, item.box
        if max(b1 - t1, b2 - t2) < HALF_LINE * tall and max(b1, b2) - min(t1, t2) <= tall * 1.2 and \
                min(r1, r2) > max(l1, l2) and t2 >= t1:
            out[-1] = Line(out[-1].words + item.words, item.page, image=item.image,
                           box=(min(l1, l2), t1, max(r1, r2), max(b1, b2)))
        else:
            out.append(item)
    return out


def _unread(image: Image.Image, boxes: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """The boxes of the stretches of ink, as high as a line of text, that no line Tesseract read covers:
    a short last line of a paragraph ("买方。") or a heading it passed over. They are read by the second
    engine only (reread); lines without words until then."""
    if not boxes:
        return []
    width, height = image.size
    ink = _ink(image.convert("L"))
    rows = ink.resize((1, height), Image.Resampling.BOX).get_flattened_data()
    covered = [False] * height
    for _, top, _, bottom in boxes:
        covered[max(0, top - 2):bottom + 2] = [True] * (min(height, bottom + 2) - max(0, top - 2))
    tall = sorted(bottom - top for _, top, _, bottom in boxes)[len(boxes) // 2] * UNREAD_HEIGHT
    out = []
    for start, end in _runs([bool(rows[y]) and not covered[y] for y in range(height)]):
        band = ink.crop((0, start, width, end)).getbbox() if end - start >= tall else None
        if band:
            out.append((band[0], start, band[2], end))
    return out


def reread(lines: list[Line]) -> list[Line | None]:
    """Each line of a scan read a second time, by another engine: PP-OCR's text recogniser (RapidOCR, on
    ONNX Runtime), on the line's box cut from the page. Its model reads the Chinese Tesseract confuses
    (仟 as 什, a line of Chinese as Latin letters) and the characters it drops; it is slower, so only the
    lines that differ are given to it. None where a line has no image (a text layer) or the engine is
    not installed: the first reading then stands."""
    jobs = [(k, item.image.png, item.box) for k, item in enumerate(lines) if item.image is not None and item.box]
    out: list[Line | None] = [None] * len(lines)
    if not jobs or not _recogniser_installed():
        return out
    by_page: dict[int, list[tuple[int, tuple[int, int, int, int]]]] = {}
    images: dict[int, bytes] = {}
    for k, png, box in jobs:
        by_page.setdefault(id(png), []).append((k, box))
        images[id(png)] = png
    work = [(images[key], boxes) for key, boxes in by_page.items()]
    workers = max(1, min(len(work), os.cpu_count() or 1))
    with ProcessPoolExecutor(workers, initializer=_one_thread_each) as pool:
        for read in pool.map(_reread_page, work):
            for k, text, score in read:
                words = tuple(Word(w, score * 100) for w in text.split())
                if words:
                    out[k] = Line(words, lines[k].page, image=lines[k].image, box=lines[k].box)
    return out


def _recogniser_installed() -> bool:
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


_RECOGNISER = None


def _reread_page(job: tuple[bytes, list[tuple[int, tuple[int, int, int, int]]]]) -> list[tuple[int, str, float]]:
    global _RECOGNISER
    import numpy
    from rapidocr_onnxruntime import RapidOCR  # here, in the worker: only a scan's differing lines need it

    if _RECOGNISER is None:
        _RECOGNISER = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)
    png, boxes = job
    page = Image.open(io.BytesIO(png)).convert("RGB")
    out = []
    for k, (left, top, right, bottom) in boxes:
        # a line's height of white each side: Tesseract's box leaves out what it did not read (a
        # character at the start of the line); the page is one column, so nothing else is beside it
        side = bottom - top
        crop = page.crop((max(0, left - side), top, min(page.width, right + side), bottom))
        result, _ = _RECOGNISER(numpy.asarray(crop), use_det=False, use_cls=False, use_rec=True)
        if result:
            text, score = result[0]
            out.append((k, str(text), float(score)))
    return out
