"""One interview block as an HTML form: the fields its questions imply, and a posted form read back
into answers. Every rule is questionnaire's (the terminal interview's too): what is shown, how a typed
answer is read, what is refused and why."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..core.errors import Problem
from ..core.paths import lookup
from ..interview.definitions import Block, Interview, Question
from ..answers.questionnaire import answer, answer_all, as_read, block_of, display, parse_answer, set_answer
from ..answers.validate import block_present, is_shown
from .session import Refused, Session
from .strings import problem_text, ui

# the form control each question type gets; numbers are text boxes so that the server, not the
# browser, says what is wrong with "120" or "3,20"
WIDGETS = {"string": "text", "uscc": "text", "integer": "number", "decimal": "number", "percent": "number",
           "date": "date", "email": "email", "country": "country", "currency": "currency", "text": "textarea",
           "choice": "select", "boolean": "yesno", "list": "list"}

# form fields that are not answers (answers paths never start with "_")
PRESENT, ACTION, CSRF = "_present", "_action", "_csrf"


@dataclass
class Field:
    name: str  # the answers path, also the form field's name: payment.deposit_percent, products[0].sku
    question: Question
    widget: str
    value: str
    shown: bool
    errors: list[str]
    hint: str = ""  # placeholder: what an empty answer means, or an example
    entries: list["Entry"] = field(default_factory=list)  # a list question's entries

    @property
    def anchor(self) -> str:
        return field_anchor(self.name)


@dataclass
class Entry:
    number: int  # 1-based, as printed
    path: str  # products[0]
    fields: list[Field]


def field_anchor(path: str) -> str:
    """An id for the field's box: letters, digits, - and _ only."""
    return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", path)


# -- showing ------------------------------------------------------------------------------------------

def stored_text(session: Session, path: str) -> str:
    """The field's text as it stands: what was typed and refused, or the stored answer."""
    if path in session.refused:
        return session.refused[path].text
    return display(lookup(session.data, path))


def _entry_value(entry: dict, name: str):
    return entry.get(name) if isinstance(entry, dict) else None


def problems_by_path(problems: list[Problem]) -> dict[str, list[Problem]]:
    by_path: dict[str, list[Problem]] = {}
    for problem in problems:
        by_path.setdefault(problem.path, []).append(problem)
    return by_path


def errors_shown(session: Session, block: Block, path: str) -> bool:
    """A page does not greet the user with "required" everywhere: a field's problems show once its
    block was saved, or as soon as the field itself was changed."""
    return block.id in session.submitted or path in session.touched or path in session.refused


def field_errors(session: Session, interview: Interview, block: Block, path: str,
                 by_path: dict[str, list[Problem]]) -> list[str]:
    if not errors_shown(session, block, path):
        return []
    found = session.refused[path].problems if path in session.refused else by_path.get(path, [])
    return [problem_text(p, session.lang, interview) for p in found]


def block_fields(session: Session, interview: Interview, block: Block, problems: list[Problem]) -> list[Field]:
    """The fields of a block's page, hidden ones included (the page shows and hides them as answers change)."""
    by_path = problems_by_path(problems)
    present = block_present(block, session.data)
    seen = as_read(interview, session.data, session.source)  # show_if sees the defaults, as validation does
    lang = session.lang
    fields = []
    for q in block.questions:
        shown = present and is_shown(q, seen)
        if q.type == "list":
            entries = []
            for i, entry in enumerate(lookup(session.data, q.path) or []):
                prefix = f"{q.path}[{i}]"
                entries.append(Entry(i + 1, prefix, [
                    _field(session, interview, block, f"{prefix}.{iq.path}", iq, shown, by_path,
                           hint=_hint(iq, lang, lambda name, e=entry: _entry_value(e, name)))
                    for iq in q.item]))
            fields.append(Field(q.path, q, "list", "", shown, field_errors(session, interview, block, q.path, by_path),
                                entries=entries))
        else:
            fields.append(_field(session, interview, block, q.path, q, shown, by_path,
                                 hint=_hint(q, lang, lambda name: lookup(session.data, name))))
    return fields


