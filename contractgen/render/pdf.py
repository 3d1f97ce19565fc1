"""PDF by converting the rendered DOCX with LibreOffice, so the PDF is the DOCX a lawyer may have restyled.

rendering-notes.md measured it: one `soffice --convert-to pdf` call for many documents costs about
0.2 s per document, one process per document 1.3 s; its text layer keeps the real Chinese characters
(wkhtmltopdf emitted Kangxi radicals). Each call gets its own profile folder, so parallel workers do
not fight over LibreOffice's user installation lock.
"""
from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

from ..core.errors import ContractgenError

TIMEOUT_SECONDS = 600


class PdfEngineError(ContractgenError):
    """The PDF engine or a CJK font is missing, or the conversion failed (exit 1: the machine's fault)."""


@cache
def soffice() -> str:
    for name in ("soffice", "libreoffice"):
        path = shutil.which(name)
        if path:
            return path
    raise PdfEngineError("PDF output needs LibreOffice, which is not installed: run "
                         "`apt-get install -y libreoffice-writer-nogui` (scripts/setup.sh does this), "
                         "or build --format docx only")


@cache
def check_cjk_font() -> None:
    """Refuse to make a PDF of empty boxes: LibreOffice substitutes silently when no CJK font exists."""
    fc_list = shutil.which("fc-list")
    found = subprocess.run([fc_list, ":lang=zh-cn", "family"], capture_output=True, text=True).stdout if fc_list else ""
    if not found.strip():
        raise PdfEngineError("PDF output needs a font with Chinese glyphs, and none is installed: run "
                             "`apt-get install -y fonts-noto-cjk` (scripts/setup.sh does this)")


_STAMPS = re.compile(rb"/CreationDate\(D:\d{14}|/ID \[ <[0-9A-F]{32}>\n<[0-9A-F]{32}> \]|/DocChecksum /[0-9A-F]{32}")


def deterministic(pdf: bytes, date: str) -> bytes:
    """LibreOffice stamps the wall-clock time, a random file ID and a checksum of them. Replace each by a
    value of the same length (so the cross-reference offsets stay right): the document's own date, and
    a hash of the rest of the file."""
    day = date.replace("-", "").encode() + b"000000"

    def blank(match: re.Match) -> bytes:
        text = match.group(0)
        if text.startswith(b"/CreationDate"):
            return b"/CreationDate(D:" + day
        return re.sub(rb"[0-9A-F]{32}", b"0" * 32, text)

    normalised = _STAMPS.sub(blank, pdf)
    digest = hashlib.sha256(normalised).hexdigest()[:32].upper().encode()
    return re.sub(rb"(?<=<|/)0{32}(?=>|\n>>)|(?<=/DocChecksum /)0{32}", digest, normalised)


def docx_to_pdf(documents: dict[str, tuple[bytes, str]]) -> dict[str, bytes]:
    """{name: (DOCX bytes, ISO date)} → {name: PDF bytes}, all in one LibreOffice run."""
    if not documents:
        return {}
    binary = soffice()
    check_cjk_font()
    with tempfile.TemporaryDirectory(prefix="contractgen-pdf-") as tmp:
        work = Path(tmp)
        sources = []
        for index, (name, (data, _)) in enumerate(documents.items()):
            source = work / f"{index:05d}.docx"  # our own names: a contract number never reaches the shell
            source.write_bytes(data)
            sources.append((name, source))
        command = [binary, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
                   "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(work / "pdf"),
                   *[str(source) for _, source in sources]]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            raise PdfEngineError(f"LibreOffice did not finish converting {len(sources)} document(s) within "
                                 f"{TIMEOUT_SECONDS} s") from None
        out = {}
        for name, source in sources:
            pdf = work / "pdf" / f"{source.stem}.pdf"
            if not pdf.is_file():
                detail = (result.stderr or result.stdout).strip()[-500:]
                raise PdfEngineError(f"LibreOffice did not convert {name} (exit {result.returncode}): {detail}")
            out[name] = deterministic(pdf.read_bytes(), documents[name][1])
        return out
