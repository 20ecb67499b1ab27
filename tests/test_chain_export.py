"""`chainlink chains export`: every format re-read (networkx, or a small parser) equals the registry graph."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import networkx as nx
import pytest

from chainlink.outputs.chainexport import GRAPH_FORMATS, export_graph, render
from chainlink.store.registry import Registry
from tests._cli import run_cli

CHAIN = "pumps-valves"


def _expected(reg: Registry, chains: set[str]) -> tuple[dict[str, dict], dict[tuple[str, str], dict]]:
    """Nodes and edges straight from the registry tables (not through chainexport)."""
    segs = {s["key"]: s for s in reg.segments}
    edges = {
        (e["from_key"], e["to_key"]): e
        for e in reg.edges
        if segs[e["from_key"]]["chain_id"] in chains or segs[e["to_key"]]["chain_id"] in chains
    }
    keys = {k for k, s in segs.items() if s["chain_id"] in chains} | {k for e in edges for k in e}
    return {k: segs[k] for k in keys}, edges


def _check(reg: Registry, graph: nx.DiGraph, chains: set[str]) -> None:
    nodes, edges = _expected(reg, chains)
    assert set(graph.nodes) == set(nodes)
    assert set(graph.edges) == set(edges)
    for key, seg in nodes.items():
        d = graph.nodes[key]
        assert d["stage"] == seg["stage"] and d["gbt_codes"] == seg["gbt_codes"], key
        assert d["products"] == seg["products"] and d["products"], key
        assert d["name_zh"] == seg["name_zh"] and d["chain_id"] == seg["chain_id"], key
        assert str(d["external"]).lower() == str(seg["chain_id"] not in chains).lower(), key
        assert re.fullmatch(r"\d{3}(;\d{3})*", d["io_sectors"]), key
    for pair, e in edges.items():
        d = graph.edges[pair]
        assert d["evidence"] == e["evidence"], pair
        assert float(d["weight"]) == pytest.approx(e["weight"]), pair
        assert d["confidence"] == e["confidence"] and d["io_from_sector"] == e["io_from_sector"], pair
        if e["io_coefficient"] is None:
            assert "io_coefficient" not in d
        else:
            assert float(d["io_coefficient"]) == pytest.approx(e["io_coefficient"]), pair


def _parse_dot(text: str) -> nx.DiGraph:
    """A minimal reader for the DOT chainexport writes: quoted ids, key=value lists."""
    value = r'"(?:[^"\\]|\\.)*"|[-+0-9.eE]+|true|false'
    attr = re.compile(rf"(\w+)=({value})")

    def val(v: str):
        if v.startswith('"'):
            return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), v[1:-1])
        if v in ("true", "false"):
            return v == "true"
        return float(v) if re.search(r"[.eE]", v) else int(v)

    graph = nx.DiGraph()
    assert text.startswith("digraph ") and text.rstrip().endswith("}")
    for line in text.splitlines()[1:-1]:
        m = re.match(r'^  ("(?:[^"\\]|\\.)*")(?: -> ("(?:[^"\\]|\\.)*"))? \[(.*)\];$', line)
        if not m:
            continue
        attrs = {k: val(v) for k, v in attr.findall(m.group(3))}
        if m.group(2):
            graph.add_edge(val(m.group(1)), val(m.group(2)), **attrs)
        else:
            graph.add_node(val(m.group(1)), **attrs)
    return graph


def test_every_format_rereads_to_the_registry_graph(reg: Registry, tmp_path: Path) -> None:
    graph = export_graph(reg, [CHAIN])
    texts = {fmt: render(graph, fmt) for fmt in GRAPH_FORMATS}
    (tmp_path / "g.graphml").write_text(texts["graphml"], encoding="utf-8")
    (tmp_path / "g.gexf").write_text(texts["gexf"], encoding="utf-8")
    _check(reg, nx.read_graphml(tmp_path / "g.graphml"), {CHAIN})
    _check(reg, nx.read_gexf(tmp_path / "g.gexf"), {CHAIN})
    _check(reg, nx.node_link_graph(json.loads(texts["json"]), edges="edges"), {CHAIN})
    _check(reg, _parse_dot(texts["dot"]), {CHAIN})
    # mermaid: one node per segment (id comment + box), one arrow per edge labelled with its evidence
    mer = texts["mermaid"]
    assert mer.startswith("flowchart LR\n")
    ids = dict(re.findall(r"%% (n\d+) = (\S+)", mer))
    nodes, edges = _expected(reg, {CHAIN})
    assert set(ids.values()) == set(nodes) and len(re.findall(r'^    n\d+\["', mer, re.M)) == len(nodes)
    arrows = {(ids[u], ids[v], k) for u, k, v in re.findall(r"^  (n\d+) -->\|([a-z+]+)\| (n\d+)$", mer, re.M)}
    assert arrows == {(u, v, e["evidence"]) for (u, v), e in edges.items()}


def test_lists_are_joined_and_graphml_writes(reg: Registry, tmp_path: Path) -> None:
    """The registry chain graph has list attributes (nx.write_graphml fails on them); the export's do not."""
    from chainlink.network.graph import chain_graph

    with pytest.raises(nx.NetworkXError):
        nx.write_graphml(chain_graph(reg), tmp_path / "raw.graphml")
    graph = export_graph(reg, [CHAIN])
    nx.write_graphml(graph, tmp_path / "ok.graphml")
    nx.write_gexf(graph, tmp_path / "ok.gexf")
    assert all(not isinstance(v, (list, dict, set)) for _, d in graph.nodes(data=True) for v in d.values())


