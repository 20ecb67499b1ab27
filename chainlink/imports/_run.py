"""One import: read, check and upsert rows in one transaction; log it; write the rejects file.

With the default (all or nothing) any invalid row means nothing is written. ``skip_invalid`` writes
the valid rows and the invalid ones, with their reasons, to a rejects file. ``dry_run`` only reads
the registry. Rows are upserted on their natural key (``id``; for enterprises the credit code), and a
row whose values did not change is not touched, so re-importing a file changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chainlink.errors import ChainlinkError, DataError, SourceError, UsageError
from chainlink.imports._cell import Formula
from chainlink.imports._read import open_table
from chainlink.imports._rows import RowChecker, locate_header
from chainlink.imports._schema import KINDS, Kind
from chainlink.imports._validate import Context, Issue

MAX_MESSAGES = 20
MAX_KEPT = 200


@dataclass
class ImportReport:
    """What an import read, wrote and rejected; ``errors`` and ``warnings`` are the first few messages."""

    kind: str
    file: str
    fmt: str = ""
    encoding: str = ""
    sheet: str = ""
    sha256: str = ""
    dry_run: bool = False
    rows_read: int = 0
    rows_valid: int = 0
    rows_rejected: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    import_id: int | None = None
    rejects: Path | None = None
    errors: list[str] = field(default_factory=list)
    errors_total: int = 0
    warnings: list[str] = field(default_factory=list)
    warnings_total: int = 0
    notes: list[str] = field(default_factory=list)
    migrated: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        """One line: what happened."""
        read = f"{self.rows_read:,} row(s) read, {self.rows_valid:,} valid"
        if self.dry_run:
            rejected = f", {self.rows_rejected:,} invalid" if self.rows_rejected else ""
            return f"dry run of {self.file} ({self.kind}): {read}{rejected}; nothing written"
        changes = f"{self.inserted:,} new, {self.updated:,} updated, {self.unchanged:,} unchanged"
        rejected = ""
        if self.rows_rejected:
            rejected = f"; {self.rows_rejected:,} rejected → {self.rejects}"
        return f"imported {self.file} ({self.kind}, import #{self.import_id}): {read} ({changes}){rejected}"


class ImportErrors(DataError):
    """Invalid rows and no ``skip_invalid``: nothing was written. ``report`` has the counts."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        lines = list(report.errors[:MAX_MESSAGES])
        if report.errors_total > len(lines):
            lines.append(f"… and {report.errors_total - len(lines):,} more error(s)")
        verb = "nothing would be written" if report.dry_run else "nothing was imported"
        lines.append(
            f"{report.file}: {report.rows_rejected:,} invalid row(s) of {report.rows_read:,}; {verb}: "
            f"fix them, or pass --skip-invalid to import the {report.rows_valid:,} valid row(s) "
            "and write the invalid ones to a rejects file"
        )
        super().__init__("\n".join(lines))


