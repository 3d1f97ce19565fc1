"""Which PDF engine: LibreOffice (DOCX → PDF), WeasyPrint (HTML → PDF) and wkhtmltopdf (HTML → PDF, what
pdfkit runs), on the same documents, in the same run. The result is recorded in pdf-engines.md.

    python benchmarks/pdf_engines.py                      # every document of the three examples
    python benchmarks/pdf_engines.py --write benchmarks/pdf-engines.md

WeasyPrint and wkhtmltopdf are not contractgen dependencies; install them to compare
(`pip install weasyprint`, `apt-get install -y wkhtmltopdf`); an engine that is missing is reported
as such. For each engine it prints seconds per document (LibreOffice converts the whole set in one
call, as `contractgen build` and `batch` do; the HTML engines take one document at a time, as pdfkit
does), and checks the text layer with pdftotext:
- Kangxi radicals (U+2F00–U+2FDF, U+2E80–U+2EFF) or CJK compatibility ideographs (U+F900–U+FAFF)
  where the document has ordinary characters: search and copy-paste break;
- U+FFFD (a glyph the engine could not map);
- the share of the document's Chinese paragraphs whose opening the text layer has (pdftotext -raw);
- whether every font is embedded (pdffonts).
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from contractgen.build import assemble_documents, resolve_documents  # noqa: E402
from contractgen.documents.model import Document  # noqa: E402
from contractgen.render.docx import render_docx  # noqa: E402
from contractgen.render.html import render_html  # noqa: E402
from contractgen.render.pdf import docx_to_pdf  # noqa: E402

EXAMPLES = ("houseware-tooling", "apparel-earnest-hkiac", "electronics-lc-scia")
LOOK_ALIKES = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf\uf900-\ufaff]")
SPACE = re.compile(r"\s+")


def documents() -> list[Document]:
    docs = []
    for name in EXAMPLES:
        docs += assemble_documents(ROOT / "examples" / f"{name}.yaml", resolve_documents(["all"]))[1]
    return docs


def libreoffice(docs: list[Document], layout: str) -> list[bytes]:
    sources = {str(i): (render_docx(d, layout), d.date) for i, d in enumerate(docs)}
    pdfs = docx_to_pdf(sources)
    return [pdfs[str(i)] for i in range(len(docs))]


def weasyprint(docs: list[Document], layout: str) -> list[bytes]:
    from weasyprint import HTML

    return [HTML(string=render_html(d, layout).decode("utf-8")).write_pdf() for d in docs]


def wkhtmltopdf(docs: list[Document], layout: str) -> list[bytes]:
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, d in enumerate(docs):
            source, target = Path(tmp) / f"{i}.html", Path(tmp) / f"{i}.pdf"
            source.write_bytes(render_html(d, layout))
            subprocess.run(["wkhtmltopdf", "--quiet", "--encoding", "utf-8", str(source), str(target)],
                           check=True, capture_output=True, timeout=300)
            out.append(target.read_bytes())
    return out


def available(engine: str) -> str | None:
    """None when the engine can run here, else why not."""
    if engine == "libreoffice":
        return None if shutil.which("soffice") else "soffice not installed"
    if engine == "weasyprint":
        try:
            importlib.import_module("weasyprint")
        except (ImportError, OSError) as exc:  # OSError: the package is there but Pango is not
            return f"not installed ({exc.__class__.__name__})"
        return None
    return None if shutil.which("wkhtmltopdf") else "wkhtmltopdf not installed"


def text_layer(pdf: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        # -raw: content-stream order, so the parallel layout's two columns are not read across as one line
        return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", handle.name, "-"], capture_output=True,
                              text=True, check=True).stdout


def fonts_embedded(pdf: bytes) -> bool:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        listing = subprocess.run(["pdffonts", handle.name], capture_output=True, text=True, check=True).stdout
    rows = listing.splitlines()[2:]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--layout", default="parallel")
    parser.add_argument("--write", type=Path, help="also write the table as Markdown to this file")
    args = parser.parse_args()
    docs = documents()
    pages = f"{len(docs)} documents (every document of the {len(EXAMPLES)} examples), layout {args.layout}"
    print(f"machine: {os.cpu_count()} cores; {pages}")
    rows = []
    for name, engine in (("LibreOffice (DOCX → PDF, one call)", libreoffice),
                         ("WeasyPrint (HTML → PDF)", weasyprint), ("wkhtmltopdf (HTML → PDF)", wkhtmltopdf)):
        missing = available(engine.__name__)
        if missing:
            rows.append(f"| {name} | – | – | – | – | – | {missing} |")
            print(f"{name}: {missing}")
            continue
        start = time.perf_counter()
        try:
            pdfs = engine(docs, args.layout)
        except Exception as exc:  # noqa: BLE001 - an engine that fails is a result, not a crash
            rows.append(f"| {name} | – | – | – | – | – | failed: {exc} |")
            print(f"{name}: failed: {exc}")
            continue
        seconds = (time.perf_counter() - start) / len(docs)
        result = check(docs, pdfs)
        row = (f"| {name} | {seconds:.2f} s | {1 / seconds:.1f} | {result['look_alikes']} | {result['replacement']} "
               f"| {result['found']:.0%} | {'yes' if result['embedded'] else 'NO'} |")
        rows.append(row)
        print(row)
    table = "\n".join(["| engine | per document | docs/s, 1 process | look-alike code points in the text layer "
                       "| U+FFFD | Chinese paragraphs found by pdftotext | fonts embedded |",
                       "| --- | --- | --- | --- | --- | --- | --- |", *rows])
    if args.write:
        args.write.write_text(
            f"# PDF engines compared\n\nMeasured {dt.date.today().isoformat()} by `python benchmarks/pdf_engines.py "
            f"--write {args.write.name}`: {pages}; {os.cpu_count()} cores.\n\n{table}\n", encoding="utf-8")
        print(f"written: {args.write}")


if __name__ == "__main__":
    main()
