"""The sheets around the grids: 说明, 来源, 校验, _meta, and shared sheet setup.

Every text that came from a document goes through ``write_string`` (never
``write``), so a quote starting with ``=``, ``+``, ``-`` or ``@`` stays text.
"""
from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any, Iterable, Sequence

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..facts import decimal_to_json
from . import layout as L
from .plan import Entry, Plan
from .styles import Styles, decimals

# Everything a reviewer may do on a protected sheet except change locked cells.
PROTECT_OPTIONS = {"format_columns": True, "format_rows": True, "autofilter": True,
                   "sort": True, "select_locked_cells": True, "select_unlocked_cells": True}

Column = tuple[int, float, "Format | None", bool]  # col, width, default format, hidden


# Column-width units that still print legibly across one landscape A4 page.
PAGE_WIDTH_UNITS = 200


def setup(ws: Worksheet, columns: Iterable[Column], *, freeze: tuple[int, int],
          protect: bool = True, fixed_rows: bool = True,
          repeat_cols: tuple[int, int] | None = None) -> None:
    """Widths, hidden keys, frozen panes, print setup and protection of a sheet.

    Printing fits the sheet to the page width; a grid too wide for that to
    stay legible (many years) is split over pages side by side, with its label
    columns ``repeat_cols`` printed on each.
    """
    visible = 0.0
    for col, width, fmt, hidden in columns:
        ws.set_column(col, col, width, fmt, {"hidden": True} if hidden else None)
        visible += 0 if hidden else width
    ws.freeze_panes(*freeze)
    if fixed_rows:  # even rows; off where wrapped quotes need rows to grow
        ws.set_default_row(16)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    pages_wide = max(1, math.ceil(visible / PAGE_WIDTH_UNITS)) if repeat_cols else 1
    ws.fit_to_pages(pages_wide, 0)
    if pages_wide > 1 and repeat_cols:
        ws.repeat_columns(*repeat_cols)
        ws.print_across()  # a row's later years print on the very next page
    ws.repeat_rows(0, L.HEADER_ROW)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_header("&L&A&R" + L.config()["readme"]["title"])
    ws.set_footer("&C第 &P 页，共 &N 页")
    ws.hide_gridlines(0)  # print the grid: clerks read printouts row by row
    if protect:
        ws.protect("", PROTECT_OPTIONS)


def link_formula(target: str, text: str) -> str:
    """A HYPERLINK formula to a cell of this workbook.

    Formulas instead of ``write_url`` because Excel stops at 65,530 hyperlinks a
    sheet and xlsxwriter keeps each one in memory until close.

    >>> link_formula("来源!A5", "第5行")
    '=HYPERLINK("#\\'来源\\'!A5","第5行")'
    """
    sheet, _, ref = target.rpartition("!")
    return f'=HYPERLINK("#\'{sheet}\'!{ref}","{text}")'


def write_link(ws: Worksheet, row: int, col: int, target: str, text: str, fmt: Format) -> None:
    ws.write_formula(row, col, link_formula(target, text.replace('"', "'")), fmt, text)


def header_row(ws: Worksheet, st: Styles, values: Sequence[str | int], title: str,
               title_col: int = 0, legend: Sequence[tuple[int, str, Format]] = (),
               hint: str = "") -> None:
    """Title (with a hint line, over two columns) and legend cells in row 1, header in row 2.

    Row 1 is written completely before row 2: constant-memory mode flushes a
    row as soon as a later one is touched.
    """
    ws.set_row(L.LEGEND_ROW, L.config()["heights"]["legend"])
    ws.set_row(L.HEADER_ROW, L.config()["heights"]["header"])
    if hint:
        ws.merge_range(L.LEGEND_ROW, title_col, L.LEGEND_ROW, title_col + 1, "", st.named("wrap"))
        ws.write_rich_string(L.LEGEND_ROW, title_col, st.named("title"), title, "\n",
                             st.named("hint"), hint, st.named("title_cell"))
    else:
        ws.write_string(L.LEGEND_ROW, title_col, title, st.named("title"))
    for col, text, fmt in legend:
        ws.write_string(L.LEGEND_ROW, col, text, fmt)
    for col, v in enumerate(values):
        if isinstance(v, int):
            ws.write_number(L.HEADER_ROW, col, v, st.named("header_year"))
        else:
            ws.write_string(L.HEADER_ROW, col, v, st.named("header"))


