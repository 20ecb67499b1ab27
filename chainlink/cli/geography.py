"""``chainlink opportunities`` and ``chainlink gaps``: economic geography and chain gaps of one county."""

from __future__ import annotations

from typing import Annotated

import typer

from chainlink.cli import app
from chainlink.cli._output import DbOption, FormatOption, OutputOption, check_format, emit
from chainlink.cli._registry import open_registry
from chainlink.cli.match import NoSampleOption

CountyArgument = Annotated[str, typer.Argument(help="County: code, 汉字, pinyin or English name.")]


def _model_and_county(db, county: str, no_sample: bool = False):
    from chainlink.resolve import Resolver
    from chainlink.score import Model

    model = Model(open_registry(db), include_sample=not no_sample)
    entity = Resolver.from_registry(model.registry).resolve(county, ("county",))
    return model, entity


@app.command()
def opportunities(
    county: CountyArgument,
    strategy: Annotated[
        str, typer.Option("--strategy", help="Strategy preset (see docs/metrics.md).")
    ] = "balanced",
    top: Annotated[int, typer.Option("--top", "-n", min=1, help="How many industries.")] = 10,
    relatedness: Annotated[
        str, typer.Option("--relatedness", help="io (input–output relatedness, default) or proximity.")
    ] = "io",
    no_sample: NoSampleOption = False,
    fmt: FormatOption = "table",
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """Industries (IO sectors) the county does not hold, ranked by relatedness density, complexity and gain.

    Presence comes from the registry's characteristic industries, zone industries and enterprises;
    the chain segments in each sector are listed so that an opportunity can be traced to a chain.
    """
    from chainlink.geography import OPPORTUNITY_COLUMNS, opportunity_rows

    fmt = check_format(fmt)
    model, entity = _model_and_county(db, county, no_sample)
    rows, notes = opportunity_rows(model, entity.id, strategy=strategy, top=top, relatedness=relatedness)
    for row in rows:  # the table shows the first segment and how many more
        segments = row["segments"].split(";") if row["segments"] else []
        row["segments_short"] = segments[0] + (f" +{len(segments) - 1}" if len(segments) > 1 else "") if segments else ""
    columns = OPPORTUNITY_COLUMNS
    if fmt != "table":
        for note in notes:
            typer.echo(f"chainlink: {note}", err=True)
    emit(
        rows,
        columns,
        fmt,
        output,
        table_columns=["rank", "sector", "sector_zh", "score", "density", "segments_short"],
        headers={"sector_zh": "sector 部门", "segments_short": "chain segments"},
        title=f"{entity.name_zh}（{entity.id}）产业机会 · strategy {strategy} · relatedness {relatedness}",
        notices=notes,
    )


@app.command()
def gaps(
    county: CountyArgument,
    chain: Annotated[str | None, typer.Option("--chain", help="Only this chain.")] = None,
    fmt: FormatOption = "table",
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """The county's chain gaps: 补链 missing upstream links, 延链 downstream extensions, 强链 thin held segments."""
    from chainlink.geography import GAP_COLUMNS, gap_rows
    from chainlink.resolve import Resolver

    fmt = check_format(fmt)
    model, entity = _model_and_county(db, county)
    chain_id = Resolver.from_registry(model.registry).resolve(chain, ("chain",)).id if chain else None
    rows = gap_rows(model, entity.id, chain=chain_id)
    columns = GAP_COLUMNS
    emit(
        rows,
        columns,
        fmt,
        output,
        table_columns=["relation_zh", "path_zh", "chain_zh", "confidence"],
        headers={
            "relation_zh": "类型",
            "path_zh": "链路（上游→下游）",
            "chain_zh": "产业链",
            "confidence": "可信度",
        },
        title=f"{entity.name_zh}（{entity.id}）产业链缺口：补链 / 延链 / 强链",
    )
