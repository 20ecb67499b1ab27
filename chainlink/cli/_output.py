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
    fmt = check_format(fmt, FORMATS)
    if fmt == "xlsx":
        from chainlink.outputs.xlsx import Sheet, workbook_bytes

        book = sheets(rows, columns) if sheets else [Sheet("data", columns, rows)]
        write_binary(workbook_bytes(book, escape_formulas=escape_formulas), output)
        return
    if fmt == "md":
        text = render_markdown(rows, table_columns or columns, headers=headers, title=title, notices=notices)
    elif fmt == "table":
        text = render_table(rows, table_columns or columns, headers=headers, title=title, notices=notices)
    else:
        from chainlink.base.output import render

        text = render(rows, columns, fmt, bom=bom, escape_formulas=escape_formulas)
    if output is not None:
        from chainlink.base.output import write_atomic

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
    """The width to render for, as rich's ``Console().width`` finds it (``COLUMNS`` honoured; 80 when
    nothing tells), at least 20.

    Detected here without importing rich's console (≈ 0.1 s of start-up): the same steps on POSIX —
    ``COLUMNS``/``LINES``, a dumb terminal (``TERM`` dumb or unknown on a terminal: 80), the size of the
    first of stdin, stdout and stderr that is a terminal; Jupyter and Windows ask rich itself.
    tests/test_table_render.py compares the two.
    """
    import os

    env = os.environ
    if sys.platform == "win32" or _in_jupyter():
        from rich.console import Console

        return max(20, Console().width)
    columns, lines = env.get("COLUMNS"), env.get("LINES")
    fixed = int(columns) if columns is not None and columns.isdigit() else None
    if fixed is not None and lines is not None and lines.isdigit():
        return max(20, fixed)
    if env.get("TERM", "").lower() in ("dumb", "unknown") and _stdout_is_terminal(env):
        return 80
    if fixed is not None:
        return max(20, fixed)
    width = None
    for fd in (0, 1, 2):
        try:
            width = os.get_terminal_size(fd).columns
        except (AttributeError, ValueError, OSError):
            continue
        break
    return max(20, width or 80)


def _in_jupyter() -> bool:
    """rich's Jupyter test: an IPython kernel (or Colab, Databricks) is running this process."""
    import builtins

    return hasattr(builtins, "get_ipython")


def _stdout_is_terminal(env: Mapping[str, str]) -> bool:
    """rich's ``Console().is_terminal`` for stdout (``TTY_COMPATIBLE``, ``FORCE_COLOR``, IDLE, ``isatty``)."""
    if getattr(sys.stdin, "__module__", "").startswith("idlelib"):
        return False
    compatible = env.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        return compatible == "1"
    force = env.get("FORCE_COLOR")
    if force is not None:
        return force != ""
    isatty = getattr(sys.stdout, "isatty", None)
    try:
        return False if isatty is None else bool(isatty())
    except ValueError:
        return False


# Characters whose terminal width is certain (rich's tables agree in every Unicode version it knows):
# printable ASCII, Latin letters with accents (pinyin), dashes, quotes and arrows are one cell; the Han
# ideographs of Unicode 1.1 and 3.0 (U+4E00–U+9FA5, U+3400–U+4DB5) and the listed fullwidth punctuation two.
_WIDE_PUNCTUATION = frozenset("、。《》「」『』【】〔〕〈〉（）［］｛｝，．：；！？％－～＋＃＆／＜＞＝＠＼＾＿｀｜")
_NARROW = frozenset(
    [chr(c) for c in range(0xA0, 0xAD)] + [chr(c) for c in range(0xAE, 0x300)] + list("‐–—‘’“”…→←↔·")
)


def cell_len(text: str) -> int:
    """Terminal cells of ``text`` as ``rich.cells.cell_len`` counts them (CJK characters two).

    Counted here for text of printable ASCII, Han and the listed fullwidth punctuation (importing rich
    costs ≈ 20 ms of start-up); anything else is measured by rich.
    """
    known = _known_len(text)
    if known is not None:
        return known
    from rich.cells import cell_len as rich_cell_len

    return rich_cell_len(text)


