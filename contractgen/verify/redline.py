"""The lawyer's redline: the contract's text as built, article by article in English and Chinese, with what
came back as Word tracked changes (`w:del` for what the returned copy lacks, `w:ins` for what it adds),
so Word's Review pane walks through them."""
from __future__ import annotations

import docx

from ..core.messages import message
from ..core.textdiff import joined
from ..render.ooxml import package_members, tracked_run, write_zip
from .compare import Alignment
from .run import Verification
from .text import Where

AUTHOR = "contractgen verify"
TITLE = message("verify.redline_title", "Redline: the returned contract against the contract as built")


def _segments(a: Alignment) -> dict[Where, list[tuple[str, str]]]:
    """{where: [(kind, text)]}: kind "" for unchanged, "del" or "ins"; runs of one kind merged."""
    out: dict[Where, list[tuple[str, list[str]]]] = {}

    def add(where, kind, text):
        runs = out.setdefault(where, [])
        if runs and runs[-1][0] == kind:
            runs[-1][1].append(text)
        else:
            runs.append((kind, [text]))

    for tag, i1, i2, j1, j2 in a.opcodes:
        for token in a.reference[i1:i2]:
            add(token.where, "" if tag == "equal" else "del", token.text)
        if tag != "equal" and j2 > j1:
            anchor = a.reference[max(i1 - 1, 0)].where if a.reference else None
            for token in a.returned[j1:j2]:
                add(anchor, "ins", token.text)
    return {where: [(kind, joined(parts, a.lang)) for kind, parts in runs] for where, runs in out.items()}


def redline_docx(result: Verification) -> bytes:
    document = docx.Document()
    doc = result.reference.document
    title = TITLE()
    document.add_heading(f"{title.en} {doc.reference}", level=1)
    document.add_paragraph(f"{title.zh} {doc.reference}")
    by_lang = {lang: _segments(a) for lang, a in result.comparison.alignments.items()}
    order = list(dict.fromkeys([*by_lang.get("en", {}), *by_lang.get("zh", {})]))
    order.sort(key=lambda w: (w is None, w.article < 0 if w else 0, w.article if w else 0))
    date = f"{doc.date}T00:00:00Z"
    change = 0
    for where in order:
        if where is not None:
            document.add_heading(where.caption("en"), level=2)
        for lang in ("en", "zh"):
            runs = by_lang.get(lang, {}).get(where)
            if not runs:
                continue
            paragraph = document.add_paragraph()
            separator = "" if lang == "zh" else " "
            for index, (kind, text) in enumerate(runs):
                text = (separator if index else "") + text
                if kind:
                    change += 1
                    tracked_run(paragraph._p, text, kind, change, AUTHOR, date)
                else:
                    paragraph.add_run(text)
    document.core_properties.author = AUTHOR
    # not document.save(): its zip stamps the wall clock, and the same comparison must give the same file
    return write_zip(package_members(document.part.package))
