"""Running extraction over many report files: expand folders, go on past failures."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .errors import ZhibiaoError
from .facts import Fact

REPORT_SUFFIXES = (".txt", ".pdf")
CSV_COLUMNS = ("doc", "region_code", "region", "indicator", "indicator_name", "year", "months",
               "status", "value", "value_high", "unit", "qualifier", "confidence", "rule",
               "conflict", "page", "start", "end", "quote")


def report_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and the report files (.txt, .pdf) inside folders named, in name order."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in REPORT_SUFFIXES))
        else:
            out.append(p)
    return out


@dataclass
class ExtractRun:
    """The facts of every file that could be read, and the files that could not."""

    facts: list[Fact] = field(default_factory=list)
    failures: list[tuple[Path, str]] = field(default_factory=list)
    files: int = 0


def extract_many(paths: Iterable[str | Path], *, region: str | None = None, year: int | None = None,
                 on_file: Callable[[Path, int, str | None], None] | None = None) -> ExtractRun:
    """Extract every report; a file that fails is recorded and the rest go on."""
    from .extraction import extract_file

    run = ExtractRun()
    for path in report_files(paths):
        run.files += 1
        try:
            _, facts = extract_file(path, region=region, year=year)
        except ZhibiaoError as exc:
            run.failures.append((path, str(exc)))
            if on_file:
                on_file(path, 0, str(exc))
            continue
        run.facts.extend(facts)
        if on_file:
            on_file(path, len(facts), None)
    return run


def facts_as_jsonl(facts: Iterable[Fact]) -> str:
    return "".join(json.dumps(f.to_dict(), ensure_ascii=False) + "\n" for f in facts)


def facts_as_csv(facts: Iterable[Fact]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for f in facts:
        d = f.to_dict()
        src = d.pop("source")
        writer.writerow({**d, "page": src["page"], "start": src["start"], "end": src["end"],
                         "quote": src["quote"], "conflict": bool(d.get("conflict"))})
    return buf.getvalue()


_STATUS_ZH = {"actual": "实际", "estimate": "预计", "target": "目标"}
_QUALIFIER_SIGN = {"eq": "", "approx": "约", "ge": "≥", "gt": ">", "le": "≤", "lt": "<", "range": ""}


def facts_as_table(facts: Iterable[Fact]) -> str:
    """A plain table for the terminal, one fact a line."""
    lines = []
    for f in facts:
        value = f"{_QUALIFIER_SIGN[f.qualifier]}{f.value}" + (f"–{f.value_high}" if f.value_high is not None else "")
        period = f"{f.year}" + (f" {f.months}月" if f.months else "")
        flag = " ⚠冲突" if f.conflict else ""
        lines.append(f"{f.region}\t{f.indicator_name}\t{period}\t{_STATUS_ZH[f.status]}\t{value}\t{f.unit}"
                     f"\t{f.confidence:.2f}{flag}\t{f.source.quote.replace(chr(10), ' ')[:60]}")
    if not lines:
        return ""
    return "\n".join(["地区\t指标\t期间\t状态\t数值\t单位\t置信度\t原文", *lines]) + "\n"


def page_texts(document) -> list[tuple[int | None, str]]:
    """The normalized text cut at page boundaries: (page number, text) in order."""
    out: list[tuple[int | None, list[str]]] = []
    pos = 0
    for line in document.text.split("\n"):
        page = document.page_at(pos) if line else (out[-1][0] if out else None)
        if out and out[-1][0] == page:
            out[-1][1].append(line)
        else:
            out.append((page, [line]))
        pos += len(line) + 1
    return [(page, "\n".join(lines)) for page, lines in out]

