"""``chainlink opportunities`` and ``chainlink gaps``: economic geography and chain gaps of one county."""

from __future__ import annotations

from typing import Annotated

import typer

from chainlink.cli import app
from chainlink.cli._options import DbOption, Rows, rows_command
from chainlink.cli.browse import labels
from chainlink.cli.match import NoSampleOption

CountyArgument = Annotated[
    str, typer.Argument(help="County: code, 汉字, pinyin or English name.", metavar="COUNTY")
]


def _model_and_county(db, county: str, no_sample: bool = False):
    from chainlink.registry import Registry
    from chainlink.resolve import Resolver
    from chainlink.score import Model

    model = Model(Registry.open(db), include_sample=not no_sample)
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
    from chainlink.errors import UsageError
    from chainlink.geography import RELATEDNESS, opportunities_for
    from chainlink.metrics import strategies
    from chainlink.vocabulary import note_label

    fmt = out.fmt
    if relatedness not in RELATEDNESS:
        raise UsageError(f"unknown --relatedness {relatedness!r}: use io or proximity")
    if strategy not in strategies():
        raise UsageError(f"unknown --strategy {strategy!r}: use one of {', '.join(strategies())}")
    model, entity = _model_and_county(db, county, no_sample)
    found, notes = opportunities_for(
        model, entity.id, strategy=strategy, top=out.top or 10**6, relatedness=relatedness
    )
    rows = [
        {
            "county_code": entity.id,
            "rank": o.rank,
            "sector": o.sector,
            "sector_zh": o.sector_zh,
            "score": o.score,
            "density": o.density,
            "pci": o.pci,
            "cog": o.cog,
            "segments": ";".join(o.segments),
            "segments_short": (o.segments[0] + (f" +{len(o.segments) - 1}" if len(o.segments) > 1 else ""))
            if o.segments
            else "",
        }
        for o in found
    ]
    columns = ["county_code", "rank", "sector", "sector_zh", "score", "density", "pci", "cog", "segments"]
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
    from chainlink.resolve import Resolver
    from chainlink.score import RELATION_ZH, gaps_for
    from chainlink.vocabulary import relation_label

    model, entity = _model_and_county(db, county)
    chain_id = Resolver.from_registry(model.registry).resolve(chain, ("chain",)).id if chain else None
    graph = model.graph
    rows = [
        {
            "county_code": entity.id,
            "relation": g.relation,
            "relation_zh": RELATION_ZH[g.relation],
            "relation_label": relation_label(g.relation, out.lang),
            "path_label": g.path_zh if out.zh else " > ".join(graph.nodes[k]["name_en"] for k in g.path),
            "chain_label": g.chain_zh if out.zh else g.chain_id,
            "chain_id": g.chain_id,
            "chain_zh": g.chain_zh,
            "segment_key": g.segment_key,
            "segment_zh": g.segment_zh,
            "segment_en": g.segment_en,
            "path": " > ".join(g.path),
            "path_zh": g.path_zh,
            "via_industry_zh": g.via_industry_zh,
            "via_code": g.via_code,
            "reason": g.reason,
            "confidence": g.confidence,
        }
        for g in out.cut(gaps_for(model, entity.id, chain=chain_id))
    ]
    columns = [
        "county_code",
        "relation",
        "relation_zh",
        "chain_id",
        "chain_zh",
        "segment_key",
        "segment_zh",
        "segment_en",
        "path",
        "path_zh",
        "via_industry_zh",
        "via_code",
        "reason",
        "confidence",
    ]
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
