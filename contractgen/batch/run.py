"""`contractgen batch`: one document set per order of a spreadsheet, built in parallel, recorded in a
manifest. Memory does not grow with the sheet: what grows is kept on disk, in sqlite files in the run's
temp folder (sheets.py's rows, _Store's entries and answers), and read back one order at a time.

1. Read the sheet (sheets.py) in one streaming pass, each row stored under its contract number (a
   contract's product rows may be anywhere), then put each order together and validate it with the same
   rules as `contractgen build`; a bad order's problems are re-addressed to its rows and columns, and
   the order is skipped. Every order is validated before any is built, always: every bad row is
   reported in the first minutes rather than somewhere in an hour of building, and a duplicate or a
   case twin anywhere in the sheet is known before either order is built. It costs no memory, since the
   validated answers wait on disk, pickled.
2. Skip orders whose outputs are up to date (same answers, library, tool version, documents, formats
   and layout, and the files on disk still have the recorded sha256), unless --force. The last run's
   manifest is read a piece at a time into the store, not whole.
3. Render the rest in worker processes (--jobs), forked warm from a fork server and recycled every
   ~200 documents because docxtpl processes grow (rendering-notes.md). Work is handed out one order at
   a time, so no worker idles while another holds a queue of orders (a PDF is typeset in the worker,
   with no engine start-up to spread over a chunk). A --jobs 1 run of at most ~200 documents renders in
   this process instead: a worker would only add its start-up.
   With --scheduler (or CONTRACTGEN_SCHEDULER), the same work runs on a Dask cluster instead
   (cluster.py). Workers never read the output folder: they return bytes.
4. The main process writes each order's files (all or none, never replacing a different file without
   --force), so stopping workers can never leave a partial file, records its entry in the store as its
   result arrives, and streams DIR/manifest.json/.csv from the store into files that land whole: every
   CHECKPOINT_SECONDS or so while building (orders not yet built are `pending`), so a run killed outright
   still leaves what it finished recorded for the next run to skip, and at the end. DIR may be a URL
   fsspec knows (`s3://…`, core/output.py's UrlFolder).
"""
from __future__ import annotations

import csv
import functools
import hashlib
import io
import itertools
import json
import multiprocessing
import os
import pickle
import re
import shutil
import signal
import sqlite3
import sys
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, TextIO

from ..answers.load import answers_from_mapping, known_answer_paths
from ..answers.coerce import NONE
from . import cluster, lifeline
from ..build import assemble_set, check_formats, extend_manifest, interview_for, resolve_documents, set_files
from ..render.formats import render_all
from ..core.errors import ContractgenError, InputError, Problem, ValidationError
from ..core.messages import as_typed, message
from ..core.output import OutputFolder, inert_cell, output_folder
from ..core.progress import Progress
from .sheets import read_orders

MANIFEST_FORMAT = "contractgen-batch/1"
CHECKPOINT_SECONDS = 10.0  # how often, at most, the manifest is rewritten while a run builds
DONE = ("built", "unchanged", "skipped-up-to-date")  # statuses whose files are complete on disk
RECYCLE_AFTER_DOCUMENTS = 200
TEMP_PREFIX = "contractgen-batch-"
_CSV_FIELDS = ("contract_number", "status", "source", "errors", "files", "answers_sha256", "clauses", "documents",
               "formats", "layout", "tool_version", "library_sha256")


@dataclass
class Entry:
    """One order's line in the manifest."""

    contract_number: str
    source: str
    status: str = ""
    errors: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # path relative to DIR -> sha256
    answers_sha256: str = ""
    clauses: list[str] = field(default_factory=list)  # id@version, in order of first use
    run: dict = field(default_factory=dict)  # documents, formats, layout, tool_version, library_sha256
    internal: bool = False  # failed through a fault of the tool or library (exit 1), not of the input

    def record(self) -> dict:
        return {"contract_number": self.contract_number, "status": self.status, "source": self.source,
                "errors": self.errors, "files": dict(sorted(self.files.items())),
                "answers_sha256": self.answers_sha256, "clauses": self.clauses, **self.run}


# -- worker processes ---------------------------------------------------------------------------------

