"""`contractgen clauses diff OLD NEW`: what changed between two versions of the clause library, given as
two folders or two git refs of the project (the repository of the current folder). Per clause: added,
removed or changed, with the EN and ZH redline; and whether the version was bumped as the rules
require (any change of title or text bumps it): a change without a bump is an error."""
from __future__ import annotations

import io
import json
import subprocess
import tarfile
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import InputError, Problem
from ..core.messages import as_typed, message
from ..core.textdiff import redline
from ..library.clauses import LibraryClause, read_library

LIBRARY = "clause_library"
KEEP = 8  # unchanged words (EN) or characters ×3 (ZH) kept either side of a change in the redline
METADATA = ("status", "applies_to", "when", "requires", "excludes", "alternatives")

# The report's fixed sentences, in one place for the message catalog.
LINES = {
    "head": message("audit.head", "clause library {old} → {new}: {added} added, {removed} removed, {changed} changed"),
    "same": message("audit.same", "no clause differs"),
    "no_bump": message("audit.no_bump", "the title or text changed but the version did not go up ({old} → {new}); "
                       "bump it"),
    "down": message("audit.down", "the version went down ({old} → {new})"),
}


_LIBRARY_OR_REF = message("audit.library_or_ref", "a clause library folder, or a git ref (commit, tag, branch) of "
                          "this project")
_NO_SUCH_REF = message("audit.no_such_ref", "neither (not a folder; {where} has no such ref)")
_COMMIT_WITH = message("audit.commit_with", "a commit that has {folder}/")
_VALID_CLAUSE = message("audit.valid_clause", "a valid clause")
_BUMP = message("audit.bump", "a version bump with the change")


@dataclass(frozen=True)
class ClauseChange:
    id: str
    change: str  # added | removed | changed
    old_version: str | None
    new_version: str | None
    redline: dict[str, str] = field(default_factory=dict)  # en/zh (and title.en/title.zh) → marked text
    metadata: dict[str, tuple[str, str]] = field(default_factory=dict)  # what else changed: old, new
    problem: str = ""


@dataclass(frozen=True)
class LibraryDiff:
    old: str
    new: str
    changes: tuple[ClauseChange, ...]
    problems: tuple[Problem, ...]  # reading either library, and every missing bump

    def count(self, change: str) -> int:
        return sum(c.change == change for c in self.changes)


