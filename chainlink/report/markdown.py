"""The Markdown flavour of a report, for wikis: headings, tables and text; nothing linked outside.

URLs of sources are shown as code (not links); the chain is a table by depth, and the score
components a table of the weighted shares.
"""

from __future__ import annotations

from typing import Any

from chainlink.base.vocabulary import pairing_round
from chainlink.report.data import COMPONENT_EN, COMPONENT_ZH, ReportData
from chainlink.report.labels import CONFIDENCE, LABELS, PAIRING_KIND, STAGE


def _cell(value: Any) -> str:
    import re

    text = "" if value is None else str(value)
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
    # explanations quote their sources: URLs as code, never links
    return re.sub(r"(https?://[^\s`]+)", r"`\1`", text)


def _plain(text: str) -> str:
    """Source text with its URLs as code, so that a wiki does not turn them into links."""
    import re

    return re.sub(r"(https?://\S+)", r"`\1`", text.replace("|", "\\|"))


def _code(value: Any) -> str:
    text = "" if value is None else str(value)
    return f"`{text}`" if text else ""


class _Cites:
    def __init__(self) -> None:
        self.texts: list[str] = []

    def ref(self, text: str | None) -> str:
        if not text:
            return ""
        if text not in self.texts:
            self.texts.append(text)
        return f"[{self.texts.index(text) + 1}]"

    def refs(self, texts: list[str]) -> str:
        return "".join(self.ref(t) for t in texts)


def _table(headers: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out) + "\n"


def _short(p: dict[str, Any], lang: str) -> str:
    """A partner's short name (宁波经开区) when it has one."""
    return p.get("short_zh" if lang == "zh" else "short_en") or _name(p, lang)


def _name(obj: Any, lang: str) -> str:
    if hasattr(obj, "name_zh"):
        return obj.name_zh if lang == "zh" else obj.name_en
    return obj.get("name_zh" if lang == "zh" else "name_en") or obj.get("name_zh", "")


