"""``chainlink io``: national input–output linkages, suppliers and customers of a sector."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from chainlink.cli._output import DbOption, FormatOption, OutputOption, emit
from chainlink.cli._registry import open_registry
from chainlink.errors import UsageError

if TYPE_CHECKING:
    from chainlink.inputoutput import IOTable, SectorLink

io_app = typer.Typer(
    help="National input–output linkages (NBS tables 2017, 2018, 2020): key sectors, suppliers, customers.",
    no_args_is_help=True,
)

YearOption = Annotated[
    int, typer.Option("--year", help="Table year: 2020 (default), 2018 or 2017.", metavar="YEAR")
]
TopOption = Annotated[
    int, typer.Option("--top", "-n", help="Show the first N rows (0: all).", min=0, metavar="N")
]
ByOption = Annotated[
    str,
    typer.Option(
        "--by", help="Rank by the direct coefficient or the total requirement.", metavar="direct|total"
    ),
]
SectorArgument = Annotated[
    str,
    typer.Argument(
        help="Sector code (033), Chinese or English name, or a GB/T 4754 class code (2925).", metavar="SECTOR"
    ),
]


def load_table(year: int, db: Path | None = None) -> IOTable:
    """The input–output table for ``year`` from the registry (the one place the CLI reads tables)."""
    from chainlink.inputoutput import iotable_from_db

    if year not in (2017, 2018, 2020):
        raise UsageError(f"no {year} input–output table: use --year 2017, 2018, 2020")
    return iotable_from_db(open_registry(db).conn, year)


def _source_notices(table: IOTable) -> list[str]:
    return [
        f"Source: NBS national input–output table {table.year}, {table.n} sectors.",
        "Imports are competitive: coefficients include imported inputs.",
    ]


@io_app.command("linkages")
def linkages_command(
    year: YearOption = 2020,
    top: TopOption = 0,
    sort: Annotated[
        str, typer.Option("--sort", help="Order rows by backward, forward or code.", metavar="ORDER")
    ] = "backward",
    key_only: Annotated[bool, typer.Option("--key", help="Only key sectors (BL > 1 and FL > 1).")] = False,
    fmt: FormatOption = "table",
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """Rasmussen backward (Leontief) and forward (Ghosh) linkage indices; key sectors have both > 1."""
    from chainlink.inputoutput import linkages

    if sort not in ("backward", "forward", "code"):
        raise UsageError(f"unknown --sort {sort!r}: use backward, forward or code")
    table = load_table(year, db)
    every = linkages(table)
    keys = sum(1 for s in every if s.key_sector)
    found = [s for s in every if s.key_sector or not key_only]
    if sort != "code":
        found.sort(key=lambda s: (-getattr(s, sort), s.code))
    if top:
        found = found[:top]
    rows = [
        {
            "code": s.code,
            "name_zh": s.name_zh,
            "name_en": s.name_en,
            "backward": round(s.backward, 4),
            "forward": round(s.forward, 4),
            "key_sector": ("yes" if s.key_sector else "") if fmt.lower() == "table" else s.key_sector,
        }
        for s in found
    ]
    emit(
        rows,
        ["code", "name_zh", "name_en", "backward", "forward", "key_sector"],
        fmt,
        output,
        table_columns=["code", "name_zh", "backward", "forward", "key_sector"],
        headers={
            "code": "code",
            "name_zh": "sector 部门",
            "backward": "BL",
            "forward": "FL",
            "key_sector": "key",
        },
        title=f"Rasmussen linkages {table.year}: BL from Leontief L, FL from Ghosh G (mean 1)",
        notices=[
            f"{keys} of {table.n} sectors are key sectors (BL > 1 and FL > 1).",
            *_source_notices(table),
        ],
    )


def _link_rows(links: list[SectorLink], fmt: str) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for link in links:
        values = {"direct": link.direct, "total": link.total, "share": link.share}
        rows.append(
            {
                "rank": link.rank,
                "code": link.code,
                "name_zh": link.name_zh,
                "name_en": link.name_en,
                # The table shows four decimals; machine formats keep six.
                **{k: (f"{v:.4f}" if fmt == "table" else round(v, 6)) for k, v in values.items()},
            }
        )
    return rows


def _links(
    direction: str, sector: str, year: int, top: int, by: str, fmt: str, output: Path | None, db: Path | None
) -> None:
    from chainlink.inputoutput import downstream, resolve_sector, upstream

    if by not in ("direct", "total"):
        raise UsageError(f"unknown --by {by!r}: use direct or total")
    table = load_table(year, db)
    code = resolve_sector(table, sector)
    find = upstream if direction == "upstream" else downstream
    links = find(table, code, top or None, by=by)
    name = table.names_zh[table.index(code)]
    if direction == "upstream":
        title = f"Suppliers of {code} {name} ({table.year}), ranked by {by}"
        notes = [
            f"a_ij direct, l_ij total (all rounds): supplier output per unit of {code} output.",
            f"share: the supplier's share of {code}'s intermediate inputs.",
        ]
    else:
        title = f"Customers of {code} {name} ({table.year}), ranked by {by}"
        notes = [
            f"a_ij direct, l_ij total (all rounds): {code} output per unit of customer output.",
            f"share: the part of {code}'s gross output the customer buys (Ghosh b_ij).",
        ]
    emit(
        _link_rows(links, fmt.lower()),
        ["rank", "code", "name_zh", "name_en", "direct", "total", "share"],
        fmt,
        output,
        table_columns=["rank", "code", "name_zh", "direct", "total", "share"],
        headers={"name_zh": "sector 部门", "direct": "direct a", "total": "total l"},
        title=title,
        notices=[*notes, *_source_notices(table)],
    )


@io_app.command("upstream")
def upstream_command(
    sector: SectorArgument,
    year: YearOption = 2020,
    top: TopOption = 10,
    by: ByOption = "direct",
    fmt: FormatOption = "table",
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """Suppliers of SECTOR: direct coefficient a_ij and total (Leontief) requirement l_ij."""
    _links("upstream", sector, year, top, by, fmt, output, db)


@io_app.command("downstream")
def downstream_command(
    sector: SectorArgument,
    year: YearOption = 2020,
    top: TopOption = 10,
    by: ByOption = "direct",
    fmt: FormatOption = "table",
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """Customers of SECTOR: the customer's direct coefficient a_ij and total requirement l_ij."""
    _links("downstream", sector, year, top, by, fmt, output, db)


from chainlink.cli import app  # noqa: E402

app.add_typer(io_app, name="io")
