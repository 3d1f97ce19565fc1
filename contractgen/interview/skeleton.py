"""`contractgen init`: a commented answers skeleton written from the interview definitions."""
from __future__ import annotations

import datetime as dt
import textwrap

import yaml

from .definitions import Block, Interview, Question
from ..core.yamlio import source_text


def _scalar(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if source_text(value):
        return source_text(value)
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    dumped = yaml.safe_dump(str(value), allow_unicode=True, width=10_000).strip()
    return dumped.removesuffix("...").strip()


def _comment(q: Question, indent: str) -> list[str]:
    flags = "required" if q.required else "optional"
    lines = [f"{indent}# {q.label.en} / {q.label.zh} ({flags}, {q.type})"]
    for lang in ("en", "zh"):
        text = getattr(q.help, lang) if q.help else ""
        lines += [f"{indent}#   {line}" for line in textwrap.wrap(text, 96)] if text else []
    if q.choices:
        lines.append(f"{indent}#   choices: " + "; ".join(f"{c.value} = {c.label.en} / {c.label.zh}" for c in q.choices))
    if q.show_if is not None:
        lines.append(f"{indent}#   asked only when: {q.show_if.source}")
    if q.example is not None and q.default is None:
        lines.append(f"{indent}#   e.g. {_scalar(q.example)}")
    if q.default_from:
        lines.append(f"{indent}#   when left empty: the value of {q.default_from}")
    return lines


def _tree(questions) -> dict:
    """Questions arranged by path, in the order first asked."""
    root: dict = {}
    for q in questions:
        node = root
        parts = q.path.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = q
    return root


def _emit(node: dict, indent: str, first_prefix: str = "") -> list[str]:
    lines: list[str] = []
    for key, child in node.items():
        prefix, first_prefix = first_prefix, ""
        lead = indent[:-2] + prefix if prefix else indent
        if isinstance(child, dict):
            lines.append(f"{lead}{key}:")
            lines += _emit(child, indent + "  ")
        elif child.type == "list":
            lines += _comment(child, indent)
            lines.append(f"{lead}{key}:")
            lines += _emit(_tree(child.item), indent + "    ", first_prefix="- ")
        else:
            lines += _comment(child, indent)
            lines.append(f"{lead}{key}: {_scalar(child.default)}".rstrip())
    return lines


def skeleton(interview: Interview) -> str:
    lines = [
        f"# contractgen answers (format v1) for: {interview.title.en} / {interview.title.zh}",
        "# Fill in every value marked 'required'; defaults are already filled in. Check it with:",
        "#   contractgen check <this file>",
        "",
    ]
    # Blocks may share a top-level key (supplier and supplier_bank): each key is written once, under
    # the block that first asks about it.
    by_key: dict[str, list[Question]] = {}
    units: list[tuple[Block, str | None]] = []
    for block in interview.blocks:
        if block.optional is not None:
            units.append((block, None))
            continue
        for q in block.questions:
            key = q.path.split(".")[0]
            if key not in by_key:
                by_key[key] = []
                units.append((block, key))
            by_key[key].append(q)
    previous = None
    for block, key in units:
        if block is not previous:
            lines += ([""] if previous else []) + [f"# == {block.title.en} / {block.title.zh} =="]
            previous = block
        if key is None:
            lines.append(f"# Optional: {block.optional.en} / {block.optional.zh}")
            lines.append("# If so, remove the '# ' in front of the lines below and fill them in.")
            lines += [f"# {line}" for line in _emit(_tree(block.questions), "")]
        else:
            lines += _emit(_tree(by_key[key]), "")
    return "\n".join(lines).rstrip() + "\n"
