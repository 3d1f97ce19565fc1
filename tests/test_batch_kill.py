"""A batch killed with kill -9 leaves no process running, and the next run removes its temp folder
(only a dead run's, never a live one's)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT
from test_batch import _processes_marked, _xlsx_of_copies
from conftest import run_cli


def test_kill_9_of_a_batch_leaves_nothing_running_and_the_next_run_cleans_up(tmp_path):
    template = tmp_path / "template.xlsx"
    assert run_cli("batch-template", "order_set", "-o", template).returncode == 0
    _xlsx_of_copies(template, tmp_path / "orders.xlsx", 40)
    _xlsx_of_copies(template, tmp_path / "one.xlsx", 1)
    temp = tmp_path / "tmp"
    temp.mkdir()
    marker = f"CONTRACTGEN_TEST_KILL={tmp_path}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CONTRACTGEN_TEST_KILL": str(tmp_path), "TMPDIR": str(temp)}
    process = subprocess.Popen([sys.executable, "-m", "contractgen", "batch", str(tmp_path / "orders.xlsx"), "-o",
                                str(tmp_path / "out"), "--jobs", "2"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, env=env)
    try:
        for line in process.stderr:
            if line.startswith("[ 1/40]"):  # the workers are busy
                break
        assert len(_processes_marked(marker)) >= 4  # this one, the fork server, 2 workers (and the tracker)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        deadline = time.monotonic() + 15
        while _processes_marked(marker) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = _processes_marked(marker)
        assert not left, [Path(f"/proc/{pid}/cmdline").read_bytes()[:120] for pid in left]
    finally:
        for pid in _processes_marked(marker):
            os.kill(pid, signal.SIGKILL)

    stale = list(temp.glob(f"contractgen-batch-{process.pid}-*"))
    assert stale  # what the killed run left
    live = temp / f"contractgen-batch-{os.getpid()}-live"  # this test's process is alive: not to be touched
    live.mkdir()
    env.pop("CONTRACTGEN_TEST_KILL")
    result = subprocess.run([sys.executable, "-m", "contractgen", "batch", str(tmp_path / "one.xlsx"), "-o",
                             str(tmp_path / "out-2"), "--jobs", "1"], capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert not any(folder.exists() for folder in stale)
    assert live.is_dir()


def test_a_run_killed_outright_has_recorded_what_it_finished_and_the_next_run_skips_it(tmp_path):
    """The manifest is rewritten whole as results arrive (every CHECKPOINT_SECONDS, 0 here: as often as
    its own cost allows): kill -9 after five orders, and it lists those it had recorded as built, with
    their files' sha256, and the rest as pending; the rerun skips the built ones and builds the rest."""
    import hashlib
    import json

    template = tmp_path / "template.xlsx"
    assert run_cli("batch-template", "order_set", "-o", template).returncode == 0
    _xlsx_of_copies(template, tmp_path / "orders.xlsx", 12)
    out = tmp_path / "out"
    run = ("import sys, contractgen.batch.run as r, contractgen.cli as c; r.CHECKPOINT_SECONDS = 0; "
           "c.main(sys.argv[1:])")
    process = subprocess.Popen([sys.executable, "-c", run, "batch", str(tmp_path / "orders.xlsx"), "-o", str(out),
                                "--jobs", "1", "--docs", "po_annex", "--format", "md"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        for line in process.stderr:
            if line.startswith("[ 5/12]"):
                break
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=10)

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    status = {o["contract_number"]: o["status"] for o in manifest["orders"]}
    built = [n for n, s in status.items() if s == "built"]
    assert len(status) == 12 and built and set(status.values()) <= {"built", "pending"}, status
    assert manifest["summary"]["built"] == len(built) and manifest["summary"]["pending"] == 12 - len(built)
    for order in manifest["orders"]:
        for name, sha in order["files"].items():
            assert hashlib.sha256((out / name).read_bytes()).hexdigest() == sha

    again = run_cli("batch", tmp_path / "orders.xlsx", "-o", out, "--jobs", "1", "--docs", "po_annex", "--format",
                    "md")
    assert again.returncode == 0, again.stderr
    status = {o["contract_number"]: o["status"]
              for o in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["orders"]}
    assert {n for n, s in status.items() if s == "skipped-up-to-date"} == set(built)
    # written before the kill but not yet recorded: the same bytes are on disk, so they are "unchanged"
    assert {n for n, s in status.items() if s in ("built", "unchanged")} == set(status) - set(built)
