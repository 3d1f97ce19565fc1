"""What every page of `contractgen serve` shares: the app's fixed state and the page chrome.

A `Site` is made once per app and never changed after: the interview, its documents, the session
store (which guards itself). The server's threads share it; everything that changes lives in a
`Session`, read and written with its lock held.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from flask import g, render_template, request, url_for

from ..answers.questionnaire import all_problems, block_of, question_at
from ..core.errors import Problem
from ..core.text import Text
from ..interview.definitions import load_interview
from ..library.definitions import documents_for
from ..render import LAYOUTS
from ..risk.rules import bundled_clauses
from . import outputs
from .form import block_status, field_anchor, session_problems
from .session import Session, SessionStore
from .strings import problem_text, ui

MAX_LISTED = 8  # problems listed in the preview pane before "… and N more"


class Site:
    def __init__(self, interview_name: str, store_folder: Path):
        self.interview = load_interview(interview_name)
        self.documents = documents_for(interview_name)
        self.store = SessionStore(store_folder, self.interview)
        self.blocks = {block.id: block for block in self.interview.blocks}
        self.order = [block.id for block in self.interview.blocks]

    # -- the page's language ------------------------------------------------------------------------

    def lang(self) -> str:
        """The session's language; before there is one, the browser's preference."""
        s = getattr(g, "s", None)
        if s is not None:
            return s.lang
        best = request.accept_languages.best_match(["en", "zh", "zh-CN", "zh-Hans"]) or "en"
        return "zh" if best.startswith("zh") else "en"

    def text(self, text) -> str:
        """A bilingual text in the page's language."""
        if isinstance(text, Text):
            return getattr(text, self.lang())
        return str(text)

    def ui(self, key: str, **values) -> str:
        """A word of the page (strings.UI) in the page's language."""
        return ui(key, self.lang(), **values)

    # -- what every page shows ----------------------------------------------------------------------

    def chrome(self, active: str | None, problems: list[Problem] | None = None) -> dict:
        s = getattr(g, "s", None)
        lang = self.lang()
        return {"lang": lang, "html_lang": "zh-Hans" if lang == "zh" else "en", "t": self.text, "u": self.ui,
                "csrf": s.csrf if s else "", "interview": self.interview, "active": active,
                "nav": self.nav(s, problems) if s is not None and problems is not None else [],
                "here": request.path, "colon": "：" if lang == "zh" else ": "}

    def message(self, text: str, status: int):
        return render_template("message.html", **self.chrome(None), message=text), status

    def nav(self, s: Session, problems: list[Problem]) -> list[dict]:
        return [{"id": b.id, "title": self.text(b.title), "href": url_for("section", block_id=b.id),
                 "status": block_status(s, self.interview, b, problems)} for b in self.interview.blocks]

    def document_choices(self) -> list[tuple[str, str]]:
        return [(d, self.text(outputs.document_title(d))) for d in self.documents]

    def layout_choices(self) -> list[tuple[str, str]]:
        return [(layout, self.ui(f"layout_{layout}")) for layout in LAYOUTS]

    def clause_title(self, clause_id: str) -> str:
        clause = bundled_clauses().clauses.get(clause_id)
        return f"{self.text(clause.title)} ({clause_id})" if clause else clause_id

    # -- the answers' problems and the preview ------------------------------------------------------

    def changed(self, s: Session) -> None:
        """The answers changed: a new revision, saved at once (call with s.lock held)."""
        s.changed()
        self.store.save(s)

    def problems_of(self, s: Session) -> list[Problem]:
        """The problems of the answers as they stand (refused typed values in place of stored ones)."""
        return session_problems(s, self.interview, all_problems(self.interview, s.data, s.source))

    def problem_line(self, p: Problem, s: Session) -> dict:
        """A problem as a link to its field: the question's label, then what is wrong."""
        q = question_at(self.interview, p.path)
        block = block_of(self.interview, p.path)
        label = self.text(q.label) if q else p.path
        line = _line_number(p.path)
        if line:
            label = f"{self.ui('line', n=line)} · {label}"
        href = (url_for("section", block_id=block.id) + "#" + field_anchor(p.path)) if block else url_for("review")
        return {"label": label, "text": problem_text(p, s.lang, self.interview), "href": href,
                "section": self.text(block.title) if block else ""}

    def not_ready(self, s: Session, text: str, document: str) -> list[Problem]:
        """What keeps `document` from being built: refused typed values, then the answers' problems."""
        doc_interview = outputs.interview_for([document])
        refused = [p for path, r in s.refused.items() if block_of(doc_interview, path) for p in r.problems]
        return refused + outputs.problems_for(text, [document], s.source)

    def preview_state(self, s: Session) -> dict:
        document = s.document if s.document in self.documents else self.documents[0]
        text = outputs.answers_text(s, self.interview)
        missing = outputs.problems_for(text, [document], s.source)
        doc_interview = outputs.interview_for([document])
        missing = [p for p in missing if p.path not in s.refused]
        missing += [p for path, r in s.refused.items() if block_of(doc_interview, path) for p in r.problems]
        lines = [self.problem_line(p, s) for p in missing]
        return {"document": document, "layout": s.layout, "ready": not missing,
                # named by the answers it shows: the frame reloads only when they change
                "src": url_for("preview", doc=document, layout=s.layout,
                               v=hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]) if not missing else "",
                "missing": lines[:MAX_LISTED], "more": max(0, len(lines) - MAX_LISTED),
                "more_text": self.ui("and_more", n=len(lines) - MAX_LISTED) if len(lines) > MAX_LISTED else "",
                "colon": "：" if s.lang == "zh" else ": "}


def _line_number(path: str) -> int | None:
    match = re.search(r"\[(\d+)\]", path)
    return int(match.group(1)) + 1 if match else None
