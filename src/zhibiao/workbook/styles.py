"""Cell formats of the standard workbook, made once per workbook and cached.

Colours and texts come from ``templates/workbook.json``; the combinations
(status × highlight × decimals) are built on demand because xlsxwriter
formats belong to one workbook.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook

from . import layout as L

MAX_DECIMALS = 4


def decimals(value: Decimal | None) -> int:
    """Decimal places to show: as many as the value has (up to 4).

    >>> decimals(Decimal("29.34")), decimals(Decimal("2150")), decimals(Decimal("1E+3"))
    (2, 0, 0)
    """
    if value is None:
        return 0
    exp = value.normalize().as_tuple().exponent
    return min(MAX_DECIMALS, max(0, -exp)) if isinstance(exp, int) else 0


def number_format(places: int, estimate: bool = False) -> str:
    """``#,##0.00`` style; estimates keep a visible suffix but stay numbers.

    >>> number_format(2), number_format(0, estimate=True)
    ('#,##0.00', '#,##0"(预计)"')
    """
    fmt = "#,##0" + ("." + "0" * places if places else "")
    if estimate:
        fmt += '"' + L.config()["estimate_suffix"] + '"'
    return fmt


class Styles:
    """Named formats of one workbook."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self.colors: dict[str, str] = L.config()["colors"]
        self._cache: dict[Any, Format] = {}
        self.low_below = float(L.config().get("low_confidence_below", 0.8))

    def _make(self, key: Any, props: dict[str, Any]) -> Format:
        fmt = self._cache.get(key)
        if fmt is None:
            fmt = self._cache[key] = self.wb.add_format(props)
        return fmt

    def named(self, name: str) -> Format:
        """Fixed formats: title, header, key, label, region, text, wrap, link, legend."""
        c = self.colors
        border = {"border": 1, "border_color": c["header_border"]}
        props: dict[str, dict[str, Any]] = {
            "title": {"bold": True, "font_size": 14, "font_color": c["title"], "valign": "vcenter"},
            "header": {"bold": True, "bg_color": c["header_bg"], "align": "center",
                       "valign": "vcenter", "text_wrap": True, **border},
            "header_year": {"bold": True, "bg_color": c["header_bg"], "align": "center",
                            "valign": "vcenter", "num_format": "0", **border},
            "key": {"font_color": "#595959", "bg_color": c["key_bg"]},
            "label": {},
            "region_first": {"bold": True, "top": 2, "top_color": c["region_border"]},
            "label_first": {"top": 2, "top_color": c["region_border"]},
            "text": {"valign": "top"},
            "wrap": {"text_wrap": True, "valign": "top"},
            "link": {"font_color": c["link"], "underline": 1, "align": "center"},
            "legend_label": {"bold": True, "align": "right", "valign": "vcenter"},
            "hint": {"font_color": "#595959", "font_size": 9},
            "title_cell": {"text_wrap": True, "valign": "vcenter"},
            "top_bold": {"bold": True, "valign": "top"},
            "unlocked_text": {"locked": False, "align": "center"},
            "bold": {"bold": True},
            "center": {"align": "center"},
        }
        return self._make(name, props[name])

    def highlight(self, confidence: float, conflict: bool) -> str | None:
        """``conflict``, ``low_confidence`` or None."""
        if conflict:
            return "conflict"
        return "low_confidence" if confidence < self.low_below else None

    def value(self, places: int = 0, estimate: bool = False, highlight: str | None = None,
              unlocked: bool = True) -> Format:
        """A value cell: number format, estimate marking, highlight colour."""
        key = ("value", places, estimate, highlight, unlocked)
        if key in self._cache:
            return self._cache[key]
        c = self.colors
        props: dict[str, Any] = {"num_format": number_format(places, estimate),
                                 "locked": not unlocked}
        if estimate:
            props.update(italic=True, font_color=c["estimate_font"], bg_color=c["estimate_bg"])
        if highlight == "low_confidence":
            props["bg_color"] = c["low_confidence_bg"]
        elif highlight == "conflict":
            props.update(bg_color=c["conflict_bg"], bold=True)
            if not estimate:
                props["font_color"] = c["conflict_font"]
        return self._make(key, props)

    def legend(self, style: str) -> Format:
        """A legend swatch: the look of a value cell with that marking, wrapped text."""
        c = self.colors
        props: dict[str, Any] = {"text_wrap": True, "align": "center", "valign": "vcenter",
                                 "border": 1, "border_color": c["header_border"]}
        if style == "estimate":
            props.update(italic=True, font_color=c["estimate_font"], bg_color=c["estimate_bg"])
        elif style == "low_confidence":
            props["bg_color"] = c["low_confidence_bg"]
        elif style == "conflict":
            props.update(bg_color=c["conflict_bg"], bold=True, font_color=c["conflict_font"])
        return self._make(("legend", style), props)

    def column(self, kind: str) -> Format:
        """Column default for empty cells: value/qualifier cells stay editable."""
        if kind == "qualifier":
            return self._make(("col", kind), {"locked": False, "align": "center"})
        # General, not #,##0: a clerk typing 5.3 must see 5.3.
        return self._make(("col", kind), {"locked": False})
