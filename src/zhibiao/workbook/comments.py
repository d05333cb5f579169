"""Cell notes spooled to disk, so that memory stays flat however many a workbook has.

xlsxwriter keeps every comment (its text, options and box) in memory until
``close()``, about 0.8 kB a note even in constant-memory mode.  A
:class:`CommentSpool` writes each note to a temporary file instead, and after
``close()`` copies the package with the notes put in (:meth:`CommentSpool.finish`).

How the notes get into the package: the first note of a sheet is also given
to xlsxwriter (``write_comment``), so xlsxwriter itself lays out everything
*around* the notes exactly as for a sheet with many — the ``<legacyDrawing>``
element at its place in the sheet, the sheet's relationships, the content
types, the comment font in ``styles.xml``.  Only the two parts that hold the
notes, ``xl/commentsN.xml`` and ``xl/drawings/vmlDrawingN.vml``, are then
replaced by ones streamed from the spool, written as xlsxwriter writes them:
the same author list, shape ids and ``o:idmap`` blocks, and boxes placed by
xlsxwriter's own positioning from the final column widths and row heights
(``Worksheet._position_object_pixels``, the one non-public xlsxwriter call,
only called, never replaced).  tests/test_workbook_comments.py checks that the
result is byte for byte what ``write_comment`` gives, so a change in a new
xlsxwriter shows there.

The contract is xlsxwriter's constant-memory one: per sheet, notes come in
row order (any column order within a row; a later note replaces an earlier
one on the same cell), and go on cells that are written.  Every note of a
sheet goes through the spool (``write_comment`` notes on it would be lost),
and the sheet-wide ``show_comments``/``set_comments_author`` do not apply:
use the ``visible`` and ``author`` options.
"""
from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterator, TextIO

from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from .package import rewrite, sheet_parts

ROW_MAX, COL_MAX, TEXT_MAX = 1048576, 16384, 32767  # Excel's limits, as xlsxwriter checks them
SHAPES_PER_BLOCK = 1024  # VML shape ids come in blocks; o:idmap lists a drawing's blocks
_BATCH = 256  # notes formatted per piece handed to the compressor (~250 kB)

# (text, width, height, font name, font size, font family, author, visible)
Note = tuple[str, int, int, str, Any, int, str, bool]

_OPTIONS = {"width", "height", "x_scale", "y_scale", "font_name", "font_size", "font_family",
            "author", "visible"}

# xlsxwriter's escaping of element text: XML, then Excel's _xHHHH_ for control characters.
_NEEDS_ESCAPE = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
_EXCEL_ESCAPE = re.compile(r"(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_EDGE_SPACE = re.compile(r"^\s|\s$")

_COMMENTS_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  '<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
_VML_HEAD = ('<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'
             ' xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit">'
             '<o:idmap v:ext="edit" data="{}"/></o:shapelayout>')
_VML_SHAPETYPE = ('<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
                  'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
                  '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>')
_VML_SHAPE = (
    '<v:shape id="_x0000_s{id}" type="#_x0000_t202" style="position:absolute;margin-left:{left:.15g}pt;'
    'margin-top:{top:.15g}pt;width:{width:.15g}pt;height:{height:.15g}pt;z-index:{z};visibility:{vis}" '
    'fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/>'
    '<v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
    '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>'
    '<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
    '<x:Anchor>{a[0]}, {a[2]}, {a[1]}, {a[3]}, {a[4]}, {a[6]}, {a[5]}, {a[7]}</x:Anchor>'
    '<x:AutoFill>False</x:AutoFill><x:Row>{row}</x:Row><x:Column>{col}</x:Column>{shown}'
    '</x:ClientData></v:shape>')


def escape_text(text: str) -> str:
    """Element text as xlsxwriter writes it.

    >>> escape_text("a<b & _x0041_\\x01")
    'a&lt;b &amp; _x005F_x0041__x0001_'
    """
    if not _NEEDS_ESCAPE.search(text):
        return text
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _EXCEL_ESCAPE.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text)
    return text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")


def escape_attr(value: str) -> str:
    """An attribute value as xlsxwriter writes it."""
    return (value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            .replace(">", "&gt;").replace("\n", "&#xA;"))


