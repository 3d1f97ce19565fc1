"""`contractgen batch --scheduler`: the same orders built on a Dask cluster (a LocalCluster of 2 worker
processes here) give byte-identical files and manifests to a local batch; a rerun skips what is up to
date; a worker killed mid-run loses no order and records none twice."""
from __future__ import annotations

import copy
import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from contractgen.core.yamlio import load_yaml_file

from conftest import EXAMPLE, ROOT, run_cli

distributed = pytest.importorskip("distributed")

FORUMS = ["cietac", "hkiac", "siac"]


def flat(value, prefix=""):
    if isinstance(value, dict):
        return {k: v for key, child in value.items() for k, v in flat(child, f"{prefix}{key}.").items()}
    return {prefix[:-1]: value}


def write_orders(path: Path, count: int) -> None:
    """One row per product line, order columns repeated; orders differ in number, forum and quantity."""
    rows = []
    for i in range(count):
        order = copy.deepcopy(load_yaml_file(EXAMPLE))
        order["contract"]["number"] = f"SC-DASK-{i:03d}"
        order["dispute"]["forum"] = FORUMS[i % len(FORUMS)]
        head = flat({k: v for k, v in order.items() if k != "products"})
        for line in order["products"]:
            rows.append({**head, **{f"products.{k}": v for k, v in {**line, "quantity": 500 + i}.items()}})
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(dict.fromkeys(k for row in rows for k in row)))
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def local_cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  env={"PYTHONPATH": str(ROOT)}) as cluster:
        yield cluster


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


ARGS = ("--docs", "sales_contract", "nnn", "--format", "docx,md")


def test_a_cluster_builds_the_same_bytes_as_one_machine(local_cluster, tmp_path):
    sheet = tmp_path / "orders.csv"
    write_orders(sheet, 6)
    local = run_cli("batch", sheet, "-o", tmp_path / "local", "--jobs", "1", *ARGS)
    assert local.returncode == 0, local.stderr
    dask = run_cli("batch", sheet, "-o", tmp_path / "dask", "--scheduler", local_cluster.scheduler_address, *ARGS)
    assert dask.returncode == 0, dask.stderr
    built = tree(tmp_path / "dask")
    assert len([name for name in built if name.endswith(".docx")]) == 12
    assert built == tree(tmp_path / "local")  # every DOCX, Markdown file and manifest, byte for byte

    again = subprocess.run(  # the scheduler from the environment
        [sys.executable, "-m", "contractgen", "batch", str(sheet), "-o", str(tmp_path / "dask"), *ARGS],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT),
                                             "CONTRACTGEN_SCHEDULER": local_cluster.scheduler_address})
    assert again.returncode == 0, again.stderr
    manifest = json.loads((tmp_path / "dask" / "manifest.json").read_text("utf-8"))
    assert manifest["summary"]["skipped-up-to-date"] == 6  # resume works as on one machine


def test_a_lost_worker_loses_no_order_and_records_none_twice(local_cluster, tmp_path):
    sheet = tmp_path / "orders.csv"
    write_orders(sheet, 16)
    out = tmp_path / "out"
    run = subprocess.Popen([sys.executable, "-m", "contractgen", "batch", str(sheet), "-o", str(out), "--scheduler",
                            local_cluster.scheduler_address, *ARGS], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 120
    while not any(out.glob("SC-DASK-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    with distributed.Client(local_cluster.scheduler_address) as client:
        victim = next(iter(client.run(os.getpid).values()))
    os.kill(victim, signal.SIGKILL)  # a worker dies with work in hand; its nanny starts another
    stdout, stderr = run.communicate(timeout=300)
    assert run.returncode == 0, stderr
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    numbers = [entry["contract_number"] for entry in manifest["orders"]]
    assert sorted(numbers) == [f"SC-DASK-{i:03d}" for i in range(16)]  # each once
    assert manifest["summary"]["built"] == 16
    assert all(len(list((out / number).glob("*.docx"))) == 2 for number in numbers)
