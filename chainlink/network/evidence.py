"""Evidence behind each chain edge: the NBS input–output flow and ChainKnowledgeGraph product relations.

Every edge ``u → v`` gets, at build time (:func:`derive_edge_evidence`):

- an **IO record**: the 2020 NBS table's direct input coefficient a_ij of the segments' sectors
  (the pair of different sectors with the largest edge weight, as ``build`` weights the edge; the
  sector's purchases from itself when both segments sit in one sector). It counts as evidence when
  a_ij ≥ :data:`IO_EVIDENCE_MIN`;
- the **ChainKnowledgeGraph relations** of ``data/edge_evidence_ckg.csv`` joining a product of u to a
  product of v (derived once, see docs/chains.md);
- ``evidence``: ``io``, ``ckg``, ``io+ckg`` or ``judgement`` (neither), and a one-line
  ``evidence_detail`` (English) and ``evidence_detail_zh``.

:func:`edge_evidence` reads them back from a registry for explanations and ``chains show``.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

IO_EVIDENCE_MIN = 0.001  # a_ij: the buyer spends at least 0.1 % of its output value on the supplier sector
EVIDENCE_KINDS = ("io", "ckg", "io+ckg", "judgement")
REL_EN = {"上游材料": "an upstream material of", "下游产品": "a downstream product of"}


@dataclass(frozen=True)
class IOEvidence:
    """The input–output record of an edge: year, supplier and buyer sector, direct coefficient a_ij."""

    year: int
    from_sector: str
    to_sector: str
    coefficient: float
    from_name_zh: str = ""
    to_name_zh: str = ""
    from_name_en: str = ""
    to_name_en: str = ""

    @property
    def within_sector(self) -> bool:
        """Both segments in one sector: the table records the sector's purchases from itself."""
        return self.from_sector == self.to_sector

    @property
    def counts(self) -> bool:
        """Whether the flow is large enough to count as evidence (a_ij ≥ :data:`IO_EVIDENCE_MIN`)."""
        return self.coefficient >= IO_EVIDENCE_MIN


@dataclass(frozen=True)
class EdgeEvidence:
    """What supports one chain edge: ``kind`` (io, ckg, io+ckg, judgement), the records and the text."""

    from_key: str
    to_key: str
    kind: str
    detail: str
    detail_zh: str
    io: IOEvidence | None = None
    ckg: list[dict[str, Any]] = field(default_factory=list)


def _io_record(table: Any, src: list[str], dst: list[str], year: int) -> tuple[str, str, float] | None:
    """(from sector, to sector, a_ij) for the edge: the best pair of different sectors, else within one."""
    import numpy as np

    if not src or not dst:
        return None
    A = table.A
    off = A.copy()
    np.fill_diagonal(off, 0.0)
    peak = off.max(axis=0)
    best: tuple[float, float, str, str] | None = None
    for i in src:
        for j in dst:
            if i == j:
                continue
            a = float(A[table.index(i), table.index(j)])
            w = a / peak[table.index(j)] if peak[table.index(j)] > 0 else 0.0
            if best is None or (w, a) > best[:2]:
                best = (w, a, i, j)
    same = sorted(set(src) & set(dst))
    if same and (best is None or best[1] < IO_EVIDENCE_MIN):
        s = max(same, key=lambda c: float(A[table.index(c), table.index(c)]))
        return s, s, float(A[table.index(s), table.index(s)])
    if best is None:
        return None
    return best[2], best[3], best[1]


