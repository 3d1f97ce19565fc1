"""The returned text aligned with the reference, per language, and every difference found, classified
and ranked: what costs a buyer money first (numbers, amounts, dates, periods, percentages), then the
parties' names, codes and bank account, then the forum and seat, then the rest; within each, a change
to the Chinese whose English is unchanged first (the Chinese prevails).

What is not a difference: a stretch that differs only in spacing, in punctuation or in case (_bare), as
OCR reads a clean page wrongly; punctuation next to a digit (a number's separator or sign) and symbols
(±, %, $) always count. Nor is text read in another order (_moved): a passage removed in one place and
added, letter for letter, in another, in either language, within MOVE_ARTICLES articles, at least
MIN_MOVE letters long (a heading read with its column, a table read across its rows, a line taken for
the other language); a short word carried from one language's text to the other's in the same or the
next article is such a line too (_moved_across). Whatever differs within the moved text still counts.
A misreading that changes letters or characters is not guessed away: short prose read without
confidence is listed as unsure, anything else counts (_sure). A scan's differing lines are read again
by a second engine before this comparison is final (reread.read_again)."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from ..core.text import Text, has_chinese
from ..core.textdiff import Opcode, joined, opcodes, tokens
from .text import Line, Token, Where, drop_running_lines, normalise, streams

NUMBER_CHARACTERS = frozenset("0123456789%〇零一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟萬億")
SURE_ENOUGH = 85.0  # OCR confidence at and above which a word read is taken as what the page says
SHORT = 3  # tokens: an unsure OCR misreading is at most this long
MISSING_SHARE = 0.6  # of an article's reference text absent: the article is missing
CONTEXT = {"zh": 12, "en": 6}  # tokens of reference shown around a change
MIN_MOVE = {"zh": 4, "en": 6}  # characters: a shorter passage found elsewhere is not taken as moved
MOVE_ARTICLES = 2  # articles: a passage found further away is not taken as moved (an article heading is
# read in its column, sometimes before a short article or two that the text layer puts first)
CATEGORIES = ("missing", "number", "party", "forum", "text")
FORUM_CLAUSES = ("dispute.", "governing_law.")
# Answers whose change is a change of party: names, codes, the bank account.
PARTY_PATHS = (("buyer", "name_en"), ("buyer", "name_zh"), ("supplier", "name_en"), ("supplier", "name_zh"),
               ("supplier", "uscc"), ("supplier", "legal_representative"), ("supplier", "bank", "beneficiary"),
               ("supplier", "bank", "bank_name"), ("supplier", "bank", "account"), ("supplier", "bank", "swift"))


@dataclass(frozen=True)
class Finding:
    category: str  # one of CATEGORIES
    change: str  # changed | added | removed | missing
    lang: str  # en | zh
    where: Where
    page: int  # of the returned document; 0 when unknown (a DOCX)
    reference: str  # what the contract says there
    returned: str  # what came back
    context: str  # the reference around it, the change marked [-removed-]{+added+}
    zh_only: bool = False  # a Chinese change where the English of the same clause is unchanged
    confirmed: bool = True  # False: OCR read it unsure, and it is short prose
    position: int = 0  # in the reference stream, for document order

    def rank(self) -> tuple:
        return (CATEGORIES.index(self.category), not self.zh_only, self.where.article < 1, self.where.article,
                self.lang != "zh", self.position)


@dataclass(frozen=True)
class Alignment:
    lang: str
    reference: list[Token]
    returned: list[Token]
    opcodes: list[Opcode]


@dataclass(frozen=True)
class Comparison:
    findings: tuple[Finding, ...]  # confirmed, most important first
    unsure: tuple[Finding, ...]  # OCR misreadings in prose, listed but not counted
    alignments: dict[str, Alignment] = field(default_factory=dict)
    # the returned lines (indexes into the lines given) that a finding, counted or unsure, reads from,
    # or that stand either side of a passage found removed: where a second reading could help
    differing: frozenset[int] = frozenset()
    kept: tuple[int, ...] = ()  # the index in the lines given of each line compared (headers and footers dropped)

    def reference_of(self, line: int) -> str | None:
        """What the reference says where the returned line `line` (an index into the lines given) was
        aligned: the reference tokens its tokens are equal to or were changed from, and what was removed
        next to them; None when the line was not compared (a header, no words)."""
        for lang, a in self.alignments.items():
            js = [j for j, t in enumerate(a.returned) if self.kept[t.line] == line]
            if not js:
                continue
            low, high = js[0], js[-1] + 1
            start = end = None
            for tag, i1, i2, j1, j2 in a.opcodes:
                if tag == "equal":
                    if max(j1, low) >= min(j2, high):
                        continue
                    i1, i2 = i1 + max(j1, low) - j1, i1 + min(j2, high) - j1
                elif not (max(j1, low) < min(j2, high) or (j1 == j2 and low <= j1 <= high)):
                    continue
                start = i1 if start is None else min(start, i1)
                end = i2 if end is None else max(end, i2)
            if start is None:
                return None
            return joined([t.text for t in a.reference[start:end]], lang)
        return None


def compare(reference: list[Line], returned: list[Line], running: list[str], answers: dict) -> Comparison:
    kept = drop_running_lines(returned, running)
    index = {id(item): k for k, item in enumerate(returned)}
    ours, theirs = streams(drop_running_lines(reference, running)), streams(kept)
    alignments = {}
    for lang in ("en", "zh"):
        raw = Alignment(lang, ours[lang], theirs[lang], opcodes([t.text for t in ours[lang]],
                                                               [t.text for t in theirs[lang]]))
        alignments[lang] = Alignment(lang, ours[lang], theirs[lang], _widened(raw))
    hunks = [(lang, op) for lang, a in alignments.items() for op in a.opcodes if op[0] != "equal"]
    moved = _moved(alignments)
    findings, differing = [], set()
    for lang, op in hunks:
        finding = _finding(lang, op, alignments[lang], answers, moved[lang])
        if finding:
            findings.append(finding)
            differing.update(index[id(kept[t.line])] for t in _read_from(alignments[lang], op, moved[lang][1]))
    changed_en = {f.where for f in findings if f.lang == "en"}
    findings = [_with(f, zh_only=f.lang == "zh" and f.where not in changed_en) for f in findings]
    findings += _missing_articles(alignments, moved)
    confirmed = sorted((f for f in findings if f.confirmed), key=Finding.rank)
    return Comparison(tuple(confirmed), tuple(f for f in findings if not f.confirmed), alignments, frozenset(differing),
                      tuple(index[id(item)] for item in kept))


def _read_from(a: Alignment, op: Opcode, moved: set[int]) -> list[Token]:
    """The returned tokens a difference reads from: those it added, or, where it only removed, the
    tokens either side of the gap (OCR that dropped characters dropped them from one of those lines)."""
    _, _, _, j1, j2 = op
    added = [a.returned[k] for k in range(j1, j2) if k not in moved]
    return added or [a.returned[k] for k in (j1 - 1, j1) if 0 <= k < len(a.returned)]


def _with(finding: Finding, **changes) -> Finding:
    return Finding(**{**finding.__dict__, **changes})


def _moved(alignments: dict[str, Alignment]) -> dict[str, tuple[set[int], set[int]]]:
    """{lang: (reference tokens, returned tokens)} removed in one place and added, the same, in another:
    text the reader met in another order (a heading read with its column, a table read across its rows,
    a line taken for the other language), not a change. Matched letter by letter across both
    languages, the longest stretch first (moves may cross each other): a line read in another order is
    often also cut into other words ("代表人:Jane" / "代表 人 : Jane") or taken for the other language
    (a Chinese line with a name in it), so its tokens differ where its letters do not. Only letters,
    digits and a number's separators count (_letters), a match must be long enough to be more than
    chance (MIN_MOVE), lie within MOVE_ARTICLES articles, and cover a token whole."""
    moved: dict[str, tuple[set[int], set[int]]] = {lang: (set(), set()) for lang in alignments}
    removed, added = [], []  # (lang, index, article, letters, starts a stretch apart from the one before?)
    last = 1 + max((t.where.article for a in alignments.values() for t in a.reference if t.where), default=0)
    for lang, a in alignments.items():
        ops = [op for op in a.opcodes if op[0] != "equal"]
        for _, i1, i2, j1, j2 in ops:
            article = _article(a, i1, last)
            removed += [(lang, k, _article(a, k, last), _letters(a.reference, k, lang),
                         k == i1 and _apart(a.reference, lang, removed, k)) for k in range(i1, i2)]
            added += [(lang, k, article, _letters(a.returned, k, lang), k == j1 and _apart(a.returned, lang, added, k))
                      for k in range(j1, j2)]
    # a stretch matches within one hunk's tokens: a break (matching nothing) between hunks
    ours = [(n, c) for n, item in enumerate(removed) for c in ([None] if item[4] else []) + list(item[3])]
    theirs = [(n, c) for n, item in enumerate(added) for c in ([None] if item[4] else []) + list(item[3])]
    left, right = [c for _, c in ours], [c for _, c in theirs]
    covered_ours, covered_theirs = [0] * len(removed), [0] * len(added)
    for x, y, size in _common_stretches(left, right, MIN_MOVE["zh"]):
        chinese = has_chinese("".join(left[x:x + size]))
        near = abs(removed[ours[x][0]][2] - added[theirs[y][0]][2]) <= MOVE_ARTICLES
        if near and size >= MIN_MOVE["zh" if chinese else "en"]:
            for n, _ in ours[x:x + size]:
                covered_ours[n] += 1
            for n, _ in theirs[y:y + size]:
                covered_theirs[n] += 1
    # a token counts as moved only when its letters were matched whole
    for n, (lang, k, _, letters, _) in enumerate(removed):
        if letters and covered_ours[n] == len(letters):
            moved[lang][0].add(k)
    for n, (lang, k, _, letters, _) in enumerate(added):
        if letters and covered_theirs[n] == len(letters):
            moved[lang][1].add(k)
    _moved_across(alignments, removed, added, moved)
    return moved


def _moved_across(alignments: dict[str, Alignment], removed: list[tuple], added: list[tuple],
                  moved: dict[str, tuple[set[int], set[int]]]) -> None:
    """A word too short to match by chance ("its", "FOB", "(1)"), left over in a hunk, removed from one
    language and added, the same, to the other in the same or the next article: its line was taken for
    the other language. Where one reading has it as a line of its own (a table's cell) and the other
    runs it on with its neighbour, it is found at the start or the end of a longer hunk: "1" and "500"
    widened into one number, "2,000" read apart from "pcs". An edit does not carry a word from the
    English into the Chinese."""
    def leftovers(items: list[tuple], side: int) -> list[tuple[str, int, list[tuple[int, str]]]]:
        hunks: list[list[tuple]] = []
        for item in items:  # the hunks again: runs of consecutive tokens of one language
            if not hunks or item[0] != hunks[-1][-1][0] or item[1] != hunks[-1][-1][1] + 1:
                hunks.append([])
            hunks[-1].append(item)
        out = []
        for hunk in hunks:
            left = [(item[1], item[3]) for item in hunk if item[3] and item[1] not in moved[item[0]][side]]
            if left:
                out.append((hunk[0][0], next(item[2] for item in hunk if item[3]), left))
        return out

    ours, theirs = leftovers(removed, 0), leftovers(added, 1)
    for side, short, other in ((0, ours, theirs), (1, theirs, ours)):
        for lang, article, left in short:
            letters = "".join(t for _, t in left)
            if not left or len(letters) >= MIN_MOVE["zh"] * 2:
                continue
            stream = alignments[lang].reference if side == 0 else alignments[lang].returned
            first, last = left[0][0], left[-1][0]
            alone = (first == 0 or stream[first - 1].line != stream[first].line) and \
                (last + 1 == len(stream) or stream[last + 1].line != stream[last].line)
            for other_lang, other_article, candidates in other:
                if other_lang == lang or abs(other_article - article) > 1:
                    continue
                a = alignments[other_lang]
                run = _edge(candidates, letters, [t.line for t in (a.returned if side == 0 else a.reference)], alone)
                if run:
                    moved[lang][side].update(k for k, _ in left)
                    moved[other_lang][1 - side].update(run)
                    left.clear()
                    candidates[:] = [c for c in candidates if c[0] not in run]
                    break


def _edge(candidates: list[tuple[int, str]], letters: str, lines: list[int], alone: bool) -> list[int]:
    """The tokens of `candidates` (a hunk's, in order) whose letters are `letters`: all of them, or those
    at its start or its end that a line break parts from the rest (`lines`: each token's line), or that
    `alone`, the word sought is a line of its own (a table's cell, which the other reading ran on)."""
    for n in range(1, min(len(candidates), len(letters)) + 1):  # a token has at least one letter
        head, tail = candidates[:n], candidates[-n:]
        for run, edge, rest in ((head, head[-1], candidates[n:n + 1]), (tail, tail[0], candidates[-n - 1:-n])):
            apart = alone or not rest or lines[edge[0]] != lines[rest[0][0]]
            if apart and "".join(t for _, t in run) == letters:
                return [k for k, _ in run]
    return []


def _common_stretches(left: list, right: list, least: int) -> list[tuple[int, int, int]]:
    """(x, y, size): stretches of at least `least` items that `left` and `right` share, the longest first,
    none overlapping another in either (as repeated longest-match would give, in linear-ish time: each
    stretch grows from a seed of `least` items found through an index). None matches nothing."""
    seeds: dict[tuple, list[int]] = {}
    for y in range(len(right) - least + 1):
        gram = tuple(right[y:y + least])
        if None not in gram:
            seeds.setdefault(gram, []).append(y)
    found = []
    for x in range(len(left) - least + 1):
        gram = tuple(left[x:x + least])
        for y in seeds.get(gram, ()) if None not in gram else ():
            if x and y and left[x - 1] == right[y - 1] and left[x - 1] is not None:
                continue  # not where the stretch starts
            size = least
            while x + size < len(left) and y + size < len(right) and left[x + size] == right[y + size] and \
                    left[x + size] is not None:
                size += 1
            found.append((size, x, y))
    used_left, used_right = bytearray(len(left)), bytearray(len(right))
    out = []
    for size, x, y in sorted(found, key=lambda f: (-f[0], f[1], f[2])):
        if any(used_left[x:x + size]) or any(used_right[y:y + size]):
            continue
        used_left[x:x + size] = b"\x01" * size
        used_right[y:y + size] = b"\x01" * size
        out.append((x, y, size))
    return out


def _apart(stream: list[Token], lang: str, before: list[tuple], k: int) -> bool:
    """Does the hunk starting at k stand apart from the one before it in `stream`, with letters between
    them? Hunks with only punctuation between ("Date" [:] "23 November") are read as one stretch."""
    if not before or before[-1][0] != lang:
        return True
    return any(c.isalnum() for n in range(before[-1][1] + 1, k) for c in stream[n].text)


def _article(a: Alignment, k: int, last: int) -> int:
    """The article of the reference at k; the signatures (-1) come after the `last` article."""
    if not a.reference:
        return 0
    where = a.reference[min(k, len(a.reference) - 1)].where
    return (last if where.article < 0 else where.article) if where else 0


def _letters(stream: list[Token], k: int, lang: str) -> str:
    """A token's letters and digits, and a number's separators (as _bare keeps them: punctuation next
    to a digit, which in Chinese is the next token), in lower case."""
    text = stream[k].text
    if lang == "zh":  # one character a token: its neighbours are the next tokens
        text = (stream[k - 1].text[-1:] if k else "") + text + (stream[k + 1].text[:1] if k + 1 < len(stream) else "")
        start, end = (1 if k else 0), len(text) - (1 if k + 1 < len(stream) else 0)
    else:
        start, end = 0, len(text)
    return "".join(c for n, c in enumerate(text) if start <= n < end and (c.isalnum() or (
        not c.isspace() and (text[n - 1:n].isdigit() or text[n + 1:n + 2].isdigit())))).casefold()


def _is_number(text: str) -> bool:
    return any(c in NUMBER_CHARACTERS for c in text)


def _expand(a: Alignment, op: Opcode) -> Opcode:
    """Widen a change inside a number to the whole number, so "30%" → "50%" reads as such, not "3" → "5"."""
    tag, i1, i2, j1, j2 = op
    if a.lang != "zh":
        return op

    def part(k: int, step: int) -> bool:
        if not 0 <= k < len(a.reference):
            return False
        c = a.reference[k].text
        nxt = k + step
        return c in NUMBER_CHARACTERS or (c in ",." and 0 <= nxt < len(a.reference) and
                                          a.reference[nxt].text in NUMBER_CHARACTERS)

    touches = _is_number("".join(t.text for t in a.reference[i1:i2] + a.returned[j1:j2]))
    if not touches:
        return op
    while i1 > 0 and j1 > 0 and part(i1 - 1, -1) and a.reference[i1 - 1].text == a.returned[j1 - 1].text:
        i1, j1 = i1 - 1, j1 - 1
    while i2 < len(a.reference) and j2 < len(a.returned) and part(i2, 1) and \
            a.reference[i2].text == a.returned[j2].text:
        i2, j2 = i2 + 1, j2 + 1
    return tag, i1, i2, j1, j2


def _widened(a: Alignment) -> list[Opcode]:
    """The opcodes with every change inside a number widened to the whole number (_expand), changes
    that then touch merged, and the unchanged stretches between them recomputed."""
    merged: list[list] = []
    for op in a.opcodes:
        if op[0] == "equal":
            continue
        _, i1, i2, j1, j2 = _expand(a, op)
        if merged and i1 <= merged[-1][2]:
            merged[-1][2], merged[-1][4] = max(merged[-1][2], i2), max(merged[-1][4], j2)
        else:
            merged.append([i1, i1, i2, j1, j2])
    out: list[Opcode] = []
    i = j = 0
    for _, i1, i2, j1, j2 in merged:
        if i1 > i:
            out.append(("equal", i, i1, j, j1))
        out.append(("replace" if i2 > i1 and j2 > j1 else "delete" if i2 > i1 else "insert", i1, i2, j1, j2))
        i, j = i2, j2
    if i < len(a.reference) or j < len(a.returned):
        out.append(("equal" if len(a.reference) - i == len(a.returned) - j else "replace", i, len(a.reference),
                    j, len(a.returned)))
    return out


def _finding(lang: str, op: Opcode, a: Alignment, answers: dict, moved: tuple[set[int], set[int]]) -> Finding | None:
    tag, i1, i2, j1, j2 = op
    ours = [a.reference[k] for k in range(i1, i2) if k not in moved[0]]
    theirs = [a.returned[k] for k in range(j1, j2) if k not in moved[1]]
    if not ours and not theirs:
        return None
    if _bare(ours) == _bare(theirs) and not (lang == "zh" and _by_digit(a, i1, i2)):
        return None  # noise only (_bare), and not a Chinese number's separator: there a character is a token
    tag = "replace" if ours and theirs else "delete" if ours else "insert"
    anchor = a.reference[min(i1, len(a.reference) - 1)] if a.reference else None
    where = anchor.where if anchor and anchor.where else Where(0, Text("", ""))
    page = theirs[0].page if theirs else (a.returned[min(j1, len(a.returned) - 1)].page if a.returned else 0)
    reference, returned = joined([t.text for t in ours], lang), joined([t.text for t in theirs], lang)
    number = _is_number(reference + returned)
    if number:
        category = "number"
    elif where.article == 0 or _touches_party(a, i1, i2, answers):
        category = "party"
    elif where.clause_id.startswith(FORUM_CLAUSES):
        category = "forum"
    else:
        category = "text"
    context_size = CONTEXT[lang]
    before = joined([t.text for t in a.reference[max(0, i1 - context_size):i1]], lang)
    after = joined([t.text for t in a.reference[i2:i2 + context_size]], lang)
    marked = joined([p for p in (before, f"[-{reference}-]" if ours else "", f"{{+{returned}+}}" if theirs else "",
                                 after) if p], lang)
    change = {"replace": "changed", "delete": "removed", "insert": "added"}[tag]
    return Finding(category, change, lang, where, page, reference, returned, f"…{marked}…",
                   confirmed=_sure(a, ours, theirs, j1, category), position=i1)


def _sure(a: Alignment, ours: list[Token], theirs: list[Token], j1: int, category: str) -> bool:
    """Is this a difference, or OCR that could not read the page there? A text layer is always read
    surely. OCR's reading counts when its words were read with confidence, when the difference is
    longer than a misreading, or when a number reads as another number: a misread number is rarely a
    valid one ("(.5" for 0.5, 陆什 for 陆仟), an edited one always is."""
    read = theirs or a.returned[max(0, j1 - 1):j1 + 1]
    if not read or any(t.confidence >= SURE_ENOUGH for t in read):
        return True
    if category == "number":
        return bool(theirs) and all(c in NUMBER_CHARACTERS or c in ",." for t in theirs for c in t.text)
    return len(ours) > SHORT or len(theirs) > SHORT or category != "text"


def _bare(part: list[Token]) -> str:
    """The text without what OCR gets wrong and a reader does not read: spacing (OCR runs English words
    together, "Eachbottle", and splits Chinese inside English lines, "违约 金"), punctuation that OCR
    drops or adds ("Buyers", "reminder", a stray "，"), and case ("Sent"). Symbols (±, %, $) stay."""
    text = "".join(t.text for t in part)
    # punctuation next to a digit stays: a number's separators, its sign ("16,000.00", "-20")
    return "".join(c for k, c in enumerate(text) if not unicodedata.category(c).startswith("P")
                   or text[k - 1:k].isdigit() or text[k + 1:k + 2].isdigit()).casefold()


def _by_digit(a: Alignment, i1: int, i2: int) -> bool:
    """Does the changed stretch of the reference touch a digit ("16[,]000": a separator)?"""
    return any(0 <= k < len(a.reference) and a.reference[k].text[-1 if k < i1 else 0].isdigit() for k in (i1 - 1, i2))


def _party_values(answers: dict) -> list[str]:
    values = []
    for path in PARTY_PATHS:
        node = answers
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, str) and node.strip():
            values.append(node)
    return values


def _touches_party(a: Alignment, i1: int, i2: int, answers: dict) -> bool:
    texts = [t.text for t in a.reference]
    for value in _party_values(answers):
        needle = tokens(normalise(value), a.lang)
        if not needle:
            continue
        for start in range(max(0, i1 - len(needle)), min(len(texts), i2 + 1)):
            if texts[start:start + len(needle)] == needle and start < max(i2, i1 + 1) and start + len(needle) > i1:
                return True
    return False


def _missing_articles(alignments: dict[str, Alignment], moved: dict[str, tuple[set[int], set[int]]]) -> list[Finding]:
    total: dict[int, int] = {}
    gone: dict[int, int] = {}
    first: dict[int, tuple[Where, int]] = {}
    for a in alignments.values():
        for index, token in enumerate(a.reference):
            if token.where and token.where.article > 0:
                total[token.where.article] = total.get(token.where.article, 0) + 1
                first.setdefault(token.where.article, (token.where, index))
        for tag, i1, i2, _, _ in a.opcodes:
            if tag in ("delete", "replace"):
                for token in (a.reference[k] for k in range(i1, i2) if k not in moved[a.lang][0]):
                    if token.where and token.where.article > 0:
                        gone[token.where.article] = gone.get(token.where.article, 0) + 1
    out = []
    for article, count in total.items():
        if gone.get(article, 0) >= MISSING_SHARE * count:
            where, index = first[article]
            heading = Where(article, where.heading)
            out.append(Finding("missing", "missing", "en", heading, 0, heading.caption("en"), "",
                               f"{gone[article]} of its {count} words and characters are not in the returned "
                               f"document", position=index))
    return out
