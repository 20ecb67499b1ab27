"""A suggestion's confidence is the weakest of its facts (the holding, the chain path, the pairing; at most
``unverified`` without a holding) and its fact confidence the weakest of the holding and the pairing — the plain
definitions, checked on every row of every county (``suggest_for_county`` computes them inline)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from chainlink.base.vocabulary import weakest
from chainlink.network.graph import path_confidence
from chainlink.scoring.model import Model
from chainlink.scoring.suggest import suggest_for_county
from chainlink.store.registry import Registry


def test_row_confidence_is_the_weakest_fact(real_db: Path) -> None:
    model = Model(Registry.open(real_db))
    # one more unverified pairing (P021, 丽水 莲都 – 宁波 江北) besides P056, whose partner P055 also pairs with 莲都
    model.__dict__["pairings"] = [
        dataclasses.replace(p, confidence="unverified") if p.id == "P021" else p for p in model.pairings
    ]
    pairings = {p.id: p for p in model.pairings}
    seen: set[tuple[str, str]] = set()
    for county in sorted(model.counties):
        for s in suggest_for_county(model, county, top=None, by_partner=True).suggestions:
            h, pairing = s.holding, pairings.get(s.pairing_id)
            facts = [h.confidence, path_confidence(model.graph, s.path)] if h is not None else ["sourced", "unverified"]
            held = [h.confidence] if h is not None else ["sourced"]
            if pairing is not None:
                facts.append(pairing.confidence)
                held.append(pairing.confidence)
            assert s.confidence == weakest(*facts), (county, s.segment_key, s.pairing_id)
            assert s.fact_confidence == weakest(*held), (county, s.segment_key, s.pairing_id)
            seen.add((s.confidence, s.holding.confidence if s.holding else "", pairing.confidence if pairing else ""))
    assert {("unverified", "sourced", "unverified"), ("sourced", "sourced", "sourced")} <= seen
    assert ("unverified", "", "sourced") in seen  # a row without a holding
