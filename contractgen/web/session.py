"""The answers of one browser session, held in memory on this machine (one local user, nothing stored
on disk unless the user downloads it)."""
from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from ..errors import Problem

MAX_SESSIONS = 50  # a local tool has one user; old windows are forgotten, oldest first


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


class SessionStore:
    def __init__(self):
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, session_id: str | None) -> Session | None:
        with self._lock:
            session = self._sessions.get(session_id or "")
            if session is not None:
                self._sessions.move_to_end(session.id)
            return session

    def new(self) -> Session:
        session = Session(id=secrets.token_urlsafe(24), csrf=secrets.token_urlsafe(32))
        with self._lock:
            self._sessions[session.id] = session
            while len(self._sessions) > MAX_SESSIONS:
                self._sessions.popitem(last=False)
        return session
