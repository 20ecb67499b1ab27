"""Reading long tables (time, location, product, value) into integer codes, with exact error places."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

import numpy as np

from chainlink.errors import DataError, SourceError, UsageError

_CHUNK_BYTES = 8 << 20


@dataclass
class LongInput:
    """A long table reduced to integer codes: one entry per input row.

    ``*_labels`` are sorted; ``loc[k]`` is the position of row ``k``'s location in ``loc_labels``.
    ``where(k)`` names row ``k`` for messages (``file:line`` or ``row k``).
    """

    names: dict[str, str]
    loc_labels: list[str]
    loc: np.ndarray
    prod_labels: list[str]
    prod: np.ndarray
    value: np.ndarray
    time_labels: list[str] | None = None
    time: np.ndarray | None = None
    where: Callable[[int], str] = field(default=lambda k: f"row {k + 1}")

    def fail(self, k: int, message: str) -> DataError:
        """A :class:`DataError` about row ``k``: ``<where>: <message>``."""
        return DataError(f"{self.where(k)}: {message}")


def _sort_labels(labels: list[str], numeric: bool = False) -> list[str]:
    if numeric:
        try:
            return sorted(labels, key=lambda s: (float(s), s))
        except ValueError:
            pass
    return sorted(labels)


class _Codes:
    """Incremental factorisation of a text column into integer codes."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def add(self, texts: Sequence[str]) -> np.ndarray:
        index = self.index
        for text in dict.fromkeys(texts):
            if text not in index:
                index[text] = len(index)
        return np.fromiter(map(index.__getitem__, texts), dtype=np.int32, count=len(texts))

    def finish(self, codes: np.ndarray, numeric: bool = False) -> tuple[list[str], np.ndarray]:
        labels = list(self.index)
        ordered = _sort_labels(labels, numeric)
        rank = np.empty(len(labels), dtype=np.int32)
        position = {label: i for i, label in enumerate(ordered)}
        for label, provisional in self.index.items():
            rank[provisional] = position[label]
        return ordered, rank[codes] if codes.size else codes


def _parse_values(texts: Sequence[Any], start: int, where: Callable[[int], str], column: str) -> np.ndarray:
    try:
        values = np.array(texts, dtype=np.float64)
    except (TypeError, ValueError):
        for k, text in enumerate(texts):
            try:
                float(text)
            except (TypeError, ValueError):
                shown = str(text).strip()
                if not shown:
                    raise DataError(
                        f"{where(start + k)}: column {column!r} is empty; fill in 0 or remove the row"
                    ) from None
                raise DataError(
                    f"{where(start + k)}: {column!r} value {shown!r} is not a number; write a plain number "
                    "such as 1234.5 (no units or thousands separators)"
                ) from None
        raise
    if values.ndim != 1:
        raise DataError(f"column {column!r} must hold one number per row")
    return _check_values(values, texts, start, where, column)


def _check_values(
    values: np.ndarray, texts: Sequence[Any], start: int, where: Callable[[int], str], column: str
) -> np.ndarray:
    bad = ~np.isfinite(values)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"{where(start + k)}: {column!r} value {str(texts[k])!r} is not a finite number; write a number or 0"
        )
    negative = values < 0
    if negative.any():
        k = int(np.flatnonzero(negative)[0])
        raise DataError(
            f"{where(start + k)}: {column!r} value {values[k]:g} is negative; activity must be 0 or more"
        )
    return values


def _check_codes(texts: Sequence[str], start: int, where: Callable[[int], str], column: str) -> None:
    if "" in texts or any(not t.strip() for t in dict.fromkeys(texts)):
        k = next(i for i, t in enumerate(texts) if not t.strip())
        raise DataError(f"{where(start + k)}: column {column!r} is empty; every row needs a code")


class _Lines:
    """Maps a record position to its line in the file (fast unless records span lines)."""

    def __init__(self, path: str, encoding: str) -> None:
        self.path, self.encoding = path, encoding
        self.simple = True

    def __call__(self, k: int) -> str:
        if self.simple:
            return f"{self.path}:{k + 2}"
        with open(self.path, newline="", encoding=self.encoding, errors="replace") as fh:
            reader = csv.reader(fh)
            next(reader, None)
            seen = -1
            for row in reader:
                if row:
                    seen += 1
                    if seen == k:
                        return f"{self.path}:{reader.line_num}"
        return self.path


