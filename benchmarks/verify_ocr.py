"""How long `contractgen verify` takes on a scan: the example order's documents printed to PDF, rasterised
at 200 dpi and put back together as image-only PDFs (as a scanner returns them), each verified against
its manifest. Prints pages, wall time, the CPU time of verify and its OCR processes, and the verdict.

    .venv/bin/python benchmarks/verify_ocr.py [--docs nnn sales_contract]

The CPU time tells what two free cores would take (about half of it) when the machine is shared; the
load average before each verify says how shared it was.
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
ORDER = ROOT / "examples" / "houseware-tooling.yaml"
CLI = [sys.executable, "-m", "contractgen"]


def scan(pdf: Path, target: Path) -> int:
    prefix = target.with_suffix("")
    subprocess.run(["pdftoppm", "-r", "200", "-png", str(pdf), str(prefix)], check=True)
    pages = [Image.open(p).convert("RGB") for p in sorted(prefix.parent.glob(f"{prefix.name}-*.png"))]
    pages[0].save(target, save_all=True, append_images=pages[1:], resolution=200)
    return len(pages)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", nargs="+", default=["nnn", "sales_contract"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        subprocess.run([*CLI, "build", str(ORDER), "--docs", *args.docs, "--format", "pdf", "-o", str(out)],
                       check=True, capture_output=True, cwd=ROOT)
        print(f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, {os.cpu_count()} cores, Python {platform.python_version()}")
        print("| document | pages | wall s | CPU s (verify + OCR) | CPU s per page | load before | exit |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for doc in args.docs:
            stem = f"SC-2026-0142-{doc}"
            pages = scan(out / f"{stem}.pdf", out / f"{stem}-scan.pdf")
            load, cpu, start = os.getloadavg()[0], children_cpu(), time.perf_counter()
            result = subprocess.run([*CLI, "verify", str(out / f"{stem}-scan.pdf"), "--against",
                                     str(out / f"{stem}.manifest.json")], capture_output=True, text=True, cwd=ROOT)
            wall, used = time.perf_counter() - start, children_cpu() - cpu
            print(f"| {doc} | {pages} | {wall:.1f} | {used:.1f} | {used / pages:.1f} | {load:.1f} | {result.returncode} |")
            if result.returncode:
                print(result.stdout[-3000:], result.stderr[-1000:], file=sys.stderr)


if __name__ == "__main__":
    main()
