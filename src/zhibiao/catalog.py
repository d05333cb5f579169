"""The indicator catalogue and other data files under ``templates/``.

Everything a rule needs to know about an indicator lives in data, so that
adding an indicator or a synonym needs no code change.
"""
from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import CatalogError


def templates_dir() -> Path:
    """The templates folder: ``$ZHIBIAO_TEMPLATES``, else the one beside the package."""
    env = os.environ.get("ZHIBIAO_TEMPLATES")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent.parent / "templates"):
        if (candidate / "indicators.csv").exists():
            return candidate
    raise CatalogError(f"templates/ not found beside {here}; set ZHIBIAO_TEMPLATES")


@dataclass(frozen=True)
class Indicator:
    """One row of templates/indicators.csv."""

    code: str
    name_zh: str
    name_en: str
    unit: str
    kind: str  # level | growth | ratio | count
    category: str
    notes: str
    order: int
    flow: bool = False  # work done during a period (造林, 新增就业): a five-year review's figure is a total


def read_csv(name: str) -> list[dict[str, str]]:
    """Rows of a CSV under templates/, as dicts; lines starting with ``#`` are comments."""
    path = templates_dir() / name
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            lines = [line for line in fh if not line.startswith("#")]
            return [row for row in csv.DictReader(lines) if any((v or "").strip() for v in row.values())]
    except OSError as exc:
        raise CatalogError(f"{path}: {exc.strerror}") from exc


@lru_cache(maxsize=None)
def indicators() -> dict[str, Indicator]:
    """All indicators by code, in catalogue order.

    >>> ind = indicators()
    >>> len(ind), ind["COAL_OUTPUT"].unit, ind["GDP_GROWTH"].kind
    (61, '万吨', 'growth')
    """
    out: dict[str, Indicator] = {}
    for i, row in enumerate(read_csv("indicators.csv")):
        try:
            code = row["code"].strip()
            out[code] = Indicator(code, row["name_zh"].strip(), row["name_en"].strip(),
                                  row["unit"].strip(), row["kind"].strip(),
                                  row["category"].strip(), (row.get("notes") or "").strip(), i,
                                  (row.get("flow") or "").strip() == "1")
        except KeyError as exc:
            raise CatalogError(f"templates/indicators.csv row {i + 2}: missing column {exc}") from exc
    return out


def indicator(code: str) -> Indicator:
    """One indicator by code; CatalogError if unknown."""
    try:
        return indicators()[code]
    except KeyError:
        raise CatalogError(f"unknown indicator code {code!r} (see templates/indicators.csv)") from None


@lru_cache(maxsize=None)
def schema(name: str) -> dict[str, Any]:
    """A JSON Schema from templates/schemas/ by file stem, e.g. ``schema("fact")``."""
    path = templates_dir() / "schemas" / f"{name}.schema.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CatalogError(f"{path}: {exc}") from exc
