"""The ``zhibiao`` command line: each command opens, calls one library function,
and turns a domain error into a ClickException."""
from __future__ import annotations

import click

from . import __version__


@click.group()
@click.version_option(__version__, prog_name="zhibiao")
def cli() -> None:
    """zhibiao (指标): turn Chinese government reports into standard indicator workbooks."""
