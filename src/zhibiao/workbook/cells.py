"""What a reviewer typed in a value cell, read as a number in the indicator's unit.

Numbers as Excel stores them, or text such as ``约６％``, ``1,234.5`` or
``50以上``: the qualifier words are those of the extraction's data file, so a
qualifier typed beside a value survives re-import.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from .. import catalog
from . import layout as L


class CellError(ValueError):
    """A cell's content cannot be read as a number; the message says why, in Chinese."""


@dataclass(frozen=True)
class Parsed:
    """A value read from a cell, with a qualifier typed alongside it (``约6``)."""

    value: Decimal | None
    qualifier: str | None = None
    note: str = ""  # set when text was read as a number: reported as a warning


_SYMBOLS = {"≥": "ge", ">=": "ge", ">": "gt", "≤": "le", "<=": "le", "<": "lt", "≈": "approx",
            "~": "approx", "约": "approx"}
_PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")


@lru_cache(maxsize=None)
def _qualifier_words() -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """(before, after) word → qualifier, longest first, from the extraction's data file."""
    before, after = dict(_SYMBOLS), {}
    for row in catalog.read_csv("extraction/qualifiers.csv"):
        (before if row["position"] == "before" else after)[row["word"]] = row["qualifier"]
    order = lambda d: tuple(sorted(d.items(), key=lambda kv: -len(kv[0])))  # noqa: E731
    return order(before), order(after)


def parse_cell(raw: Any, unit: str = "") -> Parsed:
    """What a reviewer left in a value cell, as a Decimal in the indicator's *unit*.

    >>> parse_cell(6.5), parse_cell(None), parse_cell("  ")
    (Parsed(value=Decimal('6.5'), qualifier=None, note=''), Parsed(value=None, qualifier=None, note=''), Parsed(value=None, qualifier=None, note=''))
    >>> parse_cell(0.1 + 0.2).value, parse_cell(13700).value
    (Decimal('0.3'), Decimal('13700'))
    >>> p = parse_cell("约６％", "%"); (p.value, p.qualifier)
    (Decimal('6'), 'approx')
    >>> parse_cell("１２３").value, parse_cell("1,234.5").value, parse_cell("－3").value
    (Decimal('123'), Decimal('1234.5'), Decimal('-3'))
    >>> parse_cell("5696亿元", "亿元").value, parse_cell("50以上", "万人").qualifier
    (Decimal('5696'), 'ge')
    >>> parse_cell("6%", "亿元")
    Traceback (most recent call last):
    zhibiao.workbook.cells.CellError: “6%”是百分数，但本指标单位是亿元；请只填数字
    >>> parse_cell("1,2")
    Traceback (most recent call last):
    zhibiao.workbook.cells.CellError: “1,2”不是数字（逗号只能作千位分隔符）
    >>> parse_cell("1.2万", "亿元")
    Traceback (most recent call last):
    zhibiao.workbook.cells.CellError: “1.2万”含有文字“万”；请换算成亿元后只填数字
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Parsed(None)
    if isinstance(raw, bool):
        raise CellError(f"“{raw}”是逻辑值，不是数字")
    if isinstance(raw, (int, float)):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise CellError("不是有限的数字")
        # 15 significant digits: what Excel keeps, so 0.1+0.2 reads as 0.3.
        return Parsed(Decimal(format(raw, ".15g")) if isinstance(raw, float) else Decimal(raw))
    if isinstance(raw, (datetime, date, time, timedelta)):
        raise CellError(f"“{raw}”被识别成日期或时间；请把单元格格式设为数值后重填")
    return _parse_text(str(raw), unit)


def _parse_text(text: str, unit: str) -> Parsed:
    t = unicodedata.normalize("NFKC", text).replace("\u2212", "-")
    t = re.sub(r"\s+", "", t).replace(L.config()["estimate_suffix"].replace("（", "(").replace("）", ")"), "")
    qualifier, t = _strip_qualifier(t)
    if t.endswith("%"):
        if unit != "%":
            raise CellError(f"“{text}”是百分数，但本指标单位是{unit}；请只填数字")
        t = t[:-1]
    elif unit and unit != "%" and t.endswith(unicodedata.normalize("NFKC", unit)):
        t = t[: -len(unit)]
    if qualifier is None:
        qualifier, t = _strip_qualifier(t)
    if _THOUSANDS.fullmatch(t):
        t = t.replace(",", "")
    elif "," in t:
        raise CellError(f"“{text}”不是数字（逗号只能作千位分隔符）")
    if not _PLAIN.fullmatch(t):
        words = "".join(ch for ch in t if not (ch.isdigit() or ch in "+-."))
        if not any(ch.isdigit() for ch in t):
            raise CellError(f"“{text}”不是数字；请只填数字（单位：{unit or '见单位列'}）")
        if words:
            raise CellError(f"“{text}”含有文字“{words}”；请换算成{unit or '标准单位'}后只填数字")
        raise CellError(f"“{text}”不是数字")
    return Parsed(Decimal(t), qualifier, f"文本“{text}”按数字 {t} 读入")


def _strip_qualifier(t: str) -> tuple[str | None, str]:
    before, after = _qualifier_words()
    for word, q in before:
        if t.startswith(word) and len(t) > len(word):
            return q, t[len(word):]
    for word, q in after:
        if t.endswith(word) and len(t) > len(word):
            return q, t[: -len(word)]
    return None, t
