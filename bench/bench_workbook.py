"""Speed and memory of the standard workbook writer.

Writes a synthetic workbook of REGIONS × 61 indicators × YEARS annual values
(every value with its quote and comment) and compares cells written per
second with raw xlsxwriter in constant-memory mode writing the same cells:
every cell write_workbook gives xlsxwriter (grid, 来源, _meta, labels, links)
and every note it gives its comment spool is recorded, then replayed without
formats or any logic of ours — notes through ``write_comment`` (held in memory
by xlsxwriter until close), and once without notes.  Memory is the rise of the
peak RSS while writing, in a fresh process per run (input not counted), for
two sizes, to show how it grows with the number of rows; "plan" is what
plan_workbook alone holds (a reference a fact, and counts per region × indicator).

    .venv/bin/python bench/bench_workbook.py [--regions 300] [--years 10] [--small 50]
"""
from __future__ import annotations

import argparse
import gc
import pickle
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Callable

import xlsxwriter

from zhibiao import catalog
from zhibiao.facts import Fact, Source
from zhibiao.workbook.comments import CommentSpool
from zhibiao.workbook.plan import plan_workbook
from zhibiao.workbook.write import write_workbook


def synthetic_facts(regions: int, years: int) -> list[Fact]:
    """Facts for every region × indicator × year, each with a plausible quote."""
    out = []
    for r in range(regions):
        code, name = f"{150000 + r * 100}", f"测试地区{r:03d}旗"
        for ind in catalog.indicators().values():
            for y in range(2015, 2015 + years):
                v = Decimal(1000 + r + y % 7) / 10
                quote = f"{y}年{name}{ind.name_zh}达到{v}{ind.unit}"
                out.append(Fact(f"{code}.txt", code, name, ind.code, ind.name_zh, y, None, "actual",
                                v, ind.unit, source=Source(f"{code}.txt", 1 + y % 9, 0, len(quote), quote),
                                rule="bench"))
    return out


RECORDED = ("write_number", "write_string", "write_formula")


def record_cells(facts: list[Fact], path: Path) -> list[tuple[str, str, tuple]]:
    """Every cell and note write_workbook makes: (sheet, method, args without formats)."""
    from xlsxwriter.worksheet import Worksheet

    calls: list[tuple[str, str, tuple]] = []
    originals = {m: getattr(Worksheet, m) for m in RECORDED}
    spool_write = CommentSpool.write

    def recorder(method: str):
        def wrapped(self, row, col, value, *rest, **kw):
            calls.append((self.name, method, (row, col, value)))
            return originals[method](self, row, col, value, *rest, **kw)
        return wrapped

    def note(self, ws, row, col, text, *rest, **kw):
        calls.append((ws.name, "write_comment", (row, col, text)))
        return spool_write(self, ws, row, col, text, *rest, **kw)

    try:
        for m in RECORDED:
            setattr(Worksheet, m, recorder(m))
        CommentSpool.write = note
        write_workbook(facts, path)
    finally:
        for m, fn in originals.items():
            setattr(Worksheet, m, fn)
        CommentSpool.write = spool_write
    return calls


def raw_xlsxwriter(calls: list[tuple[str, str, tuple]], path: Path, comments: bool = True) -> None:
    """The same cells (and comments) with raw xlsxwriter in constant-memory mode, no formats."""
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False})
    sheets: dict[str, object] = {}
    for sheet, method, args in calls:
        ws = sheets.get(sheet) or sheets.setdefault(sheet, wb.add_worksheet(sheet))
        if comments or method != "write_comment":
            getattr(ws, method)(*args)
    wb.close()


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith(field + ":"))


def _child_peak(regions: int, years: int, which: str, out: Path, queue) -> None:
    """In a fresh process: build the input, reset the RSS high-water mark, write, report the rise."""
    if which in ("zhibiao", "plan"):
        facts = synthetic_facts(regions, years)
    else:  # recorded by the parent: recording here would leave freed heap for the replay to reuse
        with open(out.with_suffix(".calls"), "rb") as fh:
            calls = pickle.load(fh)
    held: list[object] = []
    gc.collect()
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")  # resets VmHWM (Linux)
    base = _status_kb("VmRSS")
    if which == "zhibiao":
        write_workbook(facts, out)
    elif which == "plan":
        held.append(plan_workbook(facts))  # kept until the high-water mark is read
    else:
        raw_xlsxwriter(calls, out, comments=which == "raw")
    queue.put((_status_kb("VmHWM") - base) * 1024)
    held.clear()