def _describe(io: IOEvidence | None, ckg: list[dict[str, Any]]) -> tuple[str, str, str]:
    """(kind, English detail, Chinese detail) of an edge's records."""
    has_io = io is not None and io.counts
    kind = "io+ckg" if has_io and ckg else "io" if has_io else "ckg" if ckg else "judgement"
    en, zh = [], []
    if io is not None:
        if io.within_sector:
            en.append(
                f"NBS IO {io.year}: within sector {io.from_sector} {io.from_name_en}, "
                f"a = {io.coefficient:.4f} (the table cannot tell the two segments apart)"
            )
            zh.append(
                f"投入产出表{io.year}：同一部门 {io.from_sector} {io.from_name_zh} 内部，"
                f"直接消耗系数 {io.coefficient:.4f}（表内不能区分两环节）"
            )
        else:
            en.append(
                f"NBS IO {io.year}: {io.from_sector} {io.from_name_en} → {io.to_sector} {io.to_name_en}, "
                f"direct input coefficient a = {io.coefficient:.4f}"
            )
            zh.append(
                f"投入产出表{io.year}：{io.from_sector} {io.from_name_zh} → {io.to_sector} {io.to_name_zh}，"
                f"直接消耗系数 {io.coefficient:.4f}"
            )
        if not io.counts:
            en[-1] += f" (below {IO_EVIDENCE_MIN}, not counted)"
            zh[-1] += f"（低于 {IO_EVIDENCE_MIN}，不计）"
    else:
        en.append("no IO sector for one end")
        zh.append("一端无投入产出部门")
    if ckg:
        r = min(ckg, key=lambda r: (len(r["upstream_product"]) + len(r["downstream_product"]), r["relation"]))
        more_en = f" (and {len(ckg) - 1} more)" if len(ckg) > 1 else ""
        more_zh = f"（另 {len(ckg) - 1} 条）" if len(ckg) > 1 else ""
        if r["relation"] == "上游材料":
            en.append(
                f"ChainKnowledgeGraph: {r['upstream_product']} is {REL_EN['上游材料']} "
                f"{r['downstream_product']}{more_en}"
            )
            zh.append(
                f"产业链知识图谱：{r['downstream_product']} 的上游材料 {r['upstream_product']}{more_zh}"
            )
        else:
            en.append(
                f"ChainKnowledgeGraph: {r['downstream_product']} is {REL_EN['下游产品']} "
                f"{r['upstream_product']}{more_en}"
            )
            zh.append(
                f"产业链知识图谱：{r['upstream_product']} 的下游产品 {r['downstream_product']}{more_zh}"
            )
    if kind == "judgement":
        en.insert(0, "editors' judgement")
        zh.insert(0, "编辑判断")
    return kind, "; ".join(en), "；".join(zh)


def derive_edge_evidence(
    tables: dict[str, list[dict[str, Any]]], table: Any, sectors: Callable[[str], list[str]], year: int
) -> None:
    """Add ``evidence``, ``evidence_detail(_zh)``, ``io_*`` and ``ckg_relations`` to every edge row.

    ``table`` is the input–output table of ``year``; ``sectors(segment_key)`` the IO sectors of a
    segment. Called by ``build`` (:func:`chainlink.store.build.derive_io`).
    """
    names = {c: (zh, en) for c, zh, en in zip(table.codes, table.names_zh, table.names_en, strict=True)}
    ckg: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in tables.get("edge_evidence_ckg", []):
        ckg.setdefault((row["from_key"], row["to_key"]), []).append(row)
    for edge in tables["edges"]:
        rec = _io_record(table, sectors(edge["from_key"]), sectors(edge["to_key"]), year)
        io = None
        if rec is not None:
            i, j, a = rec
            io = IOEvidence(year, i, j, round(a, 6), names[i][0], names[j][0], names[i][1], names[j][1])
        rows = ckg.get((edge["from_key"], edge["to_key"]), [])
        kind, en, zh = _describe(io, rows)
        edge["evidence"] = kind
        edge["evidence_detail"] = en
        edge["evidence_detail_zh"] = zh
        edge["io_year"] = year if io else None
        edge["io_from_sector"] = io.from_sector if io else ""
        edge["io_to_sector"] = io.to_sector if io else ""
        edge["io_coefficient"] = io.coefficient if io else None
        edge["ckg_relations"] = len(rows)


_CKG: weakref.WeakKeyDictionary[Any, dict[tuple[str, str], list[dict[str, Any]]]] = (
    weakref.WeakKeyDictionary()
)


def _ckg_rows(registry: Any) -> dict[tuple[str, str], list[dict[str, Any]]]:
    try:
        cached = _CKG.get(registry)
    except TypeError:
        cached = None
    if cached is None:
        cached = {}
        try:
            rows = registry.rows("edge_evidence_ckg")
        except Exception:  # an older registry without the table
            rows = []
        for r in rows:
            cached.setdefault((r["from_key"], r["to_key"]), []).append(r)
        with contextlib.suppress(TypeError):
            _CKG[registry] = cached
    return cached


