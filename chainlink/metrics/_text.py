"""Bulk text output for large metric tables: numbers formatted and rows assembled as byte arrays.

A year of county × industry metrics is millions of rows; formatting them one Python value at a time
takes minutes. Here every column is turned into a block of bytes with NumPy (digits from lookup
tables, no per-value Python), one chunk of rows at a time; the blocks are laid side by side with the
separators and the padding bytes are squeezed out (``bytes.translate``), about a megabyte at a time
so that the rows stay in the CPU's cache. Where the time goes: docs/metrics.md "Fifth session" and
"Sixth session".

Floats are written in positional notation with at most 15 significant digits (what Excel keeps) and
at most 12 decimals, trailing zeros dropped but one decimal kept (``0.0``, ``2.5``,
``0.333333333333``); the absolute rounding error is below 5e-13. Values of 10^12 or more are
written by Python with the same rule.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO, Any

import numpy as np

CHUNK_ROWS = 1 << 16
# Bytes of rows laid out and squeezed at a time by write_grid: ≈ 1 MB (five locations of 1,381 products)
# stays in the CPU's cache (1 MB of L2 here) with a fifth of the Python steps of one location a block
# (measured, writer alone: 256 kB 1.95 CPU s, 1 MB 1.81, 2 MB 1.84, 4 MB 1.94).
BLOCK_BYTES = 1 << 20
# Threads that make chunks of text at once (NumPy releases the GIL); 1 writes in the calling thread.
# They are used only while a CPU is idle (see _threads): on a busy machine they only add GIL hand-offs.
THREADS = min(2, os.cpu_count() or 1)
_BIG = 999_999_999_999.0
_POW10_FLOAT = np.array([10.0**k for k in range(23)])
_POW10_INT = np.array([10**k for k in range(19)], dtype=np.int64)
_INT_BOUNDS = np.array([10.0**k for k in range(1, 12)])
# One table of four-character blocks (small enough to stay in cache): the sections hold a number
# 0–9999 zero-padded, with trailing zeros stripped, and without leading zeros; then ""; then the
# leads of a value below 10, two NULs (or a NUL and "-") before a digit and "." (0–9, then -0 to -9).
_PAD, _STRIP, _PLAIN, _EMPTY, _LEAD = 0, 10_000, 20_000, 30_000, 30_001
_TABLE: list[np.ndarray] = []
# A piece of a row: an ``(n, w)`` uint8 block (one row of text each, NUL-padded) or bytes for every row.
Piece = bytes | np.ndarray


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
    lead = np.zeros((20, 4), dtype=np.uint8)
    lead[10:, 1] = 45
    lead[:, 2] = np.arange(20) % 10 + 48
    lead[:, 3] = 46
    table = np.concatenate([pad, strip, plain, empty, lead]).view(np.uint32).ravel()
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
    return _join(_float_pieces(values))


def _join(pieces: list[Piece]) -> np.ndarray:
    """``pieces`` (``(n, w)`` uint8 blocks and constants, at least one block) as one ``(n, width)`` matrix."""
    n = next(p.shape[0] for p in pieces if not isinstance(p, bytes))
    return lay_out(pieces, n)


def _float_pieces(values: np.ndarray) -> list[Piece]:
    """The formatted text of ``values`` as pieces laid side by side: ``(n, w)`` uint8 blocks and constants."""
    x = np.asarray(values, dtype=np.float64).ravel()
    n = x.size
    if n == 0:
        return [np.zeros((0, 1), dtype=np.uint8)]
    if not np.isfinite(x).all():
        raise ValueError("cannot write NaN or infinite values")
    if np.count_nonzero(x) < n // 2:  # counted first: the positions of a dense column cost ≈ 10× more
        nonzero = np.flatnonzero(x)
        items = _value_items(x[nonzero])
        width = items.dtype.itemsize
        out = np.empty((n, width), dtype=np.uint8)
        rows = out.view(f"V{width}")[:, 0]
        rows[...] = _zero(width)
        rows[nonzero] = items
        return [out]
    return _float_pieces_dense(x)


def _float_bytes_dense(x: np.ndarray) -> np.ndarray:
    return _join(_float_pieces_dense(x))


def _value_items(x: np.ndarray) -> np.ndarray:
    """The text of each (finite) value in ``x`` as one NUL-padded ``V<w>`` item, ``w`` ≥ 3 (``0.0`` fits)."""
    texts = _float_bytes_dense(x) if x.size else np.zeros((0, 3), np.uint8)
    if texts.shape[1] < 3:
        texts = np.concatenate([texts, np.zeros((texts.shape[0], 3 - texts.shape[1]), np.uint8)], 1)
    return np.ascontiguousarray(texts).view(f"V{texts.shape[1]}")[:, 0]


def _float_pieces_dense(x: np.ndarray) -> list[Piece]:
    table = _block_table()
    n = x.size
    a = np.abs(x)
    big = a >= _BIG
    any_big = bool(big.any())
    if any_big:
        a = np.where(big, 0.0, a)
    if a.max() < _INT_BOUNDS[0]:  # below 10 everywhere (density, COG): 12 decimals, scalar factors
        q = np.rint(a * _POW10_FLOAT[12]).astype(np.int64)
        whole = q // _POW10_INT[12]
        frac = q - whole * _POW10_INT[12]
    else:
        decimals = 14 - np.searchsorted(_INT_BOUNDS, a, side="right")
        np.minimum(decimals, 12, out=decimals)
        q = np.rint(a * _POW10_FLOAT[decimals]).astype(np.int64)
        unit = _POW10_INT[decimals]
        whole = q // unit
        frac = (q - whole * unit) * _POW10_INT[12 - decimals]
    rest = frac // 10_000  # floor division by a constant is much faster than np.divmod
    f3 = frac - rest * 10_000
    f1 = rest // 10_000
    f2 = rest - f1 * 10_000
    negative = (x < 0) & (q > 0)
    top = int(whole.max())
    if top < 10 and not any_big:
        # One piece per value, [sign] digit "." 12 decimals, copied as one item (not three): four
        # table entries (the lead, then the decimals), of which the last 14 or 15 bytes are used.
        idx = np.empty((n, 4), dtype=np.int64)
        np.add(whole, _LEAD, out=idx[:, 0])
        signed = bool(negative.any())
        if signed:
            idx[:, 0] += negative * 10
        _decimal_blocks(f1, f2, f3, idx[:, 1:])
        text = np.take(table, idx).view(np.uint8)
        return [text[:, 1:] if signed else text[:, 2:]]
    blocks: list[Piece] = []
    if negative.any():
        blocks.append(np.where(negative, 45, 0).astype(np.uint8)[:, None])
    if top < 10:
        blocks.append((whole.astype(np.uint8) + 48)[:, None])
    elif top < 10_000:
        width = len(str(top))
        blocks.append(table[_PLAIN + whole].view(np.uint8).reshape(n, 4)[:, :width])
    else:
        rest = whole // 10_000  # floor division and a product: ≈ 2× faster than np.divmod
        w3 = whole - rest * 10_000
        w1 = rest // 10_000
        w2 = rest - w1 * 10_000
        lead1 = w1 > 0
        lead2 = lead1 | (w2 > 0)
        idx = np.empty((n, 3), dtype=np.int64)
        idx[:, 0] = np.where(lead1, _PLAIN + w1, _EMPTY)
        idx[:, 1] = np.where(lead1, _PAD + w2, np.where(lead2, _PLAIN + w2, _EMPTY))
        idx[:, 2] = np.where(lead2, _PAD + w3, _PLAIN + w3)
        start = 0 if top >= 100_000_000 else 1
        blocks.append(table[idx[:, start:]].view(np.uint8).reshape(n, 4 * (3 - start)))
    blocks.append(b".")
    idx = _decimal_blocks(f1, f2, f3, np.empty((n, 3), dtype=np.int64))
    used = 3 if (f3 != 0).any() else (2 if (f2 != 0).any() else 1)
    blocks.append(table[idx[:, :used]].view(np.uint8).reshape(n, 4 * used))
    if not any_big:
        return blocks
    out = _join(blocks)
    texts = [format_float(v).encode() for v in x[big]]
    width = max(out.shape[1], max(len(t) for t in texts))
    if width > out.shape[1]:
        out = np.concatenate([out, np.zeros((n, width - out.shape[1]), np.uint8)], axis=1)
    rows = np.flatnonzero(big)
    out[rows] = np.array(texts, dtype=f"S{width}").view(np.uint8).reshape(len(texts), width)
    return [out]


def _decimal_blocks(f1: np.ndarray, f2: np.ndarray, f3: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Indices into the block table of the 12 decimals ``f1 f2 f3`` (4 digits each), trailing zeros dropped, in ``idx``.

    Column 0: ``f1`` padded, or stripped when nothing follows it, or a plain ``0`` when all are zero;
    column 1: ``f2`` padded or stripped; column 2: ``f3`` stripped.
    """
    np.add(f1, _PAD, out=idx[:, 0])
    np.add(f2, _PAD, out=idx[:, 1])
    np.add(f3, _STRIP, out=idx[:, 2])
    z3 = f3 == 0
    if z3.any():  # adding a multiple of the mask: ≈ 30 % faster than NumPy's masked (where=) loops
        z23 = z3 & (f2 == 0)
        idx[:, 1] += z3 * (_STRIP - _PAD)
        idx[:, 0] += z23 * (_STRIP - _PAD)
        idx[:, 0] += (z23 & (f1 == 0)) * (_PLAIN - _STRIP)
    return idx


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

    For :func:`write_grid` (rows are the cells of a location × product grid, location-major),
    ``by`` says which label a text or number row shows without an ``index``: ``"loc"`` the
    location's (``labels`` has one per location), ``"prod"`` the product's, ``"all"`` the only one;
    and a mostly-zero float column may give ``nonzero(start, stop)``: the rows (counted from
    ``start``, increasing) and values of its non-zero cells, so that only those are written.
    """

    name: str
    kind: str
    values: Callable[[int, int], np.ndarray] | None = None
    labels: Sequence[str] | None = None
    index: Callable[[int, int], np.ndarray] | None = None
    by: str = "row"
    nonzero: Callable[[int, int], tuple[np.ndarray, np.ndarray]] | None = None


# Text the csv module never quotes (numbers, plain codes): returned as it is, without a writer per label.
_PLAIN_TEXT = re.compile(r"[0-9A-Za-z._+-]+")


def _csv_quote(text: str, delimiter: str) -> str:
    if _PLAIN_TEXT.fullmatch(text) and delimiter not in text:
        return text
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerow([text])
    return buf.getvalue()[:-1]


def lay_out(pieces: Sequence[Piece], n: int) -> np.ndarray:
    """Lay ``pieces`` side by side in one ``(n, width)`` uint8 matrix.

    Each block is copied into its columns as one fixed-size item per row (a ``V<w>`` view): NumPy
    then moves a row's piece in one step instead of byte by byte (``np.concatenate(axis=1)`` on
    narrow uint8 blocks is ≈ 3× slower).
    """
    widths = [len(p) if isinstance(p, bytes) else p.shape[1] for p in pieces]
    out = np.empty((n, sum(widths)), dtype=np.uint8)
    start = 0
    for piece, width in zip(pieces, widths, strict=True):
        if width == 0:
            continue
        slot = out[:, start : start + width].view(f"V{width}")[:, 0]
        if isinstance(piece, bytes):
            slot[...] = np.frombuffer(piece, dtype=f"V{width}")[0]
        else:
            if piece.strides[1] != 1:
                piece = np.ascontiguousarray(piece)
            slot[...] = piece.view(f"V{width}")[:, 0]
        start += width
    return out


def assemble(pieces: Sequence[Piece], n: int) -> bytes:
    """Lay ``pieces`` side by side (:func:`lay_out`) and drop every NUL byte: the rows' text.

    ``bytes.translate`` deletes the NULs in one C loop (≈ 20 % faster than a NumPy boolean mask).
    """
    return lay_out(pieces, n).tobytes().translate(None, b"\0")


def _prepare(
    stream: IO[bytes], columns: Sequence[Column], fmt: str, header: bool
) -> tuple[list[np.ndarray | None], list[bytes], bytes]:
    """Label tables (``None`` for floats), the text before each column and after the last; writes the header."""
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
    return tables, [b.encode("utf-8") for b in before], after.encode("utf-8")


def write_table(
    stream: IO[bytes], columns: Sequence[Column], n_rows: int, fmt: str, *, header: bool = True
) -> None:
    """Write ``n_rows`` rows of ``columns`` to the binary ``stream`` as csv, tsv or ndjson.

    CSV and TSV quote like :mod:`csv` (minimal quoting, ``\\n`` line ends), as
    :func:`chainlink.base.output.render` does; NDJSON writes one compact object per line.
    """
    tables, lead, end = _prepare(stream, columns, fmt, header)
    def chunk(start: int) -> list[bytes]:
        stop = min(n_rows, start + CHUNK_ROWS)
        pieces: list[Piece] = []
        for col, table, text in zip(columns, tables, lead, strict=True):
            if text:
                pieces.append(text)
            if table is None:
                pieces += _float_pieces(col.values(start, stop))
            else:
                pieces.append(gather(table, col.index(start, stop)))
        pieces.append(end)
        return [assemble(_merge_constants(pieces), stop - start)]

    _write_chunks(stream, chunk, range(0, n_rows, CHUNK_ROWS))


def _write_chunks(stream: IO[bytes], chunk: Callable[[int], list], starts: range) -> None:
    """Write the pieces ``chunk(start)`` returns for each start, in order; made by :func:`_threads` threads.

    NumPy releases the GIL while it formats and lays out a chunk, so two chunks are made at once on
    two cores (squeezing out the padding, ``bytes.translate``, holds it); at most ``2 × THREADS`` chunks
    wait in memory.
    """
    threads = _threads()
    if threads < 2 or len(starts) < 2:
        for start in starts:
            stream.writelines(chunk(start))
        return
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(threads, thread_name_prefix="chainlink-text") as pool:
        pending: deque = deque()
        try:
            for start in starts:
                if len(pending) >= 2 * threads:
                    stream.writelines(pending.popleft().result())
                pending.append(pool.submit(chunk, start))
            while pending:
                stream.writelines(pending.popleft().result())
        finally:
            for future in pending:
                future.cancel()


def _threads() -> int:
    """:data:`THREADS`, or 1 when the machine has no idle CPU (load average over CPUs − 1).

    Measured on 2 CPUs shared with other work (load average ≈ 4): in some runs two threads took 30–40 %
    off the wall time of writing 3.9 M rows, in others they were slower and cost ≈ 30 % more CPU. Again
    with the block writer (load ≈ 4.5, writer alone, best of 3): 1.9–2.2 CPU s on one thread, 2.4–2.5 on
    two, and no shorter wall time — ``bytes.translate`` holds the GIL.
    """
    if THREADS < 2:
        return 1
    try:
        busy = os.getloadavg()[0]
    except (AttributeError, OSError):
        return THREADS
    return THREADS if busy <= (os.cpu_count() or 1) - 1 else 1


def _merge_constants(pieces: list[Piece]) -> list[Piece]:
    out: list[Piece] = []
    for piece in pieces:
        if isinstance(piece, bytes) and out and isinstance(out[-1], bytes):
            out[-1] += piece
        else:
            out.append(piece)
    return out


def write_grid(
    stream: IO[bytes], columns: Sequence[Column], n_loc: int, n_prod: int, fmt: str, *, header: bool = True
) -> None:
    """Write the ``n_loc × n_prod`` cells of a grid, location-major, as :func:`write_table` would.

    Columns with ``by`` = ``"loc"``, ``"prod"`` or ``"all"`` show one label per location, per
    product or for every row; the others are produced per range of rows. The numbers of a chunk
    (:data:`CHUNK_ROWS` rows of whole locations) are formatted at once; its rows are then laid out
    and their padding deleted a few locations at a time (:data:`BLOCK_BYTES`), in a buffer that
    stays in the CPU cache and that keeps every constant and per-product text of a template location
    from one block to the next, so only the per-location and per-cell pieces are copied in.
    """
    tables, lead, end = _prepare(stream, columns, fmt, header)
    templates: dict[tuple, np.ndarray] = {}
    buffers = threading.local()  # each thread's block buffer: (template key, bytearray, rows)

    def chunk(first: int) -> list[bytearray]:
        last = min(n_loc, first + per_chunk)
        start, stop = first * n_prod, last * n_prod
        # segments: (kind, piece, width); kind is "const", "prod", "loc" or "cell"
        segments: list[tuple[str, Any, int]] = []

        def add(kind: str, piece: Any) -> None:
            if kind == "const":
                if not piece:
                    return
                if segments and segments[-1][0] == "const":
                    piece = segments.pop()[1] + piece
                segments.append(("const", piece, len(piece)))
            elif kind == "cell":
                segments.append(("cell", piece, piece.shape[1]))
            else:
                segments.append((kind, piece, piece.dtype.itemsize))

        for col, table, text in zip(columns, tables, lead, strict=True):
            add("const", text)
            sparse = _sparse_cells(col, start, stop) if table is None and col.nonzero is not None else None
            if sparse is not None:
                segments.append(("sparse", sparse, sparse[1].dtype.itemsize))
            elif table is None:
                for piece in _float_pieces(col.values(start, stop)):
                    add("const" if isinstance(piece, bytes) else "cell", piece)
            elif col.by == "all":
                add("const", bytes(table[0]))
            elif col.by in ("loc", "prod"):
                add(col.by, table)
            else:
                add("cell", gather(table, col.index(start, stop)))
        add("const", end)
        widths = tuple(w for _, _, w in segments)
        key = (widths, tuple(k for k, _, _ in segments))
        template = templates.get(key)
        if template is None:
            template = np.zeros((n_prod, sum(widths)), dtype=np.uint8)
            offset = 0
            for kind, piece, width in segments:
                if kind == "const":
                    template[:, offset : offset + width] = np.frombuffer(piece, dtype=np.uint8)
                elif kind == "prod":
                    _slot(template, offset, width)[...] = piece.view(f"V{width}")
                elif kind == "sparse":
                    _slot(template, offset, width)[...] = _zero(width)
                offset += width
            templates[key] = template
        # (offset, width, source) of what changes from row to row: a location's text or a cell's;
        # (offset, width, rows, texts) of the non-zero cells of a sparse column (the others read 0.0)
        loc_slots, cell_slots, sparse_slots = [], [], []
        offset = 0
        for kind, piece, width in segments:
            if kind == "loc":
                loc_slots.append((offset, width, piece.view(f"V{width}")))
            elif kind == "cell":
                if piece.strides[1] != 1:
                    piece = np.ascontiguousarray(piece)
                cell_slots.append((offset, width, piece.view(f"V{width}")[:, 0]))
            elif kind == "sparse":
                sparse_slots.append((offset, width, *piece))
            offset += width
        per_block = max(1, BLOCK_BYTES // template.nbytes)
        if sparse_slots:
            # where each block's non-zero cells start and end in each sparse column, found at once
            edges = np.arange(0, stop - start + per_block * n_prod, per_block * n_prod)
            sparse_slots = [
                (offset, width, rows, texts, np.searchsorted(rows, edges).tolist())
                for offset, width, rows, texts in sparse_slots
            ]
        out = []
        for k, block_first in enumerate(range(first, last, per_block)):
            block_last = min(last, block_first + per_block)
            rows = _block(buffers, key, template, block_last - block_first)
            cells = slice((block_first - first) * n_prod, (block_last - first) * n_prod)
            for offset, width, source in loc_slots:
                slot = _slot(rows, offset, width).reshape(block_last - block_first, n_prod)
                slot[...] = source[block_first:block_last, None]
            for offset, width, source in cell_slots:
                _slot(rows, offset, width)[...] = source[cells]
            if sparse_slots:
                _fill_sparse(buffers, template.shape[1], sparse_slots, k, cells.start)
            data = buffers.data if rows.size == len(buffers.data) else buffers.data[: rows.size]
            out.append(data.translate(None, b"\0"))
        return out

    if n_prod == 0:
        return
    per_chunk = max(1, CHUNK_ROWS // n_prod)
    _write_chunks(stream, chunk, range(0, n_loc, per_chunk))


def _block(buffers: threading.local, key: tuple, template: np.ndarray, n_locations: int) -> np.ndarray:
    """The calling thread's block buffer as ``n_locations × len(template)`` rows, starting as copies of ``template``.

    The buffer (a ``bytearray``, so that ``translate`` reads it without a copy) is kept from block to
    block: while the template is the same, its constant bytes are still in place.
    """
    n = n_locations * template.shape[0]
    size = n * template.shape[1]
    if getattr(buffers, "key", None) != key or len(buffers.data) < size:
        buffers.data = bytearray(size)
        buffers.key = key
        buffers.written = {}  # sparse slot offset → rows holding a non-zero cell's text (see _fill_sparse)
        buffers.views = None  # sparse slot offset → (its view of the buffer, 0.0)
        rows = np.frombuffer(buffers.data, dtype=np.uint8).reshape(n_locations, *template.shape)
        rows[...] = template
    return np.frombuffer(buffers.data, dtype=np.uint8, count=size).reshape(n, template.shape[1])


def _slot(rows: np.ndarray, start: int, width: int) -> np.ndarray:
    """Columns ``start:start + width`` of the uint8 matrix ``rows`` as one ``V<width>`` item per row."""
    return rows[:, start : start + width].view(f"V{width}")[:, 0]


def _zero(width: int) -> np.ndarray:
    """``0.0`` NUL-padded to ``width`` bytes, as one ``V<width>`` item."""
    return np.frombuffer(b"0.0".ljust(width, b"\0"), dtype=f"V{width}")[0]


def _sparse_cells(col: Column, start: int, stop: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The rows (from ``start``) and texts (``V<w>`` items) of the non-zero cells of ``col``, or None if they are half or more.

    Each value is formatted as :func:`_float_pieces` formats it (the text of a value does not depend
    on the others), so writing ``0.0`` everywhere else gives the same bytes.
    """
    assert col.nonzero is not None
    rows, values = col.nonzero(start, stop)
    if rows.size >= (stop - start) // 2:
        return None
    values = np.asarray(values, dtype=np.float64)
    if not np.isfinite(values).all():
        raise ValueError("cannot write NaN or infinite values")
    return rows, _value_items(values)


