"""Firm-level long tables of any size summed to the location × product table, out of core (DuckDB).

A national firm register is tens of millions of rows (firm, county, GB/T class, value); the metrics
need one row per (time,) location and product. :func:`aggregate_long` runs one SQL ``GROUP BY``
over the file in DuckDB, which streams the input, aggregates in parallel and spills to disk past
its memory limit, and writes the result (Parquet or CSV) atomically. docs/scale.md has the figures
and the same query on a distributed engine.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chainlink.errors import DataError, SourceError, UsageError

DEFAULT_MEMORY_LIMIT = "3GB"
_FLAGS = {"loc": "--loc", "prod": "--prod", "val": "--val", "time": "--time"}


@dataclass
class AggregateReport:
    """What :func:`aggregate_long` read and wrote."""

    path: Path
    input_rows: int
    output_rows: int
    locations: int
    products: int
    periods: int


def aggregate_sql(source: str, names: dict[str, str]) -> str:
    """The aggregation as SQL over the relation ``source`` (a table name or a ``read_*`` call).

    ``names`` maps ``loc``, ``prod``, ``val`` and optionally ``time`` to column names. This is what
    :func:`aggregate_long` computes (it adds the value checks); the same statement runs on Spark SQL
    or any engine with ``GROUP BY`` (docs/scale.md).

    >>> print(aggregate_sql("firms", {"loc": "county", "prod": "class", "val": "output"}))
    SELECT "county", "class", SUM("output") AS "output", COUNT(*) AS "rows"
    FROM firms
    GROUP BY "county", "class"
    ORDER BY "county", "class"
    """
    keys = [_quote(names[k]) for k in ("time", "loc", "prod") if k in names]
    value = _quote(names["val"])
    return (
        f'SELECT {", ".join(keys)}, SUM({value}) AS {value}, COUNT(*) AS "rows"\n'
        f"FROM {source}\n"
        f"GROUP BY {', '.join(keys)}\n"
        f"ORDER BY {', '.join(keys)}"
    )


def aggregate_long(
    path: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    loc: str,
    prod: str,
    val: str,
    time: str | None = None,
    fmt: str | None = None,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    threads: int | None = None,
    encoding: str = "utf-8-sig",
) -> AggregateReport:
    """Sum ``val`` over the rows of each (``time``,) ``loc``, ``prod`` of a CSV or Parquet file.

    Writes ``output`` (Parquet, or CSV when ``fmt`` is ``"csv"`` or the name ends in ``.csv``) with
    the columns [time], loc, prod, val (the sum) and ``rows`` (how many input rows the cell has),
    ordered by the codes; codes are read as text. Runs out of core: DuckDB keeps at most
    ``memory_limit`` in memory (spilling to a temporary folder beside ``output``). The output is
    written to a temporary file and renamed into place.

    Raises :class:`~chainlink.errors.DataError` / :class:`~chainlink.errors.SourceError` naming the
    file and the line (CSV) or row (Parquet) of a missing, non-numeric or negative value or an empty
    code; :class:`~chainlink.errors.UsageError` for an unknown format or encoding.
    """
    try:
        import duckdb
    except ImportError:
        raise UsageError("metrics aggregate needs DuckDB: pip install duckdb") from None
    source, target = str(path), Path(output)
    names = {"loc": loc, "prod": prod, "val": val} | ({"time": time} if time is not None else {})
    fmt = (fmt or ("csv" if target.suffix.lower() in (".csv", ".txt") else "parquet")).lower()
    if fmt not in ("parquet", "csv"):
        raise UsageError(f"unknown aggregate format {fmt!r}: use parquet or csv")
    if not os.path.exists(source):
        raise SourceError(source, None, "cannot read the file (No such file or directory); check the path")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise DataError(f"{target}: folder {folder} does not exist; create it or choose another --output")
    parquet = _is_parquet(source)
    if not parquet and encoding.lower().replace("_", "-") not in ("utf-8", "utf-8-sig", "utf8"):
        raise UsageError(
            f"aggregate reads UTF-8 CSV or Parquet; convert the {encoding} file first "
            "(e.g. iconv -f gb18030 -t utf-8) or save it as Parquet"
        )
    spill = tempfile.mkdtemp(prefix=".chainlink-aggregate-", dir=folder)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"SET memory_limit = '{_limit(memory_limit)}'")
        con.execute(f"SET temp_directory = '{_literal(spill)}'")
        con.execute("SET preserve_insertion_order = false")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        columns = _columns(con, source, parquet)
        for key, name in names.items():
            if columns.count(name) != 1:
                problem = "appears twice in" if columns.count(name) > 1 else "is not in"
                raise SourceError(
                    source,
                    None if parquet else 1,
                    f"column {name!r} {problem} the header ({', '.join(columns)}); name it with {_FLAGS[key]}",
                )
        relation = _relation(source, names, parquet)
        checked = (
            f"SELECT *, CASE WHEN {_bad_value(names['val'])} THEN 1 ELSE 0 END AS bad_value, "
            f"CASE WHEN {_bad_codes(names)} THEN 1 ELSE 0 END AS bad_code FROM {relation}"
        )
        keys = [_quote(names[k]) for k in ("time", "loc", "prod") if k in names]
        value = _quote(names["val"])
        try:
            con.execute(
                f"CREATE TEMP TABLE cells AS SELECT {', '.join(keys)}, SUM({value}) AS {value}, "
                f'COUNT(*) AS "rows", SUM(bad_value) AS bad_values, SUM(bad_code) AS bad_codes '
                f"FROM ({checked}) GROUP BY {', '.join(keys)}"
            )
        except duckdb.Error as exc:
            raise _read_error(source, exc, names) from None
        bad_values, bad_codes = con.execute(
            "SELECT COALESCE(SUM(bad_values), 0), COALESCE(SUM(bad_codes), 0) FROM cells"
        ).fetchone()
        if bad_values or bad_codes:
            raise _first_bad_row(con, source, names, parquet, int(bad_values), int(bad_codes))
        copy = f'SELECT {", ".join(keys)}, {value}, "rows" FROM cells ORDER BY {", ".join(keys)}'
        options = "FORMAT PARQUET, COMPRESSION ZSTD" if fmt == "parquet" else "FORMAT CSV, HEADER"
        con.execute(f"COPY ({copy}) TO '{_literal(tmp)}' ({options})")
        stats = con.execute(
            f'SELECT SUM("rows"), COUNT(*), COUNT(DISTINCT {_quote(loc)}), COUNT(DISTINCT {_quote(prod)}), '
            f"{'COUNT(DISTINCT ' + _quote(time) + ')' if time is not None else '1'} FROM cells"
        ).fetchone()
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
    return AggregateReport(
        target, int(stats[0] or 0), int(stats[1]), int(stats[2]), int(stats[3]), int(stats[4])
    )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return text.replace("'", "''")


def _limit(text: str) -> str:
    if not re.fullmatch(r"\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*", text, flags=re.IGNORECASE):
        raise UsageError(f"--memory-limit {text!r}: write a size such as 3GB or 800MB")
    return text.strip()


def _is_parquet(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == b"PAR1"
    except OSError as exc:
        raise SourceError(path, None, f"cannot read the file ({exc.strerror}); check the path") from None


def _columns(con: Any, source: str, parquet: bool) -> list[str]:
    import duckdb

    if parquet:
        sql = f"SELECT name FROM parquet_schema('{_literal(source)}') WHERE num_children IS NULL"
        try:
            return [r[0] for r in con.execute(sql).fetchall()]
        except duckdb.Error as exc:
            raise SourceError(source, None, f"cannot read the file as Parquet ({_first_line(exc)})") from None
    with open(source, newline="", encoding="utf-8-sig", errors="replace") as fh:
        import csv

        header = next(csv.reader([fh.readline()]), None)
    if not header:
        raise SourceError(source, 1, "the file is empty; expected a header row")
    return header


def _relation(source: str, names: dict[str, str], parquet: bool) -> str:
    if parquet:
        return f"read_parquet('{_literal(source)}')"
    types = ", ".join(
        f"'{_literal(name)}': '{'DOUBLE' if key == 'val' else 'VARCHAR'}'" for key, name in names.items()
    )
    return (
        f"read_csv('{_literal(source)}', header = true, delim = ',', quote = '\"', escape = '\"', "
        f"types = {{{types}}}, all_varchar = false, auto_detect = true)"
    )


def _bad_value(name: str) -> str:
    v = _quote(name)
    return f"{v} IS NULL OR isnan({v}) OR isinf({v}) OR {v} < 0"


def _bad_codes(names: dict[str, str]) -> str:
    parts = []
    for key in ("time", "loc", "prod"):
        if key in names:
            c = _quote(names[key])
            parts.append(f"{c} IS NULL OR trim(CAST({c} AS VARCHAR)) = ''")
    return " OR ".join(parts)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _read_error(source: str, exc: BaseException, names: dict[str, str]) -> DataError:
    text = str(exc)
    line = re.search(r"Line:\s*(\d+)", text)
    where = f"{source}:{line.group(1)}" if line else source
    converting = re.search(r'Could not convert string "(.*?)" to', text)
    if converting:
        column = re.search(r'converting column "(.*?)"', text)
        name = column.group(1) if column else names["val"]
        return DataError(
            f"{where}: {name!r} value {converting.group(1)!r} is not a number; write a plain number such as "
            "1234.5 (no units or thousands separators)"
        )
    if "Expected Number of Columns" in text or "too many columns" in text.lower():
        return DataError(f"{where}: wrong number of fields; fix the row (quote values that contain commas)")
    return DataError(f"{where}: cannot read the table ({_first_line(exc)})")


def _first_bad_row(
    con: Any, source: str, names: dict[str, str], parquet: bool, bad_values: int, bad_codes: int
) -> DataError:
    """The first offending row, found by a second scan (only when something is wrong)."""
    numbered = f"SELECT *, row_number() OVER () AS row_no FROM {_relation(source, names, parquet)}"
    row = con.execute(
        f"SELECT row_no, {_quote(names['val'])}, {_bad_value(names['val'])} FROM ({numbered}) "
        f"WHERE {_bad_value(names['val'])} OR {_bad_codes(names)} ORDER BY row_no LIMIT 1"
    ).fetchone()
    count = bad_values + bad_codes
    if row is None:  # pragma: no cover - the counts said there was one
        return DataError(f"{source}: {count} rows have an empty code or a missing or negative value")
    number, value, is_bad_value = row
    where = f"{source}: row {number}" if parquet else f"{source}:{number + 1}"
    more = f" ({count} such rows in all)" if count > 1 else ""
    if is_bad_value:
        if value is None:
            what = f"column {names['val']!r} is empty; fill in 0 or remove the row"
        elif value < 0:
            what = f"{names['val']!r} value {value:g} is negative; activity must be 0 or more"
        else:
            what = f"{names['val']!r} value {value!r} is not a finite number; write a number or 0"
    else:
        empty = [names[k] for k in ("time", "loc", "prod") if k in names]
        what = f"a code column ({', '.join(empty)}) is empty; every row needs a code"
    return DataError(f"{where}: {what}{more}")
