"""The ``zhibiao`` command line: each command opens, calls one library function,
and turns a domain error into a ClickException."""
from __future__ import annotations

import json
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


def _echo_all(items: list, fmt: str) -> None:
    """Findings or history entries: one JSON array, or one line each."""
    if fmt == "json":
        click.echo(json.dumps([item.to_dict() for item in items], ensure_ascii=False, indent=1))
    else:
        for item in items:
            click.echo(str(item))


def _fail_if_any(failures: list[tuple[Path, str]]) -> None:
    if failures:
        for path, message in failures:
            named = str(path) in message or Path(path).name in message
            click.echo(f"failed: {message}" if named else f"failed: {path}: {message}", err=True)
        sys.exit(1)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="The workbook to write (.xlsx), or a folder with --by region.")
@click.option("--by", type=click.Choice(["region"]), help="One workbook per region, in the folder --output.")
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes (default: all cores).")
@click.option("--region", help="Region code (or name) of the reports, when the text does not say.")
@click.option("--year", type=int, help="Year the reports were given in, when the text does not say.")
def build(paths: tuple[Path, ...], output: Path, by: str | None, jobs: int | None,
          region: str | None, year: int | None) -> None:
    """Read and extract reports (files or folders) and fill the standard workbook(s).

    A progress bar shows files done, facts found and errors (plain log lines
    when not on a terminal). Files that fail are listed at the end and the
    exit code is 1; the workbooks hold the facts of the others.

    Example:

        zhibiao build samples/ -o workbooks/samples.xlsx
    """
    from .build import build_workbooks, console_progress

    try:
        report = build_workbooks(list(paths), output, by=by, jobs=jobs, region=region, year=year,
                                 progress=console_progress())
    except ZhibiaoError as exc:
        raise click.ClickException(str(exc)) from exc
    from .reimport import validate_workbook

    for path in report.outputs:
        findings = validate_workbook(path)  # fills the 校验 sheet of what was just built
        click.echo(f"wrote {path} ({len(findings)} validation findings)", err=True)
    click.echo(f"{report.facts} facts from {report.files - len(report.failures)} of {report.files} files",
               err=True)
    _fail_if_any(report.failures)


@cli.command()
@click.argument("workbook", type=click.Path(exists=True, path_type=Path))
@click.option("--db", type=click.Path(path_type=Path), envvar="ZHIBIAO_DB", help="Canonical store (default ./zhibiao.db).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def validate(workbook: Path, db: Path | None, fmt: str) -> None:
    """Check every value of a workbook; write the findings to its 校验 sheet.

    Exit code 1 when there is any error.

    Example:

        zhibiao validate workbooks/samples.xlsx
    """

    from .reimport import validate_workbook
    from .store import default_path, open_store

    path = db or default_path()
    store = None
    try:
        store = open_store(path, create=False) if path.exists() else None  # jumps against history
        findings = validate_workbook(workbook, store)
    except ZhibiaoError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        if store is not None:
            store.close()
    _echo_all(findings, fmt)
    if fmt != "json":
        click.echo(f"{len(findings)} findings", err=True)
    if any(f.severity == "error" for f in findings):
        sys.exit(1)


@cli.command("import")
@click.argument("workbook", type=click.Path(exists=True, path_type=Path))
@click.option("--db", type=click.Path(path_type=Path), envvar="ZHIBIAO_DB", help="Canonical store (default ./zhibiao.db).")
@click.option("--reviewer", help="Who reviewed the workbook (recorded in the audit log).")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--force", is_flag=True, help="Import a stale workbook over newer values (recorded).")
@click.option("--allow-delete", is_flag=True, help="A cleared cell removes the value.")
def import_(workbook: Path, db: Path | None, reviewer: str | None, dry_run: bool, fmt: str,
            force: bool, allow_delete: bool) -> None:
    """Import a reviewed workbook into the canonical store, all or nothing.

    Example:

        zhibiao import workbooks/samples.xlsx --reviewer 张三 --dry-run
    """
    import json

    from .reimport import Rejected, import_workbook
    from .store import open_store

    try:
        with open_store(db) as store:
            report = import_workbook(workbook, store, reviewer=reviewer, dry_run=dry_run,
                                     force=force, allow_delete=allow_delete)
    except Rejected as exc:
        click.echo(json.dumps(exc.report.to_dict(), ensure_ascii=False) if fmt == "json" else exc.report.to_text())
        sys.exit(1)
    except ZhibiaoError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps(report.to_dict(), ensure_ascii=False) if fmt == "json" else report.to_text())


