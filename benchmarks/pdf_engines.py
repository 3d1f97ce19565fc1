"""Which PDF engine, measured on the same documents in the same run (issue 18):

(a) LibreOffice cold: the DOCX rendered, then one `soffice --convert-to pdf` call per chunk of 10 orders,
    a fresh LibreOffice each call (what `contractgen batch` did before Typst);
(b) LibreOffice warm: the DOCX rendered, then fed to one long-lived LibreOffice per worker over UNO
    (unoserver, `pip install -e '.[bench]'`, run by Debian's python3-uno), restarted when it crashes,
    hangs (a conversion over HANG_SECONDS) or has converted RESTART_EVERY documents, stopped at the end;
(c) Typst: contractgen.render.pdf typesets the document model directly, in the worker process.

    python benchmarks/pdf_engines.py                       # 1 and 2 processes, 4 orders like each example
    python benchmarks/pdf_engines.py --write benchmarks/pdf-engines.md

The documents are the 4 contract documents (sales contract, NNN, manufacturing agreement, PO annex) of
the 3 examples, --repeat orders of each (no two alike). Each engine's documents are split evenly over the processes;
the time runs from handing them out to the last PDF back, so it includes each worker's start-up
(LibreOffice's, the Typst fonts') and the DOCX rendering where the engine needs it. The text layer of
each engine's PDFs of one set is checked with poppler:
- Kangxi radicals (U+2F00–U+2FDF, U+2E80–U+2EFF) or CJK compatibility ideographs (U+F900–U+FAFF)
  where the document has ordinary characters: search and copy-paste break;
- U+FFFD (a glyph the engine could not map);
- the share of the document's Chinese paragraphs whose opening the text layer has (pdftotext -raw);
- whether every font is embedded (pdffonts).
`measure(processes)` is what benchmarks/batch.py calls.
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import multiprocessing
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from contractgen.build import assemble_mapping, resolve_documents  # noqa: E402
from contractgen.core.yamlio import load_yaml_file  # noqa: E402
from contractgen.documents.model import Document  # noqa: E402
from contractgen.render.docx import render_docx  # noqa: E402
from contractgen.render.pdf import render_pdf  # noqa: E402

EXAMPLES = ("houseware-tooling", "apparel-earnest-hkiac", "electronics-lc-scia")
CONTRACTS = ["sales_contract", "nnn", "manufacturing_agreement", "po_annex"]
ORDERS_PER_CALL = 10  # (a): the chunk of orders one soffice call converted in `batch`
HANG_SECONDS = 120  # (b): a conversion taking longer is a hung LibreOffice
RESTART_EVERY = 200  # (b): documents one LibreOffice converts before it is replaced (it grows)
LOOK_ALIKES = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf\uf900-\ufaff]")
SPACE = re.compile(r"\s+")


def documents(repeat: int = 1) -> list[Document]:
    """The contract documents of the examples, `repeat` orders of each, no two alike (as in a batch: each
    order its own number, buyer name and quantity, so amounts and words differ too). Identical copies
    would flatter Typst, which remembers the layout of content it has typeset before in the process."""
    docs = []
    for copy in range(repeat):
        for name in EXAMPLES:
            raw = load_yaml_file(ROOT / "examples" / f"{name}.yaml")
            raw["contract"]["number"] += f"-{copy:03d}"
            raw["buyer"]["name_en"] += f" {copy}"
            raw["products"][0]["quantity"] += 10 * copy
            docs += assemble_mapping(raw, resolve_documents(CONTRACTS), f"{name} #{copy}")[1]
    return docs


# --- (a) a cold LibreOffice per chunk ---------------------------------------------------------------


def soffice_convert(docx: list[bytes]) -> list[bytes]:
    """One `soffice --convert-to pdf` call for all of `docx`, with its own fresh profile."""
    with tempfile.TemporaryDirectory(prefix="pdf-engines-") as tmp:
        work = Path(tmp)
        sources = []
        for index, data in enumerate(docx):
            sources.append(work / f"{index:05d}.docx")
            sources[-1].write_bytes(data)
        subprocess.run([shutil.which("soffice"), f"-env:UserInstallation={(work / 'profile').as_uri()}",
                        "--headless", "--norestore", "--convert-to", "pdf:writer_pdf_Export",
                        "--outdir", str(work / "pdf"), *map(str, sources)],
                       capture_output=True, check=True, timeout=600)
        return [(work / "pdf" / f"{source.stem}.pdf").read_bytes() for source in sources]


def libreoffice_cold(docs: list[Document], layout: str) -> list[bytes]:
    step = ORDERS_PER_CALL * len(CONTRACTS)
    out = []
    for start in range(0, len(docs), step):
        out += soffice_convert([render_docx(d, layout) for d in docs[start:start + step]])
    return out


# --- (b) a warm LibreOffice over UNO ---------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WarmLibreOffice:
    """One unoserver (and its LibreOffice) for this process: started on first use, restarted after a
    crash, a hang or RESTART_EVERY documents, stopped by close()."""

    def __init__(self):
        self.server: subprocess.Popen | None = None
        self.converted = 0
        self.restarts = 0
        self.tmp = tempfile.TemporaryDirectory(prefix="pdf-engines-uno-")

    def start(self) -> None:
        from unoserver.client import UnoClient

        self.port, uno_port = _free_port(), _free_port()
        profile = str(Path(self.tmp.name) / f"profile-{self.restarts}")
        # unoserver imports `uno`, which only LibreOffice's own Python has (Debian's python3-uno)
        env = {**os.environ, "PYTHONPATH": str(Path(importlib.util.find_spec("unoserver").origin).parent.parent)}
        self.server = subprocess.Popen(
            ["/usr/bin/python3", "-m", "unoserver.server", "--port", str(self.port), "--uno-port", str(uno_port),
             "--user-installation", profile, "--conversion-timeout", str(HANG_SECONDS)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self.client = UnoClient(port=str(self.port))
        deadline = time.monotonic() + 60
        while True:  # ready when it converts
            try:
                self.client.convert(indata=_tiny_docx(), convert_to="pdf")
                break
            except Exception:  # noqa: BLE001 - not listening yet
                if time.monotonic() > deadline or self.server.poll() is not None:
                    raise RuntimeError("unoserver did not start") from None
                time.sleep(0.2)
        self.converted = 0

    def stop(self) -> None:
        if self.server and self.server.poll() is None:
            # LibreOffice's CPU, which no wait() of ours reports: unoserver's own reaches RUSAGE_CHILDREN
            OFFICE_CPU[0] += sum(cpu for pid, cpu in _session_cpu(self.server.pid).items() if pid != self.server.pid)
            os.killpg(self.server.pid, 9)  # unoserver and the LibreOffice it started (a throwaway profile)
        if self.server:
            self.server.wait()
        self.server = None

    def convert(self, docx: bytes) -> bytes:
        for attempt in (1, 2):
            if self.server is None or self.server.poll() is not None or self.converted >= RESTART_EVERY:
                self.stop()
                self.start()
                self.restarts += 1
            try:
                # update_index=False: our documents have no index to refresh, and refreshing re-lays them out
                pdf = self.client.convert(indata=docx, convert_to="pdf", update_index=False)
                self.converted += 1
                return pdf
            except Exception:  # noqa: BLE001 - a crash or a hang (unoserver's timeout ends it): restart once
                self.stop()
                if attempt == 2:
                    raise

    def close(self) -> None:
        self.stop()
        self.tmp.cleanup()


OFFICE_CPU = [0.0]  # CPU seconds of the warm LibreOffices this worker process stopped


def _session_cpu(session: int) -> dict[int, float]:
    """{pid: CPU seconds} of the live processes of a session (from /proc)."""
    out = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session:  # fields after the name: state, ppid, pgrp, session, …, utime (11), stime (12)
            out[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    return out


def _tiny_docx() -> bytes:
    from docx import Document as Docx
    import io

    buffer = io.BytesIO()
    Docx().save(buffer)
    return buffer.getvalue()


def libreoffice_warm(docs: list[Document], layout: str) -> list[bytes]:
    office = WarmLibreOffice()
    try:
        return [office.convert(render_docx(d, layout)) for d in docs]
    finally:
        office.close()


# --- (c) Typst -------------------------------------------------------------------------------------


def typst(docs: list[Document], layout: str) -> list[bytes]:
    return [render_pdf(d, layout) for d in docs]


ENGINES = {
    "libreoffice_cold": ("(a) LibreOffice, cold `soffice --convert-to` per chunk of 10 orders", libreoffice_cold),
    "libreoffice_warm": ("(b) LibreOffice, warm per worker over UNO (unoserver)", libreoffice_warm),
    "typst": ("(c) Typst, from the document model", typst),
}


def available(engine: str) -> str | None:
    """None when the engine can run here, else why not."""
    if engine != "typst" and not shutil.which("soffice"):
        return "soffice not installed"
    if engine == "libreoffice_warm":
        if importlib.util.find_spec("unoserver") is None:
            return "unoserver not installed (pip install -e '.[bench]')"
        if subprocess.run(["/usr/bin/python3", "-c", "import uno"], capture_output=True).returncode:
            return "Debian's python3-uno not installed"
    return None


# --- running and checking --------------------------------------------------------------------------


def _cpu() -> float:
    """CPU seconds of this process and of the children it has waited for (soffice; unoserver itself)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _worker(engine: str, docs: list[Document], layout: str) -> tuple[list[bytes], float]:
    start, office = _cpu(), OFFICE_CPU[0]
    pdfs = ENGINES[engine][1](docs, layout)
    return pdfs, _cpu() - start + OFFICE_CPU[0] - office


