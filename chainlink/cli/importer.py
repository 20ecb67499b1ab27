"""``chainlink import KIND FILE`` and ``chainlink imported KIND``: user data in and out of the registry."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chainlink.cli import app
from chainlink.cli._options import DbOption, QuietOption, Rows, rows_command
from chainlink.cli._progress import progress_bar
from chainlink.cli._registry import open_registry

ReadDbOption = DbOption
WriteDbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="Self-contained registry to write (default: $CHAINLINK_DB, else your user registry "
        "$CHAINLINK_USER_DB or user.db in the user data folder; `chainlink --version` shows it).",
        metavar="FILE",
    ),
]

import_app = typer.Typer(
    name="import",
    help="Import enterprise or project lists, county industries or pairings (CSV, TSV, xlsx, JSON, NDJSON) "
    "into the registry's user tables. Columns and Chinese header aliases: docs/import.md.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(import_app, name="import")

HELP = {
    "enterprises": """Enterprises into user_enterprises (upsert on the credit code).

    Columns: credit_code (统一社会信用代码, required, GB 32100-2015 check digit), name_zh (企业名称,
    required), county_code (所在县) and/or partner_id (所在园区), gbt_codes (行业代码), segment_key
    (产业链环节), size (企业规模), chain_leader (链主: 0/1, 是/否), source, confidence.
    """,
    "projects": """Projects into user_projects (upsert on id; without one, on name_zh + origin_id).

    Columns: id, name_zh (项目名称, required), name_en, kind, origin_id (来源园区), county_code (落地县),
    platform, gbt_codes (行业代码) or segment_key, investment_wan (投资额(万元)), land_mu (用地(亩)),
    energy_tce (能耗), added_value_wan, tax_wan, pollution (low|medium|high), status
    (lead|negotiating|signed|started|producing|unknown), year, sponsor, source, confidence, note.
    """,
    "characteristic": """County characteristic industries into user_characteristic_industries.

    The columns of data/characteristic_industries.csv: id, county_code (required), platform,
    industry_zh (特色产业, required), industry_en, gbt_codes (行业代码, required), gbt_derivation,
    note, source, confidence. Upsert on id (without one, on county_code + platform + industry_zh).
    """,
    "pairings": """Pairings (county ↔ partner) into user_pairings.

    The columns of data/pairings.csv: id, county_code (required), county_platform, partner_id
    (结对方, required), kind (shanhai|zone_pair|dual_chain_pilot|enclave, required), chains, round,
    source, confidence. Upsert on id (without one, on county, platform, partner and kind).
    """,
}

TABLE_COLUMNS = {
    "enterprises": ["credit_code", "name_zh", "county_code", "partner_id", "gbt_codes", "confidence"],
    "projects": ["id", "name_zh", "origin_id", "county_code", "gbt_codes", "status"],
    "characteristic": ["id", "county_code", "industry_zh", "gbt_codes", "confidence"],
    "pairings": ["id", "county_code", "partner_id", "kind", "chains"],
    "log": ["id", "kind", "started_at", "rows_read", "rows_inserted", "rows_updated", "rows_rejected"],
}

MAX_SHOWN = 20


def _register(kind: str) -> None:
    def command(
        file: Annotated[Path, typer.Argument(help="The file to import.", metavar="FILE")],
        fmt: Annotated[
            str | None,
            typer.Option(
                "--format",
                "-f",
                help="csv, tsv, xlsx, json or ndjson (default: from the file name).",
                metavar="FORMAT",
            ),
        ] = None,
        encoding: Annotated[
            str | None,
            typer.Option(
                "--encoding",
                help="Text encoding (default: UTF-8 with or without BOM, or GB18030/GBK, detected).",
                metavar="NAME",
            ),
        ] = None,
        sheet: Annotated[
            str | None,
            typer.Option("--sheet", help="xlsx: the sheet to read (default: the first).", metavar="NAME"),
        ] = None,
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Check every row; write nothing.")] = False,
        skip_invalid: Annotated[
            bool,
            typer.Option(
                "--skip-invalid",
                help="Import the valid rows; write the invalid ones with reasons to a rejects file.",
            ),
        ] = False,
        rejects: Annotated[
            Path | None,
            typer.Option(
                "--rejects", help="Rejects file (default: FILE's name + .rejects.csv).", metavar="FILE"
            ),
        ] = None,
        source: Annotated[
            str | None,
            typer.Option(
                "--source", help="Source for rows without one (default: 'import of FILE').", metavar="SOURCE"
            ),
        ] = None,
        confidence: Annotated[
            str | None,
            typer.Option(
                "--confidence",
                help="Confidence for rows without one: sourced, unverified (default), sample.",
                metavar="LEVEL",
            ),
        ] = None,
        max_xlsx_mb: Annotated[
            int,
            typer.Option(
                "--max-xlsx-mb",
                help="Refuse a workbook that unpacks to more than N MiB (an xlsx bomb).",
                metavar="N",
                min=1,
            ),
        ] = 512,
        quiet: QuietOption = False,
        db: WriteDbOption = None,
    ) -> None:
        from chainlink.imports import import_file

        with progress_bar(quiet, "rows") as bar:
            report = import_file(
                kind,
                file,
                db,
                fmt=fmt,
                encoding=encoding,
                sheet=sheet,
                dry_run=dry_run,
                skip_invalid=skip_invalid,
                rejects=rejects,
                source=source,
                confidence=confidence,
                max_xlsx_mb=max_xlsx_mb,
                progress=bar,
            )
        for step in report.migrated:
            typer.echo(f"chainlink: migrated the registry schema {step}", err=True)
        for note in report.notes:
            typer.echo(f"chainlink: note: {note}", err=True)
        _some("warning", report.warnings, report.warnings_total)
        if report.rows_rejected:
            _some("rejected", report.errors, report.errors_total)
        typer.echo(report.summary())

    command.__doc__ = HELP[kind]
    command.__name__ = f"import_{kind}"
    import_app.command(kind)(command)


def _some(label: str, messages: list[str], total: int) -> None:
    from chainlink.base.output import clip_message

    for line in messages[:MAX_SHOWN]:
        typer.echo(f"chainlink: {label}: {clip_message(line)}", err=True)
    if total > MAX_SHOWN:
        typer.echo(f"chainlink: … and {total - MAX_SHOWN:,} more ({label})", err=True)


for _kind in HELP:
    _register(_kind)


@app.command()
@rows_command()
def imported(
    kind: Annotated[
        str,
        typer.Argument(
            help="enterprises, projects, characteristic, pairings, or log (the import log).", metavar="KIND"
        ),
    ],
    *,
    out: Rows,
    db: ReadDbOption = None,
) -> None:
    """The rows imported so far (or the import log), ordered by id.

    The csv, tsv, json, ndjson and xlsx outputs import back unchanged with `chainlink import`.
    """
    from chainlink.errors import UsageError
    from chainlink.imports import columns_of, user_rows

    if kind not in TABLE_COLUMNS:
        raise UsageError(f"unknown kind {kind!r}: use one of {', '.join(TABLE_COLUMNS)}")
    reg = open_registry(db)
    rows = out.cut(user_rows(reg.conn, kind))
    out.emit(rows, columns_of(kind), table_columns=TABLE_COLUMNS[kind])
