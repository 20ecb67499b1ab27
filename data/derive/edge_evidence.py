"""One-off derivation of data/edge_evidence_ckg.csv (run by hand; never by build or tests).

Reads the ChainKnowledgeGraph product → product relations (JSON Lines with ``from_entity``,
``to_entity``, ``rel``; the file ``product_product.jsonl`` recovered from SOVLOOKUP/ChainKnowledgeGraph-sql,
see docs/data.md) and the chains with their ``products:`` keywords, and writes every relation that
joins the two ends of a chain edge:

- ``上游材料`` (A, B): B is an upstream material of A → evidence for an edge u → v when B is a product
  of u and A a product of v;
- ``下游产品`` (A, B): B is a downstream product of A → evidence for u → v when A is of u and B of v.

"Is a product of a segment" is :func:`chainlink.base.products.product_matches`: the product name equals one
of the segment's keywords or ends with it (Chinese compounds are head-final: 调节阀 is a 阀).

Usage (from the repository root; the input path is given explicitly, nothing outside the project is
read by default):

    python data/derive/edge_evidence.py PATH/TO/product_product.jsonl > data/edge_evidence_ckg.csv

then ``chainlink build``. Re-run it after changing a segment's ``products`` or an edge; ``build`` refuses
rows whose keywords or edge no longer exist.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from chainlink.base.products import product_matches, split_products  # noqa: E402
from chainlink.sources import CKG_COLUMNS as COLUMNS  # noqa: E402
from chainlink.sources import load_chains  # noqa: E402

SOURCE = (
    "ChainKnowledgeGraph product relations (github liuhuanyong/ChainKnowledgeGraph, recovered from "
    "SOVLOOKUP/ChainKnowledgeGraph-sql commit 9587d88); rule-extracted, noisy"
)
RELATIONS = {"上游材料": "material", "下游产品": "product"}


def keyword_index(segments: list[dict]) -> dict[str, list[tuple[str, str]]]:
    """Lower-cased keyword → [(segment key, keyword as written)]."""
    index: dict[str, list[tuple[str, str]]] = {}
    for s in segments:
        for kw in split_products(s.get("products")):
            index.setdefault(kw.lower(), []).append((s["key"], kw))
    return index


def segments_of(product: str, index: dict[str, list[tuple[str, str]]], longest: int) -> dict[str, str]:
    """Segment key → keyword, for the segments whose keyword is the longest that ``product`` is.

    Longest only: 聚氯乙烯 is a resin (keyword 聚氯乙烯), not an olefin (keyword 乙烯); 调节阀 is a control
    valve (调节阀), not only a valve (阀).
    """
    low = product.lower()
    for n in range(min(len(low), longest), 0, -1):
        out = {key: kw for key, kw in index.get(low[-n:], []) if product_matches(product, kw)}
        if out:
            return out
    return {}


def derive(relations_path: Path) -> list[dict[str, str]]:
    """The evidence rows, sorted and without duplicates."""
    _, segments, edges = load_chains(ROOT)
    index = keyword_index(segments)
    longest = max(len(k) for k in index)
    succ: dict[str, set[str]] = {}
    for e in edges:
        succ.setdefault(e["from_key"], set()).add(e["to_key"])
    rows: dict[tuple[str, ...], dict[str, str]] = {}
    with open(relations_path, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            rel = rec.get("rel")
            if rel not in RELATIONS:
                continue
            a, b = rec["from_entity"].strip(), rec["to_entity"].strip()
            up, down = (b, a) if rel == "上游材料" else (a, b)
            if not up or not down or up == down:
                continue
            ups = segments_of(up, index, longest)
            if not ups:
                continue
            downs = segments_of(down, index, longest)
            for u, ukw in ups.items():
                for v in succ.get(u, ()):
                    if v in downs:
                        row = {
                            "from_key": u,
                            "to_key": v,
                            "relation": rel,
                            "upstream_product": up,
                            "downstream_product": down,
                            "upstream_keyword": ukw,
                            "downstream_keyword": downs[v],
                            "source": SOURCE,
                            "confidence": "unverified",
                        }
                        rows[tuple(row[c] for c in COLUMNS[:5])] = row
    return [rows[k] for k in sorted(rows)]


def main(argv: list[str]) -> int:
    """Write the CSV to stdout."""
    if len(argv) != 1:
        print("usage: python data/derive/edge_evidence.py PATH/TO/product_product.jsonl", file=sys.stderr)
        return 2
    writer = csv.DictWriter(sys.stdout, COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(derive(Path(argv[0])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
