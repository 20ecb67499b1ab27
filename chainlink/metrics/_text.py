"""Bulk text output for large metric tables: numbers formatted and rows assembled as byte arrays.

A year of county × industry metrics is millions of rows; formatting them one Python value at a time
takes minutes. Here every column is turned into a block of bytes with NumPy (digits from lookup
tables, no per-value Python), the blocks are laid side by side with the separators, and the padding
bytes are squeezed out, one chunk of rows at a time.

Floats are written in positional notation with at most 15 significant digits (what Excel keeps) and
at most 12 decimals, trailing zeros dropped but one decimal kept (``0.0``, ``2.5``,
``0.333333333333``); the absolute rounding error is below 5e-13. Values of 10^12 or more are
written by Python with the same rule.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO

import numpy as np

CHUNK_ROWS = 1 << 16
_BIG = 999_999_999_999.0
_POW10_FLOAT = np.array([10.0**k for k in range(23)])
_POW10_INT = np.array([10**k for k in range(19)], dtype=np.int64)
_INT_BOUNDS = np.array([10.0**k for k in range(1, 12)])
# One table of four-character blocks (small enough to stay in cache): the sections hold a number
# 0–9999 zero-padded, with trailing zeros stripped, and without leading zeros; then "" and "0".
_PAD, _STRIP, _PLAIN, _EMPTY = 0, 10_000, 20_000, 30_000
_TABLE: list[np.ndarray] = []


def _block_table() -> np.ndarray:
    if _TABLE:
        return _TABLE[0]
    k = np.arange(10_000, dtype=np.int64)
    pad = np.empty((k.size, 4), dtype=np.uint8)
    for j in range(4):
        pad[:, j] = (k // 10 ** (3 - j)) % 10 + 48
    trailing = np.logical_and.accumulate((pad == 48)[:, ::-1], axis=1)[:, ::-1]
    strip = pad.copy()
    strip[trailing] = 0
    ndig = 1 + np.searchsorted(np.array([10, 100, 1000]), k, side="right")
    plain = np.zeros_like(pad)
    for width in range(1, 5):
        rows = ndig == width
        plain[rows, :width] = pad[rows, 4 - width :]
    empty = np.zeros((1, 4), dtype=np.uint8)
    table = np.concatenate([pad, strip, plain, empty]).view(np.uint32).ravel()
    _TABLE.append(table)
    return table


def format_float(value: float) -> str:
    """Format one float by the module rule (the slow reference for :func:`float_bytes`).

    >>> format_float(1 / 3), format_float(2.0), format_float(-1e-14), format_float(1234567.0)
    ('0.333333333333', '2.0', '0.0', '1234567.0')
    """
    value = float(value) + 0.0
    magnitude = abs(value)
    int_digits = len(str(int(magnitude))) if magnitude >= 1 else 1
    decimals = max(0, min(12, 15 - int_digits))
    text = f"{value:.{decimals}f}"
    if "." not in text:
        text += ".0"
    text = text.rstrip("0")
    if text.endswith("."):
        text += "0"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return text


def float_bytes(values: np.ndarray) -> np.ndarray:
    """Return the formatted text of ``values`` as a ``(n, width)`` uint8 matrix, NUL-padded.

    The NUL bytes may sit anywhere in a row; :func:`assemble` removes them. Mostly-zero input
    (a sparse RCA column) is formatted only where it is not zero.
    """
    x = np.asarray(values, dtype=np.float64).ravel()
    n = x.size
    if n == 0:
        return np.zeros((0, 1), dtype=np.uint8)
    if not np.isfinite(x).all():
        raise ValueError("cannot write NaN or infinite values")
    nonzero = np.flatnonzero(x)
    if nonzero.size < n // 2:
        dense = _float_bytes_dense(x[nonzero]) if nonzero.size else np.zeros((0, 3), np.uint8)
        width = max(3, dense.shape[1])
        out = np.zeros((n, width), dtype=np.uint8)
        out[:, :3] = np.frombuffer(b"0.0", dtype=np.uint8)
        out[nonzero] = 0
        out[nonzero, : dense.shape[1]] = dense
        return out
    return _float_bytes_dense(x)


def _float_bytes_dense(x: np.ndarray) -> np.ndarray:
    table = _block_table()
    n = x.size
    a = np.abs(x)
    big = a >= _BIG
    any_big = bool(big.any())
    if any_big:
        a = np.where(big, 0.0, a)
    decimals = 14 - np.searchsorted(_INT_BOUNDS, a, side="right")
    np.minimum(decimals, 12, out=decimals)
    q = np.rint(a * _POW10_FLOAT[decimals]).astype(np.int64)
    unit = _POW10_INT[decimals]
    whole = q // unit
    frac = (q - whole * unit) * _POW10_INT[12 - decimals]
    rest, f3 = np.divmod(frac, 10_000)
    f1, f2 = np.divmod(rest, 10_000)
    blocks: list[np.ndarray] = []
    negative = (x < 0) & (q > 0)
    if negative.any():
        blocks.append(np.where(negative, 45, 0).astype(np.uint8)[:, None])
    top = int(whole.max())
    if top < 10_000:
        width = len(str(top))
        blocks.append(table[_PLAIN + whole].view(np.uint8).reshape(n, 4)[:, :width])
    else:
        rest, w3 = np.divmod(whole, 10_000)
        w1, w2 = np.divmod(rest, 10_000)
        lead1 = w1 > 0
        lead2 = lead1 | (w2 > 0)
        idx = np.empty((n, 3), dtype=np.int64)
        idx[:, 0] = np.where(lead1, _PLAIN + w1, _EMPTY)
        idx[:, 1] = np.where(lead1, _PAD + w2, np.where(lead2, _PLAIN + w2, _EMPTY))
        idx[:, 2] = np.where(lead2, _PAD + w3, _PLAIN + w3)
        start = 0 if top >= 100_000_000 else 1
        blocks.append(table[idx[:, start:]].view(np.uint8).reshape(n, 4 * (3 - start)))
    blocks.append(np.full((n, 1), 46, dtype=np.uint8))
    z3 = f3 == 0
    z23 = z3 & (f2 == 0)
    idx = np.empty((n, 3), dtype=np.int64)
    idx[:, 0] = np.where(z23, np.where(f1 == 0, _PLAIN, _STRIP + f1), _PAD + f1)
    idx[:, 1] = np.where(z3, _STRIP + f2, _PAD + f2)
    idx[:, 2] = _STRIP + f3
    used = 3 if not z3.all() else (2 if not z23.all() else 1)
    blocks.append(table[idx[:, :used]].view(np.uint8).reshape(n, 4 * used))
    out = np.concatenate(blocks, axis=1)
    if any_big:
        texts = [format_float(v).encode() for v in x[big]]
        width = max(out.shape[1], max(len(t) for t in texts))
        if width > out.shape[1]:
            out = np.concatenate([out, np.zeros((n, width - out.shape[1]), np.uint8)], axis=1)
        rows = np.flatnonzero(big)
        out[rows] = np.array(texts, dtype=f"S{width}").view(np.uint8).reshape(len(texts), width)
    return out


def text_table(texts: Sequence[str]) -> np.ndarray:
    """Encode ``texts`` as a 1-D ``S`` array (NUL-padded) to gather rows from."""
    encoded = [t.encode("utf-8") for t in texts]
    width = max((len(e) for e in encoded), default=1) or 1
    return np.array(encoded, dtype=f"S{width}")


def gather(table: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Rows of ``table`` (from :func:`text_table`) picked by ``index``, as a uint8 matrix."""
    width = table.dtype.itemsize
    return table[index].view(np.uint8).reshape(len(index), width)


