"""A cache of what is slow to load and the same from run to run (the clause library parsed, checked and
compiled; the interviews' and document definitions' YAML parsed; the risk rules and reference tables
parsed and checked; every answers path the interviews ask; the house template's compiled Jinja code),
so a second `contractgen build` skips the YAML parsing, the schema checks and the Jinja compiling.
Answers files are never cached: they are the user's, and read once anyway.

An entry is keyed by the content of every file it was made from (sha256 over each file's path and
bytes), with this cache's format, Python's and Jinja's versions and a fingerprint of contractgen's own
code: an edited, added or removed file gives another key, so a stale entry is never used (old entries
are simply never read again). Entries live in
$XDG_CACHE_HOME/contractgen (~/.cache/contractgen), or $CONTRACTGEN_CACHE_DIR; CONTRACTGEN_CACHE_DIR=off
turns the cache off. Each is written whole under a temporary name and renamed into place, so processes
running at once never read half an entry; an entry that cannot be read (corrupt, truncated, from
another version) is ignored and rebuilt. A cache folder that cannot be written only costs the time.
"""
from __future__ import annotations

import functools
import hashlib
import itertools
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import jinja2

FORMAT = "1"  # bump when what an entry holds changes shape
OFF = "off"
T = TypeVar("T")


def cache_dir() -> Path | None:
    """The cache folder, or None when the cache is off."""
    chosen = os.environ.get("CONTRACTGEN_CACHE_DIR")
    if chosen == OFF:
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "contractgen"


@functools.cache
def code_fingerprint() -> str:
    """sha256 of contractgen's own code: an entry made by other code (another version, an edited
    checkout) is never used, even when the data files are the same."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(f"{path.relative_to(package).as_posix()}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def content_key(kind: str, sources: Iterable[tuple[str, bytes]]) -> str:
    """The key of an entry made from `sources`: (name, content) of every file it comes from."""
    digest = hashlib.sha256(f"{FORMAT}\0{kind}\0{sys.version}\0{jinja2.__version__}\0{code_fingerprint()}\0".encode())
    for name, data in sources:
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def files_key(kind: str, root: Path, files: Iterable[Path]) -> str:
    """The key of an entry made from `files`, each named by its path relative to `root`. The root itself
    is part of the key: an entry may record where its files are (a problem names the file)."""
    sources = ((path.relative_to(root).as_posix(), path.read_bytes()) for path in sorted(files))
    return content_key(kind, itertools.chain([("", str(Path(root).resolve()).encode())], sources))


def cached(kind: str, key: str, build: Callable[[], T | None]) -> T | None:
    """The entry `kind`/`key` if one can be read, else `build()`, stored when it is not None."""
    folder = cache_dir()
    path = folder / kind / f"{key}.pickle" if folder else None
    if path is not None:
        try:
            return pickle.loads(path.read_bytes())
        except Exception:  # noqa: BLE001 - absent, corrupt or from another version: rebuilt below
            pass
    value = build()
    if path is not None and value is not None:
        _store(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    return value


def _store(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        pass  # a read-only or full disk: the next run builds it again
