"""Hatchling build hook: compile the label catalogs (translations/*/LC_MESSAGES/messages.po → .mo).

The .mo is a build product (git-ignored), so every wheel and every `pip install -e .` compiles it
afresh. It is written into the checkout's translations/ folder: an editable install reads it there,
and the wheel's force-include of translations/ (pyproject.toml) ships it, ignored or not.
"""
from __future__ import annotations

import io
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

DOMAIN = "messages"


class CompileCatalogsHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel":  # the sdist ships the .po; its wheel compiles it
            return
        for po in sorted(Path(self.root, "translations").glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
            compile_catalog(po)


def compile_catalog(po: Path) -> Path:
    """What `pybabel compile -d translations -D messages` does for one catalog, except that a
    catalog with errors (or a fuzzy header, which pybabel would skip) fails the build."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fp:
        catalog = read_po(fp, locale=po.parent.parent.name, domain=DOMAIN)
    problems = [f"{po}:{message.lineno}: {error}" for message, errors in catalog.check() for error in errors]
    if catalog.fuzzy:
        problems.append(f"{po}: the header is marked fuzzy; review it and remove the flag")
    if problems:
        raise RuntimeError("cannot compile the label catalog:\n  " + "\n  ".join(problems))
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    mo = po.with_suffix(".mo")
    if not mo.is_file() or mo.read_bytes() != buffer.getvalue():  # keep an unchanged file untouched
        mo.write_bytes(buffer.getvalue())
    return mo
