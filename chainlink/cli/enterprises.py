"""``chainlink enterprises``: work on the imported enterprises (``dedupe``)."""

from __future__ import annotations

from typing import Annotated

import typer

from chainlink.cli import app
from chainlink.cli._output import (
    XLSX_FORMATS,
    DbOption,
    EscapeOption,
    OutputOption,
    XlsxFormatOption,
    check_format,
    emit,
)

enterprises_app = typer.Typer(
    name="enterprises",
    help="Imported enterprises (see `chainlink import enterprises`).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(enterprises_app, name="enterprises")


@enterprises_app.command()
def dedupe(
    threshold: Annotated[
        float, typer.Option("--threshold", help="Lowest similarity to report, 0–100.", min=0, max=100)
    ] = 85.0,
    within_place: Annotated[
        bool, typer.Option("--within-place", help="Compare only enterprises of the same county or zone.")
    ] = False,
    max_pairs: Annotated[
        int, typer.Option("--max-pairs", help="Refuse to list more than N pairs.", metavar="N", min=1)
    ] = 200_000,
    fmt: XlsxFormatOption = "table",
    output: OutputOption = None,
    escape_formulas: EscapeOption = True,
    db: DbOption = None,
) -> None:
    """Candidate duplicate enterprises: pairs whose names are similar once legal forms are removed.

    Names are compared without 有限公司 / 股份有限公司 / 集团 … and leading place names (浙江, 丽水市,
    青田县 …), with rapidfuzz's ratio (0–100). Nothing is merged; review the pairs.
    """
    from chainlink.dedupe import COLUMNS, enterprise_pairs
    from chainlink.registry import Registry

    fmt = check_format(fmt, XLSX_FORMATS)
    rows = enterprise_pairs(
        Registry.open(db).conn, threshold=threshold, within_place=within_place, max_pairs=max_pairs
    )
    emit(
        rows,
        COLUMNS,
        fmt,
        output,
        table_columns=["score", "name_1", "credit_code_1", "name_2", "credit_code_2"],
        escape_formulas=escape_formulas,
    )