def read_long_csv(
    path: str | Path,
    *,
    loc: str,
    prod: str,
    val: str,
    time: str | None = None,
    encoding: str = "utf-8-sig",
    bulk: bool = True,
) -> LongInput:
    """Read a long-format CSV (one row per time, location, product) into a :class:`LongInput`.

    Codes are kept as text (``0164`` keeps its zero). Every problem raises
    :class:`~chainlink.errors.SourceError` / :class:`~chainlink.errors.DataError` naming
    ``file:line`` and what to do. Blank lines are skipped.

    The file is read in bulk by pyarrow's multi-threaded CSV reader when it is installed; a file it
    cannot take whole (or with anything wrong in it) is read again row by row, which finds the exact
    line and says what is wrong. ``bulk=False`` reads row by row only. Both give the same result.
    """
    path = str(path)
    encoding = text_encoding(path, encoding)
    lines = _Lines(path, encoding)
    wanted = {"loc": loc, "prod": prod, "val": val}
    if time is not None:
        wanted["time"] = time
    try:
        fh = open(path, newline="", encoding=encoding)  # noqa: SIM115 - closed by the `with fh` below
    except LookupError:
        raise UsageError(f"unknown encoding {encoding!r}; try utf-8-sig or gb18030") from None
    except OSError as exc:
        raise SourceError(path, None, f"cannot read the file ({exc.strerror}); check the path") from None
    codes = {key: _Codes() for key in wanted if key != "val"}
    parts: dict[str, list[np.ndarray]] = {key: [] for key in wanted}
    count = 0
    try:
        with fh:
            header = next(csv.reader([fh.readline()]), None)
            if not header:
                raise SourceError(
                    path, 1, f"the file is empty; expected a header row naming {', '.join(wanted.values())}"
                )
            columns = {key: _column(header, name, key, path) for key, name in wanted.items()}
            if bulk:
                fast = _read_bulk_csv(path, wanted, encoding, lines)
                if fast is not None:
                    return fast
            for chunk in _record_chunks(fh):
                parsed = _parse_chunk(chunk, len(header), columns, count, lines, wanted)
                for key, texts in parsed.items():
                    parts[key].append(texts if key == "val" else codes[key].add(texts))
                count += len(parsed["val"])
    except UnicodeDecodeError:
        raise SourceError(path, None, f"is not valid {encoding} text; try --encoding gb18030") from None
    except csv.Error as exc:
        raise SourceError(path, None, f"is not valid CSV ({exc})") from None
    if count == 0:
        raise SourceError(path, 2, "the file has a header but no rows")
    joined = {key: np.concatenate(chunks) for key, chunks in parts.items()}
    loc_labels, loc_codes = codes["loc"].finish(joined["loc"])
    prod_labels, prod_codes = codes["prod"].finish(joined["prod"])
    time_labels, time_codes = (None, None)
    if time is not None:
        time_labels, time_codes = codes["time"].finish(joined["time"], numeric=True)
    return LongInput(
        names=dict(wanted),
        loc_labels=loc_labels,
        loc=loc_codes,
        prod_labels=prod_labels,
        prod=prod_codes,
        value=joined["val"],
        time_labels=time_labels,
        time=time_codes,
        where=lines,
    )


def text_encoding(path: str, encoding: str) -> str:
    """The encoding to decode ``path`` with: the one asked for (``utf-8-sig`` by default).

    The one place the long-table readers decide how to decode text. The default (``utf-8-sig``, i.e. no
    ``--encoding`` given) is replaced by what :func:`chainlink.base.textio.detect_encoding` finds in the first
    64 KiB (UTF-8 with or without BOM, UTF-16, GB18030/GBK via charset-normalizer) — the same detector
    the importers use; the file is then decoded strictly in that encoding.
    """
    if encoding != "utf-8-sig":
        return encoding
    from chainlink.base.textio import detect_encoding

    try:
        with open(path, "rb") as fh:
            head = fh.read(1 << 16)
    except OSError:
        return encoding  # the reader reports the missing or unreadable file itself
    return detect_encoding(head, str(path))[0]


def _arrow_encoding(encoding: str) -> str:
    """pyarrow's name for ``encoding`` (it drops a UTF-8 byte-order mark by itself)."""
    import codecs

    name = codecs.lookup(encoding).name
    return "utf8" if name in ("utf-8", "utf-8-sig") else name


def _numpy(array: Any, dtype: type) -> np.ndarray:
    """A pyarrow array without nulls as NumPy, from its data buffer.

    (``Array.to_numpy`` would import pandas, when installed, which costs more than the whole read.)
    """
    kind = np.dtype(dtype)
    return np.frombuffer(
        array.buffers()[1], dtype=kind, count=len(array), offset=array.offset * kind.itemsize
    )


