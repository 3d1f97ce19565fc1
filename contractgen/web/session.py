"""The answers of one browser session: held in memory while the server runs, and saved as they change
to the user's data folder (private to the user), so a restarted server offers them again.

A saved session is one JSON file, `<id>.json`; its answers (and the optional blocks switched off) are
kept as answers files, the public format, and read back as a loaded answers file is read."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..core.errors import InputError, Problem
from ..core.messages import as_typed, message
from ..core.text import Text
from ..core.paths import lookup
from ..interview.definitions import Interview
from ..core.output import atomic_write
from ..answers.questionnaire import answers_yaml, editable_answers
from ..core.yamlio import load_yaml_text

MAX_BLANK = 50  # sessions without answers kept in memory; the oldest are forgotten (nothing is lost)
FORMAT = "contractgen-web-session/1"
_SAVED_JSON = message("web.saved_json", "a saved interview (JSON)")
_SAVED_AT = message("web.saved_at", "the date and time it was saved (ISO 8601)")
SESSION_ID = re.compile(r"[A-Za-z0-9_-]{32}")  # what secrets.token_urlsafe(24) gives; nothing else is a file name


def data_folder() -> Path:
    """The user's data folder for contractgen (XDG: $XDG_DATA_HOME, else ~/.local/share)."""
    base = os.environ.get("XDG_DATA_HOME")
    if not base or not Path(base).is_absolute():  # the spec says a relative value is to be ignored
        base = Path.home() / ".local" / "share"
    return Path(base) / "contractgen"


@dataclass
class Refused:
    """What the user typed where the rules refused it: shown back with why, never stored as an answer."""

    text: str
    problems: list[Problem]


@dataclass
class Session:
    id: str
    csrf: str
    lang: str = "en"
    data: dict = field(default_factory=dict)  # the answers the rules accepted, as validation reads them
    refused: dict[str, Refused] = field(default_factory=dict)  # answers path -> typed text and its problems
    touched: set[str] = field(default_factory=set)  # paths the user changed: their problems show at once
    submitted: set[str] = field(default_factory=set)  # blocks saved at least once: all their problems show
    stash: dict[str, dict] = field(default_factory=dict)  # optional blocks switched off, to switch back on
    revision: int = 0  # bumped on every change (the live answers carry it)
    source: str = "answers"  # what a Problem names as its source: the loaded file, or "answers"
    document: str | None = None  # the document the preview shows
    layout: str = "parallel"
    notice: list[str] = field(default_factory=list)  # said once on the next page (a file was loaded)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def changed(self) -> None:
        self.revision += 1

    def is_blank(self) -> bool:
        """Nothing to keep: no answer given, typed or switched off."""
        return not (self.data or self.refused or self.stash)


@dataclass(frozen=True)
class Saved:
    """A saved interview as the start page lists it."""

    id: str
    contract_number: str
    changed: dt.datetime | None  # None when the file cannot be read
    problem: Problem | None = None  # why the file cannot be read


