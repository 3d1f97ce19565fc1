"""`contractgen serve`: the interview as local web pages, one per interview block.

Every page works as plain HTML form posts (the server validates, shows errors next to the fields and
decides which questions are shown); static/interview.js only makes it live by posting the same form
to /api/section/<block> on every change and applying the answer: which questions are shown, the
errors, the preview. The server is the one source of truth for show_if (questionnaire.is_shown).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import sys
from functools import cache
from pathlib import Path, PurePath

from babel import Locale
from babel.dates import format_datetime, get_timezone_location
from babel.numbers import get_currency_name
from flask import Flask, abort, g, jsonify, redirect, render_template, request, send_file, url_for
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from ..answers.load import known_answer_paths
from ..core.errors import ContractgenError, InputError, Problem
from ..interview.definitions import load_interview
from ..core.text import Text
from ..answers.questionnaire import all_problems, block_of, block_present, editable_answers, question_at
from ..render import LAYOUTS
from ..risk.assess import BAND_TEXT
from ..risk.rules import bundled_clauses
from ..answers.paths import unknown_paths
from ..answers.schema import country_codes, currency_codes, time_zones
from ..core.yamlio import load_yaml_text
from . import outputs
from .form import (ACTION, CSRF, Field, every_field, apply_form, block_fields, block_status, field_anchor,
                   problems_in, session_problems)
from .security import allowed_hosts, is_loopback, is_page_load, same_origin, security_headers, token_matches
from .session import Saved, Session, SessionStore, data_folder
from .strings import LANGS, problem_text, ui

MAX_UPLOAD = 1024 * 1024  # an answers file is a few KiB; the YAML loader's own limit is 2 MiB
MAX_LISTED = 8  # problems listed in the preview pane before "… and N more"
COOKIE = "contractgen_session"  # the session's id: random, unguessable, the key of its saved file
COOKIE_DAYS = 90  # a browser reopened later still finds its interview (it is saved until discarded)
PAGES = frozenset({"index", "section", "review", "load"})  # the page loads that may open a session


def create_app(interview_name: str = "order_set", host: str = "127.0.0.1", port: int = 8000,
               data_dir: Path | None = None) -> Flask:
    """`data_dir`: where the interviews are saved as they change; the user's data folder by default."""
    interview = load_interview(interview_name)
    documents = outputs.documents_for(interview_name)
    store = SessionStore(data_dir or data_folder(), interview)
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=MAX_UPLOAD, ALLOWED_HOSTS=allowed_hosts(host, port))
    blocks = {block.id: block for block in interview.blocks}
    order = [block.id for block in interview.blocks]

    # -- every request: host, session, language, cross-site protection ----------------------------

    @app.before_request
    def guard():
        if request.host not in app.config["ALLOWED_HOSTS"]:
            return _message(ui("bad_host", _lang()), 400)
        if request.endpoint == "static":
            return None  # the stylesheet and the script need no session
        given = request.cookies.get(COOKIE)
        s = store.get(given)
        if s is None:
            # only this app's own page loads open a session: an image or a frame on another site (which
            # never carries the SameSite cookie) must not push a buyer's interview out
            if not (request.method == "GET" and request.endpoint in PAGES and is_page_load(request.headers)):
                if given:
                    return _message(ui("session_gone", _lang()), 410)
                return _message(ui("no_session", _lang()), 403)
            s = g.cookie = store.new(_lang())
            if given:  # never start blank over the user's answers without saying so
                s.notice.append(ui("session_lost", s.lang))
                g.s = s
                if request.endpoint != "index":
                    return redirect(url_for("index"))
        g.s = s
        if request.args.get("lang") in LANGS:
            s.lang = request.args["lang"]
        if request.endpoint != "preview":  # the preview frame names what it shows; it changes nothing
            if request.args.get("preview") in documents:
                s.document = request.args["preview"]
            if request.args.get("layout") in LAYOUTS:
                s.layout = request.args["layout"]
        if request.method == "POST":
            given = request.headers.get("X-CSRF-Token") or request.form.get(CSRF)
            if not same_origin(request.headers.get("Origin"), request.headers.get("Referer"), request.host) \
                    or not token_matches(s.csrf, given):
                return _message(ui("forbidden", s.lang), 403)
        return None

    @app.after_request
    def headers(response):
        security_headers(response.headers, preview=request.endpoint == "preview")
        if "cookie" in g:  # a new session, or a saved one continued in this window
            response.set_cookie(COOKIE, g.cookie.id, max_age=COOKIE_DAYS * 86400, path="/", httponly=True,
                                samesite="Strict")
        return response

    def changed(s: Session) -> None:
        """The answers changed: a new revision, saved at once (call with s.lock held)."""
        s.changed()
        store.save(s)

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_):
        return _message(ui("too_large", _lang(), size=MAX_UPLOAD // 1024), 413)

    @app.errorhandler(HTTPException)
    def http_error(exc):
        if exc.code == 404:
            return _message(ui("not_found", _lang()), 404)
        return exc

    @app.errorhandler(ContractgenError)
    def contractgen_error(exc):
        return _message(str(exc), 409 if isinstance(exc, InputError) else 500)

    def _lang() -> str:
        """The session's language; before there is one, the browser's preference."""
        s = getattr(g, "s", None)
        if s is not None:
            return s.lang
        best = request.accept_languages.best_match(["en", "zh", "zh-CN", "zh-Hans"]) or "en"
        return "zh" if best.startswith("zh") else "en"

    def _message(text: str, status: int):
        return render_template("message.html", **_chrome(None), message=text), status

    # -- what every page shows ----------------------------------------------------------------------

    def t(text) -> str:
        """A bilingual text in the page's language."""
        if isinstance(text, Text):
            return getattr(text, _lang())
        return str(text)

    def u(key: str, **values) -> str:
        return ui(key, _lang(), **values)

    def problem_line(p: Problem, s: Session) -> dict:
        """A problem as a link to its field: the question's label, then what is wrong."""
        q = question_at(interview, p.path)
        block = block_of(interview, p.path)
        label = t(q.label) if q else p.path
        line = _line_number(p.path)
        if line:
            label = f"{u('line', n=line)} · {label}"
        href = (url_for("section", block_id=block.id) + "#" + field_anchor(p.path)) if block else url_for("review")
        return {"label": label, "text": problem_text(p, s.lang, interview), "href": href,
                "section": t(block.title) if block else ""}

    def problems_of(s: Session) -> list[Problem]:
        """The problems of the answers as they stand (refused typed values in place of stored ones)."""
        return session_problems(s, interview, all_problems(interview, s.data, s.source))

    def preview_state(s: Session) -> dict:
        document = s.document if s.document in documents else documents[0]
        text = outputs.answers_text(s, interview)
        missing = outputs.problems_for(text, [document], s.source)
        doc_interview = outputs.interview_for([document])
        missing = [p for p in missing if p.path not in s.refused]
        missing += [p for path, r in s.refused.items() if block_of(doc_interview, path) for p in r.problems]
        lines = [problem_line(p, s) for p in missing]
        return {"document": document, "layout": s.layout, "ready": not missing,
                # named by the answers it shows: the frame reloads only when they change
                "src": url_for("preview", doc=document, layout=s.layout,
                               v=hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]) if not missing else "",
                "missing": lines[:MAX_LISTED], "more": max(0, len(lines) - MAX_LISTED),
                "more_text": u("and_more", n=len(lines) - MAX_LISTED) if len(lines) > MAX_LISTED else "",
                "colon": "：" if s.lang == "zh" else ": "}

    def nav(s: Session, problems: list[Problem]) -> list[dict]:
        return [{"id": b.id, "title": t(b.title), "href": url_for("section", block_id=b.id),
                 "status": block_status(s, interview, b, problems)} for b in interview.blocks]

    def _chrome(active: str | None, problems: list[Problem] | None = None) -> dict:
        s = getattr(g, "s", None)
        lang = _lang()
        return {"lang": lang, "html_lang": "zh-Hans" if lang == "zh" else "en", "t": t, "u": u,
                "csrf": s.csrf if s else "", "interview": interview, "active": active,
                "nav": nav(s, problems) if s is not None and problems is not None else [],
                "here": request.path, "colon": "：" if lang == "zh" else ": "}

    # -- the interview pages ------------------------------------------------------------------------

    @app.get("/")
    def index():
        """The start page: the interviews saved on this computer, to continue or discard; straight to the
        interview when there is none but this window's own."""
        s = g.s
        saved = store.saved()
        if not s.notice and all(item.id == s.id for item in saved):
            return redirect(url_for("section", block_id=order[0]))
        with s.lock:
            problems = problems_of(s)
        return render_template("start.html", **_chrome("start", problems), saved=[saved_line(item) for item in saved],
                               folder=str(store.folder))

    def saved_line(item: Saved) -> dict:
        when = item.changed and item.changed.astimezone()
        return {"id": item.id, "number": item.contract_number or u("no_number"), "problem": item.problem,
                "changed": format_datetime(when, "medium", tzinfo=when.tzinfo,
                                           locale="zh_Hans_CN" if _lang() == "zh" else "en") if when else "",
                "mine": item.id == g.s.id}

    @app.post("/saved/<session_id>/continue")
    def continue_saved(session_id: str):
        s = store.get(session_id)
        if s is None:
            return _message(ui("session_gone", _lang()), 410)
        g.cookie = s
        return redirect(url_for("review"), 303)

    @app.post("/saved/<session_id>/discard")
    def discard_saved(session_id: str):
        if session_id == g.s.id:
            return reset()
        store.discard(session_id)
        return redirect(url_for("index"), 303)

    @app.post("/new")
    def new_interview():
        """A blank interview in this window; the one it had stays saved and listed."""
        g.cookie = store.new(_lang())
        return redirect(url_for("section", block_id=order[0]), 303)

    @app.get("/section/<block_id>")
    def section(block_id: str):
        block = blocks.get(block_id) or abort(404)
        s = g.s
        with s.lock:
            problems = problems_of(s)
            fields = block_fields(s, interview, block, problems)
            position = order.index(block_id)
            return render_template(
                "section.html", **_chrome(block_id, problems), block=block, fields=fields,
                present=block_present(block, s.data), position=position + 1, total=len(order),
                previous=order[position - 1] if position else None,
                error_count=sum(1 for f in every_field(fields) if f.errors and f.shown),
                preview=preview_state(s), document_choices=_document_choices(), layouts=_layout_choices(),
                countries=_countries(_lang()) if _uses(fields, "country") else [],
                currencies=_currencies(_lang()) if _uses(fields, "currency") else [],
                time_zones=_time_zones(_lang()) if _uses(fields, "time_zone") else [],
                api=url_for("live", block_id=block_id))

    @app.post("/section/<block_id>")
    def save_section(block_id: str):
        block = blocks.get(block_id) or abort(404)
        s = g.s
        action = request.form.get(ACTION, "save")
        with s.lock:
            if apply_form(s, interview, block, request.form):
                s.changed()
            if action in ("save", "next", "back"):
                s.submitted.add(block_id)
            store.save(s)
            problems = problems_of(s)
            clean = not problems_in(interview, block, problems)
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

    @app.post("/api/section/<block_id>")
    def live(block_id: str):
        """The same post as the page's, answered with what changed on the page instead of a new page."""
        block = blocks.get(block_id) or abort(404)
        s = g.s
        with s.lock:
            if apply_form(s, interview, block, request.form):
                changed(s)
            problems = problems_of(s)
            fields = every_field(block_fields(s, interview, block, problems))
            return jsonify({
                "revision": s.revision,
                "present": block_present(block, s.data),
                "shown": [f.name for f in fields if f.shown],
                "errors": {f.name: f.errors for f in fields if f.errors},
                "error_count": sum(1 for f in fields if f.errors and f.shown),
                "error_text": u("errors_here", n=sum(1 for f in fields if f.errors and f.shown)),
                "nav": {n["id"]: n["status"] for n in nav(s, problems)},
                "preview": preview_state(s),
            })

    @app.get("/preview")
    def preview():
        """The document as HTML, for the preview pane's sandboxed frame (no script, CSS inline)."""
        s = g.s
        document = request.args.get("doc")
        layout = request.args.get("layout", "parallel")
        if document not in documents or layout not in LAYOUTS:
            abort(404)
        with s.lock:
            text = outputs.answers_text(s, interview)
        try:
            page = outputs.preview_html(text, document, layout)
        except ContractgenError as exc:
            return render_template("preview_message.html", lang=_lang(),
                                   message=u("preview_failed", message=str(exc))), 200
        return app.response_class(page, mimetype="text/html")

    # -- review, risk and downloads -----------------------------------------------------------------

    @app.get("/review")
    def review():
        s = g.s
        with s.lock:
            problems = problems_of(s)
            text = outputs.answers_text(s, interview)
            lines = [problem_line(p, s) for p in problems]
            docs = []
            for document in documents:
                missing = _not_ready(s, text, document)
                docs.append({"id": document, "title": t(outputs.document_title(document)),
                             "missing": len(missing),
                             "href": missing and problem_line(missing[0], s)["href"]})
            assessment = outputs.risk_assessment(text, s.source) if "sales_contract" in documents else None
            return render_template(
                "review.html", **_chrome("review", problems), problems=lines, documents=docs,
                all_ready=all(d["missing"] == 0 for d in docs), assessment=assessment,
                risk_offered="sales_contract" in documents, band_text=BAND_TEXT, clause_title=_clause_title,
                layout_name=u(f"layout_{s.layout}"), preview=preview_state(s),
                document_choices=_document_choices(), layouts=_layout_choices())

    def _not_ready(s: Session, text: str, document: str) -> list[Problem]:
        doc_interview = outputs.interview_for([document])
        refused = [p for path, r in s.refused.items() if block_of(doc_interview, path) for p in r.problems]
        return refused + outputs.problems_for(text, [document], s.source)

    @app.get("/download/answers.yaml")
    def download_answers():
        s = g.s
        with s.lock:
            text = outputs.answers_text(s, interview)
            name = outputs.download_name(s, ".yaml")
        return _attachment(text.encode("utf-8"), name, "application/yaml")

    @app.get("/download/<document>.<fmt>")
    def download_document(document: str, fmt: str):
        if document not in documents or fmt not in ("docx", "pdf"):
            abort(404)
        s = g.s
        with s.lock:
            text = outputs.answers_text(s, interview)
            missing = _not_ready(s, text, document)
            layout = s.layout
        if missing:
            return _not_ready_page(s, missing)
        files = outputs.built_files(text, [document], [fmt], layout)
        name = next(n for n in files if n.endswith(f".{fmt}"))
        mimetype = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document" if fmt == "docx"
                    else "application/pdf")
        return _attachment(files[name], name, mimetype)

    @app.get("/download/set.zip")
    def download_set():
        s = g.s
        with s.lock:
            text = outputs.answers_text(s, interview)
            missing = [p for d in documents for p in _not_ready(s, text, d)]
            layout = s.layout
            answers_name = outputs.download_name(s, ".yaml")
        if missing:
            return _not_ready_page(s, list(dict.fromkeys(missing)))
        data = outputs.set_zip(text, list(documents), layout, answers_name)
        return _attachment(data, outputs.download_name(s, "-contracts.zip"), "application/zip")

    def _not_ready_page(s: Session, missing: list[Problem]):
        lines = [problem_line(p, s) for p in missing]
        return render_template("message.html", **_chrome("review"), message=u("not_ready", n=len(lines)),
                               lines=lines), 409

    def _attachment(data: bytes, name: str, mimetype: str):
        return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name,
                         conditional=False, etag=False)

    # -- loading an answers file, starting over -----------------------------------------------------

    @app.get("/load")
    def load():
        s = g.s
        with s.lock:
            problems = problems_of(s)
        return render_template("load.html", **_chrome("load", problems), failures=[])

    @app.post("/load")
    def load_file():
        s = g.s
        upload = request.files.get("answers")
        name = PurePath((upload.filename or "") if upload else "").name[:120]
        failures: list[str] = []
        raw = None
        if not upload or not name:
            failures.append(u("no_file"))
        else:
            try:
                raw = load_yaml_text(upload.read().decode("utf-8-sig"), name)
            except UnicodeDecodeError:
                failures.append(str(Problem(name, "", "UTF-8 text", "bytes that are not UTF-8 (save the file as UTF-8)")))
            except InputError as exc:
                failures.extend(str(p) for p in exc.problems)
            if not failures and not isinstance(raw, dict):
                failures.append(str(Problem(name, "", "a mapping of answers (see `contractgen init`)",
                                            "nothing" if raw is None else type(raw).__name__)))
        if failures:
            with s.lock:
                problems = problems_of(s)
            return render_template("load.html", **_chrome("load", problems), failures=failures), 400
        with s.lock:
            s.data = editable_answers(interview, raw, name)
            s.refused, s.touched, s.stash = {}, set(), {}
            s.submitted = set(order)  # a loaded file's problems show everywhere at once
            s.source = name
            changed(s)
            questions = tuple(q for _, q in interview.questions())
            s.notice = [u("loaded", file=name)]
            count = len(problems_of(s))
            if count:
                s.notice.append(u("loaded_problems", n=count))
            unknown = unknown_paths(s.data, questions, known_answer_paths())
            if unknown:
                s.notice.append(u("unknown_fields", fields=", ".join(unknown[:12])))
        return redirect(url_for("review"), 303)

    @app.post("/reset")
    def reset():
        s = g.s
        with s.lock:
            s.data, s.refused, s.touched, s.submitted, s.stash = {}, {}, set(), set(), {}
            s.source = "answers"
            changed(s)  # a blank interview has no saved file: forgotten, as asked
        return redirect(url_for("index"), 303)

    @app.context_processor
    def notices():
        s = getattr(g, "s", None)
        shown = s.notice if s is not None else []
        if s is not None:
            s.notice = []
        return {"notices": shown}

    # -- small helpers for the templates -----------------------------------------------------------

    def _document_choices() -> list[tuple[str, str]]:
        return [(d, t(outputs.document_title(d))) for d in documents]

    def _layout_choices() -> list[tuple[str, str]]:
        return [(layout, u(f"layout_{layout}")) for layout in LAYOUTS]

    def _clause_title(clause_id: str) -> str:
        clause = bundled_clauses().clauses.get(clause_id)
        return f"{t(clause.title)} ({clause_id})" if clause else clause_id

    app.jinja_env.tests["iso_date"] = _is_iso_date
    return app


