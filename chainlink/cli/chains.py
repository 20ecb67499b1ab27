"""``chainlink chains``: list the industrial chains, show one as a tree."""

from __future__ import annotations

from typing import Annotated

import typer

from chainlink.cli import app
from chainlink.cli._output import DbOption, FormatOption, OutputOption, check_format, emit
from chainlink.cli._registry import open_registry

chains_app = typer.Typer(help="Industrial chains: list them, show one as a tree.", no_args_is_help=True)
app.add_typer(chains_app, name="chains")


@chains_app.command("list")
def chains_list(fmt: FormatOption = "table", output: OutputOption = None, db: DbOption = None) -> None:
    """Every chain with its segment count and the counties holding a segment of it."""
    from chainlink.browse import chain_rows

    rows = chain_rows(open_registry(db))
    columns = ["id", "name_zh", "name_en", "segments", "edges", "counties", "confidence", "source"]
    emit(rows, columns, check_format(fmt), output, table_columns=["id", "name_zh", "segments", "counties"])


@chains_app.command("show")
def chains_show(
    name: Annotated[str, typer.Argument(help="Chain id, Chinese or English name, or alias.")],
    fmt: FormatOption = "table",
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """One chain's segments upstream → downstream, with the counties holding each."""
    from chainlink.browse import chain_segment_rows, chain_tree
    from chainlink.output import write_atomic
    from chainlink.resolve import Resolver

    reg = open_registry(db)
    chain_id = Resolver.from_registry(reg).resolve(name, ("chain",)).id
    fmt = check_format(fmt)
    if fmt == "table":
        from chainlink.cli._output import fold
        from chainlink.firms import chain_firm_lines

        text = chain_tree(reg, chain_id)
        text += "\n" + "\n".join(fold(line, 80, 6) for line in chain_firm_lines(reg, chain_id)) + "\n"
        if output is not None:
            write_atomic(output, text)
        else:
            typer.echo(text, nl=False)
        return
    from chainlink.firms import segment_firm_names

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
    emit(rows, columns, fmt, output)


@chains_app.command("coverage")
def chains_coverage(fmt: FormatOption = "table", output: OutputOption = None, db: DbOption = None) -> None:
    """What the chains do not cover: characteristic industries and sourced projects on no chain segment,
    and segments that no county or zone holds (match at the hold threshold 0.6).

    The first list must stay empty: an industry on no chain can never be scored. Exits 0 either way.
    """
    from chainlink.coverage import COLUMNS, coverage_report

    report = coverage_report(open_registry(db))
    notices = [
        f"characteristic industries on no chain: {len(report.industries_off_chain)}; "
        f"their codes on no chain: {len(report.codes_off_chain)}",
        f"sourced projects on no chain: {len(report.projects_off_chain)}; "
        f"placed only by a broad code (< 0.8): {len(report.projects_weak)}",
        f"segments no county or zone holds: {len(report.segments_unheld)}",
    ]
    emit(
        report.rows(),
        COLUMNS,
        check_format(fmt),
        output,
        table_columns=["kind", "id", "name_zh", "detail"],
        notices=notices,
    )


@chains_app.command("export")
def chains_export(
    name: Annotated[
        str | None, typer.Argument(help="Chain id, Chinese or English name, or alias (or use --all).")
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
    from chainlink.chainexport import GRAPH_FORMATS, export_graph, render
    from chainlink.errors import UsageError
    from chainlink.output import write_atomic
    from chainlink.resolve import Resolver

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