def _factorize(array: Any) -> tuple[_Codes, np.ndarray]:
    """Integer codes of a pyarrow string or dictionary column (the dictionary's order).

    A dictionary column (as the CSV reader and Parquet files give them) needs no encoding, and
    so no ``pyarrow.compute`` (whose import costs ≈ 0.1 s).
    """
    import pyarrow as pa

    factor = _Codes()
    if pa.types.is_dictionary(array.type):
        if not pa.types.is_int32(array.type.index_type):
            array = array.cast(pa.dictionary(pa.int32(), array.type.value_type))
        labels = array.dictionary.to_pylist()
        codes = _numpy(array.indices, np.int32)
        used = np.bincount(codes, minlength=len(labels)) > 0
        if array.dictionary.null_count == 0 and len(set(labels)) == len(labels) and used.all():
            factor.index = {label: i for i, label in enumerate(labels)}
            return factor, codes
        # A dictionary written by someone else may repeat values or hold unused ones: encode afresh.
        array = array.dictionary_decode()
    encoded = array.dictionary_encode()
    factor.index = {label: i for i, label in enumerate(encoded.dictionary.to_pylist())}
    return factor, _numpy(encoded.indices, np.int32)


def _clean_codes(factor: _Codes) -> bool:
    return all(label.strip() for label in factor.index)


