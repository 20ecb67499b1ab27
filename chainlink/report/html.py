"""Self-contained HTML pages: Apache ECharts (vendored, inlined) draws the charts, nothing is fetched.

Each page carries the ECharts library, its CSS and its data; a Content-Security-Policy forbids every
network request, so the page works offline and a browser test can prove it. Output is deterministic:
the same registry and options give the same bytes except for the date line.
"""

from __future__ import annotations

import html
import json
import math
import unicodedata
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from chainlink.base.vocabulary import pairing_round
from chainlink.report.data import COMPONENT_EN, COMPONENT_ZH, ChainView, Place, ReportData
from chainlink.report.labels import CONFIDENCE, LABELS, PAIRING_KIND, STAGE

ASSETS = Path(__file__).resolve().parent / "assets"
ECHARTS_FILE = "echarts.common.min.js"  # Apache ECharts 6.1.0, "common" build (Apache-2.0; see assets/)
CHART_WIDTH = 680  # px: fits A4 portrait with 12 mm margins
ROLE_COLOURS = {
    "held": "#2e7d32",
    "fill": "#e65100",
    "extend": "#1565c0",
    "strengthen": "#6a1b9a",
    "related": "#757575",
    "other": "#9e9e9e",
}
COMPONENT_COLOURS = ["#1b5e20", "#4caf50", "#ff9800", "#1976d2", "#64b5f6", "#8e24aa", "#ce93d8", "#00897b",
                     "#9e9e9e", "#795548", "#f06292"]
KIND_COLOURS = {"dual_chain_pilot": "#c62828", "zone_pair": "#1565c0", "enclave": "#6a1b9a", "shanhai": "#ef6c00"}
FONT = ('"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", '
        'sans-serif')

CSS = """
*{box-sizing:border-box}
body{font-family:%(font)s;color:#212121;margin:0;background:#fff;font-size:14px;line-height:1.55}
main{max-width:%(w)dpx;margin:0 auto;padding:16px 0 32px}
h1{font-size:22px;margin:8px 0 4px}h2{font-size:17px;margin:24px 0 8px;border-bottom:2px solid #e0e0e0;
padding-bottom:3px}h3{font-size:15px;margin:16px 0 6px}
p.sub,p.note,.note{color:#616161;font-size:12px}
table{border-collapse:collapse;width:100%%;margin:6px 0 10px;font-size:12.5px}
th,td{border-bottom:1px solid #e0e0e0;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f5f5f5;font-weight:600;white-space:nowrap}.nw{white-space:nowrap}.br{overflow-wrap:anywhere}td.num{text-align:right;font-variant-numeric:tabular-nums}
code{font-size:12px;word-break:normal;overflow-wrap:anywhere}
.chart{width:%(w)dpx;margin:4px 0 8px}
.badge{display:inline-block;padding:0 5px;border-radius:3px;font-size:11.5px;color:#fff;white-space:nowrap}
.c-sourced{background:#2e7d32}.c-unverified{background:#ef6c00}.c-sample{background:#757575}
.lic{font-size:11px;color:#616161;display:inline-block;max-width:150px}.params td:first-child{width:30%%;color:#616161}
a.ref{color:#1565c0;text-decoration:none;font-size:11px;vertical-align:super}
footer{margin-top:28px;color:#757575;font-size:12px}
@page{size:A4 portrait;margin:12mm}
@media print{main{padding:0}h2{break-after:avoid}.chart,table,tr{break-inside:avoid}a{color:inherit;text-decoration:none}}
""".replace("%(font)s", FONT).replace("%(w)d", str(CHART_WIDTH)).replace("%%", "%")

CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"


