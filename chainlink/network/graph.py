"""The chain graph: segments as nodes, upstream → downstream edges, and paths along it.

Nodes are segment keys ``chain/segment``; cross-chain edges join chains (dual-chain links).
Who *holds* a segment is not decided here: only evidence does (:func:`chainlink.scoring.model.evidence_holdings`).

Two forms of the same graph: :func:`chain_graph` builds a NetworkX ``DiGraph`` (the graph library
for analysis and the exports), :func:`chain_adjacency` a plain-dict :class:`ChainGraph` for the
commands that only walk a chain (``match``, ``export``, ``gaps``): it reads the same way
(``nodes``, ``edges``, ``predecessors``, ``successors``) without importing NetworkX (≈ 0.14 s).
The walks below (:func:`hops_upstream`, …) take either.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from chainlink.base.industries import split_codes

if TYPE_CHECKING:
    import networkx as nx


def chain_graph(registry: Any) -> nx.DiGraph:
    """Build the directed NetworkX graph of every segment and edge in ``registry``."""
    import networkx as nx

    graph = nx.DiGraph()
    for seg in registry.segments:
        graph.add_node(seg["key"], **seg, codes=split_codes(seg["gbt_codes"]))
    for edge in registry.edges:
        graph.add_edge(edge["from_key"], edge["to_key"], **edge)
    return graph


class _Nodes:
    """``graph.nodes`` of a :class:`ChainGraph`: ``nodes[key]`` is the node's data, ``nodes()`` the keys,
    ``nodes(data=True)`` (key, data) pairs — as NetworkX's node view."""

    def __init__(self, data: dict[str, dict[str, Any]]) -> None:
        self._data = data

    def __getitem__(self, key: str) -> dict[str, Any]:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __call__(self, data: bool = False) -> Any:
        return iter(self._data.items()) if data else iter(self._data)


class _Edges:
    """``graph.edges`` of a :class:`ChainGraph`: ``edges[u, v]`` is the edge's data, ``edges(data=True)``
    (u, v, data) triples in NetworkX's order (by source node, then insertion)."""

    def __init__(self, succ: dict[str, dict[str, dict[str, Any]]]) -> None:
        self._succ = succ

    def __getitem__(self, uv: tuple[str, str]) -> dict[str, Any]:
        u, v = uv
        return self._succ[u][v]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return ((u, v) for u, nbrs in self._succ.items() for v in nbrs)

    def __len__(self) -> int:
        return sum(len(nbrs) for nbrs in self._succ.values())

    def __contains__(self, uv: object) -> bool:
        try:
            u, v = uv  # type: ignore[misc]
        except (TypeError, ValueError):
            return False
        return v in self._succ.get(u, {})

    def __call__(self, data: bool = False) -> Any:
        if data:
            return ((u, v, d) for u, nbrs in self._succ.items() for v, d in nbrs.items())
        return iter(self)