def _is_iso_date(text: str) -> bool:
    """Whether a date box can show this value (a browser empties a date input holding anything else)."""
    try:
        return len(text) == 10 and dt.date.fromisoformat(text) is not None
    except ValueError:
        return False


def _line_number(path: str) -> int | None:
    match = re.search(r"\[(\d+)\]", path)
    return int(match.group(1)) + 1 if match else None


def _uses(fields: list[Field], widget: str) -> bool:
    return any(f.widget == widget for f in every_field(fields))


# The codes the validator accepts, each labelled in the page's language by CLDR (babel): "CN — 中国".
# The answer stays the code; the server still decides what is valid.

def _locale(lang: str) -> str:
    return "zh_Hans_CN" if lang == "zh" else "en"


@cache
def _countries(lang: str) -> list[tuple[str, str]]:
    names = Locale.parse(_locale(lang)).territories
    return [(code, f"{code} — {names.get(code, code)}") for code in sorted(country_codes())]


@cache
def _currencies(lang: str) -> list[tuple[str, str]]:
    return [(code, f"{code} — {get_currency_name(code, locale=_locale(lang))}") for code in sorted(currency_codes())]


# the tz database's places (Region/City); Etc/GMT+5, EST5EDT and the like are accepted when typed
REGIONS = ("Africa/", "America/", "Antarctica/", "Arctic/", "Asia/", "Atlantic/", "Australia/", "Europe/",
           "Indian/", "Pacific/")


