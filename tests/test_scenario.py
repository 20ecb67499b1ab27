"""Scenario files: strict YAML, every problem named with file:line, names resolved against the registry."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from chainlink.errors import SourceError
from chainlink.sources.scenario import read_scenario

SCENARIOS = Path(__file__).resolve().parent / "data" / "scenarios"
SMALL_PROJECTS = SCENARIOS / "small_projects.yaml"


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(SourceError) as info:
        read_scenario(path)
    return str(info.value)


def bound_error(path: Path, real_db: Path) -> str:
    """The error build_plan raises when it resolves the scenario's names (small project list)."""
    from chainlink.plan import build_plan
    from chainlink.store.registry import Registry

    with pytest.raises(SourceError) as info:
        build_plan(Registry.open(real_db), scenario=read_scenario(path), projects_file=SMALL_PROJECTS)
    return str(info.value)


def test_small_scenario_reads_every_field() -> None:
    sc = read_scenario(SCENARIOS / "small.yaml")
    assert sc.name == "small test scenario"
    assert sc.any_pair is True and sc.enclave_rule == "free" and sc.time_limit == 30.0
    caps = {ref.name: (ref.line, quota) for ref, quota in sc.capacities}
    assert caps["莲都"] == (8, {"land_mu": 100.0, "energy_tce": 10000.0})
    assert caps["三门"][1] == {"land_mu": 0.0}
    assert [(r.name, level) for r, level in sc.restrictions] == [("莲都", "high")]
    assert [(e.project.name, e.destination.name) for e in sc.exclude] == [("C", "青田")]
    assert len(sc.sha256) == 64 and sc.text.startswith("# A small allocation scenario")


def test_full_syntax(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "preset: my.yaml\n"
        "capacities:\n  青田: {land_mu: unlimited}\n"
        "forced:\n  A: 青田\n"
        "exclude:\n  - project: B\n  - destination: 永嘉\n"
        "fairness:\n  min_projects: {青田: 2}\n  min_land_share: 10%\n"
        "intensity:\n  mode: constraint\n  target: {added_value_per_mu: 150, tax_per_mu: 30}\n",
    )
    sc = read_scenario(path)
    assert sc.preset == str(tmp_path / "my.yaml")  # relative to the scenario file
    assert math.isinf(sc.capacities[0][1]["land_mu"])
    assert [(p.name, d.name, p.line) for p, d in sc.forced] == [("A", "青田", 5)]
    assert sc.exclude[0].destination is None and sc.exclude[1].project is None
    assert [(r.name, k) for r, k in sc.min_projects] == [("青田", 2)]
    assert sc.min_land_share == pytest.approx(0.1)
    assert sc.intensity_mode == "constraint"
    assert sc.intensity_target == {"added_value_per_mu": 150.0, "tax_per_mu": 30.0}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("capacities:\n  青田: {land_mu: -5}\n", ":2: capacities: 青田: land_mu: -5 must not be negative"),
        (
            "capacities:\n  青田: {land_mu: 5}\n  青田: {land_mu: 6}\n",
            ":3: duplicate key '青田' (first at line 2)",
        ),
        (
            "capacities:\n  331121: {land_mu: 5}\n",
            ":2: capacities key: YAML read 331121 as a number; quote it",
        ),
        ("intensity:\n  mode: off\n", ":2: intensity: mode: YAML 1.1 read False as a boolean"),
        (
            "capacities:\n  青田: {land_mu: 1e3}\n",
            ":2: capacities: 青田: land_mu: YAML 1.1 read '1e3' as text",
        ),
        ("any_pair: yes please\n", ":1: any_pair: 'yes please' must be true or false"),
        ("quotas: {}\n", ":1: unknown field 'quotas'"),
        ("restrictions:\n  青田: dirty\n", ":2: restrictions: 青田: 'dirty'; use low, medium, high"),
        (
            "fairness:\n  min_land_share: 150%\n",
            ":2: fairness: min_land_share: '150%' must be between 0 and 1",
        ),
        ("fairness:\n  min_projects: 1.5\n", ":2: fairness: min_projects: 1.5 must be a whole number"),
        ("exclude:\n  - {project: A, county: 青田}\n", ":2: exclude: unknown key 'county'"),
        ("capacities:\n  青田: {land: 5}\n", ":2: capacities: 青田: unknown key 'land'"),
        ("capacities: [1, 2]\n", ":1: capacities: expected a mapping"),
        ("forced:\n  A: [青田]\n", ":2: forced: A: expected text, got LineList"),
        ("name: [unclosed\n", ": YAML syntax error"),
        ("- a list\n", ":1: a scenario must be a mapping"),
    ],
)
def test_shape_errors_name_file_and_line(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    message = error_of(path)
    assert message.startswith(str(path))
    assert expected in message


def test_missing_file(tmp_path: Path) -> None:
    assert error_of(tmp_path / "none.yaml").endswith("none.yaml: scenario file not found")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "capacities:\n  青天: {land_mu: 5}\n",
            ":2: capacities: unknown county '青天'; did you mean: 天台县",
        ),
        ("forced:\n  A: 青田\n  Z9: 青田\n", ":3: forced: unknown project 'Z9' (not among the 5 projects)"),
        ("exclude:\n  - project: X\n", ":2: exclude: unknown project 'X'"),
        (
            "restrictions:\n  宁波经开区: low\n",
            ":2: restrictions: '宁波经开区' is 宁波经济技术开发区 (ningbo-etdz",
        ),
        (
            "fairness:\n  min_projects:\n    萧龙科创园: 1\n",
            ":3: fairness: min_projects: unknown county '萧龙科创园'",
        ),
        ("preset: nosuch\n", ":1: preset:"),
    ],
)
def test_names_resolved_with_file_and_line(tmp_path: Path, real_db: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    message = bound_error(path, real_db)
    assert message.startswith(str(path))
    assert expected in message


def test_enclaves_by_name_and_id(tmp_path: Path, real_db: Path) -> None:
    from chainlink.plan import build_plan
    from chainlink.store.registry import Registry

    path = write(
        tmp_path,
        "capacities:\n  萧龙科创园: {land_mu: 7}\n  shaoxing-binhai@330824: {energy_tce: 9}\n"
        "  龙泉: {land_mu: 11, energy_tce: 12}\nrestrictions:\n  qingtian: low\n",
    )
    plan = build_plan(Registry.open(real_db), scenario=read_scenario(path), projects_file=SMALL_PROJECTS)
    xl = plan.destination("xiaolong-park@331181")
    assert (xl.land_cap, xl.land_source, xl.energy_cap, xl.energy_source) == (7, "scenario", 5000, "sample")
    sx = plan.destination("shaoxing-binhai@330824")
    assert (sx.land_cap, sx.energy_cap, sx.capacity_source) == (100, 9, "sample")
    lq = plan.destination("331181")
    assert (lq.land_cap, lq.energy_cap, lq.capacity_source) == (11, 12, "scenario")
    assert plan.destination("331121").max_pollution == "low"
    assert plan.destination("331121").restriction_source == "scenario"
    assert plan.capacities_confidence == "sample"  # the other destinations keep sample quotas