class ChainGraph:
    """The chain graph as plain adjacency dicts, read like a NetworkX ``DiGraph`` (the parts chain walks
    use). Node and edge order are NetworkX's for the same insertions, so walks give the same paths.

    >>> g = ChainGraph()
    >>> g.add_node("c/a", name_zh="甲"); g.add_node("c/b"); g.add_edge("c/a", "c/b", weight=0.5)
    >>> list(g.successors("c/a")), g.edges["c/a", "c/b"]["weight"], "c/b" in g, len(g)
    (['c/b'], 0.5, True, 2)
    """

    def __init__(self) -> None:
        self._node: dict[str, dict[str, Any]] = {}
        self.succ: dict[str, dict[str, dict[str, Any]]] = {}
        self.pred: dict[str, dict[str, dict[str, Any]]] = {}
        self.nodes = _Nodes(self._node)
        self.edges = _Edges(self.succ)
        self._nx: Any = None

    def add_node(self, key: str, /, **data: Any) -> None:
        """Add (or update) node ``key`` with ``data``."""
        if key not in self._node:
            self._node[key] = {}
            self.succ[key] = {}
            self.pred[key] = {}
        self._node[key].update(data)

    def add_edge(self, u: str, v: str, /, **data: Any) -> None:
        """Add (or update) the edge ``u`` → ``v`` with ``data`` (adding missing nodes, as NetworkX does)."""
        for key in (u, v):
            if key not in self._node:
                self.add_node(key)
        edge = self.succ[u].get(v, {})
        edge.update(data)
        self.succ[u][v] = edge
        self.pred[v][u] = edge

    def successors(self, key: str) -> Iterator[str]:
        """Segments directly downstream of ``key``."""
        return iter(self.succ[key])

    def predecessors(self, key: str) -> Iterator[str]:
        """Segments directly upstream of ``key``."""
        return iter(self.pred[key])

    def __contains__(self, key: object) -> bool:
        return key in self._node

    def __iter__(self) -> Iterator[str]:
        return iter(self._node)

    def __len__(self) -> int:
        return len(self._node)

    def to_networkx(self) -> nx.DiGraph:
        """The same graph as a NetworkX ``DiGraph`` (built once; for analysis such as topological sorts)."""
        if self._nx is None:
            import networkx as nx

            graph = nx.DiGraph()
            for key, data in self._node.items():
                graph.add_node(key, **data)
            for u, v, data in self.edges(data=True):
                graph.add_edge(u, v, **data)
            self._nx = graph
        return self._nx


def chain_adjacency(registry: Any) -> ChainGraph:
    """:func:`chain_graph` as a :class:`ChainGraph` (no NetworkX import): what scoring walks."""
    graph = ChainGraph()
    for seg in registry.segments:
        graph.add_node(seg["key"], **seg, codes=split_codes(seg["gbt_codes"]))
    for edge in registry.edges:
        graph.add_edge(edge["from_key"], edge["to_key"], **edge)
    return graph


def _shortest_paths(adj: Any, source: str, cutoff: int) -> dict[str, list[str]]:
    """Breadth-first shortest paths from ``source`` over ``adj`` (node → neighbours) up to ``cutoff``
    steps: the same paths, in the same order, as NetworkX's ``single_source_shortest_path``."""
    if source not in adj:
        raise KeyError(f"segment {source} is not in the chain graph")
    paths = {source: [source]}
    level, nextlevel = 0, [source]
    while nextlevel and cutoff > level:
        thislevel, nextlevel = nextlevel, []
        for v in thislevel:
            for w in adj[v]:
                if w not in paths:
                    paths[w] = [*paths[v], w]
                    nextlevel.append(w)
        level += 1
    return paths


def hops_upstream(graph: Any, target: str, max_hops: int) -> dict[str, list[str]]:
    """Segments upstream of ``target`` within ``max_hops``: node → path (node … target).

    ``graph`` is a :class:`ChainGraph` or a NetworkX ``DiGraph``.
    """
    paths = _shortest_paths(graph.pred, target, max_hops)
    return {n: list(reversed(p)) for n, p in paths.items() if n != target}


def hops_downstream(graph: Any, source: str, max_hops: int) -> dict[str, list[str]]:
    """Segments downstream of ``source`` within ``max_hops``: node → path (source … node)."""
    paths = _shortest_paths(graph.succ, source, max_hops)
    return {n: p for n, p in paths.items() if n != source}


def path_weight(graph: Any, path: list[str]) -> float:
    """Product of edge weights along ``path`` (1.0 for a single node)."""
    weight = 1.0
    for u, v in zip(path, path[1:], strict=False):
        weight *= float(graph.edges[u, v]["weight"])
    return weight


def path_confidence(graph: Any, path: list[str]) -> str:
    """The weakest confidence among the edges of ``path``."""
    order = ["sourced", "unverified", "sample"]
    worst = 0
    for u, v in zip(path, path[1:], strict=False):
        worst = max(worst, order.index(graph.edges[u, v]["confidence"]))
    return order[worst]
