"""Writing outputs so that nothing is lost: the output folder is checked before anything is rendered,
all targets are checked before any is written, an existing file is replaced only when identical or with
--force, and a set of files lands whole: every file is first written to a temp file beside its target,
and only when all are written are they renamed into place. A problem with the place written to (a file
where a folder should be, a read-only folder, a full disk) is an InputError naming the path."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import InputError, Problem


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _nearest_existing(path: Path) -> Path:
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_output_folder(folder: Path) -> None:
    """Refuse, before any rendering, an output folder that is a file, lies under a file, or cannot be
    written to. Creates nothing."""
    existing = _nearest_existing(folder)
    if not existing.is_dir():
        found = "a file" if existing == folder.absolute() else f"{existing}, a file, on its path"
        raise InputError(Problem(str(folder), "", "a folder for the outputs (-o)", found))
    try:  # the only test that holds for root, read-only mounts, immutable folders and ACLs alike
        fd, probe = tempfile.mkstemp(dir=existing, prefix=".contractgen-probe-")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        where = "" if existing == folder.absolute() else f" ({existing})"
        raise InputError(Problem(str(folder), "", "a folder contractgen can write to (-o)",
                                 f"{exc.strerror or exc}{where}")) from None


def _blocking_file(folder: Path) -> Path | None:
    """The file that stands where `folder` or one of its parents should be, if any."""
    existing = _nearest_existing(folder)
    return None if existing.is_dir() else existing


def _same_content(path: Path, data: bytes) -> bool:
    # size first: a FIFO or a huge file there is never read
    return path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data


def _make_folder(folder: Path, created: list[Path]) -> None:
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for item in reversed(missing):
        item.mkdir()
        created.append(item)


def _stage(path: Path, data: bytes, mode: int) -> str:
    """`data` in a temp file beside `path`, on disk (fsync); the caller renames or removes it."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode & ~_umask())
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def _undo(staged: list[tuple[Path, str]], created: list[Path]) -> None:
    for _, tmp in staged:
        try:
            os.unlink(tmp)
        except OSError:
            pass
    for folder in reversed(created):
        try:
            folder.rmdir()
        except OSError:
            pass


def _write_set(items: list[tuple[Path, bytes]], mode: int = 0o666) -> None:
    """Write every file or, on an OSError, none; the InputError names the path and what was written.
    `mode` (less the umask) is each file's permission: 0o600 for a file private to the user."""
    staged: list[tuple[Path, str]] = []
    created: list[Path] = []
    path = None
    try:
        for path, data in items:
            _make_folder(path.parent, created)
            staged.append((path, _stage(path, data, mode)))
    except OSError as exc:
        _undo(staged, created)
        others = [str(p) for p, _ in items if p != path]
        rest = f"; none of this set was written (nor {', '.join(others)})" if others else "; it was not written"
        raise InputError(Problem(str(path), "", "a place where the file can be written",
                                 f"{exc.strerror or exc}{rest}")) from None
    for done, (path, tmp) in enumerate(staged):
        try:
            os.replace(tmp, path)
        except OSError as exc:
            _undo(staged[done:], [])
            written = ", ".join(str(p) for p, _ in staged[:done]) or "none"
            missing = ", ".join(str(p) for p, _ in staged[done:])
            raise InputError(Problem(str(path), "", "a place where the file can be written",
                                     f"{exc.strerror or exc}; written: {written}; not written: {missing}")) from None


def inert_cell(text: str) -> str:
    """A CSV cell Excel shows as text, never runs as a formula (OWASP CSV injection: a leading quote)."""
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def atomic_write(path: Path, data: bytes, mode: int = 0o666) -> None:
    _write_set([(path, data)], mode)


def write_files(files: dict[Path, bytes], force: bool = False,
                updates: frozenset[Path] = frozenset()) -> list[tuple[Path, str]]:
    """Write every file or none. Returns (path, "written" | "replaced" | "unchanged") per file.
    `updates` are files whose new content extends the old one (a manifest listing one more format):
    replacing them loses nothing, so they need no --force."""
    plan: list[tuple[Path, bytes, str]] = []
    conflicts: list[Problem] = []
    for path, data in files.items():
        blocker = _blocking_file(path.parent)
        if blocker is not None:
            conflicts.append(Problem(str(blocker), "", f"a folder (to hold {path.name})", "a file there"))
        elif path.is_dir():
            conflicts.append(Problem(str(path), "", "a file path", "a directory there"))
        elif path.exists() or path.is_symlink():
            if _same_content(path, data):
                plan.append((path, data, "unchanged"))
            elif force or path in updates:
                plan.append((path, data, "replaced"))
            else:
                conflicts.append(Problem(str(path), "", "no existing file (use --force to replace it, or -o for "
                                                        "another folder)", "a different file already there"))
        else:
            plan.append((path, data, "written"))
    if conflicts:
        raise InputError(list(dict.fromkeys(conflicts)))
    _write_set([(path, data) for path, data, status in plan if status != "unchanged"])
    return [(path, status) for path, _, status in plan]
