"""The chain graph (NetworkX): segments as nodes, upstream → downstream edges, and who holds what.

Nodes are segment keys ``chain/segment``; cross-chain edges join chains (dual-chain links).
A county *holds* a segment when one of its characteristic industries' GB/T codes matches the
segment's codes (:func:`chainlink.industries.code_match`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from chainlink.industries import best_match, split_codes


def chain_graph(registry: Any) -> nx.DiGraph:
    """Build the directed graph of every segment and edge in ``registry``."""
    graph = nx.DiGraph()
    for seg in registry.segments:
        graph.add_node(seg["key"], **seg, codes=split_codes(seg["gbt_codes"]))
    for edge in registry.edges:
        graph.add_edge(edge["from_key"], edge["to_key"], **edge)
    return graph


@dataclass(frozen=True)
class Holding:
    """One holder's grip on one segment: strength in [0, 1] and the fact behind it."""

    segment: str
    strength: float
    fact_id: str
    held_code: str
    segment_code: str
    industry_zh: str
    industry_en: str
    confidence: str
    source: str


def holdings(graph: nx.DiGraph, facts: list[dict[str, Any]]) -> dict[str, Holding]:
    """Segments held through ``facts`` (rows with gbt_codes, id, industry_zh/en, confidence, source).

    For each segment the strongest match is kept; ties go to the better-sourced fact.
    """
    rank = {"sourced": 0, "unverified": 1, "sample": 2}
    out: dict[str, Holding] = {}
    for key, node in graph.nodes(data=True):
        for fact in facts:
            strength, held, seg_code = best_match(split_codes(fact["gbt_codes"]), node["codes"])
            if strength <= 0:
                continue
            current = out.get(key)
            cand = Holding(
                key,
                strength,
                fact["id"],
                held,
                seg_code,
                fact["industry_zh"],
                fact["industry_en"],
                fact["confidence"],
                fact["source"],
            )
            if current is None or (strength, -rank[fact["confidence"]]) > (
                current.strength,
                -rank[current.confidence],
            ):
                out[key] = cand
    return out


def hops_upstream(graph: nx.DiGraph, target: str, max_hops: int) -> dict[str, list[str]]:
    """Segments upstream of ``target`` within ``max_hops``: node → path (node … target)."""
    paths = nx.single_source_shortest_path(graph.reverse(copy=False), target, cutoff=max_hops)
    return {n: list(reversed(p)) for n, p in paths.items() if n != target}


def hops_downstream(graph: nx.DiGraph, source: str, max_hops: int) -> dict[str, list[str]]:
    """Segments downstream of ``source`` within ``max_hops``: node → path (source … node)."""
    paths = nx.single_source_shortest_path(graph, source, cutoff=max_hops)
    return {n: p for n, p in paths.items() if n != source}


def path_weight(graph: nx.DiGraph, path: list[str]) -> float:
    """Product of edge weights along ``path`` (1.0 for a single node)."""
    weight = 1.0
    for u, v in zip(path, path[1:], strict=False):
        weight *= float(graph.edges[u, v]["weight"])
    return weight


def path_confidence(graph: nx.DiGraph, path: list[str]) -> str:
    """The weakest confidence among the edges of ``path``."""
    order = ["sourced", "unverified", "sample"]
    worst = 0
    for u, v in zip(path, path[1:], strict=False):
        worst = max(worst, order.index(graph.edges[u, v]["confidence"]))
    return order[worst]
