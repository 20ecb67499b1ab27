"""``chainlink evaluate``: leave-one-out backtest of ``match`` over the registry's real cases."""

from __future__ import annotations

from typing import Annotated

import typer

from chainlink.cli import app
from chainlink.cli._output import DbOption, FormatOption, OutputOption, check_format, emit
from chainlink.cli._registry import open_registry

HEADERS = {
    "case_id": "case",
    "county_zh": "county",
    "origin_id": "origin",
    "tier": "tier",
    "county_rank": "county rank",
    "project_rank": "project rank",
    "project_top_zh": "project #1",
    "landing_rank": "landing rank",
}
TABLE_COLUMNS = ["case_id", "county_zh", "origin_id", "tier", "county_rank", "project_rank", "landing_rank", "project_top_zh"]


@app.command()
def evaluate(
    fmt: FormatOption = "table",
    output: OutputOption = None,
    summary: Annotated[
        bool,
        typer.Option(
            "--summary", help="Print the hit@k / MRR rows (one per direction) instead of the cases."
        ),
    ] = False,
    case: Annotated[
        list[str] | None, typer.Option("--case", help="Only this case id (repeatable).", metavar="ID")
    ] = None,
    preset: Annotated[str, typer.Option("--preset", help="Weight preset name or YAML file.")] = "default",
    no_sample: Annotated[
        bool,
        typer.Option(
            "--no-sample", help="Leave sample (synthetic) projects and enterprises out of the model."
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Leave-one-out backtest: replay every sourced real project or transfer in the registry.

    For each case, the case and every fact derived only from it are removed; then (a) the
    receiving county's `match` list is searched for the case's partner and industry, and (b)
    `match --project` for the case, described at its origin, is searched for the real
    destination county. Prints one row per case and hit@1/3/5/10 and MRR for both directions
    (docs/evaluation.md defines each term).
    """
    from chainlink.evaluate import COLUMNS, SUMMARY_COLUMNS, evaluate, summarise
    from chainlink.score import load_preset

    fmt = check_format(fmt)
    registry = open_registry(db)
    results = evaluate(registry, load_preset(preset), include_sample=not no_sample, only=case or None)
    if case:
        unknown = sorted(set(case) - {r.case_id for r in results})
        if unknown:
            from chainlink.errors import UsageError

            raise UsageError(f"no evaluation case {', '.join(unknown)}; see `chainlink evaluate` for the ids")
    totals = summarise(results)
    if summary:
        emit(totals, SUMMARY_COLUMNS, fmt, output, title="Leave-one-out evaluation")
        return
    notices = []
    lines = [
        f"{t['direction']} direction ({t['cases']} cases): "
        + ", ".join(f"hit@{k} {t[f'hit@{k}']:.0%}" for k in (1, 3, 5, 10))
        + f", MRR {t['mrr']:.3f}"
        for t in totals
    ]
    if fmt == "table":
        notices = [*lines, "rank blank = not found; docs/evaluation.md defines a hit"]
    else:
        for line in lines:
            typer.echo(f"chainlink: {line}", err=True)
    emit(
        [r.row() for r in results],
        COLUMNS,
        fmt,
        output,
        headers=HEADERS,
        table_columns=TABLE_COLUMNS,
        title="Leave-one-out evaluation of `chainlink match`",
        notices=notices,
    )
