"""``chainlink metrics``: RCA, relatedness, density and complexity for a long-format CSV."""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

from chainlink.cli._options import FORMATS, QuietOption, Rows, rows_command
from chainlink.errors import SourceError, UsageError

if TYPE_CHECKING:
    from chainlink.metrics import LongInput

# OpenBLAS's idle threads spin ≈ 2**28 cycles (≈ 0.1 s) after every parallel product before they sleep:
# ≈ 0.1 CPU s per dense product here, taken from the other CPU (measured: `metrics compute` of one
# year Parquet → Parquet 3.5–4.1 → 2.7 CPU s). Read when NumPy loads, so set before the commands import
# it; a value in the environment wins.
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "16")

metrics_app = typer.Typer(
    help="Economic-geography metrics for any long table (time, location, product, value): RCA, "
    "presence, proximity and relatedness, density, ECI/PCI, COI/COG — a drop-in for py-ecomplexity.",
    no_args_is_help=True,
)

METRICS_FORMATS = (*FORMATS, "parquet")
STREAMED = ("csv", "tsv", "ndjson", "parquet")

FileArgument = Annotated[
    Path,
    typer.Argument(
        help="Long table, CSV or Parquet (recognised by its content): one row per (time,) location, product.",
        metavar="FILE",
    ),
]
LocOption = Annotated[str, typer.Option("--loc", help="Column holding the location code.", metavar="COL")]
ProdOption = Annotated[
    str, typer.Option("--prod", help="Column holding the product / industry code.", metavar="COL")
]
ValOption = Annotated[str, typer.Option("--val", help="Column holding the value (≥ 0).", metavar="COL")]
TimeOption = Annotated[
    str | None,
    typer.Option(
        "--time", help="Column holding the period; each period is computed on its own.", metavar="COL"
    ),
]
PresenceOption = Annotated[
    str,
    typer.Option(
        "--presence",
        help="Presence test: rca (RCA ≥ threshold), rpop (per-capita RCA, needs --pop), both, "
        "or given (--val already is 0/1).",
        metavar="TEST",
    ),
]
PopOption = Annotated[
    Path | None,
    typer.Option(
        "--pop",
        help="CSV of population per location (columns: the --loc column, optionally the --time column, "
        "and --pop-val).",
        metavar="FILE",
    ),
]
PopValOption = Annotated[str, typer.Option("--pop-val", help="Population column of --pop.", metavar="COL")]
ThresholdOption = Annotated[
    float,
    typer.Option(
        "--threshold", help="Presence threshold; exactly at the threshold counts as present.", metavar="VALUE"
    ),
]
EncodingOption = Annotated[
    str,
    typer.Option(
        "--encoding", help="Text encoding of the CSV files (try gb18030 for GBK files).", metavar="NAME"
    ),
]
# metrics write the row formats and Parquet (--output FILE); csv unless --format or the extension says
metrics_rows = rows_command(formats=METRICS_FORMATS, default="csv")


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """The cyclic garbage collector paused while NumPy, SciPy and pyarrow are imported, if they are not yet.

    Their imports create ≈ 10⁵ long-lived objects, which set off ≈ 60 collections that find nothing
    (≈ 40 ms of a ``metrics compute``); the objects present at the end are then frozen
    (:func:`gc.freeze`: never scanned again) so that the next collection does not walk them all.
    """
    import gc
    import sys

    if "scipy.sparse" in sys.modules or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def _read(file: Path, loc: str, prod: str, val: str, time: str | None, encoding: str) -> LongInput:
    from chainlink.metrics import read_long_file

    return read_long_file(file, loc=loc, prod=prod, val=val, time=time, encoding=encoding)


def _check_format(out: Rows) -> str:
    if out.fmt == "parquet" and out.output is None:
        raise UsageError("--format parquet writes a binary file: give --output FILE")
    if out.fmt == "parquet" and out.top:
        raise UsageError("--top cuts text output; Parquet holds every row (drop --top)")
    return out.fmt


def _write(table: Any, stream: IO[bytes], fmt: str) -> None:
    if fmt == "parquet":
        table.write_parquet(stream)
    else:
        table.write(stream, fmt)


