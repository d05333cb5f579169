"""Cell notes go through a spool on disk and come out as xlsxwriter would write them."""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import tracemalloc
import zipfile
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest
import xlsxwriter

from zhibiao.errors import WorkbookError
from zhibiao.workbook import comments as C
from zhibiao.workbook import layout as L
from zhibiao.workbook import write
from zhibiao.workbook.package import sheet_parts

pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension")

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
V, X = "{urn:schemas-microsoft-com:vml}", "{urn:schemas-microsoft-com:office:excel}"
O = "{urn:schemas-microsoft-com:office:office}"
STAMP = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:Z|[+-]\d\d:\d\d)")


@pytest.fixture(scope="module")
def extracted_facts() -> list:
    """What extraction finds in the sample reports (real quotes, pages, conflicts)."""
    from zhibiao.extraction import extract_file

    return [f for p in sorted(SAMPLES.glob("*.txt")) for f in extract_file(p)[1]]


def both_ways(facts: list, folder: Path, monkeypatch) -> tuple[Path, Path]:
    """The workbook written with the spool, and with every note through xlsxwriter's write_comment."""
    new = write.write_workbook(facts, folder / "spooled.xlsx", workbook_id="same")
    with monkeypatch.context() as m:
        m.setattr(write, "CommentSpool", C.XlsxwriterComments)
        old = write.write_workbook(facts, folder / "xlsxwriter.xlsx", workbook_id="same")
    return new, old


def parsed_notes(path: Path) -> dict[str, dict]:
    """Per sheet: authors, and per cell the note's text, font, box style, anchor and visibility."""
    out = {}
    with zipfile.ZipFile(path) as zf:
        for sheet, parts in sheet_parts(path).items():
            if "comments" not in parts:
                continue
            notes = ET.fromstring(zf.read(parts["comments"]))
            authors = [a.text or "" for a in notes.iter(MAIN + "author")]
            cells = {}
            for c in notes.iter(MAIN + "comment"):
                rpr = c.find(f"{MAIN}text/{MAIN}r/{MAIN}rPr")
                font = {e.tag[len(MAIN):]: e.get("val") or e.get("indexed") for e in rpr}
                text = "".join(t.text or "" for t in c.iter(MAIN + "t"))
                cells[c.get("ref")] = {"text": text, "author": authors[int(c.get("authorId"))], **font}
            vml = ET.fromstring(zf.read(parts["vmlDrawing"]))
            ids = [s.get("id") for s in vml.iter(V + "shape")]
            for s in vml.iter(V + "shape"):
                d = s.find(X + "ClientData")
                ref = xlsxwriter.utility.xl_rowcol_to_cell(int(d.findtext(X + "Row")),
                                                           int(d.findtext(X + "Column")))
                cells[ref].update(style=s.get("style"), fill=s.get("fillcolor"),
                                  anchor=d.findtext(X + "Anchor"), visible=d.find(X + "Visible") is not None)
            idmap = vml.find(f"{O}shapelayout/{O}idmap").get("data")
            out[sheet] = {"authors": authors, "cells": cells, "idmap": idmap, "shape_ids": ids}
    return out


def openpyxl_notes(path: Path) -> dict[tuple[str, str], str]:
    wb = openpyxl.load_workbook(path)
    return {(ws.title, c.coordinate): c.comment.text for ws in wb for row in ws.iter_rows()
            for c in row if c.comment}


def parts_without_stamps(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: STAMP.sub(b"STAMP", zf.read(i)) for i in zf.infolist()}