def file_sha256(path: str | Path) -> str:
    """SHA-256 of the file's bytes (what the import log records)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except FileNotFoundError:
        raise SourceError(str(path), None, "file not found; check the path") from None
    except IsADirectoryError:
        raise SourceError(str(path), None, "is a folder; give a file") from None
    except OSError as exc:
        raise SourceError(str(path), None, f"cannot read: {exc.strerror}") from None
    return digest.hexdigest()


def default_rejects_path(path: str | Path) -> Path:
    """``list.xlsx`` → ``list.rejects.csv`` next to it."""
    p = Path(path)
    return p.with_name(p.stem + ".rejects.csv")


def import_file(
    kind: str,
    path: str | os.PathLike[str],
    db: str | os.PathLike[str] | None = None,
    *,
    fmt: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    rejects: str | os.PathLike[str] | None = None,
    source: str | None = None,
    confidence: str | None = None,
    wal: bool | None = None,
    max_xlsx_mb: int | None = None,
    progress: Any = None,
) -> ImportReport:
    """Import the rows of ``path`` into the user table of ``kind`` in the registry ``db``.

    ``progress(rows_read, None)``, if given, is called every 1,000 rows (the total is not known ahead).
    Raises :class:`ImportErrors` (nothing written) when a row is invalid and ``skip_invalid`` is
    false, and :class:`chainlink.errors.SourceError` when the file itself cannot be read.
    """
    from chainlink.base.output import check_output, is_stdout, protect
    from chainlink.store.migrations import writing
    from chainlink.store.registry import locate

    if kind not in KINDS:
        raise UsageError(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
    spec = KINDS[kind]
    from chainlink.imports._validate import CONFIDENCE

    if confidence is not None and confidence not in CONFIDENCE:
        raise UsageError(f"unknown --confidence {confidence!r}; use one of {', '.join(CONFIDENCE)}")
    started = time.perf_counter()
    report = ImportReport(kind=kind, file=str(path), dry_run=dry_run)
    report.sha256 = file_sha256(path)
    location = locate(db)
    protect(location.reference, location.user)
    target = location.writable
    rejects_path = Path(rejects) if rejects else default_rejects_path(path)
    if skip_invalid and not dry_run:
        if is_stdout(rejects_path):
            raise UsageError("--rejects -: the rejects file cannot go to stdout (the summary does); name a file")
        check_output(rejects_path, "--rejects")
        if not rejects_path.parent.is_dir():
            raise DataError(f"{rejects_path}: folder {rejects_path.parent} does not exist; pass --rejects FILE")
    from chainlink.imports._read import XLSX_MAX_MB

    table = open_table(path, fmt, encoding, sheet, max_xlsx_mb=max_xlsx_mb or XLSX_MAX_MB)
    report.fmt, report.encoding, report.sheet = table.fmt, table.encoding, table.sheet
    try:
        if dry_run:
            conn = _read_only(location)
            try:
                _run(
                    conn,
                    target,
                    spec,
                    table,
                    report,
                    write=False,
                    skip_invalid=skip_invalid,
                    rejects=None,
                    source=source,
                    confidence=confidence,
                    progress=progress,
                )
            finally:
                conn.close()
        else:
            out = _Rejects(rejects_path) if skip_invalid else None
            try:
                with writing(location, wal=wal, migrated=report.migrated) as conn:
                    _run(
                        conn,
                        target,
                        spec,
                        table,
                        report,
                        write=True,
                        skip_invalid=skip_invalid,
                        rejects=out,
                        source=source,
                        confidence=confidence,
                        progress=progress,
                    )
                if out is not None:
                    report.rejects = out.commit() if report.rows_rejected else None
            finally:
                if out is not None:
                    out.discard()
    finally:
        close = getattr(table.rows, "close", None)
        if close:
            close()
    report.seconds = time.perf_counter() - started
    return report


def _read_only(location: Any) -> sqlite3.Connection:
    from chainlink.store.registry import connect_readonly

    conn = connect_readonly(location)
    conn.row_factory = None
    return conn


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _run(
    conn: sqlite3.Connection,
    target: Path,
    spec: Kind,
    table: Any,
    report: ImportReport,
    *,
    write: bool,
    skip_invalid: bool,
    rejects: _Rejects | None,
    source: str | None,
    confidence: str | None,
    progress: Any = None,
) -> None:
    from chainlink import __version__

    ctx = Context(conn, target, table.name, source=source, confidence=confidence)
    locate_header(spec, table)
    checker = RowChecker(spec, table, ctx)
    report.notes.extend(table.notes)
    noted = len(table.notes)
    if rejects is not None:
        rejects.start(checker.header)
    name = table.name

    def rows():
        for number, raw in table.rows:
            report.rows_read += 1
            if progress is not None and report.rows_read % 1000 == 0:
                progress(report.rows_read, None)
            row, errors, warnings = checker.check(number, raw)
            for issue in warnings:
                report.warnings_total += 1
                if len(report.warnings) < MAX_KEPT:
                    report.warnings.append(issue.message(name))
            if row is None:
                report.rows_rejected += 1
                report.errors_total += len(errors)
                for issue in errors:
                    if len(report.errors) < MAX_KEPT:
                        report.errors.append(issue.message(name))
                if rejects is not None:
                    rejects.add(number, errors, raw)
                continue
            report.rows_valid += 1
            if write and (skip_invalid or not report.rows_rejected):
                yield row

    if not write:
        for _ in rows():
            pass
        report.notes.extend(table.notes[noted:])
        if report.rows_read == 0:
            raise SourceError(name, None, "no data rows below the header; nothing to import")
        if report.rows_rejected and not skip_invalid:
            raise ImportErrors(report)
        return
    cursor = conn.execute(
        "INSERT INTO user_import_log (kind, file, file_sha256, format, encoding, sheet, started_at, "
        "chainlink_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            spec.name,
            str(Path(name).resolve()),
            report.sha256,
            table.fmt,
            table.encoding,
            table.sheet,
            _now(),
            __version__,
        ),
    )
    checker.import_id = report.import_id = cursor.lastrowid
    before = conn.execute(f"SELECT count(*) FROM [{spec.table}]").fetchone()[0]
    changes = conn.total_changes
    conn.executemany(_upsert_sql(spec), rows())
    report.notes.extend(table.notes[noted:])
    changed = conn.total_changes - changes
    if report.rows_rejected and not skip_invalid:
        raise ImportErrors(report)
    if report.rows_read == 0:
        raise SourceError(name, None, "no data rows below the header; nothing to import")
    after = conn.execute(f"SELECT count(*) FROM [{spec.table}]").fetchone()[0]
    report.inserted = after - before
    report.updated = changed - report.inserted
    report.unchanged = report.rows_valid - changed
    conn.execute(
        "UPDATE user_import_log SET finished_at = ?, rows_read = ?, rows_valid = ?, rows_rejected = ?, "
        "rows_inserted = ?, rows_updated = ?, rows_unchanged = ?, rejects_file = ? WHERE id = ?",
        (
            _now(),
            report.rows_read,
            report.rows_valid,
            report.rows_rejected,
            report.inserted,
            report.updated,
            report.unchanged,
            str(rejects.path.resolve()) if rejects and report.rows_rejected else "",
            report.import_id,
        ),
    )


def _upsert_sql(spec: Kind) -> str:
    """INSERT … ON CONFLICT(id) DO UPDATE … WHERE something differs: unchanged rows are not touched."""
    names = [*spec.names, "import_id"]
    cols = ", ".join(f"[{c}]" for c in names)
    marks = ", ".join("?" * len(names))
    data = [c for c in spec.names if c != "id"]
    sets = ", ".join(f"[{c}] = excluded.[{c}]" for c in [*data, "import_id"])
    old = ", ".join(f"[{spec.table}].[{c}]" for c in data)
    new = ", ".join(f"excluded.[{c}]" for c in data)
    return (
        f"INSERT INTO [{spec.table}] ({cols}) VALUES ({marks}) "
        f"ON CONFLICT(id) DO UPDATE SET {sets} WHERE ({old}) IS NOT ({new})"
    )


class _Discarded(ChainlinkError):
    """Thrown into the rejects file's :func:`~chainlink.base.output.atomic_stream` to drop the file."""