def _known_len(text: str) -> int | None:
    """The cells of ``text`` when every character's width is certain (see above), else None. Such
    widths add up: the cells of ``a + b`` are those of ``a`` plus those of ``b``."""
    if text.isascii():
        return len(text) if text.isprintable() else None
    wide = 0
    for ch in text:
        if "\u4e00" <= ch <= "\u9fa5" or "\u3400" <= ch <= "\u4db5" or ch in _WIDE_PUNCTUATION:
            wide += 1
        elif not (" " <= ch <= "~" or ch in _NARROW):
            return None
    return len(text) + wide


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
    width = width or terminal_width()
    out: list[str] = []
    for para in text.split("\n"):
        if cell_len(para) <= width:
            out.append(para.rstrip())
            continue
        current, cells = "", 0  # cells: of current, while every piece so far has known widths (else None)
        for unit in break_units(para):
            # the cells of (current + unit).rstrip(), added up when the widths are known (the same count)
            stripped = unit.rstrip()
            unit_cells = _known_len(stripped) if cells is not None else None
            if unit_cells is None or not stripped:
                wide = cell_len((current + unit).rstrip())
            else:
                wide = cells + unit_cells
            if current.strip() and wide > width:
                out.append(current.rstrip())
                current = " " * indent + unit.lstrip(" ")
                cells = _known_len(current)
            else:
                current += unit
                added = _known_len(unit) if cells is not None else None
                cells = None if added is None else cells + added
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
    """Render rows as a plain box table no wider than ``width`` (default: the terminal's).

    Cell text is wrapped by :func:`wrap` (Unicode line breaking; numbers, codes and URLs whole), then
    laid out as rich lays out a ``SIMPLE_HEAD`` table without edges (:func:`_plain_table`: the same
    bytes, without importing rich's console and table, ≈ 0.1 s of start-up); cells that rich would
    change (control characters, a line wider than its column) go through rich itself.
    """
    width = width or terminal_width()
    heads = [(headers or {}).get(col, col) for col in columns]
    body = [[_fmt_cell(row.get(col)) for col in columns] for row in rows]
    cells = [[heads[i]] + [r[i] for r in body] for i in range(len(columns))]
    widths = _column_widths(cells, width)
    parts = []
    if title:
        parts.append(fold(title, width) + "\n")
    head_lines = [wrap(head, w) for head, w in zip(heads, widths, strict=True)]
    body_lines = [[wrap(cell, w) for cell, w in zip(r, widths, strict=True)] for r in body]
    if not rows:
        parts.append("(no rows)\n")
    elif columns and _plain_fits([head_lines, *body_lines], widths):
        parts.append(_plain_table(head_lines, body_lines, widths))
    else:
        parts.append(_rich_table(head_lines, body_lines, widths, width))
    for notice in notices:
        parts.append(fold(notice, width) + "\n")
    return "".join(parts)


def _plain_fits(rows: Sequence[Sequence[Sequence[str]]], widths: Sequence[int]) -> bool:
    """Can :func:`_plain_table` lay these wrapped cells out exactly as rich would?

    Yes unless a line is wider than its column (rich crops it) or holds a control character (rich's
    ``Text`` strips some and expands tabs).
    """
    for row in rows:
        for lines, w in zip(row, widths, strict=True):
            for line in lines:
                if _CONTROL.search(line) or cell_len(line) > w:
                    return False
    return True


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _plain_table(head: Sequence[list[str]], body: Sequence[Sequence[list[str]]], widths: Sequence[int]) -> str:
    """The text rich prints for a ``box.SIMPLE_HEAD`` table with ``show_edge=False, pad_edge=False``.

    Each cell is padded to its column width (one space of padding inside each column edge except the
    table's outer ones, a space between columns: three cells between two columns); headings are
    aligned to the bottom of the heading row, body cells to the top; a line of ``─`` under the
    heading spans the table. Every line is as wide as the table (trailing spaces kept, as rich does).
    """
    def lines_of(row: Sequence[list[str]], bottom: bool) -> list[str]:
        height = max(len(cell) for cell in row)
        padded = []
        for cell, w in zip(row, widths, strict=True):
            blank = [""] * (height - len(cell))
            cell_lines = blank + cell if bottom else cell + blank
            padded.append([line + " " * (w - cell_len(line)) for line in cell_lines])
        return ["   ".join(parts) + "\n" for parts in zip(*padded, strict=True)]

    out = lines_of(head, bottom=True)
    out.append("─" * (sum(widths) + 3 * (len(widths) - 1)) + "\n")
    for row in body:
        out += lines_of(row, bottom=False)
    return "".join(out)


def _rich_table(
    head: Sequence[list[str]], body: Sequence[Sequence[list[str]]], widths: Sequence[int], width: int
) -> str:
    """The table laid out by rich itself (what :func:`_plain_table` reproduces for plain cells)."""
    import io

    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    buf = io.StringIO()
    console = Console(file=buf, width=max(width, sum(widths) + 3 * (len(widths) - 1)), no_color=True,
                      highlight=False, color_system=None)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    for lines, w in zip(head, widths, strict=True):
        table.add_column(Text("\n".join(lines)), width=w, no_wrap=True, overflow="ignore")
    for r in body:
        table.add_row(*[Text("\n".join(lines)) for lines in r])
    console.print(table)
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
