"""The chain files ``chains/*.yaml``: chains, segments, edges, and the CKG edge evidence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chainlink.base.yamlstrict import LineDict, LineList, load_yaml, scalar_text
from chainlink.errors import SourceError
from chainlink.sources.collect import (
    CONFIDENCE,
    GBT_CODE,
    SLUG,
    STAGES,
    SourceErrors,
    _check_common,
    _Collector,
    _rel,
    _split_codes,
    read_csv_rows,
)
from chainlink.sources.tables import load_industries


def _text(col: _Collector, name: str, obj: LineDict, key: str, *, required: bool = True) -> str:
    line = obj.key_lines.get(key, obj.line)
    if key not in obj or obj[key] is None:
        if required:
            col.add(name, obj.line, f"missing {key}")
        return ""
    try:
        value = scalar_text(obj[key], name, line, key)
    except SourceError as exc:
        col.errors.append(exc)
        return ""
    if required and not value.strip():
        col.add(name, line, f"{key} is empty")
    return value.strip()


def _text_list(col: _Collector, name: str, obj: LineDict, key: str) -> list[str]:
    if key not in obj or obj[key] is None:
        return []
    value = obj[key]
    line = obj.key_lines.get(key, obj.line)
    if not isinstance(value, list):
        col.add(name, line, f"{key} must be a list")
        return []
    out = []
    lines = getattr(value, "item_lines", [line] * len(value))
    for item, item_line in zip(value, lines, strict=False):
        try:
            out.append(scalar_text(item, name, item_line, key).strip())
        except SourceError as exc:
            col.errors.append(exc)
    return out


CHAIN_KEYS = {
    "id",
    "name_zh",
    "name_en",
    "aliases",
    "description_zh",
    "description_en",
    "confidence",
    "source",
    "segments",
    "edges",
}
SEGMENT_KEYS = {"id", "name_zh", "name_en", "stage", "gbt", "products", "note"}
EDGE_KEYS = {"from", "to", "weight", "source", "confidence"}


def _unknown_keys(col: _Collector, name: str, obj: LineDict, allowed: set[str]) -> None:
    for key in obj:
        if key not in allowed:
            col.add(
                name,
                obj.key_lines.get(key, obj.line),
                f"unknown key {key!r}; allowed: {', '.join(sorted(allowed))}",
            )


def _load_chains(root: Path, col: _Collector, codes: set[str]):
    files = sorted((root / "chains").glob("*.yaml"))
    chains, segments, raw_edges = [], [], []
    chain_files: dict[str, str] = {}
    product_lines: dict[str, tuple[str, int]] = {}  # segment key → where its products are
    for path in files:
        name = _rel(root, path)
        try:
            doc = load_yaml(path)
        except SourceError as exc:
            col.errors.append(SourceError(name, exc.line, exc.detail))
            continue
        if not isinstance(doc, LineDict):
            col.add(name, 1, "a chain file must be a YAML mapping with id, name_zh, segments, edges")
            continue
        _unknown_keys(col, name, doc, CHAIN_KEYS)
        cid = _text(col, name, doc, "id")
        if cid and cid != path.stem:
            col.add(name, doc.key_lines.get("id", 1), f"id {cid!r} must equal the file name {path.stem!r}")
        if cid and not SLUG.match(cid):
            col.add(name, doc.key_lines.get("id", 1), f"id {cid!r} must be a lower-case slug")
        if cid in chain_files:
            col.add(
                name, doc.key_lines.get("id", 1), f"duplicate chain id {cid!r} (also in {chain_files[cid]})"
            )
        chain_files[cid] = name
        conf = _text(col, name, doc, "confidence")
        if conf and conf not in CONFIDENCE:
            col.add(
                name,
                doc.key_lines["confidence"],
                f"bad confidence {conf!r}; use one of {', '.join(CONFIDENCE)}",
            )
        chains.append(
            {
                "id": cid,
                "name_zh": _text(col, name, doc, "name_zh"),
                "name_en": _text(col, name, doc, "name_en"),
                "aliases": ";".join(_text_list(col, name, doc, "aliases")),
                "description_zh": _text(col, name, doc, "description_zh", required=False),
                "description_en": _text(col, name, doc, "description_en", required=False),
                "source": _text(col, name, doc, "source"),
                "confidence": conf,
                "file": name,
            }
        )
        segs = doc.get("segments")
        if not isinstance(segs, list) or len(segs) < 2:
            col.add(
                name,
                doc.key_lines.get("segments", doc.line),
                "segments must be a list of at least 2 segments",
            )
            segs = []
        seg_ids: dict[str, int] = {}
        for ordinal, seg in enumerate(segs):
            if not isinstance(seg, LineDict):
                col.add(name, segs.item_lines[ordinal], "each segment must be a mapping")
                continue
            _unknown_keys(col, name, seg, SEGMENT_KEYS)
            sid = _text(col, name, seg, "id")
            if sid and not SLUG.match(sid):
                col.add(name, seg.key_lines["id"], f"segment id {sid!r} must be a lower-case slug")
            if sid in seg_ids:
                col.add(
                    name,
                    seg.key_lines.get("id", seg.line),
                    f"duplicate segment id {sid!r} (first at line {seg_ids[sid]})",
                )
            seg_ids[sid] = seg.line
            stage = _text(col, name, seg, "stage")
            if stage and stage not in STAGES:
                col.add(name, seg.key_lines["stage"], f"bad stage {stage!r}; use one of {', '.join(STAGES)}")
            gbt = _text_list(col, name, seg, "gbt")
            if not gbt:
                col.add(
                    name, seg.key_lines.get("gbt", seg.line), "gbt must list at least one GB/T 4754-2017 code"
                )
            for code in gbt:
                if not GBT_CODE.match(code) or code not in codes:
                    col.add(
                        name,
                        seg.key_lines.get("gbt", seg.line),
                        f"unknown GB/T 4754-2017 code {code!r}; see data/gbt4754_2017.csv",
                    )
            products = _products(col, name, seg)
            product_lines[f"{cid}/{sid}"] = (name, seg.key_lines.get("products", seg.line))
            segments.append(
                {
                    "key": f"{cid}/{sid}",
                    "chain_id": cid,
                    "segment_id": sid,
                    "ordinal": ordinal,
                    "name_zh": _text(col, name, seg, "name_zh"),
                    "name_en": _text(col, name, seg, "name_en"),
                    "stage": stage,
                    "gbt_codes": ";".join(gbt),
                    "products": ";".join(products),
                    "note": _text(col, name, seg, "note", required=False),
                }
            )
        edges = doc.get("edges")
        if edges is None:
            edges = LineList()
            edges.item_lines = []
        if not isinstance(edges, list):
            col.add(name, doc.key_lines.get("edges", doc.line), "edges must be a list")
            edges = []
        for i, edge in enumerate(edges):
            if not isinstance(edge, LineDict):
                col.add(
                    name, edges.item_lines[i], "each edge must be a mapping with from, to, source, confidence"
                )
                continue
            _unknown_keys(col, name, edge, EDGE_KEYS)
            raw_edges.append((name, edge, cid))
    _check_shared_products(col, segments, product_lines)
    return chains, segments, _resolve_edges(col, raw_edges, segments)


def load_chains(root: str | Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Only ``chains/*.yaml`` under ``root``, validated against the GB/T codes: chains, segments, edges.

    For tools that need the chain structure without the rest of the sources (the one-off derivation
    data/derive/edge_evidence.py). Raises :class:`SourceErrors`.
    """
    root = Path(root)
    col = _Collector()
    industries = load_industries(root, col)
    chains, segments, edges = _load_chains(root, col, {r["code"] for r in industries if r["level"] > 1})
    if col.errors:
        raise SourceErrors(col.errors)
    return chains, segments, edges


