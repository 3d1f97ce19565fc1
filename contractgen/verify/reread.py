"""A scan read a second time where it differs: the lines Tesseract read that differ from the contract,
and the stretches of ink it read no line in, read again by a second OCR engine (ocr.reread), and that
reading kept only where it says what the contract says."""
from __future__ import annotations

import difflib

from ..core.textdiff import opcodes
from . import ocr
from .compare import Comparison, compare
from .reference import Reference
from .text import Line, Word, normalise, squash

DOUBTFUL = 50.0  # the confidence given to words the two OCR engines read differently, neither as the contract
MIN_READ = 4  # letters: a stretch Tesseract skipped that the second engine reads as fewer is not taken
ROW_SPREAD = 25  # ... nor one whose letters the reference does not have within this many times as many letters
NEAREST = 0.7  # how alike (difflib's ratio) a reference line must read to be taken as the one a scan's line shows


def read_again(reference: Reference, lines: list[Line], running: list[str],
               comparison: Comparison) -> tuple[list[Line], Comparison]:
    """The scanned lines that differ from the contract, and the stretches of ink Tesseract read no line
    in, read again by a second OCR engine (ocr.reread). A second reading replaces the first only where
    the contract then finds nothing in it: two engines that misread a page the same way, into the very
    words the contract has, do not happen by chance, while an edit on the page reads as the edit to
    both. Everything else keeps its first reading, and every difference is still reported, from the
    comparison of the lines so chosen."""
    differing = sorted(comparison.differing | {k for k, line in enumerate(lines) if not line.words})
    again = ocr.reread([lines[k] for k in differing])
    trial = list(lines)
    for k, line in zip(differing, again):
        if line is not None:
            trial[k] = line
    tried = compare(reference.lines, trial, running, reference.answers)
    chosen = list(lines)
    for k, line in zip(differing, again):
        if line is None:
            continue
        if k not in tried.differing:  # the second reading finds nothing: it stands
            chosen[k] = line
        elif not lines[k].words and _printed_near(reference.lines, lines[k].page, line):
            chosen[k] = line  # a stretch Tesseract skipped, read as text the reference has there
        elif lines[k].words:  # else the two readings merged, where the reference is known
            said = comparison.reference_of(k) or _nearest(reference.lines, lines[k].page, line)
            chosen[k] = merged(lines[k], line, said) if said else lines[k]
    chosen = [line for line in chosen if line.words]  # a stretch read by neither engine as the contract's
    if chosen == [line for line in lines if line.words]:
        return chosen, comparison
    return chosen, compare(reference.lines, chosen, running, reference.answers)


def _printed_near(reference: list[Line], page: int, read: Line) -> bool:
    """Are the letters of `read` (at least MIN_READ of them) found in this order, close together, in the
    reference's text of that page or the pages next to it? Close, not one after the other: a table's
    row is read across its cells ("号 单价 金额"), the reference reads it cell by cell."""
    letters = squash(read.text).casefold()
    if len(letters) < MIN_READ:
        return False
    text = squash(" ".join(item.text for item in reference if abs(item.page - page) <= 1)).casefold()
    window = ROW_SPREAD * len(letters)
    start = text.find(letters[0])
    while start >= 0:
        at = start
        for c in letters[1:]:
            at = text.find(c, at + 1, start + window)
            if at < 0:
                break
        else:
            return True
        start = text.find(letters[0], start + 1)
    return False


def _nearest(reference: list[Line], page: int, read: Line) -> str | None:
    """The reference line, or two lines running on, on the same page or next to it, that reads most like
    `read`: where a line read in another order than the reference's was aligned with nothing."""
    letters = "".join(c for c in normalise(read.text) if not c.isspace())
    near = [item for item in reference if abs(item.page - page) <= 1]
    candidates = [item.text for item in near] + [f"{a.text} {b.text}" for a, b in zip(near, near[1:])]
    best, score = None, NEAREST
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(letters)
    for text in candidates:
        matcher.set_seq1("".join(c for c in normalise(text) if not c.isspace()))
        if matcher.real_quick_ratio() >= score and matcher.quick_ratio() >= score and matcher.ratio() >= score:
            best, score = text, matcher.ratio()
    return best


def merged(first: Line, second: Line, reference: str) -> Line:
    """The first reading, with each place where it differs from the reference taken from the second
    reading where the second reads the reference there: where only one engine misread, the other's
    reading stands, letter by letter; where both read something else (an edit), the first stays, and
    where the two read it differently from each other too, the words there are DOUBTFUL: a short
    difference in prose found there is listed as unsure (compare.py: sure), a number never is."""
    ours = [c for c in normalise(reference) if not c.isspace()]
    first_chars = [(c, w) for w, word in enumerate(first.words) for c in normalise(word.text) if not c.isspace()]
    second_chars = [c for c in normalise(second.text) if not c.isspace()]
    agreed: dict[int, int] = {}  # reference position → position in the second reading, where they are equal
    for tag, i1, i2, j1, _ in opcodes(ours, second_chars):
        if tag == "equal":
            agreed.update((i1 + n, j1 + n) for n in range(i2 - i1))
    both: dict[int, int] = {}  # position in the first reading → in the second, where the two read alike
    for tag, i1, i2, j1, _ in opcodes([c for c, _ in first_chars], second_chars):
        if tag == "equal":
            both.update((i1 + n, j1 + n) for n in range(i2 - i1))
    out: list[tuple[str, int]] = []
    changed: set[int] = set()
    doubtful: set[int] = set()  # words where the engines read differently, and neither reads the reference
    for tag, i1, i2, j1, j2 in opcodes(ours, [c for c, _ in first_chars]):
        if tag == "equal":
            out += first_chars[j1:j2]
            continue
        word = first_chars[j1 - 1][1] if j1 else first_chars[0][1] if first_chars else 0
        seconds = all(k in agreed for k in range(i1, i2))
        if i1 == i2:  # the first reading has more: the second must have nothing between its neighbours
            seconds = i1 > 0 and i1 - 1 in agreed and i1 in agreed and agreed[i1] == agreed[i1 - 1] + 1
        if seconds:
            out += [(c, word) for c in ours[i1:i2]]
            changed.add(word)
        else:
            out += first_chars[j1:j2]
            if j1 < j2 and any(j not in both for j in range(j1, j2)):
                doubtful.update(w for _, w in first_chars[j1:j2])
            elif j1 == j2 and 0 < j1 < len(first_chars) and not (j1 - 1 in both and j1 in both and
                                                                   both[j1] == both[j1 - 1] + 1):
                doubtful.update((first_chars[j1 - 1][1], first_chars[j1][1]))
    if not changed and not doubtful:
        return first
    confidence = min(w.confidence for w in second.words)
    words = [Word("".join(c for c, w in out if w == k),
                  min(word.confidence, DOUBTFUL) if k in doubtful else
                  min(word.confidence, confidence) if k in changed else word.confidence)
             for k, word in enumerate(first.words)]
    return Line(tuple(w for w in words if w.text), first.page, image=first.image, box=first.box)