@dataclass
class Column:
    """One output column, produced for a range of rows at a time.

    ``kind`` is ``"float"`` (``values(start, stop)`` gives floats), ``"text"`` or ``"number"``
    (``index(start, stop)`` picks entries of ``labels``; ``number`` labels are written bare in
    JSON, ``text`` labels quoted).
    """

    name: str
    kind: str
    values: Callable[[int, int], np.ndarray] | None = None
    labels: Sequence[str] | None = None
    index: Callable[[int, int], np.ndarray] | None = None


def _csv_quote(text: str, delimiter: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerow([text])
    return buf.getvalue()[:-1]


def _const(text: str, n: int) -> np.ndarray:
    raw = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    return np.broadcast_to(raw, (n, raw.size))


def assemble(blocks: Sequence[np.ndarray]) -> bytes:
    """Lay ``blocks`` (each ``(n, w)`` uint8) side by side and drop every NUL byte.

    ``bytes.translate`` deletes the NULs in one C loop (≈ 20 % faster than a NumPy boolean mask).
    """
    return np.concatenate(blocks, axis=1).tobytes().translate(None, b"\0")


def write_table(
    stream: IO[bytes], columns: Sequence[Column], n_rows: int, fmt: str, *, header: bool = True
) -> None:
    """Write ``n_rows`` rows of ``columns`` to the binary ``stream`` as csv, tsv or ndjson.

    CSV and TSV quote like :mod:`csv` (minimal quoting, ``\\n`` line ends), as
    :func:`chainlink.output.render` does; NDJSON writes one compact object per line.
    """
    if fmt not in ("csv", "tsv", "ndjson"):
        raise ValueError(f"write_table cannot write {fmt!r}")
    delimiter = "," if fmt == "csv" else "\t"
    tables: list[np.ndarray | None] = []
    for col in columns:
        if col.kind == "float":
            tables.append(None)
            continue
        labels = list(col.labels or [])
        if fmt == "ndjson":
            if col.kind == "number":
                shown = [t if t else "null" for t in labels]
            else:
                shown = [json.dumps(t, ensure_ascii=False) for t in labels]
        else:
            shown = [_csv_quote(t, delimiter) for t in labels]
        tables.append(text_table(shown))
    if fmt == "ndjson":
        keys = [json.dumps(c.name, ensure_ascii=False) for c in columns]
        before = ["{" + keys[0] + ": "] + [", " + k + ": " for k in keys[1:]]
        after = "}\n"
    else:
        if header:
            line = io.StringIO()
            csv.writer(line, delimiter=delimiter, lineterminator="\n").writerow([c.name for c in columns])
            stream.write(line.getvalue().encode("utf-8"))
        before = [""] + [delimiter] * (len(columns) - 1)
        after = "\n"
    for start in range(0, n_rows, CHUNK_ROWS):
        stop = min(n_rows, start + CHUNK_ROWS)
        n = stop - start
        blocks: list[np.ndarray] = []
        for col, table, lead in zip(columns, tables, before, strict=True):
            if lead:
                blocks.append(_const(lead, n))
            if table is None:
                blocks.append(float_bytes(col.values(start, stop)))
            else:
                blocks.append(gather(table, col.index(start, stop)))
        blocks.append(_const(after, n))
        stream.write(assemble(blocks))