def _population(
    pop: Path | None, presence: str, loc: str, time: str | None, column: str, encoding: str
) -> dict | None:
    if presence not in ("rpop", "both"):
        if pop is not None:
            raise UsageError(f"--pop is only used with --presence rpop or both, not {presence}")
        return None
    if pop is None:
        raise UsageError(f"--presence {presence} needs --pop FILE (population per location)")
    import csv

    path = str(pop)
    try:
        with open(path, newline="", encoding=encoding) as fh:
            reader = csv.reader(fh)
            header = next(reader, None) or []
            if loc not in header or column not in header:
                missing = loc if loc not in header else column
                raise SourceError(
                    path,
                    1,
                    f"no column {missing!r} (columns: {', '.join(header)}); the population "
                    "file needs the --loc column and --pop-val",
                )
            i_loc, i_val = header.index(loc), header.index(column)
            i_time = header.index(time) if time is not None and time in header else None
            table: dict[Any, float] = {}
            for row in reader:
                if not row:
                    continue
                try:
                    value = float(row[i_val])
                except (ValueError, IndexError):
                    raise SourceError(
                        path,
                        reader.line_num,
                        f"population {row[i_val] if i_val < len(row) else ''!r} is not a number",
                    ) from None
                if not value > 0 or value == float("inf"):
                    raise SourceError(
                        path, reader.line_num, f"population {value:g} must be a positive number"
                    )
                key = (row[i_time], row[i_loc]) if i_time is not None else row[i_loc]
                table[key] = value
    except OSError as exc:
        raise SourceError(path, None, f"cannot read the file ({exc.strerror}); check the path") from None
    except UnicodeDecodeError:
        raise SourceError(path, None, f"is not valid {encoding} text; try --encoding gb18030") from None
    return table


@contextlib.contextmanager
def _binary_output(output: Path | None, bom: bool) -> Iterator[IO[bytes]]:
    """Stdout, or ``output`` replaced atomically (:func:`chainlink.base.output.atomic_stream`) when all went well.

    No fsync: it would cost seconds on the large tables this writes (the rename is still atomic).
    """
    from chainlink.base.output import atomic_stream

    with atomic_stream("-" if output is None else output, fsync=False) as stream:
        if bom:
            stream.write("\ufeff".encode())
        yield stream


class _PeriodStream:
    """A :class:`~chainlink.metrics.MetricsTable` whose periods are computed as they are written."""

    def __init__(self, names: dict[str, str], periods: Iterator[Any], presence: str) -> None:
        self.names, self.periods, self.presence = names, periods, presence

    def write_parquet(self, stream: IO[bytes]) -> None:
        from chainlink.metrics._tables import write_parquet_periods

        write_parquet_periods(stream, self.names, self.periods, self.presence)


def _show_warnings(caught: list[warnings.WarningMessage]) -> None:
    for item in caught:
        typer.echo(f"chainlink: warning: {item.message}", err=True)


def _emit_table(table: Any, out: Rows) -> None:
    fmt = _check_format(out)
    if fmt in STREAMED and not out.top:
        with _binary_output(out.output, out.bom and fmt in ("csv", "tsv")) as stream:
            _write(table, stream, fmt)
        return
    shown = getattr(table, "table_columns", table.columns)
    notices = []
    if fmt in ("table", "md") and len(shown) < len(table.columns):
        hidden = [c for c in table.columns if c not in shown]
        notices.append(f"Also computed: {', '.join(hidden)} (use --format csv, tsv, json or ndjson).")
    rows = table.rows()
    if out.top:
        import itertools

        rows = itertools.islice(rows, out.top)
    out.emit(list(rows), table.columns, table_columns=shown, notices=notices)


@metrics_app.command("compute")
@metrics_rows
def compute_command(
    file: FileArgument,
    loc: LocOption,
    prod: ProdOption,
    val: ValOption,
    time: TimeOption = None,
    presence: PresenceOption = "rca",
    pop: PopOption = None,
    pop_val: PopValOption = "pop",
    threshold: ThresholdOption = 1.0,
    method: Annotated[
        str, typer.Option("--method", help="ECI/PCI method: eigenvector or reflections.", metavar="METHOD")
    ] = "eigenvector",
    encoding: EncodingOption = "utf-8-sig",
    quiet: QuietOption = False,
    *,
    out: Rows,
) -> None:
    """Every metric per (time, location, product): rca, mcp, density, eci, pci, coi, cog, diversity, ubiquity.

    Columns match py-ecomplexity's ecomplexity() output (see docs/metrics.md). CSV, TSV and NDJSON
    are streamed, so millions of rows are fine; table and json hold every row in memory.
    """
    from chainlink.cli._progress import progress_bar

    with _no_gc():
        from chainlink.metrics import MetricsTable, compute_long, compute_periods

    fmt, output, bom = _check_format(out), out.output, out.bom
    population = _population(pop, presence, loc, time, pop_val, encoding)
    options = {"presence": presence, "threshold": threshold, "population": population, "method": method}
    with warnings.catch_warnings(record=True) as caught, progress_bar(quiet, "periods") as bar:
        warnings.simplefilter("always")
        data = _read(file, loc, prod, val, time, encoding)
        if out.top:
            table = compute_long(data, **options)
        elif fmt == "parquet":
            # Periods computed one at a time, written as row groups of one file.
            periods = compute_periods(data, **options)
            table = _PeriodStream(data.names, periods, presence)
            with _binary_output(output, False) as stream:
                table.write_parquet(stream)
        elif fmt in STREAMED:
            # One period at a time: compute, write, let go (memory stays at one period's worth).
            with _binary_output(output, bom and fmt != "ndjson") as stream:
                for i, period in enumerate(compute_periods(data, **options)):
                    MetricsTable(data.names, [period], presence).write(stream, fmt, header=i == 0)
                    if bar is not None:
                        bar(i + 1, None)
        else:
            table = compute_long(data, **options)
    _show_warnings(caught)
    if fmt not in STREAMED or out.top:
        _emit_table(table, out)


