"""``chainlink sources``: every source the data cites, what it supports, its licence."""

from __future__ import annotations

from typing import Annotated

import typer

from chainlink.cli import app
from chainlink.cli._output import DbOption, FormatOption, OutputOption, check_format, emit, fold
from chainlink.cli._registry import open_registry


@app.command("sources")
def sources(
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="Only sources of this kind: article, dataset, package, judgement."),
    ] = None,
    fmt: FormatOption = "table",
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """Every source cited in data/ and chains/ (data/sources.csv): what it supports, its licence, and how
    many rows of each table cite it."""
    from chainlink.errors import UsageError
    from chainlink.sources import SOURCE_KINDS

    if kind is not None and kind not in SOURCE_KINDS:
        raise UsageError(f"unknown --kind {kind!r}: use one of {', '.join(SOURCE_KINDS)}")
    rows = [r for r in open_registry(db).sources if kind is None or r["kind"] == kind]
    columns = [
        "id",
        "kind",
        "title",
        "publisher",
        "date",
        "url",
        "licence",
        "supports",
        "cited_by",
        "cited_rows",
    ]
    fmt = check_format(fmt)
    if fmt != "table":
        emit(rows, columns, fmt, output)
        return
    from chainlink.output import write_atomic

    text = render_sources(rows)
    if output is not None:
        write_atomic(output, text)
    else:
        typer.echo(text, nl=False)


def render_sources(rows: list[dict], width: int | None = None) -> str:
    """Sources as a list: id, kind and date; title or publisher; url; supports; licence; cited by."""
    order = {"dataset": 0, "package": 1, "article": 2, "judgement": 3}
    lines = []
    for row in sorted(rows, key=lambda r: (order.get(r["kind"], 9), r["id"])):
        head = " · ".join(x for x in (row["id"], row["kind"], row["date"]) if x)
        lines.append(fold(head, width, 4))
        name = " — ".join(x for x in (row["title"], row["publisher"]) if x)
        for label, value in (
            ("", name),
            ("", row["url"]),
            ("supports: ", row["supports"]),
            ("licence: ", row["licence"]),
            ("cited by: ", row["cited_by"] or "no data row (background or tool)"),
        ):
            if value:
                lines.append(fold(f"    {label}{value}", width, 6))
        lines.append("")
    lines.append(f"{len(rows)} sources (data/sources.csv)")
    return "\n".join(lines) + "\n"
