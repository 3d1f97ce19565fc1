"""The audit manifest: which tool, which answers and which clause versions made a document."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from functools import cache
from importlib.metadata import PackageNotFoundError, version

from ..library.clauses import LibraryClause


@cache  # installed metadata does not change under a running process; reading it costs ~6 ms a document
def tool_version() -> str:
    try:
        return version("contractgen")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "0+unknown"


def _json_default(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot put {type(value).__name__} in a manifest")


def canonical_json(data) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def answers_sha256(answers: dict) -> str:
    return hashlib.sha256(canonical_json(answers).encode("utf-8")).hexdigest()


def document_manifest(document: str, answers: dict, clauses: list[LibraryClause], library_sha256: str,
                      built_with: tuple[str, ...] = ()) -> dict:
    """`built_with`: the documents built together with it, whose interview its context came from."""
    manifest = {
        "tool": "contractgen",
        "tool_version": tool_version(),
        "document": document,
        "answers_sha256": answers_sha256(answers),
        "library_sha256": library_sha256,
        "clauses": [{"id": c.id, "version": c.version, "sha256": c.sha256} for c in clauses],
    }
    if built_with:
        manifest["set"] = list(built_with)
    notices = clause_notices(clauses)
    if notices:  # what the user was told about this document's clauses (a clause file's `notice`)
        manifest["notices"] = notices
    return manifest


def clause_notices(clauses) -> list[dict]:
    """The notices of these clauses, each once, in clause order: {clause, en, zh}."""
    seen: dict[str, dict] = {}
    for clause in clauses:
        if clause.notice is not None and clause.id not in seen:
            seen[clause.id] = {"clause": clause.id, "en": clause.notice.en, "zh": clause.notice.zh}
    return list(seen.values())
