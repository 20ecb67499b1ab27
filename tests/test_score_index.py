"""The scoring shortcuts (indexes, one-pass partner values, rows made into suggestions only when kept)
give the answers of the plain definitions, recomputed here by brute force over every segment."""

from __future__ import annotations

import functools
import random
import shutil
from pathlib import Path

import pytest

from chainlink.base.industries import best_match, split_codes
from chainlink.scoring import components as C
from chainlink.scoring.model import Model
from chainlink.scoring.suggest import suggest_for_county
from chainlink.store.registry import Registry


@pytest.fixture(scope="module")
def model(real_db: Path) -> Model:
    return Model(Registry.open(real_db))


@functools.cache
def _chain_codes(model: Model, chain: str) -> list[list[str]]:
    """The codes of every segment of ``chain``, in the graph's order (the same for every partner and segment)."""
    return [d["codes"] for k, d in model.graph.nodes(data=True) if k.split("/")[0] == chain]


@functools.cache
def _partner_firms(model: Model, pid: str) -> list[dict]:
    """Every firm in the partner's places or family, in the model's order (the same for every segment)."""
    places, family = model.partner_places(pid), model.partner_family(pid)
    return [f for f in model._firms if f.get("place_code") in places or f.get("partner_id") in family]


def fit_by_hand(model: Model, pid: str, key: str) -> tuple[float, int]:
    """Partner fit (value, evidence count) as docs/scoring.md defines it, over every code pair and every
    segment of the chain: no index, no memo (but for the two lists above, which depend on the chain or the
    partner only)."""
    values = model.partner_fit_values
    graph = model.graph
    codes = graph.nodes[key]["codes"]
    chain = key.split("/")[0]
    seg_sectors = set(model.sectors_of(codes))
    evidence: list[tuple[float, str]] = []
    for row in model.partner_profile(pid):
        pcodes = split_codes(row["gbt_codes"])
        best = max((C.code_closeness(pc, sc, values)[0] for pc in pcodes for sc in codes), default=0.0)
        if best == 0 and seg_sectors & set(model.sectors_of(pcodes)):
            best = values["io_sector"]
        if best == 0 and any(best_match(pcodes, other)[0] >= 0.8 for other in _chain_codes(model, chain)):
            best = values["chain"]
        if best > 0:
            evidence.append((best, row["confidence"]))
    family = model.partner_family(pid)
    mine = _partner_firms(model, pid)
    on = [f for f in mine if f["segment_key"] == key]
    near = set(graph.predecessors(key)) | set(graph.successors(key))
    evidence += [(values["firm"], f.get("confidence") or "sourced") for f in on]
    if not on:
        evidence += [(values["adjacent_firm"], f.get("confidence") or "sourced") for f in mine if f["segment_key"] in near]
    projects = [p for p in model.open_projects.get(key, []) if p["origin_id"] in family]
    evidence += [(values["project"], p["confidence"]) for p in projects if p["confidence"] != "sample"]
    factors = model.confidence_factor | {"sample": 0.0}
    value = round(max((v * factors[c] for v, c in evidence), default=0.0), 6)
    return value, sum(1 for v, _ in evidence if v > 0)


def test_partner_fit_on_every_segment_as_defined(model: Model) -> None:
    partners = sorted({p.partner_id for p in model.pairings})
    rng = random.Random(14)
    checked = 0
    for pid in partners:
        keys = sorted(model.graph.nodes)
        # every segment the partner reaches, and a sample of the others (where the answer is (0, 0))
        reached = set(model.partner_segments(pid))
        sample = reached | set(rng.sample(keys, 40))
        for key in sorted(sample):
            expected = fit_by_hand(model, pid, key)
            detail = model.partner_fit_detail(pid, key)
            assert model.partner_fit_value(pid, key) == expected, (pid, key)
            assert (detail.value, detail.n_evidence) == expected, (pid, key)
            assert bool(detail.reason_zh) == bool(detail.reason_en) == (expected[0] > 0)
            checked += 1
    assert checked > 3000


def test_partner_segments_as_defined(model: Model) -> None:
    threshold = float(model.preset["partner_fit_min"])
    for pid in sorted({p.partner_id for p in model.pairings})[:12]:
        expected = [k for k in sorted(model.graph.nodes) if fit_by_hand(model, pid, k)[0] >= threshold]
        assert model.partner_segments(pid) == expected, pid


def test_overlap_holdings_scan_every_segment(model: Model) -> None:
    threshold = float(model.preset["overlap_threshold"])
    for code in sorted(model.counties):
        held = model.county_holdings(code)
        expected: dict[str, tuple[float, str]] = {}
        for fact in model.county_facts(code):
            codes = split_codes(fact["gbt_codes"])
            for key, node in model.graph.nodes(data=True):
                strength, held_code, _ = best_match(codes, node["codes"])
                if key not in held and strength >= threshold and strength > expected.get(key, (0.0, ""))[0]:
                    expected[key] = (strength, held_code)
        found = model.overlap_holdings(code)
        assert {k: (h.strength, h.held_code) for k, h in found.items()} == expected, code


def test_total_is_the_weighted_mean(model: Model) -> None:
    rng = random.Random(3)
    names = list(model.preset["weights"]) + ["unweighted"]
    for _ in range(2000):
        components = {k: rng.choice([0.0, 1.0, 0.25, round(rng.random(), 6)]) for k in rng.sample(names, rng.randint(1, len(names)))}
        assert model.total(components) == C.total(components, model.preset["weights"])