def _field(session: Session, interview: Interview, block: Block, path: str, q: Question, shown: bool,
           by_path: dict[str, list[Problem]], hint: str) -> Field:
    value = stored_text(session, path)
    if value == "" and path not in session.refused and q.default is not None:
        value = display(q.default)  # offered, and stored once the page is saved
    return Field(path, q, widget_for(q), value, shown, field_errors(session, interview, block, path, by_path),
                 hint)


def widget_for(q: Question) -> str:
    """The form control of a question: its type's, or a time zone box offering the tz database's names."""
    if q.type == "string" and q.rules.get("check_with") == "time_zone":
        return "time_zone"
    return WIDGETS[q.type]


def _hint(q: Question, lang: str, lookup) -> str:
    if q.default_from:
        other = lookup(q.default_from)
        if other not in (None, ""):
            return ui("empty_uses", lang, value=display(other))
    if q.example is not None and q.type not in ("choice", "boolean"):
        return ui("example", lang, value=display(q.example))
    return ""


def every_field(fields: list[Field]) -> list[Field]:
    out = []
    for f in fields:
        out.append(f)
        for entry in f.entries:
            out.extend(entry.fields)
    return out


# -- reading a posted form ------------------------------------------------------------------------------

def _value(q: Question, text: str):
    if q.type == "choice":
        chosen = next((c.value for c in q.choices if str(c.value) == text.strip()), None)
        if chosen is not None:
            return chosen
    return parse_answer(q, text)


def apply_form(session: Session, interview: Interview, block: Block, form) -> bool:
    """Store the answers of a posted page (only those that changed; refused ones are kept apart with
    their problems), switch an optional block on or off, add or remove a list entry. Returns whether
    anything changed."""
    changed = _switch(session, interview, block, form.get(PRESENT))
    if not block_present(block, session.data):
        return changed
    read: set[str] = set()
    while True:  # an answer of this post can show a question of this post (owner: buyer -> its marking)
        found = _posted(session, interview, block, form, read)
        if found is None:
            break
        changes, typed = found
        changed = True
        for path, problems in answer_all(interview, session.data, session.source, changes).items():
            session.refused[path] = Refused(typed[path], problems)
    changed = _list_action(session, block, form.get(ACTION, "")) or changed
    _forget_hidden(session, interview)
    return changed


def _posted(session: Session, interview: Interview, block: Block, form,
            read: set[str]) -> tuple[list[tuple[str, object]], dict[str, str]] | None:
    """The changed answers the form posts for questions the answers show now and not read before
    (adding them to `read`); cleared ones are cleared at once. None when no such answer changed."""
    data = session.data
    seen = as_read(interview, data, session.source)
    changes, typed, cleared = [], {}, False
    for q in block.questions:
        if not is_shown(q, seen):
            continue  # a hidden question's value (stale, or typed as it was hidden) is ignored
        if q.type == "list":
            targets = [(f"{q.path}[{i}].{iq.path}", iq) for i in range(len(lookup(data, q.path) or []))
                       for iq in q.item]
        else:
            targets = [(q.path, q)]
        for path, question in targets:
            if path in read or path not in form:
                continue
            read.add(path)
            text = form[path].replace("\r\n", "\n")
            if text == stored_text(session, path):
                continue
            session.touched.add(path)
            session.refused.pop(path, None)
            if text.strip() == "":
                set_answer(data, path, None)  # clearing an answer is always allowed; "required" shows
                cleared = True
            else:
                changes.append((path, _value(question, text)))
                typed[path] = text
    return (changes, typed) if changes or cleared else None


def _forget_hidden(session: Session, interview: Interview) -> None:
    """What was typed and refused in a question the answers now hide no longer counts against them."""
    seen = as_read(interview, session.data, session.source)

    def hidden(path: str) -> bool:
        block = block_of(interview, path)
        if block is None:
            return False
        if not block_present(block, session.data):
            return True
        base = re.sub(r"\[\d+\].*", "", path)  # products[0].sku is shown when products is
        question = next((q for q in block.questions if q.path == base), None)
        return question is not None and not is_shown(question, seen)

    _forget(session, hidden)


