"""Loading an answers file into this window's interview."""
from __future__ import annotations

from pathlib import PurePath

from flask import Flask, g, redirect, render_template, request, url_for

from ..answers.coerce import describe
from ..answers.load import known_answer_paths
from ..answers.questionnaire import editable_answers
from ..answers.paths import unknown_paths
from ..answers.validate import ANSWERS_MAPPING
from ..core.errors import InputError, Problem
from ..core.yamlio import NOT_UTF8, UTF8, load_yaml_text
from .site import Site
from .strings import problem_line


class LoadPages:
    def __init__(self, site: Site):
        self.site = site

    def register(self, app: Flask) -> None:
        app.get("/load")(self.load)
        app.post("/load")(self.load_file)

    def load(self):
        s = g.s
        with s.lock:
            problems = self.site.problems_of(s)
        return render_template("load.html", **self.site.chrome("load", problems), failures=[])

    def load_file(self):
        site = self.site
        s = g.s
        upload = request.files.get("answers")
        name = PurePath((upload.filename or "") if upload else "").name[:120]
        failures: list[str] = []
        raw = None
        if not upload or not name:
            failures.append(site.ui("no_file"))
        else:
            try:
                raw = load_yaml_text(upload.read().decode("utf-8-sig"), name)
            except UnicodeDecodeError:
                failures.append(problem_line(Problem(name, "", UTF8(), NOT_UTF8()), site.lang()))
            except InputError as exc:
                failures.extend(problem_line(p, site.lang()) for p in exc.problems)
            if not failures and not isinstance(raw, dict):
                failures.append(problem_line(Problem(name, "", ANSWERS_MAPPING(), describe(raw)), site.lang()))
        if failures:
            with s.lock:
                problems = site.problems_of(s)
            return render_template("load.html", **site.chrome("load", problems), failures=failures), 400
        interview = site.interview
        with s.lock:
            s.data = editable_answers(interview, raw, name)
            s.refused, s.touched, s.stash = {}, set(), {}
            s.submitted = set(site.order)  # a loaded file's problems show everywhere at once
            s.source = name
            site.changed(s)
            questions = tuple(q for _, q in interview.questions())
            s.notice = [site.ui("loaded", file=name)]
            count = len(site.problems_of(s))
            if count:
                s.notice.append(site.ui("loaded_problems", n=count))
            unknown = unknown_paths(s.data, questions, known_answer_paths())
            if unknown:
                s.notice.append(site.ui("unknown_fields", fields=", ".join(unknown[:12])))
        return redirect(url_for("review"), 303)