class _Rejects:
    """The rejects file: streamed through :func:`chainlink.base.output.atomic_stream`, which renames it into
    place when :meth:`commit` is called after the import's transaction (and drops it on :meth:`discard`)."""

    def __init__(self, path: Path) -> None:
        import io

        from chainlink.base.output import atomic_stream

        self.path = path
        self._stream = atomic_stream(path, option="--rejects", fsync=False)
        self.fh = io.TextIOWrapper(self._stream.__enter__(), encoding="utf-8-sig", newline="")
        self.writer = csv.writer(self.fh, lineterminator="\r\n")
        self._open = True

    def start(self, header: list[str]) -> None:
        """Write the header: ``row``, ``reason`` and the input's own header (once it is located)."""
        self.writer.writerow(["row", "reason", *header])

    def add(self, number: int, errors: list[Issue], raw: list[Any]) -> None:
        reason = " | ".join(_reason(e) for e in errors)
        cells = ["" if v is None else v.text if isinstance(v, Formula) else str(v) for v in raw]
        self.writer.writerow([number, reason, *cells])

    def commit(self) -> Path:
        self._open = False
        self.fh.detach()  # flushed; the binary stream is atomic_stream's to close and rename
        self._stream.__exit__(None, None, None)
        return self.path

    def discard(self) -> None:
        if self._open:
            self._open = False
            self.fh.detach()
            self._stream.__exit__(_Discarded, _Discarded(), None)


def _reason(issue: Issue) -> str:
    text = issue.message("")
    return text.split(": ", 1)[1] if text.startswith(":") else text
