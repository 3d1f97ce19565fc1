"""Reading scanned pages: Tesseract (Debian's tesseract-ocr with chi_sim and eng) through pytesseract,
one page per worker process, so both cores of a small machine read at once.

Before reading, the chop's red ink is made white: a round red chop over a signature or a clause hides
the black text under it from OCR. A page OCR cannot read well enough is an error naming the page,
never a silent pass.

Each page is read once. Reading the lines that differ again at 400 dpi was measured on a 23-page
contract and left out: it cost more CPU than the first reading, and Tesseract's worst confusions are
its model's, not the resolution's (仟 reads as 什 at 400 dpi too).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from PIL import Image, ImageChops, UnidentifiedImageError

from ..core.errors import ContractgenError, InputError, Problem
from ..core.messages import as_typed, message
from .text import Line, Word

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


def unfolded(grey: Image.Image) -> Image.Image:
    """The page as one column: where a stretch of lines has two columns (the parallel layout's English |
    Chinese), its left column is put above its right one; full-width lines (titles, the product table)
    stay as they are. Tesseract then reads each language's text in its order, instead of running lines
    of one column into the other. Cuts fall only on blank rows, never through a line of text."""
    width, height = grey.size
    ink = grey.point(lambda v: 255 if v < INK else 0)
    # a long vertical rule (the border between the columns of a table) would join every line into one
    columns = ink.resize((width, 1), Image.Resampling.BOX).get_flattened_data()
    grey = grey.copy()
    for x, mean in enumerate(columns):
        if mean >= RULE_HEIGHT * 255:
            for top, bottom in _long_runs(ink, x, RULE_RUN * height):
                grey.paste(255, (x - 1, top, x + 2, bottom))  # and its anti-aliased edges
                ink.paste(0, (x - 1, top, x + 2, bottom))
    rows = list(ink.resize((1, height), Image.Resampling.BOX).get_flattened_data())
    lines, y = [], 0
    while y < height:
        if rows[y]:
            start = y
            while y < height and rows[y]:
                y += 1
            lines.append((start, y))
        y += 1
    gutter = _gutter(ink, lines)
    regions: list[list] = []  # [top, bottom, two columns?]
    for top, bottom in lines:
        running = not EDGE * height < (top + bottom) / 2 < (1 - EDGE) * height  # the page header or footer
        split = gutter is not None and not running and not _crosses(ink, gutter, top, bottom)
        if regions and regions[-1][2] == split:
            regions[-1][1] = bottom
        else:
            regions.append([top, bottom, split])
    pieces = []
    for k, (top, bottom, split) in enumerate(regions):
        # no further than halfway to the next stretch: a margin must not take in a sliver of its text
        above = regions[k - 1][1] if k else top - 2 * MARGIN
        below = regions[k + 1][0] if k + 1 < len(regions) else bottom + 2 * MARGIN
        top, bottom = max(0, top - MARGIN, (above + top) // 2), min(height, bottom + MARGIN, (bottom + below + 1) // 2)
        if split:
            pieces += [grey.crop((0, top, gutter[0], bottom)), grey.crop((gutter[0], top, width, bottom))]
        else:
            pieces.append(grey.crop((0, top, width, bottom)))
    out = Image.new("L", (width, sum(p.height + MARGIN * 4 for p in pieces) + MARGIN * 4), 255)
    y = MARGIN * 4
    for piece in pieces:
        out.paste(piece, (0, y))
        y += piece.height + MARGIN * 4
    return out


def _long_runs(ink: Image.Image, x: int, least: float) -> list[tuple[int, int]]:
    """(top, bottom) of every stretch of at least `least` pixels inked one under the other in pixel
    column x: a rule, where text, even justified, breaks between lines."""
    runs, start = [], None
    for y, value in enumerate([*ink.crop((x, 0, x + 1, ink.height)).get_flattened_data(), 0]):
        if value and start is None:
            start = y
        elif not value and start is not None:
            if y - start >= least:
                runs.append((start, y))
            start = None
    return runs


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
    blank = [count <= GUTTER_SHARE * len(lines) for count in inked]
    best, run = (0, 0), 0
    for i, is_blank in enumerate(blank + [False]):
        run = run + 1 if is_blank else 0
        if run > best[1]:
            best = (i, run)
    end, length = best
    if length < 2 * MIN_GUTTER_HALF:
        return None
    # its middle half: a column's justified edge may reach into the band's sides
    return low + end - length // 2, max(MIN_GUTTER_HALF, length // 4)


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
    return _ocr(unfolded(without_red_ink(image)), page)


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
    lines: dict[tuple[int, int, int], list[Word]] = {}
    characters, weighted = 0, 0.0
    for text, conf, block, par, number in zip(data["text"], data["conf"], data["block_num"], data["par_num"],
                                               data["line_num"]):
        text, conf = text.strip(), float(conf)
        if not text or conf < 0:
            continue
        lines.setdefault((block, par, number), []).append(Word(text, conf))
        characters += len(text)
        weighted += conf * len(text)
    return ([Line(tuple(words), page) for words in lines.values()], characters,
            weighted / characters if characters else 0.0)
