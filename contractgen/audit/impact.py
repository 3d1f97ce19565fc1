"""`contractgen clauses impact CLAUSE[@VERSION] FOLDER…`: every issued document that carries a clause,
found from the `.manifest.json` files `build` and `batch` write beside each document."""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from ..core.errors import InputError, Problem
from ..core.messages import as_typed, message
from ..core.input_files import read_bounded
from ..core.output import inert_cell

MANIFEST_SUFFIX = ".manifest.json"
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
_SPEC = re.compile(r"^(?P<id>[a-z0-9_]+(\.[a-z0-9_]+)+)(@(?P<version>[0-9A-Za-z.+-]+))?$")


_CLAUSE_SPEC = message("audit.clause_spec", "a clause id, optionally @version (payment.deposit@1.2.0)")
_OUTPUT_FOLDER = message("audit.output_folder", "a folder of built documents")
_NO_FOLDER = message("audit.no_folder", "no such folder")
_BUILT_MANIFEST = message("audit.built_manifest", "a manifest `contractgen build` wrote")


@dataclass(frozen=True)
class Issued:
    contract_number: str
    document: str
    date: str  # the contract's date; "" when the manifest does not record the answers
    clause: str  # id@version as issued
    manifest: str  # path of the manifest
    files: tuple[str, ...]  # the outputs beside it


FIELDS = ("contract_number", "document", "date", "clause", "manifest", "files")


def parse_clause(spec: str) -> tuple[str, str | None]:
    match = _SPEC.match(spec)
    if not match:
        raise InputError(Problem("CLAUSE", "", _CLAUSE_SPEC(), as_typed(repr(spec))))
    return match["id"], match["version"]


def impact(spec: str, folders: list[Path]) -> tuple[list[Issued], list[Problem]]:
    """The documents under `folders` that carry the clause (that version, when given), by contract number
    and document; and the manifests that could not be read (listed, never a reason to stop)."""
    clause_id, version = parse_clause(spec)
    for folder in folders:
        if not folder.is_dir():
            raise InputError(Problem(str(folder), "", _OUTPUT_FOLDER(), _NO_FOLDER()))
    found, problems = [], []
    paths = sorted({p.resolve(): p for folder in folders for p in folder.rglob(f"*{MANIFEST_SUFFIX}")}.values())
    for path in paths:
        try:
            record = json.loads(read_bounded(path, MAX_MANIFEST_BYTES).decode("utf-8"))
            manifest = record["manifest"]
            clauses = manifest["clauses"]
        except (InputError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            problems.append(Problem(str(path), "", _BUILT_MANIFEST(), as_typed(type(exc).__name__)))
            continue
        for clause in clauses:
            if clause.get("id") == clause_id and version in (None, clause.get("version")):
                found.append(_issued(path, record, clause))
    found.sort(key=lambda i: (i.contract_number, i.document, i.manifest))
    return found, problems


def _issued(path: Path, record: dict, clause: dict) -> Issued:
    document = record["manifest"].get("document", "")
    contract = (record.get("answers") or {}).get("contract") or {}
    stem = path.name.removesuffix(MANIFEST_SUFFIX).split(".")[0]  # <number>-<document>[.layout]
    number = contract.get("number") or stem.removesuffix(f"-{document}")
    files = tuple(str(path.parent / name) for name in sorted(record.get("files") or {}))
    return Issued(str(number), document, str(contract.get("date") or ""), f"{clause['id']}@{clause.get('version')}",
                  str(path), files)


def impact_text(spec: str, found: list[Issued]) -> str:
    if not found:
        return f"No issued document under these folders carries {spec}."
    lines = [f"{len(found)} issued document(s) carry {spec}:"]
    for item in found:
        lines.append(f"  {item.contract_number:16} {item.document:24} {item.date or '-':10} {item.clause:28} "
                     f"{item.manifest}")
    return "\n".join(lines)


def impact_csv(found: list[Issued]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(FIELDS)
    for item in found:
        row = asdict(item)
        writer.writerow([inert_cell(" ".join(row[k]) if k == "files" else row[k]) for k in FIELDS])
    return buffer.getvalue()


def impact_json(spec: str, found: list[Issued]) -> str:
    return json.dumps({"clause": spec, "documents": [{**asdict(i), "files": list(i.files)} for i in found]},
                      ensure_ascii=False, indent=2)