def _fill_sparse(buffers: threading.local, row_width: int, slots: list[tuple], k: int, first_row: int) -> None:
    """Write the non-zero cells of block ``k`` of sparse columns into the block buffer, over the template's ``0.0``.

    ``slots`` hold (offset, width, rows, texts, bounds): the non-zero cells of block ``k`` are
    ``rows[bounds[k]:bounds[k + 1]]`` (rows of the chunk; the block starts at ``first_row``). The
    buffer is kept from block to block, so the rows the previous block wrote are set back to ``0.0``
    first: two copies per non-zero cell instead of one per row (83 % of the cells of a county ×
    industry year are zero).
    """
    views = buffers.views
    if views is None:
        rows_of = np.frombuffer(buffers.data, dtype=np.uint8).reshape(-1, row_width)
        views = buffers.views = {}
        for offset, width, *_ in slots:
            views[offset] = (_slot(rows_of, offset, width), _zero(width))
    written = buffers.written
    for offset, _, rows, texts, bounds in slots:
        slot, zero = views[offset]
        stale = written.get(offset)
        if stale is not None:
            slot[stale] = zero
        lo, hi = bounds[k], bounds[k + 1]
        fresh = rows[lo:hi] - first_row
        slot[fresh] = texts[lo:hi]
        written[offset] = fresh
