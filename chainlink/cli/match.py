"""``chainlink match`` and ``chainlink export``: ranked, explained suggestions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from chainlink.cli import app
from chainlink.cli._options import DbOption, Rows, rows_command
from chainlink.cli._registry import open_registry

TABLE_HEADERS = {
    "zh": {
        "rank": "#",
        "score": "得分",
        "relation_zh": "类型",
        "segment_zh": "环节",
        "chain_zh": "产业链",
        "partner_short_zh": "结对方",
        "confidence": "可信度",
        "county_zh": "县",
        "pairing_kind": "结对",
        "landing_zh": "落地",
    },
    "en": {
        "rank": "#",
        "score": "score",
        "relation": "type",
        "segment_en": "segment",
        "chain_id": "chain",
        "chain_en": "chain",
        "partner_short_en": "partner",
        "confidence": "confidence",
        "county_en": "county",
        "pairing_kind": "pairing",
        "landing": "landing",
    },
}
PROJECT_TABLE_COLUMNS = {
    "zh": ["rank", "score", "county_zh", "relation_zh", "segment_zh", "landing_zh", "confidence"],
    "en": ["rank", "score", "county_en", "relation", "segment_en", "landing", "confidence"],
}
TABLE_COLUMNS = {
    "zh": ["rank", "score", "relation_zh", "segment_zh", "chain_zh", "partner_short_zh", "confidence"],
    "en": ["rank", "score", "relation", "segment_en", "chain_en", "partner_short_en", "confidence"],
}


AllowPollutingOption = Annotated[
    bool,
    typer.Option(
        "--allow-polluting",
        help="Also show heavily polluting industries on the platform of a county with a restricting "
        "ecological status (left out by default; the explanation names the rule).",
    ),
]
MinConfidenceOption = Annotated[
    str,
    typer.Option(
        "--min-confidence",
        help="Only rows whose every fact is at least this sure: sourced, unverified or sample (all).",
        metavar="LEVEL",
    ),
]


def check_confidence(level: str) -> str:
    """``--min-confidence`` value, lower-cased, or a usage error."""
    from chainlink.base.vocabulary import CONFIDENCE_LEVELS
    from chainlink.errors import UsageError

    value = level.lower()
    if value not in CONFIDENCE_LEVELS:
        raise UsageError(f"unknown --min-confidence {level!r}: use sourced, unverified or sample")
    return value


PresetOption = Annotated[
    str, typer.Option("--preset", help="Weight preset name or YAML file.", metavar="NAME|FILE")
]
NoSampleOption = Annotated[
    bool, typer.Option("--no-sample", help="Leave out sample (synthetic) projects and enterprises.")
]


def _suggestion_sheets(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> list[Any]:
    """The xlsx sheets of suggestion rows (:func:`chainlink.outputs.xlsx.suggestion_sheets`, imported for xlsx only)."""
    from chainlink.outputs.xlsx import suggestion_sheets

    return suggestion_sheets(rows, columns)


def _model(db: Path | None, preset: str, no_sample: bool = False):
    from chainlink.scoring.model import Model
    from chainlink.scoring.presets import load_preset

    return Model(open_registry(db), load_preset(preset), include_sample=not no_sample)


@app.command()
@rows_command(top=10, top_help="How many suggestions (0: all).")
def match(
    county: Annotated[
        str | None,
        typer.Argument(help="County: code, 汉字, pinyin or English name (typos allowed).", metavar="COUNTY"),
    ] = None,
    project: Annotated[
        Path | None,
        typer.Option(
            "--project",
            help="Rank destinations for the project in FILE (YAML, JSON or one-row CSV) instead.",
            metavar="FILE",
        ),
    ] = None,
    partner: Annotated[
        str | None, typer.Option("--partner", help="Only suggestions through this partner.")
    ] = None,
    chain: Annotated[str | None, typer.Option("--chain", help="Only this chain.")] = None,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            metavar="segment|partner",
            help="segment: one row per segment, through the best-fitting partner; partner: the top rows of "
            "each paired partner, grouped.",
        ),
    ] = "segment",
    allow_polluting: AllowPollutingOption = False,
    min_confidence: MinConfidenceOption = "sample",
    any_pair: Annotated[
        bool,
        typer.Option(
            "--any-pair",
            help="With --project: also rank counties not paired with the project's origin.",
        ),
    ] = False,
    preset: PresetOption = "default",
    no_sample: NoSampleOption = False,
    *,
    out: Rows,
    db: DbOption = None,
) -> None:
    """Ranked suggestions of what a county's paired partners can transfer or co-introduce.

    Each row is a chain segment next to a segment the county holds on evidence (a sourced
    characteristic industry mapped in data/holdings.csv, or a located firm) — 补链 (fill a missing
    upstream link), 延链 (extend downstream) or 强链 (strengthen a held segment) — or a weaker
    "related" one (a GB/T code overlap, or an industry a paired partner really has). Every paired
    partner is scored; the row names the one that fits best and why, where the project would land
    (county platform or an enclave in the partner's territory), and the real firms behind it.
    With --project FILE, ranks the counties paired with the project's origin, and their landing
    places, instead.
    """
    from chainlink.base.vocabulary import note_label
    from chainlink.errors import UsageError
    from chainlink.outputs.export import COLUMNS, suggestion_row
    from chainlink.scoring.suggest import suggest_for_county
    from chainlink.store.resolve import Resolver

    fmt, lang, top = out.fmt, out.lang, out.limit
    min_confidence = check_confidence(min_confidence)
    if (county is None) == (project is None):
        raise UsageError("give a COUNTY or --project FILE (one of them)")
    if by not in ("segment", "partner"):
        raise UsageError(f"unknown --by {by!r}: use segment or partner")
    if project is not None and by == "partner":
        raise UsageError("--by partner groups a county's suggestions; it does not apply to --project")
    if project is None and any_pair:
        raise UsageError("--any-pair applies to --project only")
    model = _model(db, preset, no_sample)
    resolver = Resolver.from_registry(model.registry)
    partner_id = resolver.resolve(partner, ("partner",)).id if partner else None
    chain_id = resolver.resolve(chain, ("chain",)).id if chain else None
    if project is not None:
        from chainlink.scoring.projects import load_project, rank_destinations

        proj = load_project(project)
        answer = rank_destinations(
            model, proj, resolver, top=top, chain=chain_id, any_pair=any_pair,
            allow_polluting=allow_polluting, min_confidence=min_confidence,
        )  # fmt: skip
        title_zh = f"项目“{proj.name}”的目的地建议"
        title_en = f"Destinations for project '{proj.name}'"
        suggestions, missing = answer.suggestions, answer.missing
    else:
        entity = resolver.resolve(county, ("county",))
        answer = suggest_for_county(
            model, entity.id, top=top, partner=partner_id, chain=chain_id, allow_polluting=allow_polluting,
            min_confidence=min_confidence, by_partner=by == "partner",
        )  # fmt: skip
        title_zh = f"{entity.name_zh}（{entity.id}）结对方可转移或共引的项目方向"
        title_en = f"{entity.name_en} ({entity.id}): what its paired partners can transfer or co-introduce"
        suggestions, missing = answer.suggestions, answer.missing
    rows = [suggestion_row(s) for s in suggestions]
    for row, s in zip(rows, suggestions, strict=True):
        row.setdefault("chain_en", s.chain_en)  # the table shows names (ids such as a-b-c are never split)
    notices = []
    if fmt in ("table", "md"):
        current = None
        for row in rows:
            if by == "partner" and row["partner_id"] != current:
                current = row["partner_id"]
                notices.append(
                    f"— {row['partner_zh'] or '无结对方'} —" if lang == "zh" else f"— {row['partner_en'] or 'no partner'} —"
                )
            notices.append(
                f"{row['rank']}. " + (row["explanation_zh"] if lang == "zh" else row["explanation_en"])
            )
        if any(row["sample"] for row in rows):
            notices.append(
                "注意：含示例(sample)数据，非真实项目。"
                if lang == "zh"
                else "Note: includes sample data, not real projects."
            )
    for gap in missing:
        if fmt in ("table", "md"):
            notices.append(note_label(gap, lang, "missing"))
        else:
            typer.echo(f"chainlink: {note_label(gap, 'en', 'missing')}", err=True)
    columns = (PROJECT_TABLE_COLUMNS if project is not None else TABLE_COLUMNS)[lang]
    if by == "partner":
        columns = [columns[-2], *[c for c in columns if c != columns[-2]]]
    out.emit(
        rows,
        COLUMNS,
        headers=TABLE_HEADERS[lang],
        table_columns=columns,
        title=title_zh if lang == "zh" else title_en,
        notices=notices,
        sheets=_suggestion_sheets,
    )


@app.command()
@rows_command(top=10, default="csv", top_help="Suggestions per county (0: all).")
def export(
    county: Annotated[
        list[str] | None, typer.Option("--county", help="Only these counties (repeatable).", metavar="COUNTY")
    ] = None,
    check: Annotated[
        list[Path] | None,
        typer.Option(
            "--check",
            help="Exit 1 if FILE differs from what export would write now (repeatable).",
            metavar="FILE",
        ),
    ] = None,
    preset: PresetOption = "default",
    allow_polluting: AllowPollutingOption = False,
    min_confidence: MinConfidenceOption = "sample",
    no_sample: NoSampleOption = False,
    *,
    out: Rows,
    db: DbOption = None,
) -> None:
    """The suggestion list for all 26 counties (or those named): one row per (county, rank).

    Sorted by county code then rank; byte-identical across runs; codes as text; UTF-8. Writes csv
    unless --format or the --output extension says otherwise.
    """
    from chainlink.base.output import render
    from chainlink.errors import UsageError
    from chainlink.outputs.export import COLUMNS, export_rows
    from chainlink.store.resolve import Resolver

    fmt, top = out.fmt, out.limit
    if fmt not in ("csv", "tsv", "json", "ndjson") and check:
        raise UsageError("--check compares text files; use --format csv, tsv, json or ndjson with it")
    model = _model(db, preset, no_sample)
    codes = None
    if county:
        resolver = Resolver.from_registry(model.registry)
        codes = [resolver.resolve(c, ("county",)).id for c in county]
    rows = export_rows(
        model, codes, top, allow_polluting=allow_polluting, min_confidence=check_confidence(min_confidence)
    )
    if check:
        text = render(rows, COLUMNS, fmt, bom=out.bom, escape_formulas=out.escape_formulas)
        stale = []
        for path in check:
            try:
                current = path.read_bytes().decode("utf-8")
            except FileNotFoundError:
                stale.append(f"{path}: missing")
                continue
            except UnicodeDecodeError:
                stale.append(f"{path}: not UTF-8")
                continue
            if current != text:
                stale.append(f"{path}: differs from what `chainlink export` writes now")
        for line in stale:
            typer.echo(f"chainlink: {line}", err=True)
        if stale:
            raise typer.Exit(1)
        typer.echo(f"{len(check)} file(s) up to date")
        return
    out.emit(
        rows,
        COLUMNS,
        headers=TABLE_HEADERS[out.lang],
        table_columns=["county_zh" if out.zh else "county_en", *TABLE_COLUMNS[out.lang]],
        sheets=_suggestion_sheets,
    )