def finish(ws: Worksheet, n_rows: int, last_col: int, text_cols: str = "",
           print_last_col: int | None = None) -> None:
    """Print area, autofilter and no "number stored as text" flags on key columns.

    The print area stops LibreOffice from printing the legend's overflow and
    empty gridded columns.
    """
    last = L.FIRST_DATA_ROW + max(n_rows, 1) - 1
    ws.print_area(0, 0, last, last_col if print_last_col is None else print_last_col)
    if n_rows:
        ws.autofilter(L.HEADER_ROW, 0, last, last_col)
    if text_cols:
        a, _, b = text_cols.partition(":")
        ws.ignore_errors({"number_stored_as_text": f"{a}{L.FIRST_DATA_ROW + 1}:{b or a}{last + 1}"})


def fixed_columns(specs: Sequence[dict[str, Any]]) -> list[Column]:
    return [(i, c["width"], None, bool(c.get("hidden"))) for i, c in enumerate(specs)]


def write_number(ws: Worksheet, row: int, col: int, value: Decimal | None, fmt: Format) -> None:
    if value is not None:
        ws.write_number(row, col, float(value), fmt)


# --- 说明 -----------------------------------------------------------------

def write_readme(wb: Workbook, st: Styles, props: dict[str, Any],
                 documents: Sequence[dict[str, Any]]) -> None:
    """What the workbook is, where it came from and how to correct and re-import it."""
    text = L.config()["readme"]
    ws = wb.add_worksheet(L.README)
    for col, width in enumerate((14, 46, 8, 70)):
        ws.set_column(col, col, width)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_row(0, 26)
    ws.write_string(0, 0, text["title"], st.named("title"))
    ws.merge_range(1, 0, 1, 3, text["intro"], st.named("wrap"))
    r = 3
    for key, label in text["properties"].items():
        ws.write_string(r, 0, label, st.named("top_bold"))
        ws.write_string(r, 1, str(props.get(key, "")), st.named("text"))
        r += 1
    r += 1
    for name, about in text["sheets"]:
        ws.write_string(r, 0, name, st.named("top_bold"))
        ws.merge_range(r, 1, r, 3, about, st.named("wrap"))
        r += 1
    r += 1
    for line in text["how_to"]:
        ws.set_row(r, 32)
        ws.merge_range(r, 0, r, 3, line, st.named("wrap"))
        r += 1
    r += 1
    for col, h in enumerate(text["documents_header"]):
        ws.write_string(r, col, h, st.named("header"))
    for i, doc in enumerate(documents, 1):
        ws.write_number(r + i, 0, i, st.named("center"))
        ws.write_string(r + i, 1, str(doc.get("name", "")), st.named("text"))
        ws.write_string(r + i, 2, str(doc.get("pages", "")), st.named("text"))
        ws.write_string(r + i, 3, str(doc.get("sha256", "")), st.named("text"))
    ws.protect("", PROTECT_OPTIONS)


# --- 来源 -----------------------------------------------------------------

def source_cells(e: Entry) -> list[Any]:
    """One 来源 row: every field of the fact, in SOURCE_FIELDS order."""
    f, s = e.fact, e.fact.source
    labels = L.config()["labels"]
    cell = f"{e.sheet}!{e.cell}" if e.cell else labels["no_cell"]
    if e.behind_actual:
        cell += "（表中为实际值）"
    also = json.dumps([vars(m) for m in s.also], ensure_ascii=False) if s.also else ""
    by_field = {
        "row": e.source_row, "cell": cell, "doc": f.doc, "region_code": f.region_code,
        "region": f.region, "indicator": f.indicator, "indicator_name": f.indicator_name,
        "year": f.year, "months": f.months or "", "status": L.STATUS_LABELS.get(f.status, f.status),
        "value": f.value, "value_high": f.value_high, "unit": f.unit,
        "qualifier": L.QUALIFIER_LABELS.get(f.qualifier, f.qualifier), "source.file": s.file,
        "source.page": s.page, "source.start": s.start, "source.end": s.end,
        "source.quote": s.quote, "source.also": also,
        # 3 places as in the JSON record; 0.8999999999999999 would come back 0.9 from LibreOffice.
        "confidence": round(f.confidence, 3),
        "rule": f.rule, "conflict": "是" if e.conflict else "",
    }
    return [by_field[k] for k in L.SOURCE_FIELDS]


