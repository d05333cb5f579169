"""``python -m zhibiao`` is the ``zhibiao`` command."""
from .cli import cli

cli()
