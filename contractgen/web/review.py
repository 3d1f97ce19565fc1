"""The review page: every problem left, the risk assessment, and the downloads (answers, each
document, the whole set) once the answers are ready."""
from __future__ import annotations

import io

from flask import Flask, abort, g, render_template, send_file

from ..core.errors import Problem
from ..risk.assess import BAND_TEXT
from . import outputs
from .session import Session
from .site import Site

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class ReviewPages:
    def __init__(self, site: Site):
        self.site = site

    def register(self, app: Flask) -> None:
        app.get("/review")(self.review)
        app.get("/download/answers.yaml")(self.download_answers)
        app.get("/download/<document>.<fmt>")(self.download_document)
        app.get("/download/set.zip")(self.download_set)

    def review(self):
        site = self.site
        s = g.s
        with s.lock:
            problems = site.problems_of(s)
            text = outputs.answers_text(s, site.interview)
            lines = [site.problem_line(p, s) for p in problems]
            docs = []
            for document in site.documents:
                missing = site.not_ready(s, text, document)
                docs.append({"id": document, "title": site.text(outputs.document_title(document)),
                             "missing": len(missing),
                             "href": missing and site.problem_line(missing[0], s)["href"]})
            risk_offered = "sales_contract" in site.documents
            assessment = outputs.risk_assessment(text, s.source) if risk_offered else None
            notices = outputs.clause_notices(text, [d["id"] for d in docs if not d["missing"]], s.source)
            return render_template(
                "review.html", **site.chrome("review", problems), problems=lines, documents=docs,
                all_ready=all(d["missing"] == 0 for d in docs), assessment=assessment,
                risk_offered=risk_offered, notices=notices, band_text={name: text() for name, text in BAND_TEXT.items()}, clause_title=site.clause_title,
                layout_name=site.ui(f"layout_{s.layout}"), preview=site.preview_state(s),
                document_choices=site.document_choices(), layouts=site.layout_choices())

    def download_answers(self):
        s = g.s
        with s.lock:
            text = outputs.answers_text(s, self.site.interview)
            name = outputs.download_name(s, ".yaml")
        return _attachment(text.encode("utf-8"), name, "application/yaml")

    def download_document(self, document: str, fmt: str):
        site = self.site
        if document not in site.documents or fmt not in ("docx", "pdf"):
            abort(404)
        s = g.s
        with s.lock:
            text = outputs.answers_text(s, site.interview)
            missing = site.not_ready(s, text, document)
            layout = s.layout
        if missing:
            return self.not_ready_page(s, missing)
        files = outputs.built_files(text, [document], [fmt], layout)
        name = next(n for n in files if n.endswith(f".{fmt}"))
        return _attachment(files[name], name, DOCX_TYPE if fmt == "docx" else "application/pdf")

    def download_set(self):
        site = self.site
        s = g.s
        with s.lock:
            text = outputs.answers_text(s, site.interview)
            missing = [p for d in site.documents for p in site.not_ready(s, text, d)]
            layout = s.layout
            answers_name = outputs.download_name(s, ".yaml")
        if missing:
            return self.not_ready_page(s, list(dict.fromkeys(missing)))
        data = outputs.set_zip(text, list(site.documents), layout, answers_name)
        return _attachment(data, outputs.download_name(s, "-contracts.zip"), "application/zip")

    def not_ready_page(self, s: Session, missing: list[Problem]):
        site = self.site
        lines = [site.problem_line(p, s) for p in missing]
        return render_template("message.html", **site.chrome("review"),
                               message=site.ui("not_ready", n=len(lines)), lines=lines), 409


def _attachment(data: bytes, name: str, mimetype: str):
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name,
                     conditional=False, etag=False)
