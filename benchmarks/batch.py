"""How fast contractgen builds documents, against bare docxtpl on the same machine in the same run.

    python benchmarks/batch.py                 # 500 generated orders, DOCX; PDF on a sample
    python benchmarks/batch.py --orders 100 --pdf-orders 20
    python benchmarks/batch.py --memory-orders 500 5000 50000   # also: batches of these sizes, peak RSS
    python benchmarks/batch.py --memory-only --memory-orders     # only those (500, 5,000 and 50,000)

It prints:
- per document, in one process: our whole DOCX path (validate the answers, select and render the clauses,
  assemble, render the DOCX) against bare docxtpl rendering the same house template from the same
  pre-rendered context (docxtpl with its template XML compiled once, everything else its own), and their
  ratio;
- `contractgen batch` on a generated CSV with --jobs 1 and --jobs 2 (documents per second, and the
  speed-up from the second core);
- one `contractgen build` of one DOCX against `python -c "import docx"`: through the warm process, and in
  its own process with the disk cache filled and off;
- the same batch on a Dask LocalCluster of 2 worker processes (with the dask extra installed);
- PDF documents per second through `contractgen batch --format pdf --jobs 2`, and each PDF engine's on 1
  and 2 processes (benchmarks/pdf_engines.py `measure`: cold LibreOffice, warm LibreOffice, Typst);
- the peak resident memory of each batch, summed over all its processes (--memory-orders: per size; one
  cheap document per order, --memory-docs po_annex --memory-format md by default, since 50,000 orders of
  four DOCX documents take hours on two cores; what a run holds per order does not depend on how many
  documents it renders, nor in which format).
Targets (issue 18, 2 cores): DOCX at most 0.6× bare docxtpl; one build at most 2× `import docx`; --jobs 2
at least 1.7× --jobs 1; peak memory flat (±20 %) from 500 to 50,000 orders.
"""
from __future__ import annotations

import argparse
import copy
import csv
import functools
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docxtpl import DocxTemplate  # noqa: E402
from jinja2 import Environment  # noqa: E402

from contractgen.answers.load import answers_from_mapping  # noqa: E402
from contractgen.documents.assembly import assemble  # noqa: E402
from contractgen.documents.context import order_context
from contractgen.build import interview_for, resolve_documents  # noqa: E402
from contractgen.library.clauses import load_library  # noqa: E402
from contractgen.library.definitions import load_definition  # noqa: E402
from contractgen.render.docx import TEMPLATE, _context, render_docx  # noqa: E402
from contractgen.core.yamlio import load_yaml_file  # noqa: E402

from pdf_engines import measure as pdf_engine_rates  # noqa: E402

FORUMS = ["cietac", "scia", "shiac", "hkiac", "siac", "icc", "prc_court"]
REMEDIES = ["reproduce", "replace", "refund"]


def generated_orders(count: int) -> Iterator[dict]:
    """Realistic variety: every forum, remedy and deposit kind; one to four product lines. One at a time,
    so a 50,000-order sheet is written without holding 50,000 orders."""
    base = load_yaml_file(ROOT / "examples" / "houseware-tooling.yaml")
    for i in range(count):
        order = copy.deepcopy(base)
        order["contract"]["number"] = f"BM-{i:05d}"
        order["dispute"]["forum"] = FORUMS[i % len(FORUMS)]
        order["quality"]["defect_remedy"] = REMEDIES[i % len(REMEDIES)]
        if i % 4 == 1:
            order["payment"].update(deposit_kind="earnest", deposit_percent=20)
        if i % 5 == 2:
            order.pop("tooling", None)
        line = order["products"][0]
        order["products"] = [dict(line, sku=f"{line['sku']}-{n}", quantity=500 * (n + 1) + i,
                                  unit_price=str(Decimal("3.20") + Decimal(n) / 10)) for n in range(1 + i % 4)]
        yield order


def flatten(value, prefix: str = "") -> dict[str, object]:
    if isinstance(value, dict):
        out = {}
        for key, child in value.items():
            out.update(flatten(child, f"{prefix}{key}."))
        return out
    return {prefix[:-1]: value}


