"""The warm process (contractgen/warm/): `build` and `check` handed to it give the same bytes, output and
exit codes as run cold, several at once; an edited data file is never served from memory; Ctrl-C reaches
the command; and it is only ever reached through a folder this user alone can enter."""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, copied_checkout

from contractgen.warm.client import settings, socket_path

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


class Warm:
    """`python -m contractgen` with the warm process on, its socket folder in this test's tmp_path."""

    def __init__(self, tmp_path: Path, root: Path = ROOT):
        runtime = tmp_path / "runtime"
        runtime.mkdir(mode=0o700)
        self.env = {**os.environ, "PYTHONPATH": str(root), "XDG_RUNTIME_DIR": str(runtime), "CONTRACTGEN_WARM": "on"}
        self.folder = runtime / "contractgen"
        self.home = tmp_path  # the working folder: `-m contractgen` would import a contractgen found there first

    def run(self, *args, cwd=None, env=None, python=()):
        return subprocess.run([sys.executable, *python, "-m", "contractgen", *map(str, args)], capture_output=True,
                              text=True, cwd=cwd or self.home, env={**self.env, **(env or {})}, stdin=subprocess.DEVNULL,
                              timeout=300)

    def started(self, timeout: float = 240) -> Path:
        """Start it (a first command runs cold and starts it) and wait until it listens."""
        deadline = time.monotonic() + timeout
        while not list(self.folder.glob("*.sock")):
            if not list(self.folder.glob("*.lock")):
                assert self.run("check", EXAMPLES[0]).returncode == 0
            assert time.monotonic() < deadline, "the warm process never listened"
            time.sleep(0.5)
        (sock,) = self.folder.glob("*.sock")
        return sock

    def pid(self) -> int:
        return int(next(self.folder.glob("*.lock")).read_text())

    def stop(self) -> None:
        for lock in self.folder.glob("*.lock"):
            try:
                os.kill(int(lock.read_text() or 0), signal.SIGKILL)
            except (ValueError, ProcessLookupError):
                pass


@pytest.fixture
def warm(tmp_path):
    process = Warm(tmp_path)
    yield process
    process.stop()


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _handed_over(warm: Warm, *args) -> bool:
    """Whether the command ran in the warm process: this process then never imports the pipeline."""
    result = warm.run(*args, python=("-X", "importtime"))
    return "contractgen.cli" not in result.stderr


def test_warm_builds_are_the_cold_builds_byte_for_byte_several_at_once(warm, tmp_path):
    warm.started()
    assert _handed_over(warm, "build", EXAMPLES[0], "-o", tmp_path / "probe")
    assert not _handed_over(warm, "--version")  # every other command runs in the caller

    jobs = [(example, n) for example in EXAMPLES for n in range(2)]
    running = [subprocess.Popen([sys.executable, "-m", "contractgen", "build", str(example), "--docs", "all",
                                 "--format", "docx,md", "-o", str(tmp_path / f"warm-{example.stem}-{n}")],
                                env=warm.env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for example, n in jobs]
    outputs = [process.communicate(timeout=300) + (process.returncode,) for process in running]
    for (example, n), (out, err, code) in zip(jobs, outputs):
        cold = warm.run("build", example, "--docs", "all", "--format", "docx,md", "-o", tmp_path / f"cold-{example.stem}-{n}",
                        env={"CONTRACTGEN_WARM": "off"})
        assert (code, cold.returncode) == (0, 0), err + cold.stderr
        assert _digests(tmp_path / f"warm-{example.stem}-{n}") == _digests(tmp_path / f"cold-{example.stem}-{n}")
        assert out.replace("warm-", "cold-") == cold.stdout and err == cold.stderr


def test_errors_usage_and_exit_codes_are_the_same_warm(warm, tmp_path):
    warm.started()
    bad = tmp_path / "bad.yaml"
    bad.write_text("contract: [\n", encoding="utf-8")
    for args in (("build", bad, "-o", tmp_path / "x"), ("build",), ("build", "--help"), ("check", EXAMPLES[0]),
                 ("check", EXAMPLES[0], "--fail-on", "low", "--format", "json"), ("build", tmp_path / "absent.yaml")):
        hot, cold = warm.run(*args), warm.run(*args, env={"CONTRACTGEN_WARM": "off"})
        assert (hot.returncode, hot.stdout, hot.stderr) == (cold.returncode, cold.stdout, cold.stderr), args
    assert warm.run("build", bad, "-o", tmp_path / "x").returncode == 2
    shutil.copy(EXAMPLES[0], tmp_path / "order.yaml")
    relative = warm.run("build", "order.yaml", "-o", "here", "--format", "md", cwd=tmp_path)
    assert relative.returncode == 0 and list((tmp_path / "here").glob("*.md"))  # the caller's folder


def test_an_edited_clause_is_never_served_from_memory(tmp_path):
    """A copy of the package and its data: after the warm process has loaded it, one clause's English is
    edited; the next build has the new word (the warm process declined, and has exited)."""
    root = copied_checkout(tmp_path / "copy")
    warm = Warm(tmp_path, root)
    try:
        warm.started()
        pid = warm.pid()
        before = warm.run("build", EXAMPLES[0], "--format", "md", "-o", tmp_path / "before")
        assert before.returncode == 0, before.stderr
        (text,) = (tmp_path / "before").glob("*.md")
        clause = root / "clause_library" / "force_majeure" / "general.yaml"
        clause.write_text(clause.read_text("utf-8").replace("earthquakes, typhoons", "earthquakes, volcanoes, typhoons"),
                          "utf-8")
        after = warm.run("build", EXAMPLES[0], "--format", "md", "-o", tmp_path / "after")
        assert after.returncode == 0, after.stderr
        (edited,) = (tmp_path / "after").glob("*.md")
        assert "volcanoes" in edited.read_text("utf-8") and "volcanoes" not in text.read_text("utf-8")
        deadline = time.monotonic() + 10
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not Path(f"/proc/{pid}").exists() or b"zombie" in Path(f"/proc/{pid}/status").read_bytes().lower()
    finally:
        warm.stop()


def test_ctrl_c_reaches_the_command_and_leaves_no_partial_file(warm, tmp_path):
    warm.started()
    out = tmp_path / "stopped"
    process = subprocess.Popen([sys.executable, "-m", "contractgen", "build", str(EXAMPLES[0]), "--docs", "all",
                                "--format", "docx,pdf", "-o", str(out)], env=warm.env, cwd=tmp_path, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    for line in process.stderr:
        if line.replace(" ", "").startswith("[1/"):  # "[ 1/18] …": the first document is rendered
            break
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=120) == 130
    assert not out.exists() or not any(out.iterdir())  # the set lands whole or not at all


def test_only_a_folder_of_this_user_alone_is_used(tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    (shared / "contractgen").mkdir(mode=0o777)
    os.chmod(shared / "contractgen", 0o777)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(shared))
    assert socket_path(settings()) is None
    os.chmod(shared / "contractgen", 0o700)
    assert socket_path(settings()).startswith(str(shared / "contractgen"))
    monkeypatch.setenv("CONTRACTGEN_CACHE_DIR", str(tmp_path / "other"))
    assert socket_path(settings()) != socket_path(settings().replace(str(tmp_path / "other"), "x"))
