"""The interview's pages, one per block: shown, posted as a form, posted live by interview.js, and the
preview frame beside them."""
from __future__ import annotations

from flask import Flask, abort, current_app, g, jsonify, redirect, render_template, request, url_for

from ..answers.validate import block_present
from ..core.errors import ContractgenError
from ..render import LAYOUTS
from . import outputs
from .choices import countries, currencies, zone_choices
from .form import ACTION, Field, apply_form, block_fields, every_field, field_anchor, problems_in
from .site import Site


class SectionPages:
    def __init__(self, site: Site):
        self.site = site

    def register(self, app: Flask) -> None:
        app.get("/section/<block_id>")(self.section)
        app.post("/section/<block_id>")(self.save_section)
        app.post("/api/section/<block_id>")(self.live)
        app.get("/preview")(self.preview)

    def section(self, block_id: str):
        site = self.site
        block = site.blocks.get(block_id) or abort(404)
        s = g.s
        with s.lock:
            problems = site.problems_of(s)
            fields = block_fields(s, site.interview, block, problems)
            position = site.order.index(block_id)
            return render_template(
                "section.html", **site.chrome(block_id, problems), block=block, fields=fields,
                present=block_present(block, s.data), position=position + 1, total=len(site.order),
                previous=site.order[position - 1] if position else None,
                error_count=sum(1 for f in every_field(fields) if f.errors and f.shown),
                preview=site.preview_state(s), document_choices=site.document_choices(),
                layouts=site.layout_choices(),
                countries=countries(site.lang()) if _uses(fields, "country") else [],
                currencies=currencies(site.lang()) if _uses(fields, "currency") else [],
                time_zones=zone_choices(site.lang()) if _uses(fields, "time_zone") else [],
                api=url_for("live", block_id=block_id))

    def save_section(self, block_id: str):
        site = self.site
        block = site.blocks.get(block_id) or abort(404)
        s = g.s
        action = request.form.get(ACTION, "save")
        with s.lock:
            if apply_form(s, site.interview, block, request.form):
                s.changed()
            if action in ("save", "next", "back"):
                s.submitted.add(block_id)
            site.store.save(s)
            problems = site.problems_of(s)
            clean = not problems_in(site.interview, block, problems)
        order = site.order
        position = order.index(block_id)
        if action == "next" and clean:
            target = url_for("section", block_id=order[position + 1]) if position + 1 < len(order) \
                else url_for("review")
        elif action == "back" and position:
            target = url_for("section", block_id=order[position - 1])
        elif action.startswith(("add:", "remove:")):
            target = url_for("section", block_id=block_id) + "#" + field_anchor(action.partition(":")[2].split("[")[0])
        else:
            target = url_for("section", block_id=block_id) + ("" if clean else "#errors")
        return redirect(target, 303)

    def live(self, block_id: str):
        """The same post as the page's, answered with what changed on the page instead of a new page."""
        site = self.site
        block = site.blocks.get(block_id) or abort(404)
        s = g.s
        with s.lock:
            if apply_form(s, site.interview, block, request.form):
                site.changed(s)
            problems = site.problems_of(s)
            fields = every_field(block_fields(s, site.interview, block, problems))
            return jsonify({
                "revision": s.revision,
                "present": block_present(block, s.data),
                "shown": [f.name for f in fields if f.shown],
                "errors": {f.name: f.errors for f in fields if f.errors},
                "error_count": sum(1 for f in fields if f.errors and f.shown),
                "error_text": site.ui("errors_here", n=sum(1 for f in fields if f.errors and f.shown)),
                "nav": {n["id"]: n["status"] for n in site.nav(s, problems)},
                "preview": site.preview_state(s),
            })

    def preview(self):
        """The document as HTML, for the preview pane's sandboxed frame (no script, CSS inline)."""
        site = self.site
        s = g.s
        document = request.args.get("doc")
        layout = request.args.get("layout", "parallel")
        if document not in site.documents or layout not in LAYOUTS:
            abort(404)
        with s.lock:
            text = outputs.answers_text(s, site.interview)
        try:
            page = outputs.preview_html(text, document, layout)
        except ContractgenError as exc:
            return render_template("preview_message.html", lang=site.lang(),
                                   message=site.ui("preview_failed", message=str(exc))), 200
        return current_app.response_class(page, mimetype="text/html")


def _uses(fields: list[Field], widget: str) -> bool:
    return any(f.widget == widget for f in every_field(fields))
