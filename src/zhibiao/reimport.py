"""Re-import a reviewed workbook into the canonical store, all or nothing.

Values are found by their keys (the hidden 地区代码/指标代码 columns and the
year headers), never by row number, so sorted, filtered, hidden, inserted or
deleted rows import right.  Each value is compared three ways: with the value
the workbook was generated with (the ``_meta`` snapshot), with the store, and
with what the reviewer left in the cell.  Only a cell the reviewer changed is
a correction; a cell the reviewer changed that the store also changed since
is a conflict (``force`` overrides, and the audit log says so).

Reading the workbook back to cells is :mod:`zhibiao.workbook.read`; its
names are re-exported here.
"""
from __future__ import annotations

import getpass
import os
import re
import zipfile
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import catalog
from .errors import ImportRejected, WorkbookError
from .facts import Key
from .store import KIND_CORRECTED, KIND_EXTRACTED, Provenance, Record, Store, canon, now
from .validation import ERROR, WARNING, Finding, describe, fmt, validate_records
from .workbook import layout as L
from .workbook.read import (  # noqa: F401  (re-exported: tests, bench and the CLI import them here)
    CellError, Entry, Parsed, Reading, _code, _Named, file_sha256, formula_cells, parse_cell,
    read_rows, read_workbook, sheet_members)


# --- comparing and applying --------------------------------------------------

COUNTS = ("unchanged", "changed", "new", "removed", "rejected")


@dataclass(frozen=True)
class Change:
    """One cell that changes the store: ``old`` (store) → ``new`` (workbook)."""

    action: str  # new | changed | removed
    sheet: str
    cell: str
    region_code: str
    region: str
    indicator: str
    year: int
    months: str | None
    status: str
    old: Decimal | None
    new: Decimal | None
    old_qualifier: str | None
    new_qualifier: str | None
    generated: Decimal | None  # the value the workbook was generated with
    forced: bool = False

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for name in ("old", "new", "generated"):
            d[name] = None if d[name] is None else canon(d[name])
        return d

    def __str__(self) -> str:
        q = lambda code: "" if code in (None, "eq") else L.QUALIFIER_LABELS.get(code, code)  # noqa: E731
        old = "（空）" if self.old is None else f"{q(self.old_qualifier)}{fmt(self.old)}"
        new = "（删除）" if self.new is None else f"{q(self.new_qualifier)}{fmt(self.new)}"
        forced = " [强制覆盖]" if self.forced else ""
        return (f"{self.action:8} {self.sheet}!{self.cell} {describe(self)}：{old} → {new}{forced}")

    @property
    def key(self) -> Key:
        return (self.region_code, self.indicator, self.year, self.months, self.status)


@dataclass
class ImportReport:
    """What an import did (or would do): counts, changes cell by cell, errors, warnings."""

    workbook: str
    sha256: str
    reviewer: str
    dry_run: bool
    unchanged: int = 0
    changed: int = 0
    new: int = 0
    removed: int = 0
    rejected: int = 0
    changes: list[Change] = field(default_factory=list)
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    revision: int | None = None  # the store revision written, None when nothing was

    def to_dict(self) -> dict[str, Any]:
        return {**{k: getattr(self, k) for k in COUNTS},
                "workbook": self.workbook, "sha256": self.sha256, "reviewer": self.reviewer,
                "dry_run": self.dry_run, "revision": self.revision,
                "changes": [c.to_dict() for c in self.changes],
                "errors": [f.to_dict() for f in self.errors],
                "warnings": [f.to_dict() for f in self.warnings]}

    def to_text(self, limit: int = 500) -> str:
        """Counts, then errors, changes and warnings cell by cell (at most *limit* of each)."""
        head = "试导入（未写入）" if self.dry_run else ("已导入" if self.revision else "未写入")
        lines = [f"{head} {self.workbook}：" + "，".join(f"{k} {getattr(self, k)}" for k in COUNTS)]
        for items in (self.errors, self.changes, self.warnings):
            lines += [str(x) for x in items[:limit]]
            if len(items) > limit:
                lines.append(f"……另有 {len(items) - limit} 条（--format json 可看全部）")
        return "\n".join(lines)


