"""The standard workbook: layout (the single source of truth), writer, template fill.

``layout`` holds sheet names, positions and parsers that the importer shares;
``write_workbook`` streams the standard workbook; ``fill_template`` fills a
clerk's own template.
"""
from __future__ import annotations

from .fill import FillReport, fill_template
from .write import write_workbook

__all__ = ["write_workbook", "fill_template", "FillReport"]