def note(text: str, options: dict[str, Any] | None) -> Note:
    """The note as xlsxwriter's CommentType reads ``write_comment`` options (defaults, scale, rounding)."""
    o = options or {}
    unknown = set(o) - _OPTIONS
    if unknown:
        raise ValueError(f"comment options not supported by the spool: {', '.join(sorted(unknown))}")
    num = (int, float)
    width = o["width"] if o.get("width") and isinstance(o["width"], num) else 128
    height = o["height"] if o.get("height") and isinstance(o["height"], num) else 74
    if o.get("x_scale") and isinstance(o["x_scale"], num):
        width *= o["x_scale"]
    if o.get("y_scale") and isinstance(o["y_scale"], num):
        height *= o["y_scale"]
    name, size, family = o.get("font_name"), o.get("font_size"), o.get("font_family")
    author, visible = o.get("author"), o.get("visible")
    return (text, int(0.5 + width), int(0.5 + height),
            name if name and isinstance(name, str) else "Tahoma",
            size if size and isinstance(size, num) else 8,
            family if family and isinstance(family, int) else 2,
            author if author and isinstance(author, str) else "",  # xlsxwriter's default author
            visible if isinstance(visible, bool) else False)


def box_origin(row: int, col: int) -> tuple[int, int, int, int]:
    """(row, col, x offset, y offset) of a note's top left corner, as xlsxwriter places it.

    One column right and one row up, 15 and 10 pixels in; pulled back at the
    sheet's edges.

    >>> box_origin(5, 2), box_origin(0, 0)
    ((4, 3, 15, 10), (0, 1, 15, 2))
    """
    if row == 0:
        start_row, y = 0, 2
    elif row >= ROW_MAX - 3:
        start_row, y = row - 4, (16, 16, 14)[row - (ROW_MAX - 3)]
    else:
        start_row, y = row - 1, 10
    start_col, x = (col - 3, 49) if col >= COL_MAX - 3 else (col + 1, 15)
    return start_row, start_col, x, y


class _SheetNotes:
    """One sheet's spool: ``<comment>`` elements in one file, box sizes in another."""

    def __init__(self, ws: Worksheet, folder: Path, n: int) -> None:
        self.ws = ws
        self.xml_path, self.box_path = folder / f"comments{n}.xml", folder / f"boxes{n}.txt"
        self.xml: TextIO = open(self.xml_path, "w", encoding="utf-8", newline="", buffering=1 << 16)
        self.boxes: TextIO = open(self.box_path, "w", encoding="ascii", newline="", buffering=1 << 16)
        self.count = 0
        self.authors: dict[str, int] = {}
        self.row = -1
        self.pending: dict[int, Note] = {}  # the current row's notes: sorted when the row is done
        self._rpr: dict[tuple[str, Any, int], str] = {}

    def add(self, row: int, col: int, n: Note) -> None:
        if row != self.row:
            if row < self.row:
                raise ValueError(f"{self.ws.name}: note on row {row + 1} after row {self.row + 1}: "
                                 "notes must come in row order")
            self.flush()
            self.row = row
        self.pending[col] = n

    def flush(self) -> None:
        """Write the current row's notes, by column, as xlsxwriter sorts them."""
        for col in sorted(self.pending):
            text, width, height, font, size, family, author, visible = self.pending[col]
            author_id = self.authors.setdefault(author, len(self.authors))
            rpr = self._rpr.get((font, size, family))
            if rpr is None:
                rpr = self._rpr[(font, size, family)] = (
                    f'<rPr><sz val="{size}"/><color indexed="81"/><rFont val="{escape_attr(font)}"/>'
                    f'<family val="{family}"/></rPr>')
            t = '<t xml:space="preserve">' if _EDGE_SPACE.search(text) else "<t>"
            self.xml.write(f'<comment ref="{xl_rowcol_to_cell(self.row, col)}" authorId="{author_id}">'
                           f'<text><r>{rpr}{t}{escape_text(text)}</t></r></text></comment>')
            self.boxes.write(f"{self.row} {col} {width} {height} {int(visible)}\n")
            self.count += 1
        self.pending.clear()

    def close(self) -> None:
        self.xml.close()
        self.boxes.close()

    def comments_part(self) -> Iterator[str]:
        """``xl/commentsN.xml``: authors in order of first use, then the spooled elements."""
        authors = "".join(f"<author>{escape_text(a)}</author>" for a in self.authors)
        yield f"{_COMMENTS_HEAD}<authors>{authors}</authors><commentList>"
        with open(self.xml_path, encoding="utf-8", newline="") as fh:
            while block := fh.read(1 << 17):  # characters: a bounded piece at a time
                yield block
        yield "</commentList></comments>"

    def vml_part(self, data_ids: str, first_shape: int) -> Iterator[str]:
        """``xl/drawings/vmlDrawingN.vml``: one shape per note, placed by xlsxwriter's positioning.

        The box is placed now, after ``close()``, from the sheet's final
        column widths and row heights, as xlsxwriter does.
        """
        place = self.ws._position_object_pixels  # xlsxwriter's own placement: see the module doc
        yield _VML_HEAD.format(data_ids) + (_VML_SHAPETYPE if self.count else "")
        batch = []
        with open(self.box_path, encoding="ascii") as fh:
            for z, line in enumerate(fh, 1):
                row, col, width, height, visible = map(int, line.split())
                start_row, start_col, x, y = box_origin(row, col)
                a = place(start_col, start_row, x, y, width, height, 0)
                batch.append(_VML_SHAPE.format(
                    id=first_shape + z, left=a[8] * 0.75, top=a[9] * 0.75, width=width * 0.75,
                    height=height * 0.75, z=z, vis="visible" if visible else "hidden", a=a, row=row,
                    col=col, shown="<x:Visible/>" if visible else ""))
                if len(batch) == _BATCH:
                    yield "".join(batch)
                    batch.clear()
        yield "".join(batch) + "</xml>"


