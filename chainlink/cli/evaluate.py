"""``chainlink evaluate``: leave-one-out backtest of ``match`` over the registry's real cases."""

from __future__ import annotations

from typing import Annotated

import typer

from chainlink.cli import app
from chainlink.cli._options import DbOption, Rows, rows_command
from chainlink.cli._registry import open_registry
from chainlink.cli.browse import labels

TABLE_COLUMNS = ["case_id", "county_zh", "origin_id", "tier", "county_rank", "project_rank", "landing_rank", "project_top_zh"]


@app.command()
@rows_command()
def evaluate(
    summary: Annotated[
        bool,
        typer.Option(
            "--summary", help="Print the hit@k / MRR rows (one per direction) instead of the cases."
        ),
    ] = False,
    case: Annotated[
        list[str] | None, typer.Option("--case", help="Only this case id (repeatable).", metavar="ID")
    ] = None,
    preset: Annotated[
        str, typer.Option("--preset", help="Weight preset name or YAML file.", metavar="NAME|FILE")
    ] = "default",
    no_sample: Annotated[
        bool,
        typer.Option(
            "--no-sample", help="Leave sample (synthetic) projects and enterprises out of the model."
        ),
    ] = False,
    *,
    out: Rows,
    db: DbOption = None,
) -> None:
    """Leave-one-out backtest: replay every sourced real project or transfer in the registry.

    For each case, the case and every fact derived only from it are removed; then (a) the
    receiving county's `match` list is searched for the case's partner and industry, and (b)
    `match --project` for the case, described at its origin, is searched for the real
    destination county. Prints one row per case and hit@1/3/5/10 and MRR for both directions
    (docs/evaluation.md defines each term).
    """
    from chainlink.scoring.evaluate import COLUMNS, SUMMARY_COLUMNS, evaluate, summarise
    from chainlink.scoring.presets import load_preset

    fmt = out.fmt
    registry = open_registry(db)
    results = evaluate(registry, load_preset(preset), include_sample=not no_sample, only=case or None)
    if case:
        unknown = sorted(set(case) - {r.case_id for r in results})
        if unknown:
            from chainlink.errors import UsageError

            raise UsageError(f"no evaluation case {', '.join(unknown)}; see `chainlink evaluate` for the ids")
    totals = summarise(results)
    if summary:
        out.emit(totals, SUMMARY_COLUMNS, headers=labels(out.lang, *SUMMARY_COLUMNS),
                 title="留一法回测" if out.zh else "Leave-one-out evaluation")  # fmt: skip
        return
    notices = []
    lines = [
        f"{t['direction']} direction ({t['cases']} cases): "
        + ", ".join(f"hit@{k} {t[f'hit@{k}']:.0%}" for k in (1, 3, 5, 10))
        + f", MRR {t['mrr']:.3f}"
        for t in totals
    ]
    if fmt in ("table", "md"):
        if out.zh:
            lines = [
                f"{DIRECTION_ZH.get(t['direction'], t['direction'])}方向（{t['cases']} 个案例）："
                + "，".join(f"hit@{k} {t[f'hit@{k}']:.0%}" for k in (1, 3, 5, 10))
                + f"，MRR {t['mrr']:.3f}"
                for t in totals
            ]
        notices = [*lines, "排名为空 = 未找到；命中的定义见 docs/evaluation.md" if out.zh
                   else "rank blank = not found; docs/evaluation.md defines a hit"]  # fmt: skip
    else:
        for line in lines:
            typer.echo(f"chainlink: {line}", err=True)
    out.emit(
        out.cut([r.row() for r in results]),
        COLUMNS,
        headers=labels(out.lang, *TABLE_COLUMNS),
        table_columns=TABLE_COLUMNS,
        title="`chainlink match` 留一法回测" if out.zh else "Leave-one-out evaluation of `chainlink match`",
        notices=notices,
    )


DIRECTION_ZH = {"county": "县", "project": "项目", "landing": "落地"}
