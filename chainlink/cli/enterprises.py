"""``chainlink enterprises``: real and sample firms on the chains (list, show, unplaced, coverage) and
duplicate candidates among the imported ones (dedupe)."""

from __future__ import annotations

from typing import Annotated

import typer

from chainlink.cli import app
from chainlink.cli._output import (
    XLSX_FORMATS,
    DbOption,
    EscapeOption,
    LangOption,
    OutputOption,
    XlsxFormatOption,
    check_format,
    check_lang,
    emit,
)
from chainlink.cli._registry import open_registry

enterprises_app = typer.Typer(
    name="enterprises",
    help="Real firms on the chains (listed companies, firms pages name), sample firms, imported firms.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(enterprises_app, name="enterprises")

TopOption = Annotated[
    int, typer.Option("--top", "-n", help="Show the first N rows (0: all).", min=0, metavar="N")
]
KindOption = Annotated[
    str,
    typer.Option(
        "--kind",
        help="real (listed + named, default), listed, named, sample, user (imported), or all.",
        metavar="KIND",
    ),
]


def _partial(lang: str, sample: bool = False) -> list[str]:
    from chainlink.firms import PARTIAL_EN, PARTIAL_ZH

    notes = [PARTIAL_ZH if lang == "zh" else PARTIAL_EN]
    if sample:
        notes.append(
            "示例企业(kind = sample)为合成数据，不是真实企业。"
            if lang == "zh"
            else "Rows of kind sample are synthetic, not real companies."
        )
    return notes


@enterprises_app.command("list")
def enterprises_list(
    county: Annotated[str | None, typer.Option("--county", help="Firms placed in this county.")] = None,
    partner: Annotated[
        str | None, typer.Option("--partner", help="Firms in this partner district's or zone's territory.")
    ] = None,
    chain: Annotated[str | None, typer.Option("--chain", help="Firms on this chain's segments.")] = None,
    segment: Annotated[
        str | None, typer.Option("--segment", help="Firms on this segment (chain/segment).")
    ] = None,
    kind: KindOption = "real",
    top: TopOption = 0,
    fmt: XlsxFormatOption = "table",
    output: OutputOption = None,
    lang: LangOption = "zh",
    escape_formulas: EscapeOption = True,
    db: DbOption = None,
) -> None:
    """Firms with their place (county-level unit), segments and whether they are a 链主 (candidate).

    Real firms are listed companies (Shenzhen-listed placed by registered address, Shanghai-listed by name)
    and firms public pages name; `--kind sample` shows the generated sample firms, `--kind user` your
    imported ones. Every output says that the data is partial.
    """
    from chainlink.errors import UsageError
    from chainlink.firms import KIND_FILTERS, LIST_COLUMNS, enterprise_rows, partner_places
    from chainlink.resolve import Resolver

    fmt = check_format(fmt, XLSX_FORMATS)
    lang = check_lang(lang)
    if kind not in KIND_FILTERS:
        raise UsageError(f"unknown --kind {kind!r}: use one of {', '.join(KIND_FILTERS)}")
    reg = open_registry(db)
    resolver = Resolver.from_registry(reg)
    places = None
    pid = None
    if county:
        places = {resolver.resolve(county, ("county",)).id}
    if partner:
        pid = resolver.resolve(partner, ("partner",)).id
        territory = partner_places(reg, pid)
        places = territory if places is None else places & territory
    chain_id = resolver.resolve(chain, ("chain",)).id if chain else None
    segment_key = _segment(reg, segment, chain_id) if segment else None
    rows = enterprise_rows(
        reg, kind=kind, place_codes=places, partner_id=pid, chain_id=chain_id, segment_key=segment_key
    )
    total = len(rows)
    if top:
        rows = rows[:top]
    notices = [f"{total} firm(s)" + (f", first {len(rows)} shown" if len(rows) < total else "")]
    notices += _partial(lang, sample=kind in ("sample", "all"))
    emit(
        rows,
        LIST_COLUMNS,
        fmt,
        output,
        table_columns=["id", "kind", "name_zh", "place_zh", "chains"],
        notices=notices,
        escape_formulas=escape_formulas,
    )


def _segment(reg, text: str, chain_id: str | None) -> str:
    from chainlink.errors import UsageError

    keys = {s["key"] for s in reg.segments}
    if text in keys:
        return text
    if chain_id and f"{chain_id}/{text}" in keys:
        return f"{chain_id}/{text}"
    named = [s["key"] for s in reg.segments if text in (s["name_zh"], s["name_en"])]
    if len(named) == 1:
        return named[0]
    raise UsageError(
        f"unknown --segment {text!r}: give chain/segment as `chainlink chains show CHAIN --format csv` lists it"
    )


@enterprises_app.command("show")
def enterprises_show(
    enterprise: Annotated[str, typer.Argument(help="Id (SZ000156, SH600160, NE001), stock code or name.")],
    fmt: XlsxFormatOption = "table",
    output: OutputOption = None,
    lang: LangOption = "zh",
    escape_formulas: EscapeOption = True,
    db: DbOption = None,
) -> None:
    """One firm: identity, place and how it was placed, main products, segments with the rule and
    confidence of each link, and its 链主 (candidate) standing with the rule that chose it."""
    from chainlink.firms import enterprise_detail

    fmt = check_format(fmt, XLSX_FORMATS)
    lang = check_lang(lang)
    detail = enterprise_detail(open_registry(db), enterprise)
    rows = _detail_rows(detail, None if fmt != "table" else PRODUCTS_SHOWN)
    if fmt != "table":
        emit(
            rows,
            ["section", "item", "detail", "confidence", "source"],
            fmt,
            output,
            escape_formulas=escape_formulas,
        )
        return
    from chainlink.cli._output import fold
    from chainlink.output import write_atomic

    firm = detail["firm"]
    lines = [fold(f"{firm['name_zh']} ({firm['id']}) · {firm['kind']}", 80, 3)]
    section = None
    for row in rows:
        if row["section"] != section:
            section = row["section"]
            lines += ["", section]
        lines.append(fold(f"  {row['item']}: {row['detail']}", 80, 5))
        if row["confidence"] or row["source"]:
            lines.append(fold(f"     [{row['confidence']}] {row['source']}", 80, 7))
    lines += [""] + [fold(n, 80, 0) for n in _partial(lang, sample=firm["kind"] == "sample")]
    text = "\n".join(lines) + "\n"
    if output is not None:
        write_atomic(output, text)
    else:
        typer.echo(text, nl=False)


PRODUCTS_SHOWN = 12  # main products listed by `show` (largest first by the source's rank)


def _detail_rows(detail: dict, limit: int | None = None) -> list[dict]:
    firm = detail["firm"]
    rows = []

    def add(section: str, item: str, value, confidence: str = "", source: str = "") -> None:
        if value not in (None, ""):
            rows.append(
                {
                    "section": section,
                    "item": item,
                    "detail": str(value),
                    "confidence": confidence,
                    "source": source,
                }
            )

    add("identity", "kind", firm["kind"])
    add("identity", "stock", f"{firm['exchange']} {firm['stock_code']}".strip())
    add("identity", "short name", firm["short_zh"])
    add("identity", "credit code", firm["credit_code"])
    add("identity", "industry", firm["industry"])
    add("identity", "as of", firm["as_of"], firm["confidence"], firm["source"])
    add("place", "address", firm["address"])
    place = f"{firm['place_code']} {firm['place_zh']}".strip() or "unplaced"
    add("place", "county-level unit", place, firm["place_confidence"], firm["place_rule"])
    add("place", "mountain county", firm["county_code"])
    add("place", "partner", firm["partner_id"])
    for p in detail["products"][:limit]:
        share = f"{p['revenue_share']:.1%}" if p["revenue_share"] is not None else "share not given"
        add("products (2021-10)", f"#{p['rank']}", f"{p['product']} — {share}")
    if limit is not None and len(detail["products"]) > limit:
        add("products (2021-10)", "…", f"{len(detail['products']) - limit} more (--format csv lists them)")
    for s in detail["segments"]:
        add("segments", s["segment_key"], s["rule"], s["confidence"], s["source"])
    if firm["role"]:
        add("named", firm["role"], firm["quote"], firm["confidence"], firm["named_id"])
    for lead in detail["leads"]:
        add(
            "链主",
            f"{lead['chain_id']} in {lead['place_code']}",
            lead["rule"],
            lead["confidence"],
            lead["source"],
        )
    return rows


@enterprises_app.command("unplaced")
def enterprises_unplaced(
    top: TopOption = 0,
    fmt: XlsxFormatOption = "table",
    output: OutputOption = None,
    lang: LangOption = "zh",
    escape_formulas: EscapeOption = True,
    db: DbOption = None,
) -> None:
    """Real firms no county-level unit could be given, with the reason (never guessed, never dropped)."""
    from chainlink.firms import unplaced_rows

    fmt = check_format(fmt, XLSX_FORMATS)
    lang = check_lang(lang)
    rows = unplaced_rows(open_registry(db))
    total = len(rows)
    if top:
        rows = rows[:top]
    columns = [
        "id",
        "kind",
        "name_zh",
        "exchange",
        "stock_code",
        "address",
        "partner_id",
        "place_rule",
        "source",
    ]
    emit(
        rows,
        columns,
        fmt,
        output,
        table_columns=["id", "name_zh", "place_rule"],
        notices=[f"{total} unplaced firm(s)", *_partial(lang)],
        escape_formulas=escape_formulas,
    )


@enterprises_app.command("coverage")
def enterprises_coverage(
    by: Annotated[str, typer.Option("--by", help="chain (default), county or partner.")] = "chain",
    fmt: XlsxFormatOption = "table",
    output: OutputOption = None,
    lang: LangOption = "zh",
    escape_formulas: EscapeOption = True,
    db: DbOption = None,
) -> None:
    """What the real firms cover: per chain, segments with ≥1 real firm (anywhere, in a mountain county,
    in a partner's territory); per county or partner, the real firms placed there. Totals below."""
    from chainlink.errors import UsageError
    from chainlink.firms import coverage

    fmt = check_format(fmt, XLSX_FORMATS)
    lang = check_lang(lang)
    views = {
        "chain": (
            "chains",
            [
                "chain_id",
                "name_zh",
                "segments",
                "with_real_firm",
                "in_mountain_county",
                "in_partner",
                "firms",
            ],
        ),
        "county": ("counties", ["county_code", "name_zh", "real_firms", "on_a_segment", "named"]),
        "partner": ("partners", ["partner_id", "name_zh", "real_firms", "on_a_segment"]),
    }
    if by not in views:
        raise UsageError(f"unknown --by {by!r}: use chain, county or partner")
    report = coverage(open_registry(db))
    key, columns = views[by]
    t = report["totals"]
    notices = [
        f"real firms {t['real_firms']} (listed {t['listed']}, named {t['named']}); placed {t['placed']}, "
        f"unplaced {t['unplaced']}; on ≥1 segment {t['on_a_segment']}",
        f"segments with a real firm {t['segments_with_real_firm']} of {t['segments']}; counties with a real firm "
        f"{t['counties_with_real_firm']} of 26; partners with a real firm {t['partners_with_real_firm']} of "
        f"{t['partners']}; named 链主 {t['named_chain_leaders']}",
        *_partial(lang),
    ]
    emit(report[key], columns, fmt, output, notices=notices, escape_formulas=escape_formulas)


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

    fmt = check_format(fmt, XLSX_FORMATS)
    rows = enterprise_pairs(
        open_registry(db).conn, threshold=threshold, within_place=within_place, max_pairs=max_pairs
    )
    emit(
        rows,
        COLUMNS,
        fmt,
        output,
        table_columns=["score", "name_1", "credit_code_1", "name_2", "credit_code_2"],
        escape_formulas=escape_formulas,
    )
