"""Read an input file as a header and a stream of rows: CSV/TSV (encoding detected), xlsx, JSON, NDJSON.

Nothing here knows what the columns mean; problems of the file itself (encoding, quoting, NUL
bytes, truncation, a workbook that will not open) raise :class:`SourceError` naming file and line.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from chainlink.errors import SourceError, UsageError
from chainlink.output import unescape_formula

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
ENCODING_HINT = "pass --encoding (e.g. --encoding gb18030 or --encoding big5), or save the file as UTF-8"


@dataclass(frozen=True)
class Formula:
    """An xlsx cell that holds a formula rather than a value."""

    text: str


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
) -> Table:
    """Open ``path`` and read its header; the rows stream when iterated."""
    p = Path(path)
    name = str(path)
    try:
        fh = open(p, "rb")  # noqa: SIM115 - closed by the row generator
    except FileNotFoundError:
        raise SourceError(name, None, "file not found; check the path") from None
    except IsADirectoryError:
        raise SourceError(name, None, "is a folder; give a file") from None
    except OSError as exc:
        raise SourceError(name, None, f"cannot read: {exc.strerror}") from None
    try:
        head = fh.read(SAMPLE_BYTES)
        fh.seek(0)
        kind = detect_format(p, fmt, head)
        if kind == "xlsx":
            return _xlsx(fh, name, sheet)
        if not head.strip():
            raise SourceError(name, None, "file is empty; export the sheet again")
        enc, label = (encoding, encoding) if encoding else detect_encoding(head, name)
        if encoding:
            try:
                codecs.lookup(encoding)
            except LookupError:
                raise UsageError(f"unknown --encoding {encoding!r}; try utf-8, gb18030 or big5") from None
        stream = io.TextIOWrapper(fh, encoding=enc, errors="strict", newline="")
        if kind in ("json", "ndjson"):
            return _json(stream, name, kind, label)
        return _delimited(stream, name, kind, label)
    except BaseException:
        fh.close()
        raise


# -- encodings --------------------------------------------------------------------------------


def detect_encoding(head: bytes, name: str) -> tuple[str, str]:
    """``(codec, label)`` for text starting with ``head``: UTF-8 (with or without BOM), UTF-16, GB18030.

    Raises :class:`SourceError` naming ``--encoding`` when neither UTF-8 nor plausible GB18030/GBK.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "utf-8 (BOM)"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "utf-16"
    odd, even = head[1::2].count(0), head[0::2].count(0)
    if odd + even > len(head) // 20 and min(odd, even) * 10 < max(odd, even):
        order = "le" if odd > even else "be"
        raise SourceError(
            name,
            None,
            f"looks like UTF-16 text without a byte-order mark; pass --encoding utf-16-{order}",
        )
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8", "utf-8"
    except UnicodeDecodeError as exc:
        bad = exc.object[exc.start]
        line = exc.object.count(b"\n", 0, exc.start) + 1
        before = head[: head.rfind(b"\n", 0, exc.start) + 1]  # whole lines before the bad byte
    if any(b > 0x7F for b in before):
        raise SourceError(
            name,
            line,
            f"the file mixes encodings: UTF-8 text before this line, then byte 0x{bad:02X}; "
            "save the whole file again as UTF-8 (or pass --encoding)",
        )
    try:
        text = codecs.getincrementaldecoder("gb18030")().decode(head, final=False)
    except UnicodeDecodeError:
        text = None
    if text is not None and _plausible_chinese(text):
        return "gb18030", "gb18030"
    raise SourceError(
        name,
        line,
        f"cannot tell the text encoding: not UTF-8 (byte 0x{bad:02X}) and not GB18030/GBK Chinese; {ENCODING_HINT}",
    )


def _plausible_chinese(text: str) -> bool:
    """Whether GB18030-decoded ``text`` reads as Chinese rather than bytes of another encoding.

    Simplified-Chinese text is almost all GB2312 characters; Big5 or UTF-8 bytes decoded as GBK
    land largely on rare characters, the GBK extension and private-use code points.
    """
    wide = [ch for ch in text if ord(ch) > 0x7F]
    if not wide:
        return True
    common = 0
    for ch in wide:
        try:
            ch.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common / len(wide) >= 0.9


# -- CSV / TSV --------------------------------------------------------------------------------


def _delimited(stream: io.TextIOWrapper, name: str, kind: str, label: str) -> Table:
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


def _decode_problem(stream: io.TextIOWrapper, name: str, label: str) -> SourceError:
    """Where the first undecodable byte is (line and value), found again from the start of the file."""
    decoder = codecs.getincrementaldecoder(stream.encoding)()
    line, byte = 1, 0
    with open(stream.buffer.name, "rb") as fh:  # type: ignore[attr-defined]
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                line += chunk.count(b"\n", 0, max(exc.start, 0))
                byte = exc.object[exc.start] if 0 <= exc.start < len(exc.object) else chunk[0]
                break
            line += chunk.count(b"\n")
    return SourceError(
        name,
        line,
        f"not valid {label} text (byte 0x{byte:02X}); the file mixes encodings: "
        "save it again as UTF-8, or pass --encoding",
    )


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


def _json(stream: io.TextIOWrapper, name: str, kind: str, label: str) -> Table:
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


def _xlsx(fh: BinaryIO, name: str, sheet: str | None) -> Table:
    import zipfile

    import openpyxl

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
    cells = ws.iter_rows()

    def records() -> Iterator[tuple[int, list[Any]]]:
        try:
            for number, row in enumerate(cells, 1):
                values = [_cell_value(c) for c in row]
                if any(v is not None and v != "" for v in values):
                    yield number, values
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


def _cell_value(cell: Any) -> Any:
    if getattr(cell, "data_type", None) == "f":
        text = getattr(cell.value, "text", None) or str(cell.value)
        return Formula(text)
    return cell.value
