"""``chainlink enterprises``: real and sample firms on the chains (list, show, unplaced, coverage) and
duplicate candidates among the imported ones (dedupe)."""

from __future__ import annotations

from typing import Annotated

import typer

from chainlink.cli import app
from chainlink.cli._options import DbOption, QuietOption, Rows, rows_command
from chainlink.cli._progress import progress_bar
from chainlink.cli._registry import open_registry
from chainlink.cli.browse import labels

enterprises_app = typer.Typer(
    name="enterprises",
    help="Real firms on the chains (listed companies, firms pages name), sample firms, imported firms.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(enterprises_app, name="enterprises")

KindOption = Annotated[
    str,
    typer.Option(
        "--kind",
        help="real (listed + named, default), listed, named, sample, user (imported), or all.",
        metavar="KIND",
    ),
]


def _partial(lang: str, sample: bool = False) -> list[str]:
    from chainlink.scoring.firms import PARTIAL_EN, PARTIAL_ZH

    notes = [PARTIAL_ZH if lang == "zh" else PARTIAL_EN]
    if sample:
        notes.append(
            "示例企业(kind = sample)为合成数据，不是真实企业。"
            if lang == "zh"
            else "Rows of kind sample are synthetic, not real companies."
        )
    return notes


@enterprises_app.command("list")
@rows_command()
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
    *,
    out: Rows,
    db: DbOption = None,
) -> None:
    """Firms with their place (county-level unit), segments and whether they are a 链主 (candidate).

    Real firms are listed companies (Shenzhen-listed placed by registered address, Shanghai-listed by name)
    and firms public pages name; `--kind sample` shows the generated sample firms, `--kind user` your
    imported ones. Every output says that the data is partial.
    """
    from chainlink.errors import UsageError
    from chainlink.scoring.firms import KIND_FILTERS, LIST_COLUMNS, enterprise_rows, partner_places
    from chainlink.store.resolve import Resolver

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
    rows = out.cut(rows)
    notices = [_count(total, len(rows), out.lang)]
    notices += _partial(out.lang, sample=kind in ("sample", "all"))
    columns = ["id", "kind", "name_zh", "place_zh", "chains"]
    out.emit(rows, LIST_COLUMNS, table_columns=columns, headers=labels(out.lang, *columns), notices=notices)


def _count(total: int, shown: int, lang: str, what: str = "firm(s)", what_zh: str = "家企业") -> str:
    if lang == "zh":
        return f"共 {total} {what_zh}" + (f"，显示前 {shown} 家" if shown < total else "")
    return f"{total} {what}" + (f", first {shown} shown" if shown < total else "")


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
@rows_command()
def enterprises_show(
    enterprise: Annotated[
        str, typer.Argument(help="Id (SZ000156, SH600160, NE001), stock code or name.", metavar="FIRM")
    ],
    *,
    out: Rows,
    db: DbOption = None,
) -> None:
    """One firm: identity, place and how it was placed, main products, segments with the rule and
    confidence of each link, and its 链主 (candidate) standing with the rule that chose it."""
    from chainlink.scoring.firms import enterprise_detail

    detail = enterprise_detail(open_registry(db), enterprise)
    top = out.top or None
    rows = _detail_rows(detail, None if out.fmt != "table" else (top or PRODUCTS_SHOWN))
    if out.fmt != "table":
        columns = ["section", "item", "detail", "confidence", "source"]
        out.emit(rows, columns, headers=labels(out.lang, *columns),
                 notices=_partial(out.lang, sample=detail["firm"]["kind"] == "sample"))  # fmt: skip
        return
    from chainlink.base.vocabulary import confidence_label
    from chainlink.cli._output import fold

    firm = detail["firm"]
    lines = [fold(f"{firm['name_zh']} ({firm['id']}) · {firm['kind']}", None, 3)]
    section = None
    for row in rows:
        if row["section"] != section:
            section = row["section"]
            lines += ["", SECTION_ZH.get(section, section) if out.zh else section]
        lines.append(fold(f"  {row['item']}: {row['detail']}", None, 5))
        if row["confidence"] or row["source"]:
            level = confidence_label(row["confidence"], out.lang) if row["confidence"] else ""
            lines.append(fold(f"     [{level}] {row['source']}", None, 7))
    lines += [""] + [fold(n, None, 0) for n in _partial(out.lang, sample=firm["kind"] == "sample")]
    out.text("\n".join(lines) + "\n")


