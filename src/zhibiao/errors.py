"""The exceptions zhibiao raises; every one names the file and the place."""
from __future__ import annotations


class ZhibiaoError(Exception):
    """Base class of every error zhibiao raises on purpose."""


class CatalogError(ZhibiaoError):
    """A data file under templates/ is missing or malformed."""


class ReadError(ZhibiaoError):
    """A report could not be read (missing, binary, encrypted, corrupt, scanned)."""


class ExtractError(ZhibiaoError):
    """Extraction was asked for something it cannot do (bad override, bad input)."""


class WorkbookError(ZhibiaoError):
    """A workbook could not be written, filled or read back."""


class ValidationFailed(ZhibiaoError):
    """Validation found errors that stop the operation."""


class ImportRejected(ZhibiaoError):
    """A reviewed workbook was rejected; the store was left unchanged."""


class StoreError(ZhibiaoError):
    """The canonical store could not be opened, migrated or written."""