def test_counties_and_external_nodes(reg: Registry) -> None:
    from chainlink.outputs.browse import chain_segment_rows

    graph = export_graph(reg, [CHAIN])
    held = {r["segment_key"]: r["held_by"] for r in chain_segment_rows(reg, CHAIN)}
    for key, names in held.items():
        assert graph.nodes[key]["counties"] == names.replace("、", ";")
    counties = {c["code"]: c["name_zh"] for c in reg.counties}
    valves = graph.nodes["pumps-valves/valves"]
    assert [counties[c] for c in valves["county_codes"].split(";")] == valves["counties"].split(";")
    assert "青田县" in valves["counties"]
    assert graph.nodes["stainless-steel/special-steel"]["external"] is True


def test_all_chains(reg: Registry, tmp_path: Path) -> None:
    graph = export_graph(reg)
    assert graph.number_of_nodes() == len(reg.segments) and graph.number_of_edges() == len(reg.edges)
    (tmp_path / "all.graphml").write_text(render(graph, "graphml"), encoding="utf-8")
    _check(reg, nx.read_graphml(tmp_path / "all.graphml"), {c["id"] for c in reg.chains})


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli("chains", "export", *args, cwd=cwd)  # in this process, as a fresh one would run it


def test_cli(real_db: Path, tmp_path: Path) -> None:
    out = _cli("泵阀", "--format", "json", "--output", "-", "--db", str(real_db))
    assert out.returncode == 0, out.stderr
    assert {n["id"] for n in json.loads(out.stdout)["nodes"]} >= {"pumps-valves/motors"}
    target = tmp_path / "pv.gexf"
    out = _cli(CHAIN, "-f", "gexf", "-o", str(target), "--db", str(real_db))
    assert out.returncode == 0 and out.stdout == "" and nx.read_gexf(target).number_of_nodes() > 9
    assert [p.name for p in tmp_path.iterdir()] == ["pv.gexf"]  # no temporary file left
    for args, msg in [
        (["-f", "svg", CHAIN], "unknown --format 'svg'"),
        ([], "give one chain NAME or --all"),
        ([CHAIN, "--all"], "give one chain NAME or --all"),
    ]:
        out = _cli(*args, "--db", str(real_db))
        assert out.returncode == 2 and out.stderr.startswith("chainlink: error: ") and msg in out.stderr, out
    out = _cli("nosuchchain", "--db", str(real_db))
    assert out.returncode == 1 and "unknown chain 'nosuchchain'" in out.stderr
    out = _cli(CHAIN, "-o", str(tmp_path / "missing" / "x.graphml"), "--db", str(real_db))
    assert out.returncode == 1 and "does not exist" in out.stderr and "Traceback" not in out.stderr


def test_firms_on_segments(reg: Registry, tmp_path: Path) -> None:
    from chainlink.scoring.firms import firms_on

    graph = export_graph(reg, ["auto-parts"])
    total = 0
    for key, d in graph.nodes(data=True):
        names = list(dict.fromkeys(f["name_zh"] for f in firms_on(reg, [key])))
        assert d["firms"] == ";".join(names) and d["firm_count"] == len(names), key
        assert "示例" not in d["firms"]  # no sample firms in an export of real firms
        total += d["firm_count"]
    assert total > 0 and graph.graph["firms_note"]
    (tmp_path / "a.graphml").write_text(render(graph, "graphml"), encoding="utf-8")
    back = nx.read_graphml(tmp_path / "a.graphml")
    assert back.nodes["auto-parts/auto-ac-parts"]["firms"] == graph.nodes["auto-parts/auto-ac-parts"]["firms"]
