r"""Fill a clerk's own workbook template with fact values, keeping its formatting.

Marker syntax
-------------
A cell marker is ``{{INDICATOR|REGION|YEAR}}`` with optional extra parts in
any order::

    {{GDP_GROWTH|152500|2023}}             2023 actual (an estimate if no actual)
    {{地区生产总值增速|锡林郭勒盟|2024|目标}}   names work as well as codes
    {{CHINA_EUROPE_TRAINS|152501|2021|1-8}}  part of a year: 1-8 or 1-8月
    {{GDP|152500|2023|estimate}}           status: actual/estimate/target or 实际/预计/目标

* INDICATOR: a code of ``indicators.csv`` or its ``name_zh``.
* REGION: the six-digit code, or the region name as the facts spell it.
* Without a status a marker takes the ``actual`` value, else the ``estimate``;
  targets are only filled when asked for (``target``/``目标``).
* A cell that is exactly one marker gets the number, keeping the cell's
  number format; markers inside other text are replaced by the plain number.
* ``\{{…}}`` is not a marker: the fill writes it as ``{{…}}`` (for help text).

Defined names work the same without any text in the cell: a workbook- or
sheet-level name ``zb.INDICATOR.REGION.YEAR[.mA_B][.STATUS]`` (names cannot
hold ``|`` or ``-``), e.g. ``zb.GDP_GROWTH.152500.2023`` or
``zb.CHINA_EUROPE_TRAINS.152501.2021.m1_8``, fills the top-left cell it refers to.

Markers that cannot be read or name an unknown indicator or region go to
``FillReport.unknown``; markers with no value to ``missing``; markers with
two different values to ``conflicts``.  All three are left untouched in the
output (or blanked with ``blank_missing=True``) and reported by cell address.
"""
from __future__ import annotations

import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Iterator

from .. import catalog
from ..errors import WorkbookError
from ..facts import Fact
from . import layout as L

MARKER = re.compile(r"(?<!\\)\{\{([^{}]*)\}\}")
ESCAPED = "\\{{"  # \{{…}} is literal text: the backslash goes, the braces stay
NAME_PREFIX = "zb."


@dataclass(frozen=True)
class Marker:
    """What a marker asks for; ``status`` None means actual, else estimate."""

    indicator: str
    region: str
    year: int
    months: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class Problem:
    cell: str      # e.g. "主要指标!C5"
    marker: str
    reason: str

    def __str__(self) -> str:
        return f"{self.cell} {self.marker}: {self.reason}"


@dataclass
class FillReport:
    """What was filled and what was not, by cell address."""

    output: Path
    filled: list[tuple[str, str, Decimal]] = field(default_factory=list)  # cell, marker, value
    unknown: list[Problem] = field(default_factory=list)
    missing: list[Problem] = field(default_factory=list)
    conflicts: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.unknown or self.missing or self.conflicts)

    def lines(self) -> list[str]:
        """One line per problem, for a terminal."""
        return ([f"未知标记 {p}" for p in self.unknown] + [f"无数据 {p}" for p in self.missing]
                + [f"有冲突 {p}" for p in self.conflicts])


def parse_marker(body: str) -> Marker:
    """A marker's parts (without braces).

    >>> parse_marker("GDP_GROWTH|152500|2024|目标")
    Marker(indicator='GDP_GROWTH', region='152500', year=2024, months=None, status='target')
    >>> parse_marker(" CHINA_EUROPE_TRAINS | 152501 | 2021 | 1-8月 ").months
    '1-8'
    """
    parts = [p.strip() for p in body.split("|")]
    if len(parts) < 3 or not re.fullmatch(r"\d{4}", parts[2]):
        raise WorkbookError("需要 指标|地区|年份，如 {{GDP_GROWTH|152500|2023}}")
    months = status = None
    for extra in parts[3:]:
        m = re.fullmatch(r"m?(1[0-2]|[1-9])[-_](1[0-2]|[1-9])月?", extra, re.I)
        if m:
            months = f"{int(m.group(1))}-{int(m.group(2))}"
            continue
        try:
            status = L.parse_status(extra.lower() if extra.isascii() else extra)
        except WorkbookError:
            raise WorkbookError(f"不认识的部分 {extra!r}（应为月份如 1-6 或 实际/预计/目标）") from None
    return Marker(parts[0], parts[1], int(parts[2]), months, status)


def parse_name(name: str) -> Marker | None:
    """A marker from a defined name ``zb.IND.REGION.YEAR[.mA_B][.STATUS]``; None if not ours.

    >>> parse_name("zb.CHINA_EUROPE_TRAINS.152501.2021.m1_8")
    Marker(indicator='CHINA_EUROPE_TRAINS', region='152501', year=2021, months='1-8', status=None)
    """
    if not name.lower().startswith(NAME_PREFIX):
        return None
    parts = name[len(NAME_PREFIX):].split(".")
    parts[0] = parts[0].upper()
    return parse_marker("|".join(parts))


