"""The canonical store: reviewed values in SQLite, with provenance and an audit log.

One row of ``value`` per key ``(region_code, indicator, year, months, status)``
(``months`` is ``''`` for the whole year, because SQLite treats NULLs as distinct
in a primary key).  Values are kept as TEXT so that a Decimal comes back exactly.

Every committed change set gets the next store *revision*; each value remembers
the revision that last changed it, so that a workbook built at revision R can
tell which of its cells changed in the store after it was built.  The ``audit``
table is append-only (triggers refuse UPDATE and DELETE).

Writers take ``BEGIN IMMEDIATE``: the write lock is held from the first read of
a change set to its commit, so two importing processes are serialised and the
second one sees what the first wrote instead of overwriting it.  The journal
mode stays DELETE so that a rolled-back import leaves the file byte-identical.
"""
from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable, Iterator

from .errors import StoreError
from .facts import Fact, Key, Source, decimal_to_json

DEFAULT_DB = "zhibiao.db"
_UNREAD: Any = object()  # put() reads the old record itself unless given it
KIND_EXTRACTED, KIND_CORRECTED = "extracted", "corrected"

# Each entry migrates the schema from user_version i to i + 1; never edit one
# that has shipped, append a new one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO meta VALUES ('revision', '0');
    CREATE TABLE value (
        region_code TEXT NOT NULL, indicator TEXT NOT NULL, year INTEGER NOT NULL,
        months TEXT NOT NULL DEFAULT '', status TEXT NOT NULL,
        region TEXT NOT NULL DEFAULT '', value TEXT NOT NULL, value_high TEXT,
        unit TEXT NOT NULL DEFAULT '', qualifier TEXT NOT NULL DEFAULT 'eq',
        prov_kind TEXT NOT NULL CHECK (prov_kind IN ('extracted', 'corrected')),
        prov_file TEXT NOT NULL DEFAULT '', prov_page INTEGER, prov_start INTEGER,
        prov_end INTEGER, prov_quote TEXT NOT NULL DEFAULT '',
        reviewer TEXT NOT NULL DEFAULT '', workbook_sha256 TEXT NOT NULL DEFAULT '',
        changed_at TEXT NOT NULL, revision INTEGER NOT NULL,
        PRIMARY KEY (region_code, indicator, year, months, status)
    );
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT, revision INTEGER NOT NULL,
        at TEXT NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL
            CHECK (action IN ('new', 'changed', 'removed')),
        region_code TEXT NOT NULL, indicator TEXT NOT NULL, year INTEGER NOT NULL,
        months TEXT NOT NULL, status TEXT NOT NULL,
        old_value TEXT, old_qualifier TEXT, old_value_high TEXT,
        new_value TEXT, new_qualifier TEXT, new_value_high TEXT,
        source TEXT NOT NULL DEFAULT '', sha256 TEXT NOT NULL DEFAULT '',
        cell TEXT NOT NULL DEFAULT '', forced INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX audit_key ON audit (region_code, indicator, year);
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    CREATE TABLE workbook (
        id TEXT PRIMARY KEY, revision INTEGER NOT NULL, path TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
    );
    """,
)


def canon(value: Decimal) -> str:
    """The one text form of a Decimal in the store: plain digits, no trailing zeros.

    >>> canon(Decimal("13700")), canon(Decimal("0.90")), canon(Decimal("-0")), canon(Decimal("1E+2"))
    ('13700', '0.9', '0', '100')
    """
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text


def to_decimal(text: str | None) -> Decimal | None:
    """A stored TEXT back to a Decimal (None stays None)."""
    if text is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise StoreError(f"corrupt value {text!r} in the store") from exc


def now() -> str:
    """The time stamp written to the store: UTC, ISO 8601, seconds."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def db_key(key: Key) -> tuple[str, str, int, str, str]:
    """A fact key as stored (months ``None`` → ``''``)."""
    region_code, indicator, year, months, status = key
    return (region_code, indicator, int(year), months or "", status)


@dataclass(frozen=True)
class Provenance:
    """Where a canonical value came from: a span of a report or a reviewer's edit."""

    kind: str = KIND_EXTRACTED
    file: str = ""            # the report (extracted) or the workbook file name (corrected)
    page: int | None = None
    start: int | None = None
    end: int | None = None
    quote: str = ""
    reviewer: str = ""
    sha256: str = ""          # of the workbook a correction came from
    at: str = ""


