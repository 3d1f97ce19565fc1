"""`contractgen batch`: one document set per order of a spreadsheet, built in parallel, recorded in a
manifest.

1. Read the sheet (sheets.py) and validate every order with the same rules as `contractgen build`;
   a bad order's problems are re-addressed to its rows and columns, and the order is skipped.
2. Skip orders whose outputs are up to date (same answers, library, tool version, documents, formats
   and layout, and the files on disk still have the recorded sha256), unless --force.
3. Render the rest in worker processes (--jobs), forked warm from a fork server and recycled every
   ~200 documents because docxtpl processes grow (rendering-notes.md). Work is handed out one order at
   a time, so no worker idles while another holds a queue of orders (a PDF is typeset in the worker,
   with no engine start-up to spread over a chunk). A --jobs 1 run of at most ~200 documents renders in this process instead:
   a worker would only add its start-up.
   With --scheduler (or CONTRACTGEN_SCHEDULER), the same work runs on a Dask cluster instead
   (cluster.py).
4. The main process writes each order's files (all or none, never replacing a different file without
   --force), so stopping workers can never leave a partial file, and records DIR/manifest.json/.csv.
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
import sys
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from ..answers.load import answers_from_mapping, known_answer_paths
from ..answers.coerce import NONE
from . import cluster, lifeline
from ..build import assemble_set, check_output_options, interview_for, resolve_documents, set_files
from ..render.formats import render_all
from ..core.errors import ContractgenError, InputError, Problem, ValidationError
from ..core.messages import as_typed, message
from ..core.output import atomic_write, inert_cell, write_files
from ..core.progress import Progress
from .sheets import read_orders

MANIFEST_FORMAT = "contractgen-batch/1"
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
    updates: frozenset[str] = frozenset()  # manifests that only add this run's formats to an earlier run's
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


def _build_chunk(chunk, documents, formats, layout, outdir) -> list[_Result]:
    return _render_chunk(chunk, documents, formats, layout, Path(outdir))


def _render_chunk(chunk, documents, formats, layout, outdir: Path) -> list[_Result]:
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
        files, updates = set_files(docs, rendered, layout, outdir / number, answers=answers)
        clauses = list(dict.fromkeys(f"{c['id']}@{c['version']}" for doc in docs for c in doc.manifest["clauses"]))
        results.append(_Result(index, {str(p.relative_to(outdir)): data for p, data in files.items()}, clauses,
                               frozenset(str(p.relative_to(outdir)) for p in updates)))
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

def _sha256_file(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


_NO_FILE_OR_MANIFEST = message("batch.no_file_or_manifest", "no file, or the manifest of an earlier contractgen "
                                                            "batch run")
_ANOTHER_FILE = message("batch.another_file", "another file (use -o for another folder, or --force to replace it)")
_AT_LEAST_ONE = message("batch.at_least_one", "a number of at least 1")
_NO_JOBS_WITH_SCHEDULER = message("batch.no_jobs_with_scheduler",
                                  "no --jobs with --scheduler (the cluster's workers do the work)")
_ORDER_ROW = message("batch.order_row", "at least one order row below the header row")


def _previous_manifest(outdir: Path, force: bool) -> dict[str, dict]:
    """Last run's entries by contract number. A manifest.json/.csv that is not ours is never replaced."""
    path = outdir / "manifest.json"
    data = None
    if path.is_file():
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            data = None
    ours = isinstance(data, dict) and data.get("format") == MANIFEST_FORMAT
    if not ours and not force and (path.exists() or (outdir / "manifest.csv").exists()):
        raise InputError(Problem(str(path if path.exists() else outdir / "manifest.csv"), "", _NO_FILE_OR_MANIFEST(),
                                 _ANOTHER_FILE()))
    if not ours:
        return {}
    return {e["contract_number"]: e for e in data.get("orders", ())
            if isinstance(e, dict) and isinstance(e.get("contract_number"), str)}


def _up_to_date(previous: dict | None, entry: Entry, outdir: Path) -> bool:
    if not previous or previous.get("status") not in DONE or not previous.get("files"):
        return False
    if previous.get("answers_sha256") != entry.answers_sha256:
        return False
    if any(previous.get(key) != value for key, value in entry.run.items()):
        return False
    return all(_sha256_file(outdir / name) == sha for name, sha in previous["files"].items())