@cache
def echarts_js() -> str:
    """The vendored ECharts library (read once)."""
    return (ASSETS / ECHARTS_FILE).read_text(encoding="utf-8")


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _json(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("</", "<\\/")


def _badge(conf: str, lang: str) -> str:
    if not conf:
        return ""
    return f'<span class="badge c-{_e(conf)}">{_e(CONFIDENCE[lang].get(conf, conf))}</span>'


class Citations:
    """Numbers each distinct source text cited on a page ([1], [2], …) in order of first use."""

    def __init__(self, known: list[dict[str, Any]]) -> None:
        self.texts: list[str] = []
        self.known = known

    def ref(self, text: str | None) -> str:
        """The footnote marker (HTML) for ``text``; '' when there is none."""
        if not text:
            return ""
        if text not in self.texts:
            self.texts.append(text)
        n = self.texts.index(text) + 1
        return f'<a class="ref" href="#src-{n}">[{n}]</a>'

    def refs(self, texts: list[str]) -> str:
        return "".join(self.ref(t) for t in texts)

    def licence(self, text: str) -> str:
        """Licences of the registry's sources whose URL the citation contains."""
        found = sorted({s["licence"] for s in self.known if s.get("url") and s["url"] in text and s.get("licence")})
        return "; ".join(found)


def _table(headers: list[str], rows: list[list[str]], num: tuple[int, ...] = (), nowrap: tuple[int, ...] = (),
           breakable: tuple[int, ...] = ()) -> str:  # fmt: skip
    """An HTML table; cells are already-escaped HTML; ``num`` columns right-aligned, ``nowrap`` kept on one line,
    ``breakable`` ones may break a long word (a URL in an explanation) anywhere rather than widen the page."""

    def cls(i: int) -> str:
        names = (["num"] if i in num else []) + (["nw"] if i in nowrap or i in num else [])
        names += ["br"] if i in breakable else []
        return f' class="{" ".join(names)}"' if names else ""

    head = "".join(f"<th{cls(i)}>{h}</th>" for i, h in enumerate(headers))
    body = "".join("\n<tr>" + "".join(f"<td{cls(i)}>{c}</td>" for i, c in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _short(p: dict[str, Any], lang: str) -> str:
    """A partner's short name (宁波经开区) when it has one."""
    return p.get("short_zh" if lang == "zh" else "short_en") or _name(p, lang)


def _name(obj: dict[str, Any] | Place, lang: str) -> str:
    if isinstance(obj, Place):
        return obj.name_zh if lang == "zh" else obj.name_en
    return obj.get("name_zh" if lang == "zh" else "name_en") or obj.get("name_zh", "")


# -- charts ------------------------------------------------------------------------------------


class MapFrame(NamedTuple):
    """Where the map's longitude/latitude frame lies on the canvas: its top-left corner in degrees, pixels
    per degree each way, and the canvas size (grid left 60, top 50, as in :func:`map_option`)."""

    lon0: float
    lat1: float
    px_lon: float
    px_lat: float
    width: int
    height: int

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        """Canvas pixel of a point."""
        return 60 + (lon - self.lon0) * self.px_lon, 50 + (self.lat1 - lat) * self.px_lat


LABEL_FONT = 11  # px, the map labels' fontSize
LABEL_GAP = 5  # px between a symbol and its label (ECharts' label distance)


def label_size(text: str) -> tuple[float, float]:
    """Width and height in px of a map label: a wide (CJK) character one em, others 0.6 em; one line per
    ``\\n``, 1.3 em each."""
    lines = text.split("\n")
    width = max(sum(LABEL_FONT if unicodedata.east_asian_width(ch) in "WF" else 0.6 * LABEL_FONT for ch in line)
                for line in lines)
    return width, 1.3 * LABEL_FONT * len(lines)


def place_labels(frame: MapFrame, items: list[tuple[dict[str, Any], str]],
                 obstacles: list[dict[str, Any]] = ()) -> None:
    """Choose each labelled point's label position so that no two labels overlap (ECharts' own
    ``labelLayout.hideOverlap`` does nothing for scatter points in the build we ship).

    ``items`` are (ECharts data item, preferred position), in the order labels get their place: a label
    takes the first of its preferred side, the other side, top and bottom that lies on the canvas and meets
    no label placed before and no point; with none free it is hidden (the tooltip still names the point).
    Sets ``label`` on the items that do not keep the series' position.
    """
    def box(x: float, y: float, r: float, w: float, h: float, side: str) -> tuple[float, float, float, float]:
        if side == "right":
            return x + r + LABEL_GAP, y - h / 2, x + r + LABEL_GAP + w, y + h / 2
        if side == "left":
            return x - r - LABEL_GAP - w, y - h / 2, x - r - LABEL_GAP, y + h / 2
        if side == "top":
            return x - w / 2, y - r - LABEL_GAP - h, x + w / 2, y - r - LABEL_GAP
        return x - w / 2, y + r + LABEL_GAP, x + w / 2, y + r + LABEL_GAP + h

    def meets(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
        return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

    taken: list[tuple[float, ...]] = []
    for d in [*(d for d, _ in items), *obstacles]:  # every symbol
        x, y = frame.xy(*d["value"])
        r = d.get("symbolSize", 6) / 2
        taken.append((x - r, y - r, x + r, y + r))
    for d, preferred in items:
        x, y = frame.xy(*d["value"])
        r = d.get("symbolSize", 6) / 2
        w, h = label_size(d["name"])
        other = "left" if preferred == "right" else "right"
        own = (x - r, y - r, x + r, y + r)
        for side in (preferred, other, "top", "bottom"):
            b = box(x, y, r, w, h, side)
            on_canvas = b[0] >= 0 and b[1] >= 0 and b[2] <= frame.width and b[3] <= frame.height
            if on_canvas and not any(meets(b, t) for t in taken if t != own):
                taken.append(b)
                if side != preferred:
                    d["label"] = {"position": side}
                break
        else:
            d["label"] = {"show": False}


def _unlabelled(option: dict[str, Any], lang: str) -> str:
    """The map note's sentence naming the places :func:`place_labels` left unlabelled ("" if none)."""
    names = hidden_labels(option)
    return LABELS[lang]["unlabelled"].format(names=("、" if lang == "zh" else ", ").join(names)) if names else ""


def hidden_labels(option: dict[str, Any]) -> list[str]:
    """Names of the map's points whose label :func:`place_labels` hid."""
    return [name for s in option["series"] for d in s.get("data", [])
            if isinstance(d, dict) and d.get("label", {}).get("show") is False for name in d["name"].split("\n")]


def map_option(places: list[Place], context: list[Place], links: list[tuple[str, str, str]], lang: str,
               focus: str | None) -> tuple[dict[str, Any], int]:
    """ECharts option for the pairing map on a longitude/latitude frame, and its height in px.

    ``places`` are labelled; ``context`` (the other counties) are small grey points; ``links`` are
    (from id, to id, pairing kind) lines.
    """
    t = LABELS[lang]
    located = [p for p in places + context if p.lat is not None and p.lon is not None]
    lons = [p.lon for p in located] or [120.0]
    lats = [p.lat for p in located] or [29.0]
    lon0, lon1 = math.floor((min(lons) - 0.25) * 4) / 4, math.ceil((max(lons) + 0.25) * 4) / 4
    lat0, lat1 = math.floor((min(lats) - 0.2) * 4) / 4, math.ceil((max(lats) + 0.2) * 4) / 4
    plot_w = CHART_WIDTH - 90
    scale = plot_w / ((lon1 - lon0) * math.cos(math.radians((lat0 + lat1) / 2)))
    plot_h = int(round((lat1 - lat0) * scale))
    height = plot_h + 100  # the legend row, then the °N axis name below it (grid top 50), the °E labels
    where = {p.id: p for p in located}

    def point(p: Place, size: int) -> dict[str, Any]:
        return {"name": _name(p, lang), "value": [p.lon, p.lat], "symbolSize": size}

    def points(group: list[Place], size: Callable[[Place], int]) -> list[dict[str, Any]]:
        # places drawn at one position (a zone without coordinates of its own sits on its district's) are
        # one point whose label lists them one per line
        at: dict[tuple[float, float], list[Place]] = {}
        for p in group:
            at.setdefault((p.lon, p.lat), []).append(p)
        return [{"name": "\n".join(dict.fromkeys(_name(p, lang) for p in same)), "value": [lon, lat],
                 "symbolSize": max(size(p) for p in same)} for (lon, lat), same in at.items()]

    series: list[dict[str, Any]] = [{
        "name": t["counties"], "type": "scatter", "z": 1,
        "itemStyle": {"color": "#bdbdbd"},
        "data": [point(p, 6) for p in context if p.id in where and p.id != focus],
    }]
    county_pts = [p for p in places if p.kind == "county" and p.id in where]
    partner_pts = [p for p in places if p.kind == "partner" and p.id in where]
    label = {"show": True, "position": "right", "fontSize": LABEL_FONT, "color": "#212121", "formatter": "{b}"}
    series.append({
        "name": t["this_county"] if focus else t["counties"], "type": "scatter", "z": 3,
        "itemStyle": {"color": "#c62828"}, "label": label,
        "data": points(county_pts, lambda p: 14 if p.id == focus else 9),
    })
    lines: dict[str, list[Any]] = {}
    for a, b, kind in links:
        if a in where and b in where:
            lines.setdefault(kind, []).append(
                [{"coord": [where[a].lon, where[a].lat]}, {"coord": [where[b].lon, where[b].lat]}]
            )
    series.append({
        "name": t["partners"], "type": "scatter", "z": 3,
        "itemStyle": {"color": "#1565c0"}, "symbol": "diamond",
        "label": {**label, "position": "left" if focus else "right"},
        "data": points(partner_pts, lambda p: 10),
    })
    frame = MapFrame(lon0, lat1, plot_w / (lon1 - lon0), scale, CHART_WIDTH, height)
    # the labelled series (counties, partners) each at their own label side; the grey points are in the way
    place_labels(frame, [(d, s["label"]["position"]) for s in series[1:3] for d in s["data"]],
                 obstacles=series[0]["data"])
    for kind in sorted(lines):
        series.append({
            "name": PAIRING_KIND[lang].get(kind, kind), "type": "line", "data": [], "z": 2,
            "itemStyle": {"color": KIND_COLOURS.get(kind, "#616161")},
            "markLine": {"silent": True, "symbol": ["none", "none"], "animation": False,
                         "lineStyle": {"color": KIND_COLOURS.get(kind, "#616161"), "width": 1.4,
                                       "type": "solid" if kind != "shanhai" else "dashed", "opacity": 0.8},
                         "label": {"show": False}, "data": lines[kind]},
        })
    option = {
        "animation": False,
        "textStyle": {"fontFamily": FONT},
        "grid": {"left": 60, "right": 30, "top": 50, "height": plot_h, "width": plot_w},
        "legend": {"top": 0, "left": "center", "textStyle": {"fontSize": 11}},
        "tooltip": {"trigger": "item", "formatter": "{b}"},
        "xAxis": {"type": "value", "min": lon0, "max": lon1, "name": "°E", "interval": 0.5,
                  "splitLine": {"lineStyle": {"color": "#eeeeee"}}, "axisLabel": {"fontSize": 10}},
        "yAxis": {"type": "value", "min": lat0, "max": lat1, "name": "°N", "interval": 0.5,
                  "splitLine": {"lineStyle": {"color": "#eeeeee"}}, "axisLabel": {"fontSize": 10}},
        "series": series,
    }
    return option, height


def chain_option(view: ChainView, lang: str) -> tuple[dict[str, Any], int]:
    """ECharts option drawing one chain by depth (upstream left → downstream right), and its height."""
    t = LABELS[lang]
    columns = max((n["depth"] for n in view.nodes), default=0) + 1
    rows = max((n["row"] for n in view.nodes), default=0) + 1
    height = 70 + rows * 46
    pos = {n["key"]: [n["depth"], -n["row"]] for n in view.nodes}
    series: list[dict[str, Any]] = []
    for role in ("held", "strengthen", "fill", "extend", "other"):
        nodes = [n for n in view.nodes if n["role"] == role]
        if not nodes:
            continue
        series.append({
            "name": t[role], "type": "scatter", "symbol": "roundRect", "symbolSize": [14, 14], "z": 3,
            "itemStyle": {"color": ROLE_COLOURS[role], "borderColor": "#212121" if role != "other" else "#bdbdbd",
                          "borderWidth": 1},
            "label": {"show": True, "position": "bottom", "fontSize": 11, "color": "#212121", "formatter": "{b}",
                      "width": int((CHART_WIDTH - 80) / max(columns, 1)) - 6, "overflow": "break"},
            "data": [{"name": n["name_zh"] if lang == "zh" else n["name_en"], "value": pos[n["key"]]}
                     for n in nodes],
        })
    edges = [[{"coord": pos[e["from"]]}, {"coord": pos[e["to"]]}] for e in view.edges]
    series.append({
        "name": "edges", "type": "line", "data": [], "z": 1,
        "markLine": {"silent": True, "symbol": ["none", "arrow"], "symbolSize": 7, "animation": False,
                     "lineStyle": {"color": "#90a4ae", "width": 1.2, "type": "solid"}, "label": {"show": False},
                     "data": edges},
    })
    option = {
        "animation": False,
        "textStyle": {"fontFamily": FONT},
        "grid": {"left": 40, "right": 40, "top": 34, "bottom": 30},
        "legend": {"top": 0, "left": "center", "data": [s["name"] for s in series if s["name"] != "edges"],
                   "textStyle": {"fontSize": 11}},
        "tooltip": {"trigger": "item", "formatter": "{b}"},
        "xAxis": {"type": "value", "min": -0.4, "max": columns - 0.6, "show": True, "interval": 1,
                  "name": f"{t['upstream']} → {t['downstream']}", "nameLocation": "middle", "nameGap": 8,
                  "axisLabel": {"show": False}, "axisTick": {"show": False}, "splitLine": {"show": False},
                  "axisLine": {"lineStyle": {"color": "#bdbdbd"}}},
        "yAxis": {"type": "value", "min": -(rows - 0.5), "max": 0.4, "show": False},
        "series": series,
    }
    return option, height


def components_option(suggestions: list[dict[str, Any]], weights: dict[str, float], lang: str
                      ) -> tuple[dict[str, Any], int]:
    """ECharts option: one stacked horizontal bar per suggestion, one colour per score component."""
    labels = COMPONENT_ZH if lang == "zh" else COMPONENT_EN
    keys = [k for k in weights if any(k in s["contributions"] for s in suggestions)]
    cats = [
        f"{s['rank']}. {s['segment_zh'] if lang == 'zh' else s['segment_en']} · "
        f"{s['partner_zh'] if lang == 'zh' else s['partner_en']}"
        for s in suggestions
    ]
    height = 80 + 26 * max(len(suggestions), 1)
    series = [
        {"name": labels.get(k, k), "type": "bar", "stack": "score", "barWidth": 16,
         "itemStyle": {"color": COMPONENT_COLOURS[i % len(COMPONENT_COLOURS)]},
         "data": [round(s["contributions"].get(k, 0.0), 4) for s in suggestions]}
        for i, k in enumerate(keys)
    ]
    option = {
        "animation": False,
        "textStyle": {"fontFamily": FONT},
        "grid": {"left": 8, "right": 24, "top": 52, "bottom": 24, "containLabel": True},
        "legend": {"top": 0, "left": "center", "textStyle": {"fontSize": 11}, "itemWidth": 14},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "xAxis": {"type": "value", "min": 0, "max": 1, "interval": 0.2, "axisLabel": {"fontSize": 10}},
        "yAxis": {"type": "category", "inverse": True, "data": cats, "axisLabel": {"fontSize": 11}},
        "series": series,
    }
    return option, height


def evaluation_option(summary: list[dict[str, Any]], lang: str) -> tuple[dict[str, Any], int]:
    """ECharts option: hit@k and MRR per direction as grouped bars."""
    metrics = [k for k in summary[0] if k.startswith("hit@")] + ["mrr"] if summary else []
    option = {
        "animation": False,
        "textStyle": {"fontFamily": FONT},
        "grid": {"left": 40, "right": 20, "top": 36, "bottom": 28},
        "legend": {"top": 0, "left": "center"},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": metrics},
        "yAxis": {"type": "value", "min": 0, "max": 1},
        "series": [{"name": f"{LABELS[lang].get('dir_' + r['direction'], r['direction'])} (n={r['cases']})",
                    "type": "bar",
                    "label": {"show": True, "position": "top", "fontSize": 10},
                    "data": [r[m] for m in metrics]} for r in summary],
    }
    return option, 240


# -- sections ----------------------------------------------------------------------------------


def _chart(charts: dict[str, Any], cid: str, option: dict[str, Any], height: int) -> str:
    charts[cid] = option
    return f'<div class="chart" id="{cid}" style="height:{height}px"></div>'


def _sources_html(cites: Citations, lang: str) -> str:
    t = LABELS[lang]
    rows = [
        [f'<span id="src-{i}">[{i}]</span>', _e(text), f'<span class="lic">{_e(cites.licence(text))}</span>']
        for i, text in enumerate(cites.texts, 1)
    ]
    return _table(["#", t["source"], t["licence"]], rows, nowrap=(0,))


def _params_html(params: dict[str, str], lang: str) -> str:
    t = LABELS[lang]
    rows = "".join(
        f"<tr><td>{_e(t.get(k, k))}</td><td><code>{_e(v)}</code></td></tr>" for k, v in params.items()
    )
    return f'<table class="params"><tbody>{rows}</tbody></table>'


def _page(title: str, body: str, charts: dict[str, Any], lang: str) -> str:
    script = (
        "(function(){var C=" + _json(charts) + ";"
        "Object.keys(C).forEach(function(id){var el=document.getElementById(id);"
        "var ch=echarts.init(el,null,{renderer:'svg',width:el.clientWidth,height:el.clientHeight});"
        "ch.setOption(C[id]);});})();"
    )
    head = (
        "<!DOCTYPE html>\n"
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="chainlink report">\n'
        f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
    )
    libs = f"<script>{echarts_js()}</script>\n" if charts else ""
    tail = f"{libs}<script>{script}</script>\n" if charts else ""
    return head + body + "</main>\n" + tail + "</body>\n</html>\n"


def render_report(data: ReportData, lang: str = "zh", *, index_href: str | None = None) -> str:
    """One self-contained HTML page for a county report (or a county × partner report)."""
    t = LABELS[lang]
    c = data.county
    county_name = _name(c, lang)
    if data.partner:
        title = t["title_pair"].format(name=county_name, partner=_short(data.partner, lang))
    else:
        title = t["title_county"].format(name=county_name)
    charts: dict[str, Any] = {}
    cites = Citations(data.sources)
    parts = [f"<h1>{_e(title)}</h1>"]
    parts.append(
        f'<p class="sub">{_e(c["name_zh"])} · {_e(c["name_en"])} · {_e(c["city"])} · '
        f"{t['code']} <code>{_e(c['code'])}</code> {_badge(c['confidence'], lang)} "
        f"{cites.ref(c['source'])}"
        + (f' · <a href="{_e(index_href)}">{_e(t["index_link"])}</a>' if index_href else "")
        + "</p>"
    )
    # map
    parts.append(f"<h2>{_e(t['map'])}</h2>")
    links = [(p["county_code"], p["partner_id"], p["kind"]) for p in data.pairings]
    option, height = map_option(data.places, data.context, links, lang, c["code"])
    parts.append(_chart(charts, "chart-map", option, height))
    unplaced = [_name(p, lang) for p in data.places if p.lat is None or p.lon is None]
    note = t["map_note"] + (t["unplaced"].format(names="、".join(unplaced)) if unplaced else "")
    note += _unlabelled(option, lang)
    parts.append(f'<p class="note">{_e(note)}</p>')
    # pairings
    parts.append(f"<h2>{_e(t['pairings'])}</h2>")
    names = {p.id: p for p in data.places}
    rows = []
    for p in data.pairings:
        place = names.get(p["partner_id"])
        rows.append([
            _e(_name(place, lang) if place else p["partner_id"]),
            _e(PAIRING_KIND[lang].get(p["kind"], p["kind"])),
            _e(pairing_round(p, lang)),
            _e(p.get("chains") or ""),
            _badge(p["confidence"], lang),
            cites.ref(p["source"]),
        ])
    parts.append(_table([t["partner"], t["kind"], t["round"], t["chain"], t["confidence"], t["source"]], rows,
                        nowrap=(0, 1, 4, 5))
                 if rows else f"<p>{_e(t['none'])}</p>")
    # suggestions
    parts.append(f"<h2>{_e(t['suggestions'])}</h2>")
    if data.suggestions:
        parts.append(f"<h3>{_e(t['components'])}</h3>")
        option, height = components_option(data.suggestions, data.weights, lang)
        parts.append(_chart(charts, "chart-components", option, height))
        rows = []
        for s in data.suggestions:
            rel = t[s["relation"]]
            rows.append([
                str(s["rank"]), f"{s['score']:.3f}", _e(rel),
                _e(s["segment_zh"] if lang == "zh" else s["segment_en"]),
                _e(s["partner_zh"] if lang == "zh" else s["partner_en"]),
                _badge(s["confidence"], lang),
                _e(s["explanation_zh"] if lang == "zh" else s["explanation_en"]),
                cites.refs(s["sources"]),
            ])
        parts.append(_table([t["rank"], t["score"], t["relation"], t["segment"], t["partner"], t["confidence"],
                             t["explanation"], t["source"]], rows, num=(0, 1),
                            # a Chinese segment name could break between any two characters: kept whole;
                            # an English one wraps at spaces
                            nowrap=(2, 3, 4, 5, 7) if lang == "zh" else (2, 4, 5, 7),
                            breakable=(6,)))
        if any(s["sample"] for s in data.suggestions):
            parts.append(f'<p class="note">{_e(t["sample_note"])}</p>')
    else:
        parts.append(f"<p>{_e(t['none'])}</p>")
    if data.missing:
        parts.append(f"<h3>{_e(t['missing'])}</h3><ul>" + "".join(f"<li>{_e(m)}</li>" for m in data.missing)
                     + "</ul>")
    # chains
    parts.append(f"<h2>{_e(t['chains'])}</h2>")
    for i, view in enumerate(data.chains):
        parts.append(f"<h3>{_e(view.name_zh if lang == 'zh' else view.name_en)} <code>{_e(view.id)}</code> "
                     f"{_badge(view.confidence, lang)}</h3>")
        option, height = chain_option(view, lang)
        parts.append(_chart(charts, f"chart-chain-{i + 1}", option, height))
        rows = []
        for n in sorted(view.nodes, key=lambda n: (n["depth"], n["row"])):
            firms = "、".join(
                _e(f["name_zh"] if lang == "zh" else f["name_en"])
                + (f" ({_e(t['leader'])})" if f["chain_leader"] else "")
                + (" " + _badge(f["confidence"], lang) if f["confidence"] != "sourced" else "")
                + cites.ref(f["source"])
                for f in n["firms"]
            )
            held = (f"{_e(n['held_by_zh'])} {_badge(n['held_confidence'], lang)}{cites.ref(n['held_source'])}"
                    if n["held"] else "")
            rows.append([
                _e(n["name_zh"] if lang == "zh" else n["name_en"]),
                _e(STAGE[lang].get(n["stage"], n["stage"])),
                f'<span style="color:{ROLE_COLOURS[n["role"]]}">■</span> {_e(t[n["role"]])}',
                held,
                firms,
            ])
        parts.append(_table([t["segment"], t["stage"], t["role"], t["held"], t["firms"]], rows, nowrap=(1, 2)))
        edge_sources = sorted({e["source"] for e in view.edges if e["source"]})
        parts.append(f'<p class="note">{t["source"]}: {cites.ref(view.source)} · {_e(t["edges"])}: '
                     + cites.refs([s for s in edge_sources if s != view.source]) + "</p>")
    if data.firms_note[0]:
        parts.append(f'<p class="note">{_e(data.firms_note[0] if lang == "zh" else data.firms_note[1])}</p>')
    # industries
    parts.append(f"<h2>{_e(t['industries'])}</h2>")
    rows = [[_e(f["industry_zh"] if lang == "zh" else (f["industry_en"] or f["industry_zh"])),
             f"<code>{_e(f['gbt_codes'] or '')}</code>", _badge(f["confidence"], lang),
             cites.ref(f["source"])] for f in data.industries]
    parts.append(_table([t["industry"], t["codes"], t["confidence"], t["source"]], rows)
                 if rows else f"<p>{_e(t['none'])}</p>")
    # evaluation
    parts.append(f"<h2>{_e(t['evaluation'])}</h2>")
    if data.evaluation is None:
        parts.append(f"<p>{_e(t['evaluation_na'])}</p>")
    else:
        summary = data.evaluation["summary"]
        parts.append(f'<p class="note">{_e(t["evaluation_note"])}</p>')
        if summary:
            option, height = evaluation_option(summary, lang)
            parts.append(_chart(charts, "chart-evaluation", option, height))
            keys = list(summary[0])
            parts.append(_table([_e(k) for k in keys],
                                [[_e(r[k]) for k in keys] for r in summary], num=tuple(range(1, len(keys)))))
        cases = data.evaluation["cases"]
        if cases:
            keys = list(cases[0])
            parts.append(f"<h3>{_e(t['evaluation_cases'])}</h3>")
            parts.append(_table([_e(t.get("ev_" + k, k)) for k in keys],
                                [[_e(r[k] if r[k] != "" or not k.endswith("_rank") else t["not_found"]) for k in keys]
                                 for r in cases]))
    # gaps
    if data.gaps:
        parts.append(f"<h2>{_e(t['gaps'])}</h2>")
        rows = [[_e(g.get("topic") or ""), _e(g.get("description_zh") if lang == "zh" else g.get("description_en")),
                 _badge(g.get("confidence") or "", lang), cites.ref(g.get("source"))]
                for g in data.gaps]
        parts.append(_table([t["topic"], t["description"], t["confidence"], t["source"]], rows, nowrap=(0, 2, 3)))
    # sources and parameters
    parts.append(f"<h2>{_e(t['sources'])}</h2>")
    parts.append(_sources_html(cites, lang))
    parts.append(f"<h2>{_e(t['params'])}</h2>")
    parts.append(_params_html(data.params, lang))
    parts.append(f"<footer>chainlink {_e(data.params['version'])} · {_e(t['run_date'])} "
                 f"{_e(data.params['date'])}</footer>\n")
    return _page(title, "\n".join(parts) + "\n", charts, lang)


def render_index(ov: dict[str, Any], pages: dict[str, str], lang: str = "zh") -> str:
    """The index page of ``report --all``: a map of every pairing and a link to each county's page."""
    t = LABELS[lang]
    charts: dict[str, Any] = {}
    title = t["title_index"]
    parts = [f"<h1>{_e(title)}</h1>", f"<h2>{_e(t['map'])}</h2>"]
    links = [(p["county_code"], p["partner_id"], p["kind"]) for p in ov["pairings"]]
    option, height = map_option(ov["counties"] + ov["partners"], [], links, lang, None)
    parts.append(_chart(charts, "chart-map", option, height))
    parts.append(f'<p class="note">{_e(t["map_note"] + _unlabelled(option, lang))}</p>')
    parts.append(f"<h2>{_e(t['report'])}</h2>")
    n_pairings: dict[str, int] = {}
    for p in ov["pairings"]:
        n_pairings[p["county_code"]] = n_pairings.get(p["county_code"], 0) + 1
    rows = [
        [f"<code>{_e(c['code'])}</code>", f'<a href="{_e(pages[c["code"]])}">{_e(_name(c, lang))}</a>',
         _e(c["city"]), str(n_pairings.get(c["code"], 0)), _badge(c["confidence"], lang)]
        for c in ov["county_rows"] if c["code"] in pages
    ]
    parts.append(_table([t["code"], t["county"], t["city"], t["pairings_n"], t["confidence"]], rows, num=(3,)))
    parts.append(f"<h2>{_e(t['params'])}</h2>")
    parts.append(_params_html(ov["params"], lang))
    parts.append(f"<footer>chainlink {_e(ov['params']['version'])} · {_e(t['run_date'])} "
                 f"{_e(ov['params']['date'])}</footer>\n")
    return _page(title, "\n".join(parts) + "\n", charts, lang)
