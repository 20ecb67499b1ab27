"""Rows out: CSV, TSV, JSON and NDJSON text, and atomic file writes.

Every command that returns rows goes through :func:`render`; nothing else formats CSV or JSON.
Values are written as they are: codes stay text, floats are written with ``repr`` precision
unless the caller rounded them.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from chainlink.errors import DataError, UsageError

MACHINE_FORMATS = ("csv", "tsv", "json", "ndjson")
FORMULA_PREFIXES = ("=", "+", "-", "@")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


# Line separators that some readers (str.splitlines, JavaScript) treat as line breaks: escape them
# so that NDJSON stays one record per line. Inside JSON they can only occur in strings.
_LINE_BREAKS = {"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _json(value: Any, indent: int | None = None) -> str:
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    for raw, escaped in _LINE_BREAKS.items():
        text = text.replace(raw, escaped)
    return text


def needs_escape(text: str) -> bool:
    """Whether a spreadsheet would run ``text`` as a formula: it begins with = + - @ and is not a number.

    >>> needs_escape("=1+1"), needs_escape("-5"), needs_escape("-"), needs_escape("abc")
    (True, False, True, False)
    """
    return bool(text) and text[0] in FORMULA_PREFIXES and not _NUMBER.fullmatch(text)


def escape_formula(text: str) -> str:
    """Prefix ``text`` with ``'`` when Excel would read it as a formula (CSV/TSV meant for Excel).

    ``chainlink import`` removes the prefix again, so exported files import back unchanged.

    >>> escape_formula("=SUM(A1:A9)"), escape_formula("-3.5")
    ("'=SUM(A1:A9)", '-3.5')
    """
    if needs_escape(text) or (text[:1] == "'" and text[1:2] in FORMULA_PREFIXES):
        return "'" + text
    return text


def unescape_formula(text: str) -> str:
    """Undo :func:`escape_formula`: ``'=x`` → ``=x``, ``''=x`` → ``'=x``; anything else is returned as is."""
    if text[:1] == "'" and (
        text[1:2] in FORMULA_PREFIXES or (text[1:2] == "'" and text[2:3] in FORMULA_PREFIXES)
    ):
        return text[1:]
    return text


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ";".join(_cell(v) for v in value)
    return str(value)


def render(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[str],
    fmt: str,
    *,
    bom: bool = False,
    escape_formulas: bool = False,
) -> str:
    """Render ``rows`` (mappings) restricted to ``columns`` as ``fmt`` text.

    ``fmt`` is one of ``csv``, ``tsv``, ``json``, ``ndjson``. CSV/TSV use ``\\n`` line endings
    and minimal quoting; JSON is a list of objects with keys in ``columns`` order, UTF-8 (not
    ASCII-escaped), two-space indent; NDJSON has one compact object per line.
    ``bom`` prefixes a UTF-8 byte-order mark (for Excel). ``escape_formulas`` (CSV/TSV only)
    prefixes text cells that begin with = + - @ with ``'`` (:func:`escape_formula`); the command
    line turns it on by default (files meant for Excel), the library leaves values as they are.

    >>> render([{"a": "01", "b": 2}], ["a", "b"], "csv")
    'a,b\\n01,2\\n'
    """
    prefix = "\ufeff" if bom else ""
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            cells = [_cell(row.get(c)) for c in columns]
            if escape_formulas:
                cells = [
                    escape_formula(text) if isinstance(row.get(c), (str, list, tuple)) else text
                    for c, text in zip(columns, cells, strict=True)
                ]
            writer.writerow(cells)
        return prefix + buf.getvalue()
    if fmt == "json":
        data = [{c: row.get(c) for c in columns} for row in rows]
        return prefix + _json(data, indent=2) + "\n"
    if fmt == "ndjson":
        lines = [_json({c: row.get(c) for c in columns}) for row in rows]
        return prefix + "".join(line + "\n" for line in lines)
    raise UsageError(f"unknown format {fmt!r}: use one of {', '.join(MACHINE_FORMATS)}")


def public_mode(path: str | os.PathLike[str]) -> None:
    """Give a temporary file the mode a normally created file would have (mkstemp makes it 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename.

    A reader sees the old file or the new one, never a half-written one; on any error the
    temporary file is removed and the old file is left as it was. A target that exists and is not
    a regular file (``/dev/null``, a pipe) is written to directly: renaming over it would replace it.
    """
    import stat

    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if target.exists() and not stat.S_ISREG(target.stat().st_mode):
        if target.is_dir():
            raise DataError(f"{target}: is a folder; choose a file name for --output")
        with open(target, "wb") as fh:
            fh.write(payload)
        return
    if not folder.is_dir():
        raise DataError(f"{target}: folder {folder} does not exist; create it or choose another --output")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        public_mode(tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