def _products(col: _Collector, name: str, seg: LineDict) -> list[str]:
    """A segment's ``products`` keywords: optional; text, non-empty, no ';', each once."""
    products = _text_list(col, name, seg, "products")
    line = seg.key_lines.get("products", seg.line)
    seen: set[str] = set()
    for kw in products:
        if not kw or ";" in kw:
            col.add(name, line, f"products: keyword {kw!r} must be non-empty text without ';'")
        elif kw in seen:
            col.add(name, line, f"products: keyword {kw!r} listed twice")
        seen.add(kw)
    return products


def _check_shared_products(
    col: _Collector, segments: list[dict[str, Any]], where: dict[str, tuple[str, int]]
) -> None:
    """Segments sharing a GB/T code must be told apart by their products (docs/chains.md)."""
    from chainlink.base.products import shared_code_groups

    products = {s["key"]: _split_codes(s["products"]) for s in segments}
    reported: set[tuple[str, str]] = set()
    for code, keys in shared_code_groups(segments).items():
        for key in keys:
            others = [k for k in keys if k != key]
            if not products[key]:
                if (key, "none") not in reported:
                    reported.add((key, "none"))
                    col.add(
                        *where[key],
                        f"segment {key} shares GB/T {code} with {', '.join(others)}; "
                        "add products: keywords to tell them apart",
                    )
                continue
            for other in others:
                for kw in sorted(set(products[key]) & set(products[other])):
                    if key < other and (kw, f"{key} {other}") not in reported:
                        reported.add((kw, f"{key} {other}"))
                        col.add(
                            *where[other],
                            f"products: keyword {kw!r} is on both {key} and {other}, which share GB/T "
                            f"{code}; a firm naming {kw} could not be placed; keep it on one",
                        )


