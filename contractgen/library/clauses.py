"""The clause library: one YAML file per clause under clause_library/<topic>/, loaded and compiled once.

Reading never stops at the first bad file: every problem is collected (the linter prints them all);
a build refuses a library with problems.
"""
from __future__ import annotations

import hashlib
import marshal
import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

import cerberus
from jinja2 import StrictUndefined, Template
from jinja2.exceptions import TemplateSyntaxError, UndefinedError

from ..core.cache import cached, files_key
from ..core.errors import ContractgenError, LibraryError, TemplateError
from ..core.expressions import (Expression, ExpressionSyntaxError, Sandbox, compile_expression, template_from_code,
                                variable_paths)
from ..core.paths import has_path
from .filters import FILTERS
from ..core.text import Text
from ..core.resources import data_path
from ..core.yamlio import load_yaml_file

SEMVER = r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?$"
STATUSES = ("draft", "approved", "retired")

_bilingual = {"type": "dict", "required": True, "schema": {
    "en": {"type": "string", "nullable": True}, "zh": {"type": "string", "nullable": True}}}
_ids = {"type": "list", "schema": {"type": "string"}}
CLAUSE_SCHEMA = {
    "id": {"type": "string", "required": True, "regex": r"^[a-z0-9_]+(\.[a-z0-9_]+)+$"},
    "version": {"type": "string", "required": True, "regex": SEMVER},
    "status": {"type": "string", "required": True, "allowed": list(STATUSES)},
    "title": _bilingual,
    "applies_to": {"type": "list", "required": True, "minlength": 1, "schema": {"type": "string"}},
    "when": {"type": "string", "nullable": True},
    "requires": _ids,
    "excludes": _ids,
    "alternatives": _ids,
    "text": _bilingual,
    "notes": {"type": "string", "nullable": True},
    # a warning the user must see whenever the clause is selected (`check`, the build summary, the
    # manifest): e.g. a forum clause that is not the institution's official model clause
    "notice": {"type": "dict", "schema": {"en": {"type": "string", "required": True, "empty": False},
                                          "zh": {"type": "string", "required": True, "empty": False}}},
}

# One environment for all clause text: sandboxed, StrictUndefined (a missing answer is an error, never a
# blank in a contract), no autoescape (text is plain; each renderer escapes for its own format).
clause_env = Sandbox(undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                     keep_trailing_newline=False)
clause_env.filters.update(FILTERS)


@dataclass(frozen=True)
class LintProblem:
    file: str
    clause_id: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.clause_id or '-'}: {self.message}"


@dataclass(frozen=True)
class LibraryClause:
    """A clause as the lawyer wrote it (not yet rendered)."""

    id: str
    version: str
    status: str
    title: Text
    applies_to: tuple[str, ...]
    when: Expression | None
    requires: tuple[str, ...]
    excludes: tuple[str, ...]
    alternatives: tuple[str, ...]
    text: Text  # Jinja source
    notes: str
    file: str
    sha256: str = field(compare=False)
    templates: tuple[Template | None, Template | None] = field(compare=False, repr=False)
    notice: Text | None = field(default=None, compare=False)  # shown to the user whenever it is selected

    @property
    def topic(self) -> str:
        return self.id.split(".", 1)[0]

    def paths(self, lang: str) -> set[str]:
        template = self.templates[0 if lang == "en" else 1]
        return variable_paths(clause_env.parse(getattr(self.text, lang))) if template else set()

    def render(self, lang: str, context: dict) -> tuple[str, ...]:
        """The clause text in one language as paragraphs (one per non-blank line)."""
        template = self.templates[0 if lang == "en" else 1]
        if template is None:
            raise TemplateError(f"clause {self.id} ({self.file}) has no {lang.upper()} text")
        try:
            text = template.render(context)
        except UndefinedError as exc:
            missing = sorted(p for p in self.paths(lang) if not has_path(context, p.split("[]")[0]))
            what = f"variable {', '.join(missing)} is undefined" if missing else str(exc)  # e.g. a filter's
            raise TemplateError(f"clause {self.id} ({self.file}), {lang.upper()} text: {what} for this order") from None
        except ContractgenError:
            raise
        except Exception as exc:  # a filter refusing a value, a type error in an expression
            raise TemplateError(f"clause {self.id} ({self.file}), {lang.upper()} text: {exc}") from None
        return tuple(line.strip() for line in text.splitlines() if line.strip())


@dataclass(frozen=True, eq=False)  # one loaded library is one value: hashed by identity, for caches
class ClauseLibrary:
    clauses: dict[str, LibraryClause]
    folder: Path
    sha256: str  # fingerprint of every clause's id, version and text

    def get(self, clause_id: str) -> LibraryClause:
        try:
            return self.clauses[clause_id]
        except KeyError:
            raise LibraryError(f"no clause {clause_id!r} in {self.folder}") from None

    def topic(self, topic: str) -> list[LibraryClause]:
        return list(self._topics.get(topic, ()))

    @cached_property
    def _topics(self) -> dict[str, tuple[LibraryClause, ...]]:
        # each document's selection asks for several topics; sorting the library each time cost 2 %
        topics: dict[str, list[LibraryClause]] = {}
        for _, clause in sorted(self.clauses.items()):
            topics.setdefault(clause.topic, []).append(clause)
        return {name: tuple(clauses) for name, clauses in topics.items()}


def text_sha256(title: Text, text: Text) -> str:
    payload = "\x1f".join((title.en, title.zh, text.en or "", text.zh or ""))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _compile(source: str | None, where: str, lang: str, problems: list[LintProblem], cid: str):
    if not source:
        return None
    try:
        return clause_env.from_string(source)
    except TemplateSyntaxError as exc:
        problems.append(LintProblem(where, cid, f"{lang.upper()} text does not compile: {exc.message} "
                                                f"(line {exc.lineno})"))
        return None


