"""contractgen: bilingual (English / Simplified Chinese) contracts for buying from Chinese factories.

The command line (`contractgen --help`) is the main way in. The Python API is small and data first; an
answers mapping is what an answers YAML file holds (docs/formats.md):

- `validate_mapping(answers, documents)` → `Answers`, or a `ValidationError` listing every problem
- `assess_mapping(answers, documents)` → the pre-deposit `Assessment` (`contractgen check`)
- `assemble_mapping(answers, documents, source)` → (`Answers`, the `Document`s); `assemble_documents(path, …)`
- `build_files(answers, documents, formats, layout, source)` → {file name: bytes}, as `contractgen build`
  writes them; `build(path, documents, formats, layout, outdir)` writes them
"""
from .build import (assemble_documents, assemble_mapping, assess_mapping, build, build_files, resolve_documents,
                    validate_mapping)
from .core.errors import ContractgenError, InputError, LibraryError, Problem, ValidationError
from .documents.model import Document
from .risk.assess import Assessment

__all__ = ["validate_mapping", "assess_mapping", "assemble_mapping", "assemble_documents", "build_files", "build",
           "resolve_documents", "Document", "Assessment", "ContractgenError", "InputError", "LibraryError",
           "Problem", "ValidationError"]