@dataclass
class _Result:
    index: int
    files: dict[str, bytes] = field(default_factory=dict)
    clauses: list[str] = field(default_factory=list)
    error: str = ""
    internal: bool = False


def _on_terminate(signum, frame):
    os.killpg(0, signal.SIGKILL)  # this worker and anything it started, at once, whatever they were doing


def _stop_group() -> None:
    _on_terminate(signal.SIGTERM, None)


def _init_worker(documents: list[str], temp_root: str, main_pid: int) -> None:
    # Its own process group: Ctrl-C at the terminal reaches only the main process, which decides.
    os.setpgrp()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_terminate)
    # A killed main process must not leave workers waiting on its queue forever: the fork server, the
    # worker's parent, dies with the main process (batch_preload), and the worker with it; polling the
    # main process covers the moment before prctl and systems without it.
    lifeline.signal_on_parent_death(signal.SIGTERM)
    lifeline.watch(main_pid, _stop_group)
    tempfile.tempdir = tempfile.mkdtemp(dir=temp_root)  # the main process removes temp_root, whatever happens
    from ..library.clauses import load_library
    from ..library.definitions import load_definition

    try:  # cached per process (usually inherited warm from the fork server): once per worker, not per order
        load_library()
        interview_for(documents)
        for name in documents:
            load_definition(name)
    except Exception:  # a broken library is reported per order, with its own message, not as a dead pool
        pass


def _failure(index: int, exc: BaseException) -> _Result:
    if isinstance(exc, InputError):
        return _Result(index, error=str(exc))
    if isinstance(exc, ContractgenError):
        return _Result(index, error=f"library or internal error: {exc}", internal=True)
    return _Result(index, error=f"internal error: {type(exc).__name__}: {exc}", internal=True)


def _build_chunk(chunk, documents, formats, layout) -> list[_Result]:
    """Render a chunk of orders into {name in the output folder: bytes}. The output folder is not read
    here: it may be another machine's, or a URL; the main process extends each set's audit manifest."""
    results: list[_Result] = []
    prepared = []  # (index, number, documents, {stem: {format: bytes}}, answers)
    for index, number, packed in chunk:
        try:
            answers = pickle.loads(packed)
            docs = assemble_set(answers, documents, number)
            rendered = render_all(docs, formats, layout)
            prepared.append((index, number, docs, rendered, answers))
        except Exception as exc:  # one order's fault must not stop the chunk
            results.append(_failure(index, exc))
    for index, number, docs, rendered, answers in prepared:
        files, _ = set_files(docs, rendered, layout, Path(number), previous=False, answers=answers)
        clauses = list(dict.fromkeys(f"{c['id']}@{c['version']}" for doc in docs for c in doc.manifest["clauses"]))
        results.append(_Result(index, {str(p): data for p, data in files.items()}, clauses))
    return results


def _in_process(jobs: int, orders: int, documents: list[str]) -> bool:
    """Nothing to gain from worker processes (no parallelism, no recycling): spare their start-up."""
    return jobs == 1 and orders * len(documents) <= RECYCLE_AFTER_DOCUMENTS


