"""Interview definitions: every question once, the single source of truth for the answers format.

`interviews/<id>.yaml` names a title, the blocks it includes (`interviews/blocks/<id>.yaml`) and
cross-field checks. From the loaded `Interview` the code derives the cerberus schema (validation.py),
the answers skeleton (skeleton.py), and later the terminal and web interviews and spreadsheet columns.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ..core.errors import LibraryError
from ..core.expressions import Expression, ExpressionSyntaxError, compile_expression
from ..core.text import Text
from ..core.resources import data_path
from ..core.yamlio import load_yaml_file

# How a text answer may appear in the Chinese text (`in_zh:` on a string or text question):
#   neutral  printed as written: language-neutral by definition (a code, SKU, e-mail, phone, standard
#            number, registered trademark, a foreign person's or company's name)
#   chinese  Chinese text: refused unless it holds Chinese characters (a `_zh` field, a Chinese legal name)
#   name     a legal name in Chinese; when left out it falls back (default_from) to the name as registered
#   place    the Chinese name of a place; when left out, the gazetteer's name for the English (default_from)
#   unit     the Chinese of a unit of quantity; when left out, the unit table's (pcs → 件)
#   symbols  when left out, the English (default_from) stands only if it is numbers, units and codes
#   english  English only, never printed in the Chinese text (its `_zh` field is)
IN_ZH_KINDS = frozenset({"neutral", "chinese", "name", "place", "unit", "symbols", "english"})
TEXT_TYPES = frozenset({"string", "text"})

QUESTION_TYPES = frozenset({"string", "text", "integer", "decimal", "percent", "date", "boolean", "choice",
                            "email", "country", "currency", "uscc", "list"})


@dataclass(frozen=True)
class Choice:
    value: Any
    label: Text


@dataclass(frozen=True)
class Question:
    path: str  # dotted, relative to the list entry for list items
    type: str
    label: Text
    help: Text | None = None
    required: bool = False
    default: Any = None
    default_from: str | None = None
    example: Any = None
    show_if: Expression | None = None
    rules: dict = field(default_factory=dict)
    expected: Text | None = None  # how to say what the rules want, in words ("letters, digits and -")
    choices: tuple[Choice, ...] = ()
    item: tuple["Question", ...] = ()  # the questions of one list entry
    min_items: int = 0
    max_items: int | None = None
    in_zh: str | None = None  # one of IN_ZH_KINDS, on a string or text question

    def choice(self, value) -> Choice | None:
        return next((c for c in self.choices if c.value == value), None)


@dataclass(frozen=True)
class Check:
    """A cross-field rule: when `when` holds, `assertion` must hold, else an error on `path`."""

    path: str
    assertion: Expression
    expected: Text
    when: Expression | None = None


@dataclass(frozen=True)
class Block:
    id: str
    title: Text
    questions: tuple[Question, ...]
    optional: Text | None = None  # the yes/no question for a mapping that may be absent as a whole
    checks: tuple[Check, ...] = ()  # cross-field rules; skipped for an order that lacks their fields


@dataclass(frozen=True)
class Interview:
    id: str
    title: Text
    blocks: tuple[Block, ...]

    @property
    def checks(self) -> tuple[Check, ...]:
        return tuple(check for block in self.blocks for check in block.checks)

    def questions(self):
        """(block, question) pairs in interview order."""
        for block in self.blocks:
            for question in block.questions:
                yield block, question

    def question(self, path: str) -> Question | None:
        return next((q for _, q in self.questions() if q.path == path), None)


def _text(value, where: str, key: str, required: bool = True) -> Text | None:
    if value is None and not required:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("en"), str) or not isinstance(value.get("zh"), str):
        raise LibraryError(f"{where}: {key} must be a mapping with 'en' and 'zh' text, found {value!r}")
    return Text(value["en"], value["zh"])


def _expression(source, where: str, key: str) -> Expression | None:
    if source is None:
        return None
    try:
        expression = compile_expression(source)
    except ExpressionSyntaxError as exc:
        raise LibraryError(f"{where}: {key} does not compile: {exc}") from None
    if expression.escapes:  # the sandbox refuses them when evaluating; an interview refuses them at once
        raise LibraryError(f"{where}: {key} {'; '.join(expression.escapes)} (a way out of the expression "
                           f"sandbox, refused as in a clause's `when`)")
    return expression


def _question(raw: dict, where: str) -> Question:
    if not isinstance(raw, dict) or not isinstance(raw.get("path"), str):
        raise LibraryError(f"{where}: every question needs a 'path', found {raw!r}")
    where = f"{where}: question {raw['path']}"
    qtype = raw.get("type")
    if qtype not in QUESTION_TYPES:
        raise LibraryError(f"{where}: type must be one of {', '.join(sorted(QUESTION_TYPES))}, found {qtype!r}")
    choices = tuple(
        Choice(c.get("value"), _text(c, where, "each choice")) for c in raw.get("choices") or ())
    if qtype == "choice" and not choices:
        raise LibraryError(f"{where}: a choice question needs choices")
    item = tuple(_question(q, f"{where}[]") for q in raw.get("item") or ())
    if qtype == "list" and not item:
        raise LibraryError(f"{where}: a list question needs item questions")
    in_zh = raw.get("in_zh")
    if in_zh is not None and (in_zh not in IN_ZH_KINDS or qtype not in TEXT_TYPES):
        raise LibraryError(f"{where}: in_zh is for a string or text question, one of "
                           f"{', '.join(sorted(IN_ZH_KINDS))}; found {in_zh!r} on a {qtype} question")
    if in_zh in ("name", "place", "unit", "symbols") and not raw.get("default_from"):
        raise LibraryError(f"{where}: in_zh: {in_zh} falls back to another answer: it needs default_from")
    rules = raw.get("rules") or {}
    if not isinstance(rules, dict):
        raise LibraryError(f"{where}: rules must be a mapping, found {rules!r}")
    return Question(
        path=raw["path"], type=qtype, label=_text(raw.get("label"), where, "label"),
        help=_text(raw.get("help"), where, "help", required=False),
        required=bool(raw.get("required", False)), default=raw.get("default"),
        default_from=raw.get("default_from"), example=raw.get("example"),
        show_if=_expression(raw.get("show_if"), where, "show_if"), rules=dict(rules),
        expected=_text(raw.get("expected"), where, "expected", required=False), choices=choices,
        item=item, min_items=int(raw.get("min_items", 0)), max_items=raw.get("max_items"), in_zh=in_zh)


def _block(path: Path) -> Block:
    raw = load_yaml_file(path, cache=True)
    where = str(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        raise LibraryError(f"{where}: a block needs an 'id'")
    questions = tuple(_question(q, where) for q in raw.get("questions") or ())
    optional = _text(raw.get("optional"), where, "optional", required=False)
    checks = _checks(raw.get("checks"), where)
    if optional:
        outside = [q.path for q in questions if not q.path.startswith(raw["id"] + ".")]
        if outside:
            raise LibraryError(f"{where}: an optional block's questions must lie under {raw['id']}., found {outside}")
    return Block(raw["id"], _text(raw.get("title"), where, "title"), questions, optional, checks)


def _checks(raw, where: str) -> tuple[Check, ...]:
    checks = []
    for i, c in enumerate(raw or ()):
        at = f"{where}: checks[{i}]"
        if not isinstance(c, dict) or not c.get("path") or not c.get("assert"):
            raise LibraryError(f"{at}: a check needs a path and an assert")
        checks.append(Check(path=c["path"], assertion=_expression(c["assert"], at, "assert"),
                            expected=_text(c.get("expected"), at, "expected"),
                            when=_expression(c.get("when"), at, "when")))
    return tuple(checks)


@cache
def load_interview(name: str, folder: Path | None = None) -> Interview:
    """Load `interviews/<name>.yaml` and the blocks it includes (each block once, in order)."""
    folder = folder or data_path("interviews")
    path = folder / f"{name}.yaml"
    if not path.is_file():
        known = ", ".join(available_interviews(folder)) or "none"
        raise LibraryError(f"no interview named {name!r} (available: {known})")
    raw = load_yaml_file(path, cache=True)
    where = str(path)
    if not isinstance(raw, dict):
        raise LibraryError(f"{where}: an interview must be a mapping")
    blocks: list[Block] = []
    for included in raw.get("include") or ():
        nested = folder / f"{included}.yaml"
        if nested.is_file():  # an interview may include another whole interview
            blocks.extend(b for b in load_interview(included, folder).blocks if b.id not in {x.id for x in blocks})
            continue
        block_path = folder / "blocks" / f"{included}.yaml"
        if not block_path.is_file():
            raise LibraryError(f"{where}: include {included!r}: no {block_path.name} in {folder / 'blocks'}")
        if included not in {b.id for b in blocks}:
            blocks.append(_block(block_path))
    if raw.get("questions") or raw.get("checks"):
        blocks.append(Block(raw.get("id", name), _text(raw.get("title"), where, "title"),
                            tuple(_question(q, where) for q in raw.get("questions") or ()),
                            checks=_checks(raw.get("checks"), where)))
    interview = Interview(raw.get("id", name), _text(raw.get("title"), where, "title"), tuple(blocks))
    seen: set[str] = set()
    for _, q in interview.questions():
        if q.path in seen:
            raise LibraryError(f"{where}: question {q.path} is defined twice")
        seen.add(q.path)
    return interview


def available_interviews(folder: Path | None = None) -> list[str]:
    folder = folder or data_path("interviews")
    return sorted(p.stem for p in folder.glob("*.yaml"))


def merge_interviews(interviews: list[Interview]) -> Interview:
    """One interview asking every question of several documents once (for a multi-document build)."""
    if len(interviews) == 1:
        return interviews[0]
    blocks: dict[str, Block] = {}
    for interview in interviews:
        for block in interview.blocks:
            blocks.setdefault(block.id, block)
    title = Text(" + ".join(i.title.en for i in interviews), "、".join(i.title.zh for i in interviews))
    return Interview("+".join(i.id for i in interviews), title, tuple(blocks.values()))
