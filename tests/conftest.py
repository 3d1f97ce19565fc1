"""Shared fixtures: the bundled example order, and a way to vary one answer at a time."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest

import yaml

from contractgen.yamlio import load_yaml_file

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "houseware-tooling.yaml"

_DELETE = object()


def set_path(data: dict, path: str, value) -> None:
    """Set (or with DELETE, remove) a dotted path; `products.0.quantity` indexes a list."""
    parts = path.split(".")
    for part in parts[:-1]:
        data = data[int(part)] if isinstance(data, list) else data.setdefault(part, {})
    last = parts[-1]
    if value is _DELETE:
        if isinstance(data, list):
            del data[int(last)]
        else:
            data.pop(last, None)
    elif isinstance(data, list):
        data[int(last)] = value
    else:
        data[last] = value


@pytest.fixture
def example_answers() -> dict:
    return copy.deepcopy(load_yaml_file(EXAMPLE))


@pytest.fixture
def write_order(tmp_path, example_answers):
    """write_order({'payment.deposit_percent': 120}) -> path of an answers file with those changes."""
    counter = iter(range(10_000))

    def write(changes: dict | None = None, base: dict | None = None) -> Path:
        data = copy.deepcopy(base if base is not None else example_answers)
        for path, value in (changes or {}).items():
            set_path(data, path, value)
        path = tmp_path / f"order-{next(counter)}.yaml"
        path.write_text(yaml.safe_dump(_plain(data), allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    return write


def _plain(value):
    """YAML's number subclasses back to plain numbers, so safe_dump can write them."""
    from decimal import Decimal

    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, (float, Decimal)):
        return float(value)
    return value


DELETE = _DELETE
