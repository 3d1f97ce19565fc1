"""Reading a user's file with a real size limit: every input file goes through `read_bounded`.

A size from `stat` is no limit: /dev/zero, a FIFO or a shell's `<(…)` report 0 and never end. So the
file is read, at most `limit + 1` bytes of it, and refused when that extra byte arrives.
"""
from __future__ import annotations

from pathlib import Path

from .errors import InputError, Problem


def size_text(limit: int) -> str:
    return f"{limit // (1024 * 1024):,} MiB" if limit >= 1024 * 1024 else f"{limit // 1024:,} KiB"


def read_bounded(path: str | Path, limit: int) -> bytes:
    """The file's bytes; an InputError naming the file when it is missing, not a file, unreadable or
    longer than `limit` bytes."""
    source = str(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise InputError(Problem(source, "", "an existing file", "no such file")) from None
    except IsADirectoryError:
        raise InputError(Problem(source, "", "a file", "a directory")) from None
    except OSError as exc:
        raise InputError(Problem(source, "", "a readable file", exc.strerror or str(exc))) from None
    if len(data) > limit:
        raise InputError(Problem(source, "", f"a file of at most {size_text(limit)}", f"more than {size_text(limit)}"))
    return data