SECTION_ZH = {
    "identity": "基本信息 identity",
    "place": "所在地 place",
    "products (2021-10)": "主营产品 products (2021-10)",
    "segments": "产业链环节 segments",
    "named": "公开报道 named",
}


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
@rows_command()
def enterprises_unplaced(out: Rows, db: DbOption = None) -> None:
    """Real firms no county-level unit could be given, with the reason (never guessed, never dropped)."""
    from chainlink.scoring.firms import unplaced_rows

    rows = unplaced_rows(open_registry(db))
    total = len(rows)
    rows = out.cut(rows)
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
    shown = ["id", "name_zh", "place_rule"]
    out.emit(
        rows,
        columns,
        table_columns=shown,
        headers=labels(out.lang, *shown),
        notices=[_count(total, len(rows), out.lang, "unplaced firm(s)", "家未定位企业"), *_partial(out.lang)],
    )


@enterprises_app.command("coverage")
@rows_command()
def enterprises_coverage(
    by: Annotated[
        str, typer.Option("--by", help="chain (default), county or partner.", metavar="chain|county|partner")
    ] = "chain",
    *,
    out: Rows,
    db: DbOption = None,
) -> None:
    """What the real firms cover: per chain, segments with ≥1 real firm (anywhere, in a mountain county,
    in a partner's territory); per county or partner, the real firms placed there. Totals below."""
    from chainlink.errors import UsageError
    from chainlink.scoring.firms import coverage

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
    if out.zh:
        notices = [
            f"真实企业 {t['real_firms']} 家（上市 {t['listed']}，公开报道 {t['named']}）；已定位 {t['placed']}，"
            f"未定位 {t['unplaced']}；在至少一个环节上 {t['on_a_segment']}",
            f"有真实企业的环节 {t['segments_with_real_firm']}/{t['segments']}；有真实企业的山区县 "
            f"{t['counties_with_real_firm']}/26；有真实企业的结对方 {t['partners_with_real_firm']}/{t['partners']}；"
            f"公开报道的链主 {t['named_chain_leaders']}",
        ]
    else:
        notices = [
            f"real firms {t['real_firms']} (listed {t['listed']}, named {t['named']}); placed {t['placed']}, "
            f"unplaced {t['unplaced']}; on ≥1 segment {t['on_a_segment']}",
            f"segments with a real firm {t['segments_with_real_firm']} of {t['segments']}; counties with a real "
            f"firm {t['counties_with_real_firm']} of 26; partners with a real firm {t['partners_with_real_firm']} of "
            f"{t['partners']}; named 链主 {t['named_chain_leaders']}",
        ]
    notices += [
        *_partial(out.lang),
    ]
    out.emit(out.cut(report[key]), columns, headers=labels(out.lang, *columns), notices=notices)


@enterprises_app.command()
@rows_command()
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
    quiet: QuietOption = False,
    *,
    out: Rows,
    db: DbOption = None,
) -> None:
    """Candidate duplicate enterprises: pairs whose names are similar once legal forms are removed.

    Names are compared without 有限公司 / 股份有限公司 / 集团 … and leading place names (浙江, 丽水市,
    青田县 …), with rapidfuzz's ratio (0–100). Nothing is merged; review the pairs.
    """
    from chainlink.store.dedupe import COLUMNS, enterprise_pairs

    with progress_bar(quiet, "dedupe") as bar:
        rows = enterprise_pairs(
            open_registry(db).conn, threshold=threshold, within_place=within_place, max_pairs=max_pairs,
            progress=bar,
        )  # fmt: skip
    shown = ["score", "name_1", "credit_code_1", "name_2", "credit_code_2"]
    out.emit(out.cut(rows), COLUMNS, table_columns=shown, headers=labels(out.lang, *shown))
