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
