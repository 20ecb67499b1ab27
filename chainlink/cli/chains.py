"""``chainlink chains``: list the industrial chains, show one as a tree."""

from __future__ import annotations

from typing import Annotated

import typer

from chainlink.cli import app
from chainlink.cli._options import DbOption, Rows, rows_command
from chainlink.cli._output import check_format
from chainlink.cli._registry import open_registry
from chainlink.cli.browse import labels

chains_app = typer.Typer(help="Industrial chains: list them, show one as a tree.", no_args_is_help=True)
app.add_typer(chains_app, name="chains")


@chains_app.command("list")
@rows_command()
def chains_list(out: Rows, db: DbOption = None) -> None:
    """Every chain with its segment count and the counties holding a segment of it."""
    from chainlink.outputs.browse import chain_rows

    rows = out.cut(chain_rows(open_registry(db)))
    columns = ["id", "name_zh", "name_en", "segments", "edges", "counties", "confidence", "source"]
    shown = ["id", "name_zh" if out.zh else "name_en", "segments", "counties"]
    out.emit(rows, columns, table_columns=shown, headers=labels(out.lang, *shown))


@chains_app.command("show")
@rows_command()
def chains_show(
    name: Annotated[str, typer.Argument(help="Chain id, Chinese or English name, or alias.", metavar="CHAIN")],
    *,
    out: Rows,
    db: DbOption = None,
) -> None:
    """One chain's segments upstream → downstream, with the counties holding each."""
    from chainlink.outputs.browse import chain_segment_rows, chain_tree
    from chainlink.store.resolve import Resolver

    reg = open_registry(db)
    chain_id = Resolver.from_registry(reg).resolve(name, ("chain",)).id
    if out.fmt == "table":
        from chainlink.cli._output import fold_lines
        from chainlink.scoring.firms import chain_firm_lines

        text = fold_lines(chain_tree(reg, chain_id).splitlines())
        text += "\n" + fold_lines(chain_firm_lines(reg, chain_id), indent=6)
        out.text(text)
        return
    from chainlink.scoring.firms import segment_firm_names

    rows = chain_segment_rows(reg, chain_id)
    firms = segment_firm_names(reg, chain_id)
    for row in rows:
        row["real_firms"] = firms.get(row["segment_key"], "")
    columns = [
        "chain_id",
        "segment_key",
        "depth",
        "name_zh",
        "name_en",
        "stage",
        "gbt_codes",
        "products",
        "upstream",
        "upstream_evidence",
        "downstream",
        "held_by",
        "real_firms",
    ]
    shown = ["segment_key", "name_zh" if out.zh else "name_en", "stage", "held_by", "real_firms"]
    out.emit(out.cut(rows), columns, table_columns=shown, headers=labels(out.lang, *shown))


@chains_app.command("coverage")
@rows_command()
def chains_coverage(out: Rows, db: DbOption = None) -> None:
    """What the chains do not cover: characteristic industries and sourced projects on no chain segment,
    and segments that no county or zone holds (match at the hold threshold 0.6).

    The first list must stay empty: an industry on no chain can never be scored. Exits 0 either way.
    """
    from chainlink.scoring.coverage import COLUMNS, coverage_report

    report = coverage_report(open_registry(db))
    notices = [
        f"characteristic industries on no chain: {len(report.industries_off_chain)}; "
        f"their codes on no chain: {len(report.codes_off_chain)}",
        f"sourced projects on no chain: {len(report.projects_off_chain)}; "
        f"placed only by a broad code (< 0.8): {len(report.projects_weak)}",
        f"segments no county or zone holds: {len(report.segments_unheld)}",
    ]
    shown = ["kind", "id", "name_zh", "detail"]
    out.emit(out.cut(report.rows()), COLUMNS, table_columns=shown, headers=labels(out.lang, *shown), notices=notices)


@chains_app.command("export")
def chains_export(
    name: Annotated[
        str | None,
        typer.Argument(help="Chain id, Chinese or English name, or alias (or use --all).", metavar="CHAIN"),
    ] = None,
    all_chains: Annotated[bool, typer.Option("--all", help="Export every chain.")] = False,
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="Graph format: graphml, gexf, dot, mermaid or json.", metavar="FORMAT"
        ),
    ] = "graphml",
    output: Annotated[
        str | None,
        typer.Option(
            "--output", "-o", help="Write to FILE (atomically); - or absent: stdout.", metavar="FILE"
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """A chain graph (or all) for Gephi, yEd, Graphviz or Mermaid: segments with stage, GB/T codes, IO
    sectors, products, counties and firms; edges with weight and evidence (io, ckg, io+ckg, judgement)."""
    from chainlink.base.output import write_atomic
    from chainlink.errors import UsageError
    from chainlink.outputs.chainexport import GRAPH_FORMATS, export_graph, render
    from chainlink.store.resolve import Resolver

    fmt = check_format(fmt, GRAPH_FORMATS)
    if (name is None) == (not all_chains):
        raise UsageError("give one chain NAME or --all (not both)")
    reg = open_registry(db)
    ids = None if all_chains else [Resolver.from_registry(reg).resolve(name, ("chain",)).id]
    text = render(export_graph(reg, ids), fmt)
    if output is None or output == "-":
        typer.echo(text, nl=False)
    else:
        write_atomic(output, text)
