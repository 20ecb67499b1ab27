"""Helpers for tests that edit a copy of the source tree (``mini_root``) to provoke one error."""

from __future__ import annotations

import csv
import io
from pathlib import Path


def set_field(path: Path, row_id: str, field: str, value: str) -> int:
    """Set one field of the row whose first column is ``row_id``; return that row's line number."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    col = rows[0].index(field)
    index = next(i for i, r in enumerate(rows) if r[0] == row_id)
    rows[index][col] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return index + 1
