"""``read_document``: a text file or a PDF into a Document."""
from __future__ import annotations

from pathlib import Path

from .model import Document, Page
from .normalize import normalize
from .pdf import read_pdf
from .text import file_bytes, read_text


def sniff_kind(path: Path) -> str:
    """``"pdf"`` when the file starts like a PDF or is named ``.pdf``, else ``"text"``.

    A PDF header may follow some junk bytes (readers look in the first KiB).
    """
    head = file_bytes(path, 1024)
    if b"%PDF-" in head or path.suffix.lower() == ".pdf":
        return "pdf"
    return "text"


def read_document(path: str | Path) -> Document:
    """Read a report (text in any common Chinese encoding, or a text PDF).

    Raises ReadError, naming the file, when it is missing, empty, binary,
    undecodable, or a PDF that is encrypted, corrupt, empty or has no text.
    """
    path = Path(path)
    kind = sniff_kind(path)
    encoding: str | None = None
    if kind == "pdf":
        raw, pages = read_pdf(path)
    else:
        raw, encoding = read_text(path)
        pages = [Page(1, 0, len(raw))]
    mapped = normalize(raw, pdf=kind == "pdf")
    return Document(path=path, kind=kind, raw=raw, text=mapped.text, pages=pages,
                    encoding=encoding, _starts=mapped.starts, _ends=mapped.ends)