@pytest.mark.parametrize("which", ["seed_facts", "extracted_facts"])
def test_notes_are_what_xlsxwriter_writes(which, request, tmp_path, monkeypatch):
    facts = request.getfixturevalue(which)
    new, old = both_ways(facts, tmp_path, monkeypatch)
    notes = parsed_notes(new)
    assert notes == parsed_notes(old)
    assert set(notes) <= set(L.VALUE_SHEETS) and L.ANNUAL in notes
    assert sum(len(n["cells"]) for n in notes.values()) >= len({(f.region_code, f.indicator, f.year, f.months, f.status)
                                                                for f in facts}) // 2
    seen = openpyxl_notes(new)
    assert seen == openpyxl_notes(old) and all(seen.values())
    # Everything else is copied unchanged, and the notes parts are even byte for byte the same.
    assert parts_without_stamps(new) == parts_without_stamps(old)


def test_legacy_drawing_sits_where_the_schema_puts_it(seed_facts, tmp_path):
    book = write.write_workbook(seed_facts, tmp_path / "b.xlsx")
    order = ["sheetData", "sheetProtection", "autoFilter", "mergeCells", "dataValidations",
             "printOptions", "pageMargins", "pageSetup", "headerFooter", "ignoredErrors",
             "drawing", "legacyDrawing", "legacyDrawingHF", "picture", "oleObjects", "tableParts", "extLst"]
    with zipfile.ZipFile(book) as zf:
        for sheet, parts in sheet_parts(book).items():
            root = ET.fromstring(zf.read(parts["worksheet"]))
            tags = [e.tag[len(MAIN):] for e in root]
            has_notes = "comments" in parts
            assert ("legacyDrawing" in tags) == has_notes, sheet
            if has_notes:
                known = [t for t in tags if t in order]
                assert known == sorted(known, key=order.index), sheet
                if sheet == L.ANNUAL:  # the sparklines' extension list comes after
                    assert tags.index("legacyDrawing") < tags.index("extLst")
    assert openpyxl_notes(book)


def raw_book(path: Path, notes, n: int) -> None:
    """A plain constant-memory workbook with ``n`` notes over two sheets and every edge case."""
    wb = xlsxwriter.Workbook(str(notes.package if notes else path), {"constant_memory": True})
    wb.set_properties({"created": datetime(2024, 1, 2, 3, 4, 5)})
    note = notes.write if notes else (lambda ws, r, c, t, o=None: ws.write_comment(r, c, t, o))
    for s in range(2):
        ws = wb.add_worksheet(f"s{s}")
        ws.set_column(0, 0, 3, None, {"hidden": True})
        ws.set_column(1, 3, 30)
        ws.set_row(0, 40)
        ws.set_default_row(16)
        tricky = [" leading space", "trailing\n", "a & b < c > d \"q\"", "_x0041_ and \x01\x0c",
                  "长" * 300, "\U0001F600 astral"]
        for r in range(n):
            ws.write_number(r, 1, r)
            ws.write_number(r, 2, r)
            # Column 2 before column 1: a row's notes are sorted as xlsxwriter sorts them.
            assert note(ws, r, 2, f"right {r}", {"visible": r % 7 == 0, "author": f"a{r % 3}"}) == 0
            assert note(ws, r, 1, tricky[r % len(tricky)] if r % 5 else f"first {r}",
                        {"width": 300, "height": 40 + r % 50, "font_name": "宋体 & co", "font_size": 9,
                         "x_scale": 1.5 if r % 2 else None}) == 0
            if r == 3:
                note(ws, r, 1, "replaced", {"y_scale": 2})
        last = (C.ROW_MAX - 1, C.COL_MAX - 1)
        ws.write_number(*last, 1)
        assert note(ws, *last, "the very last cell") == 0
        assert note(ws, C.ROW_MAX, 0, "outside") == -1
        assert note(ws, C.ROW_MAX - 1, 1, "x" * 40000) == -2
    wb.close()
    if notes:
        notes.finish(path)


