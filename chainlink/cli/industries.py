"""``chainlink industries``: search the GB/T 4754-2017 classification, show one code."""

from __future__ import annotations

from typing import Annotated

import typer

from chainlink.cli import app
from chainlink.cli._options import DbOption, Rows, rows_command
from chainlink.cli._output import fold, render_table
from chainlink.cli._registry import open_registry
from chainlink.cli.browse import labels

industries_app = typer.Typer(
    help="GB/T 4754-2017 industry classification (国民经济行业分类): search it, show one code.",
    no_args_is_help=True,
)
app.add_typer(industries_app, name="industries")


@industries_app.command("search")
@rows_command(top=20, top_help="Show at most N results (0: all).")
def industries_search(
    text: Annotated[
        str,
        typer.Argument(
            help="Chinese (阀门), pinyin (famen, fá mén, initials fmxs), or a code or prefix (344, C).",
            metavar="QUERY",
        ),
    ],
    *,
    out: Rows,
    db: DbOption = None,
) -> None:
    """Find GB/T 4754-2017 classes by name, pinyin or code, best first.

    Ranks exact names and codes first, then name and code prefixes, pinyin, pinyin initials, the
    standard's descriptions and GB/T 4754-2011 codes (mapped forward); near misses come from rapidfuzz.
    """
    from chainlink.base.industries import search_industries

    rows = search_industries(open_registry(db), text, out.top or 10**6)
    columns = ["code", "level", "level_zh", "name_zh", "path", "pinyin", "match", "score"]
    shown = ["code", "level_zh" if out.zh else "level", "name_zh", "path", "match", "score"]
    out.emit(rows, columns, table_columns=shown, headers=labels(out.lang, *shown))


@industries_app.command("show")
@rows_command()
def industries_show(
    code: Annotated[
        str,
        typer.Argument(help="A GB/T 4754-2017 code (3443, 344, 34, C) or a GB/T 4754-2011 code.", metavar="CODE"),
    ],
    *,
    out: Rows,
    db: DbOption = None,
) -> None:
    """One code: its path 门类 → 大类 → 中类 → 小类, children, chain segments and the counties holding it.

    Chain segments are those whose codes match at 0.8 or more (docs/scoring.md); holders are the
    characteristic industries of counties (and industries of zones) matching at the hold threshold 0.6.
    A GB/T 4754-2011 code is mapped forward to 2017, with a warning.
    """
    from chainlink.base.industries import industry_report

    report = industry_report(open_registry(db), code)
    if out.fmt != "table":
        for line in report.warnings:
            typer.echo(f"chainlink: warning: {line}", err=True)
        columns = [
            "relation",
            "code",
            "name_zh",
            "level",
            "id",
            "holder_zh",
            "strength",
            "detail",
            "confidence",
            "source",
        ]
        out.emit(out.cut(report.rows()), columns, headers=labels(out.lang, *columns))
        return
    out.text(_render(report))


def _render(report) -> str:
    from chainlink.base.industries import LEVEL_NAMES

    lines = [fold(f"warning: {w}", None, 3) for w in report.warnings]
    if report.maps_to and report.industry is None:
        lines.append(
            render_table(
                [{"code": r["code"], "name_zh": r["name_zh"]} for r in report.maps_to],
                ["code", "name_zh"],
                title=f"GB/T 4754-2011 {report.query} → 2017",
            ).rstrip("\n")
        )
        return "\n".join(lines) + "\n"
    ind = report.industry
    zh, en = LEVEL_NAMES[ind["level"]]
    lines.append(f"{ind['code']} {ind['name_zh']}  ({zh} {en}, GB/T 4754-2017)")
    lines.append(fold(" → ".join(f"{r['code']} {r['name_zh']}" for r in report.path), None, 3))
    if ind["description_zh"]:
        lines.append(fold(f"说明: {ind['description_zh']}", None, 3))
    lines.append("")
    children = [{"code": r["code"], "name_zh": r["name_zh"]} for r in report.children]
    lines.append(
        render_table(children, ["code", "name_zh"], title=f"children 下级 ({len(children)})").rstrip("\n")
    )
    lines.append("")
    segs = [
        {"segment": s["key"], "name_zh": s["name_zh"], "gbt": s["gbt_codes"], "match": s["strength"]}
        for s in report.segments
    ]
    title = f"chain segments 产业链环节 (code match ≥ 0.8; {len(segs)})"
    lines.append(render_table(segs, ["segment", "name_zh", "gbt", "match"], title=title).rstrip("\n"))
    lines.append("")
    holders = [
        {
            "holder": f"{h['holder_id']} {h['holder_zh']}",
            "industry": f"{h['id']} {h['industry_zh']}",
            "gbt": h["gbt_codes"],
            "match": h["strength"],
            "confidence": h["confidence"],
        }
        for h in report.holders
    ]
    title = f"held by 持有该行业的县和园区 (characteristic industries, match ≥ 0.6; {len(holders)})"
    lines.append(
        render_table(holders, ["holder", "industry", "gbt", "match", "confidence"], title=title).rstrip("\n")
    )
    if report.maps_to:
        lines.append("")
        rows = [{"code": r["code"], "name_zh": r["name_zh"]} for r in report.maps_to]
        title = f"as a GB/T 4754-2011 code, {report.query} → 2017"
        lines.append(render_table(rows, ["code", "name_zh"], title=title).rstrip("\n"))
    return "\n".join(lines) + "\n"
