"""Excel workbooks out (openpyxl, write-only): sheets of rows with a readable header, codes as text.

Every text value is written as a text cell, never as a formula, even when it begins with ``=``.
With ``escape_formulas`` (the default) a text cell that begins with ``=``, ``+``, ``-`` or ``@`` also
carries Excel's quote prefix, so that editing it in Excel keeps it text; the value itself is unchanged.
Digit-only codes (``331121``, ``0164``) get the Text number format so Excel keeps leading zeros.

Suggestion workbooks (``match``/``export --format xlsx``) have a summary sheet (汇总, one row per
county) and a detail sheet (明细, the stable export columns of docs/export.md).
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from chainlink.base.output import FORMULA_PREFIXES, needs_escape
from chainlink.errors import DataError

MAX_ROWS = 1_048_576  # Excel's limit per sheet, header included
_DIGITS = re.compile(r"\d+")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass
class Sheet:
    """One sheet: its title, columns in order, rows (mappings) and optional display headers."""

    title: str
    columns: Sequence[str]
    rows: Iterable[Mapping[str, Any]]
    headers: Mapping[str, str] | None = None


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def workbook_bytes(sheets: Sequence[Sheet], *, escape_formulas: bool = True) -> bytes:
    """The ``.xlsx`` file holding ``sheets``, as bytes."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        rows = list(sheet.rows)
        if len(rows) + 1 > MAX_ROWS:
            raise DataError(
                f"{len(rows):,} rows do not fit one Excel sheet (at most {MAX_ROWS - 1:,}); use --format csv"
            )
        ws = book.create_sheet(_title(sheet.title))
        ws.freeze_panes = "A2"
        labels = [(sheet.headers or {}).get(c, c) for c in sheet.columns]
        for i, col in enumerate(sheet.columns):
            sample = [_width(str(r.get(col) if r.get(col) is not None else "")) for r in rows[:200]]
            width = max([_width(labels[i]), *sample]) + 2
            ws.column_dimensions[get_column_letter(i + 1)].width = min(max(width, 6), 60)
        header = []
        for label in labels:
            cell = WriteOnlyCell(ws, value=label)
            cell.data_type = "s"
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for row in rows:
            ws.append([_cell(ws, WriteOnlyCell, row.get(c), escape_formulas) for c in sheet.columns])
        if sheet.columns:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{len(rows) + 1}"
    if not sheets:
        book.create_sheet("data")
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _cell(ws: Any, make: Any, value: Any, escape: bool) -> Any:
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, (list, tuple)):
        value = ";".join("" if v is None else str(v) for v in value)
    text = _ILLEGAL.sub("\ufffd", str(value))
    first = text[:1]
    if first in FORMULA_PREFIXES or (first.isdigit() and _DIGITS.fullmatch(text)):
        cell = make(ws, value=text)
        cell.data_type = "s"  # text, never a formula
        if escape and needs_escape(text):
            cell.quotePrefix = True
        elif first.isdigit():
            cell.number_format = "@"
        return cell
    return text


def _title(text: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", "_", text).strip("'") or "data"
    return cleaned[:31]


def write_workbook(
    path: str | os.PathLike[str], sheets: Sequence[Sheet], *, escape_formulas: bool = True
) -> None:
    """Write ``sheets`` to ``path`` atomically (temporary file + rename)."""
    from chainlink.base.output import write_atomic

    write_atomic(path, workbook_bytes(sheets, escape_formulas=escape_formulas))


SUMMARY_COLUMNS = [
    "county_code",
    "county_zh",
    "county_en",
    "suggestions",
    "top_score",
    "top_relation_zh",
    "top_segment_zh",
    "top_chain_zh",
    "top_partner_zh",
    "top_confidence",
    "sample_rows",
]
SUMMARY_HEADERS = {
    "county_code": "县代码 code",
    "county_zh": "县 county",
    "county_en": "County",
    "suggestions": "建议数 suggestions",
    "top_score": "最高分 top score",
    "top_relation_zh": "类型 type",
    "top_segment_zh": "首选环节 top segment",
    "top_chain_zh": "产业链 chain",
    "top_partner_zh": "结对方 partner",
    "top_confidence": "可信度 confidence",
    "sample_rows": "示例数据行 sample rows",
}


def suggestion_sheets(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> list[Sheet]:
    """Summary (汇总: one row per county, its best suggestion) and detail (明细: every row, ``columns``)."""
    by_county: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        by_county.setdefault(str(row.get("county_code", "")), []).append(row)
    summary = []
    for code in sorted(by_county):
        group = by_county[code]
        top = min(group, key=lambda r: (r.get("rank") or 0, -(r.get("score") or 0)))
        summary.append(
            {
                "county_code": code,
                "county_zh": top.get("county_zh"),
                "county_en": top.get("county_en"),
                "suggestions": len(group),
                "top_score": top.get("score"),
                "top_relation_zh": top.get("relation_zh"),
                "top_segment_zh": top.get("segment_zh"),
                "top_chain_zh": top.get("chain_zh"),
                "top_partner_zh": top.get("partner_zh"),
                "top_confidence": top.get("confidence"),
                "sample_rows": sum(1 for r in group if r.get("sample")),
            }
        )
    return [
        Sheet("汇总", SUMMARY_COLUMNS, summary, SUMMARY_HEADERS),
        Sheet("明细", list(columns), rows),
    ]
