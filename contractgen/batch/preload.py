"""Imported once by the fork server of `contractgen batch` (multiprocessing's forkserver preload), never
by anything else: it loads the clause library, every document definition and interview, and renders the
bundled example once, so every worker, and every worker recycled after ~200 documents, is forked warm
instead of spending ~2 s loading them again.

A failure here is swallowed: workers then load what they need themselves, and report any error per order.

The fork server also dies with the main process: its workers hold its lifeline pipe open, so after a
kill -9 of the main process it would otherwise stay, with the workers and the resource tracker.
"""
from __future__ import annotations

import signal

from .lifeline import signal_on_parent_death


def warm_up() -> None:
    try:
        from ..build import assemble_documents
        from ..core.resources import data_path
        from ..library.definitions import available_documents
        from ..render.formats import render

        _, documents = assemble_documents(data_path("examples", "houseware-tooling.yaml"), available_documents())
        for document in documents:
            for fmt in ("docx", "md"):
                render(document, fmt, "parallel")
    except Exception:  # noqa: BLE001 - see the module docstring
        pass


signal_on_parent_death(signal.SIGKILL)  # its workers get their own signal when it dies (batch._init_worker)
warm_up()
