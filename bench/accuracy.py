"""Extraction accuracy against gold, printed by `make accuracy` (not a test).

For each document set it extracts with `zhibiao.extraction.extract_file`, writes
JSON Lines and scores them with ../shared/tools/score_facts.py (precision,
recall, F1; last line "F1 … P … R …").
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from zhibiao.reports import extract_many, facts_as_jsonl

ROOT = Path(__file__).resolve().parent.parent


def score(shared: Path, gold: Path, files: list[Path]) -> str:
    run = extract_many(files)
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as fh:
        fh.write(facts_as_jsonl(run.facts))
    out = subprocess.run([sys.executable, str(shared / "tools" / "score_facts.py"), str(gold), fh.name],
                         capture_output=True, text=True, check=True).stdout
    Path(fh.name).unlink()
    failed = f" ({len(run.failures)} files failed)" if run.failures else ""
    return out.strip().splitlines()[-1] + failed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = ap.parse_args()
    shared = args.shared.resolve()
    seeds_gold = ROOT / "samples" / "gold" / "seeds.csv"
    sets = [
        ("seeds, text", seeds_gold, sorted((ROOT / "samples").glob("*.txt"))),
        ("seeds, PDF (one column)", seeds_gold, sorted((ROOT / "samples" / "pdf").glob("*.pdf"))),
        ("seeds, PDF (two columns)", seeds_gold, sorted((ROOT / "samples" / "pdf-2col").glob("*.pdf"))),
    ]
    corpus = shared / "corpus"
    if corpus.exists():
        gold = corpus / "gold" / "provincial_2026.csv"
        sets += [("corpus, text", gold, sorted(corpus.glob("*.txt"))),
                 ("corpus, PDF (LibreOffice)", gold, sorted((corpus / "pdf-libreoffice").glob("*.pdf")))]
    for name, gold, files in sets:
        print(f"{name:28s} {score(shared, gold, files)}")
    if corpus.exists():
        run = extract_many(sorted((corpus / "pdf").glob("*.pdf")))
        print(f"{'corpus, PDFs with no indicators':28s} {len(run.facts)} facts, {len(run.failures)} failures "
              + json.dumps([str(p.name) for p, _ in run.failures], ensure_ascii=False))


if __name__ == "__main__":
    main()
