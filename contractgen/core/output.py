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
from .input_files import A_FILE
from .messages import as_typed, message


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _nearest_existing(path: Path) -> Path:
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


_FILE_ON_PATH = message("found.file_on_path", "{path}, a file, on its path")
_OUTPUT_FOLDER = message("expected.output_folder", "a folder for the outputs (-o)")
_WRITABLE_FOLDER = message("expected.writable_folder", "a folder contractgen can write to (-o)")
_WRITABLE_PLACE = message("expected.writable_place", "a place where the file can be written")
_NONE_WRITTEN = message("found.none_written", "{error}; none of this set was written (nor {others})")
_NOT_WRITTEN = message("found.not_written", "{error}; it was not written")
_PARTLY_WRITTEN = message("found.partly_written", "{error}; written: {written}; not written: {missing}")
_FOLDER_FOR = message("expected.folder_for", "a folder (to hold {name})")
_FILE_THERE = message("found.file_there", "a file there")
_FILE_PATH = message("expected.file_path", "a file path")
_DIRECTORY_THERE = message("found.directory_there", "a directory there")
_NO_EXISTING_FILE = message("expected.no_existing_file", "no existing file (use --force to replace it, or -o for "
                                                         "another folder)")
_DIFFERENT_FILE = message("found.different_file", "a different file already there")


def check_output_folder(folder: Path) -> None:
    """Refuse, before any rendering, an output folder that is a file, lies under a file, or cannot be
    written to. Creates nothing."""
    existing = _nearest_existing(folder)
    if not existing.is_dir():
        found = A_FILE() if existing == folder.absolute() else _FILE_ON_PATH(path=existing)
        raise InputError(Problem(str(folder), "", _OUTPUT_FOLDER(), found))
    try:  # the only test that holds for root, read-only mounts, immutable folders and ACLs alike
        fd, probe = tempfile.mkstemp(dir=existing, prefix=".contractgen-probe-")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        where = "" if existing == folder.absolute() else f" ({existing})"
        raise InputError(Problem(str(folder), "", _WRITABLE_FOLDER(), as_typed(f"{exc.strerror or exc}{where}"))) from None


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
        error = str(exc.strerror or exc)
        found = _NONE_WRITTEN(error=error, others=", ".join(others)) if others else _NOT_WRITTEN(error=error)
        raise InputError(Problem(str(path), "", _WRITABLE_PLACE(), found)) from None
    for done, (path, tmp) in enumerate(staged):
        try:
            os.replace(tmp, path)
        except OSError as exc:
            _undo(staged[done:], [])
            written = ", ".join(str(p) for p, _ in staged[:done]) or "-"
            missing = ", ".join(str(p) for p, _ in staged[done:])
            found = _PARTLY_WRITTEN(error=str(exc.strerror or exc), written=written, missing=missing)
            raise InputError(Problem(str(path), "", _WRITABLE_PLACE(), found)) from None


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
            conflicts.append(Problem(str(blocker), "", _FOLDER_FOR(name=path.name), _FILE_THERE()))
        elif path.is_dir():
            conflicts.append(Problem(str(path), "", _FILE_PATH(), _DIRECTORY_THERE()))
        elif path.exists() or path.is_symlink():
            if _same_content(path, data):
                plan.append((path, data, "unchanged"))
            elif force or path in updates:
                plan.append((path, data, "replaced"))
            else:
                conflicts.append(Problem(str(path), "", _NO_EXISTING_FILE(), _DIFFERENT_FILE()))
        else:
            plan.append((path, data, "written"))
    if conflicts:
        raise InputError(list(dict.fromkeys(conflicts)))
    _write_set([(path, data) for path, data, status in plan if status != "unchanged"])
    return [(path, status) for path, _, status in plan]