def _pairs_command(
    file: Path,
    loc: str,
    prod: str,
    val: str,
    time: str | None,
    method: str,
    presence: str,
    pop: Path | None,
    pop_val: str,
    threshold: float,
    minimum: float | None,
    encoding: str,
    out: Rows,
) -> None:
    from chainlink.metrics import relatedness_long

    _check_format(out)
    population = _population(pop, presence, loc, time, pop_val, encoding)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = _read(file, loc, prod, val, time, encoding)
        table = relatedness_long(
            data,
            method=method,
            presence=presence,
            threshold=threshold,
            population=population,
            minimum=minimum,
        )
    _show_warnings(caught)
    _emit_table(table, out)


@metrics_app.command("aggregate")
def aggregate_command(
    file: Annotated[
        Path,
        typer.Argument(
            help="Firm-level long table, CSV (UTF-8) or Parquet: one row per firm (and period).",
            metavar="FILE",
        ),
    ],
    loc: LocOption,
    prod: ProdOption,
    val: ValOption,
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Write the summed table to FILE (atomically).", metavar="FILE"),
    ],
    time: TimeOption = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="parquet or csv (default: csv if FILE ends in .csv, else parquet).",
            metavar="FORMAT",
        ),
    ] = None,
    memory_limit: Annotated[
        str,
        typer.Option(
            "--memory-limit", help="Most memory to use; past it the work spills to disk.", metavar="SIZE"
        ),
    ] = "3GB",
    threads: Annotated[
        int | None, typer.Option("--threads", help="Threads to use (default: every CPU).", min=1, metavar="N")
    ] = None,
    encoding: EncodingOption = "utf-8-sig",
) -> None:
    """Sum VAL per (time,) location and product of a firm-level table of any size, out of core (DuckDB).

    Writes [time], loc, prod, val (the sum) and rows (input rows in the cell), ready for `metrics
    compute`. Memory stays under --memory-limit however long the input is (see docs/scale.md).
    """
    from chainlink.metrics import aggregate_long

    report = aggregate_long(
        file,
        output,
        loc=loc,
        prod=prod,
        val=val,
        time=time,
        fmt=fmt,
        memory_limit=memory_limit,
        threads=threads,
        encoding=encoding,
    )
    typer.echo(
        f"wrote {report.path} ({report.output_rows:,} cells: {report.locations:,} locations × "
        f"{report.products:,} products, {report.periods:,} period(s); from {report.input_rows:,} rows)",
        err=True,
    )


MinOption = Annotated[
    float | None, typer.Option("--min", help="Only pairs whose value is at least this.", metavar="VALUE")
]


@metrics_app.command("proximity")
@metrics_rows
def proximity_command(
    file: FileArgument,
    loc: LocOption,
    prod: ProdOption,
    val: ValOption,
    time: TimeOption = None,
    presence: PresenceOption = "rca",
    pop: PopOption = None,
    pop_val: PopValOption = "pop",
    threshold: ThresholdOption = 1.0,
    minimum: MinOption = None,
    encoding: EncodingOption = "utf-8-sig",
    *,
    out: Rows,
) -> None:
    """Hidalgo proximity φ = min(P(i|j), P(j|i)) for every product pair: PROD_1, PROD_2, proximity."""
    _pairs_command(
        file,
        loc,
        prod,
        val,
        time,
        "proximity",
        presence,
        pop,
        pop_val,
        threshold,
        minimum,
        encoding,
        out,
    )


@metrics_app.command("relatedness")
@metrics_rows
def relatedness_command(
    file: FileArgument,
    loc: LocOption,
    prod: ProdOption,
    val: ValOption,
    method: Annotated[
        str,
        typer.Option(
            "--method",
            help="association, cosine, jaccard, probabilistic (van Eck & Waltman 2009; diagonal 0) or proximity.",
            metavar="METHOD",
        ),
    ] = "association",
    time: TimeOption = None,
    presence: PresenceOption = "rca",
    pop: PopOption = None,
    pop_val: PopValOption = "pop",
    threshold: ThresholdOption = 1.0,
    minimum: MinOption = None,
    encoding: EncodingOption = "utf-8-sig",
    *,
    out: Rows,
) -> None:
    """Relatedness of every product pair from co-occurrence in locations: PROD_1, PROD_2, relatedness."""
    _pairs_command(
        file,
        loc,
        prod,
        val,
        time,
        method,
        presence,
        pop,
        pop_val,
        threshold,
        minimum,
        encoding,
        out,
    )


from chainlink.cli import app  # noqa: E402

app.add_typer(metrics_app, name="metrics")
