"""The start page and its actions: the interviews saved on this computer, a new one, starting over."""
from __future__ import annotations

from babel.dates import format_datetime
from flask import Flask, g, redirect, render_template, url_for

from .strings import problem_line
from .session import Saved
from .site import Site


class StartPages:
    def __init__(self, site: Site):
        self.site = site

    def register(self, app: Flask) -> None:
        app.get("/")(self.index)
        app.post("/saved/<session_id>/continue")(self.continue_saved)
        app.post("/saved/<session_id>/discard")(self.discard_saved)
        app.post("/new")(self.new_interview)
        app.post("/reset")(self.reset)

    def index(self):
        """The start page: the interviews saved on this computer, to continue or discard; straight to the
        interview when there is none but this window's own."""
        site, s = self.site, g.s
        saved = site.store.saved()
        if not s.notice and all(item.id == s.id for item in saved):
            return redirect(url_for("section", block_id=site.order[0]))
        with s.lock:
            problems = site.problems_of(s)
        return render_template("start.html", **site.chrome("start", problems),
                               saved=[self.saved_line(item) for item in saved], folder=str(site.store.folder))

    def saved_line(self, item: Saved) -> dict:
        when = item.changed and item.changed.astimezone()
        return {"id": item.id, "number": item.contract_number or self.site.ui("no_number"),
                "problem": item.problem and problem_line(item.problem, self.site.lang()),
                "changed": format_datetime(when, "medium", tzinfo=when.tzinfo,
                                           locale="zh_Hans_CN" if self.site.lang() == "zh" else "en") if when else "",
                "mine": item.id == g.s.id}

    def continue_saved(self, session_id: str):
        s = self.site.store.get(session_id)
        if s is None:
            return self.site.message(self.site.ui("session_gone"), 410)
        g.cookie = s
        return redirect(url_for("review"), 303)

    def discard_saved(self, session_id: str):
        if session_id == g.s.id:
            return self.reset()
        self.site.store.discard(session_id)
        return redirect(url_for("index"), 303)

    def new_interview(self):
        """A blank interview in this window; the one it had stays saved and listed."""
        g.cookie = self.site.store.new(self.site.lang())
        return redirect(url_for("section", block_id=self.site.order[0]), 303)

    def reset(self):
        s = g.s
        with s.lock:
            s.data, s.refused, s.touched, s.submitted, s.stash = {}, {}, set(), set(), {}
            s.source = "answers"
            self.site.changed(s)  # a blank interview has no saved file: forgotten, as asked
        return redirect(url_for("index"), 303)