class Rejected(ImportRejected):
    """The import was rejected; ``report`` says which cells and why."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(f"{report.workbook}: import rejected, {len(report.errors)} error(s); "
                         "the store was left unchanged\n" + "\n".join(str(f) for f in report.errors))
        self.report = report


@dataclass
class _Diff:
    report: ImportReport
    puts: dict[Key, tuple[Record, Change]] = field(default_factory=dict)
    removes: dict[Key, Change] = field(default_factory=dict)
    current: dict[Key, Record] = field(default_factory=dict)  # the store, read under the lock
    removed_since: set[Key] = field(default_factory=set)  # removed after the workbook was made
    store: Store | None = None


def import_workbook(path: str | os.PathLike[str], store: Store, *, reviewer: str | None = None,
                    dry_run: bool = False, force: bool = False,
                    allow_delete: bool = False) -> ImportReport:
    """Import a reviewed workbook into *store*, all or nothing.

    Raises :class:`Rejected` (an ``ImportRejected``, with ``.report``) when any
    cell is wrong; the store is then left byte-identical.  With *dry_run* the
    report says what would change and nothing is written.
    """
    reading = read_workbook(path)
    who = reviewer or os.environ.get("ZHIBIAO_REVIEWER") or _login()
    report = ImportReport(reading.path.name, reading.sha256, who, dry_run,
                          errors=list(reading.errors), warnings=list(reading.warnings))
    # One transaction from reading the store to the last write: a concurrent
    # import waits for the lock and then compares with what this one wrote.
    with store.transaction(dry_run=dry_run):
        diff = _compare(reading, store, report, force=force, allow_delete=allow_delete)
        _validate(diff, store, reading)
        report.rejected = len({(f.sheet, f.cell) for f in report.errors})
        if report.errors:
            raise Rejected(report)
        for key, (record, change) in diff.puts.items():
            store.put(record, who=who, source=report.workbook, sha256=report.sha256,
                      cell=f"{change.sheet}!{change.cell}", forced=change.forced,
                      old=diff.current.get(key))
        for key, change in diff.removes.items():
            store.remove(key, who=who, source=report.workbook, sha256=report.sha256,
                         cell=f"{change.sheet}!{change.cell}", forced=change.forced)
        if not dry_run and (diff.puts or diff.removes):
            report.revision = store.revision()
    return report


def _login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers; the audit still needs a name
        return "unknown"


def _same(a: Any, b: Any) -> bool:
    return a is not None and b is not None and (a.value, a.qualifier, a.value_high) == (
        b.value, b.qualifier, b.value_high)


def _compare(reading: Reading, store: Store, report: ImportReport, *, force: bool,
             allow_delete: bool) -> _Diff:
    current = {r.key: r for r in store.records()}
    try:
        revision = int(float(reading.props.get("revision") or 0))
    except ValueError:
        revision = 0
    diff = _Diff(report, current=current, removed_since=store.removed_since(revision), store=store)
    for key in list(reading.entries) + [k for k in reading.snapshot if k not in reading.entries]:
        mine, base, theirs = reading.entries.get(key), reading.snapshot.get(key), current.get(key)
        if mine is None:
            _cleared(diff, reading, key, base, theirs, force=force, allow_delete=allow_delete)
        else:
            _filled(diff, reading, mine, base, theirs, force=force)
    return diff


def _change(action: str, where: Any, key: Key, region: str, old: Record | None, new: Any,
            base: L.SnapshotRow | None, forced: bool = False) -> Change:
    sheet, cell = (where.sheet, where.cell.rpartition("!")[2])
    return Change(action, sheet, cell, key[0], region, key[1], key[2], key[3], key[4],
                  None if old is None else old.value, None if new is None else new.value,
                  None if old is None else old.qualifier, None if new is None else new.qualifier,
                  None if base is None else base.value, forced)


def _stale(diff: _Diff, where: Any, key: Key, region: str, theirs: Record | None,
           base: L.SnapshotRow | None, force: bool) -> bool:
    """Report a conflict (True) unless *force*; the store changed this cell after generation."""
    if force:
        return False
    last = diff.store.last_change(key) if diff.store is not None else None
    by = f"（{last.who} 于 {last.at} 修订 {last.revision}）" if last else ""
    diff.report.errors.append(Finding(
        ERROR, where.sheet, where.cell.rpartition("!")[2], key[0], region, key[1], key[2], "stale",
        f"{describe(_Named(key, region))}：生成本工作簿后库中的值已改为 "
        f"{fmt(theirs.value) if theirs else '（已删除）'}{by}，生成时为 "
        f"{fmt(base.value) if base else '（空）'}，本表又改了它。请重新导出工作簿后再改，或用 --force 覆盖。"))
    return True


def _filled(diff: _Diff, reading: Reading, mine: Entry, base: L.SnapshotRow | None,
            theirs: Record | None, *, force: bool) -> None:
    key, rep = mine.key, diff.report
    if _same(mine, theirs):
        rep.unchanged += 1
        return
    edited = not _same(mine, base)
    store_moved = (theirs is not None and not _same(theirs, base)) or (
        theirs is None and key in diff.removed_since)
    if not edited and store_moved:
        rep.unchanged += 1  # the reviewer did not touch it; the store's newer value stands
        return
    forced = edited and store_moved
    if forced and _stale(diff, mine, key, mine.region, theirs, base, force):
        return
    record = _record(reading, mine, base, edited, rep.reviewer)
    change = _change("new" if theirs is None else "changed", mine, key, mine.region, theirs,
                     record, base, forced)
    setattr(rep, change.action, getattr(rep, change.action) + 1)
    rep.changes.append(change)
    diff.puts[key] = (record, change)


def _cleared(diff: _Diff, reading: Reading, key: Key, base: L.SnapshotRow | None,
             theirs: Record | None, *, force: bool, allow_delete: bool) -> None:
    if base is None or theirs is None or key in reading.unreadable or base.sheet in reading.unreadable:
        return  # nothing to remove, or a cell that could not be read (an error already says so)
    region, rep = theirs.region, diff.report
    if not allow_delete:
        rep.unchanged += 1
        rep.warnings.append(Finding(WARNING, base.sheet, base.cell, key[0], region, key[1], key[2],
                                    "cleared", f"{describe(theirs)}：单元格被清空（或行被删除），库中的值 "
                                    f"{fmt(theirs.value)} 保留；确要删除请加 --allow-delete。"))
        return
    forced = not _same(theirs, base)
    if forced and _stale(diff, base, key, region, theirs, base, force):
        return
    change = _change("removed", base, key, region, theirs, None, base, forced)
    rep.removed += 1
    rep.changes.append(change)
    diff.removes[key] = change


def _record(reading: Reading, mine: Entry, base: L.SnapshotRow | None, edited: bool,
            reviewer: str) -> Record:
    """The store record of a cell: a correction, or the extracted value as it came."""
    rc, ind, year, months, status = mine.key
    if edited or base is None:
        prov = Provenance(KIND_CORRECTED, reading.path.name, reviewer=reviewer,
                          sha256=reading.sha256, at=now())
    else:
        src = reading.source(base.source_row)
        agrees = _code(src.get("region_code")) == rc and src.get("indicator") == ind
        num = lambda v: int(v) if isinstance(v, (int, float)) and v == v else None  # noqa: E731
        prov = Provenance(KIND_EXTRACTED, str(src.get("source.file") or src.get("doc") or
                                               reading.path.name) if agrees else reading.path.name,
                          num(src.get("source.page")) if agrees else None,
                          num(src.get("source.start")) if agrees else None,
                          num(src.get("source.end")) if agrees else None,
                          str(src.get("source.quote") or "") if agrees else "", at=now())
    return Record(rc, mine.region, ind, year, months, status, mine.value,
                  catalog.indicators()[ind].unit, mine.qualifier, mine.value_high, prov)


def _validate(diff: _Diff, store: Store, reading: Reading) -> None:
    """Rules over what would be written; errors reject the import, warnings are reported."""
    records = [rec for rec, _ in diff.puts.values()]
    if not records:
        return
    cells = {key: f"{c.sheet}!{c.cell}" for key, (_, c) in diff.puts.items()}
    history = list(diff.current.values())
    context = [Record(e.key[0], e.region, e.key[1], e.key[2], e.key[3], e.key[4], e.value,
                      catalog.indicators()[e.key[1]].unit, e.qualifier, e.value_high)
               for e in reading.entries.values() if e.key not in diff.puts]
    for finding in validate_records(records, history=history, context=context, cells=cells):
        (diff.report.errors if finding.severity == ERROR else diff.report.warnings).append(finding)


# --- validating a workbook in place ------------------------------------------


def validate_workbook(path: str | os.PathLike[str], store: Store | None = None, *,
                      write: bool = True) -> list[Finding]:
    """Findings on a workbook (cells, keys, rules; jumps against *store*), errors first.

    With *write*, the findings replace the rows of the workbook's 校验 sheet.
    """
    reading = read_workbook(path)
    records = [Record(e.key[0], e.region, e.key[1], e.key[2], e.key[3], e.key[4], e.value,
                      catalog.indicators()[e.key[1]].unit, e.qualifier, e.value_high,
                      Provenance(KIND_EXTRACTED, reading.path.name))
               for e in reading.entries.values()]
    cells = {e.key: f"{e.sheet}!{e.cell}" for e in reading.entries.values()}
    found = reading.errors + reading.warnings + validate_records(
        records, history=store.records() if store is not None else (), cells=cells)
    found.sort(key=lambda f: f.severity != ERROR)
    if write:
        write_findings_sheet(reading.path, found)
    return found


_ROW = re.compile(r'<row\b[^>]*?\br="(\d+)"[^>]*?(?:/>|>.*?</row>)', re.S)


def write_findings_sheet(path: Path, findings: list[Finding]) -> None:
    """Replace the data rows of the 校验 sheet, leaving every other part of the file as it was.

    The package is edited rather than re-saved with openpyxl, which would drop
    the sparklines, data validations and comments' layout of the other sheets.
    """
    with zipfile.ZipFile(path) as z:
        member = sheet_members(z).get(L.FINDINGS)
        if member is None:
            raise WorkbookError(f"{path}: no {L.FINDINGS} sheet to write findings to")
        parts = [(info, z.read(info.filename)) for info in z.infolist()]
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
            for info, data in parts:
                if info.filename == member:
                    data = _findings_xml(data.decode("utf-8"), findings).encode("utf-8")
                out.writestr(info, data)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise WorkbookError(f"{path}: cannot write findings: {exc}") from exc


def _findings_xml(xml: str, findings: list[Finding]) -> str:
    from xml.sax.saxutils import escape

    keep = L.HEADER_ROW + 1  # title and header rows stay as the writer made them
    severities = L.config()["severities"]
    names = {code: ind.name_zh for code, ind in catalog.indicators().items()}
    rows = []
    for i, f in enumerate(findings):
        n = keep + 1 + i
        values = {"severity": severities.get(f.severity, f.severity), "sheet": f.sheet,
                  "cell": f.cell, "region": f.region or f.region_code,
                  "indicator": names.get(f.indicator, f.indicator), "year": f.year,
                  "rule": f.rule, "message": f.message}
        cells = []
        for c, name in enumerate(L.FINDING_FIELDS):
            v, ref = values.get(name), f"{L.col_letter(c)}{n}"
            if isinstance(v, int):
                cells.append(f'<c r="{ref}"><v>{v}</v></c>')
            elif v:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">'
                             f"{escape(str(v))}</t></is></c>")
        rows.append(f'<row r="{n}">{"".join(cells)}</row>')
    m = re.search(r"<sheetData\s*/>|<sheetData>(.*?)</sheetData>", xml, re.S)
    if m is None:
        raise WorkbookError(f"{L.FINDINGS}: unexpected sheet XML (no sheetData)")
    kept = [r.group(0) for r in _ROW.finditer(m.group(1) or "") if int(r.group(1)) <= keep]
    body = f"<sheetData>{''.join(kept + rows)}</sheetData>"
    xml = xml[:m.start()] + body + xml[m.end():]
    last = f"{L.col_letter(len(L.FINDING_FIELDS) - 1)}{keep + len(findings)}"
    return re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:{last}"/>', xml, count=1)
