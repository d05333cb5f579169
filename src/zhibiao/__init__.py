"""zhibiao (指标): Chinese government reports → standard, reviewed indicator workbooks.

The public API; the command line (``zhibiao …``) is a thin layer over it.
"""
from __future__ import annotations

import os

__version__ = "0.1.0"

from .errors import ZhibiaoError  # noqa: E402
from .facts import Fact, Source  # noqa: E402


def read(path):  # type: ignore[no-untyped-def]
    """Read a report (text or PDF) into a normalized Document."""
    from .documents import read_document

    return read_document(path)


def extract(path_or_document, *, region=None, year=None):  # type: ignore[no-untyped-def]
    """The facts of a report, given its path or a Document from :func:`read`."""
    from .extraction import extract as extract_document

    is_path = isinstance(path_or_document, (str, os.PathLike))
    document = read(path_or_document) if is_path else path_or_document
    return extract_document(document, region=region, year=year)


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    # heavy modules (pandas, openpyxl) load only when their function is asked for
    if name == "load":
        from .export import load
        return load
    if name == "import_workbook":
        from .reimport import import_workbook
        return import_workbook
    if name == "open_store":
        from .store import open_store
        return open_store
    if name == "build":
        from .build import build_workbooks
        return build_workbooks
    raise AttributeError(name)


__all__ = ["__version__", "ZhibiaoError", "Fact", "Source", "read", "extract", "load",
           "import_workbook", "open_store", "build"]