def peak_rise(regions: int, years: int, which: str, out: Path) -> int:
    """Bytes the peak RSS rose by while writing (input excluded), measured in a child process."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")  # fork would inherit the parent's freed heap
    queue = ctx.Queue()
    proc = ctx.Process(target=_child_peak, args=(regions, years, which, out, queue))
    proc.start()
    rise = queue.get()
    proc.join()
    return rise


def timed(fn: Callable[[], object], repeat: int = 1) -> float:
    """Best CPU time of ``repeat`` calls.

    CPU time rather than wall time: the machines this runs on are shared, and
    other processes' load would otherwise decide the ratio.

    What exists before the call (the facts, the recorded calls) is frozen out of
    the garbage collector, so that millions of recorded tuples do not slow the
    raw replay's collections and every contender is timed on its own work.
    """
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        gc.freeze()
        try:
            t = time.process_time()
            fn()
            best = min(best, time.process_time() - t)
        finally:
            gc.unfreeze()
    return best


def run(regions: int, years: int, tmp: Path, repeat: int) -> None:
    facts = synthetic_facts(regions, years)
    calls = record_cells(facts, tmp / "rec.xlsx")
    cells = sum(1 for c in calls if c[1] != "write_comment")
    print(f"\n{regions} regions × {len(catalog.indicators())} indicators × {years} years = "
          f"{len(facts):,} facts; {cells:,} cells written (grid, 来源, _meta, labels) "
          f"+ {len(calls) - cells:,} comments")
    ours = timed(lambda: write_workbook(facts, tmp / "ours.xlsx"), repeat)
    raw = timed(lambda: raw_xlsxwriter(calls, tmp / "raw.xlsx"), repeat)
    bare = timed(lambda: raw_xlsxwriter(calls, tmp / "bare.xlsx", comments=False), repeat)
    print(f"  zhibiao write_workbook        {cells / ours:>9,.0f} cells/s  ({ours:6.2f} s CPU, "
          f"{(tmp / 'ours.xlsx').stat().st_size / 1e6:.1f} MB)")
    print(f"  raw xlsxwriter, same cells    {cells / raw:>9,.0f} cells/s  ({raw:6.2f} s)"
          f"   zhibiao = {raw / ours:.2f}× raw")
    print(f"  raw, same cells, no comments  {cells / bare:>9,.0f} cells/s  ({bare:6.2f} s)"
          f"   zhibiao = {bare / ours:.2f}× raw")


def memory(regions: int, years: int, tmp: Path) -> None:
    n = regions * len(catalog.indicators()) * years
    calls = record_cells(synthetic_facts(regions, years), tmp / "rec.xlsx")
    for name in ("m_raw", "m_bare"):
        with open(tmp / f"{name}.calls", "wb") as fh:
            pickle.dump(calls, fh, protocol=pickle.HIGHEST_PROTOCOL)
    del calls
    ours = peak_rise(regions, years, "zhibiao", tmp / "m.xlsx")
    raw = peak_rise(regions, years, "raw", tmp / "m_raw.xlsx")
    bare = peak_rise(regions, years, "bare", tmp / "m_bare.xlsx")
    plan = peak_rise(regions, years, "plan", tmp / "m_plan.xlsx")
    print(f"  {regions:>4} regions ({n:>7,} facts): zhibiao +{ours / 1e6:6.1f} MB "
          f"({ours / n:4.0f} B/fact; plan alone +{plan / 1e6:5.1f} MB) | raw same cells "
          f"+{raw / 1e6:6.1f} MB | raw without comments +{bare / 1e6:5.1f} MB")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--regions", type=int, default=300)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--small", type=int, default=50, help="regions of the smaller memory run")
    ap.add_argument("--repeat", type=int, default=1, help="best of this many timed runs")
    ap.add_argument("--skip-memory", action="store_true", help="timings only")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        run(args.regions, args.years, tmp, args.repeat)
        if not args.skip_memory:
            print("\nrise of peak RSS while writing (input facts not counted; fresh process each):")
            memory(args.small, args.years, tmp)
            memory(args.regions, args.years, tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
