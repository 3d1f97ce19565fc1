"""Writing outputs so that nothing is lost: all targets are checked before any is written, an existing
file is replaced only when identical or with --force, and each write is atomic (temp file + rename)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import InputError, Problem


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: Path, data: bytes, mode: int = 0o666) -> None:
    """`mode` (less the umask) is the file's permission: 0o600 for a file private to the user."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_files(files: dict[Path, bytes], force: bool = False,
                updates: frozenset[Path] = frozenset()) -> list[tuple[Path, str]]:
    """Write every file or none. Returns (path, "written" | "replaced" | "unchanged") per file.
    `updates` are files whose new content extends the old one (a manifest listing one more format):
    replacing them loses nothing, so they need no --force."""
    plan: list[tuple[Path, bytes, str]] = []
    conflicts: list[Problem] = []
    for path, data in files.items():
        if path.is_dir():
            conflicts.append(Problem(str(path), "", "a file path", "a directory there"))
        elif path.exists():
            if path.read_bytes() == data:
                plan.append((path, data, "unchanged"))
            elif force or path in updates:
                plan.append((path, data, "replaced"))
            else:
                conflicts.append(Problem(str(path), "", "no existing file (use --force to replace it, or -o for "
                                                        "another folder)", "a different file already there"))
        else:
            plan.append((path, data, "written"))
    if conflicts:
        raise InputError(conflicts)
    for path, data, status in plan:
        if status != "unchanged":
            atomic_write(path, data)
    return [(path, status) for path, _, status in plan]
