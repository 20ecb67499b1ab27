"""chainlink.plan: the registry and a scenario made into an allocation, checked against an independent reference.

The reference recomputes everything the plan decides from public pieces: scores from ``rank_destinations``
(what ``match --project`` shows), quotas from the scenario or the documented SAMPLE values, the default
ecological restriction, the enclave discount, and then the optimum by enumerating every assignment.
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import pytest

from chainlink.errors import DataError
from chainlink.plan import (
    DEFAULT_MAX_POLLUTION,
    ENCLAVE_DISCOUNT,
    SAMPLE_ENERGY_TCE,
    SAMPLE_LAND_MU,
    build_plan,
    diff_runs,
    dump_run,
    explain,
    find_destinations,
    find_project,
    load_run,
    read_projects,
    run_plan,
)
from chainlink.sources.scenario import read_scenario
from chainlink.store.registry import Registry

SCENARIOS = Path(__file__).resolve().parent / "data" / "scenarios"
SMALL_PROJECTS = SCENARIOS / "small_projects.yaml"
SMALL = SCENARIOS / "small.yaml"
LIANDU, QINGTIAN, TIANTAI, SANMEN = "331102", "331121", "331023", "331022"
BAY = "ningbo-hangzhou-bay@331102"
# one per (enclave, county): partner enclaves (rule 1) and the enclave pairings of data/pairings.csv (rule 2)
ENCLAVES = [
    "330102@330881",
    "330106@330127",
    "330111@331122",
    "330212@330803",
    "330282@330822",
    "330381@330328",
    "330382@330326",
    "330421@331126",
    "330482@331121",
    "330782@331102",
    "330784@330723",  # P068, the 永康—武义 产业飞地 agreement (2022)
    "hangzhou-etdz@330825",
    "huzhou-nantaihu@331126",
    "keqiao-jiangshan-park@330881",
    BAY,
    "shaoxing-binhai@330824",
    "xiaolong-park@331181",
]
CLASS = {"low": 0, "medium": 1, "high": 2}


@pytest.fixture(scope="module")
def registry(real_db: Path) -> Registry:
    return Registry.open(real_db)


@pytest.fixture(scope="module")
def small_run(registry: Registry):
    plan = build_plan(registry, scenario=read_scenario(SMALL), projects_file=SMALL_PROJECTS)
    record, result = run_plan(plan)
    return plan, record, result


def reference_scores(registry: Registry) -> dict[str, dict[str, float]]:
    """project id → county → the `match --project` score, via rank_destinations (not the plan's code)."""
    from chainlink.scoring.model import Model
    from chainlink.scoring.projects import rank_destinations
    from chainlink.store.resolve import Resolver

    model, resolver = Model(registry), Resolver.from_registry(registry)
    out = {}
    for pr in read_projects(SMALL_PROJECTS):
        answer = rank_destinations(model, pr.scoring_dict(), resolver, top=None, any_pair=True)
        out[pr.id] = {s.county_code: s.score for s in answer.suggestions}
    return out


def test_destinations_follow_the_documented_rules(registry: Registry) -> None:
    from chainlink.scoring.model import Model

    dests = find_destinations(Model(registry))
    platforms = [d for d in dests if d.kind == "platform"]
    assert [d.id for d in platforms] == sorted(c["code"] for c in registry.counties)
    assert [d.id for d in dests if d.kind == "enclave"] == ENCLAVES
    by_id = {d.id: d for d in dests}
    # Rule 1: 萧龙科创园 serves 龙泉 (a sourced project landed there); the enclave pairing P044 with its host
    # district 萧山区 (330109) is the same enclave and adds none; rule 2: 杭州湾新区 for 莲都 (pairing P023).
    assert "330109@331181" not in by_id
    assert "PRJ004" in by_id["xiaolong-park@331181"].basis and "P023" in by_id[BAY].basis
    assert by_id["331122"].platforms == ["jinyun-edz", "sino-german-jinyun-park"]
    for d in dests:
        assert (d.land_cap, d.energy_cap) == (SAMPLE_LAND_MU[d.kind], SAMPLE_ENERGY_TCE[d.kind])
        assert (d.land_source, d.energy_source, d.max_pollution) == (
            "sample",
            "sample",
            DEFAULT_MAX_POLLUTION,
        )


def test_small_scenario_optimum_by_brute_force(registry: Registry, small_run) -> None:
    plan, record, result = small_run
    scores = reference_scores(registry)
    caps = {
        LIANDU: (100, 10000),
        QINGTIAN: (60, 10000),
        BAY: (45, 5000),
        "330782@331102": (0, SAMPLE_ENERGY_TCE["enclave"]),
        "330482@331121": (0, SAMPLE_ENERGY_TCE["enclave"]),
        TIANTAI: (20, 20000),
        SANMEN: (0, 20000),
    }
    limit = {LIANDU: "high"}
    projects = read_projects(SMALL_PROJECTS)
    dest_ids = [d.id for d in plan.destinations]
    options = []
    for pr in projects:
        mine = [None]
        for did in dest_ids:
            county = did.split("@")[-1]
            if county not in scores[pr.id]:
                continue
            if CLASS[pr.pollution] > CLASS[limit.get(did, "medium")] or (pr.id, did) == ("C", QINGTIAN):
                continue
            score = scores[pr.id][county] - (ENCLAVE_DISCOUNT if "@" in did else 0.0)
            mine.append((did, score))
        options.append(mine)
    # more counties reach the projects since located firms count as holdings; E (high pollution) still only
    # fits 莲都's relaxed limit (its platform and its enclave)
    assert [len(o) for o in options] == [7, 10, 8, 11, 2]
    best, best_value = None, -1.0
    for combo in itertools.product(*options):
        land: dict[str, float] = {}
        energy: dict[str, float] = {}
        for pr, cell in zip(projects, combo, strict=True):
            if cell:
                land[cell[0]] = land.get(cell[0], 0) + pr.land_mu
                energy[cell[0]] = energy.get(cell[0], 0) + pr.energy_tce
        default = {d: (SAMPLE_LAND_MU["enclave" if "@" in d else "platform"], 0) for d in land}
        if any(land[d] > caps.get(d, default[d])[0] + 1e-9 for d in land):
            continue
        if any(
            energy[d] > caps.get(d, (0, SAMPLE_ENERGY_TCE["enclave" if "@" in d else "platform"]))[1]
            for d in energy
        ):
            continue
        value = sum(cell[1] for cell in combo if cell)
        if value > best_value + 1e-12:
            best, best_value = combo, value
    expected = {pr.id: cell[0] for pr, cell in zip(projects, best, strict=True) if cell}
    assert result.status == "optimal"
    assert result.objective == pytest.approx(best_value, abs=1e-9)
    assert result.assignment == expected
    # By hand: 莲都 (100 mu) takes B 50 + E 45 (E may go nowhere else), A (60) fills 青田 (60), C (40) goes to
    # 永嘉 (its firms hold the segment; 300 sample mu), which leaves the enclave (45) to D (30 mu).
    assert expected == {"A": QINGTIAN, "B": LIANDU, "C": "330324", "D": BAY, "E": LIANDU}
    assert not result.unassigned
    assert record["results"]["bound"] == pytest.approx(best_value, abs=1e-6)
    assert record["results"]["gap"] == 0.0


def test_run_record_reports_everything(small_run) -> None:
    plan, record, _ = small_run
    assert record["chainlink_run"] == 1 and record["capacities_confidence"] == "sample"
    assert record["sample"] is False and record["inputs"]["projects_source"] == "file"
    assert [p["id"] for p in record["inputs"]["projects"]] == ["A", "B", "C", "D", "E"]
    assert all(len(p["hash"]) == 16 for p in record["inputs"]["projects"])
    assert record["inputs"]["scenario"]["content"] == SMALL.read_text(encoding="utf-8")
    assert set(record["registry"]) == {"app", "schema_version", "sources_hash"}
    res = record["results"]
    by_dest = {d["id"]: d for d in res["destinations"]}
    assert (by_dest[LIANDU]["land_used"], by_dest[LIANDU]["land_cap"], by_dest[LIANDU]["binding"]) == (
        95,
        100,
        "none",
    )
    assert by_dest[LIANDU]["land_source"] == "scenario" and by_dest["330127"]["land_source"] == "sample"
    assert by_dest[QINGTIAN]["binding"] == "land"
    a = next(x for x in res["assignments"] if x["project"] == "A")
    assert (
        a["meets_intensity"] is True
    )  # 9000/60 = 150 ≥ 150 and 2000/60 ≥ 30 (青田 is in Lishui: 2026 target)
    d = next(x for x in res["assignments"] if x["project"] == "D")
    assert d["score"] == pytest.approx(d["county_score"] - ENCLAVE_DISCOUNT)  # D lands in the enclave
    assert sum(x["score"] for x in res["assignments"]) == pytest.approx(res["objective"])
    assert res["unassigned"] == []
    counties = {c["county_code"]: c for c in res["counties"]}
    # 莲都's platform has room (95 of 100 mu), but its 义乌 enclave is closed by the scenario (0 mu)
    assert counties[LIANDU]["projects"] == 3 and counties[LIANDU]["binding"] == "land"


def test_run_round_trip_and_diff_of_one_capacity(tmp_path: Path, registry: Registry, small_run) -> None:
    _, record, _ = small_run
    first = tmp_path / "run1.json"
    first.write_text(dump_run(record), encoding="utf-8")
    assert load_run(first) == json.loads(dump_run(record))
    more = tmp_path / "more.yaml"
    more.write_text(
        SMALL.read_text(encoding="utf-8").replace("青田县: {land_mu: 60,", "青田县: {land_mu: 90,")
    )
    second, _ = run_plan(build_plan(registry, scenario=read_scenario(more), projects_file=SMALL_PROJECTS))
    rows = diff_runs(load_run(first), second)
    by_change = {(r["change"], r["item"]): r for r in rows}
    assert (
        by_change["capacity", f"{QINGTIAN} land_cap"]["before"],
        by_change["capacity", f"{QINGTIAN} land_cap"]["after"],
    ) == (60, 90)
    # Every project is placed already: 30 more mu in 青田 change nothing else.
    assert {r["change"] for r in rows} == {"capacity"}
    assert diff_runs(record, record) == []


def test_infeasible_forced_assignments_one_error(tmp_path: Path, registry: Registry) -> None:
    path = tmp_path / "forced.yaml"
    path.write_text(SMALL.read_text(encoding="utf-8") + "forced:\n  A: 青田\n  B: 青田\n", encoding="utf-8")
    plan = build_plan(registry, scenario=read_scenario(path), projects_file=SMALL_PROJECTS)
    with pytest.raises(DataError) as info:
        run_plan(plan)
    message = str(info.value)
    assert "\n" not in message
    assert "forced assignments to 331121 青田县 (A, B) need 110 mu but its land cap is 60 mu" in message
    assert f"forced at {path}:19" in message


def test_forced_into_unpaired_county_is_contradictory(tmp_path: Path, registry: Registry) -> None:
    path = tmp_path / "unpaired.yaml"
    path.write_text("forced:\n  A: 青田\n", encoding="utf-8")
    plan = build_plan(registry, scenario=read_scenario(path), projects_file=SMALL_PROJECTS)
    with pytest.raises(DataError, match=r"forced assignment A → 331121 青田县 conflicts with not_paired"):
        run_plan(plan)


def test_fairness_floors_in_conflict_one_error(tmp_path: Path, registry: Registry) -> None:
    path = tmp_path / "floors.yaml"
    path.write_text(
        "any_pair: true\ncapacities:\n  莲都: {land_mu: unlimited}\n  青田: {land_mu: unlimited}\n"
        "fairness:\n  min_projects: {莲都: 2, 青田: 3}\n",
        encoding="utf-8",
    )
    plan = build_plan(registry, scenario=read_scenario(path), projects_file=SMALL_PROJECTS)
    with pytest.raises(DataError) as info:
        run_plan(plan)
    message = str(info.value)
    # 莲都 reaches only B and D (A and C hold nothing within reach there), 青田 reaches A–D, E (high
    # pollution) neither: each floor is reachable alone, but 2 + 3 need 5 of the 4.
    assert message.startswith("allocation is infeasible; these constraints conflict:")
    assert "fairness floor of county 331102 莲都区 (at least 2 projects)" in message
    assert "fairness floor of county 331121 青田县 (at least 3 projects)" in message
    assert f"fairness at {path}:5" in message


def test_registry_sample_run_is_labelled_and_deterministic(registry: Registry) -> None:
    plan = build_plan(registry)
    assert len(plan.projects) == 300 and all(p.sample for p in plan.projects)
    record, result = run_plan(plan)
    again, _ = run_plan(build_plan(registry))
    assert dump_run(record) == dump_run(again)
    assert record["sample"] is True and record["capacities_confidence"] == "sample"
    assert record["restrictions_confidence"] == "judgement"
    assert result.status == "optimal" and record["results"]["gap"] == 0.0
    reasons = {u["reason"] for u in record["results"]["unassigned"]}
    assert reasons <= {"capacity", "environment", "no_eligible_destination", "excluded", "intensity"}
    for u in record["results"]["unassigned"]:
        if u["reason"] == "environment":
            assert u["pollution"] == "high"
    # every assignment is paired (default) and within the medium pollution limit
    assert all(a["pairing_id"] and a["pollution"] != "high" for a in record["results"]["assignments"])
    for d in record["results"]["destinations"]:
        assert d["land_used"] <= d["land_cap"] + 1e-9 and d["energy_used"] <= d["energy_cap"] + 1e-9


def test_no_sample_leaves_nothing_and_says_so(registry: Registry) -> None:
    from chainlink.plan import Options

    plan = build_plan(registry, Options(include_sample=False))
    record, _ = run_plan(plan)
    assert plan.projects == [] and record["results"]["assignments"] == []
    assert record["notes"][0].startswith("nothing to allocate")


def test_explain_components_path_and_run(registry: Registry, small_run) -> None:
    from chainlink.scoring.presets import load_preset

    _, record, _ = small_run
    project = find_project(registry, "D", SMALL_PROJECTS)
    data = explain(registry, project, LIANDU, run=json.loads(dump_run(record)))
    weights = load_preset()["weights"]
    assert [r["component"] for r in data["components"]] == list(weights)
    assert all(r["weight"] == weights[r["component"]] for r in data["components"])
    assert sum(r["contribution"] for r in data["components"]) == pytest.approx(data["score"], abs=1e-5)
    assert data["score"] == pytest.approx(reference_scores(registry)["D"][LIANDU])
    assert (
        data["path_zh"] == " → ".join(e["from_zh"] for e in data["path"]) + f" → {data['path'][-1]['to_zh']}"
    )
    assert all(e["weight_source"] for e in data["path"])
    link = next(r for r in data["components"] if r["component"] == "link")
    assert link["value"] == pytest.approx(math.prod(e["weight"] for e in data["path"]), abs=1e-6)
    assert (
        data["pairings"] and data["pairings"][0]["id"] == "P024"
    )  # the dual-chain pilot with 宁波石化经开区
    run = data["run"]
    assert run["assigned_to"] == BAY and run["hash_matches"]  # D went to the bay enclave: 莲都 was full
    higher = {h["destination"]: h["why"] for h in run["higher_scoring"]}
    assert higher == {LIANDU: "capacity: land: 5 mu left of 100 (scenario), needs 30"}


def test_explain_without_score_and_unknown_project(registry: Registry) -> None:
    project = find_project(registry, "E", SMALL_PROJECTS)
    data = explain(registry, project, "330127")  # 淳安: nothing on the leather chain
    assert data["score"] is None and data["components"] == [] and data["run"] is None
    with pytest.raises(DataError, match="unknown project 'sample-P9999' in the registry; did you mean"):
        find_project(registry, "sample-P9999")
