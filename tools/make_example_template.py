"""Write templates/example_template.xlsx: a clerk's own table with zhibiao markers.

Run from the repository root:  .venv/bin/python tools/make_example_template.py
Fill it with:  zhibiao fill templates/example_template.xlsx facts.jsonl -o filled.xlsx
(the markers use 锡林郭勒盟 152500 and 二连浩特市 152501 of the sample reports).
"""
from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.workbook.defined_name import DefinedName

OUT = Path(__file__).resolve().parent.parent / "templates" / "example_template.xlsx"

# (label, unit, number format, 2023 marker, 2024 marker)
ROWS = [
    ("地区生产总值增速", "%", "0.0", "{{GDP_GROWTH|152500|2023}}", "{{GDP_GROWTH|152500|2024|目标}}"),
    ("固定资产投资增速", "%", "0.0", "{{FAI_GROWTH|152500|2023}}", "{{FAI_GROWTH|152500|2024|target}}"),
    ("重点项目个数", "个", "0", "{{KEY_PROJECT_COUNT|152500|2023}}", "{{KEY_PROJECT_COUNT|152500|2024|目标}}"),
    ("原煤产量", "万吨", "#,##0", "{{COAL_OUTPUT|152500|2023}}", "{{COAL_OUTPUT|152500|2024|目标}}"),
    ("新能源装机规模", "万千瓦", "#,##0", "{{新能源装机规模|锡林郭勒盟|2023}}", "{{新能源装机规模|锡林郭勒盟|2024|目标}}"),
    ("退化草原生态修复面积", "万亩", "0", "{{GRASSLAND_RESTORATION|152500|2023}}", None),  # 2024: a name
    ("二连浩特中欧班列（2021年1-8月）", "列", "#,##0", "{{CHINA_EUROPE_TRAINS|152501|2021|1-8}}", None),
]


def build() -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "主要指标"
    thin = Side(style="thin", color="808080")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    head = PatternFill("solid", fgColor="DDEBF7")
    ws.merge_cells("A1:D1")
    ws["A1"] = "锡林郭勒盟主要经济指标"
    ws["A1"].font = Font(name="宋体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    for col, text in zip("ABCD", ("指标", "单位", "2023年实际", "2024年目标")):
        cell = ws[f"{col}2"]
        cell.value, cell.font, cell.fill, cell.border = text, Font(name="宋体", bold=True), head, box
        cell.alignment = Alignment(horizontal="center")
    for r, (label, unit, fmt, m2023, m2024) in enumerate(ROWS, start=3):
        for col, value in zip("ABCD", (label, unit, m2023, m2024)):
            cell = ws[f"{col}{r}"]
            cell.value, cell.border, cell.font = value, box, Font(name="宋体")
            if col in "CD":
                cell.number_format = fmt
                cell.alignment = Alignment(horizontal="right")
    # A value placed by a defined name instead of marker text.
    # A cell filled through a defined name instead of marker text.
    row = 3 + [r[0] for r in ROWS].index("退化草原生态修复面积")
    name = "zb.GRASSLAND_RESTORATION.152500.2024.target"
    wb.defined_names[name] = DefinedName(name, attr_text=f"'主要指标'!$D${row}")
    note = 4 + len(ROWS)
    ws.merge_cells(f"A{note}:D{note}")
    ws[f"A{note}"] = ("2023年全盟接待游客{{TOURIST_ARRIVALS|152500|2023}}万人次，"
                     "实现旅游收入{{TOURISM_REVENUE|152500|2023}}亿元；"
                     "外贸进出口总额预计{{FOREIGN_TRADE|152500|2023|预计}}亿元。")
    ws[f"A{note}"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[note].height = 36
    for col, width in zip("ABCD", (26, 10, 14, 14)):
        ws.column_dimensions[col].width = width
    ws.page_setup.orientation = "portrait"
    ws.print_options.horizontalCentered = True
    return wb


def main() -> int:
    wb = build()
    wb.save(OUT)
    print(OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
