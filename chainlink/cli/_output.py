"""Shared CLI output: one `emit` for every command that returns rows, tables, Markdown and line wrapping.

The options that choose the output (``--format``, ``--output``, ``--bom``, ``--top``, ``--lang``) are
defined once in :mod:`chainlink.cli._options`.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from chainlink.cli._options import FORMATS, DbOption, LangOption, check_lang  # noqa: F401  (re-exported)
from chainlink.errors import UsageError


def check_format(fmt: str, allowed: Sequence[str] = FORMATS) -> str:
    """Return ``fmt`` lower-cased, or raise a usage error naming the allowed formats."""
    value = fmt.lower()
    if value not in allowed:
        raise UsageError(f"unknown --format {fmt!r}: use one of {', '.join(allowed)}")
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

    Machine formats carry ``columns`` and nothing else. The table (and ``md``, a Markdown table) shows
    ``table_columns`` (default ``columns``) with ``headers`` as column titles, as wide as the terminal
    (``COLUMNS`` honoured), then ``notices`` (e.g. that some rows are sample data) below it. ``xlsx`` writes the workbook
    ``sheets(rows, columns)`` returns (default: one sheet of ``columns``).
    """
    from chainlink.base.output import render, write_atomic

    fmt = check_format(fmt, FORMATS)
    if fmt == "xlsx":
        from chainlink.outputs.xlsx import Sheet, workbook_bytes

        book = sheets(rows, columns) if sheets else [Sheet("data", columns, rows)]
        write_binary(workbook_bytes(book, escape_formulas=escape_formulas), output)
        return
    if fmt == "md":
        text = render_markdown(rows, table_columns or columns, headers=headers, title=title, notices=notices)
    elif fmt != "table":
        text = render(rows, columns, fmt, bom=bom, escape_formulas=escape_formulas)
    if fmt != "table":
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
    from chainlink.base.output import is_stdout, write_atomic

    if output is not None and not is_stdout(output):
        write_atomic(output, data)
        return
    if sys.stdout.isatty():
        raise UsageError("--format xlsx writes a binary workbook: pass --output FILE (or redirect stdout)")
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def terminal_width() -> int:
    """The width to render for: rich's own detection (``COLUMNS`` honoured; 80 when nothing tells)."""
    from rich.console import Console

    return max(20, Console().width)


# Runs of printable ASCII (numbers, codes, ids, URLs, e-mail addresses, English words) are never
# broken inside: UAX #14 alone would allow a break after "/" or "-" in a URL or an id.
_ATOM = re.compile(r"[!-~]+")


def break_units(text: str) -> list[str]:
    """Split ``text`` into the pieces between which a line may break.

    Unicode line breaking (UAX #14, through the ``uniseg`` library) decides where breaks are allowed,
    so no line starts with closing punctuation (。，）、…) and no number is split; it is tailored so
    that a run of printable ASCII (a code, id or URL) is one piece. Joining the pieces gives ``text``.
    """
    return list(_break_units(text))


@functools.lru_cache(maxsize=4096)
def _break_units(text: str) -> tuple[str, ...]:
    from chainlink.cli._linebreak import line_break_units  # uniseg's units, fast for Chinese text

    if not text:
        return ()
    protected: set[int] = set()
    for m in _ATOM.finditer(text):
        protected.update(range(m.start() + 1, m.end()))
    units: list[str] = []
    pos = 0
    for unit in line_break_units(text):
        if units and pos in protected:
            units[-1] += unit
        else:
            units.append(unit)
        pos += len(unit)
    return tuple(units)


def wrap(text: str, width: int | None = None, indent: int = 0) -> list[str]:
    """Lines of ``text`` at most ``width`` terminal cells wide (CJK characters count two).

    Breaks only where :func:`break_units` allows; a single piece wider than the line (a very long
    URL) stays whole on a line of its own rather than being split. Follow-on lines are indented by
    ``indent`` spaces; hard newlines in ``text`` are kept.
    """
    from rich.cells import cell_len

    width = width or terminal_width()
    out: list[str] = []
    for para in text.split("\n"):
        if cell_len(para) <= width:
            out.append(para.rstrip())
            continue
        current = ""
        for unit in break_units(para):
            if current.strip() and cell_len((current + unit).rstrip()) > width:
                out.append(current.rstrip())
                current = " " * indent + unit.lstrip(" ")
            else:
                current += unit
        out.append(current.rstrip())
    return out