def write_sources(wb: Workbook, st: Styles, plan: Plan) -> None:
    """Every fact in long form; read-only (the importer never reads it back)."""
    specs = L.config()["source_columns"]
    ws = wb.add_worksheet(L.SOURCES)
    setup(ws, fixed_columns(specs), freeze=(L.FIRST_DATA_ROW, 2), fixed_rows=False)
    header_row(ws, st, [c["header"] for c in specs], L.config()["titles"]["sources"])
    text, wrap, link = st.named("text"), st.named("wrap"), st.named("link")
    cell_col = L.SOURCE_FIELDS.index("cell")
    string_fmt = [wrap if f == "source.quote" else text for f in L.SOURCE_FIELDS]
    for e in plan.sources():  # the largest sheet: keep the per-cell path short
        r = e.source_row - 1
        for col, v in enumerate(source_cells(e)):
            if v.__class__ is str:
                if col == cell_col and e.cell:
                    write_link(ws, r, col, f"{e.sheet}!{e.cell}", v, link)
                elif v:
                    ws.write_string(r, col, v, string_fmt[col])
            elif v.__class__ is Decimal:
                ws.write_number(r, col, float(v), st.value(decimals(v), unlocked=False))
            elif v is not None:  # int or float fields: row, year, page, offsets, confidence
                ws.write_number(r, col, v, text)
    # Print what a clerk checks (up to the page); machine fields stay on screen only.
    printed = L.SOURCE_FIELDS.index(L.config()["print_sources_through"])
    finish(ws, plan.count, len(specs) - 1, "A:" + L.col_letter(len(specs) - 1), printed)


# --- 校验 -----------------------------------------------------------------

def write_findings(wb: Workbook, st: Styles, findings: Sequence[dict[str, Any]]) -> None:
    """Validation findings; a cell address links to the cell it is about."""
    specs = L.config()["findings_columns"]
    severities = L.config()["severities"]
    ws = wb.add_worksheet(L.FINDINGS)
    setup(ws, fixed_columns(specs), freeze=(L.FIRST_DATA_ROW, 0))
    header_row(ws, st, [c["header"] for c in specs], L.config()["titles"]["findings"])
    text, wrap, link = st.named("text"), st.named("wrap"), st.named("link")
    for i, finding in enumerate(findings):
        r = L.FIRST_DATA_ROW + i
        for col, key in enumerate(L.FINDING_FIELDS):
            v = finding.get(key)
            if key == "severity":
                v = severities.get(str(v), v)
            if v is None or v == "":
                continue
            sheet = finding.get("sheet")
            if key == "cell" and sheet:
                write_link(ws, r, col, f"{sheet}!{v}", str(v), link)
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                ws.write_number(r, col, v, text)
            else:
                ws.write_string(r, col, str(v), wrap if key == "message" else text)
    finish(ws, len(findings), len(specs) - 1)


# --- _meta ----------------------------------------------------------------

def write_meta(wb: Workbook, props: dict[str, Any], plan: Plan) -> None:
    """Properties and the snapshot of every value cell, very hidden and protected."""
    ws = wb.add_worksheet(L.META)
    ws.write_row(0, 0, ["property", "value"])
    r = 1
    for key in L.META_PROPERTIES:
        ws.write_string(r, 0, key)
        if str(props.get(key, "")):
            ws.write_string(r, 1, str(props[key]))
        r += 1
    r += 1
    ws.write_row(r, 0, L.SNAPSHOT_FIELDS)
    for snap in plan.snapshot():
        r += 1
        for col, v in enumerate(snap.cells()):
            if isinstance(v, int):
                ws.write_number(r, col, v)
            elif v:  # no empty strings: LibreOffice drops them and a re-save must read back the same
                ws.write_string(r, col, v)
    ws.very_hidden()
    ws.protect("", {"select_locked_cells": False, "select_unlocked_cells": False})


def documents_json(documents: Sequence[dict[str, Any]]) -> str:
    """The documents as compact JSON for ``_meta``."""
    def plain(v: Any) -> Any:
        return decimal_to_json(v) if isinstance(v, Decimal) else v
    return json.dumps([{k: plain(v) for k, v in d.items()} for d in documents],
                      ensure_ascii=False)
