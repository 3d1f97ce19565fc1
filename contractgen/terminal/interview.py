"""`contractgen interview`: the interview in a terminal, one line-based question at a time.

Every rule comes from questionnaire.py, which the web interview shares: an answer accepted here is
one `contractgen build` accepts. The terminal only asks (ask.py, review.py), shows (prompt.py) and saves
(files.py); this module runs them in order: fill in, review, fix, risk summary, save.
"""
from __future__ import annotations

from pathlib import Path

from ..answers import questionnaire as qn
from ..answers.validate import examine, is_shown
from ..core.errors import InputError, Problem
from ..core.messages import message
from ..interview.definitions import load_interview
from ..library.definitions import documents_for
from .ask import ask, ask_yes_no, fill
from .files import answer_count, final_data, load_answers_file, same_file, save, save_partial
from .prompt import prepare_streams
from .review import review
from .state import InterviewState


_NO_FILE = message("terminal.no_existing_file", "no existing file (continue it with --resume, replace it with --force, "
                                                "or choose another with -o)")
_A_FILE = message("terminal.file_there", "a file already there")

def finish(state: InterviewState) -> int:
    from ..risk.assess import assess
    from ..risk.summary import summary_text

    while True:
        review(state)
        final = final_data(state)
        problems = qn.all_problems(state.interview, final, state.source)
        if problems:
            state.say()
            state.say(state.t("fix"), "error")
            for problem in problems:
                state.say(f"  {problem.path}:", "error")
                state.say_problem(problem)
            for problem in problems:
                question = qn.question_at(state.interview, problem.path)
                if question is not None and question.type != "list" and is_shown(question, state.data):
                    state.say()
                    ask(state, question, problem.path, problem)
            fill(state)
            continue
        coerced, _ = examine(final, state.interview, state.source)
        state.say()
        state.say(state.t("risk"), "head")
        state.say(summary_text(assess(coerced, state.interview), str(state.output), documents_for(state.interview.id),
                               state.lang))
        state.say()
        if ask_yes_no(state, state.t("save", file=state.output), "save", True):
            return save(state, final)


def run(state: InterviewState) -> int:
    if state.resume:
        problems = load_answers_file(state, state.resume)
    state.say(state.t("intro", title=state.text(state.interview.title), n=len(state.interview.blocks),
                      file=state.output), "head")
    state.say(state.t("keys"))
    if state.resume:
        state.say(state.t("resumed", file=state.resume, n=answer_count(state)))
        if problems:
            state.say(state.t("reasked"), "error")
            for problem in problems:
                state.say(f"  {problem.path}:", "error")
                state.say_problem(problem)
    try:
        fill(state)
        return finish(state)
    except KeyboardInterrupt:
        state.say()
        save_partial(state)
        return 130
    except EOFError:  # Ctrl-D, or piped answers that ran out: keep them, but the interview is not done
        state.say()
        save_partial(state)
        return 2


def run_interview(name: str, output: str | None, resume: str | None, lang: str, force: bool) -> int:
    """`contractgen interview`: 0 saved, 130 stopped by Ctrl-C and 2 by the end of the input (the
    partial answers saved either way), 2 for an output that would replace another file."""
    interview = load_interview(name)
    resume_path = Path(resume) if resume else None
    target = Path(output) if output else resume_path or Path("order.yaml")
    if target.exists() and not force and not same_file(target, resume_path):
        raise InputError(Problem(str(target), "", _NO_FILE(), _A_FILE()))
    prepare_streams()
    return run(InterviewState(interview, lang, target, resume_path, force))
