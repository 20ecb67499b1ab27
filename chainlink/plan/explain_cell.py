"""Explaining one (project, county) cell of a plan or a run."""

from __future__ import annotations

import dataclasses
import difflib
import math
from pathlib import Path
from typing import Any

from chainlink.base.vocabulary import CONFIDENCE_ZH, PAIRING_SHORT_ZH, pairing_round
from chainlink.errors import DataError, UsageError
from chainlink.plan.inputs import (
    UNKNOWN_POLLUTION,
    PlanProject,
    prepare_projects,
    read_projects,
    registry_projects,
)


def find_project(registry: Any, project_id: str, projects_file: str | Path | None = None) -> PlanProject:
    """A project by id: from ``projects_file`` if given, else any registry project (open or landed)."""
    if projects_file is not None:
        found = read_projects(projects_file)
        if project_id is None and len(found) == 1:
            return found[0]
        pool = found
    else:
        pool = registry_projects(registry, open_only=False)
    for pr in pool:
        if pr.id == project_id:
            return pr
    ids = [pr.id for pr in pool]
    if project_id is None:
        raise UsageError(f"{projects_file} holds {len(ids)} projects: name one by id")
    hint = difflib.get_close_matches(project_id, ids, n=3)
    where = str(projects_file) if projects_file else "the registry"
    raise DataError(
        f"unknown project {project_id!r} in {where}" + (f"; did you mean {', '.join(hint)}" if hint else "")
    )


