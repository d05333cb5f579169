"""The web-page clutter patterns of ``templates/clutter.txt``, as one regex."""
from __future__ import annotations

import re
from functools import lru_cache

from ..catalog import templates_dir
from ..errors import CatalogError


def parse_patterns(lines: list[str]) -> list[str]:
    """Patterns from the lines of clutter.txt: blank lines and ``# `` comments skipped.

    >>> parse_patterns(["# comment", "", "下载", "  来源[:：].{0,40}  "])
    ['下载', '来源[:：].{0,40}']
    """
    return [ln.strip() for ln in lines if ln.strip() and not ln.startswith("# ") and ln.strip() != "#"]


def compile_patterns(patterns: list[str]) -> "re.Pattern[str]":
    """One regex matching a whole clutter line (or lines, for a pattern that
    spans breaks) with the line breaks that follow it.

    >>> p = compile_patterns(["下载", "来源[:：].{0,40}"])
    >>> [m.group() for m in p.finditer("下载\\n正文下载\\n来源：报\\n")]
    ['下载\\n', '来源：报\\n']
    """
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise CatalogError(f"templates/clutter.txt: bad pattern {pattern!r}: {exc}") from exc
    body = "|".join(f"(?:{p})" for p in patterns)
    return re.compile(rf"^[ \t]*(?:{body})[ \t]*(?:\n+|\Z)", re.MULTILINE)


@lru_cache(maxsize=1)
def clutter_pattern() -> "re.Pattern[str]":
    """The compiled patterns of ``templates/clutter.txt``."""
    path = templates_dir() / "clutter.txt"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise CatalogError(f"{path}: {exc.strerror}") from exc
    return compile_patterns(parse_patterns(lines))
