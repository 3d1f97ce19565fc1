"""An installed wheel must work outside the checkout: the data folders ship inside the package."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import ROOT


def test_wheel_runs_the_demo_outside_the_checkout(tmp_path):
    pytest.importorskip("hatchling")
    wheels, site, work = tmp_path / "wheels", tmp_path / "site", tmp_path / "work"
    work.mkdir()
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(wheels),
                    str(ROOT)], check=True, capture_output=True, timeout=300)
    wheel, = wheels.glob("contractgen-*.whl")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = subprocess.run([sys.executable, "-c", "import contractgen.core.resources as r; print(r.data_root())"],
                           cwd=work, env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert where == str(site / "contractgen")
    demo = subprocess.run([sys.executable, "-m", "contractgen", "demo"], cwd=work, env=env, capture_output=True,
                          text=True, timeout=300)
    assert demo.returncode == 0, demo.stderr
    assert (work / "contractgen-demo" / "SC-2026-0142-sales_contract.docx").is_file()
