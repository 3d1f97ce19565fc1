"""Where the bundled data folders are.

In the source checkout they sit beside the package (clause_library/, templates/, interviews/,
translations/, examples/, risk_rules/, reference/); the wheel copies them into the package itself (see
pyproject.toml), so an installed contractgen works from any directory.
"""
from __future__ import annotations

import hashlib
import os
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


def data_fingerprint(*extra_roots: Path, suffix: str = "") -> str:
    """sha256 over every data file's path and bytes (about 15 ms), and those of `extra_roots` ending in
    `suffix`: what a long-running process compares with what it loaded, to never serve an edited clause
    from memory."""
    files = [os.path.join(folder, name) for root in [data_root() / f for f in DATA_FOLDERS]
             for folder, _, names in os.walk(root) for name in names]
    files += [os.path.join(folder, name) for root in extra_roots for folder, _, names in os.walk(root)
              for name in names if name.endswith(suffix)]
    digest = hashlib.sha256()
    for file in sorted(files):
        with open(file, "rb") as handle:
            data = handle.read()
        digest.update(f"{file}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()
