"""``chainlink io``: national input–output linkages, suppliers and customers of a sector."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from chainlink.cli._options import DbOption, Rows, rows_command
from chainlink.cli._registry import open_registry
from chainlink.cli.browse import labels
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


def _source_notices(table: IOTable, lang: str = "en") -> list[str]:
    if lang == "zh":
        return [
            f"来源：国家统计局 {table.year} 年全国投入产出表，{table.n} 个部门。",
            "竞争型进口：系数含进口投入。",
        ]
    return [
        f"Source: NBS national input–output table {table.year}, {table.n} sectors.",
        "Imports are competitive: coefficients include imported inputs.",
    ]


@io_app.command("linkages")
@rows_command()
def linkages_command(
    year: YearOption = 2020,
    sort: Annotated[
        str, typer.Option("--sort", help="Order rows by backward, forward or code.", metavar="ORDER")
    ] = "backward",
    key_only: Annotated[bool, typer.Option("--key", help="Only key sectors (BL > 1 and FL > 1).")] = False,
    *,
    out: Rows,
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
    found = out.cut(found)
    fmt = out.fmt
    rows = [
        {
            "code": s.code,
            "name_zh": s.name_zh,
            "name_en": s.name_en,
            "backward": round(s.backward, 4),
            "forward": round(s.forward, 4),
            "key_sector": (("是" if out.zh else "yes") if s.key_sector else "") if fmt in ("table", "md")
            else s.key_sector,
        }
        for s in found
    ]
    shown = ["code", "name_zh" if out.zh else "name_en", "backward", "forward", "key_sector"]
    zh = out.zh
    out.emit(
        rows,
        ["code", "name_zh", "name_en", "backward", "forward", "key_sector"],
        table_columns=shown,
        headers=labels(out.lang, *shown) | {"name_zh": "部门", "name_en": "sector"},
        title=f"{table.year} 年 Rasmussen 关联系数：后向 BL 来自 Leontief 逆矩阵 L，前向 FL 来自 Ghosh 逆矩阵 G（均值 1）"
        if zh
        else f"Rasmussen linkages {table.year}: BL from Leontief L, FL from Ghosh G (mean 1)",
        notices=[
            f"{table.n} 个部门中 {keys} 个为关键部门（BL > 1 且 FL > 1）。"
            if zh
            else f"{keys} of {table.n} sectors are key sectors (BL > 1 and FL > 1).",
            *_source_notices(table, out.lang),
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
                **{k: (f"{v:.4f}" if fmt in ("table", "md") else round(v, 6)) for k, v in values.items()},
            }
        )
    return rows


def _links(direction: str, sector: str, year: int, by: str, out: Rows, db: Path | None) -> None:
    from chainlink.inputoutput import downstream, resolve_sector, upstream

    if by not in ("direct", "total"):
        raise UsageError(f"unknown --by {by!r}: use direct or total")
    table = load_table(year, db)
    code = resolve_sector(table, sector)
    find = upstream if direction == "upstream" else downstream
    links = find(table, code, out.limit, by=by)
    name = table.names_zh[table.index(code)]
    if out.zh:
        what = "供应部门" if direction == "upstream" else "需求部门"
        by_zh = "直接消耗系数" if by == "direct" else "完全需要系数"
        title = f"{code} {name} 的{what}（{table.year}），按{by_zh}排序"
        notes = [
            "a_ij 直接、l_ij 完全（各轮合计）消耗系数。",
            f"占比：该供应部门占 {code} 中间投入的比重。" if direction == "upstream"
            else f"占比：需求部门购买 {code} 总产出的比重（Ghosh b_ij）。",
        ]  # fmt: skip
    elif direction == "upstream":
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
    shown = ["rank", "code", "name_zh" if out.zh else "name_en", "direct", "total", "share"]
    out.emit(
        _link_rows(links, out.fmt),
        ["rank", "code", "name_zh", "name_en", "direct", "total", "share"],
        table_columns=shown,
        headers=labels(out.lang, *shown) | {"name_zh": "部门", "name_en": "sector"},
        title=title,
        notices=[*notes, *_source_notices(table, out.lang)],
    )


@io_app.command("upstream")
@rows_command(top=10)
def upstream_command(
    sector: SectorArgument,
    year: YearOption = 2020,
    by: ByOption = "direct",
    *,
    out: Rows,
    db: DbOption = None,
) -> None:
    """Suppliers of SECTOR: direct coefficient a_ij and total (Leontief) requirement l_ij."""
    _links("upstream", sector, year, by, out, db)


@io_app.command("downstream")
@rows_command(top=10)
def downstream_command(
    sector: SectorArgument,
    year: YearOption = 2020,
    by: ByOption = "direct",
    *,
    out: Rows,
    db: DbOption = None,
) -> None:
    """Customers of SECTOR: the customer's direct coefficient a_ij and total requirement l_ij."""
    _links("downstream", sector, year, by, out, db)


from chainlink.cli import app  # noqa: E402

app.add_typer(io_app, name="io")