@dataclass(frozen=True)
class Record:
    """One canonical value (JSON form: templates/schemas/canonical.schema.json)."""

    region_code: str
    region: str
    indicator: str
    year: int
    months: str | None
    status: str
    value: Decimal
    unit: str
    qualifier: str = "eq"
    value_high: Decimal | None = None
    provenance: Provenance = field(default_factory=Provenance)
    revision: int = 0

    @property
    def key(self) -> Key:
        return (self.region_code, self.indicator, self.year, self.months, self.status)

    def same_value(self, other: "Record | None") -> bool:
        """True when value, qualifier and upper end agree (numerically)."""
        return other is not None and (self.value, self.qualifier, self.value_high) == (
            other.value, other.qualifier, other.value_high)

    @classmethod
    def from_fact(cls, fact: Fact) -> "Record":
        src = fact.source
        prov = Provenance(KIND_EXTRACTED, src.file or fact.doc, src.page, src.start, src.end, src.quote)
        return cls(fact.region_code, fact.region, fact.indicator, fact.year, fact.months or None,
                   fact.status, fact.value, fact.unit, fact.qualifier, fact.value_high, prov)

    def to_fact(self) -> Fact:
        """The record as a Fact (for the workbook writer and the validators)."""
        from . import catalog

        p = self.provenance
        try:
            name = catalog.indicator(self.indicator).name_zh
        except Exception:  # an unknown code is reported by validation, not here
            name = self.indicator
        return Fact(p.file, self.region_code, self.region, self.indicator, name, self.year,
                    self.months, self.status, self.value, self.unit, self.qualifier,
                    self.value_high, Source(p.file, p.page, p.start or 0, p.end or 0, p.quote),
                    rule=p.kind)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready canonical record; Decimals become numbers.

        Built by hand rather than with ``dataclasses.asdict``, which deep-copies
        and was most of the time of validating a large import.
        """
        return {"region_code": self.region_code, "region": self.region,
                "indicator": self.indicator, "year": self.year, "months": self.months,
                "status": self.status, "value": decimal_to_json(self.value), "unit": self.unit,
                "qualifier": self.qualifier,
                "value_high": None if self.value_high is None else decimal_to_json(self.value_high),
                "provenance": dict(vars(self.provenance)), "revision": self.revision}


@dataclass(frozen=True)
class AuditEntry:
    """One line of the append-only audit log."""

    id: int
    revision: int
    at: str
    who: str
    action: str
    region_code: str
    indicator: str
    year: int
    months: str | None
    status: str
    old_value: Decimal | None
    old_qualifier: str | None
    new_value: Decimal | None
    new_qualifier: str | None
    source: str
    sha256: str
    cell: str
    forced: bool

    def __str__(self) -> str:
        """One line of ``zhibiao history``: when, who, what, old → new, from which file."""
        def show(value: Decimal | None, qualifier: str | None) -> str:
            if value is None:
                return "∅"
            return ("" if qualifier in (None, "eq") else f"{qualifier} ") + canon(value)
        where = " ".join(x for x in (self.source, self.cell, self.sha256[:12]) if x)
        return (f"{self.at}  r{self.revision}  {self.who}  {self.action:7}  {self.region_code} "
                f"{self.indicator} {self.year}{'/' + self.months if self.months else ''} {self.status}: "
                f"{show(self.old_value, self.old_qualifier)} → {show(self.new_value, self.new_qualifier)}"
                f"  ({where}){'  [forced]' if self.forced else ''}")

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for name in ("old_value", "new_value"):
            d[name] = None if d[name] is None else decimal_to_json(d[name])
        return d


def default_path() -> Path:
    """``$ZHIBIAO_DB`` if set, else ``zhibiao.db`` in the working directory."""
    return Path(os.environ.get("ZHIBIAO_DB") or DEFAULT_DB)


def open_store(path: str | os.PathLike[str] | None = None, *, create: bool = True) -> "Store":
    """Open (creating and migrating as needed) the store at *path* or the default.

    With ``create=False`` a missing store is a StoreError (for read-only commands).
    """
    target = Path(path) if path is not None else default_path()
    if not create and not target.exists():
        raise StoreError(f"{target}: no canonical store here (import a workbook first, "
                         "or give --db / ZHIBIAO_DB)")
    return Store(target)


class Store:
    """A connection to the canonical SQLite store."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if path.parent and not path.parent.exists():
            raise StoreError(f"{path}: folder {path.parent} does not exist")
        try:
            # isolation_level=None: we issue BEGIN IMMEDIATE/COMMIT ourselves.
            self.conn = sqlite3.connect(str(path), timeout=60, isolation_level=None)
            self.conn.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.Error as exc:
            raise StoreError(f"{path}: cannot open the store: {exc}") from exc
        self._in_txn = False
        self._txn_revision: int | None = None
        self._txn_time: str | None = None

    # -- lifecycle -----------------------------------------------------------
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(f"{self.path}: schema version {version} is newer than this "
                             f"zhibiao ({len(MIGRATIONS)}); upgrade zhibiao")
        if version == len(MIGRATIONS):
            return  # nothing to write: opening an up-to-date store never touches the file
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read under the lock: another process may have migrated meanwhile.
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            for i in range(version, len(MIGRATIONS)):
                for statement in _split_sql(MIGRATIONS[i]):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {i + 1}")
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    # -- transactions --------------------------------------------------------
    @contextmanager
    def transaction(self, *, dry_run: bool = False) -> Iterator["Store"]:
        """Hold the write lock; commit at the end, roll back on error or *dry_run*."""
        if self._in_txn:
            raise StoreError("nested transaction")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: store is busy or read-only: {exc}") from exc
        self._in_txn, self._txn_revision, self._txn_time = True, None, None
        try:
            yield self
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("ROLLBACK" if dry_run else "COMMIT")
        finally:
            self._in_txn, self._txn_revision = False, None

    def revision(self) -> int:
        """The last committed revision (or the one being written in a transaction)."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
        return int(row[0])

    def _now(self) -> str:
        # One time stamp per transaction: a change set happens at one moment.
        if self._txn_time is None:
            self._txn_time = now()
        return self._txn_time

    def _next_revision(self) -> int:
        # All writes of one transaction share one new revision.
        if not self._in_txn:
            raise StoreError("writes need store.transaction()")
        if self._txn_revision is None:
            self._txn_revision = self.revision() + 1
            self.conn.execute("UPDATE meta SET value = ? WHERE key = 'revision'",
                              (str(self._txn_revision),))
        return self._txn_revision

    # -- reading -------------------------------------------------------------
    _COLUMNS = ("region_code, indicator, year, months, status, region, value, value_high, unit, "
                "qualifier, prov_kind, prov_file, prov_page, prov_start, prov_end, prov_quote, "
                "reviewer, workbook_sha256, changed_at, revision")

    def records(self, *, region: str | None = None, indicator: str | None = None) -> list[Record]:
        """Every canonical value, in key order (optionally of one region/indicator)."""
        where, args = _where(region=region, indicator=indicator)
        rows = self.conn.execute(
            f"SELECT {self._COLUMNS} FROM value {where} "
            "ORDER BY region_code, indicator, year, months, status", args)
        return [_record(r) for r in rows]

    def record(self, key: Key) -> Record | None:
        row = self.conn.execute(
            f"SELECT {self._COLUMNS} FROM value WHERE region_code = ? AND indicator = ? "
            "AND year = ? AND months = ? AND status = ?", db_key(key)).fetchone()
        return None if row is None else _record(row)

    def count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM value").fetchone()[0])

    def history(self, *, region: str | None = None, indicator: str | None = None,
                year: int | None = None) -> list[AuditEntry]:
        """The audit log, oldest first, optionally for one region / indicator / year."""
        where, args = _where(region=region, indicator=indicator, year=year)
        rows = self.conn.execute(
            f"SELECT {_AUDIT_COLUMNS} FROM audit {where} ORDER BY id", args)
        return [_audit(r) for r in rows]

    def removed_since(self, revision: int) -> set[Key]:
        """Keys whose value was removed after *revision* (and not put back)."""
        rows = self.conn.execute(
            "SELECT region_code, indicator, year, months, status FROM audit "
            "WHERE revision > ? AND action = 'removed'", (revision,))
        return {(r[0], r[1], r[2], r[3] or None, r[4]) for r in rows
                if self.record((r[0], r[1], r[2], r[3] or None, r[4])) is None}

    def last_change(self, key: Key) -> AuditEntry | None:
        """The latest audit entry of one key."""
        row = self.conn.execute(
            f"SELECT {_AUDIT_COLUMNS} FROM audit WHERE region_code = ? AND indicator = ? "
            "AND year = ? AND months = ? AND status = ? ORDER BY id DESC LIMIT 1",
            db_key(key)).fetchone()
        return None if row is None else _audit(row)

    def workbook_revision(self, workbook_id: str) -> int | None:
        """The store revision a workbook was generated from, if it was registered."""
        row = self.conn.execute("SELECT revision FROM workbook WHERE id = ?",
                                (workbook_id,)).fetchone()
        return None if row is None else int(row[0])

    # -- writing -------------------------------------------------------------
    def register_workbook(self, workbook_id: str, path: str = "",
                          revision: int | None = None) -> int:
        """Remember that a workbook was generated (at *revision*, default now); returns it."""
        revision = self.revision() if revision is None else revision
        with self._autotxn():
            self.conn.execute("INSERT OR REPLACE INTO workbook VALUES (?, ?, ?, ?)",
                              (workbook_id, revision, str(path), now()))
        return revision

    def put(self, record: Record, *, who: str, source: str = "", sha256: str = "",
            cell: str = "", forced: bool = False, old: "Record | None" = _UNREAD) -> str:
        """Insert or replace one value and log it; returns ``new``/``changed``/``unchanged``.

        *old*: the current record (or None) when the caller has just read it in
        this transaction, to save a query per value on large imports.
        """
        if old is _UNREAD:
            old = self.record(record.key)
        if record.same_value(old):
            return "unchanged"
        action = "new" if old is None else "changed"
        revision = self._next_revision()
        p = record.provenance
        self.conn.execute(
            f"INSERT OR REPLACE INTO value ({self._COLUMNS}) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*db_key(record.key), record.region, canon(record.value),
             _opt(record.value_high), record.unit, record.qualifier, p.kind, p.file, p.page,
             p.start, p.end, p.quote, p.reviewer, p.sha256, p.at or self._now(), revision))
        self._log(revision, action, record.key, old, record, who, source, sha256, cell, forced)
        return action

    def remove(self, key: Key, *, who: str, source: str = "", sha256: str = "",
               cell: str = "", forced: bool = False) -> bool:
        """Delete one value and log it; False when there was none."""
        old = self.record(key)
        if old is None:
            return False
        revision = self._next_revision()
        self.conn.execute("DELETE FROM value WHERE region_code = ? AND indicator = ? AND year = ? "
                          "AND months = ? AND status = ?", db_key(key))
        self._log(revision, "removed", key, old, None, who, source, sha256, cell, forced)
        return True

    def upsert_facts(self, facts: Iterable[Fact], *, who: str = "extraction") -> dict[str, int]:
        """Store extracted facts; a reviewer's correction is never overwritten by extraction.

        Returns counts of ``new``, ``changed``, ``unchanged`` and ``kept`` (corrections kept).
        """
        counts = {"new": 0, "changed": 0, "unchanged": 0, "kept": 0}
        with self._autotxn():
            for fact in facts:
                old = self.record(fact.key)
                if old is not None and old.provenance.kind == KIND_CORRECTED:
                    counts["kept"] += 1
                    continue
                counts[self.put(Record.from_fact(fact), who=who, source=fact.source.file or fact.doc)] += 1
        return counts

    @contextmanager
    def _autotxn(self) -> Iterator[None]:
        # Join the caller's transaction if there is one, else make our own.
        if self._in_txn:
            yield
        else:
            with self.transaction():
                yield

    def _log(self, revision: int, action: str, key: Key, old: Record | None, new: Record | None,
             who: str, source: str, sha256: str, cell: str, forced: bool) -> None:
        self.conn.execute(
            "INSERT INTO audit (revision, at, who, action, region_code, indicator, year, months, "
            "status, old_value, old_qualifier, old_value_high, new_value, new_qualifier, "
            "new_value_high, source, sha256, cell, forced) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (revision, self._now(), who, action, *db_key(key),
             None if old is None else canon(old.value), None if old is None else old.qualifier,
             None if old is None else _opt(old.value_high),
             None if new is None else canon(new.value), None if new is None else new.qualifier,
             None if new is None else _opt(new.value_high), source, sha256, cell, int(forced)))


def _opt(value: Decimal | None) -> str | None:
    return None if value is None else canon(value)


def _record(r: tuple[Any, ...]) -> Record:
    prov = Provenance(r[10], r[11], r[12], r[13], r[14], r[15], r[16], r[17], r[18])
    return Record(r[0], r[5], r[1], int(r[2]), r[3] or None, r[4], to_decimal(r[6]) or Decimal(0),
                  r[8], r[9], to_decimal(r[7]), prov, int(r[19]))


_AUDIT_COLUMNS = ("id, revision, at, who, action, region_code, indicator, year, months, status, "
                  "old_value, old_qualifier, new_value, new_qualifier, source, sha256, cell, forced")


def _audit(r: tuple[Any, ...]) -> AuditEntry:
    return AuditEntry(*r[:8], r[8] or None, r[9], to_decimal(r[10]), r[11], to_decimal(r[12]),
                      r[13], r[14], r[15], r[16], bool(r[17]))


def _where(**filters: Any) -> tuple[str, list[Any]]:
    names = {"region": "region_code", "indicator": "indicator", "year": "year"}
    parts, args = [], []
    for name, value in filters.items():
        if value is not None:
            parts.append(f"{names[name]} = ?")
            args.append(value)
    return ("WHERE " + " AND ".join(parts)) if parts else "", args


def _split_sql(script: str) -> list[str]:
    # executescript() would COMMIT our transaction, so run statements one by one;
    # sqlite3.complete_statement keeps trigger bodies (with inner ';') whole.
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