class CommentSpool:
    """Notes of a workbook on their way to disk; a context manager that removes its files.

    Let xlsxwriter write the workbook to :attr:`package`, give every note to
    :meth:`write` instead of ``write_comment``, close the workbook, then
    :meth:`finish` writes the final file.
    """

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="zhibiao-notes-"))
        self.package = self.dir / "package.xlsx"  # where xlsxwriter writes the workbook
        self._sheets: dict[str, _SheetNotes] = {}

    def __enter__(self) -> CommentSpool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close and remove every temporary file (the package too)."""
        for sheet in self._sheets.values():
            sheet.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, ws: Worksheet, row: int, col: int, text: str,
              options: dict[str, Any] | None = None) -> int:
        """Like ``ws.write_comment``: 0, or -1 outside the sheet, -2 for a text over 32,767 units."""
        if not (0 <= row < ROW_MAX and 0 <= col < COL_MAX):
            return -1
        if len(text) > TEXT_MAX // 2 and len(text.encode("utf-16-le")) // 2 > TEXT_MAX:
            return -2
        n = note(text, options)
        sheet = self._sheets.get(ws.name)
        if sheet is None:
            # The first note also goes to xlsxwriter: it then builds the sheet's note plumbing.
            code = ws.write_comment(row, col, text, options)
            if code:
                return code
            sheet = self._sheets[ws.name] = _SheetNotes(ws, self.dir, len(self._sheets) + 1)
        sheet.add(row, col, n)
        return 0

    def finish(self, out: Path) -> None:
        """After the workbook is closed: write it to ``out`` with every spooled note."""
        for sheet in self._sheets.values():
            sheet.flush()
            sheet.close()
        if not self._sheets:
            shutil.copyfile(self.package, out)
            return
        replace = {}
        data_id, shape = 1, SHAPES_PER_BLOCK
        # Blocks of shape ids in workbook order, as xlsxwriter numbers them.
        found = sheet_parts(self.package)
        for name, parts in found.items():
            sheet = self._sheets.get(name)
            if sheet is None:
                continue
            if "comments" not in parts or "vmlDrawing" not in parts:
                raise ValueError(f"{name}: xlsxwriter wrote no comment parts for the sheet")
            blocks = 1 + sheet.count // SHAPES_PER_BLOCK
            ids = ",".join(str(data_id + i) for i in range(blocks))
            replace[parts["comments"]] = sheet.comments_part
            replace[parts["vmlDrawing"]] = lambda s=sheet, i=ids, b=shape: s.vml_part(i, b)
            data_id, shape = data_id + blocks, shape + SHAPES_PER_BLOCK * blocks
        lost = set(self._sheets) - set(found)
        if lost:
            raise ValueError(f"notes for sheets not in the workbook: {', '.join(sorted(lost))}")
        rewrite(self.package, out, replace)


class XlsxwriterComments(CommentSpool):
    """The reference: every note through ``write_comment``, held in memory until close.

    Same interface as :class:`CommentSpool`; for tests and benchmarks that
    compare the two.
    """

    def write(self, ws: Worksheet, row: int, col: int, text: str,
              options: dict[str, Any] | None = None) -> int:
        return ws.write_comment(row, col, text, options)

    def finish(self, out: Path) -> None:
        shutil.copyfile(self.package, out)
