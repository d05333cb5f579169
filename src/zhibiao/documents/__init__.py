"""Reading reports: text files and PDFs into a Document.

``read_document(path)`` returns a :class:`Document` with

- ``raw``: the text as decoded (text files) or as laid out from the PDF in
  reading order, columns one after the other, pages joined with ``\\f``;
- ``text``: the normalized text extraction reads (simplified Chinese, ASCII
  digits, no spaces inside Chinese sentences, wrapped lines joined, page
  numbers, running headers and web clutter dropped; one paragraph or heading
  a line; cells of a PDF table row apart by a tab);
- a map from every character of ``text`` to the range of ``raw`` it came
  from: ``raw_span(start, end)``, ``quote(start, end)`` (the text as printed),
  ``page_at(start)``.

Modules: ``text`` (encodings), ``pdf`` (pypdfium2), ``boxes``, ``layout`` and
``paragraphs`` (reading order from word boxes), ``normalize`` with ``mapped``
(the steps and the offset map), ``clutter`` (``templates/clutter.txt``).
"""
from __future__ import annotations

from .model import Document, Page
from .read import read_document

__all__ = ["Document", "Page", "read_document"]
