"""contractgen: bilingual (English / Simplified Chinese) contracts for buying from Chinese factories.

The public API is small; the command line (`contractgen --help`) is the main way in.
"""
from .build import assemble_documents, build
from .errors import ContractgenError, InputError, LibraryError, Problem, ValidationError
from .model import Document

__all__ = ["build", "assemble_documents", "Document", "ContractgenError", "InputError", "LibraryError",
           "Problem", "ValidationError"]