def _pool_context(start: bool = False):
    """max_tasks_per_child cannot fork. The fork server, warmed once by batch_preload, forks each new or
    recycled worker with the library and templates loaded; started early, it warms up while this
    process reads and validates the sheet."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["contractgen.batch.preload"])
    if start:
        from multiprocessing import forkserver

        forkserver.ensure_running()
    return context


class _RecyclingPool(ProcessPoolExecutor):
    """gh-115634 (Python 3.11 to 3.14): a worker leaving at max_tasks_per_child is replaced only if the
    idle-worker semaphore is empty, and stale tokens of earlier tasks keep it from being empty, so the
    pool ends with no workers and hangs. Replace whenever below max_workers, as the upstream fix does."""

    def _adjust_process_count(self):
        if self._processes is not None and len(self._processes) < self._max_workers:
            self._spawn_process()


# -- the main process ---------------------------------------------------------------------------------

_NO_FILE_OR_MANIFEST = message("batch.no_file_or_manifest", "no file, or the manifest of an earlier contractgen "
                                                            "batch run")
_ANOTHER_FILE = message("batch.another_file", "another file (use -o for another folder, or --force to replace it)")
_AT_LEAST_ONE = message("batch.at_least_one", "a number of at least 1")
_NO_JOBS_WITH_SCHEDULER = message("batch.no_jobs_with_scheduler",
                                  "no --jobs with --scheduler (the cluster's workers do the work)")
_ORDER_ROW = message("batch.order_row", "at least one order row below the header row")


class _Store:
    """This run's entries, the answers waiting to be built and the last run's manifest entries, on disk
    (sqlite in the run's temp folder) rather than in memory, so a 50,000-order run holds no more than a
    500-order one. Only this process uses it, in one thread: no journal, no fsync."""

    def __init__(self, folder: Path, run: dict):
        self.db = sqlite3.connect(folder / "run.sqlite", isolation_level=None)
        self.db.executescript("""
            PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -8192;
            CREATE TABLE previous (number TEXT PRIMARY KEY, record TEXT);
            CREATE TABLE entries (seq INTEGER PRIMARY KEY, number TEXT, status TEXT, internal INTEGER,
                                  kept INTEGER DEFAULT 1, entry TEXT);
            CREATE INDEX entries_by_number ON entries (number);
            CREATE TABLE answers (seq INTEGER PRIMARY KEY, number TEXT, data BLOB);
        """)
        self.run = run

    def save(self, seq: int, entry: Entry) -> None:
        state = {"contract_number": entry.contract_number, "source": entry.source, "errors": entry.errors,
                 "files": entry.files, "answers_sha256": entry.answers_sha256, "clauses": entry.clauses}
        self.db.execute("INSERT OR REPLACE INTO entries (seq, number, status, internal, entry) VALUES (?, ?, ?, ?, ?)",
                        (seq, entry.contract_number, entry.status, int(entry.internal),
                         json.dumps(state, ensure_ascii=False)))

    def load(self, seq: int) -> Entry:
        return self._entry(*self.db.execute("SELECT status, internal, entry FROM entries WHERE seq = ?",
                                            (seq,)).fetchone())

    def _entry(self, status: str, internal: int, state: str) -> Entry:
        return Entry(**json.loads(state), status=status, internal=bool(internal), run=self.run)

    def earlier(self, number: str) -> dict | None:
        row = self.db.execute("SELECT record FROM previous WHERE number = ?", (number,)).fetchone()
        return json.loads(row[0]) if row else None

    def counts(self, kept_only: bool = False) -> dict[str, int]:
        found = dict(self.db.execute("SELECT status, COUNT(*) FROM entries" + (" WHERE kept" if kept_only else "")
                                     + " GROUP BY status"))
        return {status: found.get(status, 0) for status in (*DONE, "invalid", "failed", "interrupted")} | found

    def records(self) -> Iterator[dict]:
        """The manifest's orders: this run's kept entries in the sheet's order, then the earlier run's
        entries of orders this run did not touch (their files are still there)."""
        for row in self.db.execute("SELECT status, internal, entry FROM entries WHERE kept ORDER BY seq"):
            yield self._entry(*row).record()
        for (record,) in self.db.execute("SELECT record FROM previous WHERE NOT EXISTS (SELECT 1 FROM entries "
                                         "WHERE kept AND number = previous.number) ORDER BY rowid"):
            yield json.loads(record)


def _manifest_orders(handle: TextIO, piece: int = 2 ** 16) -> Iterator[tuple[str, object]]:
    """The top-level members of a manifest.json, each order of "orders" as its own ("order", record),
    read a piece at a time: the last run's manifest of 50,000 orders is never held whole. ValueError
    when it is not a JSON object."""
    decoder = json.JSONDecoder()
    text, at = "", 0

    def more() -> bool:
        nonlocal text, at
        read = handle.read(piece)
        text, at = text[at:] + read, 0
        return bool(read)

    def skip() -> str:
        nonlocal at
        while True:
            while at < len(text) and text[at] in " \t\r\n":
                at += 1
            if at < len(text) or not more():
                return text[at:at + 1]

    def value():
        nonlocal at
        skip()
        while True:
            try:
                found, end = decoder.raw_decode(text, at)
            except json.JSONDecodeError:
                if more():
                    continue
                raise
            if end == len(text) and more():  # a number may go on in the next piece
                continue
            at = end
            return found

    def expect(char: str) -> None:
        nonlocal at
        if skip() != char:
            raise ValueError(f"expected {char!r}")
        at += 1

    expect("{")
    if skip() == "}":
        return
    while True:
        key = value()
        expect(":")
        if key == "orders" and skip() == "[":
            at += 1
            if skip() == "]":
                at += 1
            else:
                while True:
                    yield "order", value()
                    if skip() == "]":
                        at += 1
                        break
                    expect(",")
        else:
            yield key, value()
        if skip() == "}":
            return
        expect(",")


def _previous_manifest(folder: OutputFolder, force: bool, store: _Store) -> None:
    """Last run's entries by contract number, into the store. A manifest.json/.csv that is not ours is
    never replaced."""
    ours = False
    handle = folder.open_text("manifest.json")
    if handle is not None:
        with handle:
            try:
                for key, found in _manifest_orders(handle):
                    if key == "format":
                        ours = found == MANIFEST_FORMAT
                    elif key == "order" and ours and isinstance(found, dict) and \
                            isinstance(found.get("contract_number"), str):
                        store.db.execute("INSERT OR REPLACE INTO previous VALUES (?, ?)",
                                         (found["contract_number"], json.dumps(found, ensure_ascii=False)))
            except (OSError, ValueError):
                ours = False
    if not ours:
        store.db.execute("DELETE FROM previous")
    exists = handle is not None or folder.read("manifest.csv") is not None
    if not ours and not force and exists:
        name = "manifest.json" if handle is not None else "manifest.csv"
        raise InputError(Problem(folder.show(name), "", _NO_FILE_OR_MANIFEST(), _ANOTHER_FILE()))


def _up_to_date(previous: dict | None, entry: Entry, folder: OutputFolder) -> bool:
    if not previous or previous.get("status") not in DONE or not previous.get("files"):
        return False
    if previous.get("answers_sha256") != entry.answers_sha256:
        return False
    if any(previous.get(key) != value for key, value in entry.run.items()):
        return False
    return all(folder.sha256(name) == sha for name, sha in previous["files"].items())


def _settle(store: _Store, status: str) -> None:
    """Orders not built (yet) get `status`; where the last run recorded one of them, its record stays."""
    store.db.execute("UPDATE entries SET status = ? WHERE status = ''", (status,))
    store.db.execute("UPDATE entries SET kept = 0 WHERE status = ? AND number IN (SELECT number FROM previous)",
                     (status,))


def _write_manifest(folder: OutputFolder, source: str, run: dict, store: _Store, stray: list[Problem]) -> None:
    """manifest.json and .csv, each streamed from the store into a file that lands whole. The JSON is
    laid out as json.dumps(…, indent=2) would lay it out."""
    head = json.dumps({"format": MANIFEST_FORMAT, "source": source, **run, "summary": store.counts(kept_only=True),
                       "problems": [str(p) for p in stray], "orders": []}, ensure_ascii=False, indent=2)
    with folder.writer("manifest.json") as handle:
        handle.write(head[:-len("[]\n}")].encode() + b"[")
        first = True
        for record in store.records():
            body = json.dumps(record, ensure_ascii=False, indent=2).replace("\n", "\n    ")
            handle.write(("\n    " if first else ",\n    ").encode() + body.encode())
            first = False
        handle.write(b"]\n}\n" if first else b"\n  ]\n}\n")
    with folder.writer("manifest.csv") as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")  # a BOM: Excel opens it as UTF-8
        writer = csv.DictWriter(text, _CSV_FIELDS, lineterminator="\r\n")
        writer.writeheader()
        for r in store.records():
            row = {**{k: r.get(k, "") for k in _CSV_FIELDS},
                   "errors": "\n".join(r.get("errors", ())),
                   "files": "\n".join(f"{name} {sha}" for name, sha in r.get("files", {}).items()),
                   "clauses": " ".join(r.get("clauses", ())),
                   "documents": " ".join(r.get("documents", ())), "formats": " ".join(r.get("formats", ()))}
            writer.writerow({k: inert_cell(str(v)) for k, v in row.items()})
        text.flush()
        text.detach()


def remove_stale_temp_folders() -> None:
    """Remove the temp folders of batch runs that were killed: only ours, and only when the process
    named in the folder's name is gone, never a live run's."""
    for folder in Path(tempfile.gettempdir()).glob(f"{TEMP_PREFIX}*"):
        owner = re.fullmatch(rf"{TEMP_PREFIX}(\d+)-.*", folder.name)
        try:
            ours = folder.is_dir() and not folder.is_symlink() and folder.stat().st_uid == os.getuid()
        except OSError:
            continue
        if owner and ours and not lifeline.alive(int(owner.group(1))):
            shutil.rmtree(folder, ignore_errors=True)


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def run_batch(path: str | Path, documents: list[str], formats: list[str], layout: str, outdir: str | Path,
              jobs: int | None = None, force: bool = False, out: TextIO = sys.stdout, err: TextIO = sys.stderr,
              scheduler: str | None = None) -> int:
    """Returns the exit code: 0 all built or up to date, 2 some order invalid or refused, 1 a fault of
    the tool or library, 130 interrupted. `outdir`: a folder, or a URL fsspec knows (`s3://…`).
    `scheduler`: a Dask scheduler's address (cluster.py)."""
    folder = output_folder(outdir)
    check_formats(formats, layout)
    folder.check()
    remove_stale_temp_folders()
    if jobs is not None and jobs < 1:
        raise InputError(Problem("--jobs", "", _AT_LEAST_ONE(), as_typed(str(jobs))))
    documents = resolve_documents(documents)
    client = None
    if cluster.scheduler_address(scheduler):
        if jobs is not None:
            raise InputError(Problem("--jobs", "", _NO_JOBS_WITH_SCHEDULER(), as_typed(str(jobs))))
        client = cluster.connect(cluster.scheduler_address(scheduler))
        jobs = cluster.threads(client)
    jobs = jobs or default_jobs()
    if jobs > 1 and client is None:
        _pool_context(start=True)
    # named with this process's id, so a later run can tell a folder left by a killed run from a live run's
    temp = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-"))
    try:
        return _run(Path(path), documents, formats, layout, folder, jobs, force, out, err, client, temp)
    finally:
        if client is not None:
            client.close()
        shutil.rmtree(temp, ignore_errors=True)


def _run(path: Path, documents, formats, layout, folder: OutputFolder, jobs: int, force: bool, out: TextIO,
         err: TextIO, client, temp: Path) -> int:
    from ..library.clauses import load_library
    from ..documents.manifest import answers_sha256, tool_version

    interview = interview_for(documents)
    sheet = read_orders(path, interview, known_answer_paths(), temp)
    if client is None and not _in_process(jobs, sheet.count, documents):
        _pool_context(start=True)
    for note in sheet.notes:
        print(note, file=out)
    if not sheet.count and not sheet.stray:
        raise InputError(Problem(path.name, "", _ORDER_ROW(), NONE()))
    run = {"documents": documents, "formats": list(formats), "layout": layout, "tool_version": tool_version(),
           "library_sha256": load_library().sha256}
    store = _Store(temp, run)
    _previous_manifest(folder, force, store)

    def say(line: str) -> None:
        print(line, file=err, flush=True)

    for problem in sheet.stray:
        say(f"contractgen: {problem}")
    # Every order is validated before any is built (so every bad row is reported up front, as before);
    # each one's answers wait on disk, pickled, not in memory.
    to_build = 0
    store.db.execute("BEGIN")
    for seq, order in enumerate(sheet.orders):
        entry = Entry(order.number, order.where, run=run)
        problems = list(order.problems)
        try:
            answers = answers_from_mapping(order.raw, interview, order.where)
        except ValidationError as exc:
            read_at = {p.source for p in problems}  # a cell that could not be read is not also "missing"
            problems += [p for p in map(order.locate, exc.problems) if p.source not in read_at]
        if problems:
            entry.status, entry.errors = "invalid", [str(p) for p in problems]
            say(f"contractgen: {order.number or 'an order'} ({order.where}) is invalid and was skipped:")
            for line in entry.errors:
                say(f"  {line}")
            store.save(seq, entry)
            continue
        entry.answers_sha256 = answers_sha256(answers.data)
        entry.contract_number = str(answers.data["contract"]["number"])
        earlier = store.earlier(entry.contract_number)
        if not force and _up_to_date(earlier, entry, folder):
            entry.status, entry.files = "skipped-up-to-date", earlier["files"]
            entry.clauses = earlier.get("clauses", [])
            say(f"{entry.contract_number}: up to date, skipped")
            store.save(seq, entry)
            continue
        store.save(seq, entry)
        store.db.execute("INSERT INTO answers VALUES (?, ?, ?)",
                         (seq, entry.contract_number, pickle.dumps(answers.data, protocol=pickle.HIGHEST_PROTOCOL)))
        to_build += 1
    store.db.execute("COMMIT")

    def checkpoint() -> None:
        """The manifest as the run stands, orders not yet built marked pending: a run killed outright
        (power, out of memory) still leaves what it finished recorded, and the next run skips it."""
        store.db.execute("BEGIN")
        try:
            _settle(store, "pending")
            _write_manifest(folder, str(path), run, store, sheet.stray)
        finally:
            store.db.execute("ROLLBACK")

    stop, started = {"requested": False, "stuck": False}, time.monotonic()
    if to_build:
        _build(store, to_build, documents, formats, layout, folder, jobs, force, err, stop, temp, client,
               checkpoint)
    seconds = time.monotonic() - started
    _settle(store, "interrupted")
    _write_manifest(folder, str(path), run, store, sheet.stray)

    counts = store.counts()
    total = sum(counts.values())
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    manifest_path = folder.show("manifest.json")
    if stop["requested"]:
        done = sum(counts[s] for s in DONE)
        say(f"contractgen: interrupted: {done} of {total} orders completed ({summary}); no partial files "
            f"were left; the manifest is {manifest_path}")
        if stop["stuck"]:  # everything is written; do not wait for the pool's stuck thread at exit
            sys.stdout.flush()
            shutil.rmtree(temp, ignore_errors=True)
            os._exit(130)
        return 130
    timing = f" in {seconds:.1f} s ({to_build / seconds:.1f} orders/s)" if to_build and seconds > 0 else ""
    print(f"{path.name}: {total} order(s): {summary}{timing}. Manifest: {manifest_path}", file=out)
    if store.db.execute("SELECT 1 FROM entries WHERE internal LIMIT 1").fetchone():
        return 1
    if counts["invalid"] or counts["failed"] or sheet.stray:
        return 2
    return 0


def _build(store: _Store, count: int, documents, formats, layout, folder: OutputFolder, jobs: int, force: bool,
           err: TextIO, stop: dict, temp: Path, client=None, checkpoint=lambda: None) -> None:
    """Render (in worker processes, or here for a small --jobs 1 run), write here, and call `checkpoint`
    every CHECKPOINT_SECONDS or so as results arrive. Ctrl-C or SIGTERM sets stop["requested"]: the run
    stops after the order being written; renders in flight are dropped."""
    jobs = max(1, min(jobs, count))

    def chunks():
        """One order at a time, its answers read from the store a page at a time as they are handed out:
        the run holds only a page and the orders in flight, and no read is open while a checkpoint rolls
        its transaction back."""
        last = -1
        while page := store.db.execute("SELECT seq, number, data FROM answers WHERE seq > ? ORDER BY seq LIMIT 64",
                                       (last,)).fetchall():
            for seq, number, data in page:
                yield [(seq, number, data)]
            last = page[-1][0]

    progress = Progress(count, err)
    due = [time.monotonic() + CHECKPOINT_SECONDS]

    def request_stop(signum, frame):
        if stop["requested"]:
            raise KeyboardInterrupt  # a second Ctrl-C: stop waiting for anything
        stop["requested"] = True

    def finish(results: list[_Result]) -> None:
        for result in results:
            if stop["requested"]:
                return  # rendered while stopping: thrown away, nothing half-written
            entry = store.load(result.index)
            _finish(entry, result, folder, force, progress)
            store.save(result.index, entry)
        if time.monotonic() >= due[0]:
            started = time.monotonic()
            checkpoint()
            # a 50,000-order manifest takes a while to write: never spend more than ~5 % of the run on it
            due[0] = time.monotonic() + max(CHECKPOINT_SECONDS, 20 * (time.monotonic() - started))

    work = functools.partial(_build_chunk, documents=documents, formats=formats, layout=layout)
    handlers = {s: signal.signal(s, request_stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        if client is not None:
            cluster.build_on_cluster(client, chunks(), work, finish, _failure, stop, progress)
        elif _in_process(jobs, count, documents):
            for chunk in chunks():
                finish(work(chunk))
                if stop["requested"]:
                    break
        else:
            _build_in_pool(chunks(), jobs, documents, work, temp, stop, finish, progress)
    finally:
        progress.close()
        for s, handler in handlers.items():
            signal.signal(s, handler)


def _build_in_pool(chunks, jobs, documents, work, temp: Path, stop: dict, finish, progress) -> None:
    per_child = max(1, RECYCLE_AFTER_DOCUMENTS // len(documents))
    temp_root = tempfile.mkdtemp(dir=temp)  # the workers' temporary files
    pool = _RecyclingPool(jobs, mp_context=_pool_context(), initializer=_init_worker,
                          initargs=(documents, temp_root, os.getpid()), max_tasks_per_child=per_child)
    try:
        # A few chunks in flight per worker keeps both cores busy; a finished future is dropped at once,
        # since it holds its order's rendered files (memory stays flat over a 5,000-order run).
        futures: dict = {}
        while not stop["requested"]:
            for chunk in itertools.islice(chunks, max(0, 3 * jobs - len(futures))):
                futures[pool.submit(work, chunk)] = chunk
            if not futures:
                break
            done, _ = wait(futures, timeout=0.25, return_when=FIRST_COMPLETED)
            for future in done:
                chunk = futures.pop(future)
                try:
                    results = future.result()
                except Exception as exc:  # the worker died (killed, out of memory)
                    results = [_failure(index, exc) for index, _, _ in chunk]
                finish(results)
            progress.redraw()
    finally:
        manager = pool._executor_manager_thread
        if stop["requested"]:
            # Kill each worker's process group: their results are thrown
            # away, and only this process writes to DIR, so nothing there can be left half-written.
            for process in list((pool._processes or {}).values()):
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except OSError:  # not yet in its own group
                    process.kill()
        pool.shutdown(wait=not stop["requested"], cancel_futures=True)
        if stop["requested"] and manager is not None:
            # A worker killed while handing back a result can leave the pool's reader waiting forever.
            manager.join(timeout=10)
            stop["stuck"] = manager.is_alive()


def _finish(entry: Entry, result: _Result, folder: OutputFolder, force: bool, progress: Progress) -> None:
    """Write one order's files (all or none) and record them. Each set's audit manifest is extended with
    the one already there (another format built earlier), which then needs no --force."""
    if not result.error:
        files, updates = {}, set()
        for name, data in result.files.items():
            if name.endswith(".manifest.json"):
                data, extends = extend_manifest(folder.read(name), data)
                if extends:
                    updates.add(name)
            files[name] = data
        try:
            written = folder.write_files(files, force, frozenset(updates))
        except InputError as exc:
            result.error = "\n".join(str(p) for p in exc.problems) or str(exc)
        except OSError as exc:
            result.error, result.internal = f"could not write the files: {exc}", True
        else:
            entry.status = "built" if any(status != "unchanged" for _, status in written) else "unchanged"
            entry.files = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
            entry.clauses = result.clauses
            progress.advance(f"{entry.contract_number}: {entry.status} ({len(entry.files)} files in "
                             f"{folder.show(entry.contract_number)})")
            return
    entry.status, entry.errors, entry.internal = "failed", result.error.split("\n"), result.internal
    progress.note(f"contractgen: {entry.contract_number} ({entry.source}) failed:\n  " + "\n  ".join(entry.errors))
    progress.advance(f"{entry.contract_number}: failed")
