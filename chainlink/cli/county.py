"""``chainlink county show`` and ``chainlink zone show``: every fact about one place, with its source."""

from __future__ import annotations

from typing import Annotated

import typer

from chainlink.cli import app
from chainlink.cli._options import DbOption, Rows, rows_command
from chainlink.cli._output import fold
from chainlink.cli._registry import open_registry
from chainlink.cli.browse import labels

county_app = typer.Typer(
    help="One mountain county: every fact with its source and confidence.", no_args_is_help=True
)
zone_app = typer.Typer(
    help="One partner district, development zone or platform: every fact with its source.",
    no_args_is_help=True,
)
app.add_typer(county_app, name="county")
app.add_typer(zone_app, name="zone")


@county_app.command("show")
@rows_command()
def county_show(
    county: Annotated[
        str, typer.Argument(help="County: code, 汉字, pinyin or English (331121, 青田, qingtian).", metavar="COUNTY")
    ],
    *,
    out: Rows,
    db: DbOption = None,
) -> None:
    """Names, codes and coordinates, pairings, characteristic industries (GB/T codes and how they were
    assigned), the chain segments the county holds, projects landed or named, and recorded data gaps.

    Each fact is followed by its confidence (sourced, unverified, sample) and its source.
    """
    from chainlink.scoring.profiles import county_profile
    from chainlink.store.resolve import Resolver

    reg = open_registry(db)
    code = Resolver.from_registry(reg).resolve(county, ("county",)).id
    _emit(county_profile(reg, code), out)


@zone_app.command("show")
@rows_command()
def zone_show(
    zone: Annotated[
        str,
        typer.Argument(
            help="Zone or district: id, 汉字, pinyin or English (ningbo-etdz, 宁波经开区, 梅山).", metavar="ZONE"
        ),
    ],
    *,
    out: Rows,
    db: DbOption = None,
) -> None:
    """Kind, host region, parent and child zones, pairings, leading industries and projects.

    Each fact is followed by its confidence (sourced, unverified, sample) and its source.
    """
    from chainlink.scoring.profiles import zone_profile
    from chainlink.store.resolve import Resolver

    reg = open_registry(db)
    pid = Resolver.from_registry(reg).resolve(zone, ("partner",)).id
    _emit(zone_profile(reg, pid), out)


def _emit(profile, out: Rows) -> None:
    from chainlink.scoring.profiles import COLUMNS

    if out.fmt != "table":
        out.emit(out.cut(profile.rows()), COLUMNS, headers=labels(out.lang, *COLUMNS))
        return
    out.text(render_profile(profile, out.lang))


def render_profile(profile, lang: str = "zh", width: int | None = None) -> str:
    """The profile as plain text, ``width`` columns (long source addresses wrap)."""
    from chainlink.base.vocabulary import confidence_label

    lines = [fold(profile.heading_zh if lang == "zh" else profile.heading_en, width, 3)]
    for section in profile.sections:
        lines.append("")
        lines.append(f"{section.title_zh} {section.title_en} ({len(section.facts)})")
        if not section.facts:
            lines.append(f"  {section.empty_zh if lang == 'zh' else section.empty_en}")
        for fact in section.facts:
            lines.append(fold(f"  {fact.item}", width, 5))
            detail = fact.detail if lang == "zh" else (fact.detail_en or fact.detail)
            if detail:
                lines.append(fold(f"     {detail}", width, 7))
            level = confidence_label(fact.confidence, lang)
            lines.append(fold(f"     [{level}] {fact.source}", width, 7))
    return "\n".join(lines) + "\n"
