"""contractgen: bilingual (English / Simplified Chinese) contracts for buying from Chinese factories.

The command line (`contractgen --help`) is the main way in. The Python API is small and data first; an
answers mapping is what an answers YAML file holds (docs/formats.md):

- `validate_mapping(answers, documents)` → `Answers`, or a `ValidationError` listing every problem
- `assess_mapping(answers, documents)` → the pre-deposit `Assessment` (`contractgen check`)
- `assemble_mapping(answers, documents, source)` → (`Answers`, the `Document`s); `assemble_documents(path, …)`
- `build_files(answers, documents, formats, layout, source)` → {file name: bytes}, as `contractgen build`
  writes them; `build(path, documents, formats, layout, outdir)` writes them
"""
from importlib import import_module

# name -> the module defining it, imported on first use (PEP 562), so `contractgen --help` or a command
# that never builds does not load the whole pipeline
_API = {**dict.fromkeys(("validate_mapping", "assess_mapping", "assemble_mapping", "assemble_documents", "build_files",
                         "build", "resolve_documents"), ".build"),
        **dict.fromkeys(("ContractgenError", "InputError", "LibraryError", "Problem", "ValidationError"), ".core.errors"),
        "Document": ".documents.model", "Assessment": ".risk.assess"}
__all__ = list(_API)


def __getattr__(name: str):
    if name not in _API:
        raise AttributeError(f"module 'contractgen' has no attribute {name!r}")
    return getattr(import_module(_API[name], __name__), name)