@contextmanager
def library_folder(spec: str):
    """A clause library folder: `spec` itself, its clause_library/, or that folder at git ref `spec` of
    the repository around the current folder (extracted with `git archive` into a temporary folder)."""
    path = Path(spec)
    if path.is_dir():
        yield path / LIBRARY if (path / LIBRARY).is_dir() else path
        return
    git = ["git", "-c", "core.quotepath=off"]
    top = subprocess.run([*git, "rev-parse", "--show-toplevel"], capture_output=True, text=True)
    ref = subprocess.run([*git, "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}"], capture_output=True,
                         text=True) if top.returncode == 0 and not spec.startswith("-") else None
    if ref is None or ref.returncode != 0:
        where = "a git repository" if top.returncode == 0 else "no git repository here"
        raise InputError(Problem(spec, "", _LIBRARY_OR_REF(), _NO_SUCH_REF(where=where)))
    root = Path(top.stdout.strip())
    archive = subprocess.run([*git, "-C", str(root), "archive", "--format=tar", ref.stdout.strip(), LIBRARY],
                             capture_output=True)
    if archive.returncode != 0:
        raise InputError(Problem(spec, "", _COMMIT_WITH(folder=LIBRARY),
                                 as_typed(archive.stderr.decode(errors="replace").strip()[-200:])))
    with tempfile.TemporaryDirectory(prefix="contractgen-diff-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(tmp, filter="data")
        yield Path(tmp) / LIBRARY


def _version_key(version: str) -> tuple:
    core, _, pre = version.partition("-")
    return (*(int(p) for p in core.split(".")), not pre, pre)


def diff_libraries(old: str, new: str) -> LibraryDiff:
    with library_folder(old) as old_folder, library_folder(new) as new_folder:
        before, old_problems = read_library(old_folder)
        after, new_problems = read_library(new_folder)
    problems = [Problem(f"{old}: {p.file}", p.clause_id, _VALID_CLAUSE(), as_typed(p.message)) for p in old_problems]
    problems += [Problem(f"{new}: {p.file}", p.clause_id, _VALID_CLAUSE(), as_typed(p.message)) for p in new_problems]
    changes = []
    for cid in sorted(set(before.clauses) | set(after.clauses)):
        a, b = before.clauses.get(cid), after.clauses.get(cid)
        if a is None:
            changes.append(ClauseChange(cid, "added", None, b.version))
        elif b is None:
            changes.append(ClauseChange(cid, "removed", a.version, None))
        else:
            change = _compare(a, b)
            if change:
                changes.append(change)
                if change.problem:
                    problems.append(Problem(f"{new}: {b.file}", cid, _BUMP(), as_typed(change.problem)))
    return LibraryDiff(old, new, tuple(changes), tuple(problems))


def _compare(a: LibraryClause, b: LibraryClause) -> ClauseChange | None:
    marked = {}
    for key, old, new in (("title.en", a.title.en, b.title.en), ("title.zh", a.title.zh, b.title.zh),
                          ("en", a.text.en, b.text.en), ("zh", a.text.zh, b.text.zh)):
        if old != new:
            marked[key] = _trimmed(redline(old, new, key[-2:]), key[-2:])
    metadata = {}
    for name in METADATA:
        old, new = getattr(a, name), getattr(b, name)
        old, new = (v.source if hasattr(v, "source") else v for v in (old, new))
        if old != new:
            metadata[name] = (_shown(old), _shown(new))
    if not marked and not metadata and a.version == b.version:
        return None
    problem = ""
    if _version_key(b.version) < _version_key(a.version):
        problem = LINES["down"].english(old=a.version, new=b.version)
    elif marked and _version_key(b.version) <= _version_key(a.version):
        problem = LINES["no_bump"].english(old=a.version, new=b.version)
    return ClauseChange(a.id, "changed", a.version, b.version, marked, metadata, problem)


def _shown(value) -> str:
    if isinstance(value, tuple):
        return ", ".join(value) or "-"
    return "-" if value in (None, "") else str(value)


def _trimmed(marked: str, lang: str) -> str:
    """Long unchanged stretches between changes cut to their ends, so the change stands out."""
    keep = KEEP * (3 if lang == "zh" else 1)
    parts, out, rest = [], [], marked
    while rest:  # split into unchanged text and [-…-]/{+…+} marks
        starts = [i for i in (rest.find("[-"), rest.find("{+")) if i >= 0]
        if not starts:
            parts.append(("", rest))
            break
        start = min(starts)
        if start:
            parts.append(("", rest[:start]))
        end = rest.find("-]" if rest[start] == "[" else "+}", start) + 2
        parts.append(("mark", rest[start:end]))
        rest = rest[end:]
    for index, (kind, text) in enumerate(parts):
        if kind or len(text) <= 2 * keep + 1:
            out.append(text)
            continue
        head = "" if index == 0 else text[:keep]
        tail = "" if index == len(parts) - 1 else text[-keep:]
        out.append(f"{head}…{tail}")
    return "".join(out)


def diff_text(result: LibraryDiff) -> str:
    lines = [LINES["head"].english(old=result.old, new=result.new, added=result.count("added"),
                                  removed=result.count("removed"), changed=result.count("changed"))]
    if not result.changes:
        lines.append(LINES["same"].english())
    for change in result.changes:
        version = change.new_version if change.change == "added" else change.old_version
        if change.change == "changed" and change.old_version != change.new_version:
            version = f"{change.old_version} → {change.new_version}"
        lines.append(f"{change.change:8} {change.id} {version}")
        for key, marked in change.redline.items():
            lines.append(f"  {key.upper():9} {marked}")
        for name, (old, new) in change.metadata.items():
            lines.append(f"  {name:9} {old} → {new}")
        if change.problem:
            lines.append(f"  ERROR     {change.problem}")
    for problem in result.problems:
        if not any(problem.path == c.id and c.problem for c in result.changes):
            lines.append(f"problem: {problem}")
    return "\n".join(lines)


def diff_json(result: LibraryDiff) -> str:
    return json.dumps({
        "old": result.old, "new": result.new,
        "clauses": [{"id": c.id, "change": c.change, "old_version": c.old_version, "new_version": c.new_version,
                     "redline": c.redline, "metadata": {k: list(v) for k, v in c.metadata.items()},
                     "problem": c.problem or None} for c in result.changes],
        "problems": [str(p) for p in result.problems],
    }, ensure_ascii=False, indent=2)
