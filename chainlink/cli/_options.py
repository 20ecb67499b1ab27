"""The options every command that returns rows takes, defined once, and the one output path they feed.

A row command is written as::

    @app.command()
    @rows_command(top=10)
    def match(county: ..., out: Rows) -> None:
        ...
        out.emit(rows, COLUMNS, headers=..., table_columns=..., title=..., notices=...)

:func:`rows_command` adds ``--format/-f``, ``--output/-o``, ``--bom``, ``--top/-n``, ``--lang``, and
``--escape-formulas`` to the command (before ``--db``), checks them and hands the command one
:class:`Rows`. The format follows the ``--output`` extension when ``--format`` is not given
(``-o out.xlsx`` writes a workbook); a known extension that disagrees with ``--format``
(``-o out.xlsx --format csv``) is a usage error (exit 2), never a wrongly-formatted file.
tests/test_cli_options.py walks every command and checks that every row command takes them.
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from chainlink.errors import UsageError

# The row formats, in the order help texts list them.
FORMATS = ("table", "csv", "tsv", "json", "ndjson", "xlsx", "md")
# Output-file extensions that name a format (anything else, e.g. .out, leaves the command's default).
EXTENSIONS = {
    ".txt": "table",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".json": "json",
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
    ".xlsx": "xlsx",
    ".md": "md",
    ".markdown": "md",
    ".parquet": "parquet",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",  # written by no command: named so that `-o x.pdf` is refused, not filled with another format
}
LANGS = ("zh", "en")

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="Self-contained registry to read (default: $CHAINLINK_DB, else the registry shipped with chainlink "
        "plus your user registry; `chainlink --version` shows them).",
        metavar="FILE",
    ),
]
LangOption = Annotated[
    str, typer.Option("--lang", help="Language of labels and explanations: zh (Chinese, default) or en.",
                      metavar="zh|en")
]  # fmt: skip
QuietOption = Annotated[
    bool, typer.Option("--quiet", "-q", help="No progress bar (bars show on a terminal only, never in pipes or CI).")
]


def format_from(output: Path | str | None) -> str | None:
    """The format an ``--output`` file name asks for by its extension, or None.

    >>> format_from("out.xlsx"), format_from("a/b.JSONL"), format_from("-"), format_from("notes.out")
    ('xlsx', 'ndjson', None, None)
    """
    if output is None or str(output) == "-":
        return None
    return EXTENSIONS.get(Path(str(output)).suffix.lower())


def resolve_format(
    fmt: str | None, output: Path | str | None, allowed: Sequence[str] = FORMATS, default: str = "table"
) -> str:
    """The format to write: ``--format`` if given, else the ``--output`` extension's, else ``default``.

    A usage error when the format is not one of ``allowed`` or the extension names another format.

    >>> resolve_format(None, "out.csv"), resolve_format("JSON", None), resolve_format(None, None, default="csv")
    ('csv', 'json', 'csv')
    """
    by_name = format_from(output)
    if fmt is None:
        if by_name is not None and by_name not in allowed:
            raise UsageError(
                f"--output {output}: this command does not write {by_name}; use one of {', '.join(allowed)}"
            )
        return by_name or default
    value = fmt.lower()
    if value not in allowed:
        raise UsageError(f"unknown --format {fmt!r}: use one of {', '.join(allowed)}")
    if by_name is not None and by_name != value and not (by_name == "table" and value == "md"):
        raise UsageError(
            f"--output {output} ends in {Path(str(output)).suffix} but --format is {value}: "
            f"drop --format or name the file *.{_suffix(value)}"
        )
    return value


def _suffix(fmt: str) -> str:
    return {"table": "txt"}.get(fmt, fmt)


def check_lang(lang: str) -> str:
    """Return ``lang`` lower-cased if it is ``zh`` or ``en``, else a usage error."""
    value = lang.lower()
    if value not in LANGS:
        raise UsageError(f"unknown --lang {lang!r}: use zh or en")
    return value


@dataclass
class Rows:
    """A row command's output settings, checked: write rows with :meth:`emit`, prose with :meth:`text`."""

    fmt: str
    output: Path | None
    bom: bool
    top: int
    lang: str
    escape_formulas: bool

    @property
    def zh(self) -> bool:
        """Chinese labels (the default)."""
        return self.lang == "zh"

    @property
    def limit(self) -> int | None:
        """``--top`` for the library: None means all (``--top 0``)."""
        return self.top or None

    def cut(self, rows: Sequence[Any]) -> list[Any]:
        """The first ``--top`` rows (all of them for ``--top 0``)."""
        return list(rows[: self.top] if self.top else rows)

    def emit(self, rows: Sequence[Mapping[str, Any]], columns: Sequence[str], **kwargs: Any) -> None:
        """Write ``rows`` (see :func:`chainlink.cli._output.emit` for the keyword arguments)."""
        from chainlink.base.vocabulary import VALUE_LABELS, display_value
        from chainlink.cli._output import emit

        if self.fmt in ("table", "md"):
            shown = [c for c in kwargs.get("table_columns") or columns if c in VALUE_LABELS]
            if shown:
                rows = [{**r, **{c: display_value(c, r.get(c), self.lang) for c in shown}} for r in rows]
        emit(rows, columns, self.fmt, self.output, bom=self.bom, escape_formulas=self.escape_formulas, **kwargs)

    def text(self, text: str) -> None:
        """Write prose (a table format's own layout) to ``--output`` (atomically) or stdout."""
        from chainlink.base.output import write_atomic

        if self.output is not None:
            write_atomic(self.output, text)
        else:
            sys.stdout.write(text)
            sys.stdout.flush()