def edge_evidence(registry: Any, from_key: str, to_key: str) -> EdgeEvidence:
    """The evidence of the chain edge ``from_key → to_key`` in ``registry`` (KeyError if no such edge).

    ``kind`` is ``io``, ``ckg``, ``io+ckg`` or ``judgement``; ``detail``/``detail_zh`` one line each,
    e.g. ``NBS IO 2020: 062 … → 070 …, direct input coefficient a = 0.0500; ChainKnowledgeGraph: 不锈钢
    is an upstream material of 不锈钢闸阀门 (and 12 more)``.
    """
    edge = _edge_index(registry).get((from_key, to_key))
    if edge is None:
        raise KeyError(f"no chain edge {from_key} → {to_key}")
    return evidence_of(registry, edge)


def evidence_of(registry: Any, edge: dict[str, Any]) -> EdgeEvidence:
    """:class:`EdgeEvidence` of an edge row of ``registry.edges``."""
    io = None
    if edge.get("io_from_sector"):
        io = IOEvidence(
            int(edge["io_year"]), edge["io_from_sector"], edge["io_to_sector"], float(edge["io_coefficient"])
        )
    return EdgeEvidence(
        edge["from_key"],
        edge["to_key"],
        edge.get("evidence") or "judgement",
        edge.get("evidence_detail") or "",
        edge.get("evidence_detail_zh") or "",
        io,
        list(_ckg_rows(registry).get((edge["from_key"], edge["to_key"]), [])),
    )


_EDGES: weakref.WeakKeyDictionary[Any, dict[tuple[str, str], dict[str, Any]]] = weakref.WeakKeyDictionary()


def _edge_index(registry: Any) -> dict[tuple[str, str], dict[str, Any]]:
    try:
        cached = _EDGES.get(registry)
    except TypeError:
        cached = None
    if cached is None:
        cached = {(e["from_key"], e["to_key"]): e for e in registry.edges}
        with contextlib.suppress(TypeError):
            _EDGES[registry] = cached
    return cached


def evidence_counts(edges: list[dict[str, Any]]) -> dict[str, int]:
    """How many edges have each kind of evidence (every kind listed, zeros included)."""
    counts = dict.fromkeys(EVIDENCE_KINDS, 0)
    for e in edges:
        counts[e.get("evidence") or "judgement"] += 1
    return counts


def short_detail(edge: dict[str, Any]) -> str:
    """A compact evidence note for tables: ``IO 2020 062→070 a=0.0500; CKG 不锈钢→不锈钢闸阀门 (+12)``."""
    parts = []
    if edge.get("io_from_sector"):
        a = float(edge["io_coefficient"])
        note = "" if a >= IO_EVIDENCE_MIN else " (too small)"
        parts.append(f"IO {edge['io_year']} {edge['io_from_sector']}→{edge['io_to_sector']} a={a:.4f}{note}")
    return "; ".join(parts)


def chain_evidence_lines(registry: Any, chain_id: str, order: list[str] | None = None) -> list[str]:
    """Text lines for ``chains show``: every edge touching ``chain_id`` with its evidence kind and note.

    ``order`` (segment keys upstream first) sorts the edges; by key otherwise.
    """
    names = {s["key"]: s["name_zh"] for s in registry.segments}
    rank = {k: i for i, k in enumerate(order or [])}
    prefix = chain_id + "/"
    edges = [e for e in registry.edges if e["from_key"].startswith(prefix) or e["to_key"].startswith(prefix)]
    edges.sort(
        key=lambda e: (
            rank.get(e["from_key"], -1),
            rank.get(e["to_key"], len(rank)),
            e["from_key"],
            e["to_key"],
        )
    )
    counts = evidence_counts(edges)
    lines = [
        "edges and their evidence (io: NBS input–output flow; ckg: ChainKnowledgeGraph product relation; "
        "judgement: neither): " + ", ".join(f"{k} {n}" for k, n in counts.items() if n)
    ]
    for e in edges:
        ev = evidence_of(registry, e)
        u = names[e["from_key"]] if e["from_key"].startswith(prefix) else e["from_key"]
        v = names[e["to_key"]] if e["to_key"].startswith(prefix) else e["to_key"]
        notes = [short_detail(e)] if e.get("io_from_sector") else []
        if ev.ckg:
            r = min(
                ev.ckg,
                key=lambda r: (len(r["upstream_product"]) + len(r["downstream_product"]), r["relation"]),
            )
            more = f" (+{len(ev.ckg) - 1})" if len(ev.ckg) > 1 else ""
            notes.append(f"CKG {r['upstream_product']}→{r['downstream_product']}{more}")
        lines.append(f"  {u} → {v}  [{ev.kind}]  {'; '.join(notes)}".rstrip())
    return lines