def write_csv(orders: Iterable[dict], path: Path) -> None:
    """One row per product line with the order columns repeated, as `contractgen batch` reads a CSV. The
    columns are the first order's (generated_orders' first order has every section)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = None
        for order in orders:
            head = flatten({k: v for k, v in order.items() if k != "products"})
            rows = [{**head, **{f"products.{k}": v for k, v in line.items()}} for line in order["products"]]
            if writer is None:
                writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
                writer.writeheader()
            writer.writerows(rows)


class _BareEnvironment(Environment):
    """docxtpl as a careful user would run it: the template XML compiled once (docxtpl itself compiles it
    on every render), everything else docxtpl's own."""

    @functools.lru_cache(maxsize=32)
    def from_string(self, source):  # noqa: D102
        return super().from_string(source)


def per_document(orders: list[dict], documents: list[str]) -> tuple[float, float, int]:
    """Seconds per document for our DOCX path and for bare docxtpl on the same contexts."""
    interview = interview_for(documents)
    library = load_library()
    definitions = [load_definition(d) for d in documents]
    template_bytes = TEMPLATE.read_bytes()
    count = 0
    contexts = []
    start = time.perf_counter()
    for order in orders:  # as assemble_set does: the order's context once, each document from it
        answers = answers_from_mapping(order, interview, "benchmark")
        context = order_context(answers.data, interview)
        for definition in definitions:
            render_docx(assemble(definition, context, library), "parallel")
            count += 1
    ours_total = time.perf_counter() - start
    for order in orders:  # contexts outside the timed loop: that is what "pre-rendered" means
        answers = answers_from_mapping(order, interview, "benchmark")
        context = order_context(answers.data, interview)
        contexts += [_context(assemble(d, context, library), "parallel") for d in definitions]
    environment = _BareEnvironment(autoescape=True)
    start = time.perf_counter()
    for context in contexts:
        template = DocxTemplate(io.BytesIO(template_bytes))
        template.render(context, jinja_env=environment, autoescape=True)
        template.save(io.BytesIO())
    bare_total = time.perf_counter() - start
    return ours_total / count, bare_total / len(contexts), count


# What one DOCX build cannot do without: the floor under its latency, whatever contractgen's own code does.
LIBRARIES = "import docx, docxtpl, jinja2, yaml, cerberus, babel.numbers, babel.support, lunardate"