def test_spool_writes_the_same_file_as_xlsxwriter(tmp_path):
    """Over 1,024 notes a sheet (two shape-id blocks), options, escapes, edges: the very same bytes."""
    raw_book(tmp_path / "old.xlsx", None, 1100)
    with C.CommentSpool() as notes:
        raw_book(tmp_path / "new.xlsx", notes, 1100)
    notes_new = parsed_notes(tmp_path / "new.xlsx")
    assert len(notes_new["s0"]["cells"]) == 2201
    assert (notes_new["s0"]["idmap"], notes_new["s1"]["idmap"]) == ("1,2,3", "4,5,6")
    assert (tmp_path / "new.xlsx").read_bytes() == (tmp_path / "old.xlsx").read_bytes()


def test_notes_must_come_in_row_order(tmp_path):
    with C.CommentSpool() as notes:
        wb = xlsxwriter.Workbook(str(notes.package), {"constant_memory": True})
        ws = wb.add_worksheet()
        notes.write(ws, 5, 1, "a")
        with pytest.raises(ValueError, match="row order"):
            notes.write(ws, 4, 1, "b")
        with pytest.raises(ValueError, match="not supported"):
            notes.write(ws, 6, 1, "c", {"color": "red"})
        wb.close()


def test_memory_does_not_grow_with_the_number_of_notes(tmp_path):
    def peak(n: int) -> int:
        with C.CommentSpool() as notes:
            wb = xlsxwriter.Workbook(str(notes.package), {"constant_memory": True})
            ws = wb.add_worksheet()
            tracemalloc.start()
            for r in range(n):
                ws.write_number(r, 0, r)
                notes.write(ws, r, 0, f"原文：“第{r}条，增长{r % 97}%”\n出处：报告{r}.txt", {"width": 380, "height": 48})
            wb.close()
            notes.finish(tmp_path / f"{n}.xlsx")
            top = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        return top

    small, big = peak(2_000), peak(20_000)
    assert big - small < 1_000_000, (small, big)  # write_comment would hold ~0.8 kB a note: 14 MB more


@pytest.mark.parametrize("where", ["writing", "finishing"])
def test_a_failure_leaves_no_file_behind(where, seed_facts, tmp_path, monkeypatch):
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))  # the spool's and xlsxwriter's temporary files
    target = tmp_path / "out" / "book.xlsx"
    if where == "writing":
        real, calls = write.comment_text, []

        def tenth_fails(cell):
            calls.append(cell)
            if len(calls) == 10:
                raise RuntimeError("boom")
            return real(cell)
        monkeypatch.setattr(write, "comment_text", tenth_fails)
        expected: type[BaseException] = RuntimeError
    else:
        def disk_full(self, *args):
            yield "<xml>"
            raise OSError(28, "No space left on device")
        monkeypatch.setattr(C._SheetNotes, "vml_part", disk_full)
        expected = WorkbookError
    with pytest.raises(expected):
        write.write_workbook(seed_facts, target)
    assert list(target.parent.iterdir()) == []
    assert list(temp.iterdir()) == []


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="soffice (LibreOffice) is absent")
def test_libreoffice_shows_every_note(seed_facts, tmp_path):
    book = write.write_workbook(seed_facts, tmp_path / "book.xlsx")
    expected = openpyxl_notes(book)
    assert len(expected) > 50
    for fmt in ("ods", "xlsx"):
        out = tmp_path / fmt
        cmd = ["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
               "--convert-to", fmt, "--outdir", str(out), str(book)]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
        result = out / f"book.{fmt}"
        assert done.returncode == 0 and result.exists(), done.stdout + done.stderr
        if fmt == "xlsx":
            assert openpyxl_notes(result) == expected
        else:
            with zipfile.ZipFile(result) as zf:
                content = ET.fromstring(zf.read("content.xml"))
            office = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
            text = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
            shown = ["".join("".join(p.itertext()) for p in a.iter(text + "p"))
                     for a in content.iter(office + "annotation")]
            squeeze = lambda t: re.sub(r"\s+", "", t)  # noqa: E731 (ODF spells runs of spaces apart)
            assert sorted(map(squeeze, shown)) == sorted(map(squeeze, expected.values()))
