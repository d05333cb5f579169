"""Batch: many reports → one standard workbook, or one per region.

Each file is read and extracted in a worker process
(:func:`zhibiao.extraction.extract_file`); a file that fails is recorded
with its error and the others go on.  A worker that dies outright (a crash in
a PDF library) is survived too: the files it took down are run again one at a
time, so only the file that crashes is reported.
"""
from __future__ import annotations

import hashlib
import os
import re
import sys
import time
from collections import defaultdict
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, TextIO

from .errors import WorkbookError, ZhibiaoError
from .facts import Fact
from .reports import report_files

DEFAULT_NAME = "zhibiao.xlsx"


@dataclass(frozen=True)
class Progress:
    """One file finished: counts so far, for a progress display."""

    done: int
    total: int
    facts: int
    errors: int
    path: Path
    error: str | None = None


@dataclass
class FileResult:
    """What a worker sends back for one file."""

    path: Path
    facts: list[Fact] = field(default_factory=list)
    document: dict[str, Any] | None = None  # {name, pages, sha256} for 说明
    error: str | None = None


@dataclass
class BuildReport:
    """What a batch produced and which files failed."""

    files: int = 0
    facts: int = 0
    outputs: list[Path] = field(default_factory=list)
    documents: list[dict[str, Any]] = field(default_factory=list)
    failures: list[tuple[Path, str]] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.failures)


def extract_one(path: Path, region: str | None = None, year: int | None = None) -> FileResult:
    """Read and extract one file in a worker; every error becomes part of the result.

    Catching everything is deliberate: this is the boundary of one file in a
    batch of hundreds, and an unexpected error in one report must not cost
    the others.
    """
    from .extraction import extract_file

    try:
        document, facts = extract_file(path, region=region, year=year)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except ZhibiaoError as exc:  # the path is the result's own field: not twice
        return FileResult(path, error=str(exc).removeprefix(f"{path}: "))
    except Exception as exc:  # noqa: BLE001 - see docstring
        return FileResult(path, error=f"{type(exc).__name__}: {exc}")
    return FileResult(path, facts, {"name": document.name, "pages": len(document.pages), "sha256": digest})


def _in_pool(paths: list[Path], jobs: int, region: str | None, year: int | None) -> Iterator[FileResult]:
    """Results as they finish; files lost with a crashed worker are retried one by one."""
    pending, workers = paths, jobs
    while pending:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures: dict[Future, Path] = {pool.submit(extract_one, p, region, year): p for p in pending}
            pending = []
            # One worker runs its queue in order, so the first broken future is the culprit.
            order: Iterable[Future] = as_completed(futures) if workers > 1 else list(futures)
            culprit_found = False
            for fut in order:
                try:
                    yield fut.result()
                except BrokenProcessPool:
                    if workers == 1 and not culprit_found:
                        culprit_found = True
                        yield FileResult(futures[fut], error="the worker process crashed on this file")
                    else:
                        pending.append(futures[fut])
        workers = 1


def run_files(paths: list[Path], *, jobs: int | None = None, region: str | None = None,
              year: int | None = None) -> Iterator[FileResult]:
    """Extract files over ``jobs`` processes (default: all cores; 1 = in this process)."""
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(paths) or 1))
    if jobs == 1:
        return (extract_one(p, region, year) for p in paths)
    return _in_pool(paths, jobs, region, year)


def safe_name(text: str) -> str:
    """A file-name-safe version of a region name.

    >>> safe_name("锡林郭勒盟/测试: 1")
    '锡林郭勒盟_测试_1'
    """
    return re.sub(r"[\\/:*?\"<>|\s]+", "_", text).strip("_") or "region"


def _outputs(facts: list[Fact], documents: dict[str, dict[str, Any]], out: Path,
             by: str | None) -> list[tuple[Path, list[Fact], list[dict[str, Any]]]]:
    """Where each workbook goes, with its facts and the documents they came from."""
    if by is None:
        path = out / DEFAULT_NAME if out.is_dir() or not out.suffix else out
        return [(path, facts, list(documents.values()))]
    groups: dict[str, list[Fact]] = defaultdict(list)
    for f in facts:
        groups[f.region_code].append(f)
    out_dir = out.parent / out.stem if out.suffix else out
    plans = []
    for code, group in sorted(groups.items()):
        docs = {f.doc for f in group}
        plans.append((out_dir / f"{code}_{safe_name(group[0].region)}.xlsx", group,
                      [d for name, d in documents.items() if name in docs]))
    return plans


def build_workbooks(paths: list[Path], out: Path, *, by: str | None = None, jobs: int | None = None,
                    progress: Callable[[Progress], None] | None = None, region: str | None = None,
                    year: int | None = None) -> BuildReport:
    """Extract every report under ``paths`` and write the workbook(s).

    ``by=None``: one workbook at ``out`` (a folder gets ``zhibiao.xlsx``);
    ``by="region"``: one workbook per region in the folder ``out``, named
    ``<code>_<name>.xlsx``.  Failed files are listed in the report.
    """
    from .workbook.write import write_workbook

    if by not in (None, "region"):
        raise WorkbookError(f"--by {by!r}: only 'region' is supported")
    files = report_files(paths)
    report = BuildReport(files=len(files))
    facts: list[Fact] = []
    documents: dict[str, dict[str, Any]] = {}
    for i, result in enumerate(run_files(files, jobs=jobs, region=region, year=year), 1):
        if result.error is None:
            facts.extend(result.facts)
            documents[result.document["name"]] = result.document
        else:
            report.failures.append((result.path, result.error))
        if progress:
            progress(Progress(i, len(files), len(facts), len(report.failures), result.path, result.error))
    order = {p: i for i, p in enumerate(files)}
    report.failures.sort(key=lambda item: order.get(item[0], 0))  # input order, not finishing order
    report.facts = len(facts)
    report.documents = list(documents.values())
    for path, group, docs in _outputs(facts, documents, Path(out), by):
        report.outputs.append(write_workbook(group, path, documents=docs))
    return report


def console_progress(stream: TextIO | None = None, *, every: float = 0.1) -> Callable[[Progress], None]:
    """A progress display: a bar redrawn in place on a terminal, plain log lines otherwise.

    Pass it as ``progress=`` to :func:`build_workbooks`.
    """
    out = stream or sys.stderr
    tty = out.isatty()
    last = [0.0]

    def show(p: Progress) -> None:
        if not tty:
            status = f"failed: {p.error}" if p.error else "ok"
            out.write(f"[{p.done}/{p.total}] {p.path} {status} ({p.facts} facts, {p.errors} errors)\n")
            out.flush()
            return
        now = time.monotonic()
        if now - last[0] < every and p.done < p.total:
            return  # redraw at most every 0.1 s: hundreds of small files finish fast
        last[0] = now
        width = 24
        filled = width * p.done // max(p.total, 1)
        bar = "█" * filled + "·" * (width - filled)
        out.write(f"\r{bar} {p.done}/{p.total} files  {p.facts} facts  {p.errors} errors  "
                  f"{p.path.name[:30]:<30}")
        if p.done == p.total:
            out.write("\n")
        out.flush()

    return show
