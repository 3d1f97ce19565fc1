"""Writing outputs so that nothing is lost: the output folder is checked before anything is rendered,
all targets are checked before any is written, an existing file is replaced only when identical or with
--force, and a set of files lands whole: every file is first written to a temp file beside its target,
and only when all are written are they renamed into place. A problem with the place written to (a file
where a folder should be, a read-only folder, a full disk) is an InputError naming the path."""
from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import BinaryIO, Iterator

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
_LOCAL_FOLDER = message("expected.local_folder", "a folder on this computer (only `contractgen batch` writes to a URL)")
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


def _stage(path: Path, data: bytes | BinaryIO, mode: int) -> str:
    """`data` (bytes, or a file to copy) in a temp file beside `path`, on disk (fsync); the caller renames
    or removes it."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                shutil.copyfileobj(data, handle)
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


def _write_set(items: list[tuple[Path, bytes | BinaryIO]], mode: int = 0o666) -> None:
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
    plan = _plan(files, force, updates, blocker=lambda path: _blocking_file(path.parent), is_dir=Path.is_dir,
                 exists=lambda path: path.exists() or path.is_symlink(), same=_same_content, show=str,
                 base=lambda path: path.name)
    _write_set([(path, data) for path, data, status in plan if status != "unchanged"])
    return [(path, status) for path, _, status in plan]


def _plan(files: dict, force: bool, updates: frozenset, *, blocker, is_dir, exists, same, show, base) -> list:
    """(target, data, "written" | "replaced" | "unchanged") for every file, or one InputError listing every
    file that cannot be written without loss: a file where its folder should be, a folder where it
    should be, or a different file there (without --force, and not an update). The callables answer for
    the place (a local path, a key in an fsspec filesystem)."""
    plan: list = []
    conflicts: list[Problem] = []
    for target, data in files.items():
        blocking = blocker(target)
        if blocking is not None:
            conflicts.append(Problem(str(blocking), "", _FOLDER_FOR(name=base(target)), _FILE_THERE()))
        elif is_dir(target):
            conflicts.append(Problem(show(target), "", _FILE_PATH(), _DIRECTORY_THERE()))
        elif exists(target):
            if same(target, data):
                plan.append((target, data, "unchanged"))
            elif force or target in updates:
                plan.append((target, data, "replaced"))
            else:
                conflicts.append(Problem(show(target), "", _NO_EXISTING_FILE(), _DIFFERENT_FILE()))
        else:
            plan.append((target, data, "written"))
    if conflicts:
        raise InputError(list(dict.fromkeys(conflicts)))
    return plan


# -- output folders: a local folder, or a URL through fsspec --------------------------------------------

_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+://")
_FSSPEC = message("expected.fsspec", "fsspec, to write to a URL (pip install 'contractgen[dask]', and the package "
                                     "of the URL's filesystem, e.g. s3fs for s3://)")


class LocalFolder:
    """A folder on this machine: the writes above (temp file beside the target, fsync, rename)."""

    def __init__(self, path: Path):
        self.path = path

    def show(self, name: str = "") -> str:
        return str(self.path / name) if name else str(self.path)

    def check(self) -> None:
        check_output_folder(self.path)

    def read(self, name: str) -> bytes | None:
        try:
            return (self.path / name).read_bytes()
        except OSError:
            return None

    def sha256(self, name: str) -> str | None:
        try:
            with open(self.path / name, "rb") as handle:
                return hashlib.file_digest(handle, "sha256").hexdigest()
        except OSError:
            return None

    def open_text(self, name: str):
        """The file to read as UTF-8 text, or None when there is none."""
        try:
            return open(self.path / name, encoding="utf-8")
        except OSError:
            return None

    def write_files(self, files: dict[str, bytes], force: bool = False,
                    updates: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
        written = write_files({self.path / name: data for name, data in files.items()}, force,
                              frozenset(self.path / name for name in updates))
        return [(str(path.relative_to(self.path)), status) for path, status in written]

    @contextlib.contextmanager
    def writer(self, name: str) -> Iterator[BinaryIO]:
        """A file written whole or not at all, streamed: it lands only when the block ends without error."""
        with tempfile.TemporaryFile() as spool:
            yield spool
            spool.seek(0)
            _write_set([(self.path / name, spool)])


class UrlFolder:
    """A folder given as a URL (`s3://bucket/contracts`, `gs://…`, `memory://…`, `file://…`) through
    fsspec. Each file is written to a temp name beside its target, then moved into place once every file
    of the set is written (a copy on object stores, where each object still appears whole); a set that
    fails is removed. Nothing is replaced unless identical, --force, or an update, as on disk."""

    def __init__(self, url: str):
        try:
            from fsspec.core import url_to_fs
        except ImportError as exc:
            raise InputError(Problem(url, "", _FSSPEC(), as_typed(str(exc)))) from None
        try:
            self.fs, self.root = url_to_fs(url)
        except (ImportError, ValueError) as exc:  # no such protocol, or its package is not installed
            raise InputError(Problem(url, "", _FSSPEC(), as_typed(str(exc)))) from None
        self.url = url.rstrip("/")
        self.root = self.root.rstrip("/")

    def _key(self, name: str) -> str:
        return f"{self.root}/{name.replace(os.sep, '/')}"

    def show(self, name: str = "") -> str:
        return f"{self.url}/{name.replace(os.sep, '/')}" if name else self.url

    def check(self) -> None:
        try:
            if self.fs.isfile(self.root):
                raise InputError(Problem(self.url, "", _OUTPUT_FOLDER(), A_FILE()))
            # probed where it exists, nearest to it: like a local folder, nothing is created before rendering
            existing = self.root
            while not self.fs.isdir(existing) and "/" in existing.strip("/"):
                existing = existing.rstrip("/").rsplit("/", 1)[0]
            probe = f"{existing}/.contractgen-probe-{os.getpid()}"
            self.fs.pipe_file(probe, b"")
            self.fs.rm_file(probe)
        except OSError as exc:
            raise InputError(Problem(self.url, "", _WRITABLE_FOLDER(), as_typed(str(exc)))) from None

    def read(self, name: str) -> bytes | None:
        try:
            return self.fs.cat_file(self._key(name))
        except (OSError, ValueError):
            return None

    def sha256(self, name: str) -> str | None:
        data = self.read(name)
        return None if data is None else hashlib.sha256(data).hexdigest()

    def open_text(self, name: str):
        try:
            return self.fs.open(self._key(name), "r", encoding="utf-8")
        except (OSError, ValueError):
            return None

    def _stage(self, items: list[tuple[str, bytes | BinaryIO]]) -> None:
        token = uuid.uuid4().hex[:12]
        staged: list[tuple[str, str]] = []
        name = None
        try:
            for name, data in items:
                key = self._key(name)
                tmp = f"{key.rsplit('/', 1)[0]}/.{key.rsplit('/', 1)[1]}.{token}.tmp"
                self.fs.makedirs(key.rsplit("/", 1)[0], exist_ok=True)
                with self.fs.open(tmp, "wb") as out:
                    if isinstance(data, bytes):
                        out.write(data)
                    else:
                        shutil.copyfileobj(data, out)
                staged.append((key, tmp))
        except OSError as exc:
            self._remove([tmp for _, tmp in staged])
            others = [self.show(n) for n, _ in items if n != name]
            error = str(exc)
            found = _NONE_WRITTEN(error=error, others=", ".join(others)) if others else _NOT_WRITTEN(error=error)
            raise InputError(Problem(self.show(name or ""), "", _WRITABLE_PLACE(), found)) from None
        for done, (key, tmp) in enumerate(staged):
            try:
                self.fs.mv(tmp, key)
            except OSError as exc:
                self._remove([t for _, t in staged[done:]])
                written = ", ".join(k for k, _ in staged[:done]) or "-"
                missing = ", ".join(k for k, _ in staged[done:])
                found = _PARTLY_WRITTEN(error=str(exc), written=written, missing=missing)
                raise InputError(Problem(key, "", _WRITABLE_PLACE(), found)) from None

    def _remove(self, keys: list[str]) -> None:
        for key in keys:
            try:
                self.fs.rm_file(key)
            except OSError:
                pass

    def write_files(self, files: dict[str, bytes], force: bool = False,
                    updates: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
        plan = _plan(files, force, updates, blocker=self._blocking_file, is_dir=lambda n: self.fs.isdir(self._key(n)),
                     exists=lambda n: self.fs.exists(self._key(n)), same=lambda n, data: self.read(n) == data,
                     show=self.show, base=lambda n: self._key(n).rsplit("/", 1)[1])
        self._stage([(name, data) for name, data, status in plan if status != "unchanged"])
        return [(name, status) for name, _, status in plan]

    def _blocking_file(self, name: str) -> str | None:
        """A file where the folder of `name` (or its parent) should be, inside this folder."""
        parent = self._key(name).rsplit("/", 1)[0]
        return next((p for p in (parent, parent.rsplit("/", 1)[0]) if p.startswith(self.root) and self.fs.isfile(p)),
                    None)

    @contextlib.contextmanager
    def writer(self, name: str) -> Iterator[BinaryIO]:
        with tempfile.TemporaryFile() as spool:
            yield spool
            spool.seek(0)
            self._stage([(name, spool)])


def output_folder(target: str | Path) -> LocalFolder | UrlFolder:
    """`-o` as given: a URL with a protocol (`s3://…`) goes through fsspec, anything else is a local path."""
    if isinstance(target, str) and _URL.match(target):
        return UrlFolder(target)
    return LocalFolder(Path(target))


OutputFolder = LocalFolder | UrlFolder


def local_folder(target: str) -> Path:
    """`-o` of a command that writes only on this computer: a URL would otherwise become a folder named
    `s3:` beside the user, who believes the files went to the bucket."""
    if _URL.match(target):
        raise InputError(Problem(target, "-o", _LOCAL_FOLDER(), as_typed(target)))
    return Path(target)
