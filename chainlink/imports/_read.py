"""Read an input file as a header and a stream of rows: CSV/TSV (encoding detected), xlsx, JSON, NDJSON.

Nothing here knows what the columns mean; problems of the file itself (encoding, quoting, NUL
bytes, truncation, a workbook that will not open) raise :class:`SourceError` naming file and line.
"""

from __future__ import annotations

import csv
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from chainlink.base.output import unescape_formula
from chainlink.errors import SourceError, UsageError
from chainlink.imports._cell import Formula

FORMATS = ("csv", "tsv", "xlsx", "json", "ndjson")
SUFFIX_FORMAT = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".txt": "tsv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".json": "json",
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
}
SAMPLE_BYTES = 1 << 20
XLSX_MAX_MB = 512  # uncompressed size of a workbook's parts (an "xlsx bomb" unpacks 8 MB to 3 GB)
XLSX_MAX_ROWS = 1_048_576  # Excel's own limits: a sheet beyond them was not made by Excel
XLSX_MAX_COLUMNS = 16_384


@dataclass
class Table:
    """An input file opened for reading: where it came from, its header and its rows.

    ``rows`` yields ``(row number, values)``; the row number is the line (CSV, TSV, NDJSON), the
    sheet row (xlsx) or the position in the list (JSON), so that messages point at it.
    """

    name: str
    fmt: str
    encoding: str = ""
    sheet: str = ""
    header: list[str] = field(default_factory=list)
    header_row: int = 1
    rows: Iterable[tuple[int, list[Any]]] = ()
    letters: bool = True
    notes: list[str] = field(default_factory=list)


def column_ref(index: int, letters: bool = True) -> str:
    """``0`` → ``A`` (spreadsheet letters), or ``1`` when ``letters`` is false."""
    if not letters:
        return str(index + 1)
    out = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def detect_format(path: Path, fmt: str | None, head: bytes) -> str:
    """The format to read ``path`` as: ``fmt`` when given, else from the file's suffix and first bytes."""
    if fmt:
        value = fmt.lower()
        if value not in FORMATS:
            raise UsageError(f"unknown --format {fmt!r}: use one of {', '.join(FORMATS)}")
        return value
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise SourceError(
            str(path),
            None,
            "an old Excel .xls workbook; save it as .xlsx (or CSV UTF-8) in Excel and import that",
        )
    guess = SUFFIX_FORMAT.get(path.suffix.lower())
    if guess is None:
        raise UsageError(
            f"{path}: cannot tell the format from the name; pass --format ({', '.join(FORMATS)})"
        )
    return guess


def open_table(
    path: str | Path,
    fmt: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    *,
    max_xlsx_mb: int = XLSX_MAX_MB,
) -> Table:
    """Open ``path`` and read its header; the rows stream when iterated.

    A workbook that unpacks to more than ``max_xlsx_mb`` MiB, or declares or holds more rows or columns
    than Excel allows, is refused before (or while) its cells are read.
    """
    p = Path(path)
    name = str(path)
    fh = open_binary(p, name)  # closed by the row generator
    try:
        head = fh.read(SAMPLE_BYTES)
        fh.seek(0)
        kind = detect_format(p, fmt, head)
        if kind == "xlsx":
            return _xlsx(fh, name, sheet, max_xlsx_mb)
        if not head.strip():
            raise SourceError(name, None, "file is empty; export the sheet again")
        from chainlink.base.textio import open_text

        fh.close()
        stream, label = open_text(p, encoding, name=name)
        if kind in ("json", "ndjson"):
            return _json(stream, name, kind, label)
        return _delimited(stream, name, kind, label)
    except BaseException:
        fh.close()
        raise


# -- encodings --------------------------------------------------------------------------------
# Detection and strict decoding live in chainlink.base.textio (shared with `chainlink metrics compute`).
from chainlink.base.textio import ENCODING_HINT, detect_encoding, open_binary  # noqa: E402,F401 - re-exported

# -- CSV / TSV --------------------------------------------------------------------------------


