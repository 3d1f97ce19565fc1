"""Everything the page builds, built from the answers file the user can download, through the same
pipeline as `contractgen build` and `contractgen check` (contractgen/build.py): the answers text is
read back as `build` reads a file, so a DOCX from the page is byte-identical to `contractgen build` of
the saved answers. There is no second code path to drift, and no temporary file."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import threading
import zipfile
from collections import OrderedDict

from ..build import assemble_mapping, assess_mapping, build_files, interview_for, order_notices, validate_mapping
from ..render.formats import render
from ..library.definitions import load_definition
from ..answers.coerce import MAPPING
from ..core.errors import InputError, Problem
from ..core.messages import message
from ..core.text import Text
from ..interview.definitions import Interview
from ..answers.questionnaire import answers_yaml, without_hidden
from ..risk.assess import Assessment
from ..answers.validate import examine
from ..core.yamlio import load_yaml_text
from .session import Session

ANSWERS_NAME = "answers.yaml"
_NO_ANSWERS = message("web.no_answers_yet", "no answers yet")
RISK_DOCUMENTS = ["sales_contract"]  # what `contractgen check` assesses by default


def answers_text(session: Session, interview: Interview) -> str:
    """The answers file of this session: what the download gives and every build reads. Answers to
    questions the other answers hide are left out, as the terminal interview leaves them out."""
    return answers_yaml(without_hidden(interview, session.data), interview)


def download_name(session: Session, suffix: str) -> str:
    number = (session.data.get("contract") or {}).get("number")
    stem = number if isinstance(number, str) and number and "/" not in number else "answers"
    return f"{stem}{suffix}"


def document_title(document: str):
    return load_definition(document).title


def problems_for(text: str, documents: list[str], source: str) -> list[Problem]:
    """What stops these documents from being built from this answers text (the rules of `contractgen
    build`, on the YAML read back)."""
    try:
        raw = load_yaml_text(text, source)
    except InputError as exc:
        return exc.problems
    if not isinstance(raw, dict):
        return [Problem(source, "", MAPPING(), _NO_ANSWERS())]
    return examine(raw, interview_for(documents), source)[1]


class _Cache:
    """The last few previews, by answers text, document and layout: typing in one field does not
    rebuild a preview another field already built."""

    def __init__(self, size: int = 16):
        self._items: OrderedDict[tuple, bytes] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            return self._items.get(key)

    def put(self, key, value: bytes) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)


_previews = _Cache()


def preview_html(text: str, document: str, layout: str) -> bytes:
    """The document as HTML (contractgen/render/html.py), assembled as `contractgen build` assembles it."""
    key = (hashlib.sha256(text.encode("utf-8")).hexdigest(), document, layout)
    cached = _previews.get(key)
    if cached is None:
        _, documents = assemble_mapping(load_yaml_text(text, ANSWERS_NAME), [document], ANSWERS_NAME)
        cached = render(documents[0], "html", layout)
        _previews.put(key, cached)
    return cached


def built_files(text: str, documents: list[str], formats: list[str], layout: str) -> dict[str, bytes]:
    """{file name: bytes} exactly as `contractgen build <answers> --docs … --format … --layout …` writes
    them into an empty folder (outputs and manifests)."""
    return build_files(load_yaml_text(text, ANSWERS_NAME), documents, formats, layout, ANSWERS_NAME)


def set_zip(text: str, documents: list[str], layout: str, answers_name: str) -> bytes:
    """The whole set in one zip: each document's DOCX, PDF and manifest, and the answers file. Entries
    are sorted and dated with the contract date, so the same answers give the same zip."""
    files = built_files(text, documents, ["docx", "pdf"], layout)
    files[answers_name] = text.encode("utf-8")
    stamp = _contract_date(text)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=(stamp.year, stamp.month, stamp.day, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()


def _contract_date(text: str) -> dt.date:
    try:
        value = (load_yaml_text(text, ANSWERS_NAME) or {}).get("contract", {}).get("date")
    except (InputError, AttributeError):
        value = None
    return value if isinstance(value, dt.date) and value.year >= 1980 else dt.date(1980, 1, 1)


def clause_notices(text: str, documents: list[str], source: str) -> list[Text]:
    """What `contractgen build` and `check` tell the buyer about the clauses these answers select in these
    documents (a clause file's `notice`: the SHIAC clause is no official model clause); none until the
    answers are valid for them."""
    try:
        data = validate_mapping(load_yaml_text(text, source), documents, source).data
        return [Text(n["en"], n["zh"]) for n in order_notices(data, documents, source)]
    except InputError:  # ValidationError is one
        return []


def risk_assessment(text: str, source: str) -> Assessment | None:
    """The pre-deposit risk summary `contractgen check` prints for these answers; None until the
    answers are valid for the sales contract."""
    try:
        return assess_mapping(load_yaml_text(text, source), RISK_DOCUMENTS, source)
    except InputError:  # ValidationError is one
        return None
