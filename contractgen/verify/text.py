"""The text of a contract as `verify` compares it: lines of words (each with how sure the reader was),
made into one token stream per language after the noise a scan or a PDF adds is taken out.

Both sides go through the same steps, the returned document and the one rebuilt from the answers, so
whatever a step does to one it does to the other.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from ..core.text import CJK, Text
from ..core.textdiff import tokens

SURE = 100.0  # the confidence of a text layer's words


@dataclass(frozen=True)
class Where:
    """Where a passage sits in the document: article 0 is the title, heading lines and parties."""

    article: int
    heading: Text  # "Article 3 Payment" / "第三条 付款"; empty for article 0
    clause: str = ""  # "3.2"; "" for an article of one clause
    clause_id: str = ""

    def caption(self, lang: str = "en") -> str:
        if not self.article:
            return "Title, heading and parties" if lang == "en" else "标题、首部及双方信息"
        heading = getattr(self.heading, lang)
        return f"{heading}, {self.clause}" if self.clause else heading


@dataclass(frozen=True)
class Word:
    text: str
    confidence: float = SURE  # 0-100, as Tesseract gives it


@dataclass(frozen=True, eq=False)
class PageImage:
    """A scanned page as OCR read it (PNG bytes), kept so that a line can be read again."""

    png: bytes


@dataclass(frozen=True)
class Line:
    words: tuple[Word, ...]
    page: int = 0  # 1-based; 0 in a DOCX, which has no pages
    where: Where | None = None  # the reference's lines only
    # a scan's line: the page image OCR read, and the box (left, top, right, bottom) around the line on it
    # that a second reading cuts out
    image: PageImage | None = field(default=None, compare=False, repr=False)
    box: tuple[int, int, int, int] | None = field(default=None, compare=False, repr=False)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def line(text: str, page: int = 0, where: Where | None = None, confidence: float = SURE) -> Line:
    return Line(tuple(Word(w, confidence) for w in text.split()), page, where)


@dataclass(frozen=True)
class Token:
    text: str
    confidence: float
    page: int
    where: Where | None
    line: int = -1  # the index of its line in the lines given to streams()


# What OCR and different fonts turn into each other, after NFKC has made full-width forms half-width;
# a table's rule read as "|" is no text. Tesseract's English model has no ß and reads it as B
# ("Speicherstraße"); no edit turns one into the other.
_FOLD = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "「": '"', "」": '"', "『": '"', "』": '"',
                       "‘": "'", "’": "'", "′": "'", "〈": "(", "〉": ")", "《": "(", "》": ")", "【": "(",
                       "】": ")", "—": "-", "–": "-", "‐": "-", "‑": "-", "−": "-", "。": ".", "、": ",",
                       "·": ".", "•": ".", "@": "®", "|": " ", "¦": " ", "ß": "B"})
# A Chinese list item's number, （一） … （十二）: numbering the renderer computes, and what OCR misreads
# most ("(=)" for （二）); it is dropped on both sides.
_ENUMERATOR = re.compile(r"\(\s?[一二三四五六七八九十=]{1,3}\s?\)")
_LATIN = re.compile(r"[A-Za-z]")


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_FOLD)


def language(text: str, before: str = "en") -> str:
    """A line is Chinese when its Chinese characters are at least half as many as its Latin letters (a
    character says about what two letters do). Whole lines, not pieces: a line comes from one column, so
    a name in the other script stays in its sentence. A line of neither ("50,000.00。", the end of a
    wrapped sentence) is in the language of the line `before` it."""
    chinese, latin = len(CJK.findall(text)), len(_LATIN.findall(text))
    if not chinese and not latin:
        return before
    return "zh" if chinese and chinese * 2 >= latin else "en"


def running_lines(document_title: Text, reference: str, labels: dict[str, Text]) -> list[str]:
    """The page header and footer lines of the house template (docx.py prints them), without numbers."""
    number = labels["contract_no"]
    pages = {lang: " ".join(getattr(labels[f"page.{k}"], lang) for k in ("before", "of", "after")) for lang in ("en", "zh")}
    return [squash(s) for s in (f"{number.en} / {number.zh}: {reference}", f"{document_title.en} / {document_title.zh}",
                                pages["en"], pages["zh"])]


def squash(text: str) -> str:
    """Letters only (Latin and Chinese): what is left of a header or footer however it was read."""
    return "".join(c for c in normalise(text) if c.isalpha())


def drop_running_lines(lines: list[Line], running: list[str], edge: int = 3) -> list[Line]:
    """Lines among the first and last `edge` of each page that read like the header or footer: OCR
    mangles them ("第2页 $18"), so they are matched by their letters, loosely."""
    by_page: dict[int, list[int]] = {}
    for index, item in enumerate(lines):
        by_page.setdefault(item.page, []).append(index)
    dropped = set()
    for page, indexes in by_page.items():
        if not page:  # a DOCX keeps its header and footer apart from the body
            continue
        for index in indexes[:edge] + indexes[-edge:]:
            letters = squash(lines[index].text)
            if letters and any(difflib.SequenceMatcher(None, letters, r).ratio() >= 0.6 for r in running):
                dropped.add(index)
    return [item for index, item in enumerate(lines) if index not in dropped]


def streams(lines: list[Line]) -> dict[str, list[Token]]:
    """One token stream per language, each in reading order: a Chinese line by character, an English
    line by word. A word a hyphen broke at the end of a line is joined again."""
    out: dict[str, list[Token]] = {"en": [], "zh": []}
    broken = None  # the EN token ending the previous line with a hyphen ("manu-")
    lang = "en"
    for number, item in enumerate(lines):
        words = _without_enumerators([Word(normalise(w.text), w.confidence) for w in item.words])
        lang = language(" ".join(w.text for w in words), lang)
        stream = out[lang]
        for word in words:
            for part in tokens(word.text, lang):
                if broken is not None and stream and stream[-1] is broken and part[:1].islower():
                    part = stream.pop().text[:-1] + part
                stream.append(Token(part, word.confidence, item.page, item.where, number))
                broken = None
        if lang == "en" and words and len(stream[-1].text) > 1 and stream[-1].text.endswith("-"):
            broken = stream[-1]
    return out


def _without_enumerators(words: list[Word]) -> list[Word]:
    """The line's words with Chinese list numbers taken out, however OCR spaced them ("( 二 )")."""
    text = " ".join(w.text for w in words)
    if not _ENUMERATOR.search(text):
        return words
    kept, position = [], 0
    spans = [m.span() for m in _ENUMERATOR.finditer(text)]
    for word in words:
        start, end = position, position + len(word.text)
        position = end + 1
        inside = [(max(a, start), min(b, end)) for a, b in spans if a < end and b > start]
        rest = word.text
        for a, b in sorted(inside, reverse=True):
            rest = rest[:a - start] + rest[b - start:]
        if rest:
            kept.append(Word(rest, word.confidence))
    return kept
