"""The warm process (see __init__.py): `python -m contractgen.warm.server SOCKET`, started by client.py.

It loads everything once by building the bundled examples, then answers one command per connection
with a forked child. What it loaded is checked before every command against the files it came from:
every data file's bytes and contractgen's own code (hashed, about 20 ms) and every other imported
module's file (size and modification time). Any difference and it declines and exits, so a clause a
lawyer edited a second ago, or an upgraded library, is never served from memory.
"""
from __future__ import annotations

import contextlib
import fcntl
import gc
import hashlib
import io
import marshal
import os
import signal
import socket
import struct
import sys
import tempfile
from pathlib import Path

from ..cli import main as run
from ..core.resources import data_fingerprint, data_path
from .client import settings, socket_path

WARM_IDLE_SECONDS = 15 * 60  # no command for this long: exit, freeing its memory
_PACKAGE = Path(__file__).resolve().parent.parent


def serve(path: Path) -> None:
    with open(path.with_suffix(".lock"), "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return  # another one is starting or running
        lock.truncate(0)
        lock.write(f"{os.getpid()}\n")  # who holds it: `kill $(cat …lock)` stops it
        lock.flush()
        key = settings()
        if socket_path(key) != str(path):
            return  # asked for by another Python, contractgen or settings than this one's
        loaded = _own_files()
        _warm_up()
        if _own_files() != loaded or len(os.listdir("/proc/self/task")) > 1:
            return  # changed while loading, or a thread (Python's or a library's) a fork would not carry
        loaded += _modules()
        gc.freeze()  # a child's collections then leave the loaded objects alone: no copy-on-write of them all
        with contextlib.suppress(FileNotFoundError):
            path.unlink()  # a dead one's; the lock says none is alive
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(path))
        inode = os.stat(path).st_ino
        try:
            listener.listen(16)
            listener.settimeout(WARM_IDLE_SECONDS)
            signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
            _accept(listener, key, loaded)
        finally:
            with contextlib.suppress(OSError):
                if os.stat(path).st_ino == inode:
                    path.unlink()
            listener.close()


def _accept(listener: socket.socket, key: str, loaded: str) -> None:
    while True:
        try:
            connection, _ = listener.accept()
        except socket.timeout:
            return
        with connection:
            fds, request = _receive(connection)
            if request is None:
                continue
            try:
                if request.get("key") != key:
                    _send(connection, {"declined": "other settings"})  # two keys named alike (crc32)
                    continue
                if _own_files() + _modules() != loaded:
                    _send(connection, {"declined": "changed since loaded"})
                    return
                if os.fork() == 0:
                    _child(connection, fds, request)
            finally:
                for fd in fds:
                    os.close(fd)


def _receive(connection: socket.socket) -> tuple[list[int], dict | None]:
    """The caller's stdin, stdout and stderr and its request, from this user only."""
    connection.settimeout(5)
    fds: list[int] = []
    try:
        _, uid, _ = struct.unpack("3i", connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                                              struct.calcsize("3i")))
        head, fds, _, _ = socket.recv_fds(connection, 4, 3)
        if uid != os.getuid() or len(head) != 4 or len(fds) != 3:
            raise ValueError("not ours")
        size, data = int.from_bytes(head, "big"), b""
        while len(data) < size:
            piece = connection.recv(size - len(data))
            if not piece:
                raise ValueError("cut short")
            data += piece
        connection.settimeout(None)
        request = marshal.loads(data)
        if not isinstance(request, dict):
            raise ValueError("not a request")
        return fds, request
    except (OSError, ValueError, EOFError, TypeError):
        for fd in fds:
            os.close(fd)
        return [], None


def _child(connection: socket.socket, fds: list[int], request: dict) -> None:
    """Run the command as the caller would have, in the caller's folder, environment and streams;
    report its exit code; never return."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        os.chdir(request["cwd"])
        os.umask(request["umask"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = ["contractgen", *request["argv"]]
        # the streams a process started here would have: line-buffered on a terminal, stderr always
        sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding=sys.stdin.encoding,
                                     errors=sys.stdin.errors)
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding=sys.stdout.encoding,
                                      errors=sys.stdout.errors, line_buffering=os.isatty(1))
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding=sys.stderr.encoding,
                                      errors=sys.stderr.errors, line_buffering=True)
        _send(connection, {"pid": os.getpid()})
        try:
            code = run(request["argv"])
        except SystemExit as stop:  # argparse: --help, a usage error
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        except KeyboardInterrupt:
            code = 130
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        _send(connection, {"exit": code})
    finally:
        os._exit(0)


def _send(connection: socket.socket, message: dict) -> None:
    data = marshal.dumps(message)
    connection.sendall(len(data).to_bytes(4, "big") + data)


def _warm_up() -> None:
    """Build every bundled example's whole set as DOCX into a folder thrown away: every module a command
    needs is imported and every data file it reads is loaded, as it will be served. Not a PDF: the
    typesetter starts threads, which a fork does not carry (a child typesets with its own)."""
    examples = sorted(data_path("examples").glob("*.yaml"))
    with tempfile.TemporaryDirectory(prefix="contractgen-warm-") as out, \
            contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        for number, example in enumerate(examples):
            run(["build", str(example), "--docs", "all", "-o", os.path.join(out, str(number))])
            run(["check", str(example), "--docs", "all"])


def _own_files() -> str:
    """Every data file's and contractgen module's path and bytes, hashed."""
    return data_fingerprint(_PACKAGE, suffix=".py")


def _modules() -> str:
    """Every other imported module's file, by size and modification time (an upgrade replaces them)."""
    seen = []
    for name, module in sorted(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if file and not file.startswith(str(_PACKAGE)):
            try:
                found = os.stat(file)
            except OSError:
                found = None
            seen.append(f"{file}\0{found and (found.st_size, found.st_mtime_ns)}")
    return hashlib.sha256("\n".join(seen).encode()).hexdigest()


if __name__ == "__main__":
    serve(Path(sys.argv[1]))
