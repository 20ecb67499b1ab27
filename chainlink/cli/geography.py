"""``chainlink opportunities`` and ``chainlink gaps``: economic geography and chain gaps of one county."""

from __future__ import annotations

from typing import Annotated

import typer

from chainlink.cli import app
from chainlink.cli._options import DbOption, Rows, rows_command
from chainlink.cli._registry import open_registry
from chainlink.cli.browse import labels
from chainlink.cli.match import NoSampleOption

CountyArgument = Annotated[
    str, typer.Argument(help="County: code, 汉字, pinyin or English name.", metavar="COUNTY")
]


def _model_and_county(db, county: str, no_sample: bool = False):
    from chainlink.scoring.model import Model
    from chainlink.store.resolve import Resolver

    model = Model(open_registry(db), include_sample=not no_sample)
    entity = Resolver.from_registry(model.registry).resolve(county, ("county",))
    return model, entity


@app.command()
@rows_command(top=10, top_help="How many industries (0: all).")
def opportunities(
    county: CountyArgument,
    strategy: Annotated[
        str, typer.Option("--strategy", help="Strategy preset (see docs/metrics.md).", metavar="NAME")
    ] = "balanced",
    relatedness: Annotated[
        str,
        typer.Option(
            "--relatedness", help="io (input–output relatedness, default) or proximity.", metavar="io|proximity"
        ),
    ] = "io",
    no_sample: NoSampleOption = False,
    *,
    out: Rows,
    db: DbOption = None,
) -> None:
    """Industries (IO sectors) the county does not hold, ranked by relatedness density, complexity and gain.

    Presence comes from the registry's characteristic industries, zone industries and enterprises;
    the chain segments in each sector are listed so that an opportunity can be traced to a chain.
    """
    from chainlink.base.vocabulary import note_label
    from chainlink.scoring.geography import OPPORTUNITY_COLUMNS, opportunity_rows

    fmt = out.fmt
    model, entity = _model_and_county(db, county, no_sample)
    rows, notes = opportunity_rows(
        model, entity.id, strategy=strategy, top=out.top or 10**6, relatedness=relatedness
    )
    for row in rows:  # the table shows the first segment and how many more
        segments = row["segments"].split(";") if row["segments"] else []
        row["segments_short"] = segments[0] + (f" +{len(segments) - 1}" if len(segments) > 1 else "") if segments else ""
    columns = OPPORTUNITY_COLUMNS
    if fmt not in ("table", "md"):
        for note in notes:
            typer.echo(f"chainlink: {note}", err=True)
    shown = ["rank", "sector", "sector_zh", "score", "density", "segments_short"]
    title = (
        f"{entity.name_zh}（{entity.id}）产业机会 · 策略 {strategy} · 关联 {relatedness}"
        if out.zh
        else f"{entity.name_en} ({entity.id}): opportunities · strategy {strategy} · relatedness {relatedness}"
    )
    out.emit(rows, columns, table_columns=shown, headers=labels(out.lang, *shown), title=title,
             notices=[note_label(n, out.lang) for n in notes])  # fmt: skip


@app.command()
@rows_command()
def gaps(
    county: CountyArgument,
    chain: Annotated[str | None, typer.Option("--chain", help="Only this chain.", metavar="CHAIN")] = None,
    *,
    out: Rows,
    db: DbOption = None,
) -> None:
    """The county's chain gaps: 补链 missing upstream links, 延链 downstream extensions, 强链 thin held segments."""
    from chainlink.base.vocabulary import relation_label
    from chainlink.scoring.geography import GAP_COLUMNS, gap_rows
    from chainlink.store.resolve import Resolver

    model, entity = _model_and_county(db, county)
    chain_id = Resolver.from_registry(model.registry).resolve(chain, ("chain",)).id if chain else None
    graph = model.graph
    rows = out.cut(gap_rows(model, entity.id, chain=chain_id))
    for row in rows:  # labels in the table's language
        row["relation_label"] = relation_label(row["relation"], out.lang)
        row["path_label"] = (
            row["path_zh"] if out.zh else " > ".join(graph.nodes[k]["name_en"] for k in row["path"].split(" > ") if k)
        )
        row["chain_label"] = row["chain_zh"] if out.zh else row["chain_id"]
    columns = GAP_COLUMNS
    shown = ["relation_label", "path_label", "chain_label", "confidence"]
    out.emit(
        rows,
        columns,
        table_columns=shown,
        headers=labels(out.lang, *shown),
        title=f"{entity.name_zh}（{entity.id}）产业链缺口：补链 / 延链 / 强链"
        if out.zh
        else f"{entity.name_en} ({entity.id}): chain gaps — fill / extend / strengthen",
    )
