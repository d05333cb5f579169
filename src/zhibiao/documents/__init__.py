"""Reading reports: text files and PDFs into a Document with normalized text
and a map from every normalized character back to the raw text and its page."""
from __future__ import annotations

from .model import Document, Page
from .read import read_document

__all__ = ["Document", "Page", "read_document"]
