"""The `contractgen` command. `build` and `check` go to the warm process when one is running (started
by the first of them, in the background), every other command, and every command when it cannot be
reached, runs here: the warm process is only ever a faster way to the same result (see __init__.py).

This module is imported on every call, so it imports only the standard library's light modules (no
json, pathlib or hashlib: marshal, between two processes of one user and one Python, carries the
messages).
"""
from __future__ import annotations

import marshal
import os
import signal
import socket
import sys
import zlib

WARM_COMMANDS = ("build", "check")  # read files, write files atomically, never ask: safe to hand over
OFF_WORDS = ("0", "off", "no", "false")
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_ENVIRONMENT_KEYS = ("LANG", "LC_ALL", "LC_CTYPE", "PYTHONIOENCODING", "PYTHONUTF8", "PYTHONHASHSEED", "TZ",
                     "HOME", "XDG_CACHE_HOME")


def main() -> int:
    argv = sys.argv[1:]
    if wanted(argv):
        code = _ask_warm(argv)
        if code is not None:
            return code
    from ..cli import main as run_here
    return run_here(argv)


def wanted(argv: list[str]) -> bool:
    """A command the warm process may run, on a system where it can, and not turned off."""
    if os.environ.get("CONTRACTGEN_WARM", "").strip().lower() in OFF_WORDS:
        return False
    if not (sys.platform.startswith("linux") and hasattr(socket, "send_fds") and hasattr(os, "fork")):
        return False
    command = next((a for a in argv if a != "--debug"), None)
    return command in WARM_COMMANDS


def settings() -> str:
    """What the warm process's imports and streams depend on: this Python, this contractgen and the
    settings read at import (the locale decides the streams' encoding, CONTRACTGEN_* where data and
    cache are). A warm process serves only callers with the same."""
    chosen = {key: os.environ.get(key) for key in _ENVIRONMENT_KEYS}
    chosen |= {key: value for key, value in os.environ.items() if key.startswith("CONTRACTGEN_")}
    return repr((sys.executable, sys.version, _PACKAGE, sorted(chosen.items())))


def socket_path(key: str) -> str | None:
    """Where the warm process for `key` listens: in a folder only this user can enter (the user's
    runtime folder, or one made in the temp folder), or None."""
    base = os.environ.get("XDG_RUNTIME_DIR")
    folder = os.path.join(base, "contractgen") if base else f"/tmp/contractgen-{os.getuid()}"
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        found = os.lstat(folder)
    except OSError:
        return None
    if not os.path.isdir(folder) or os.path.islink(folder) or found.st_uid != os.getuid() or found.st_mode & 0o077:
        return None  # not ours alone: never talk through it
    return os.path.join(folder, f"warm-{zlib.crc32(key.encode()):08x}.sock")


def _ask_warm(argv: list[str]) -> int | None:
    """The command's exit code from the warm process, or None when it did not run it there (none is
    running, it declined, or it failed before the command began): the caller then runs it here."""
    key = settings()
    path = socket_path(key)
    if path is None:
        return None
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(path)
    except OSError:
        connection.close()
        _start(path)
        return None
    with connection:
        umask = os.umask(0o022)
        os.umask(umask)
        try:
            request = marshal.dumps({"key": key, "argv": argv, "cwd": os.getcwd(), "env": dict(os.environ),
                                     "umask": umask})
            socket.send_fds(connection, [len(request).to_bytes(4, "big")], [0, 1, 2])
            connection.sendall(request)
            replies = connection.makefile("rb")
            started = _reply(replies)
        except (OSError, ValueError, EOFError, TypeError):  # a closed stdin, or a warm process gone away
            return None
        if "pid" not in started:
            return None  # declined: other settings, or something it loaded has changed (it is exiting)
        return _wait(replies, started["pid"])


def _reply(replies) -> dict:
    """One message of the warm process: its length (4 bytes), then a marshalled dict; {} at the end."""
    head = replies.read(4)
    return marshal.loads(replies.read(int.from_bytes(head, "big"))) if len(head) == 4 else {}


def _wait(replies, child: int) -> int | None:
    """The exit code the child reports. Ctrl-C and SIGTERM reach this process (the terminal's), so they
    are passed on to the child, which stops as a command run here would."""
    forwarded = []

    def forward(signum, frame):
        forwarded.append(signum)
        try:
            os.kill(child, signum)
        except OSError:
            pass

    handlers = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        finished = _reply(replies)
    except (OSError, ValueError, EOFError, TypeError):
        finished = {}
    finally:
        for s, handler in handlers.items():
            signal.signal(s, handler)
    if "exit" in finished:
        return int(finished["exit"])
    if forwarded:
        return 128 + forwarded[0]
    return None  # the child died without finishing (killed): run the command here


def _start(path: str) -> None:
    """Start the warm process in the background, in its own session, for the next command; this one
    runs here meanwhile. It outlives this process by design and exits when idle. Not while one is
    still loading (it holds the lock): each command would start another, only for it to give up."""
    import fcntl
    import subprocess

    try:
        with open(path.removesuffix(".sock") + ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return

    package_root = os.path.dirname(_PACKAGE)
    paths = [os.path.abspath(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([package_root, *paths])}
    try:
        subprocess.Popen([sys.executable, "-m", "contractgen.warm.server", path], cwd="/", env=environment,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True, close_fds=True)
    except OSError:
        pass  # only the speed of the next command is lost
