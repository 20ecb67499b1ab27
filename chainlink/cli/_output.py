"""Shared CLI output: one `emit` for every command that returns rows, and the common options."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from chainlink.errors import UsageError

FORMATS = ("table", "csv", "tsv", "json", "ndjson")
XLSX_FORMATS = (*FORMATS, "xlsx")  # commands that also write Excel workbooks

FormatOption = Annotated[
    str,
    typer.Option("--format", "-f", help="Output format: table, csv, tsv, json or ndjson.", metavar="FORMAT"),
]
XlsxFormatOption = Annotated[
    str,
    typer.Option(
        "--format", "-f", help="Output format: table, csv, tsv, json, ndjson or xlsx.", metavar="FORMAT"
    ),
]
EscapeOption = Annotated[
    bool,
    typer.Option(
        "--escape-formulas/--no-escape-formulas",
        help="In csv, tsv and xlsx, keep text that begins with = + - @ from being run as an Excel formula "
        "(csv/tsv: a leading '; xlsx: Excel's quote prefix).",
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="Write to FILE (atomically) instead of stdout; - is stdout.", metavar="FILE"
    ),
]
DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="Self-contained registry to read (default: $CHAINLINK_DB, else the registry shipped with chainlink "
        "plus your user registry; `chainlink --version` shows them).",
        metavar="PATH",
    ),
]
LangOption = Annotated[str, typer.Option("--lang", help="Language of explanations: zh or en.")]


def check_format(fmt: str, allowed: Sequence[str] = FORMATS) -> str:
    """Return ``fmt`` lower-cased, or raise a usage error naming the allowed formats."""
    value = fmt.lower()
    if value not in allowed:
        raise UsageError(f"unknown --format {fmt!r}: use one of {', '.join(allowed)}")
    return value


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is ``zh`` or ``en``."""
    value = lang.lower()
    if value not in ("zh", "en"):
        raise UsageError(f"unknown --lang {lang!r}: use zh or en")
    return value


def emit(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    fmt: str,
    output: Path | None = None,
    *,
    headers: Mapping[str, str] | None = None,
    table_columns: Sequence[str] | None = None,
    title: str | None = None,
    notices: Sequence[str] = (),
    bom: bool = False,
    escape_formulas: bool = True,
    sheets: Callable[[Sequence[Mapping[str, Any]], Sequence[str]], list[Any]] | None = None,
) -> None:
    """Write ``rows`` in ``fmt`` to ``output`` (atomically) or stdout.

    Machine formats carry ``columns`` and nothing else. The table shows ``table_columns``
    (default ``columns``) with ``headers`` as column titles, at most 80 characters wide, then
    ``notices`` (e.g. that some rows are sample data) below it. ``xlsx`` writes the workbook
    ``sheets(rows, columns)`` returns (default: one sheet of ``columns``).
    """
    from chainlink.output import render, write_atomic

    fmt = check_format(fmt, XLSX_FORMATS)
    if fmt == "xlsx":
        from chainlink.xlsx import Sheet, workbook_bytes

        book = sheets(rows, columns) if sheets else [Sheet("data", columns, rows)]
        write_binary(workbook_bytes(book, escape_formulas=escape_formulas), output)
        return
    if fmt != "table":
        text = render(rows, columns, fmt, bom=bom, escape_formulas=escape_formulas)
        if output is not None:
            write_atomic(output, text)
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
        return
    text = render_table(rows, table_columns or columns, headers=headers, title=title, notices=notices)
    if output is not None:
        write_atomic(output, text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def write_binary(data: bytes, output: Path | None) -> None:
    """Write ``data`` (an xlsx workbook) to ``output`` atomically, or to stdout when it is not a terminal."""
    from chainlink.output import is_stdout, write_atomic

    if output is not None and not is_stdout(output):
        write_atomic(output, data)
        return
    if sys.stdout.isatty():
        raise UsageError("--format xlsx writes a binary workbook: pass --output FILE (or redirect stdout)")
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def render_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    headers: Mapping[str, str] | None = None,
    title: str | None = None,
    notices: Sequence[str] = (),
    width: int = 80,
) -> str:
    """Render rows as a plain box table (rich) no wider than ``width``; return the text."""
    import io

    from rich import box
    from rich.console import Console
    from rich.table import Table

    buf = io.StringIO()
    console = Console(file=buf, width=width, no_color=True, highlight=False, color_system=None)
    if title:
        console.print(title, markup=False)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    for col in columns:
        table.add_column((headers or {}).get(col, col), overflow="fold")
    for row in rows:
        table.add_row(*[_fmt_cell(row.get(col)) for col in columns])
    if rows:
        console.print(table)
    else:
        console.print("(no rows)", markup=False)
    for notice in notices:
        buf.write(fold(notice, width) + "\n")
    return buf.getvalue()


def fold(text: str, width: int = 80, indent: int = 3) -> str:
    """Fold ``text`` to ``width`` terminal cells (CJK characters count two), indenting follow-on lines.

    Breaks at a space when one is near, else between any two characters (Chinese has no spaces).
    """
    from rich.cells import cell_len

    lines: list[str] = []
    current = ""
    for ch in text:
        if cell_len(current + ch) > width:
            cut = current.rfind(" ")
            if cut > width // 2:
                lines.append(current[:cut].rstrip())
                current = " " * indent + current[cut + 1 :]
            else:
                lines.append(current.rstrip())
                current = " " * indent
        current += ch
    lines.append(current.rstrip())
    return "\n".join(lines)


def _fmt_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return str(value)