class FactIndex:
    """Facts by key, with names of indicators and regions resolved to codes."""

    def __init__(self, facts: Iterable[Fact]) -> None:
        self.by_key: dict[tuple, list[Fact]] = defaultdict(list)
        self.regions: dict[str, str] = {}
        for f in facts:
            self.by_key[f.key].append(f)
            self.regions[f.region] = f.region_code
            self.regions[f.region_code] = f.region_code
        self.indicators = {i.name_zh: i.code for i in catalog.indicators().values()}
        self.indicators.update({c: c for c in catalog.indicators()})

    def lookup(self, m: Marker) -> list[Fact]:
        """Facts for a marker; WorkbookError for an unknown indicator or region."""
        code = self.indicators.get(m.indicator) or self.indicators.get(m.indicator.upper())
        if code is None:
            raise WorkbookError(f"未知指标 {m.indicator!r}")
        region = self.regions.get(m.region)
        if region is None:
            if not re.fullmatch(r"[1-9]\d{5}", m.region):
                raise WorkbookError(f"未知地区 {m.region!r}")
            return []  # a well-formed code with no facts: no value, not unknown
        for status in ([m.status] if m.status else ["actual", "estimate"]):
            found = self.by_key.get((region, code, m.year, m.months, status))
            if found:
                return found
        return []


def _number(v: Decimal) -> Decimal:
    """Plain decimal (no exponent), so openpyxl writes 12000, not 1.2E+4."""
    return Decimal(format(v, "f"))


def _distinct(found: list[Fact]) -> list[Decimal]:
    return sorted({f.value for f in found})


def _cells_with_markers(wb) -> Iterator:
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and "{{" in cell.value and not cell.value.startswith("="):
                    yield ws, cell


def _fill_cell(ws, cell, index: FactIndex, report: FillReport, blank_missing: bool) -> None:
    text: str = cell.value
    address = f"{ws.title}!{cell.coordinate}"
    whole = MARKER.fullmatch(text.strip())
    unresolved = False

    def replace(m: re.Match) -> str:
        nonlocal unresolved
        value = _resolve(m.group(0), m.group(1), address, index, report)
        if value is None:
            unresolved = True
            return "" if blank_missing else m.group(0)
        return format(value, "f")

    new = MARKER.sub(replace, text).replace(ESCAPED, "{{")
    if whole and not unresolved:
        cell.value = _number(Decimal(new.strip()))
    elif whole and blank_missing:
        cell.value = None
    else:
        cell.value = new


def _resolve(marker: str, body: str, address: str, index: FactIndex,
             report: FillReport) -> Decimal | None:
    """The value for one marker, recording it in the report either way."""
    try:
        found = index.lookup(parse_marker(body))
    except WorkbookError as exc:
        report.unknown.append(Problem(address, marker, str(exc)))
        return None
    values = _distinct(found)
    if not values:
        report.missing.append(Problem(address, marker, "没有这个值"))
        return None
    if len(values) > 1:
        listed = "、".join(format(v, "f") for v in values)
        report.conflicts.append(Problem(address, marker, f"有{len(values)}个不同的值：{listed}"))
        return None
    report.filled.append((address, marker, values[0]))
    return values[0]


def _defined_names(wb) -> Iterator[tuple[str, object]]:
    yield from wb.defined_names.items()
    for ws in wb.worksheets:
        yield from ws.defined_names.items()


def _fill_names(wb, index: FactIndex, report: FillReport) -> None:
    for name, dn in _defined_names(wb):
        if not name.lower().startswith(NAME_PREFIX):
            continue
        for sheet, ref in dn.destinations:
            top_left = ref.replace("$", "").split(":")[0]
            address = f"{sheet}!{top_left}"
            # The same resolution as a cell marker, from the name's dotted parts.
            parts = name[len(NAME_PREFIX):].split(".")
            body = "|".join([parts[0].upper()] + parts[1:])
            value = _resolve(name, body, address, index, report)
            if value is not None and sheet in wb.sheetnames:
                wb[sheet][top_left].value = _number(value)


def fill_template(facts: Iterable[Fact], template_path: str | os.PathLike[str],
                  out_path: str | os.PathLike[str], *, blank_missing: bool = False) -> FillReport:
    """Fill the markers and ``zb.`` names of a template; write ``out_path`` atomically."""
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    template, out = Path(template_path), Path(out_path)
    try:
        wb = openpyxl.load_workbook(template, keep_vba=template.suffix.lower() == ".xlsm")
    except (OSError, InvalidFileException, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise WorkbookError(f"{template}: cannot open template: {exc}") from exc
    index = FactIndex(facts)
    report = FillReport(out)
    for ws, cell in list(_cells_with_markers(wb)):
        _fill_cell(ws, cell, index, report, blank_missing)
    _fill_names(wb, index, report)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        wb.save(tmp)
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise WorkbookError(f"{out}: cannot write filled workbook: {exc}") from exc
    return report