def run(engine: str, docs: list[Document], processes: int, layout: str = "parallel") -> tuple[float, float, list[bytes]]:
    """(wall seconds, CPU seconds, PDFs): the documents split evenly over `processes` worker processes,
    forked warm (as `batch` forks its workers)."""
    shares = [docs[i::processes] for i in range(processes)]
    start = time.perf_counter()
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork")) as pool:
        results = list(pool.map(_worker, [engine] * processes, shares, [layout] * processes))
    seconds = time.perf_counter() - start
    pdfs: list[bytes] = [b""] * len(docs)
    for i, (result, _) in enumerate(results):
        pdfs[i::processes] = result
    return seconds, sum(cpu for _, cpu in results), pdfs


def _poppler(tool: list[str], pdf: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        return subprocess.run([*tool, handle.name, *(["-"] if tool[0] == "pdftotext" else [])],
                              capture_output=True, text=True, check=True).stdout


def text_layer(pdf: bytes) -> str:
    # -raw: content-stream order, so the parallel layout's two columns are not read across as one line
    return _poppler(["pdftotext", "-raw", "-enc", "UTF-8"], pdf)


def fonts_embedded(pdf: bytes) -> bool:
    rows = _poppler(["pdffonts"], pdf).splitlines()[2:]
    return bool(rows) and all(row.split()[-5] == "yes" for row in rows)


def chinese_paragraphs(doc: Document) -> list[str]:
    return [p for s in doc.sections for c in s.clauses for p in c.paragraphs_zh if re.search("[\u4e00-\u9fff]", p)]


def check(docs: list[Document], pdfs: list[bytes]) -> dict:
    look_alikes = replacement = found = total = 0
    embedded = True
    for doc, pdf in zip(docs, pdfs):
        text = text_layer(pdf)
        look_alikes += len(LOOK_ALIKES.findall(text))
        replacement += text.count("\ufffd")
        flat = SPACE.sub("", text)
        for paragraph in chinese_paragraphs(doc):
            total += 1
            found += SPACE.sub("", paragraph)[:16] in flat  # its opening, unless a page break falls in it
        embedded = embedded and fonts_embedded(pdf)
    return {"look_alikes": look_alikes, "replacement": replacement, "found": found / total if total else 0.0,
            "embedded": embedded}


def measure(processes: tuple[int, ...] = (1, 2), repeat: int = 4, layout: str = "parallel",
            engines: tuple[str, ...] = tuple(ENGINES)) -> dict:
    """{engine: {"docs_per_s": {processes: rate}, "cpu_per_doc": {processes: CPU seconds per document},
    "quality": check(…) of one set} or {"missing": why}}, every engine on the same documents in this one
    run. benchmarks/batch.py calls it. On a shared machine the wall-clock rate drops with the load; the
    CPU per document barely moves, and 2 / it is the rate 2 idle cores would reach."""
    docs = documents(repeat)
    one_set = len(docs) // repeat
    out: dict = {}
    for engine in engines:
        missing = available(engine)
        if missing:
            out[engine] = {"missing": missing}
            continue
        rates, cpu, pdfs = {}, {}, []
        for count in processes:
            seconds, cpu_seconds, pdfs = run(engine, docs, count, layout)
            rates[count], cpu[count] = len(docs) / seconds, cpu_seconds / len(docs)
            print(f"  {engine}, {count} process(es): {rates[count]:.2f} docs/s, {cpu[count]:.3f} CPU s/doc",
                  file=sys.stderr, flush=True)
        out[engine] = {"docs_per_s": rates, "cpu_per_doc": cpu, "quality": check(docs[:one_set], pdfs[:one_set])}
    return out


def table(results: dict, processes: tuple[int, ...]) -> str:
    head = ("| engine | " + " | ".join(f"docs/s, {p} process{'es' if p > 1 else ''}" for p in processes)
            + f" | CPU s/doc ({processes[-1]} proc.) | look-alike code points | U+FFFD | Chinese paragraphs found "
            "| fonts embedded |")
    rows = [head, "|" + " --- |" * (len(processes) + 6)]
    for engine, result in results.items():
        name = ENGINES[engine][0]
        if "missing" in result:
            rows.append(f"| {name} | " + " | ".join("–" for _ in processes) + f" | – | – | – | – | {result['missing']} |")
            continue
        q = result["quality"]
        rates = " | ".join(f"{result['docs_per_s'][p]:.2f}" for p in processes)
        rows.append(f"| {name} | {rates} | {result['cpu_per_doc'][processes[-1]]:.3f} | {q['look_alikes']} "
                    f"| {q['replacement']} | {q['found']:.0%} | {'yes' if q['embedded'] else 'NO'} |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--layout", default="parallel")
    parser.add_argument("--repeat", type=int, default=4, help="orders like each example (default 4)")
    parser.add_argument("--processes", default="1,2", help="comma-separated process counts (default 1,2)")
    parser.add_argument("--engines", default=",".join(ENGINES), help=f"comma-separated, from {', '.join(ENGINES)}")
    parser.add_argument("--write", type=Path, help="also write the table as Markdown to this file")
    args = parser.parse_args()
    processes = tuple(int(p) for p in args.processes.split(","))
    count = len(documents(args.repeat))
    what = (f"{count} documents (the {len(CONTRACTS)} contract documents of {args.repeat} orders like each of "
            f"the {len(EXAMPLES)} examples, no two alike), layout {args.layout}")
    print(f"machine: {os.cpu_count()} cores; {what}", flush=True)
    before = os.getloadavg()[0]
    results = measure(processes, args.repeat, args.layout, tuple(args.engines.split(",")))
    load = f"load average {before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
    text = table(results, processes)
    print(f"{text}\n{load}")
    if args.write:
        args.write.write_text(
            f"# PDF engines compared\n\nMeasured {dt.date.today().isoformat()} by `python benchmarks/pdf_engines.py "
            f"--write {args.write.name}`: {what}; {os.cpu_count()} cores. docs/s counts from handing the documents "
            f"to fresh worker processes to the last PDF back, DOCX rendering included where the engine needs it; "
            f"the text layer is checked on one set; {load} (on a shared machine the docs/s fall with the load, the CPU "
            f"seconds per document barely move).\n\n{text}\n", encoding="utf-8")
        print(f"written: {args.write}")


if __name__ == "__main__":
    main()
