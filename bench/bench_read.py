"""Speed and peak memory of the PDF reader against pdfplumber's extract_text.

Builds a large PDF (the sample PDFs, one- and two-column, repeated up to
``--pages``) in a temporary folder, then reads it in a fresh subprocess per
reader, so that each peak RSS (``ru_maxrss``) is that reader's alone over the
same imports (every worker imports all readers; the clock starts after that).

    python bench/bench_read.py --shared ../shared --pages 400
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

READERS = {
    "zhibiao read_document": "document",
    "zhibiao PDF layer only": "pdf",
    "pypdfium2 get_text_range": "pdfium",
    "pdfplumber extract_text": "pdfplumber",
}


def build_pdf(sources: list[Path], pages: int, dest: Path) -> int:
    """Concatenate ``sources`` over and over into ``dest`` until it has ``pages`` pages."""
    import pypdfium2 as pdfium

    out = pdfium.PdfDocument.new()
    inputs = [pdfium.PdfDocument(p) for p in sources]
    while len(out) < pages:
        for src in inputs:
            take = min(len(src), pages - len(out))
            if take <= 0:
                break
            out.import_pages(src, pages=list(range(take)))
    out.save(dest)
    count = len(out)
    out.close()
    for src in inputs:
        src.close()
    return count


def _read_with_pdfium(path: Path) -> int:
    import pypdfium2 as pdfium

    chars = 0
    pdf = pdfium.PdfDocument(path)
    for index in range(len(pdf)):
        page = pdf[index]
        textpage = page.get_textpage()
        chars += len(textpage.get_text_range())
        textpage.close()
        page.close()
    pdf.close()
    return chars


def _read_with_pdfplumber(path: Path) -> int:
    import pdfplumber

    chars = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            chars += len(page.extract_text() or "")
            page.close()  # drop pdfplumber's per-page caches, as its docs advise
    return chars


def run_reader(kind: str, path: Path) -> dict:
    """Read ``path`` with one reader; runs inside the worker subprocess.

    Modules are imported before the clock starts (each reader's imports are a
    fixed cost that says nothing about pages per second); the peak RSS
    includes them.
    """
    import pdfplumber  # noqa: F401
    import pypdfium2  # noqa: F401

    from zhibiao.documents import read_document
    from zhibiao.documents.pdf import read_pdf
    from zhibiao.documents.normalize import normalize

    normalize("预热。", pdf=True)  # OpenCC's tables and the clutter patterns load once
    readers = {
        "document": lambda p: len(read_document(p).text),
        "pdf": lambda p: len(read_pdf(p)[0]),
        "pdfium": _read_with_pdfium,
        "pdfplumber": _read_with_pdfplumber,
    }
    start, cpu_start = time.perf_counter(), time.process_time()
    chars = readers[kind](path)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": seconds, "cpu": cpu, "peak_mb": peak_kib / 1024, "chars": chars}


def measure(kind: str, path: Path, repeat: int) -> dict:
    """The best of ``repeat`` runs, each in a fresh process (CPU time, so that
    other work on the machine counts less)."""
    runs = []
    for _ in range(repeat):
        result = subprocess.run([sys.executable, __file__, "--worker", kind, str(path)],
                                capture_output=True, text=True, check=True)
        runs.append(json.loads(result.stdout))
    return min(runs, key=lambda r: r["cpu"])


def baseline_mb() -> float:
    """Peak RSS of a worker that imports everything and reads nothing."""
    code = ("import resource, pdfplumber, pypdfium2, zhibiao.documents;"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)")
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                check=True).stdout)


def sources(shared: Path) -> list[Path]:
    """The sample PDFs, from ../shared when present, else the copies in samples/."""
    for base in (shared / "samples", ROOT / "samples"):
        found = sorted((base / "pdf").glob("*.pdf")) + sorted((base / "pdf-2col").glob("*.pdf"))
        if found:
            return found
    raise SystemExit("no sample PDFs found")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared",
                        help="shared/ with samples/pdf and samples/pdf-2col (default ../shared)")
    parser.add_argument("--pages", type=int, default=400, help="pages of the PDF built (default 400)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs per reader, the best counts (pdfplumber: --plumber-repeat)")
    parser.add_argument("--plumber-repeat", type=int, default=1, help="runs of pdfplumber (slow)")
    parser.add_argument("--skip-pdfplumber", action="store_true", help="it takes a while")
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "PDF"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(run_reader(args.worker[0], Path(args.worker[1]))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big.pdf"
        pages = build_pdf(sources(args.shared), args.pages, big)
        print(f"{big.stat().st_size / 2**20:.1f} MiB, {pages} pages; "
              f"imports alone peak at {baseline_mb():.0f} MB RSS")
        print(f"best of {args.repeat} runs; pages/s from CPU time")
        print(f"{'reader':28} {'wall s':>7} {'CPU s':>7} {'pages/s':>8} {'peak MB':>8} {'chars':>9}")
        results = {}
        for name, kind in READERS.items():
            if kind == "pdfplumber" and args.skip_pdfplumber:
                continue
            repeat = args.plumber_repeat if kind == "pdfplumber" else args.repeat
            r = results[kind] = measure(kind, big, repeat)
            print(f"{name:28} {r['seconds']:7.2f} {r['cpu']:7.2f} {pages / r['cpu']:8.1f} "
                  f"{r['peak_mb']:8.0f} {r['chars']:9d}")
        if "pdfplumber" in results:
            ratio = results["pdfplumber"]["cpu"] / results["document"]["cpu"]
            print(f"read_document is {ratio:.1f}x faster than pdfplumber extract_text (CPU time)")


if __name__ == "__main__":
    main()