def one_build_latency(runs: int = 5) -> dict[str, float]:
    """Median seconds of `python -c "import docx"`, of importing the libraries a build uses, and of
    `contractgen build` of one DOCX: through the warm process (contractgen/warm/, as a user's second
    build runs), and run in the command itself with the disk cache filled and with it off
    (CONTRACTGEN_CACHE_DIR=off), interleaved so load on the machine hits all."""
    times: dict[str, list[float]] = {"docx": [], "libraries": [], "warm process": [], "cache": [], "cold": []}
    with tempfile.TemporaryDirectory(prefix="contractgen-latency-") as tmp:
        runtime = Path(tmp) / "runtime"
        runtime.mkdir(mode=0o700)
        cache = {**os.environ, "CONTRACTGEN_CACHE_DIR": str(Path(tmp) / "cache"), "CONTRACTGEN_WARM": "off"}
        warm = {**cache, "CONTRACTGEN_WARM": "on", "XDG_RUNTIME_DIR": str(runtime)}
        build = [sys.executable, "-m", "contractgen", "build", str(ROOT / "examples" / "houseware-tooling.yaml"),
                 "--format", "docx", "-o", str(Path(tmp) / "out"), "--force"]
        subprocess.run(build, cwd=ROOT, env=cache, capture_output=True, check=True)  # fills the cache
        subprocess.run(build, cwd=ROOT, env=warm, capture_output=True, check=True)  # starts the warm process
        deadline = time.monotonic() + 300
        while not list(runtime.glob("contractgen/*.sock")) and time.monotonic() < deadline:
            time.sleep(0.5)
        commands = {"docx": ([sys.executable, "-c", "import docx"], os.environ),
                    "libraries": ([sys.executable, "-c", LIBRARIES], os.environ), "warm process": (build, warm),
                    "cache": (build, cache), "cold": (build, {**cache, "CONTRACTGEN_CACHE_DIR": "off"})}
        try:
            for _ in range(runs):
                for name, (command, env) in commands.items():
                    start = time.perf_counter()
                    subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=True)
                    times[name].append(time.perf_counter() - start)
        finally:
            for lock in runtime.glob("contractgen/*.lock"):
                subprocess.run(["kill", lock.read_text().strip()], capture_output=True)
    return {name: sorted(t)[len(t) // 2] for name, t in times.items()}


def tree_rss_mb(root: int) -> float:
    """The resident memory of process `root` and all its descendants (workers, fork server, LibreOffice)."""
    parents: dict[int, int] = {}
    sizes: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        parents[pid], sizes[pid] = int(fields[1]), int(fields[21])  # ppid, rss in pages
    tree, todo = set(), [root]
    while todo:
        pid = todo.pop()
        tree.add(pid)
        todo += [child for child, parent in parents.items() if parent == pid and child not in tree]
    return sum(sizes.get(pid, 0) for pid in tree) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20


def run_batch(csv_path: Path, outdir: Path, formats: str, documents: list[str], *how: str) -> tuple[float, int, float]:
    """Seconds, documents built, and the run's peak resident memory in MB, summed over the batch process
    and every process under it (sampled every 0.2 s). `how`: --jobs N, or --scheduler ADDRESS."""
    command = [sys.executable, "-m", "contractgen", "batch", str(csv_path), "-o", str(outdir), *how,
               "--format", formats, "--docs", *documents, "--force"]
    start = time.perf_counter()
    peak = 0.0
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=err)
        while process.poll() is None:
            peak = max(peak, tree_rss_mb(process.pid))
            time.sleep(0.2)
        elapsed = time.perf_counter() - start
        if process.returncode != 0:
            out.seek(0)
            err.seek(0)
            sys.exit(f"batch failed ({process.returncode}):\n{out.read()[-2000:].decode()}\n{err.read()[-2000:].decode()}")
    built = sum(1 for _ in outdir.rglob(f"*.{formats.split(',')[0]}"))
    return elapsed, built, peak


def local_cluster_run(csv_path: Path, outdir: Path, documents: list[str]) -> tuple[float, int] | None:
    """The same batch on a Dask LocalCluster of 2 worker processes (None without the dask extra)."""
    try:
        from distributed import LocalCluster
    except ImportError:
        return None
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      env={"PYTHONPATH": str(ROOT)}) as cluster:
        elapsed, built, _ = run_batch(csv_path, outdir, "docx", documents, "--scheduler", cluster.scheduler_address)
    return elapsed, built


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--pdf-orders", type=int, default=50)
    parser.add_argument("--pdf-engine-repeat", type=int, default=2, metavar="N",
                        help="orders per engine and process count in the PDF engine comparison (4 documents each)")
    parser.add_argument("--memory-orders", type=int, nargs="*", default=None, metavar="N",
                        help="also run DOCX batches of these sizes and print each one's peak memory, summed over "
                             "all the batch's processes (generated orders; no N: 500 5000 50000, issue 18)")
    parser.add_argument("--memory-docs", nargs="+", default=["po_annex"], metavar="DOC",
                        help="the documents of each memory run (default: po_annex, the cheapest)")
    parser.add_argument("--memory-format", default="md", metavar="FORMAT",
                        help="the format of each memory run (default: md, the cheapest)")
    parser.add_argument("--memory-only", action="store_true", help="only the memory runs")
    parser.add_argument("--docs", nargs="+", default=["sales_contract", "nnn", "manufacturing_agreement", "po_annex"])
    args = parser.parse_args()
    if args.memory_orders == []:
        args.memory_orders = [500, 5000, 50000]
    if args.memory_only:
        memory_runs(args.memory_orders or [], resolve_documents(args.memory_docs), args.memory_format)
        return
    documents = resolve_documents(args.docs)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; documents per order: "
          f"{', '.join(documents)}")
    orders = list(generated_orders(args.orders))

    sample = orders[: min(len(orders), 60)]
    per_document(sample[:3], documents)  # warm caches: library, templates, catalogs
    ours, bare, count = per_document(sample, documents)
    print(f"\none process, {count} documents:")
    print(f"  contractgen DOCX path   {1 / ours:7.1f} docs/s   ({ours * 1000:6.1f} ms/doc)")
    print(f"  bare docxtpl            {1 / bare:7.1f} docs/s   ({bare * 1000:6.1f} ms/doc)")
    print(f"  ratio ours / bare       {ours / bare:7.2f}×      (target ≤ 0.6×, issue 18)")

    latency = one_build_latency()
    docx_import = latency["docx"]
    print("\none command, `contractgen build` of one DOCX (median of 5, interleaved):")
    print(f"  python -c 'import docx'  {docx_import:6.2f} s")
    print(f"  its libraries' imports   {latency['libraries']:6.2f} s   {latency['libraries'] / docx_import:5.1f}× "
          f"(the floor of a build in its own process: {LIBRARIES})")
    print(f"  build, warm process      {latency['warm process']:6.2f} s   "
          f"{latency['warm process'] / docx_import:5.1f}× (target ≤ 2×, issue 18; every build after the first)")
    print(f"  build, own process       {latency['cache']:6.2f} s   {latency['cache'] / docx_import:5.1f}× "
          f"(CONTRACTGEN_WARM=off, disk cache filled)")
    print(f"  build, cache off too     {latency['cold']:6.2f} s   {latency['cold'] / docx_import:5.1f}×")

    with tempfile.TemporaryDirectory(prefix="contractgen-bench-") as tmp:
        tmp = Path(tmp)
        csv_path = tmp / "orders.csv"
        write_csv(orders, csv_path)
        rates = {}
        for jobs in (1, 2):
            elapsed, built, rss = run_batch(csv_path, tmp / f"docx-{jobs}", "docx", documents, "--jobs", str(jobs))
            rates[jobs] = built / elapsed
            print(f"\ncontractgen batch, {len(orders)} orders, DOCX, --jobs {jobs}: {built} documents in "
                  f"{elapsed:.1f} s = {rates[jobs]:.1f} docs/s; peak RSS {rss:.0f} MB")
        print(f"  speed-up from the second core: {rates[2] / rates[1]:.2f}× (target ≥ 1.7×)")

        on_cluster = local_cluster_run(csv_path, tmp / "dask", documents)
        if on_cluster is None:
            print("\nDask LocalCluster: not installed (pip install -e '.[dask]')")
        else:
            elapsed, built = on_cluster
            print(f"\ncontractgen batch --scheduler (Dask LocalCluster, 2 worker processes), {len(orders)} orders, "
                  f"DOCX: {built} documents in {elapsed:.1f} s = {built / elapsed:.1f} docs/s "
                  f"({built / elapsed / rates[2]:.2f}× --jobs 2)")

        if args.pdf_orders:
            pdf_csv = tmp / "pdf-orders.csv"
            write_csv(orders[: args.pdf_orders], pdf_csv)
            elapsed, built, rss = run_batch(pdf_csv, tmp / "pdf", "pdf", documents, "--jobs", "2")
            print(f"\ncontractgen batch, {args.pdf_orders} orders, PDF, --jobs 2: {built} documents in "
                  f"{elapsed:.1f} s = {built / elapsed:.2f} docs/s (target ≥ 6); peak RSS {rss:.0f} MB")

        print("\nPDF engines (benchmarks/pdf_engines.py, the 4 contract documents of varied orders), docs/s:")
        for engine, result in pdf_engine_rates(processes=(1, 2), repeat=args.pdf_engine_repeat).items():
            if "missing" in result:
                print(f"  {engine:24} not measured: {result['missing']}")
                continue
            print(f"  {engine:24} " + "   ".join(f"{n} process(es): {rate:5.2f}"
                                                for n, rate in sorted(result["docs_per_s"].items()))
                  + f"   CPU {min(result['cpu_per_doc'].values()):.3f} s/doc")

    if args.memory_orders:
        memory_runs(args.memory_orders, resolve_documents(args.memory_docs), args.memory_format)