def read_clause(path: Path, folder: Path, problems: list[LintProblem]) -> LibraryClause | None:
    where = str(path)
    try:
        raw = load_yaml_file(path)
    except ContractgenError as exc:
        problems.append(LintProblem(where, "", str(exc)))
        return None
    cid = raw.get("id", "") if isinstance(raw, dict) else ""
    validator = cerberus.Validator(CLAUSE_SCHEMA)
    if not isinstance(raw, dict) or not validator.validate(raw):
        errors = validator.errors if isinstance(raw, dict) else {"": ["the file must be a mapping"]}
        for key, messages in sorted(errors.items()):
            problems.append(LintProblem(where, str(cid), f"schema: {key}: {messages}"))
        return None
    expected_topic = path.relative_to(folder).parts[0]
    if cid.split(".", 1)[0] != expected_topic or path.stem != cid.split(".", 1)[1]:
        problems.append(LintProblem(where, cid, f"id must be '{expected_topic}.{path.stem}' to match the file's "
                                                f"folder and name"))
    when = None
    if raw.get("when"):
        try:
            when = compile_expression(raw["when"])
        except ExpressionSyntaxError as exc:
            problems.append(LintProblem(where, cid, f"when does not compile: {exc}"))
    title = Text(raw["title"].get("en") or "", raw["title"].get("zh") or "")
    text = Text(raw["text"].get("en") or "", raw["text"].get("zh") or "")
    templates = (_compile(text.en, where, "en", problems, cid), _compile(text.zh, where, "zh", problems, cid))
    return LibraryClause(
        id=cid, version=raw["version"], status=raw["status"], title=title,
        applies_to=tuple(raw["applies_to"]), when=when, requires=tuple(raw.get("requires") or ()),
        excludes=tuple(raw.get("excludes") or ()), alternatives=tuple(raw.get("alternatives") or ()),
        text=text, notes=raw.get("notes") or "", file=where, sha256=text_sha256(title, text), templates=templates,
        notice=Text(raw["notice"]["en"], raw["notice"]["zh"]) if raw.get("notice") else None)


def read_library(folder: Path | None = None) -> tuple[ClauseLibrary, list[LintProblem]]:
    folder = Path(folder or data_path("clause_library"))
    problems: list[LintProblem] = []
    clauses: dict[str, LibraryClause] = {}
    for path in sorted(folder.glob("*/**/*.yaml")):  # clauses live in topic folders; glossary.yaml is beside them
        clause = read_clause(path, folder, problems)
        if clause is None:
            continue
        if clause.id in clauses:
            problems.append(LintProblem(str(path), clause.id, f"duplicate id: also in {clauses[clause.id].file}"))
            continue
        clauses[clause.id] = clause
    fingerprint = hashlib.sha256("\n".join(
        f"{c.id}@{c.version} {c.sha256} {c.status}" for _, c in sorted(clauses.items())).encode()).hexdigest()
    return ClauseLibrary(clauses, folder, fingerprint), problems


@cache
def load_library(folder: Path | None = None) -> ClauseLibrary:
    """The library for building; refuses one with problems, since the buyer cannot fix those. Read
    through the cache (core/cache.py): a library already read in this form is not parsed again."""
    folder = Path(folder or data_path("clause_library"))
    files = sorted(folder.rglob("*.yaml"))
    records = cached("clause-library", files_key("clause-library", folder, files),
                     lambda: _records(*read_library(folder)))
    if records is None:  # problems: read again for the message (never cached)
        library, problems = read_library(folder)
        listing = "\n".join(f"  {p}" for p in problems[:20])
        raise LibraryError(f"the clause library has {len(problems)} problem(s); run `contractgen clauses lint`:\n"
                           f"{listing}")
    return _from_records(records, folder)


def _records(library: ClauseLibrary, problems: list[LintProblem]) -> tuple | None:
    """A library without problems as plain, picklable values: each clause's fields, with its Jinja
    templates as compiled code (marshal) and its file relative to the folder."""
    if problems:
        return None
    records = []
    for clause in library.clauses.values():
        fields = {name: getattr(clause, name) for name in _PLAIN_FIELDS}
        fields["when"] = clause.when.source if clause.when else None
        fields["file"] = Path(clause.file).relative_to(library.folder).as_posix()
        codes = tuple(None if text is None else marshal.dumps(clause_env.compile(text))
                      for text in (clause.text.en or None, clause.text.zh or None))
        records.append((fields, codes))
    return library.sha256, tuple(records)


def _from_records(records: tuple, folder: Path) -> ClauseLibrary:
    sha256, entries = records
    clauses = {}
    for fields, codes in entries:
        templates = tuple(None if code is None else template_from_code(clause_env, code) for code in codes)
        when = compile_expression(fields["when"]) if fields["when"] else None
        clauses[fields["id"]] = LibraryClause(**{**fields, "when": when, "file": str(folder / fields["file"])},
                                              templates=templates)
    return ClauseLibrary(clauses, folder, sha256)


# Every field of a LibraryClause but `when` and `file` (kept in their own form): a field missing here is lost
# on the next run, which reads the library from the cache.
_PLAIN_FIELDS = ("id", "version", "status", "title", "applies_to", "requires", "excludes", "alternatives", "text",
                 "notes", "sha256", "notice")


def normalised_paths(paths: set[str]) -> set[str]:
    """Variable paths with the language suffix dropped, so `name_en` in English matches `name_zh` in
    Chinese (invariant 2: both languages state the same facts)."""
    out = set()
    for path in paths:
        path = re.sub(r"\.(en|zh)$", "", path)
        out.add(re.sub(r"_(en|zh)$", "", path))
    return out
