"""The web page's own words: messages of the one catalog (core/messages.py, translations/), and a
problem as the sentence next to its field. The questions' own labels, help and choices come from the
interview files, never from here.
"""
from __future__ import annotations

from ..answers.coerce import NOTHING
from ..answers.schema import REQUIRED
from ..core.errors import Problem
from ..core.messages import Message, message
from ..interview.definitions import Interview
from ..risk.summary import CONFIRM_BANK, NO_RISK

UI: dict[str, Message] = {
    "app": message("web.app", "contractgen"),
    "tagline": message("web.tagline", "Bilingual contract for your order: answers stay on this computer"),
    "language": message("web.language", "Language"),
    "sections": message("web.sections", "Sections"),
    "review": message("web.review", "Review and download"),
    "load": message("web.load", "Load an answers file"),
    "start_over": message("web.start_over", "Start over"),
    "start_over_confirm": message("web.start_over_confirm", "Forget every answer in this window and start again"),
    "save": message("web.save", "Save"),
    "save_next": message("web.save_next", "Save and continue"),
    "back": message("web.back", "Back"),
    "section_of": message("web.section_of", "Section {n} of {total}"),
    "required": message("web.required", "required"),
    "choose": message("web.choose", "— choose —"),
    "yes": message("web.yes", "Yes"),
    "no": message("web.no", "No"),
    "empty_uses": message("web.empty_uses", "Empty: uses {value}"),
    "example": message("web.example", "e.g. {value}"),
    "line": message("web.line", "Line {n}"),
    "add_line": message("web.add_line", "Add a line"),
    "remove_line": message("web.remove_line", "Remove line {n}"),
    "no_lines": message("web.no_lines", "No lines yet."),
    "errors_here": message("web.errors_here", "{n} answer(s) on this page need fixing."),
    "preview": message("web.preview", "Preview"),
    "document": message("web.document", "Document"),
    "layout": message("web.layout", "Layout"),
    "show": message("web.show", "Show"),
    "layout_parallel": message("web.layout_parallel", "English | Chinese side by side"),
    "layout_stacked": message("web.layout_stacked", "English, then Chinese"),
    "layout_en": message("web.layout_en", "English only"),
    "layout_zh": message("web.layout_zh", "Chinese only"),
    "preview_missing": message("web.preview_missing", "The preview appears once these answers are given or fixed:"),
    "and_more": message("web.and_more", "… and {n} more (see Review and download)"),
    "preview_failed": message("web.preview_failed", "The preview could not be built: {message}"),
    "preview_title": message("web.preview_title", "Preview of the document"),
    "problems": message("web.problems", "Answers to give or fix"),
    "no_problems": message("web.no_problems", "Every answer is valid."),
    "risk": message("web.risk", "Pre-deposit risk summary"),
    "clause_notices": message("web.clause_notices", "Before you sign"),
    "risk_needs": message("web.risk_needs", "The risk summary needs valid answers for the sales contract; fix the "
                                            "answers above first."),
    "verdict": message("web.verdict", "Verdict"),
    "no_findings": NO_RISK,
    "rating": message("web.rating", "{band} · score {score} = probability {p} × impact {i}"),
    "why": message("web.why", "Why"),
    "fix": message("web.fix", "Fix"),
    "clauses": message("web.clauses", "Clauses that address it"),
    "always": CONFIRM_BANK,
    "downloads": message("web.downloads", "Downloads"),
    "answers_yaml": message("web.answers_yaml", "Answers file (YAML), to keep and to edit later"),
    "answers_yaml_note": message("web.answers_yaml_note", "Always available, even when answers are missing: load it "
                                                          "here again to go on."),
    "build_note": message("web.build_note", "The same as `contractgen build` of the answers file gives (layout: "
                                            "{layout})."),
    "not_ready": message("web.not_ready", "{n} answer(s) missing or wrong for this document"),
    "pdf_note": message("web.pdf_note", "PDFs are typeset from the same document and take under a second."),
    "building": message("web.building", "Building the file… the whole set takes a few seconds."),
    "zip": message("web.zip", "The whole set as one zip: DOCX, PDF, manifests and the answers file"),
    "zip_not_ready": message("web.zip_not_ready", "The zip needs every document of the set to be ready."),
    "load_intro": message("web.load_intro", "Choose an answers file (.yaml) saved earlier or written by hand; its "
                                            "answers replace those in this window. Nothing leaves this computer."),
    "load_button": message("web.load_button", "Load"),
    "load_failed": message("web.load_failed", "This file cannot be loaded:"),
    "loaded": message("web.loaded", "Loaded {file}."),
    "loaded_problems": message("web.loaded_problems", "{n} answer(s) need fixing; they are marked in the sections."),
    "unknown_fields": message("web.unknown_fields", "Fields this interview does not ask were kept as they are: "
                                                    "{fields}"),
    "no_file": message("web.no_file", "Choose a file first."),
    "too_large": message("web.too_large", "That upload is too large: at most {size} KiB. An answers file is a few "
                                          "KiB."),
    "forbidden": message("web.forbidden", "This request was refused: it did not come from this page (a cross-site "
                                          "request), or the page is too old. Reload the page and try again."),
    "bad_host": message("web.bad_host", "This server answers only to the address it was started on."),
    "not_found": message("web.not_found", "There is no such page."),
    "go_back": message("web.go_back", "Back to the interview"),
    "problem": message("web.problem", "Expected {expected}; found {found}."),
    "problem_line": message("web.problem_line", "{where}: expected {expected}, found {found}"),
    "problem_required": message("web.problem_required", "This answer is required."),
    "problem_rule": message("web.problem_rule", "{rule}; found {found}."),
    "saved": message("web.saved", "Saved interviews"),
    "saved_intro": message("web.saved_intro", "Answers are saved on this computer as you give them (in {folder}). "
                                              "Continue an interview, or discard it."),
    "contract_number": message("web.contract_number", "Contract number"),
    "last_change": message("web.last_change", "Last change"),
    "no_number": message("web.no_number", "(no contract number yet)"),
    "this_window": message("web.this_window", "open in this window"),
    "continue": message("web.continue", "Continue"),
    "discard": message("web.discard", "Discard"),
    "discard_confirm": message("web.discard_confirm", "Delete this saved interview and all its answers from this "
                                                      "computer?"),
    "unreadable": message("web.unreadable", "This saved interview cannot be read: {problem}"),
    "new_interview": message("web.new_interview", "Start a new interview"),
    "session_lost": message("web.session_lost", "The interview this window was working on is no longer on this server "
                                                "(it was discarded, or the server stopped before any answer of it was "
                                                "saved). No blank interview was put in its place: choose a saved "
                                                "interview below, or start a new one."),
    "session_gone": message("web.session_gone", "The interview of this window is no longer on this server, so this "
                                                "was not saved. Open the start page to choose a saved interview."),
    "no_session": message("web.no_session", "The interview opens only from its own pages: this request came from "
                                            "another site, or was not a page load, so no interview was opened or "
                                            "changed."),
    "data_changed": message("web.data_changed", "The clause library, interviews or rules on this computer have changed "
                                                "since contractgen serve started. Stop it and start it again to use them: "
                                                "until then nothing is shown or built, so no contract mixes the two. "
                                                "Your answers are saved."),
    "js_hint": message("web.js_hint", "Answers are checked as you go; the preview follows."),
}

LANGS = ("en", "zh")


def ui(key: str, lang: str, **values) -> str:
    return getattr(UI[key](**values), lang)


def problem_text(problem: Problem, lang: str, interview: Interview) -> str:
    """One problem as a sentence next to its field, in the page's language. A cross-field rule's
    expected is a whole sentence (the interview's own), not a noun phrase after "Expected"."""
    if problem.found == NOTHING() and problem.expected == REQUIRED():
        return ui("problem_required", lang)
    if problem.expected in {check.expected for check in interview.checks}:
        return ui("problem_rule", lang, rule=problem.expected, found=problem.found)
    return ui("problem", lang, expected=problem.expected, found=problem.found)


def problem_line(problem: Problem, lang: str) -> str:
    """A problem of a whole file (one that cannot be loaded), where and what, in the page's language."""
    where = f"{problem.source}: {problem.path}" if problem.path else problem.source
    return ui("problem_line", lang, where=where, expected=problem.expected, found=problem.found)
