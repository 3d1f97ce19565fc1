"""`contractgen batch --scheduler tcp://host:8786`: the same per-order work (run._build_chunk, a pure
function of an order's answers) on a Dask cluster instead of local worker processes (docs/scaling.md).

The client, this process, hands out a few pieces of work per worker thread, and writes each order's
files and its manifest entry as its result arrives, exactly as a local run does: the workers only
render and return bytes. Dask reschedules the work of a worker that is lost on another one, and each
piece's result is taken once, so an order is never lost nor recorded twice. Dask (`distributed`) is an
optional extra: `pip install 'contractgen[dask]'`.
"""
from __future__ import annotations

import itertools
import os

from ..core.errors import InputError, LibraryError, Problem
from ..core.messages import as_typed, message
from ..documents.manifest import tool_version
from ..library.clauses import load_library

SCHEDULER_ENV = "CONTRACTGEN_SCHEDULER"  # the scheduler's address, when --scheduler is not given
IN_FLIGHT_PER_THREAD = 3
CONNECT_SECONDS = 30


_DASK_EXTRA = message("batch.dask_extra", "contractgen installed with its Dask extra (pip install 'contractgen[dask]')")
_NO_DASK = message("batch.no_dask", "no dask.distributed")
_SCHEDULER = message("batch.scheduler", "the address of a running Dask scheduler (tcp://host:8786)")

def scheduler_address(given: str | None) -> str | None:
    return given or os.environ.get(SCHEDULER_ENV) or None


def connect(address: str):
    """A Dask client of the scheduler at `address`; an input error (exit 2) when there is none."""
    try:
        from distributed import Client
    except ImportError:
        raise InputError(Problem("--scheduler", "", _DASK_EXTRA(), _NO_DASK())) from None
    try:
        return Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(Problem("--scheduler", "", _SCHEDULER(), as_typed(f"{address!r}: {exc}"))) from None


def threads(client) -> int:
    """How many pieces of work the cluster runs at once (at least 1)."""
    return max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()))


def installed() -> tuple[str, str]:
    """What the manifest records of the tool that built an order: its version and clause library."""
    return tool_version(), load_library().sha256


def checked_work(chunk, work, expected: tuple[str, str]):
    """`work(chunk)`, on a worker that has the client's contractgen and clause library (the manifest
    records the client's); otherwise every order of the chunk fails with a library error (exit 1)."""
    if installed() != expected:
        raise LibraryError(f"this Dask worker has contractgen {installed()[0]} with clause library "
                           f"{installed()[1][:12]}, the client {expected[0]} with {expected[1][:12]}: install the "
                           "same contractgen and clause library on every worker")
    return work(chunk)


def build_on_cluster(client, chunks, work, finish, failure, stop: dict, progress) -> None:
    """Submit `work(chunk)` for each chunk, a few per worker thread at a time, and `finish` each
    result as it arrives; a chunk whose work failed, or whose workers all died, fails its orders with
    `failure(index, exc)`. Stops handing out work once stop["requested"]."""
    from distributed import as_completed

    submitted: dict[str, list] = {}
    expected = installed()

    def submit(room: int) -> list:
        futures = []
        for chunk in itertools.islice(chunks, max(0, room)):
            futures.append(client.submit(checked_work, chunk, work, expected, pure=False))
            submitted[futures[-1].key] = chunk
        return futures

    pending = as_completed(submit(IN_FLIGHT_PER_THREAD * threads(client)), loop=client.loop)
    for future in pending:
        chunk = submitted.pop(future.key)
        try:
            results = future.result()
        except Exception as exc:  # noqa: BLE001 - the work raised, or Dask gave up on it (KilledWorker)
            results = [failure(index, exc) for index, _, _ in chunk]
        future.release()  # its rendered files are not kept on the cluster
        finish(results)
        progress.redraw()
        if stop["requested"]:
            return  # the rest are cancelled when the caller closes the client
        pending.update(submit(IN_FLIGHT_PER_THREAD * threads(client) - pending.count()))
