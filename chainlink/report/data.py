"""Gather what a report shows: plain dicts and lists, no rendering, no typer/rich.

Everything comes from the registry through the library (suggestions from :mod:`chainlink.scoring.suggest`,
firms from :mod:`chainlink.scoring.firms` when present, the backtest from :mod:`chainlink.scoring.evaluate` when
present); every fact keeps its ``source`` and ``confidence``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chainlink.base import vocabulary
from chainlink.base.industries import split_codes

STAGES = ("material", "part", "equipment", "product", "service")
STAGE_ZH = {"material": "材料", "part": "零部件", "equipment": "装备", "product": "产品", "service": "服务"}
COMPONENT_ZH = {
    "chain_fit": "链契合度",
    "link": "链接强度",
    "gap": "补延强价值",
    "pairing": "结对关系",
    "partner_fit": "结对方契合",
    "io": "投入产出关联",
    "density": "关联密度",
    "policy": "政策契合",
    "evidence": "证据可信度",
    "landing": vocabulary.COMPONENT_ZH["landing"],
}
COMPONENT_EN = {
    "chain_fit": "chain fit",
    "link": "link strength",
    "gap": "move value",
    "pairing": "pairing",
    "partner_fit": "partner fit",
    "io": "input–output",
    "density": "density",
    "policy": "policy",
    "evidence": "evidence",
    "landing": vocabulary.COMPONENT_EN["landing"],
}
RELATION_ZH = vocabulary.RELATION_ZH
RELATION_EN = {k: f"{vocabulary.RELATION_EN[k]} ({vocabulary.RELATION_ZH[k]})" for k in vocabulary.RELATIONS}
MAX_FIRMS_PER_SEGMENT = 5


@dataclass
class Place:
    """A point on the map: a county or a partner, with where its coordinates come from."""

    id: str
    kind: str  # county, partner
    name_zh: str
    name_en: str
    lat: float | None
    lon: float | None
    located_by: str = ""  # "" (own coordinates) or the id whose coordinates stand in
    confidence: str = ""
    source: str = ""


@dataclass
class ChainView:
    """One chain drawn upstream → downstream: nodes with depth, role and firms; edges."""

    id: str
    name_zh: str
    name_en: str
    confidence: str
    source: str
    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ReportData:
    """Everything one report page shows (a county, or a county and one partner)."""

    kind: str  # county, pair
    county: dict[str, Any]
    partner: dict[str, Any] | None
    places: list[Place]
    pairings: list[dict[str, Any]]
    suggestions: list[dict[str, Any]]
    weights: dict[str, float]
    chains: list[ChainView]
    industries: list[dict[str, Any]]
    gaps: list[dict[str, Any]]
    evaluation: dict[str, Any] | None
    sources: list[dict[str, Any]]
    params: dict[str, str]
    missing: list[str]
    firms_note: tuple[str, str] = ("", "")
    context: list[Place] = field(default_factory=list)  # the other counties, drawn small for orientation


def _place_index(model: Any) -> dict[str, Place]:
    out: dict[str, Place] = {}
    for c in model.registry.counties:
        out[c["code"]] = Place(c["code"], "county", c["name_zh"], c["name_en"], c["lat"], c["lon"], "",
                               c["confidence"], c["source"])
    partners = {p["id"]: p for p in model.registry.partners}
    for p in partners.values():
        lat, lon, by = p["lat"], p["lon"], ""
        # a zone without coordinates of its own is drawn at its parent zone's or host district's
        for other in (p.get("parent"), p.get("host_code")):
            if lat is not None:
                break
            if other in partners and partners[other]["lat"] is not None:
                lat, lon, by = partners[other]["lat"], partners[other]["lon"], other
            elif other in out and out[other].lat is not None:  # hosted in a mountain county
                lat, lon, by = out[other].lat, out[other].lon, other
        if lat is None and p.get("parent") in partners:  # the parent zone's host district
            host = partners[p["parent"]].get("host_code")
            if host in partners and partners[host]["lat"] is not None:
                lat, lon, by = partners[host]["lat"], partners[host]["lon"], host
        short_zh = p.get("short_zh") or p["name_zh"]
        short_en = p.get("short_en") or p["name_en"]
        out[p["id"]] = Place(p["id"], "partner", short_zh, short_en, lat, lon, by, p["confidence"], p["source"])
    return out


def _depths(graph: Any, chain_id: str) -> dict[str, int]:
    """Segment → column (longest upstream path), segments ordered as in the chain file."""
    import networkx as nx

    if not isinstance(graph, nx.DiGraph):
        graph = graph.to_networkx()  # a chainlink.network.graph.ChainGraph (the model's)
    own = [n for n, d in graph.nodes(data=True) if d["chain_id"] == chain_id]
    sub = graph.subgraph(own)
    depth: dict[str, int] = {}
    for node in nx.lexicographical_topological_sort(sub, key=lambda n: graph.nodes[n]["ordinal"]):
        depth[node] = 1 + max((depth[p] for p in sub.predecessors(node)), default=-1)
    return depth


def _firms(model: Any, keys: list[str], places: list[str]) -> tuple[dict[str, list[dict[str, Any]]], tuple[str, str]]:
    """Firms per segment in ``places``: real ones (chainlink.scoring.firms) first, then sample ones."""
    out: dict[str, list[dict[str, Any]]] = {}
    try:
        from chainlink.scoring.firms import PARTIAL_EN, PARTIAL_ZH, firms_on
    except ImportError:  # before the enterprises workstream: the registry's sample enterprises only
        for e in model.registry.enterprises:
            place = e.get("county_code") or e.get("partner_id")
            if e.get("segment_key") in keys and place in places:
                out.setdefault(e["segment_key"], []).append(
                    {"name_zh": e["name_zh"], "name_en": e["name_en"], "kind": e["confidence"], "place": place,
                     "confidence": e["confidence"], "source": e["source"], "chain_leader": bool(e["chain_leader"])}
                )
        note = ("仅有示例企业（非真实企业）。", "Sample enterprises only (not real companies).")
    else:
        rows = firms_on(model.registry, keys, places, kinds=("listed", "named", "sample"))
        for r in rows:
            out.setdefault(r["segment_key"], []).append(
                {"name_zh": r["name_zh"], "name_en": r.get("name_en") or r["name_zh"], "kind": r["kind"],
                 "place": r.get("place_code") or r.get("partner_id") or "", "confidence": r["confidence"],
                 "source": r["source"], "chain_leader": bool(r["chain_leader"])}
            )
        note = (PARTIAL_ZH, PARTIAL_EN)
    for key, firms in out.items():
        firms.sort(key=lambda f: (f["kind"] == "sample", not f["chain_leader"], f["name_zh"]))
        out[key] = firms[:MAX_FIRMS_PER_SEGMENT]
    return out, note


def _chain_views(model: Any, county_code: str, suggestions: list[dict[str, Any]],
                 places: list[str]) -> tuple[list[ChainView], tuple[str, str]]:
    """The chains the county holds a segment of or is offered a suggestion on."""
    graph = model.graph
    held = model.county_holdings(county_code)
    suggested: dict[str, str] = {}
    for s in suggestions:
        suggested.setdefault(s["segment_key"], s["relation"])
    chain_ids = sorted({k.split("/")[0] for k in held} | {k.split("/")[0] for k in suggested})
    keys = [n for n, d in graph.nodes(data=True) if d["chain_id"] in chain_ids]
    firms, note = _firms(model, keys, places)
    views = []
    for cid in chain_ids:
        chain = model.chains[cid]
        view = ChainView(cid, chain["name_zh"], chain["name_en"], chain["confidence"], chain["source"])
        depth = _depths(graph, cid)
        rows_at: dict[int, int] = {}
        for key in depth:
            d = graph.nodes[key]
            if key in suggested:
                role = suggested[key]
            elif key in held:
                role = "held"
            else:
                role = "other"
            h = held.get(key)
            view.nodes.append({
                "key": key,
                "name_zh": d["name_zh"],
                "name_en": d["name_en"],
                "stage": d["stage"],
                "codes": split_codes(d["gbt_codes"]),
                "depth": depth[key],
                "row": rows_at.setdefault(depth[key], 0),
                "role": role,
                "held": h is not None,
                "held_by_zh": h.industry_zh if h else "",
                "held_confidence": h.confidence if h else "",
                "held_source": h.source if h else "",
                "firms": firms.get(key, []),
            })
            rows_at[depth[key]] += 1
        for u, v, e in graph.edges(data=True):
            if u in depth and v in depth:
                view.edges.append({"from": u, "to": v, "weight": e["weight"], "confidence": e["confidence"],
                                   "source": e["source"]})
        view.edges.sort(key=lambda e: (e["from"], e["to"]))
        views.append(view)
    return views, note


def _evaluation(model: Any, county_code: str, cache: dict[str, Any]) -> dict[str, Any] | None:
    """The leave-one-out backtest (chainlink.scoring.evaluate), computed once per run; None when unavailable."""
    if "evaluation" not in cache:
        try:
            from chainlink.scoring.evaluate import evaluate, summarise
        except ImportError:
            cache["evaluation"] = None
        else:
            results = evaluate(model.registry, model.preset, include_sample=model.include_sample)
            cache["evaluation"] = {"results": results, "summary": summarise(results)}
    ev = cache["evaluation"]
    if ev is None:
        return None
    keep = ("case_id", "name_zh", "origin_id", "county_rank", "project_rank", "project_top_zh", "notes")
    mine = [{k: r.row()[k] for k in keep} for r in ev["results"] if r.county_code == county_code]
    return {"summary": ev["summary"], "cases": mine}


def _sources(reg: Any) -> list[dict[str, Any]]:
    cache = reg.__dict__.setdefault("_report_sources", [])
    if not cache:
        cache.extend(reg.rows("sources", "id"))
    return cache


def suggestion_dict(s: Any, weights: dict[str, float]) -> dict[str, Any]:
    """A suggestion as a plain dict with each component's weighted share of the score."""
    den = sum(float(weights.get(k, 0)) for k in s.components) or 1.0
    return {
        "rank": s.rank,
        "score": s.score,
        "relation": s.relation,
        "segment_key": s.segment_key,
        "segment_zh": s.segment_zh,
        "segment_en": s.segment_en,
        "chain_id": s.chain_id,
        "chain_zh": s.chain_zh,
        "chain_en": s.chain_en,
        "partner_id": s.partner_id,
        "partner_zh": s.partner_short_zh or s.partner_zh,
        "partner_en": s.partner_short_en or s.partner_en,
        "pairing_kind": s.pairing_kind,
        "components": dict(s.components),
        "contributions": {k: round(float(weights.get(k, 0)) * v / den, 6) for k, v in s.components.items()},
        "confidence": s.confidence,
        "sources": list(s.sources),
        "sample": s.sample,
        "project_name": s.project_name,
        "explanation_zh": s.explanation("zh"),
        "explanation_en": s.explanation("en"),
    }


