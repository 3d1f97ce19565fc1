"""Where the bundled data folders are.

In the source checkout they sit beside the package (clause_library/, templates/, interviews/,
translations/, examples/, risk_rules/, reference/); the wheel copies them into the package itself (see
pyproject.toml), so an installed contractgen works from any directory.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

DATA_FOLDERS = ("clause_library", "templates", "interviews", "translations", "examples", "risk_rules",
                "reference")

_PACKAGE = Path(__file__).resolve().parent.parent  # contractgen/, from contractgen/core/


@cache
def data_root() -> Path:
    for root in (_PACKAGE, _PACKAGE.parent):
        if (root / "clause_library").is_dir():
            return root
    raise FileNotFoundError(
        f"contractgen's data folders (clause_library/ …) are neither in {_PACKAGE} nor beside it; "
        "reinstall contractgen")


def data_path(folder: str, *parts: str) -> Path:
    if folder not in DATA_FOLDERS:
        raise ValueError(f"unknown data folder {folder!r}")
    return data_root().joinpath(folder, *parts)
