"""Reading and writing answers at a path: dotted through mappings (`supplier.bank.name`), with a list
entry by its index (`products[1].sku`). One walk for every stage, so a path means the same everywhere."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_ABSENT = object()


_INDEXED = re.compile(r"([^\[\]]+)((?:\[\d+\])+)")


@lru_cache(maxsize=4096)  # an interview has a few hundred paths, each read many times per order
def steps(path: str) -> tuple[str | int, ...]:
    """`products[1].sku` → ('products', 1, 'sku'). Only `[<digits>]` is an index: any other part (an
    expression's `products[].sku`) is a key as written, which answers never hold."""
    out: list[str | int] = []
    for part in path.split("."):
        indexed = _INDEXED.fullmatch(part) if "[" in part else None
        if indexed:
            out.append(indexed.group(1))
            out += [int(i) for i in re.findall(r"\d+", indexed.group(2))]
        else:
            out.append(part)
    return tuple(out)


def lookup(data: dict, path: str, default: Any = None) -> Any:
    """The value at a path in nested mappings (and lists, by index), or `default`."""
    current: Any = data
    for step in steps(path):
        if isinstance(step, int):
            if not isinstance(current, list) or step >= len(current):
                return default
        elif not isinstance(current, dict) or step not in current:
            return default
        current = current[step]
    return current


def has_path(data: dict, path: str) -> bool:
    return lookup(data, path, _ABSENT) is not _ABSENT


def make_parents(data: dict, path: str, *, replace: bool = False) -> dict | list | None:
    """Make the mappings (and list entries) on the way to `path`, and return the one that holds its last
    step. A step that holds something else (`contract: 5`) stops the walk and None is returned, so the
    wrong-typed answer is kept for validation to report; with `replace` it is replaced instead."""
    *parents, last = steps(path)
    node: Any = data
    for step, following in zip(parents, [*parents[1:], last]):
        if isinstance(step, int):
            if not isinstance(node, list):
                return None
            while len(node) <= step:
                node.append({})
        else:
            if not isinstance(node, dict):
                return None
            if step not in node or replace and not isinstance(node[step], (dict, list)):
                node[step] = [] if isinstance(following, int) else {}
        node = node[step]
    return node if isinstance(node, list if isinstance(last, int) else dict) else None


def set_path(data: dict, path: str, value: Any, *, replace: bool = False) -> None:
    """Set the value at a path, making what leads to it (see make_parents). A step that holds
    something else raises TypeError unless `replace`: a caller never loses an answer without knowing."""
    node = make_parents(data, path, replace=replace)
    if node is None:
        raise TypeError(f"{path}: a step on the way holds no mapping or list")
    last = steps(path)[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append({})
    node[last] = value


def delete_path(data: dict, path: str) -> None:
    """Remove the value at a path, if there is one; nothing is made on the way."""
    *parents, last = steps(path)
    node: Any = data
    for step in parents:
        if isinstance(step, int) and isinstance(node, list) and step < len(node) or \
                isinstance(step, str) and isinstance(node, dict) and step in node:
            node = node[step]
        else:
            return
    if isinstance(last, int):
        if isinstance(node, list) and last < len(node):
            del node[last]
    elif isinstance(node, dict):
        node.pop(last, None)
