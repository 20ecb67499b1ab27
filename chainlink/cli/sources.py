"""``chainlink sources``: every source the data cites, what it supports, its licence."""

from __future__ import annotations

from typing import Annotated

import typer

from chainlink.cli import app
from chainlink.cli._options import DbOption, Rows, rows_command
from chainlink.cli._output import fold
from chainlink.cli._registry import open_registry
from chainlink.cli.browse import labels


@app.command("sources")
@rows_command()
def sources(
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind", help="Only sources of this kind: article, dataset, package, judgement.", metavar="KIND"
        ),
    ] = None,
    *,
    out: Rows,
    db: DbOption = None,
) -> None:
    """Every source cited in data/ and chains/ (data/sources.csv): what it supports, its licence, and how
    many rows of each table cite it."""
    from chainlink.errors import UsageError
    from chainlink.sources import SOURCE_KINDS

    if kind is not None and kind not in SOURCE_KINDS:
        raise UsageError(f"unknown --kind {kind!r}: use one of {', '.join(SOURCE_KINDS)}")
    rows = out.cut([r for r in open_registry(db).sources if kind is None or r["kind"] == kind])
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
    if out.fmt != "table":
        shown = ["id", "kind", "title", "url", "licence"]
        out.emit(rows, columns, table_columns=shown, headers=labels(out.lang, *shown))
        return
    out.text(render_sources(rows, lang=out.lang))


def render_sources(rows: list[dict], width: int | None = None, lang: str = "zh") -> str:
    """Sources as a list: id, kind and date; title or publisher; url; supports; licence; cited by."""
    zh = lang == "zh"
    order = {"dataset": 0, "package": 1, "article": 2, "judgement": 3}
    lines = []
    for row in sorted(rows, key=lambda r: (order.get(r["kind"], 9), r["id"])):
        head = " · ".join(x for x in (row["id"], row["kind"], row["date"]) if x)
        lines.append(fold(head, width, 4))
        name = " — ".join(x for x in (row["title"], row["publisher"]) if x)
        for label, value in (
            ("", name),
            ("", row["url"]),
            ("支撑：" if zh else "supports: ", row["supports"]),
            ("许可：" if zh else "licence: ", row["licence"]),
            ("引用表：" if zh else "cited by: ",
             row["cited_by"] or ("无数据行引用（背景资料或工具）" if zh else "no data row (background or tool)")),
        ):
            if value:
                lines.append(fold(f"    {label}{value}", width, 6))
        lines.append("")
    lines.append(f"共 {len(rows)} 个来源（data/sources.csv）" if zh else f"{len(rows)} sources (data/sources.csv)")
    return "\n".join(lines) + "\n"