def _switch(session: Session, interview: Interview, block: Block, wanted: str | None) -> bool:
    if block.optional is None or wanted not in ("yes", "no"):
        return False
    present = block_present(block, session.data)
    if wanted == "yes" and not present:
        session.data[block.id] = session.stash.pop(block.id, None) or {}
        if not session.data[block.id]:  # a new block starts from its defaults, as its page shows them
            for q in block.questions:
                if q.default is not None and is_shown(q, as_read(interview, session.data, session.source)):
                    answer(interview, session.data, session.source, q.path, q.default)
        return True
    if wanted == "no" and present:
        session.stash[block.id] = session.data.pop(block.id)
        _forget(session, lambda path: path.startswith(block.id + "."))
        return True
    return False


def _forget(session: Session, matches) -> None:
    for path in [p for p in session.refused if matches(p)]:
        del session.refused[path]
    session.touched = {p for p in session.touched if not matches(p)}


def _list_action(session: Session, block: Block, action: str) -> bool:
    kind, _, target = action.partition(":")
    if kind == "add":
        q = next((q for q in block.questions if q.type == "list" and q.path == target), None)
        if q is None:
            return False
        entries = lookup(session.data, q.path)
        if not isinstance(entries, list):
            entries = []
            set_answer(session.data, q.path, entries)
        if q.max_items is None or len(entries) < q.max_items:
            entries.append({})
        return True
    if kind == "remove":
        match = re.fullmatch(r"(.+)\[(\d+)\]", target)
        q = match and next((q for q in block.questions if q.type == "list" and q.path == match.group(1)), None)
        entries = q and lookup(session.data, q.path)
        if not q or not isinstance(entries, list) or int(match.group(2)) >= len(entries):
            return False
        _remove_entry(session, q.path, int(match.group(2)))
        return True
    return False


def _remove_entry(session: Session, list_path: str, index: int) -> None:
    """Delete entry `index`; what was typed in the entries after it moves up with them."""
    del lookup(session.data, list_path)[index]
    pattern = re.compile(re.escape(list_path) + r"\[(\d+)\](.*)")

    def moved(path: str) -> str | None:
        m = pattern.fullmatch(path)
        if not m:
            return path
        i = int(m.group(1))
        return None if i == index else path if i < index else f"{list_path}[{i - 1}]{m.group(2)}"

    session.refused = {new: r for p, r in session.refused.items() if (new := moved(p)) is not None}
    session.touched = {new for p in session.touched if (new := moved(p)) is not None}


# -- where each problem is -------------------------------------------------------------------------------

def problems_in(interview: Interview, block: Block, problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if (found := block_of(interview, p.path)) is not None and found.id == block.id]


def session_problems(session: Session, interview: Interview, problems: list[Problem]) -> list[Problem]:
    """The problems of the stored answers, with each refused answer's problems in place of the stored
    value's (the user sees what they typed), in interview order."""
    out = [p for p in problems if p.path not in session.refused]
    for refused in session.refused.values():
        out.extend(refused.problems)
    position = {q.path: i for i, (_, q) in enumerate(interview.questions())}

    def order(problem: Problem) -> tuple:
        base = re.sub(r"\[\d+\].*", "", problem.path)
        index = next((i for path, i in position.items() if base == path or base.startswith(path + ".")), len(position))
        return index, problem.path

    return sorted(out, key=order)


def block_status(session: Session, interview: Interview, block: Block, problems: list[Problem]) -> str:
    """"error", "done" or "" (not saved yet) for the section list."""
    mine = [p for p in problems_in(interview, block, problems) if errors_shown(session, block, p.path)]
    if mine:
        return "error"
    return "done" if block.id in session.submitted and not problems_in(interview, block, problems) else ""