def _write_manifest(outdir: Path, source: str, run: dict, entries: list[Entry], previous: dict[str, dict],
                    stray: list[Problem]) -> None:
    records = [e.record() for e in entries]
    seen = {e.contract_number for e in entries}
    # orders of earlier runs that this run did not touch keep their entries: their files are still there
    records += [p for number, p in previous.items() if number not in seen]
    counts = {status: sum(e.status == status for e in entries)
              for status in (*DONE, "invalid", "failed", "interrupted")}
    manifest = {"format": MANIFEST_FORMAT, "source": source, **run, "summary": counts,
                "problems": [str(p) for p in stray], "orders": records}
    atomic_write(outdir / "manifest.json", (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode())
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, _CSV_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for r in records:
        row = {**{k: r.get(k, "") for k in _CSV_FIELDS},
               "errors": "\n".join(r.get("errors", ())),
               "files": "\n".join(f"{name} {sha}" for name, sha in r.get("files", {}).items()),
               "clauses": " ".join(r.get("clauses", ())),
               "documents": " ".join(r.get("documents", ())), "formats": " ".join(r.get("formats", ()))}
        writer.writerow({k: inert_cell(str(v)) for k, v in row.items()})
    # with a BOM, so Excel opens the Chinese text as UTF-8
    atomic_write(outdir / "manifest.csv", buffer.getvalue().encode("utf-8-sig"))


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


def run_batch(path: str | Path, documents: list[str], formats: list[str], layout: str, outdir: Path,
              jobs: int | None = None, force: bool = False, out: TextIO = sys.stdout, err: TextIO = sys.stderr,
              scheduler: str | None = None) -> int:
    """Returns the exit code: 0 all built or up to date, 2 some order invalid or refused, 1 a fault of
    the tool or library, 130 interrupted. `scheduler`: a Dask scheduler's address (cluster.py)."""
    from ..library.clauses import load_library
    from ..documents.manifest import answers_sha256, tool_version

    check_output_options(formats, layout, outdir)
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
    interview = interview_for(documents)
    path = Path(path)
    sheet = read_orders(path, interview, known_answer_paths())
    if client is None and not _in_process(jobs, len(sheet.orders), documents):
        _pool_context(start=True)
    for note in sheet.notes:
        print(note, file=out)
    if not sheet.orders and not sheet.stray:
        raise InputError(Problem(path.name, "", _ORDER_ROW(), NONE()))
    previous = _previous_manifest(outdir, force)
    run = {"documents": documents, "formats": list(formats), "layout": layout, "tool_version": tool_version(),
           "library_sha256": load_library().sha256}

    def say(line: str) -> None:
        print(line, file=err, flush=True)

    for problem in sheet.stray:
        say(f"contractgen: {problem}")
    entries: list[Entry] = []
    to_build: list[tuple[Entry, bytes | None]] = []  # (entry, pickled answers)
    for i, order in enumerate(sheet.orders):
        sheet.orders[i] = None  # its cells and raw answers go once it is validated
        entry = Entry(order.number, order.where, run=run)
        entries.append(entry)
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
            continue
        entry.answers_sha256 = answers_sha256(answers.data)
        entry.contract_number = str(answers.data["contract"]["number"])
        earlier = previous.get(entry.contract_number)
        if not force and _up_to_date(earlier, entry, outdir):
            entry.status, entry.files = "skipped-up-to-date", earlier["files"]
            entry.clauses = earlier.get("clauses", [])
            say(f"{entry.contract_number}: up to date, skipped")
            continue
        # pickled: a quarter of the dict's memory, and the form the pool sends to a worker anyway
        to_build.append((entry, pickle.dumps(answers.data, protocol=pickle.HIGHEST_PROTOCOL)))

    stop, started = {"requested": False, "stuck": False}, time.monotonic()
    try:
        if to_build:
            _build(to_build, documents, formats, layout, outdir, jobs, force, err, stop, client)
    finally:
        if client is not None:
            client.close()
    seconds = time.monotonic() - started
    for entry, _ in to_build:
        if not entry.status:
            entry.status = "interrupted"
    kept = [e for e in entries if not (e.status == "interrupted" and e.contract_number in previous)]
    _write_manifest(outdir, str(path), run, kept, previous, sheet.stray)

    counts = {s: sum(e.status == s for e in entries) for s in (*DONE, "invalid", "failed", "interrupted")}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    manifest_path = outdir / "manifest.json"
    if stop["requested"]:
        done = sum(counts[s] for s in DONE)
        say(f"contractgen: interrupted: {done} of {len(entries)} orders completed ({summary}); no partial files "
            f"were left; the manifest is {manifest_path}")
        if stop["stuck"]:  # everything is written; do not wait for the pool's stuck thread at exit
            sys.stdout.flush()
            os._exit(130)
        return 130
    timing = f" in {seconds:.1f} s ({len(to_build) / seconds:.1f} orders/s)" if to_build and seconds > 0 else ""
    print(f"{path.name}: {len(entries)} order(s): {summary}{timing}. Manifest: {manifest_path}", file=out)
    if any(e.internal for e in entries):
        return 1
    if counts["invalid"] or counts["failed"] or sheet.stray:
        return 2
    return 0


def _build(to_build: list[tuple[Entry, bytes | None]], documents, formats, layout, outdir: Path, jobs: int, force: bool,
           err: TextIO, stop: dict, client=None) -> None:
    """Render (in worker processes, or here for a small --jobs 1 run), write here. Ctrl-C or SIGTERM sets
    stop["requested"]: the run stops after the order being written; renders in flight are dropped."""
    jobs = max(1, min(jobs, len(to_build)))

    def chunks():
        """Chunks as they are handed out, each order's answers released from to_build as it goes, so a
        5,000-order run holds only the orders in flight."""
        for i, (entry, data) in enumerate(to_build):
            to_build[i] = (entry, None)
            yield [(i, entry.contract_number, data)]

    progress = Progress(len(to_build), err)

    def request_stop(signum, frame):
        if stop["requested"]:
            raise KeyboardInterrupt  # a second Ctrl-C: stop waiting for anything
        stop["requested"] = True

    def finish(results: list[_Result]) -> None:
        for result in results:
            if stop["requested"]:
                return  # rendered while stopping: thrown away, nothing half-written
            _finish(to_build[result.index][0], result, outdir, force, progress)

    handlers = {s: signal.signal(s, request_stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        if client is not None:
            work = functools.partial(_build_chunk, documents=documents, formats=formats, layout=layout,
                                     outdir=str(outdir))
            cluster.build_on_cluster(client, chunks(), work, finish, _failure, stop, progress)
        elif _in_process(jobs, len(to_build), documents):
            for chunk in chunks():
                finish(_render_chunk(chunk, documents, formats, layout, outdir))
                if stop["requested"]:
                    break
        else:
            _build_in_pool(chunks(), jobs, documents, formats, layout, outdir, stop, finish, progress)
    finally:
        progress.close()
        for s, handler in handlers.items():
            signal.signal(s, handler)


def _build_in_pool(chunks, jobs, documents, formats, layout, outdir: Path, stop: dict, finish,
                   progress) -> None:
    per_child = max(1, RECYCLE_AFTER_DOCUMENTS // len(documents))
    # the workers' temporary files; named with this process's id, so a later run can tell
    # a folder left by a killed run from a live run's
    temp_root = tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-")
    pool = _RecyclingPool(jobs, mp_context=_pool_context(), initializer=_init_worker,
                          initargs=(documents, temp_root, os.getpid()), max_tasks_per_child=per_child)
    try:
        # A few chunks in flight per worker keeps both cores busy; a finished future is dropped at once,
        # since it holds its order's rendered files (memory stays flat over a 5,000-order run).
        futures: dict = {}
        while not stop["requested"]:
            for chunk in itertools.islice(chunks, max(0, 3 * jobs - len(futures))):
                futures[pool.submit(_build_chunk, chunk, documents, formats, layout, str(outdir))] = chunk
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
        shutil.rmtree(temp_root, ignore_errors=True)


def _finish(entry: Entry, result: _Result, outdir: Path, force: bool, progress: Progress) -> None:
    """Write one order's files (all or none) and record them."""
    if not result.error:
        try:
            written = write_files({outdir / name: data for name, data in result.files.items()}, force,
                                  frozenset(outdir / name for name in result.updates))
        except InputError as exc:
            result.error = "\n".join(str(p) for p in exc.problems) or str(exc)
        except OSError as exc:
            result.error, result.internal = f"could not write the files: {exc}", True
        else:
            entry.status = "built" if any(status != "unchanged" for _, status in written) else "unchanged"
            entry.files = {name: hashlib.sha256(data).hexdigest() for name, data in result.files.items()}
            entry.clauses = result.clauses
            progress.advance(f"{entry.contract_number}: {entry.status} ({len(entry.files)} files in "
                             f"{outdir / entry.contract_number})")
            return
    entry.status, entry.errors, entry.internal = "failed", result.error.split("\n"), result.internal
    progress.note(f"contractgen: {entry.contract_number} ({entry.source}) failed:\n  " + "\n  ".join(entry.errors))
    progress.advance(f"{entry.contract_number}: failed")