def _common(top: int, formats: Sequence[str], default: str, top_help: str) -> list[inspect.Parameter]:
    pk = inspect.Parameter.POSITIONAL_OR_KEYWORD
    names = ", ".join(formats[:-1]) + f" or {formats[-1]}"
    return [
        inspect.Parameter("fmt", pk, default=None, annotation=Annotated[
            str | None,
            typer.Option("--format", "-f", metavar="FORMAT",
                         help=f"{names} (default: from the --output extension, else {default}).",
                         show_default=False),
        ]),
        inspect.Parameter("output", pk, default=None, annotation=Annotated[
            Path | None,
            typer.Option("--output", "-o", metavar="FILE",
                         help="Write to FILE (atomically) instead of stdout; - is stdout. Its extension "
                         "(.csv .tsv .json .ndjson .xlsx .md) sets the format."),
        ]),
        inspect.Parameter("bom", pk, default=False, annotation=Annotated[
            bool, typer.Option("--bom", help="Start csv/tsv/json text with a UTF-8 byte-order mark (for Excel).")
        ]),
        inspect.Parameter("top", pk, default=top, annotation=Annotated[
            int, typer.Option("--top", "-n", metavar="N", min=0, help=top_help)
        ]),
        inspect.Parameter("lang", pk, default="zh", annotation=LangOption),
        inspect.Parameter("escape_formulas", pk, default=True, annotation=Annotated[
            bool,
            typer.Option("--escape-formulas/--no-escape-formulas",
                         help="In csv, tsv and xlsx, keep text that begins with = + - @ from being run as an "
                         "Excel formula (csv/tsv: a leading '; xlsx: Excel's quote prefix)."),
        ]),
    ]  # fmt: skip


COMMON = ("fmt", "output", "bom", "top", "lang", "escape_formulas")


def rows_command(
    *,
    top: int = 0,
    formats: Sequence[str] = FORMATS,
    default: str = "table",
    top_help: str = "Show the first N rows (0: all).",
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Give a command the common row options; it receives them as one :class:`Rows` named ``out``.

    ``top`` is the ``--top`` default (0: all rows), ``formats`` what ``--format`` accepts (default
    :data:`FORMATS`), ``default`` the format without ``--format`` and without a telling extension.
    """

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(func, eval_str=True)
        own = [p for name, p in signature.parameters.items() if name != "out"]
        if len(own) == len(signature.parameters):
            raise TypeError(f"{func.__name__} must take `out: Rows`")
        common = _common(top, formats, default, top_help)
        at = next((i for i, p in enumerate(own) if p.name == "db"), len(own))
        params = own[:at] + common + own[at:]

        @functools.wraps(func)
        def command(*args: Any, **kwargs: Any) -> Any:
            values = {name: kwargs.pop(name) for name in COMMON}
            out = Rows(
                fmt=resolve_format(values["fmt"], values["output"], formats, default),
                output=values["output"],
                bom=values["bom"],
                top=values["top"],
                lang=check_lang(values["lang"]),
                escape_formulas=values["escape_formulas"],
            )
            return func(*args, out=out, **kwargs)

        command.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in params}
        del command.__wrapped__  # typer reads the signature above, not the wrapped function's
        command.rows_command = True  # type: ignore[attr-defined]
        return command

    return decorate