def render_report_md(data: ReportData, lang: str = "zh", *, index_href: str | None = None) -> str:
    """A county (or county × partner) report as Markdown."""
    t = LABELS[lang]
    conf = CONFIDENCE[lang]
    cites = _Cites()
    c = data.county
    name = _name(c, lang)
    title = (t["title_pair"].format(name=name, partner=_short(data.partner, lang)) if data.partner
             else t["title_county"].format(name=name))
    out = [f"# {title}\n", f"{c['name_zh']} · {c['name_en']} · {c['city']} · {t['code']} `{c['code']}` · "
           f"{conf.get(c['confidence'], c['confidence'])} {cites.ref(c['source'])}\n"]
    if index_href:
        out.append(f"[{t['index_link']}]({index_href})\n")
    out.append(f"## {t['map']}\n")
    rows = [[_cell(_name(p, lang)), p.kind, f"{p.lon:.3f}" if p.lon is not None else "",
             f"{p.lat:.3f}" if p.lat is not None else "", _code(p.located_by)] for p in data.places]
    out.append(_table([t["partner"] + " / " + t["county"], "kind", "lon", "lat", "at"], rows))
    out.append(t["map_note"] + "\n")
    out.append(f"## {t['pairings']}\n")
    names = {p.id: p for p in data.places}
    rows = [[_cell(_name(names[p["partner_id"]], lang) if p["partner_id"] in names else p["partner_id"]),
             _cell(PAIRING_KIND[lang].get(p["kind"], p["kind"])), _cell(pairing_round(p, lang)), _cell(p.get("chains")),
             conf.get(p["confidence"], p["confidence"]), cites.ref(p["source"])] for p in data.pairings]
    out.append(_table([t["partner"], t["kind"], t["round"], t["chain"], t["confidence"], t["source"]], rows)
               if rows else t["none"] + "\n")
    out.append(f"## {t['suggestions']}\n")
    if data.suggestions:
        rows = [[str(s["rank"]), f"{s['score']:.3f}", t[s["relation"]],
                 _cell(s["segment_zh"] if lang == "zh" else s["segment_en"]),
                 _cell(s["partner_zh"] if lang == "zh" else s["partner_en"]),
                 conf.get(s["confidence"], s["confidence"]),
                 _cell(s["explanation_zh"] if lang == "zh" else s["explanation_en"]),
                 cites.refs(s["sources"])] for s in data.suggestions]
        out.append(_table([t["rank"], t["score"], t["relation"], t["segment"], t["partner"], t["confidence"],
                           t["explanation"], t["source"]], rows))
        labels = COMPONENT_ZH if lang == "zh" else COMPONENT_EN
        keys = [k for k in data.weights if any(k in s["contributions"] for s in data.suggestions)]
        out.append(f"### {t['components']}\n")
        rows = [[str(s["rank"])] + [f"{s['contributions'].get(k, 0):.3f}" for k in keys] + [f"{s['score']:.3f}"]
                for s in data.suggestions]
        out.append(_table([t["rank"]] + [f"{labels.get(k, k)} ×{data.weights[k]:g}" for k in keys] + [t["score"]],
                          rows))
        if any(s["sample"] for s in data.suggestions):
            out.append(t["sample_note"] + "\n")
    else:
        out.append(t["none"] + "\n")
    if data.missing:
        out.append(f"### {t['missing']}\n")
        out += [f"- {m}" for m in data.missing]
        out.append("")
    out.append(f"## {t['chains']}\n")
    for view in data.chains:
        out.append(f"### {view.name_zh if lang == 'zh' else view.name_en} `{view.id}` "
                   f"({conf.get(view.confidence, view.confidence)})\n")
        rows = []
        for n in sorted(view.nodes, key=lambda n: (n["depth"], n["row"])):
            firms = "、".join(
                _cell(f["name_zh"] if lang == "zh" else f["name_en"])
                + (f" ({t['leader']})" if f["chain_leader"] else "")
                + (f" ({conf.get(f['confidence'], f['confidence'])})" if f["confidence"] != "sourced" else "")
                + cites.ref(f["source"])
                for f in n["firms"]
            )
            rows.append([str(n["depth"] + 1), _cell(n["name_zh"] if lang == "zh" else n["name_en"]),
                         STAGE[lang].get(n["stage"], n["stage"]), t[n["role"]],
                         _cell(n["held_by_zh"]) + cites.ref(n["held_source"]) if n["held"] else "", firms])
        out.append(_table([t["upstream"] + "→" + t["downstream"], t["segment"], t["stage"], t["role"], t["held"],
                           t["firms"]], rows))
        arrows = [f"{e['from'].split('/', 1)[1]} → {e['to'].split('/', 1)[1]}" for e in view.edges]
        if arrows:
            out.append("; ".join(_code(a) for a in arrows) + "\n")
        edge_sources = sorted({e["source"] for e in view.edges if e["source"] and e["source"] != view.source})
        out.append(f"{t['source']}: {cites.ref(view.source)} · {t['edges']}: {cites.refs(edge_sources)}\n")
    if data.firms_note[0]:
        out.append((data.firms_note[0] if lang == "zh" else data.firms_note[1]) + "\n")
    out.append(f"## {t['industries']}\n")
    rows = [[_cell(f["industry_zh"] if lang == "zh" else (f["industry_en"] or f["industry_zh"])),
             _code(f["gbt_codes"]), conf.get(f["confidence"], f["confidence"]), cites.ref(f["source"])]
            for f in data.industries]
    out.append(_table([t["industry"], t["codes"], t["confidence"], t["source"]], rows) if rows else t["none"] + "\n")
    out.append(f"## {t['evaluation']}\n")
    if data.evaluation is None:
        out.append(t["evaluation_na"] + "\n")
    else:
        summary = data.evaluation["summary"]
        out.append(t["evaluation_note"] + "\n")
        if summary:
            keys = list(summary[0])
            out.append(_table(keys, [[_cell(r[k]) for k in keys] for r in summary]))
        cases = data.evaluation["cases"]
        if cases:
            keys = [k for k in cases[0] if not isinstance(cases[0][k], (list, dict))]
            out.append(f"### {t['evaluation_cases']}\n")
            out.append(_table(keys, [[_cell(r[k]) for k in keys] for r in cases]))
    if data.gaps:
        out.append(f"## {t['gaps']}\n")
        rows = [[_cell(g.get("topic")), _cell(g.get("description_zh") if lang == "zh" else g.get("description_en")),
                 conf.get(g.get("confidence") or "", g.get("confidence") or ""), cites.ref(g.get("source"))]
                for g in data.gaps]
        out.append(_table([t["topic"], t["description"], t["confidence"], t["source"]], rows))
    out.append(f"## {t['sources']}\n")
    for i, text in enumerate(cites.texts, 1):
        lic = sorted({s["licence"] for s in data.sources if s.get("url") and s["url"] in text and s.get("licence")})
        out.append(f"{i}. {_plain(text)}" + (f" — {'; '.join(lic)}" if lic else ""))
    out.append("")
    out.append(f"## {t['params']}\n")
    out.append(_table(["", ""], [[t.get(k, k), _code(v)] for k, v in data.params.items()]))
    return "\n".join(out)


def render_index_md(ov: dict[str, Any], pages: dict[str, str], lang: str = "zh") -> str:
    """The index of ``report --all --format md``: one row per county, linking its page."""
    t = LABELS[lang]
    n: dict[str, int] = {}
    for p in ov["pairings"]:
        n[p["county_code"]] = n.get(p["county_code"], 0) + 1
    rows = [[_code(c["code"]), f"[{_cell(_name(c, lang))}]({pages[c['code']]})", _cell(c["city"]),
             str(n.get(c["code"], 0)), CONFIDENCE[lang].get(c["confidence"], c["confidence"])]
            for c in ov["county_rows"] if c["code"] in pages]
    out = [f"# {t['title_index']}\n",
           _table([t["code"], t["county"], t["city"], t["pairings_n"], t["confidence"]], rows),
           f"## {t['params']}\n",
           _table(["", ""], [[t.get(k, k), _code(v)] for k, v in ov["params"].items()])]
    return "\n".join(out)