def explain(
    registry: Any,
    project: PlanProject,
    county_code: str,
    *,
    run: dict[str, Any] | None = None,
    preset: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Every component of the (project, county) score with its weight and the data behind it, the
    eligibility and capacity rules, and — with a ``run`` — the binding constraints and why each
    higher-scoring destination was not chosen. A JSON-ready dict."""
    from chainlink.network.graph import path_confidence
    from chainlink.scoring.model import Model
    from chainlink.scoring.presets import load_preset
    from chainlink.scoring.projects import DestinationCache, score_destination
    from chainlink.store.resolve import Resolver

    if run is not None and preset is None:
        preset = run.get("parameters", {}).get("preset_values")
    model = Model(registry, preset or load_preset("default"))
    resolver = Resolver.from_registry(registry)
    prepare_projects(model, resolver, [project], strict=project.origin not in ("registry", "user"))
    county = model.counties[county_code]
    weights = model.preset["weights"]
    total_weight = sum(float(weights.get(k, 0)) for k in weights)
    out: dict[str, Any] = {
        "project": {"id": project.id, "name_zh": project.name_zh, "name_en": project.name_en,
                    "origin_id": project.origin_id, "segments": project.segs, "land_mu": project.land_mu,
                    "energy_tce": project.energy_tce, "pollution": project.pollution,
                    "added_value": project.added_value, "tax": project.tax, "confidence": project.confidence,
                    "sample": project.sample, "hash": project.fingerprint(), "problems": project.problems},
        "county": {"code": county_code, "name_zh": county["name_zh"], "name_en": county["name_en"]},
    }  # fmt: skip
    cache = DestinationCache(model)
    s = None
    if project.segs:
        s = score_destination(model, project.scoring_dict(), county_code, segs=project.segs,
                              origin=project.origin_id, family=project.family, cache=cache)  # fmt: skip
    pairings = [p for p in model.pairings_of(county_code) if p["partner_id"] in project.family]
    out["paired"] = bool(pairings)
    out["pairings"] = [dataclasses.asdict(p) | {"chains": ";".join(p.chains)} for p in pairings]
    if s is None:
        out["score"] = None
        out["components"] = []
        out["no_score"] = "the county holds no segment within reach of the project's chain segments"
    else:
        out["score"] = s.score
        out["relation"] = s.relation
        out["segment"] = {"key": s.segment_key, "name_zh": s.segment_zh, "name_en": s.segment_en,
                          "gbt": s.segment_gbt, "chain_id": s.chain_id, "chain_zh": s.chain_zh}  # fmt: skip
        out["components"] = _component_rows(model, project, county_code, s, total_weight)
        out["path"] = _path_rows(model, s)
        out["path_zh"] = " → ".join(model.graph.nodes[k]["name_zh"] for k in s.path)
        out["path_en"] = " → ".join(model.graph.nodes[k]["name_en"] for k in s.path)
        out["confidence"] = s.confidence
        out["path_confidence"] = path_confidence(model.graph, s.path)
        out["sources"] = s.sources
    out["run"] = _explain_run(run, project, county_code, model) if run is not None else None
    return out


def _component_rows(
    model: Any, project: PlanProject, code: str, s: Any, total_weight: float
) -> list[dict[str, Any]]:
    graph = model.graph
    weights = model.preset["weights"]
    node = graph.nodes[s.segment_key]
    decay = float(model.preset.get("decay", 0.5))
    hops = len(s.path) - 1
    hops_uv = list(zip(s.path, s.path[1:], strict=False))
    edges = [f"{graph.nodes[u]['name_zh']}→{graph.nodes[v]['name_zh']} weight {graph.edges[u, v]['weight']:.4g} "
             f"({graph.edges[u, v]['weight_source']})" for u, v in hops_uv]  # fmt: skip
    edges_zh = [f"{graph.nodes[u]['name_zh']}→{graph.nodes[v]['name_zh']} 权重 {graph.edges[u, v]['weight']:.4g}"
                f"（{graph.edges[u, v]['weight_source']}）" for u, v in hops_uv]  # fmt: skip
    pairing = next((p for p in model.pairings_of(code) if p["id"] == s.pairing_id), None)
    pind = model.partner_fit(project.origin_id, s.segment_key)[1] if project.origin_id else ""
    seg_sectors = model.sectors_of(node["codes"])
    from chainlink.base.industries import split_codes

    county_sectors = model.sectors_of(
        [c for f in model.county_facts(code) for c in split_codes(f["gbt_codes"])]
    )
    io_best = _io_pair(model, seg_sectors, county_sectors)
    policy_base = model.policy_value(node["codes"])
    from chainlink.base.vocabulary import RELATION_ZH

    rel_zh = RELATION_ZH[s.relation]
    chains = ";".join(pairing["chains"]) if pairing else ""
    capped = project.pollution in ("medium", "high")
    seg_list, county_list = ", ".join(seg_sectors) or "—", ", ".join(county_sectors) or "—"
    if pairing:
        pair_en = (
            f"{pairing['id']} {pairing['kind']} with {pairing['partner_id']}"
            f"{' on ' + chains if chains else ''}; {pairing['round']}; "
            f"source: {pairing['source']} ({pairing['confidence']})"
        )
        pair_zh = (
            f"{pairing['id']} {PAIRING_SHORT_ZH.get(pairing['kind'], pairing['kind'])}，结对方 "
            f"{pairing['partner_id']}{'（' + chains + '）' if chains else ''}；"
            f"{pairing_round(pairing)}；来源：{pairing['source']}（{CONFIDENCE_ZH.get(pairing['confidence'], pairing['confidence'])}）"
        )
    else:
        pair_en = f"no pairing between {project.origin_id or 'the (unknown) origin'} and {s.county_zh}"
        pair_zh = f"来源地 {project.origin_id or '（未知）'} 与{s.county_zh}无结对记录"
    io_en = (
        f"IO 2020 relatedness R({io_best[0]}, {io_best[1]}) = {io_best[2]:.4g}"
        if io_best
        else "no IO sector of the segment is related to the county's industries"
    )
    io_zh = (
        f"2020年投入产出关联 R({io_best[0]}, {io_best[1]}) = {io_best[2]:.4g}"
        if io_best
        else "环节所在部门与本县产业无投入产出关联"
    )
    data = {
        "chain_fit": (f"{s.county_zh}“{s.via_industry_zh}”({s.via_code}) holds {s.via_segment_zh} "
                      f"({s.via_segment}); {hops} hop(s) to {s.segment_zh}; decay {decay:g} per hop beyond the first",
                      f"{s.county_zh}特色产业“{s.via_industry_zh}”({s.via_code})对应环节“{s.via_segment_zh}”；"
                      f"距“{s.segment_zh}”{hops}环；第二环起每环×{decay:g}"),
        "link": ("; ".join(edges) if edges else "strengthen: the county holds the segment (1)",
                 "；".join(edges_zh) if edges_zh else "强链：本县已有该环节（1）"),
        "gap": (f"{s.relation} ({rel_zh})", f"{rel_zh}（{s.relation}）"),
        "pairing": (pair_en, pair_zh),
        "partner_fit": (f"partner industry {pind}" if pind else "no source names the origin's industry on this chain",
                        f"结对方产业“{pind}”" if pind else "无来源记载来源地在该链上的产业"),
        "io": (f"{io_en}; segment sectors {seg_list}; county sectors {county_list}",
               f"{io_zh}；环节部门 {seg_list}；本县部门 {county_list}"),
        "density": (f"relatedness density of sectors {seg_list} in the county (NBS 2020 φ)",
                    f"部门 {seg_list} 在本县的关联密度（2020年投入产出 φ）"),
        "policy": (f"segment codes {node['gbt_codes']}: {policy_base:g}"
                   + (f", capped by pollution {project.pollution}" if capped else ""),
                   f"环节代码 {node['gbt_codes']}：{policy_base:g}" + (f"，受污染等级 {project.pollution} 限制" if capped else "")),
        "evidence": (f"weakest confidence of the facts used: {s.confidence}", f"所用事实的最弱可信度：{CONFIDENCE_ZH.get(s.confidence, s.confidence)}"),
    }  # fmt: skip
    rows = []
    for key, value in s.components.items():
        w = float(weights.get(key, 0))
        rows.append({"component": key, "value": round(value, 6), "weight": w,
                     "contribution": round(w * value / total_weight, 6) if total_weight else 0.0,
                     "data": data.get(key, ("", ""))[0], "data_zh": data.get(key, ("", ""))[1]})  # fmt: skip
    return rows


def _io_pair(model: Any, seg: list[str], mine: list[str]) -> tuple[str, str, float] | None:
    if not seg or not mine:
        return None
    marks = ",".join("?" * len(seg))
    related: dict[tuple[str, str], float] = {}
    for a, b, v in model.registry.conn.execute(
        f"SELECT sector_1, sector_2, value FROM io_relatedness WHERE year = 2020 AND sector_1 IN ({marks})",
        seg,
    ):
        related[a, b] = v
    best = max(((1.0 if a == b else related.get((a, b), 0.0), a, b) for a in seg for b in mine), default=None)
    return (best[1], best[2], best[0]) if best and best[0] > 0 else None


def _path_rows(model: Any, s: Any) -> list[dict[str, Any]]:
    graph = model.graph
    return [
        {"from": u, "to": v, "from_zh": graph.nodes[u]["name_zh"], "to_zh": graph.nodes[v]["name_zh"],
         "weight": graph.edges[u, v]["weight"], "weight_source": graph.edges[u, v]["weight_source"],
         "confidence": graph.edges[u, v]["confidence"]}
        for u, v in zip(s.path, s.path[1:], strict=False)
    ]  # fmt: skip


def _explain_run(run: dict[str, Any], project: PlanProject, code: str, model: Any) -> dict[str, Any]:
    res = run["results"]
    dests = {d["id"]: d for d in res["destinations"]}
    placed = next((a for a in res["assignments"] if a["project"] == project.id), None)
    left = next((u for u in res["unassigned"] if u["project"] == project.id), None)
    cells = [c for c in run.get("cells", []) if c["project"] == project.id]
    recorded = next((p for p in run["inputs"]["projects"] if p["id"] == project.id), None)
    out: dict[str, Any] = {
        "status": res["status"], "in_run": recorded is not None,
        "hash_matches": recorded is not None and recorded["hash"] == project.fingerprint(),
        "assigned_to": placed["destination"] if placed else None,
        "score": placed["score"] if placed else None,
        "unassigned_reason": left["reason"] if left else None,
        "unassigned_detail": left["detail"] if left else None,
    }  # fmt: skip
    mine = [d for d in res["destinations"] if d["county_code"] == code]
    out["county_destinations"] = [
        {k: d[k] for k in ("id", "kind", "land_cap", "land_used", "energy_cap", "energy_used", "binding",
                           "land_source", "energy_source", "max_pollution", "restriction_source", "projects")}
        for d in mine
    ]  # fmt: skip
    out["county"] = next((c for c in res["counties"] if c["county_code"] == code), None)
    chosen = placed["score"] if placed else -math.inf
    higher = sorted((c for c in cells if c["score"] is not None and c["score"] > chosen and
                     (not placed or c["destination"] != placed["destination"])),
                    key=lambda c: (-c["score"], c["destination"]))  # fmt: skip
    forced = run.get("parameters", {}).get("forced", {})
    why = []
    for c in higher:
        d = dests.get(c["destination"])
        why.append({"destination": c["destination"], "name_zh": d["name_zh"] if d else "",
                    "name_en": d["name_en"] if d else "", "score": c["score"],
                    "why": (w := _why_not(c, d, dests, project, placed, forced, res, run))[0],
                    "why_zh": w[1]})  # fmt: skip
    out["higher_scoring"] = why
    return out


SOURCE_ZH = {"sample": "示例", "scenario": "情景", "judgement": "判断"}


def _why_not(
    cell: dict[str, Any], d: dict[str, Any] | None, dests: dict[str, Any], project: PlanProject,
    placed: dict[str, Any] | None, forced: dict[str, str], res: dict[str, Any], run: dict[str, Any],
) -> tuple[str, str]:  # fmt: skip
    """Why the project is not at destination ``d`` in the run: (English, Chinese)."""
    if cell["reason"]:
        pollution = project.pollution or UNKNOWN_POLLUTION
        limit = d["max_pollution"] if d else "?"
        source = d["restriction_source"] if d else ""
        text = {
            "not_paired": ("not eligible: the county is not paired with the project's origin (use --any-pair)",
                           "不可去：该县与项目来源地无结对（--any-pair 可放开）"),
            "environment": (f"not eligible: pollution {pollution} is above the destination's limit {limit} ({source})",
                            f"不可去：污染等级 {pollution} 高于该目的地上限 {limit}（{SOURCE_ZH.get(source, source)}）"),
            "intensity": ("not eligible: misses the per-mu intensity target (intensity constraint)",
                          "不可去：未达亩均目标（亩均约束）"),
            "excluded": ("excluded by the scenario", "情景文件排除"),
            "no_score": ("no chain fit", "无产业链契合"),
        }  # fmt: skip
        return text.get(cell["reason"], (cell["reason"], cell["reason"]))
    if project.id in forced:
        return (
            f"the scenario forces the project to {forced[project.id]}",
            f"情景文件强制分配到 {forced[project.id]}",
        )
    if d is None:
        return ("destination not in the run", "运行中无此目的地")
    short_en, short_zh = [], []
    for key, amount, unit, zh in (
        ("land", project.land_mu or 0.0, "mu", ("用地", "亩")),
        ("energy", project.energy_tce or 0.0, "tce", ("能耗", "吨标煤")),
    ):
        cap, used = d[f"{key}_cap"], d[f"{key}_used"]
        if cap is None:
            continue
        free = cap - used
        if amount > free + 1e-6:
            src = d[key + "_source"]
            short_en.append(f"{key}: {max(free, 0):g} {unit} left of {cap:g} ({src}), needs {amount:g}")
            short_zh.append(
                f"{zh[0]}剩 {max(free, 0):g} {zh[1]}（共 {cap:g}，{SOURCE_ZH.get(src, src)}），需 {amount:g}"
            )
    if short_en:
        return ("capacity: " + "; ".join(short_en), "容量不足：" + "；".join(short_zh))
    if d["kind"] == "enclave" and run.get("parameters", {}).get("enclave_rule") == "overflow":
        homes = [
            x for x in dests.values() if x["county_code"] == d["county_code"] and x["kind"] == "platform"
        ]
        for h in homes:
            if h["land_cap"] is None or h["land_cap"] - h["land_used"] >= (project.land_mu or 0.0):
                return (
                    f"enclave rule: {h['id']} still has land for it (an enclave takes only what the home cannot)",
                    f"飞地规则：{h['id']} 仍有用地容纳它（飞地只接本县平台容纳不下的项目）",
                )
    if res["status"] != "optimal":
        return (
            f"the solver stopped ({res['status']}, gap {res['gap']}): not proved optimal",
            f"求解未证明最优（{res['status']}，间隙 {res['gap']}）",
        )
    return ("it fits, but the optimum uses the room otherwise: moving it would lower the total score or break a "
            "fairness floor or the enclave rule",
            "可以容纳，但最优解把容量留给了其他项目：调过去会降低总分，或破坏公平下限、飞地规则")  # fmt: skip
