"""Scores checked by hand: the components of known suggestions, recomputed independently."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from chainlink.base.industries import code_match
from chainlink.scoring.model import Model
from chainlink.scoring.presets import load_preset
from chainlink.scoring.suggest import suggest_for_county
from chainlink.store.registry import Registry

ROOT = Path(__file__).resolve().parent.parent


def io_weight_by_hand(row: str, col: str) -> float:
    """a_ij / max_{k≠j} a_kj straight from the NBS CSV, without chainlink.inputoutput."""
    with open(ROOT / "data" / "io" / "china_2020_153.csv", encoding="utf-8") as fh:
        table = {r["Code"]: r for r in csv.DictReader(fh)}
    sectors = [c for c in table if c.isdigit() and len(c) == 3]
    go = float(table[col]["GO"])
    a = {k: float(table[k][col]) / go for k in sectors if k != col}
    return a[row] / max(a.values())


@pytest.mark.parametrize(
    ("held", "segment", "expected"),
    [
        ("3443", "3443", 1.0),
        ("3443", "344", 0.9),
        ("344", "3443", 0.8),
        ("34", "3443", 0.6),
        ("3", "3443", 0.0),
        ("1952", "195", 0.9),
        ("2925", "3443", 0.0),
    ],
)
def test_code_match_table(held: str, segment: str, expected: float) -> None:
    assert code_match(held, segment) == expected


def test_worked_example_qingtian(real_db: Path) -> None:
    """docs/scoring.md: 皮革鞣制 for 青田 through 宁波经开区, every component and the score by hand."""
    model = Model(Registry.open(real_db))
    rows = suggest_for_county(model, "331121", top=None, partner="ningbo-etdz").suggestions
    top = next(s for s in rows if s.segment_key == "synthetic-leather-footwear/natural-leather")
    assert top.relation == "fill" and top.partner_id == "ningbo-etdz"
    assert top.holding is not None and top.holding.fact_id == "331121-1"  # 鞋革 → 鞋 (data/holdings.csv H053)
    expected = {
        "chain_fit": 1.0,  # strength 1.0, one hop: 0.5^0
        "link": round(io_weight_by_hand("033", "034"), 6),
        "gap": 1.0,  # fill
        "pairing": 0.8,  # zone pair
        "partner_fit": WORKED_PARTNER_FIT,  # 宁波经开区's profile (data/partner_industries.csv)
        "io": 1.0,  # R(033 皮革鞣制, 034 鞋革) = 1 in the NBS 2020 relatedness table
        "density": top.components["density"],  # checked against chainlink.metrics.density in test_geography.py
        "policy": 0.1,  # 制革 1910 is on the 2008 MEP heavy-pollution list
        "evidence": 0.5,  # the 皮革鞣制 → 鞋 edge is unverified
        "landing": 1.0,  # county platform (青田 has no restricting ecological status)
    }
    assert top.components == pytest.approx(expected, abs=1e-6)
    weights = load_preset()["weights"]
    by_hand = sum(weights[k] * v for k, v in expected.items()) / sum(weights.values())
    assert top.fact_confidence == "sourced"  # the factor is 1.0
    assert top.score == pytest.approx(by_hand, abs=1e-6)
    assert top.score == pytest.approx(WORKED_SCORE_WITHOUT_DENSITY + 0.05 * top.components["density"], abs=1e-6)


WORKED_PARTNER_FIT = 0.0
# 0.20·1 + 0.05·1 + 0.10·1 + 0.10·0.8 + 0.25·fit + 0.10·1 + 0.05·0.1 + 0.05·0.5 + 0.05·1 (weights sum to 1)
WORKED_SCORE_WITHOUT_DENSITY = 0.61 + 0.25 * WORKED_PARTNER_FIT


def test_two_hop_fill_in_mini_registry(shared_mini_db: Path) -> None:
    """Mini chains: 原油加工 → 合成树脂 → 合成革 → 皮鞋 (held by 青田). Resin is two hops up."""
    model = Model(Registry.open(shared_mini_db))
    answer = suggest_for_county(model, "331121", top=None)
    resin = next(s for s in answer.suggestions if s.segment_key == "petrochemical/resin")
    assert resin.relation == "fill" and resin.hops == 2
    assert resin.components["chain_fit"] == pytest.approx(0.5)  # 1.0 · 0.5^(2−1)
    # resin (2651 → sector 047) → synthetic leather (2925 → 053) → leather shoes (1952 → 034)
    link = io_weight_by_hand("047", "053") * io_weight_by_hand("053", "034")
    assert resin.components["link"] == pytest.approx(link, abs=1e-6)
    assert resin.components["pairing"] == 0.8  # 宁波经开区 zone pair beats the two 0.6 county pairs
    assert sorted(resin.other_partners) == ["330482", "330683"]
    # the weakest confidence: the mini chain edges are unverified except resin → leather (sourced)
    assert resin.confidence == "unverified"


def test_dual_chain_pilot_pairing_value(real_db: Path) -> None:
    """莲都区 (丽水经开区) ↔ 宁波石化经开区 is a dual-chain pilot named for petrochemical and synthetic leather."""
    model = Model(Registry.open(real_db))
    pilot = next(p for p in model.pairings_of("331102") if p["partner_id"] == "ningbo-petrochem-etdz")
    assert model.pairing_value(pilot, "synthetic-leather-footwear") == 1.0
    assert model.pairing_value(pilot, "pumps-valves") == 0.9
    answer = suggest_for_county(model, "331102", partner="ningbo-petrochem-etdz", top=None)
    assert answer.suggestions and all(s.partner_id == "ningbo-petrochem-etdz" for s in answer.suggestions)
    leather = [s for s in answer.suggestions if s.chain_id == "synthetic-leather-footwear"]
    assert leather and all(s.components["pairing"] == 1.0 for s in leather)


def test_partner_fit_from_partner_industries(real_db: Path) -> None:
    model = Model(Registry.open(real_db))
    # 宁波石化经开区's profile row Z95 lists 2511 refining and 2651 synthetic rubber/polyurethane (the same class as
    # the segments: 1.0, with the row's quote); Z01 (chemicals, 25;26) alone would give only division level (0.5).
    fit, reason = model.partner_fit("ningbo-petrochem-etdz", "petrochemical/polyurethane")
    assert fit == 1.0 and "2651，同类" in reason and "精细化工" in reason
    assert model.partner_fit("ningbo-petrochem-etdz", "petrochemical/crude-oil-refining")[0] == 1.0
    assert model.partner_fit("ningbo-petrochem-etdz", "pumps-valves/valves") == (0.0, "")
    # 梅山 is part of 宁波经开区: the family shares named industries.
    assert model.partner_family("meishan-bonded") == {"meishan-bonded", "ningbo-etdz"}


def test_county_without_pairing(real_db: Path) -> None:
    model = Model(Registry.open(real_db))
    answer = suggest_for_county(model, "330324")  # 永嘉
    assert "no sourced pairing: partner unknown" in answer.missing
    assert answer.suggestions and all(s.components["pairing"] == 0.0 for s in answer.suggestions)


def test_ranking_is_sorted_and_deterministic(real_db: Path) -> None:
    model = Model(Registry.open(real_db))
    a = suggest_for_county(model, "330881", top=None).suggestions
    b = suggest_for_county(Model(Registry.open(real_db)), "330881", top=None).suggestions
    assert [(s.segment_key, s.partner_id, s.score) for s in a] == [
        (s.segment_key, s.partner_id, s.score) for s in b
    ]
    assert [s.score for s in a] == sorted((s.score for s in a), reverse=True)
    assert [s.rank for s in a] == list(range(1, len(a) + 1))
