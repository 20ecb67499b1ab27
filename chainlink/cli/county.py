"""``chainlink county show`` and ``chainlink zone show``: every fact about one place, with its source."""

from __future__ import annotations

from typing import Annotated

import typer

from chainlink.cli import app
from chainlink.cli._output import (
    DbOption,
    FormatOption,
    LangOption,
    OutputOption,
    check_format,
    check_lang,
    emit,
    fold,
)
from chainlink.cli._registry import open_registry

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
def county_show(
    county: Annotated[
        str, typer.Argument(help="County: code, 汉字, pinyin or English (331121, 青田, qingtian).")
    ],
    fmt: FormatOption = "table",
    output: OutputOption = None,
    lang: LangOption = "zh",
    db: DbOption = None,
) -> None:
    """Names, codes and coordinates, pairings, characteristic industries (GB/T codes and how they were
    assigned), the chain segments the county holds, projects landed or named, and recorded data gaps.

    Each fact is followed by its confidence (sourced, unverified, sample) and its source.
    """
    from chainlink.profiles import county_profile
    from chainlink.resolve import Resolver

    reg = open_registry(db)
    code = Resolver.from_registry(reg).resolve(county, ("county",)).id
    _emit(county_profile(reg, code), fmt, output, lang)


@zone_app.command("show")
def zone_show(
    zone: Annotated[
        str,
        typer.Argument(help="Zone or district: id, 汉字, pinyin or English (ningbo-etdz, 宁波经开区, 梅山)."),
    ],
    fmt: FormatOption = "table",
    output: OutputOption = None,
    lang: LangOption = "zh",
    db: DbOption = None,
) -> None:
    """Kind, host region, parent and child zones, pairings, leading industries and projects.

    Each fact is followed by its confidence (sourced, unverified, sample) and its source.
    """
    from chainlink.profiles import zone_profile
    from chainlink.resolve import Resolver

    reg = open_registry(db)
    pid = Resolver.from_registry(reg).resolve(zone, ("partner",)).id
    _emit(zone_profile(reg, pid), fmt, output, lang)


def _emit(profile, fmt: str, output, lang: str) -> None:
    from chainlink.output import write_atomic
    from chainlink.profiles import COLUMNS

    fmt = check_format(fmt)
    lang = check_lang(lang)
    if fmt != "table":
        emit(profile.rows(), COLUMNS, fmt, output)
        return
    text = render_profile(profile, lang)
    if output is not None:
        write_atomic(output, text)
    else:
        typer.echo(text, nl=False)


def render_profile(profile, lang: str = "zh", width: int | None = None) -> str:
    """The profile as plain text, ``width`` columns (long source addresses wrap)."""
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
            lines.append(fold(f"     [{fact.confidence}] {fact.source}", width, 7))
    return "\n".join(lines) + "\n"
