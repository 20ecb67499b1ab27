"""The chain graph (NetworkX): segments as nodes, upstream → downstream edges, and paths along it.

Nodes are segment keys ``chain/segment``; cross-chain edges join chains (dual-chain links).
Who *holds* a segment is not decided here: only evidence does (:func:`chainlink.score.evidence_holdings`).
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from chainlink.industries import split_codes


def chain_graph(registry: Any) -> nx.DiGraph:
    """Build the directed graph of every segment and edge in ``registry``."""
    graph = nx.DiGraph()
    for seg in registry.segments:
        graph.add_node(seg["key"], **seg, codes=split_codes(seg["gbt_codes"]))
    for edge in registry.edges:
        graph.add_edge(edge["from_key"], edge["to_key"], **edge)
    return graph


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
