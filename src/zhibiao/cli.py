"""The ``zhibiao`` command line: each command opens, calls one library function,
and turns a domain error into a ClickException."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .errors import ZhibiaoError


@click.group()
@click.version_option(__version__, prog_name="zhibiao")
def cli() -> None:
    """zhibiao (指标): turn Chinese government reports into standard indicator workbooks."""


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--raw", is_flag=True, help="Print the text as extracted, before normalization.")
def read(file: Path, raw: bool) -> None:
    """Print a report's normalized text, page by page.

    Example:

        zhibiao read samples/pdf-2col/001_9f860a2bdebb59a8.pdf
    """
    from .documents import read_document
    from .reports import page_texts

    try:
        doc = read_document(file)
    except ZhibiaoError as exc:
        raise click.ClickException(str(exc)) from exc
    if raw:
        click.echo(doc.raw)
        return
    for number, text in page_texts(doc):
        if number is not None and len(doc.pages) > 1:
            click.echo(f"=== 第{number}页 ===")
        click.echo(text)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl", "csv"]), default="table",
              show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to this file instead of the screen.")
@click.option("--region", help="Region code (or name) of the reports, when the text does not say.")
@click.option("--year", type=int, help="Year the reports were given in, when the text does not say.")
def extract(paths: tuple[Path, ...], fmt: str, output: Path | None, region: str | None, year: int | None) -> None:
    """Extract the standard indicators of reports (files or folders).

    Files that cannot be read are listed at the end and the exit code is 1;
    the others are extracted all the same.

    Example:

        zhibiao extract samples/ --format jsonl -o facts.jsonl
    """
    from .reports import extract_many, facts_as_csv, facts_as_jsonl, facts_as_table

    run = extract_many(paths, region=region, year=year)
    text = {"table": facts_as_table, "jsonl": facts_as_jsonl, "csv": facts_as_csv}[fmt](run.facts)
    if output:
        tmp = output.with_name(output.name + ".part")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(output)
        click.echo(f"{len(run.facts)} facts from {run.files - len(run.failures)} of {run.files} files → {output}",
                   err=True)
    else:
        click.echo(text, nl=False)
    _fail_if_any(run.failures)


def _fail_if_any(failures: list[tuple[Path, str]]) -> None:
    if failures:
        for path, message in failures:
            click.echo(f"failed: {path}: {message}", err=True)
        sys.exit(1)
