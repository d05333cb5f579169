"""Text of a PDF in reading order, with pypdfium2, one page at a time.

Speed comes from asking PDFium for two character boxes per word (its first
and last character) rather than one per character: a word here is a run of
non-space characters, which in Chinese text is usually a whole line.
Memory stays flat because each page and its text page are closed before the
next is opened, and only the page's text is kept.
"""
from __future__ import annotations

import ctypes
import re
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..errors import ReadError
from .layout import Word, read_order, render
from .model import Page

_WORD = re.compile(r"\S+")

_OPEN_ERRORS = {
    pdfium_c.FPDF_ERR_PASSWORD: "encrypted PDF (a password is needed)",
    pdfium_c.FPDF_ERR_SECURITY: "encrypted PDF (unsupported security handler)",
    pdfium_c.FPDF_ERR_FORMAT: "corrupt PDF (not in PDF format or damaged)",
    pdfium_c.FPDF_ERR_FILE: "cannot open the PDF file",
}


def open_pdf(path: Path) -> pdfium.PdfDocument:
    """Open ``path`` or raise a ReadError that names the file and the reason."""
    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        raise ReadError(f"{path}: {_why_not_open(path)}") from exc


def _why_not_open(path: Path) -> str:
    """Why PDFium refused a file.  pypdfium2 raises alike for a failed load and
    for a document of no pages, and PDFium's last error is not reset by a
    successful load, so load it again by hand to tell them apart."""
    handle = pdfium_c.FPDF_LoadDocument(str(path).encode("utf-8"), None)
    if handle:
        pdfium_c.FPDF_CloseDocument(handle)
        return "empty PDF (no pages)"
    return _OPEN_ERRORS.get(pdfium_c.FPDF_GetLastError(), "corrupt PDF (cannot be parsed)")


def read_pdf(path: Path) -> tuple[str, list[Page]]:
    """The raw text of ``path`` (pages joined with ``\\f``) and its pages.

    Raises ReadError for an encrypted, corrupt or empty PDF, and for one with
    no text layer at all (scanned or image-only).
    """
    pdf = open_pdf(path)
    try:
        count = len(pdf)
        if count == 0:
            raise ReadError(f"{path}: empty PDF (no pages)")
        parts: list[str] = []
        pages: list[Page] = []
        pos = 0
        for index in range(count):
            text = _read_page(pdf, index, path)
            if index:
                parts.append("\f")
                pos += 1
            parts.append(text)
            pages.append(Page(index + 1, pos, pos + len(text)))
            pos += len(text)
    finally:
        pdf.close()
    raw = "".join(parts)
    if not raw.strip():
        raise ReadError(f"{path}: no text layer in {count} page(s) (a scanned or image-only PDF?)")
    return raw, pages


def _read_page(pdf: pdfium.PdfDocument, index: int, path: Path) -> str:
    try:
        page = pdf[index]
    except pdfium.PdfiumError as exc:
        raise ReadError(f"{path}: page {index + 1} cannot be loaded (corrupt PDF?)") from exc
    try:
        textpage = page.get_textpage()
        try:
            left, bottom, right, top = page.get_bbox()
            text = _page_chars(textpage)
            words = _words(textpage, text, left, bottom)
            return render(read_order(words, right - left, top - bottom), text)
        finally:
            textpage.close()
    finally:
        page.close()


def _page_chars(textpage: pdfium.PdfTextPage) -> str:
    """The text page's characters, one per character index.

    ``get_text_range`` is one call but may drop or add characters; then fall
    back to asking for each character so that indices match the boxes.
    """
    count = textpage.count_chars()
    text = textpage.get_text_range()
    if len(text) == count:
        return text
    return "".join(chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i) or 32) for i in range(count))


def _words(textpage: pdfium.PdfTextPage, text: str, left: float, bottom: float) -> list[Word]:
    """Every run of non-space characters with its box (relative to the page's corner)."""
    box = _CharBoxes(textpage)
    # The PDFium call inlined (it runs twice a word): l, r, b, t into reused doubles.
    get_box, raw, refs = pdfium_c.FPDFText_GetCharBox, box.raw, box.refs
    vl, vr, vb, vt = box.vals
    words: list[Word] = []
    append = words.append
    for match in _WORD.finditer(text):
        a, b = match.span()
        if get_box(raw, a, *refs):
            x0, x1, y0, y1 = vl.value, vr.value, vb.value, vt.value
        else:  # PDFium could not place it: keep its text where the word before stood
            prev = words[-1] if words else Word("", 0.0, 0.0, 0.0, 0.0)
            x0, x1, y0, y1 = prev.x1 + left, prev.x1 + left, prev.y0 + bottom, prev.y1 + bottom
        if b - a > 1:
            if not get_box(raw, b - 1, *refs):
                vl.value, vr.value, vb.value, vt.value = x0, x1, y0, y1
            lx0, x1, ly0, ly1 = vl.value, vr.value, vb.value, vt.value
            if lx0 < x0 or ly1 < y0 or ly0 > y1:  # not on one line after all
                words.extend(_split_word(box, text, a, b, left, bottom))
                continue
            y0 = ly0 if ly0 < y0 else y0
            y1 = ly1 if ly1 > y1 else y1
        append(Word(match.group(), x0 - left, y0 - bottom, x1 - left, y1 - bottom, a, b))
    return words


def _split_word(box: "_CharBoxes", text: str, a: int, b: int,
                left: float, bottom: float) -> list[Word]:
    """A run whose ends are not on one line (PDFium added no break): cut it where the
    characters go back left or leave the line."""
    out: list[Word] = []
    start = a
    cur = list(box(a))
    for i in range(a + 1, b):
        nxt = box(i)
        if nxt[0] < cur[0] - 1 or nxt[3] < cur[1] or nxt[1] > cur[3]:
            out.append(Word(text[start:i], cur[0] - left, cur[1] - bottom,
                            cur[2] - left, cur[3] - bottom, start, i))
            start, cur = i, list(nxt)
            continue
        cur = [cur[0], min(cur[1], nxt[1]), max(cur[2], nxt[2]), max(cur[3], nxt[3])]
    out.append(Word(text[start:b], cur[0] - left, cur[1] - bottom,
                    cur[2] - left, cur[3] - bottom, start, b))
    return out


class _CharBoxes:
    """Tight character boxes straight from PDFium, with reused ctypes doubles.

    Tight, not loose: a loose box of a closing "、" reaches into the gutter.
    """

    def __init__(self, textpage: pdfium.PdfTextPage) -> None:
        self.raw = textpage.raw
        self.vals = [ctypes.c_double() for _ in range(4)]
        self.refs = [ctypes.byref(v) for v in self.vals]

    def __call__(self, index: int) -> tuple[float, float, float, float]:
        left, right, bottom, top = self.vals
        if not pdfium_c.FPDFText_GetCharBox(self.raw, index, *self.refs):  # l, r, b, t
            return 0.0, 0.0, 0.0, 0.0
        return left.value, bottom.value, right.value, top.value
