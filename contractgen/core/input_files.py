"""Reading a user's file with a real size limit: every input file goes through `read_bounded`.

A size from `stat` is no limit: /dev/zero, a FIFO or a shell's `<(…)` report 0 and never end. So the
file is read, at most `limit + 1` bytes of it, and refused when that extra byte arrives.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from .errors import InputError, Problem
from .messages import as_typed, message


def size_text(limit: int) -> str:
    return f"{limit // (1024 * 1024):,} MiB" if limit >= 1024 * 1024 else f"{limit // 1024:,} KiB"


_EXISTING = message("expected.existing_file", "an existing file")
_NO_SUCH = message("found.no_such_file", "no such file")
A_FILE = message("word.file", "a file")
_A_DIRECTORY = message("found.directory", "a directory")
_READABLE = message("expected.readable_file", "a readable file")
_AT_MOST = message("expected.file_at_most", "a file of at most {size}")
_MORE = message("found.more_than", "more than {size}")


def read_bounded(path: str | Path, limit: int) -> bytes:
    """The file's bytes; an InputError naming the file when it is missing, not a file, unreadable or
    longer than `limit` bytes."""
    with _opened(path) as handle:
        data = handle.read(limit + 1)
    _within(path, len(data), limit)
    return data


def copy_bounded(path: str | Path, target: Path, limit: int, chunk: int = 2 ** 20) -> None:
    """`read_bounded` into the file `target` instead of memory, a chunk at a time: a large sheet is read
    from the copy without ever being held whole, and the limit still ends an endless input."""
    copied = 0
    with _opened(path) as handle, open(target, "wb") as out:
        while piece := handle.read(min(chunk, limit + 1 - copied)):
            out.write(piece)
            copied += len(piece)
            if copied > limit:
                break
    _within(path, copied, limit)


@contextmanager
def _opened(path: str | Path) -> Iterator[BinaryIO]:
    """The file open for reading; what keeps it from being read, an InputError naming it."""
    source = str(path)
    try:
        with open(path, "rb") as handle:
            yield handle
    except FileNotFoundError:
        raise InputError(Problem(source, "", _EXISTING(), _NO_SUCH())) from None
    except IsADirectoryError:
        raise InputError(Problem(source, "", A_FILE(), _A_DIRECTORY())) from None
    except OSError as exc:
        raise InputError(Problem(source, "", _READABLE(), as_typed(exc.strerror or str(exc)))) from None


def _within(path: str | Path, size: int, limit: int) -> None:
    if size > limit:
        raise InputError(Problem(str(path), "", _AT_MOST(size=size_text(limit)), _MORE(size=size_text(limit))))
