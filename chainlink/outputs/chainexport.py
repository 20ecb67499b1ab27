"""Export chain graphs for Gephi, yEd, Graphviz, Mermaid or code: GraphML, GEXF, DOT, Mermaid, JSON.

:func:`export_graph` builds a flat NetworkX graph of one chain, several, or all: every segment of the
chosen chains, plus the segments of other chains that a cross-chain edge touches (``external`` = true).
Attributes are scalars only (lists become ``;``-joined text), so ``nx.write_graphml`` and
``nx.write_gexf`` work and the files open in Gephi and yEd. See docs/export.md.

Node attributes: ``label`` (Chinese name), ``name_zh``, ``name_en``, ``chain_id``, ``stage``, ``gbt_codes``,
``io_sectors`` (2020 table), ``products``, ``counties`` and ``county_codes`` (counties holding the segment on
evidence — a reviewed characteristic-industry mapping or a located real firm, :func:`chainlink.scoring.model.evidence_holdings`;
never a GB/T code overlap), ``firms`` and ``firm_count`` (real firms on the
segment, :func:`chainlink.scoring.firms.firms_on`), ``external``.
Edge attributes: ``weight``, ``weight_source``, ``confidence``, ``source``, ``chain_id``, ``evidence``,
``evidence_detail``, ``evidence_detail_zh``, ``io_year``, ``io_from_sector``, ``io_to_sector``,
``io_coefficient`` (the last three numbers only when there is an IO record), ``ckg_relations``.
"""

from __future__ import annotations

import json
from typing import Any

import networkx as nx

from chainlink.base.industries import split_codes
from chainlink.errors import UsageError
from chainlink.network.graph import chain_graph

GRAPH_FORMATS = ("graphml", "gexf", "dot", "mermaid", "json")
EDGE_KEYS = (
    "weight",
    "weight_source",
    "confidence",
    "source",
    "chain_id",
    "evidence",
    "evidence_detail",
    "evidence_detail_zh",
    "io_year",
    "io_from_sector",
    "io_to_sector",
    "io_coefficient",
    "ckg_relations",
)


def _io_sectors(registry: Any, codes: list[str]) -> str:
    from chainlink.inputoutput import sector_of_gbt

    out: list[str] = []
    for c in codes:
        try:
            found = sector_of_gbt(c, year=2020)
        except Exception:  # a code the mapping cannot place: leave it out
            found = []
        out += [s for s in found if s not in out]
    return ";".join(sorted(out))


def _holders(registry: Any) -> dict[str, list[tuple[str, str]]]:
    """Segment key → [(county code, county name)] of the counties holding it on evidence (sorted by code)."""
    from chainlink.scoring.model import evidence_holdings

    names = {c["code"]: c["name_zh"] for c in registry.counties}
    out: dict[str, list[tuple[str, str]]] = {}
    for code, held in evidence_holdings(registry).items():
        for key in held:
            out.setdefault(key, []).append((code, names[code]))
    return out


def _firms(registry: Any, keys: list[str]) -> dict[str, list[str]]:
    """Segment key → names of the real (and the user's imported) firms on it, :func:`chainlink.scoring.firms.firms_on`."""
    from chainlink.scoring.firms import firms_on

    out: dict[str, list[str]] = {}
    for f in firms_on(registry, keys):
        names = out.setdefault(f["segment_key"], [])
        if f["name_zh"] not in names:
            names.append(f["name_zh"])
    return out