def _delimited(stream: Any, name: str, kind: str, label: str) -> Table:
    delimiter = "," if kind == "csv" else "\t"
    try:
        first = stream.readline()
    except UnicodeDecodeError:
        raise _decode_problem(stream, name, label) from None
    offset = 0
    m = re.fullmatch(r"sep=(.)\r?\n?", first)
    if m:
        delimiter = m.group(1)
        offset = 1
        first = ""
    lines = itertools.chain([first], stream) if first else stream
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    state = {"line": offset}

    def records() -> Iterator[tuple[int, list[str]]]:
        while True:
            start = state["line"] + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise _csv_problem(name, start, str(exc)) from None
            except UnicodeDecodeError:
                raise _decode_problem(stream, name, label) from None
            state["line"] = reader.line_num + offset
            joined = "".join(row)
            if not joined.strip():
                continue
            if "\x00" in joined:
                raise SourceError(
                    name,
                    start,
                    "NUL byte in the text; the file is binary or damaged: export it again from the source",
                )
            if "'" in joined:
                row = [unescape_formula(cell) for cell in row]
            yield start, row

    rows = records()
    found = next(rows, None)
    if found is None:
        stream.close()
        raise SourceError(name, None, "no header and no rows (only blank lines); export the sheet again")
    header_row, header = found
    if len(header) == 1:
        for sep, what in ((";", "';'"), ("\t", "tabs"), ("|", "'|'")):
            if sep in header[0] and sep != delimiter:
                fix = (
                    "pass --format tsv"
                    if sep == "\t"
                    else f"save it again as comma-separated CSV, or add the line sep={sep} at the top"
                )
                raise SourceError(
                    name,
                    header_row,
                    f"the header is one column {header[0][:60]!r}: the file separates fields with {what}, "
                    f"not {'tabs' if delimiter == chr(9) else repr(delimiter)}; {fix}",
                )

    def body() -> Iterator[tuple[int, list[str]]]:
        try:
            yield from rows
        finally:
            stream.close()

    return Table(
        name=name,
        fmt=kind,
        encoding=label,
        header=[h.strip() for h in header],
        header_row=header_row,
        rows=body(),
    )


def _decode_problem(stream: Any, name: str, label: str) -> SourceError:
    """Where the first undecodable byte is (line and value), found again from the start of the file."""
    problem = getattr(stream, "_problem", None)
    if problem is not None:
        return problem()
    return SourceError(name, None, f"not valid {label} text; save it again as UTF-8, or pass --encoding")


def _csv_problem(name: str, line: int, message: str) -> SourceError:
    if "field larger than field limit" in message:
        limit = csv.field_size_limit()
        return SourceError(
            name,
            line,
            f"a field is longer than {limit:,} characters: a closing quote is probably missing; check the quoting",
        )
    if "unexpected end of data" in message or "EOF" in message:
        return SourceError(
            name,
            line,
            "a quoted field opened in this row is never closed: the file is truncated or a quote is missing",
        )
    return SourceError(name, line, f"not valid CSV ({message}); check the quoting in this row")


# -- JSON / NDJSON ----------------------------------------------------------------------------


def _json(stream: Any, name: str, kind: str, label: str) -> Table:
    objects: list[tuple[int, Any]] = []
    try:
        if kind == "json":
            text = stream.read()
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                raise SourceError(
                    name,
                    exc.lineno,
                    f"not valid JSON: {exc.msg} (column {exc.colno}); the file may be truncated",
                ) from None
            if not isinstance(data, list):
                raise SourceError(
                    name, 1, "JSON input must be a list of objects, one per row: [{...}, {...}]"
                )
            objects = list(enumerate(data, 1))
        else:
            for number, line in enumerate(stream, 1):
                if not line.strip():
                    continue
                try:
                    objects.append((number, json.loads(line)))
                except json.JSONDecodeError as exc:
                    raise SourceError(
                        name, number, f"not valid JSON: {exc.msg} (column {exc.colno}); one object per line"
                    ) from None
    except UnicodeDecodeError as exc:
        raise SourceError(
            name, None, f"not valid {label} text (byte 0x{exc.object[exc.start]:02X}); pass --encoding"
        ) from None
    except RecursionError:
        raise SourceError(
            name, None, "JSON nested too deeply to read (hundreds of levels); rows are flat objects"
        ) from None
    finally:
        stream.close()
    header: dict[str, None] = {}
    for number, obj in objects:
        if not isinstance(obj, dict):
            raise SourceError(name, number, f"expected an object {{...}}, got {type(obj).__name__}")
        header.update(dict.fromkeys(str(k) for k in obj))
    if not objects:
        raise SourceError(name, None, "no rows (an empty list); export the data again")
    keys = list(header)
    rows = [(number, [obj.get(k) for k in keys]) for number, obj in objects]
    return Table(name=name, fmt=kind, encoding=label, header=keys, header_row=0, rows=rows, letters=False)


# -- xlsx -------------------------------------------------------------------------------------