@cli.command()
@click.option("--db", type=click.Path(path_type=Path), envvar="ZHIBIAO_DB", help="Canonical store (default ./zhibiao.db).")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "parquet", "xlsx"]), required=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True)
def export(db: Path | None, fmt: str, output: Path) -> None:
    """Write the canonical data out as CSV, JSON Lines, Parquet or a fresh workbook.

    Example:

        zhibiao export --format csv -o canonical.csv
    """
    from .export import export as export_store
    from .store import open_store

    try:
        with open_store(db, create=False) as store:
            n = export_store(store, fmt, output)
    except ZhibiaoError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{n} values → {output}", err=True)


@cli.command()
@click.option("--db", type=click.Path(path_type=Path), envvar="ZHIBIAO_DB", help="Canonical store (default ./zhibiao.db).")
@click.option("--region", help="Region code.")
@click.option("--indicator", help="Indicator code, e.g. GDP_GROWTH.")
@click.option("--year", type=int)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def history(db: Path | None, region: str | None, indicator: str | None, year: int | None, fmt: str) -> None:
    """Show who changed what, when, and from which file.

    Example:

        zhibiao history --region 152500 --indicator GDP_GROWTH
    """
    from .store import open_store

    try:
        with open_store(db, create=False) as store:
            entries = store.history(region=region, indicator=indicator, year=year)
    except ZhibiaoError as exc:
        raise click.ClickException(str(exc)) from exc
    _echo_all(entries, fmt)


@cli.command()
@click.argument("facts_file", type=click.Path(exists=True, path_type=Path), required=False)
@click.option("--db", type=click.Path(path_type=Path), envvar="ZHIBIAO_DB",
              help="Fill from the reviewed canonical store instead of FACTS_FILE.")
@click.option("--template", type=click.Path(exists=True, path_type=Path), required=True,
              help="A clerk's workbook with {{INDICATOR|REGION|YEAR}} markers or zb.* names.")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="The filled workbook.")
@click.option("--blank-missing", is_flag=True, help="Empty the markers that have no value instead of keeping them.")
def fill(facts_file: Path | None, db: Path | None, template: Path, output: Path, blank_missing: bool) -> None:
    """Fill a clerk's own template from facts (JSON Lines) or the store, keeping its formatting.

    Markers that name no known indicator or region, and markers with no value,
    are reported by cell address (exit code 1).

    Example:

        zhibiao fill facts.jsonl --template templates/example_template.xlsx -o out.xlsx
    """
    from .facts import read_jsonl
    from .workbook.fill import fill_template

    from .store import open_store

    if facts_file is None and db is None:
        raise click.UsageError("give FACTS_FILE (JSON Lines) or --db")
    try:
        if facts_file is not None:
            with open(facts_file, encoding="utf-8") as fh:
                facts = read_jsonl(fh)
        else:
            with open_store(db, create=False) as store:
                facts = [r.to_fact() for r in store.records()]
        report = fill_template(facts, template, output, blank_missing=blank_missing)
    except (ZhibiaoError, ValueError, KeyError) as exc:
        raise click.ClickException(f"{facts_file or db}: {exc}") from exc
    for line in report.lines():
        click.echo(line)
    click.echo(f"{len(report.filled)} cells filled → {output}", err=True)
    if not report.ok:
        sys.exit(1)