def export_graph(registry: Any, chain_ids: list[str] | None = None) -> nx.DiGraph:
    """The flat, exportable graph of ``chain_ids`` (None: every chain); see the module docstring."""
    full = chain_graph(registry)
    known = {c["id"] for c in registry.chains}
    chosen = sorted(known) if chain_ids is None else list(dict.fromkeys(chain_ids))
    for cid in chosen:
        if cid not in known:
            raise UsageError(f"unknown chain {cid!r}; see chainlink chains list")
    wanted = set(chosen)
    edges = [
        (u, v)
        for u, v in full.edges
        if full.nodes[u]["chain_id"] in wanted or full.nodes[v]["chain_id"] in wanted
    ]
    nodes = [n for n in full.nodes if full.nodes[n]["chain_id"] in wanted]
    nodes += sorted({n for e in edges for n in e} - set(nodes))
    holders = _holders(registry)
    firms = _firms(registry, nodes)
    graph = nx.DiGraph(
        name=", ".join(chosen) if len(chosen) <= 3 else f"{len(chosen)} chains",
        chains=";".join(chosen),
        generator="chainlink chains export",
        evidence_kinds="io: NBS IO flow a_ij >= 0.001; ckg: ChainKnowledgeGraph product relation; "
        "io+ckg: both; judgement: neither",
    )
    from chainlink.scoring.firms import PARTIAL_EN

    graph.graph["firms_note"] = PARTIAL_EN
    for n in nodes:
        d = full.nodes[n]
        codes = split_codes(d["gbt_codes"])
        held = holders.get(n, [])
        attrs: dict[str, Any] = {
            "label": d["name_zh"],
            "name_zh": d["name_zh"],
            "name_en": d["name_en"],
            "chain_id": d["chain_id"],
            "stage": d["stage"],
            "gbt_codes": ";".join(codes),
            "io_sectors": _io_sectors(registry, codes),
            "products": d.get("products") or "",
            "counties": ";".join(name for _, name in held),
            "county_codes": ";".join(code for code, _ in held),
            "external": d["chain_id"] not in wanted,
        }
        attrs["firms"] = ";".join(firms.get(n, []))
        attrs["firm_count"] = len(firms.get(n, []))
        graph.add_node(n, **attrs)
    for u, v in edges:
        d = full.edges[u, v]
        attrs = {}
        for k in EDGE_KEYS:
            value = d.get(k)
            if value is None:
                if k in ("io_year", "io_coefficient"):
                    continue  # no IO record: leave the number out rather than invent one
                value = "" if k != "ckg_relations" else 0
            attrs[k] = value
        attrs["evidence"] = attrs.get("evidence") or "judgement"
        graph.add_edge(u, v, **attrs)
    return graph


def _dot_quote(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def to_dot(graph: nx.DiGraph) -> str:
    """Graphviz DOT text: one statement per node and edge, every attribute quoted (strings) or bare (numbers)."""
    lines = [f"digraph {_dot_quote(graph.graph.get('name', 'chains'))} {{"]
    for k, v in graph.graph.items():
        if k != "name":
            lines.append(f"  {k}={_dot_quote(v)};")
    lines.append("  rankdir=LR;")
    lines.append("  node [shape=box];")
    for n, d in graph.nodes(data=True):
        attrs = ", ".join(f"{k}={_dot_quote(v)}" for k, v in d.items())
        lines.append(f"  {_dot_quote(n)} [{attrs}];")
    for u, v, d in graph.edges(data=True):
        attrs = ", ".join(f"{k}={_dot_quote(x)}" for k, x in d.items())
        lines.append(f"  {_dot_quote(u)} -> {_dot_quote(v)} [{attrs}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _mermaid_text(text: str) -> str:
    return str(text).replace('"', "#quot;").replace("[", "(").replace("]", ")")


def to_mermaid(graph: nx.DiGraph) -> str:
    """A Mermaid flowchart: one subgraph per chain, nodes ``n0…`` labelled with name, stage and codes,
    edges labelled with their evidence kind; the segment keys are in comments (``%% n0 = chain/segment``)."""
    ids = {n: f"n{i}" for i, n in enumerate(graph.nodes)}
    lines = ["flowchart LR"]
    by_chain: dict[str, list[str]] = {}
    for n, d in graph.nodes(data=True):
        by_chain.setdefault(d["chain_id"], []).append(n)
    for cid, members in by_chain.items():
        lines.append(f'  subgraph {cid.replace("-", "_")}["{_mermaid_text(cid)}"]')
        for n in members:
            d = graph.nodes[n]
            label = f"{d['name_zh']}<br/>{d['stage']} {d['gbt_codes'].replace(';', ',')}"
            lines.append(f"    %% {ids[n]} = {n}")
            lines.append(f'    {ids[n]}["{_mermaid_text(label)}"]')
        lines.append("  end")
    for u, v, d in graph.edges(data=True):
        lines.append(f"  {ids[u]} -->|{d['evidence']}| {ids[v]}")
    return "\n".join(lines) + "\n"


def render(graph: nx.DiGraph, fmt: str) -> str:
    """``graph`` as text in ``fmt`` (one of :data:`GRAPH_FORMATS`)."""
    if fmt == "graphml":
        return "\n".join(nx.generate_graphml(graph, encoding="utf-8", prettyprint=True)) + "\n"
    if fmt == "gexf":
        return "\n".join(nx.generate_gexf(graph, encoding="utf-8", prettyprint=True)) + "\n"
    if fmt == "dot":
        return to_dot(graph)
    if fmt == "mermaid":
        return to_mermaid(graph)
    if fmt == "json":
        data = nx.node_link_data(graph, edges="edges")
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    raise UsageError(f"unknown --format {fmt!r}: use one of {', '.join(GRAPH_FORMATS)}")