def fold(text: str, width: int | None = None, indent: int = 3) -> str:
    """Fold ``text`` to ``width`` terminal cells (default: the terminal's), indenting follow-on lines.

    Uses :func:`wrap`: Unicode line-breaking rules, numbers, codes, ids and URLs never split.
    """
    return "\n".join(wrap(text, width, indent))


def fold_lines(lines: Sequence[str], width: int | None = None, indent: int | None = None) -> str:
    """Lines (a tree, a list of facts) folded to ``width`` (default: the terminal's), newline-terminated.

    A follow-on line is indented by ``indent`` spaces, or by the line's own indent plus three.
    """
    width = width or terminal_width()
    out = []
    for line in lines:
        own = len(line) - len(line.lstrip(" "))
        out.append(fold(line, width, own + 3 if indent is None else indent))
    return "".join(part + "\n" for part in out)


def _column_widths(cells: list[list[str]], width: int) -> list[int]:
    """Column widths that fit ``width`` (with 3 cells between columns), shrinking the widest first.

    A column never gets narrower than its widest unbreakable piece.
    """
    from rich.cells import cell_len

    natural = [max((cell_len(line) for c in col for line in c.split("\n")), default=0) for col in cells]
    widths = [max(1, n) for n in natural]
    room = width - 3 * (len(widths) - 1)
    if sum(widths) <= room:
        return widths
    minimum = [
        max((cell_len(u.strip()) for c in col for line in c.split("\n") for u in break_units(line)), default=0)
        for col in cells
    ]
    while sum(widths) > room:
        candidates = [i for i, w in enumerate(widths) if w > max(minimum[i], 1)]
        if not candidates:
            break
        i = max(candidates, key=lambda k: (widths[k], -k))
        widths[i] -= 1
    return widths


def render_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    headers: Mapping[str, str] | None = None,
    title: str | None = None,
    notices: Sequence[str] = (),
    width: int | None = None,
) -> str:
    """Render rows as a plain box table (rich) no wider than ``width`` (default: the terminal's).

    Cell text is wrapped by :func:`wrap` (Unicode line breaking; numbers, codes and URLs whole)
    before rich lays the table out, and rich's own folding is switched off.
    """
    import io

    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    width = width or terminal_width()
    heads = [(headers or {}).get(col, col) for col in columns]
    body = [[_fmt_cell(row.get(col)) for col in columns] for row in rows]
    cells = [[heads[i]] + [r[i] for r in body] for i in range(len(columns))]
    widths = _column_widths(cells, width)
    buf = io.StringIO()
    console = Console(file=buf, width=max(width, sum(widths) + 3 * (len(widths) - 1)), no_color=True,
                      highlight=False, color_system=None)
    if title:
        buf.write(fold(title, width) + "\n")
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    for head, w in zip(heads, widths, strict=True):
        table.add_column(Text("\n".join(wrap(head, w))), width=w, no_wrap=True, overflow="ignore")
    for r in body:
        table.add_row(*[Text("\n".join(wrap(cell, w))) for cell, w in zip(r, widths, strict=True)])
    if rows:
        console.print(table)
    else:
        console.print("(no rows)", markup=False)
    for notice in notices:
        buf.write(fold(notice, width) + "\n")
    return buf.getvalue()


def render_markdown(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    headers: Mapping[str, str] | None = None,
    title: str | None = None,
    notices: Sequence[str] = (),
) -> str:
    """Rows as a GitHub-flavoured Markdown table (for wikis): the title as a heading, notices below.

    >>> print(render_markdown([{"a": "x|y", "b": 1.5}], ["a", "b"], title="T"), end="")
    ## T
    <BLANKLINE>
    | a | b |
    | --- | --- |
    | x\\|y | 1.500 |
    """

    def cell(text: str) -> str:
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")

    heads = [(headers or {}).get(col, col) for col in columns]
    lines = [f"## {title}", ""] if title else []
    lines.append("| " + " | ".join(cell(h) for h in heads) + " |")
    lines.append("|" + " --- |" * len(columns))
    lines += ["| " + " | ".join(cell(_fmt_cell(row.get(c))) for c in columns) + " |" for row in rows]
    if notices:
        lines.append("")
        lines += [f"- {cell(n)}" for n in notices]
    return "\n".join(lines) + "\n"


def _fmt_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return str(value)
