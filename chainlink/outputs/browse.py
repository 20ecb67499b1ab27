"""Row builders for browsing the registry (counties, pairings, chains) and the chain tree text."""

from __future__ import annotations

from typing import Any

from chainlink.base.industries import split_codes


def county_rows(reg: Any) -> list[dict[str, Any]]:
    """One row per county with counts of pairings and characteristic industries."""
    rows = []
    for c in reg.counties:
        rows.append(
            {
                **c,
                "pairings": sum(1 for p in reg.pairings if p["county_code"] == c["code"]),
                "characteristic_industries": sum(
                    1 for f in reg.characteristic_industries if f["county_code"] == c["code"]
                ),
            }
        )
    return rows


def pairing_rows(reg: Any, county_code: str | None = None) -> list[dict[str, Any]]:
    """Pairings (optionally of one county) joined with county and partner names; ``round_zh`` is the
    ``round`` text as a Chinese reader is shown it (:func:`chainlink.base.vocabulary.pairing_round`)."""
    from chainlink.base.vocabulary import pairing_round

    counties = {c["code"]: c for c in reg.counties}
    partners = {p["id"]: p for p in reg.partners}
    rows = []
    for p in reg.pairings:
        if county_code and p["county_code"] != county_code:
            continue
        partner = partners[p["partner_id"]]
        rows.append(
            {
                **p,
                "round_zh": pairing_round(p, "zh"),
                "county_zh": counties[p["county_code"]]["name_zh"],
                "partner_zh": partner["name_zh"],
                "partner_short_zh": partner["short_zh"],
                "partner_kind": partner["kind"],
            }
        )
    return rows


def _holders(reg: Any, graph: Any) -> dict[str, list[str]]:
    """Segment key → names of the counties holding it on evidence (sorted by county code;
    :func:`chainlink.scoring.model.evidence_holdings`)."""
    from chainlink.scoring.model import evidence_holdings

    names = {c["code"]: c["name_zh"] for c in reg.counties}
    out: dict[str, list[str]] = {}
    for code, held in evidence_holdings(reg).items():
        for key in held:
            out.setdefault(key, []).append(names[code])
    return out


def chain_rows(reg: Any) -> list[dict[str, Any]]:
    """One row per chain: segment and edge counts and the counties holding any segment."""
    from chainlink.network.graph import chain_graph

    graph = chain_graph(reg)
    holders = _holders(reg, graph)
    rows = []
    for ch in reg.chains:
        segs = [s["key"] for s in reg.segments if s["chain_id"] == ch["id"]]
        names = sorted({n for s in segs for n in holders.get(s, [])})
        rows.append(
            {
                **ch,
                "segments": len(segs),
                "edges": sum(1 for e in reg.edges if e["chain_id"] == ch["id"]),
                "counties": "、".join(names),
            }
        )
    return rows


def chain_segment_rows(reg: Any, chain_id: str) -> list[dict[str, Any]]:
    """The chain's segments in upstream → downstream (topological) order with depth and holders."""
    import networkx as nx

    from chainlink.network.graph import chain_graph

    graph = chain_graph(reg)
    holders = _holders(reg, graph)
    own = [n for n, d in graph.nodes(data=True) if d["chain_id"] == chain_id]
    sub = graph.subgraph(own)
    depth: dict[str, int] = {}
    for node in nx.lexicographical_topological_sort(sub, key=lambda n: graph.nodes[n]["ordinal"]):
        preds = list(sub.predecessors(node))
        depth[node] = 1 + max((depth[p] for p in preds), default=-1)
    rows = []
    for node in depth:
        d = graph.nodes[node]
        rows.append(
            {
                "chain_id": chain_id,
                "segment_key": node,
                "depth": depth[node],
                "name_zh": d["name_zh"],
                "name_en": d["name_en"],
                "stage": d["stage"],
                "gbt_codes": d["gbt_codes"],
                "products": d.get("products") or "",
                "upstream": ";".join(sorted(graph.predecessors(node))),
                "upstream_evidence": ";".join(
                    f"{p}:{graph.edges[p, node].get('evidence') or 'judgement'}"
                    for p in sorted(graph.predecessors(node))
                ),
                "downstream": ";".join(sorted(graph.successors(node))),
                "held_by": "、".join(holders.get(node, [])),
            }
        )
    return rows


def chain_tree(reg: Any, chain_id: str) -> str:
    """A plain-text tree of the chain, upstream first, with holders and cross-chain links."""
    chain = reg.chain(chain_id)
    lines = [f"{chain['name_zh']}  {chain['name_en']}  [{chain_id}]  ({chain['confidence']})"]
    stage_zh = {
        "material": "材料",
        "part": "零部件",
        "equipment": "装备",
        "product": "产品",
        "service": "服务",
    }
    rows = chain_segment_rows(reg, chain_id)
    for row in rows:
        indent = "  " * row["depth"]
        arrow = "└─ " if row["depth"] else "● "
        codes = ",".join(split_codes(row["gbt_codes"]))
        held = f"  ← {row['held_by']}" if row["held_by"] else ""
        lines.append(
            f"{indent}{arrow}{row['name_zh']} {row['name_en']} [{stage_zh[row['stage']]} {codes}]{held}"
        )
        for up in split_codes(row["upstream"]):
            if not up.startswith(chain_id + "/"):
                lines.append(f"{indent}   ↖ from {up}")
        for down in split_codes(row["downstream"]):
            if not down.startswith(chain_id + "/"):
                lines.append(f"{indent}   ↘ to {down}")
    from chainlink.network.evidence import chain_evidence_lines

    lines += chain_evidence_lines(reg, chain_id, [r["segment_key"] for r in rows])
    return "\n".join(lines) + "\n"
