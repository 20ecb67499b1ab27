"""Browsing the registry: ``counties`` and ``pairs``."""

from __future__ import annotations

from typing import Annotated

import typer

from chainlink.cli import app
from chainlink.cli._output import DbOption, FormatOption, OutputOption, check_format, emit


def registry(db):
    """Open the registry named by --db (or the default)."""
    from chainlink.registry import Registry

    return Registry.open(db)


@app.command()
def counties(fmt: FormatOption = "table", output: OutputOption = None, db: DbOption = None) -> None:
    """The 26 mountain counties with their pairings and characteristic industries counted."""
    from chainlink.browse import county_rows

    rows = county_rows(registry(db))
    columns = [
        "code",
        "name_zh",
        "name_en",
        "pinyin",
        "city",
        "pairings",
        "characteristic_industries",
        "lat",
        "lon",
        "confidence",
    ]
    emit(
        rows,
        columns,
        check_format(fmt),
        output,
        table_columns=["code", "name_zh", "name_en", "city", "pairings", "characteristic_industries"],
        headers={"characteristic_industries": "industries"},
    )


@app.command()
def pairs(
    county: Annotated[
        str | None, typer.Argument(help="Only this county (code, 汉字, pinyin, English).")
    ] = None,
    fmt: FormatOption = "table",
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """Pairings between mountain counties and partner districts or zones, with their sources."""
    from chainlink.browse import pairing_rows
    from chainlink.resolve import Resolver

    reg = registry(db)
    code = Resolver.from_registry(reg).resolve(county, ("county",)).id if county else None
    rows = pairing_rows(reg, code)
    columns = [
        "id",
        "county_code",
        "county_zh",
        "county_platform",
        "partner_id",
        "partner_zh",
        "partner_kind",
        "kind",
        "chains",
        "round",
        "confidence",
        "source",
    ]
    emit(
        rows,
        columns,
        check_format(fmt),
        output,
        table_columns=["id", "county_zh", "partner_short_zh", "kind", "round"],
        headers={"partner_short_zh": "partner"},
    )
