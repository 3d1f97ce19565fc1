"""`contractgen serve`: the interview as local web pages, one per interview block.

Every page works as plain HTML form posts (the server validates, shows errors next to the fields and
decides which questions are shown); static/interview.js only makes it live by posting the same form
to /api/section/<block> on every change and applying the answer: which questions are shown, the
errors, the preview. The server is the one source of truth for show_if (questionnaire.is_shown).

This module makes the app and guards every request. The pages are grouped by what they are for:
start.py (the saved interviews, starting over), sections.py (the interview's blocks and the preview),
review.py (problems, risk, downloads), load.py (an answers file); site.py holds what they share.
"""
from __future__ import annotations

import datetime as dt
import sys
import threading
import time
from pathlib import Path

from flask import Flask, current_app, g, redirect, request, url_for
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from ..core.errors import ContractgenError, InputError, Problem
from ..core.messages import as_typed, message
from ..core.resources import data_fingerprint
from ..render import LAYOUTS
from .form import CSRF
from .load import LoadPages
from .review import ReviewPages
from .sections import SectionPages
from .security import allowed_hosts, is_loopback, is_page_load, same_origin, security_headers, token_matches
from .session import data_folder
from .site import Site
from .start import StartPages
from .strings import LANGS, ui

MAX_UPLOAD = 1024 * 1024  # an answers file is a few KiB; the YAML loader's own limit is 2 MiB
COOKIE = "contractgen_session"  # the session's id: random, unguessable, the key of its saved file
COOKIE_DAYS = 90  # a browser reopened later still finds its interview (it is saved until discarded)
PAGES = frozenset({"index", "section", "review", "load"})  # the page loads that may open a session


_PORT = message("web.port", "a port number from 1 to 65535")
_ADDRESS = message("web.address", "an address this computer can listen on (another --port, or stop the program "
                                  "using it)")

def create_app(interview_name: str = "order_set", host: str = "127.0.0.1", port: int = 8000,
               data_dir: Path | None = None) -> Flask:
    """`data_dir`: where the interviews are saved as they change; the user's data folder by default."""
    site = Site(interview_name, data_dir or data_folder())
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=MAX_UPLOAD, ALLOWED_HOSTS=allowed_hosts(host, port))
    RequestGuard(site).register(app)
    for pages in (StartPages(site), SectionPages(site), ReviewPages(site), LoadPages(site)):
        pages.register(app)
    app.jinja_env.tests["iso_date"] = _is_iso_date
    return app


class RequestGuard:
    """Every request: host, session, language, cross-site protection; the headers and the cookie of
    every answer; errors as pages in the user's language."""

    CHECK_EVERY = 1.0  # seconds: how stale a page may be at most, against 15 ms per check

    def __init__(self, site: Site):
        self.site = site
        # what this process loads (once, and keeps) is what the data files said when it started
        self.loaded, self.checked, self.lock = data_fingerprint(), time.monotonic(), threading.Lock()
        self.changed = False

    def register(self, app: Flask) -> None:
        app.before_request(self.guard)
        app.after_request(self.headers)
        app.errorhandler(RequestEntityTooLarge)(self.too_large)
        app.errorhandler(HTTPException)(self.http_error)
        app.errorhandler(ContractgenError)(self.contractgen_error)
        app.context_processor(self.notices)

    def guard(self):
        site = self.site
        if request.host not in current_app.config["ALLOWED_HOSTS"]:
            return site.message(site.ui("bad_host"), 400)
        if request.endpoint == "static":
            return None  # the stylesheet and the script need no session
        if self.data_changed():
            return site.message(site.ui("data_changed"), 503)
        given = request.cookies.get(COOKIE)
        s = site.store.get(given)
        if s is None:
            # only this app's own page loads open a session: an image or a frame on another site (which
            # never carries the SameSite cookie) must not push a buyer's interview out
            if not (request.method == "GET" and request.endpoint in PAGES and is_page_load(request.headers)):
                if given:
                    return site.message(site.ui("session_gone"), 410)
                return site.message(site.ui("no_session"), 403)
            s = g.cookie = site.store.new(site.lang())
            if given:  # never start blank over the user's answers without saying so
                s.notice.append(ui("session_lost", s.lang))
                g.s = s
                if request.endpoint != "index":
                    return redirect(url_for("index"))
        g.s = s
        if request.args.get("lang") in LANGS:
            s.lang = request.args["lang"]
        if request.endpoint != "preview":  # the preview frame names what it shows; it changes nothing
            if request.args.get("preview") in site.documents:
                s.document = request.args["preview"]
            if request.args.get("layout") in LAYOUTS:
                s.layout = request.args["layout"]
        if request.method == "POST":
            given = request.headers.get("X-CSRF-Token") or request.form.get(CSRF)
            if not same_origin(request.headers.get("Origin"), request.headers.get("Referer"), request.host) \
                    or not token_matches(s.csrf, given):
                return site.message(ui("forbidden", s.lang), 403)
        return None

    def data_changed(self) -> bool:
        """Whether a clause, interview or rule file changed since the start (checked at most once a
        second, by every file's bytes): a preview or download from what was loaded before would no
        longer be what `contractgen build` of the same answers gives."""
        with self.lock:
            if not self.changed and time.monotonic() - self.checked >= self.CHECK_EVERY:
                self.changed = data_fingerprint() != self.loaded
                self.checked = time.monotonic()
            return self.changed

    def headers(self, response):
        security_headers(response.headers, preview=request.endpoint == "preview")
        if "cookie" in g:  # a new session, or a saved one continued in this window
            response.set_cookie(COOKIE, g.cookie.id, max_age=COOKIE_DAYS * 86400, path="/", httponly=True,
                                samesite="Strict")
        return response

    def too_large(self, _):
        return self.site.message(self.site.ui("too_large", size=MAX_UPLOAD // 1024), 413)

    def http_error(self, exc):
        if exc.code == 404:
            return self.site.message(self.site.ui("not_found"), 404)
        return exc

    def contractgen_error(self, exc):
        return self.site.message(str(exc), 409 if isinstance(exc, InputError) else 500)

    def notices(self):
        s = getattr(g, "s", None)
        shown = s.notice if s is not None else []
        if s is not None:
            s.notice = []
        return {"notices": shown}


def _is_iso_date(text: str) -> bool:
    """Whether a date box can show this value (a browser empties a date input holding anything else)."""
    try:
        return len(text) == 10 and dt.date.fromisoformat(text) is not None
    except ValueError:
        return False


def serve(host: str = "127.0.0.1", port: int = 8000, interview: str = "order_set") -> int:
    """Run the web interview with waitress until interrupted."""
    import waitress

    if not 1 <= port <= 65535:
        raise InputError(Problem("--port", "", _PORT(), as_typed(str(port))))
    app = create_app(interview, host, port)
    try:  # bind before saying where: a busy port is the user's to change, not an internal error
        # waitress refuses bodies beyond this before Flask sees them; Flask's own limit (MAX_UPLOAD) is
        # lower and answers with a readable page
        server = waitress.create_server(app, host=host, port=port, threads=4, ident="contractgen",
                                        max_request_body_size=16 * MAX_UPLOAD)
    except OSError as exc:
        raise InputError(Problem(f"--host {host} --port {port}", "", _ADDRESS(),
                                 as_typed(exc.strerror or str(exc)))) from None
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