class SessionStore:
    def __init__(self, root: Path, interview: Interview):
        """`root`: contractgen's data folder (data_folder()); the sessions go in a folder per interview."""
        self._root = root
        self.folder = root / "web-interviews" / interview.id
        self._interview = interview
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    # -- in memory ------------------------------------------------------------------------------------

    def get(self, session_id: str | None) -> Session | None:
        """The session of this id: in memory, else read back from its saved file; None if neither."""
        if not session_id or not SESSION_ID.fullmatch(session_id):
            return None
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                session = self._read(session_id)
                if session is None:
                    return None
                self._sessions[session_id] = session
            self._sessions.move_to_end(session_id)
            return session

    def new(self, lang: str) -> Session:
        session = Session(id=secrets.token_urlsafe(24), csrf=secrets.token_urlsafe(32), lang=lang)
        with self._lock:
            self._sessions[session.id] = session
            blank = [s.id for s in self._sessions.values() if s.is_blank()]
            for old in blank[:max(0, len(blank) - MAX_BLANK)]:  # a session with answers is never dropped
                del self._sessions[old]
        return session

    # -- on disk --------------------------------------------------------------------------------------

    def save(self, session: Session) -> None:
        """Write the session's file (call with session.lock held); a blank session has none."""
        path = self._path(session.id)
        if session.is_blank():
            path.unlink(missing_ok=True)
            return
        self._private_folder()
        atomic_write(path, json.dumps(self._record(session), ensure_ascii=False, indent=1).encode("utf-8"), 0o600)

    def discard(self, session_id: str) -> None:
        if not SESSION_ID.fullmatch(session_id):
            return
        with self._lock:
            self._sessions.pop(session_id, None)
            self._path(session_id).unlink(missing_ok=True)

    def saved(self) -> list[Saved]:
        """Every saved interview, the last changed first."""
        found = []
        for path in self.folder.glob("*.json") if self.folder.is_dir() else []:
            if not SESSION_ID.fullmatch(path.stem):
                continue
            try:
                record = self._load(path)
                found.append(Saved(path.stem, self._number(record), _saved_at(record, path)))
            except InputError as exc:
                found.append(Saved(path.stem, "", None, exc.problems[0]))
        return sorted(found, key=lambda s: (s.changed is not None, s.changed or dt.datetime.min), reverse=True)

    def _path(self, session_id: str) -> Path:
        return self.folder / f"{session_id}.json"

    def _private_folder(self) -> None:
        """The answers are a buyer's business terms: contractgen's folders are for this user alone."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        for folder in (self._root, self.folder.parent, self.folder):
            folder.chmod(0o700)

    def _record(self, session: Session) -> dict:
        return {
            "format": FORMAT, "interview": self._interview.id,
            "saved": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "id": session.id, "csrf": session.csrf, "lang": session.lang, "source": session.source,
            "document": session.document, "layout": session.layout,
            "answers": answers_yaml(session.data, self._interview),
            "stash": {block: answers_yaml({block: data}, self._interview) for block, data in session.stash.items()},
            "refused": {path: {"text": r.text, "problems": [asdict(p) for p in r.problems]}
                        for path, r in session.refused.items()},
            "touched": sorted(session.touched), "submitted": sorted(session.submitted),
        }

    def _load(self, path: Path) -> dict:
        """A saved file's record, or InputError naming the file and what is wrong with it."""
        try:
            record = json.loads(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise InputError(Problem(str(path), "", _SAVED_JSON(), as_typed(str(exc)))) from None
        if not isinstance(record, dict) or record.get("format") != FORMAT:
            found = record.get("format") if isinstance(record, dict) else type(record).__name__
            raise InputError(Problem(str(path), "format", as_typed(FORMAT), as_typed(repr(found))))
        if record.get("interview") != self._interview.id:
            raise InputError(Problem(str(path), "interview", as_typed(self._interview.id),
                                     as_typed(repr(record.get("interview")))))
        return record

    def _answers(self, text: str, path: Path, source: str) -> dict:
        raw = load_yaml_text(text, str(path))
        return editable_answers(self._interview, raw, source) if isinstance(raw, dict) else {}

    def _number(self, record: dict) -> str:
        number = lookup(load_yaml_text(record.get("answers") or "", "answers") or {}, "contract.number")
        return "" if number is None else str(number)

    def _read(self, session_id: str) -> Session | None:
        path = self._path(session_id)
        if not path.is_file():
            return None
        try:
            record = self._load(path)
            source = str(record.get("source") or "answers")
            stash = {block: self._answers(text, path, source).get(block) or {}
                     for block, text in (record.get("stash") or {}).items()}
            return Session(
                id=session_id, csrf=str(record["csrf"]), lang=record.get("lang") if record.get("lang") in ("en", "zh")
                else "en", data=self._answers(record.get("answers") or "", path, source), stash=stash,
                refused={p: Refused(str(r["text"]), [_problem(problem) for problem in r["problems"]])
                         for p, r in (record.get("refused") or {}).items()},
                touched=set(record.get("touched") or ()), submitted=set(record.get("submitted") or ()),
                source=source, document=record.get("document"), layout=str(record.get("layout") or "parallel"))
        except (InputError, KeyError, TypeError, AttributeError):
            return None  # the start page lists it with its problem; this window does not resume it


def _problem(saved: dict) -> Problem:
    return Problem(saved["source"], saved["path"], Text(**saved["expected"]), Text(**saved["found"]))


def _saved_at(record: dict, path: Path) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(record["saved"])
    except (KeyError, TypeError, ValueError):
        raise InputError(Problem(str(path), "saved", _SAVED_AT(), as_typed(repr(record.get("saved"))))) from None
