"""Extraction speed: MB of normalized text per CPU second on one core (not a test).

Reads the sample reports once, then times extraction alone over a corpus made of
them repeated (each copy a separate document, as in a batch).
"""
from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from zhibiao.documents import read_document
from zhibiao.extraction import extract

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    docs = [read_document(p) for p in sorted((ROOT / "samples").glob("*.txt"))]
    size = sum(len(d.text.encode("utf-8")) for d in docs) * args.repeat
    for d in docs:  # compile the vocabulary once (per issuer level), as a batch does
        extract(d)
    t0 = time.process_time()
    n = 0
    for _ in range(args.repeat):
        for d in docs:
            n += len(extract(d))
    dt = time.process_time() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"extraction, {len(docs)} sample reports x {args.repeat}: {size / 1e6:.2f} MB of normalized text "
          f"in {dt:.2f} s = {size / 1e6 / dt:.2f} MB/s ({n} facts), peak RSS {rss:.0f} MB")
    big = _one_big_document(docs, args.repeat)
    t0 = time.process_time()
    n = len(extract(big))
    dt = time.process_time() - t0
    size = len(big.text.encode("utf-8"))
    print(f"extraction, one {size / 1e6:.2f} MB document: {dt:.2f} s = {size / 1e6 / dt:.2f} MB/s ({n} facts)")


def _one_big_document(docs: list, repeat: int):
    """The samples joined into one long report (as a 400-page PDF would be)."""
    from zhibiao.documents import read_document
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.txt"
        path.write_text("\n".join(d.raw for d in docs if "锡林郭勒" in d.text[:3000]) * repeat, encoding="utf-8")
        return read_document(path)


if __name__ == "__main__":
    main()