def gather(model: Any, county_code: str, *, partner: str | None = None, top: int = 10,
           cache: dict[str, Any] | None = None, date: str = "") -> ReportData:
    """Everything a report on ``county_code`` (optionally through one ``partner``) shows.

    ``cache`` carries work shared by the pages of one run (the backtest); ``date`` is the run date
    printed on the page (the only line that changes between two runs on the same registry).
    """
    from chainlink import __version__
    from chainlink.scoring.suggest import suggest_for_county

    cache = cache if cache is not None else {}
    reg = model.registry
    county = model.counties[county_code]
    answer = suggest_for_county(model, county_code, top=top, partner=partner)
    weights = {k: float(v) for k, v in model.preset["weights"].items()}
    suggestions = [suggestion_dict(s, weights) for s in answer.suggestions]
    family = model.partner_family(partner) if partner else None
    pairings = [p for p in model.pairings_of(county_code) if family is None or p["partner_id"] in family]
    index = _place_index(model)
    places = [index[county_code]] + [index[p["partner_id"]] for p in pairings if p["partner_id"] in index]
    seen: set[str] = set()
    places = [p for p in places if not (p.id in seen or seen.add(p.id))]
    place_codes = [county_code]
    try:
        from chainlink.scoring.firms import partner_places
    except ImportError:
        place_codes += [p["partner_id"] for p in pairings]
    else:
        for p in pairings:
            place_codes += sorted(partner_places(reg, p["partner_id"]))
    chains, firms_note = _chain_views(model, county_code, suggestions, place_codes)
    industries = [
        {k: f.get(k) for k in ("id", "industry_zh", "industry_en", "gbt_codes", "confidence", "source")}
        for f in reg.characteristic_industries if f["county_code"] == county_code
    ]
    gaps = [dict(g) for g in reg.gaps if g.get("county_code") in (county_code, "", None)]
    cited = [county["source"], *(p["source"] for p in pairings), *(f["source"] for f in industries),
             *(c.source for c in chains), *(x for s in suggestions for x in s["sources"]),
             *(g["source"] for g in gaps if g.get("source"))]
    text = "\n".join(x for x in cited if x)
    # registry sources whose URL a citation on this page contains (for their licences)
    sources = [dict(s) for s in _sources(reg) if s.get("url") and s["url"] in text]
    meta = reg.meta()
    params = {
        "preset": str(model.preset.get("name", "default")),
        "registry_hash": meta.get("sources_hash", ""),
        "schema_version": meta.get("schema_version", ""),
        "version": __version__,
        "date": date,
        "sample": "included" if model.include_sample else "excluded",
        "top": str(top),
    }
    return ReportData(
        kind="pair" if partner else "county",
        county=dict(county),
        partner=dict(model.partners[partner]) if partner else None,
        places=places,
        pairings=[dict(p) for p in pairings],
        suggestions=suggestions,
        weights=weights,
        chains=chains,
        industries=industries,
        gaps=gaps,
        evaluation=_evaluation(model, county_code, cache),
        sources=sources,
        params=params,
        missing=list(answer.missing),
        firms_note=firms_note,
        context=[index[c["code"]] for c in reg.counties if c["code"] not in seen],
    )


def overview(model: Any, date: str = "") -> dict[str, Any]:
    """What the index page of ``report --all`` shows: every county, partner and pairing."""
    from chainlink import __version__

    index = _place_index(model)
    counties = [index[c["code"]] for c in model.registry.counties]
    pairings = [dict(p) for p in model.registry.pairings]
    partners = sorted({p["partner_id"] for p in pairings if p["partner_id"] in index})
    meta = model.registry.meta()
    return {
        "counties": counties,
        "county_rows": [dict(c) for c in model.registry.counties],
        "partners": [index[p] for p in partners],
        "pairings": pairings,
        "params": {
            "preset": str(model.preset.get("name", "default")),
            "registry_hash": meta.get("sources_hash", ""),
            "schema_version": meta.get("schema_version", ""),
            "version": __version__,
            "date": date,
        },
    }
