"""A county's chain gaps: the segments its holdings reach up and down the chains.

:func:`chain_candidates` walks the chain graph from every segment the county holds on evidence
(:meth:`chainlink.scoring.model.Model.county_holdings`) within ``max_hops``: upstream segments not held
(补链 fill), downstream ones (延链 extend) and the held segments themselves (强链 strengthen).
:func:`gaps_for` lists them as :class:`Gap` rows (``chainlink gaps``); county suggestions
(:func:`chainlink.scoring.suggest.suggest_for_county`) start from the same candidates.
"""

from __future__ import annotations

from dataclasses import dataclass

from chainlink.base.vocabulary import RELATIONS, weakest
from chainlink.scoring.model import Model
from chainlink.scoring.records import Holding

__all__ = ["Gap", "chain_candidates", "gaps_for"]


def chain_candidates(model: Model, holdings: dict[str, Holding]) -> dict[str, tuple[str, list[str], Holding]]:
    """Segment key → (relation, path, holding) with the strongest chain fit per segment: every segment within
    ``max_hops`` up- (fill) or downstream (extend) of a held segment and not held, and the held ones (strengthen).
    What :func:`gaps_for` lists and :func:`chainlink.scoring.suggest.suggest_for_county` starts from."""
    from chainlink.network.graph import hops_downstream, hops_upstream

    graph = model.graph
    max_hops = int(model.preset.get("max_hops", 2))
    decay = float(model.preset.get("decay", 0.5))
    best: dict[str, tuple[float, str, list[str], Holding]] = {}

    def offer(seg: str, relation: str, path: list[str], holding: Holding) -> None:
        fit = holding.strength * decay ** max(0, len(path) - 2)
        current = best.get(seg)
        if current is None or (fit, -RELATIONS.index(relation)) > (current[0], -RELATIONS.index(current[1])):
            best[seg] = (fit, relation, path, holding)

    for key in sorted(holdings):
        holding = holdings[key]
        offer(key, "strengthen", [key], holding)
        for seg, path in hops_upstream(graph, key, max_hops).items():
            if seg not in holdings:
                offer(seg, "fill", path, holding)
        for seg, path in hops_downstream(graph, key, max_hops).items():
            if seg not in holdings:
                offer(seg, "extend", path, holding)
    return {seg: (rel, path, holding) for seg, (_, rel, path, holding) in best.items()}


@dataclass
class Gap:
    """A gap in a county's chains: a missing upstream link (补链), a downstream extension (延链) or a
    thinly held segment (强链), with the chain path that makes it one."""

    relation: str
    segment_key: str
    segment_zh: str
    segment_en: str
    chain_id: str
    chain_zh: str
    path: list[str]
    path_zh: str
    via_industry_zh: str
    via_code: str
    reason: str
    confidence: str


def gaps_for(model: Model, county_code: str, *, chain: str | None = None) -> list[Gap]:
    """Every gap of the county within ``max_hops`` of its held segments (see :class:`Gap`).

    补链: an upstream segment not held; 延链: a downstream one not held; 强链: a held segment that is
    held thinly — by a generic name (strength < 0.9), an unverified fact or a weak source.
    """
    from chainlink.network.graph import path_confidence

    graph = model.graph
    holdings = model.county_holdings(county_code)
    facts = {f["id"]: f for f in model.county_facts(county_code)}
    out = []
    for seg, (relation, path, holding) in sorted(chain_candidates(model, holdings).items()):
        node = graph.nodes[seg]
        if chain and node["chain_id"] != chain:
            continue
        reason = ""
        if relation == "strengthen":
            thin = []
            if holding.strength < 0.9:
                thin.append(f"the industry names the segment only generally (strength {holding.strength:.1f})")
            if holding.confidence != "sourced":
                thin.append(f"the fact is {holding.confidence}")
            if "weak" in (facts.get(holding.fact_id, {}).get("note") or ""):
                thin.append("weak source")
            if not thin:
                continue
            reason = "; ".join(thin)
        else:
            side = "upstream" if relation == "fill" else "downstream"
            reason = f"{len(path) - 1} step(s) {side} of {holding.segment}, not held"
        out.append(
            Gap(
                relation=relation,
                segment_key=seg,
                segment_zh=node["name_zh"],
                segment_en=node["name_en"],
                chain_id=node["chain_id"],
                chain_zh=model.chains[node["chain_id"]]["name_zh"],
                path=path,
                path_zh=" → ".join(graph.nodes[k]["name_zh"] for k in path),
                via_industry_zh=holding.industry_zh,
                via_code=holding.held_code,
                reason=reason,
                confidence=weakest(holding.confidence, path_confidence(graph, path)),
            )
        )
    order = {r: i for i, r in enumerate(RELATIONS)}
    out.sort(key=lambda g: (order[g.relation], len(g.path), g.chain_id, g.segment_key))
    return out
