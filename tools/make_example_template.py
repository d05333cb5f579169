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
    help_sheet(wb)
    return wb


HELP = [
    ("标记写法", r"\{{指标|地区|年份}}，如 \{{GDP_GROWTH|152500|2023}}"),
    ("指标", "indicators.csv 的代码（GDP_GROWTH）或中文名（地区生产总值增速）"),
    ("地区", "六位行政区划代码（152500）或地区名称（锡林郭勒盟）"),
    ("月份（可选）", r"年内部分月份：1-6 或 1-6月，如 \{{CHINA_EUROPE_TRAINS|152501|2021|1-8}}"),
    ("状态（可选）", "实际/预计/目标（actual/estimate/target）；不写时取实际值，没有实际值取预计值；目标须写明"),
    ("整格标记", "单元格只有一个标记时填入数字，保留原有数字格式"),
    ("文字中的标记", "标记在一段文字里时，换成数字文本"),
    ("定义名称", "不写标记也可：给单元格定义名称 zb.指标.地区.年份[.m1_8][.target]，如 zb.GRASSLAND_RESTORATION.152500.2024.target"),
    ("报告", "未知的指标或地区、没有数据、有两个不同值的标记按单元格地址列出，原样保留（--blank-missing 则清空）"),
    ("原样文字", "在两个左花括号前加一个反斜杠就不是标记，填写时只去掉反斜杠（本页的示例即如此）"),
]


def help_sheet(wb: Workbook) -> None:
    """A second sheet telling a clerk the marker syntax (zhibiao fill leaves it alone)."""
    ws = wb.create_sheet("标记说明")
    ws["A1"] = "zhibiao fill 标记说明"
    ws["A1"].font = Font(name="宋体", size=14, bold=True)
    for r, (label, text) in enumerate(HELP, start=3):
        ws[f"A{r}"], ws[f"B{r}"] = label, text
        ws[f"A{r}"].font = Font(name="宋体", bold=True)
        ws[f"B{r}"].font = Font(name="宋体")
        ws[f"B{r}"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 90


def main() -> int:
    wb = build()
    wb.save(OUT)
    print(OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