def test_user_firm_gives_the_partner_a_segment(real_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An imported firm of 平湖 on a segment where 平湖 had no evidence: its fit, the segments it offers 青田
    and 青田's suggestions change (nothing about the reference data is precomputed)."""
    from chainlink.imports import import_file

    db = tmp_path / "registry.db"
    shutil.copyfile(real_db, db)
    monkeypatch.delenv("CHAINLINK_DB", raising=False)
    monkeypatch.setenv("CHAINLINK_USER_DB", str(tmp_path / "user.db"))
    key, pid = "bamboo-wood/bamboo-charcoal", "330482"  # 平湖市, paired with 青田 (331121)
    before = Model(Registry.open(db))
    assert before.partner_fit_value(pid, key) == (0.0, 0)
    assert key not in before.partner_segments(pid)
    assert all(s.segment_key != key for s in suggest_for_county(before, "331121", top=None).suggestions)

    (tmp_path / "firms.csv").write_text(
        "统一社会信用代码,企业名称,所在园区,产业链环节,可信度,来源\n"
        "91330482MA2AQ0001P,平湖竹炭测试有限公司,330482,bamboo-wood/bamboo-charcoal,sourced,https://example.org/a\n",
        encoding="utf-8",
    )
    import_file("enterprises", tmp_path / "firms.csv", db)
    after = Model(Registry.open(db))
    assert after.partner_fit_value(pid, key) == (1.0, 1) == fit_by_hand(after, pid, key)
    assert key in after.partner_segments(pid)
    rows = [s for s in suggest_for_county(after, "331121", top=None, by_partner=True).suggestions if s.segment_key == key]
    assert [(s.partner_id, s.partner_evidence, s.components["partner_fit"]) for s in rows] == [(pid, 1, 1.0)]
    assert "平湖竹炭测试有限公司" in rows[0].partner_fit_reason_zh


def test_compiled_presets_in_step() -> None:
    """chainlink/presets/compiled.json holds the shipped presets as parsed now (regenerate: see
    :func:`chainlink.scoring.presets.compiled_presets`), and load_preset gives what the YAML parser gives."""
    import chainlink.scoring.presets as S
    from chainlink.base.yamlstrict import load_yaml

    assert S.COMPILED_PRESETS.read_text(encoding="utf-8") == S.compiled_presets()
    for name in ("default",):
        assert repr(S.load_preset(name)) == repr(load_yaml(S.PRESET_DIR / f"{name}.yaml"))


def test_edited_preset_is_parsed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A shipped preset edited after compiled.json was written is read from its YAML (and still checked)."""
    import chainlink.scoring.presets as S
    from chainlink.errors import DataError

    presets = tmp_path / "presets"
    presets.mkdir()
    text = (S.PRESET_DIR / "default.yaml").read_text(encoding="utf-8")
    (presets / "default.yaml").write_text(text.replace("decay: 0.5 ", "decay: 0.25"), encoding="utf-8")
    (presets / "compiled.json").write_text(S.COMPILED_PRESETS.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(S, "PRESET_DIR", presets)
    monkeypatch.setattr(S, "COMPILED_PRESETS", presets / "compiled.json")
    assert S.load_preset("default")["decay"] == 0.25
    (presets / "default.yaml").write_text(text.replace("chain_fit: 0.20", "chain_fit: -1"), encoding="utf-8")
    with pytest.raises(DataError, match=r"default.yaml:\d+: weight chain_fit must be a number"):
        S.load_preset("default")


def test_relatedness_read_by_sector_equals_the_table(model: Model) -> None:
    import sqlite3

    conn = sqlite3.connect(model.registry.path)
    table = {(a, b): v for a, b, v in conn.execute("SELECT sector_1, sector_2, value FROM io_relatedness WHERE year = 2020")}
    related = model._io[1]
    for (a, b), v in list(table.items())[::97]:
        assert related.get((a, b)) == related[a, b] == v
        assert related.get((b, "999"), 0.0) == table.get((b, "999"), 0.0)
    assert dict(related.items()) == table and len(related) == len(table)


def test_row_total_is_the_density_denominator(model: Model) -> None:
    """``_Relatedness.row_total`` (Σ_j φ_ij by ``map``) is density_of's denominator to the last bit, for every
    sector; and where a row holds its own sector (none does in the registry), that value is left out as well."""
    related, products = model._io[1], model.io_products
    for sector in products:
        expected = 1.0 + sum(related.get((sector, j), 0.0) for j in products if j != sector)
        assert related.row_total(sector, products) == expected, sector
    first = products[0]
    row = related._row(first)
    row[first] = 0.125  # a diagonal value: not part of the sum
    try:
        expected = 1.0 + sum(related.get((first, j), 0.0) for j in products if j != first)
        assert related.row_total(first, products) == expected
    finally:
        del row[first]


def test_policy_favours_codes_under_a_favoured_code(model: Model) -> None:
    """``Model.policy_value``'s favoured test (a code that is, or lies under, a favoured code) is the
    ``best_match(codes, favoured) >= 0.9`` it replaced, on every code of the registry's classification."""
    policy = model.preset["policy"]
    favoured = list(policy["favoured"]["codes"])
    codes = [r["code"] for r in model.registry.industries] + ["", "2", "72", "722", "72241"]
    for code in codes:
        expected_favoured = best_match([code], favoured)[0] >= 0.9
        expected = C.policy(model.is_polluting([code]), expected_favoured,
                            {"favoured": policy["favoured"]["value"], "sensitive": policy["sensitive"]["value"],
                             "default": policy["default"]})  # fmt: skip
        assert model.policy_value([code]) == expected, code