def _resolve_edges(col: _Collector, raw_edges, segments) -> list[dict[str, Any]]:
    import networkx as nx

    keys = {s["key"] for s in segments}
    out = []
    seen: dict[tuple[str, str], str] = {}
    graph = nx.DiGraph()
    for name, edge, cid in raw_edges:
        ends = []
        for end in ("from", "to"):
            ref = _text(col, name, edge, end)
            key = ref if "/" in ref else f"{cid}/{ref}"
            if ref and key not in keys:
                col.add(
                    name,
                    edge.key_lines.get(end, edge.line),
                    f"edge {end} {ref!r}: no such segment (dangling edge)",
                )
            ends.append(key)
        line = edge.line
        if ends[0] == ends[1]:
            col.add(name, line, f"edge from {ends[0]} to itself")
        pair = (ends[0], ends[1])
        if pair in seen:
            col.add(name, line, f"duplicate edge {ends[0]} → {ends[1]} (also {seen[pair]})")
        seen[pair] = f"{name}:{line}"
        conf = _text(col, name, edge, "confidence")
        if conf and conf not in CONFIDENCE:
            col.add(
                name,
                edge.key_lines["confidence"],
                f"bad confidence {conf!r}; use one of {', '.join(CONFIDENCE)}",
            )
        source = _text(col, name, edge, "source")
        weight = edge.get("weight")
        if weight is not None and (
            isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight <= 1
        ):
            col.add(name, edge.key_lines["weight"], f"weight {weight!r} must be a number in (0, 1]")
            weight = None
        graph.add_edge(*pair, where=f"{name}:{line}")
        out.append(
            {
                "chain_id": cid,
                "from_key": ends[0],
                "to_key": ends[1],
                "weight": float(weight) if weight is not None else None,
                "weight_source": "file" if weight is not None else "",
                "source": source,
                "confidence": conf,
                "file": name,
            }
        )
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        cycle = None
    if cycle:
        where = graph.edges[cycle[0][0], cycle[0][1]]["where"]
        path, _, line = where.rpartition(":")
        loop = " → ".join([u for u, _ in cycle] + [cycle[0][0]])
        col.add(path, int(line), f"cycle in the chain graph: {loop}; remove one edge")
    return out


CKG_RELATIONS = ("上游材料", "下游产品")
CKG_COLUMNS = [
    "from_key",
    "to_key",
    "relation",
    "upstream_product",
    "downstream_product",
    "upstream_keyword",
    "downstream_keyword",
    "source",
    "confidence",
]


def _load_edge_evidence_ckg(
    root: Path, col: _Collector, segments: list[dict[str, Any]], edges: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """ChainKnowledgeGraph product relations behind chain edges (``data/edge_evidence_ckg.csv``).

    Derived once by data/derive/edge_evidence.py; every row must still fit: its edge exists and each
    product is one of its segment's ``products`` keywords (equal or ending with it).
    """
    from chainlink.base.products import product_matches

    path = root / "data" / "edge_evidence_ckg.csv"
    name = _rel(root, path)
    products = {s["key"]: _split_codes(s.get("products", "")) for s in segments}
    edge_keys = {(e["from_key"], e["to_key"]) for e in edges}
    rerun = "re-run data/derive/edge_evidence.py (docs/chains.md)"
    out, seen = [], {}
    for line, row in read_csv_rows(path, CKG_COLUMNS, name):
        u, v = row["from_key"], row["to_key"]
        bad_end = [k for k in (u, v) if k not in products]
        if bad_end:
            col.add(name, line, f"{bad_end[0]!r} is not a segment of chains/*.yaml; {rerun}")
            continue
        if (u, v) not in edge_keys:
            col.add(name, line, f"no chain edge {u} → {v}; {rerun}")
            continue
        if row["relation"] not in CKG_RELATIONS:
            col.add(name, line, f"bad relation {row['relation']!r}; use one of {', '.join(CKG_RELATIONS)}")
        for end, key in (("upstream", u), ("downstream", v)):
            kw, product = row[f"{end}_keyword"], row[f"{end}_product"]
            if kw not in products[key]:
                col.add(name, line, f"{end}_keyword {kw!r} is not in the products of {key}; {rerun}")
            elif not product_matches(product, kw):
                col.add(name, line, f"{end}_product {product!r} does not end with its keyword {kw!r}")
        ident = "|".join(row[c] for c in CKG_COLUMNS[:5])
        col.unique(name, line, seen, ident, "row")
        _check_common(col, name, line, row)
        out.append({c: row[c] for c in CKG_COLUMNS})
    return sorted(out, key=lambda r: tuple(r[c] for c in CKG_COLUMNS[:5]))