def memory_runs(counts: list[int], documents: list[str], fmt: str) -> None:
    """Peak resident memory of `contractgen batch --jobs 2` on generated sheets of each size, summed over
    every process of the run (the batch, its fork server and workers, anything they start)."""
    peaks = {}
    with tempfile.TemporaryDirectory(prefix="contractgen-memory-") as tmp:
        tmp = Path(tmp)
        for count in counts:
            big_csv = tmp / f"memory-{count}.csv"
            write_csv(generated_orders(count), big_csv)
            size = big_csv.stat().st_size / 2 ** 20
            elapsed, built, peaks[count] = run_batch(big_csv, tmp / f"memory-{count}", fmt, documents, "--jobs", "2")
            big_csv.unlink()
            shutil.rmtree(tmp / f"memory-{count}")
            print(f"\ncontractgen batch, {count} orders ({size:.1f} MiB csv), {fmt} of {', '.join(documents)}, "
                  f"--jobs 2: {built} documents in {elapsed:.1f} s = {built / elapsed:.1f} docs/s; peak RSS of all "
                  f"its processes {peaks[count]:.0f} MB", flush=True)
    if len(peaks) > 1:
        print("  peak RSS by orders: " + ", ".join(f"{n}: {mb:.0f} MB" for n, mb in peaks.items()) +
              f"; largest / smallest {max(peaks.values()) / min(peaks.values()):.2f}× (target: flat, ±20 %)")


if __name__ == "__main__":
    main()