def _read_bulk_csv(path: str, wanted: dict[str, str], encoding: str, lines: _Lines) -> LongInput | None:
    """The whole CSV through pyarrow; ``None`` when pyarrow is missing or anything is not clean."""
    try:
        import pyarrow as pa
        import pyarrow.csv as pcsv
    except ImportError:
        return None
    # Codes read as dictionary columns: hashed by the (multi-threaded) reader itself.
    text = pa.dictionary(pa.int32(), pa.string())
    types = {name: (pa.float64() if key == "val" else text) for key, name in wanted.items()}
    try:
        table = pcsv.read_csv(
            path,
            read_options=pcsv.ReadOptions(encoding=_arrow_encoding(encoding)),
            convert_options=pcsv.ConvertOptions(
                column_types=types,
                include_columns=list(wanted.values()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowException, LookupError, OSError, UnicodeError):
        return None
    if table.num_rows == 0:
        return None
    table = table.unify_dictionaries()
    lines.simple = _one_line_per_record(path, encoding, table.num_rows)
    return _long_from_arrow({name: table.column(name) for name in wanted.values()}, wanted, lines)


def _long_from_arrow(
    columns: Mapping[str, Any], wanted: dict[str, str], where: Callable[[int], str]
) -> LongInput | None:
    """A :class:`LongInput` from pyarrow columns (name → string or float64 column), or ``None`` if not clean."""
    value_column = columns[wanted["val"]]
    if value_column.null_count:
        return None
    value = _numpy(value_column.combine_chunks(), np.float64)
    if not np.isfinite(value).all() or (value < 0).any():
        return None
    out: dict[str, tuple[list[str], np.ndarray]] = {}
    for key, name in wanted.items():
        if key == "val":
            continue
        column = columns[name]
        if column.null_count:
            return None
        factor, codes = _factorize(column.combine_chunks())
        if not _clean_codes(factor):
            return None
        out[key] = factor.finish(codes, numeric=key == "time")
    return LongInput(
        names=dict(wanted),
        loc_labels=out["loc"][0],
        loc=out["loc"][1],
        prod_labels=out["prod"][0],
        prod=out["prod"][1],
        value=np.ascontiguousarray(value, dtype=np.float64),
        time_labels=out["time"][0] if "time" in out else None,
        time=out["time"][1] if "time" in out else None,
        where=where,
    )


def _one_line_per_record(path: str, encoding: str, records: int) -> bool:
    """Whether record ``k`` sits on line ``k + 2`` (no blank lines, no record spanning lines)."""
    import codecs

    if codecs.lookup(encoding).name not in ("utf-8", "utf-8-sig", "ascii", "gb18030", "gbk", "latin-1"):
        return False
    newlines = 0
    last = b"\n"
    with open(path, "rb") as fh:
        while block := fh.read(1 << 24):
            newlines += block.count(b"\n")
            last = block[-1:]
    total = newlines + (last != b"\n")
    return total == records + 1


def read_long_parquet(
    path: str | Path, *, loc: str, prod: str, val: str, time: str | None = None
) -> LongInput:
    """Read a long table from a Parquet file (pyarrow) into a :class:`LongInput`.

    Codes are turned into text (store them as text in the file to keep leading zeros); the value
    column must be numeric. Problems name the file and the row (``file: row k``).
    """
    path = str(path)
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise UsageError("reading Parquet needs pyarrow: pip install pyarrow") from None
    wanted = {"loc": loc, "prod": prod, "val": val}
    if time is not None:
        wanted["time"] = time
    try:
        schema = pq.read_schema(path)
    except OSError as exc:
        raise SourceError(path, None, f"cannot read the file as Parquet ({exc})") from None
    header = list(schema.names)
    for key, name in wanted.items():
        if header.count(name) != 1:
            problem = "appears twice in" if header.count(name) > 1 else "is not in"
            raise SourceError(
                path,
                None,
                f"column {name!r} {problem} the file ({', '.join(header)}); name it with {_FLAGS[key]}",
            )
    try:
        # ParquetFile, not pq.read_table: the latter goes through pyarrow.dataset, which imports pandas
        # (≈ 0.5 s, more than reading a county-sized file).
        # Text codes read as dictionaries: no hashing (and no pyarrow.compute import) afterwards.
        text = [name for key, name in wanted.items() if key != "val" and _is_text(schema.field(name).type)]
        with pq.ParquetFile(path, read_dictionary=text) as parquet:
            table = parquet.read(columns=list(wanted.values()))
    except (pa.ArrowException, OSError) as exc:
        raise SourceError(path, None, f"cannot read the file as Parquet ({exc})") from None
    if table.num_rows == 0:
        raise SourceError(path, None, "the file has no rows")

    def where(k: int) -> str:
        return f"{path}: row {k + 1}"

    table = table.unify_dictionaries()
    columns: dict[str, Any] = {}
    for key, name in wanted.items():
        column = table.column(name)
        if (key == "val" and pa.types.is_float64(column.type)) or (key != "val" and _is_text(column.type)):
            columns[name] = column
            continue
        try:
            columns[name] = column.cast(pa.float64() if key == "val" else pa.string())
        except (pa.ArrowException, ValueError):
            kind = "numbers" if key == "val" else "codes"
            raise DataError(f"{path}: column {name!r} ({column.type}) cannot be read as {kind}") from None
    fast = _long_from_arrow(columns, wanted, where)
    if fast is not None:
        return fast
    # Something is wrong: find the first bad row with the exact checks.
    for key, name in wanted.items():
        values = columns[name].to_pylist()
        if key == "val":
            for k, v in enumerate(values):
                if v is None:
                    raise DataError(f"{where(k)}: column {name!r} is empty; fill in 0 or remove the row")
            _check_values(np.array(values, dtype=np.float64), values, 0, where, name)
        else:
            _check_codes(["" if v is None else v for v in values], 0, where, name)
    raise DataError(f"{path}: cannot read the long table")  # pragma: no cover - every case is named above


def _is_text(kind: Any) -> bool:
    """Whether a pyarrow type is text (``string`` or a dictionary of strings)."""
    import pyarrow as pa

    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def read_long_file(
    path: str | Path,
    *,
    loc: str,
    prod: str,
    val: str,
    time: str | None = None,
    encoding: str = "utf-8-sig",
) -> LongInput:
    """Read a long table from CSV or Parquet (recognised by its first bytes, ``PAR1``)."""
    if _is_parquet(str(path)):
        return read_long_parquet(path, loc=loc, prod=prod, val=val, time=time)
    return read_long_csv(path, loc=loc, prod=prod, val=val, time=time, encoding=encoding)


def _is_parquet(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == b"PAR1"
    except OSError:
        return False


_FLAGS = {"loc": "--loc", "prod": "--prod", "val": "--val", "time": "--time"}


def _column(header: list[str], name: str, key: str, path: str) -> int:
    if header.count(name) != 1:
        problem = "appears twice in" if header.count(name) > 1 else "is not in"
        raise SourceError(
            path,
            1,
            f"column {name!r} {problem} the header ({', '.join(header)}); name the column with {_FLAGS[key]}",
        )
    return header.index(name)


def _record_chunks(fh: IO[str]) -> Iterator[list[str]]:
    """Lists of lines, about 8 MB each, never ending inside a quoted field."""
    while True:
        chunk = fh.readlines(_CHUNK_BYTES)
        if not chunk:
            return
        quotes = "".join(chunk).count('"')
        while quotes % 2:
            extra = fh.readline()
            if not extra:
                break
            chunk.append(extra)
            quotes += extra.count('"')
        yield chunk


def _parse_chunk(
    chunk: list[str],
    width: int,
    columns: dict[str, int],
    start: int,
    lines: _Lines,
    wanted: dict[str, str],
) -> dict[str, Any]:
    """Columns of one chunk: code columns as lists of text, the value column as float64."""
    if min(map(len, chunk)) <= 2 and any(not line.strip("\r\n") for line in chunk):
        lines.simple = False
        chunk = [line for line in chunk if line.strip("\r\n")]
    if not chunk:
        return {key: ([] if key != "val" else np.zeros(0)) for key in columns}
    if '"' not in "".join(chunk) and set(map(str.count, chunk, repeat(","))) == {width - 1}:
        try:
            return _parse_plain(chunk, columns, start, lines, wanted)
        except ValueError:
            pass  # the exact csv path below finds the row and says what is wrong
    rows = list(csv.reader(chunk))
    if lines.simple and len(rows) != len(chunk):
        lines.simple = False
    for k, row in enumerate(rows):
        if len(row) != width:
            raise DataError(
                f"{lines(start + k)}: {len(row)} fields but the header has {width}; "
                "fix the row (quote values that contain commas)"
            )
    out: dict[str, Any] = {}
    for key, position in columns.items():
        texts = list(map(itemgetter(position), rows))
        if key == "val":
            out[key] = _parse_values(texts, start, lines, wanted[key])
        else:
            _check_codes(texts, start, lines, wanted[key])
            out[key] = texts
    return out


def _parse_plain(
    chunk: list[str], columns: dict[str, int], start: int, lines: _Lines, wanted: dict[str, str]
) -> dict[str, Any]:
    """Fast path for chunks without quotes: NumPy's C parser."""
    code_keys = [key for key in columns if key != "val"]
    texts = np.loadtxt(
        chunk, delimiter=",", dtype=str, usecols=[columns[k] for k in code_keys], comments=None, ndmin=2
    )
    values = np.loadtxt(
        chunk, delimiter=",", dtype=np.float64, usecols=columns["val"], comments=None, ndmin=1
    )
    out: dict[str, Any] = {"val": _check_values(values, values, start, lines, wanted["val"])}
    for i, key in enumerate(code_keys):
        column = texts[:, i].tolist()
        _check_codes(column, start, lines, wanted[key])
        out[key] = column
    return out


def long_input(
    data: Any,
    *,
    loc: str = "loc",
    prod: str = "prod",
    val: str = "val",
    time: str | None = None,
) -> LongInput:
    """Turn in-memory long data into a :class:`LongInput`.

    ``data`` is a mapping of column name → sequence (a dict of lists, a pandas DataFrame) or a
    sequence of row mappings. Codes are turned into text with ``str``.
    """
    if isinstance(data, LongInput):
        return data
    wanted = {"loc": loc, "prod": prod, "val": val}
    if time is not None:
        wanted["time"] = time
    if isinstance(data, Sequence) and not isinstance(data, (str, bytes)):
        rows = list(data)
        columns: dict[str, Sequence[Any]] = {}
        for key, name in wanted.items():
            try:
                columns[key] = [row[name] for row in rows]
            except (KeyError, TypeError):
                k = next(i for i, row in enumerate(rows) if not isinstance(row, Mapping) or name not in row)
                raise DataError(
                    f"row {k + 1} has no {name!r}; every row needs {', '.join(wanted.values())}"
                ) from None
    else:
        columns = {}
        for key, name in wanted.items():
            try:
                columns[key] = list(data[name])
            except (KeyError, TypeError, IndexError):
                raise DataError(
                    f"no column {name!r} in the data; name the {key} column with {key}="
                ) from None
    lengths = {len(v) for v in columns.values()}
    if len(lengths) != 1:
        raise DataError("the columns have different lengths")
    if lengths == {0}:
        raise DataError("the table has no rows")

    def where(k: int) -> str:
        return f"row {k + 1}"

    value = _parse_values(columns["val"], 0, where, val)
    out: dict[str, Any] = {}
    for key in ("loc", "prod", "time"):
        if key not in columns:
            continue
        texts = ["" if v is None else str(v) for v in columns[key]]
        _check_codes(texts, 0, where, wanted[key])
        factor = _Codes()
        out[key] = factor.finish(factor.add(texts), numeric=key == "time")
    return LongInput(
        names=dict(wanted),
        loc_labels=out["loc"][0],
        loc=out["loc"][1],
        prod_labels=out["prod"][0],
        prod=out["prod"][1],
        value=value,
        time_labels=out["time"][0] if "time" in out else None,
        time=out["time"][1] if "time" in out else None,
        where=where,
    )
