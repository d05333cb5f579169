"""Extraction speed: MB of normalized text per CPU second on one core (not a test).

Reads the sample reports once, extracts each once (compiling the vocabulary for
every issuer level, as a batch does), then times extraction alone over a corpus
made of them repeated (each copy a separate document, as in a batch), and over
one long document. Each timing runs ``--runs`` times; the best and the median
are printed, since other work on a shared machine only ever slows a run down.

    .venv/bin/python bench/bench_extract.py [--repeat 20] [--runs 5]
"""
from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import Callable

from zhibiao.documents import Document, read_document
from zhibiao.extraction import extract, lexicon, rules

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    docs = [read_document(p) for p in sorted((ROOT / "samples").glob("*.txt"))]
    for d in docs:
        extract(d)
    size = sum(len(d.text.encode("utf-8")) for d in docs) * args.repeat
    facts = _timed(lambda: sum(len(extract(d)) for _ in range(args.repeat) for d in docs), args.runs)
    _report(f"{len(docs)} sample reports x {args.repeat}", size, *facts)
    # The word caches (verbs, continuations) make repeated documents cheaper than new ones:
    # emptying them before each document is the worst case of a batch of new reports.
    cold = _timed(lambda: sum(len(_cold(d)) for _ in range(args.repeat) for d in docs), args.runs)
    _report(f"{len(docs)} sample reports x {args.repeat}, word caches emptied before each", size, *cold)
    big = _one_big_document(docs, args.repeat)
    _report(f"one {len(big.text.encode()) / 1e6:.2f} MB document", len(big.text.encode("utf-8")),
            *_timed(lambda: len(extract(big)), args.runs))
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def _cold(document: Document) -> list:
    for cached in (rules._verb, rules._restated, rules._drop_asides, lexicon.continues):
        cached.cache_clear()
    return extract(document)


def _timed(job: Callable[[], int], runs: int) -> tuple[int, list[float]]:
    times = []
    for _ in range(runs):
        t0 = time.process_time()
        n = job()
        times.append(time.process_time() - t0)
    return n, times


def _report(what: str, size: int, facts: int, times: list[float]) -> None:
    mb = size / 1e6
    print(f"extraction, {what}: {mb:.2f} MB of normalized text, {facts} facts; "
          f"best {mb / min(times):.2f} MB/s, median {mb / statistics.median(times):.2f} MB/s "
          f"({len(times)} runs, CPU time)")


def _one_big_document(docs: list[Document], repeat: int) -> Document:
    """The 锡林郭勒 sample repeated into one long report (as a 400-page PDF would be)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.txt"
        path.write_text("\n".join(d.raw for d in docs if "锡林郭勒" in d.text[:3000]) * repeat, encoding="utf-8")
        return read_document(path)


if __name__ == "__main__":
    main()