@cache
def _time_zones(lang: str) -> list[tuple[str, str]]:
    return [(name, f"{name} — {get_timezone_location(name, locale=_locale(lang))}")
            for name in sorted(time_zones()) if name.startswith(REGIONS)]


def serve(host: str = "127.0.0.1", port: int = 8000, interview: str = "order_set") -> int:
    """Run the web interview with waitress until interrupted."""
    import waitress

    if not 1 <= port <= 65535:
        raise InputError(Problem("--port", "", "a port number from 1 to 65535", str(port)))
    app = create_app(interview, host, port)
    try:  # bind before saying where: a busy port is the user's to change, not an internal error
        # waitress refuses bodies beyond this before Flask sees them; Flask's own limit (MAX_UPLOAD) is
        # lower and answers with a readable page
        server = waitress.create_server(app, host=host, port=port, threads=4, ident="contractgen",
                                        max_request_body_size=16 * MAX_UPLOAD)
    except OSError as exc:
        raise InputError(Problem(f"--host {host} --port {port}", "", "an address this computer can listen on "
                                 "(another --port, or stop the program using it)", exc.strerror or str(exc))) from None
    if not is_loopback(host):
        print(f"warning: serving on {host}, not on this computer only: anyone who can reach it on port {port} "
              "can read and change the answers (there is no login). Use the default 127.0.0.1 unless you mean it.",
              file=sys.stderr, flush=True)
    shown = f"[{host}]" if ":" in host else host
    print(f"contractgen: the interview for {interview} is at http://{shown}:{port}/  (Ctrl+C to stop)", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        print(f"contractgen: stopped; the answers are saved in {data_folder()} and offered again at the next start.",
              flush=True)
    finally:
        server.close()
    return 0