def _xlsx_size(fh: BinaryIO, name: str, max_mb: int) -> None:
    """Refuse a workbook whose parts unpack to more than ``max_mb`` MiB, before anything is unpacked."""
    import zipfile

    try:
        with zipfile.ZipFile(fh) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return  # openpyxl reports the damaged file below
    finally:
        fh.seek(0)
    if total > max_mb << 20:
        raise SourceError(
            name,
            None,
            f"the workbook unpacks to {total / (1 << 20):,.0f} MiB, more than the limit of {max_mb:,} MiB; "
            "pass --max-xlsx-mb N to raise the limit if the file is genuine, or save the sheet as CSV",
        )


def _xlsx(fh: BinaryIO, name: str, sheet: str | None, max_mb: int = XLSX_MAX_MB) -> Table:
    import zipfile

    import openpyxl

    _xlsx_size(fh, name, max_mb)
    try:
        book = openpyxl.load_workbook(fh, read_only=True, data_only=False)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, EOFError, OSError, ValueError) as exc:
        fh.close()
        detail = str(exc) or type(exc).__name__
        raise SourceError(
            name,
            None,
            f"not a readable xlsx workbook ({detail}); it may be truncated or another format: "
            "open it in Excel and save it again as .xlsx",
        ) from None
    except Exception as exc:  # openpyxl raises assorted errors on damaged parts
        fh.close()
        raise SourceError(
            name,
            None,
            f"not a readable xlsx workbook ({type(exc).__name__}); save it again from Excel as .xlsx",
        ) from None
    names = book.sheetnames
    notes = []
    if sheet is not None:
        if sheet not in names:
            book.close()
            fh.close()
            raise SourceError(name, None, f"no sheet {sheet!r}; the sheets are {', '.join(map(repr, names))}")
        ws = book[sheet]
    else:
        ws = book.worksheets[0]
        if len(names) > 1:
            notes.append(
                f"read sheet {ws.title!r}, the first of {len(names)}; pass --sheet to choose another"
            )
    declared = (ws.max_row, ws.max_column)
    too_big = _over_limits(*declared)
    if too_big:
        book.close()
        fh.close()
        raise SourceError(name, None, f"sheet {ws.title!r} declares {too_big}")
    # Read the real extent: read-only mode trusts the sheet's <dimension ref>, which may be stale
    # (then only the first rows or columns would be read).
    ws.reset_dimensions()
    cells = ws.iter_rows()
    seen = {"last": 0}

    def records() -> Iterator[tuple[int, list[Any]]]:
        try:
            for row in cells:
                if not row:
                    continue
                number = getattr(row[0], "row", None) or seen["last"] + 1
                seen["last"] = number
                over = _over_limits(number, len(row))
                if over:
                    raise SourceError(name, number, f"sheet {ws.title!r} holds {over}")
                values = [_cell_value(c) for c in row]
                if any(v is not None and v != "" for v in values):
                    yield number, values
            if declared[0] is not None and seen["last"] > declared[0]:
                notes.append(
                    f"sheet {ws.title!r} says it ends at row {declared[0]:,} (a stale <dimension>), "
                    f"but holds rows up to {seen['last']:,}: read them all"
                )
        except SourceError:
            raise
        except (zipfile.BadZipFile, EOFError, OSError, KeyError) as exc:
            raise SourceError(name, None, f"workbook is damaged ({exc}); save it again from Excel") from None
        except Exception as exc:  # XML parse errors of a cut-off sheet
            raise SourceError(
                name,
                None,
                f"sheet {ws.title!r} cannot be read ({type(exc).__name__}); save it again from Excel",
            ) from None
        finally:
            book.close()
            fh.close()

    rows = records()
    found = next(rows, None)
    if found is None:
        raise SourceError(name, None, f"sheet {ws.title!r} is empty; choose another with --sheet")
    header_row, header = found
    return Table(
        name=name,
        fmt="xlsx",
        sheet=ws.title,
        header=["" if h is None else str(h).strip() for h in header],
        header_row=header_row,
        rows=rows,
        notes=notes,
    )


def _over_limits(rows: int | None, columns: int | None) -> str:
    """What exceeds Excel's sheet limits ('' when nothing does)."""
    if rows is not None and rows > XLSX_MAX_ROWS:
        return f"{rows:,} rows, more than Excel's {XLSX_MAX_ROWS:,}; the file was not made by Excel: save it as CSV"
    if columns is not None and columns > XLSX_MAX_COLUMNS:
        return (
            f"{columns:,} columns, more than Excel's {XLSX_MAX_COLUMNS:,}; the file was not made by Excel: "
            "save it as CSV"
        )
    return ""


def _cell_value(cell: Any) -> Any:
    if getattr(cell, "data_type", None) == "f":
        text = getattr(cell.value, "text", None) or str(cell.value)
        return Formula(text)
    return cell.value
