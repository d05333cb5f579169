"""zhibiao (指标): Chinese government reports → standard, reviewed indicator workbooks.

The public API; the command line (``zhibiao …``) is a thin layer over it.
"""
from __future__ import annotations

__version__ = "0.1.0"

from .errors import ZhibiaoError  # noqa: E402
from .facts import Fact, Source  # noqa: E402

__all__ = ["__version__", "ZhibiaoError", "Fact", "Source"]
