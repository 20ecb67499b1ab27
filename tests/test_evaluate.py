"""`chainlink evaluate`: the held-out view, the hit definition, the figures and their floor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chainlink.scoring.evaluate import (
    CaseResult,
    HeldOut,
    cases,
    evaluate,
    group_match,
    is_case,
    summarise,
)
from chainlink.store.registry import Registry

ROOT = Path(__file__).resolve().parent.parent


class FakeRegistry:
    """Just the tables HeldOut filters."""

    def __init__(self, pi: list[dict], projects: list[dict]) -> None:
        self.partner_industries = pi
        self.projects = projects
        self.enterprises = []
        self.characteristic_industries = []
        self.partners = [
            {"id": "zone-a", "parent": ""},
            {"id": "zone-a-child", "parent": "zone-a"},
            {"id": "zone-b", "parent": ""},
        ]


CASE = {"id": "PRJ1", "origin_id": "zone-a", "gbt_codes": "2921", "county_code": "330881"}
OTHER = {"id": "PRJ2", "origin_id": "zone-b", "gbt_codes": "01", "county_code": "331125"}


def test_held_out_uses_derived_from_only_when_only_from_the_case() -> None:
    pi = [
        {"id": "Z1", "partner_id": "zone-a", "gbt_codes": "2921", "derived_from": "PRJ1"},
        {"id": "Z2", "partner_id": "zone-a", "gbt_codes": "2921", "derived_from": "PRJ1;PRJ2"},
        {"id": "Z3", "partner_id": "zone-a", "gbt_codes": "2921", "derived_from": ""},
    ]
    view = HeldOut(FakeRegistry(pi, [CASE, OTHER]), CASE)
    assert [p["id"] for p in view.projects] == ["PRJ2"]
    assert [r["id"] for r in view.partner_industries] == ["Z2", "Z3"]
    assert view.removed == ["PRJ1", "partner_industries:Z1"]


def test_held_out_fallback_without_derived_from_removes_the_origin_side_rows_on_the_case_industry() -> None:
    pi = [
        {"id": "Z1", "partner_id": "zone-a-child", "gbt_codes": "2922"},  # same side, same group 292
        {"id": "Z2", "partner_id": "zone-a", "gbt_codes": "26"},  # same side, other industry
        {"id": "Z3", "partner_id": "zone-b", "gbt_codes": "2921"},  # other side
    ]
    view = HeldOut(FakeRegistry(pi, [CASE, OTHER]), CASE)
    assert [r["id"] for r in view.partner_industries] == ["Z2", "Z3"]


def test_group_match_levels() -> None:
    assert group_match(["2921"], ["2922"])  # group 292
    assert not group_match(["2921"], ["2931"])
    assert group_match(["01"], ["0141"])  # division-level case
    assert not group_match(["1"], ["1"])  # a section letter/one digit is never a match


def test_is_case_and_case_list(real_db: Path) -> None:
    reg = Registry.open(real_db)
    found = cases(reg)
    assert found and all(is_case(c) for c in found)
    assert not any(p["confidence"] == "sample" for p in found)
    # every sourced landed project is a case
    assert {c["id"] for c in found} == {
        p["id"] for p in reg.projects if p["confidence"] == "sourced" and p["county_code"]
    }


def test_summary_by_hand() -> None:
    results = [
        CaseResult("a", "", "x", "1", "", "", "", county_rank=1, project_rank=0),
        CaseResult("b", "", "x", "1", "", "", "", county_rank=4, project_rank=3),
        CaseResult("c", "", "", "1", "", "", "", county_rank=0, project_rank=11),
    ]
    county, project, landing = summarise(results)
    assert landing["cases"] == 0  # none records a landing
    assert county["cases"] == 2 and project["cases"] == 3  # c has no origin: not asked for the county
    assert county["hit@1"] == 0.5 and county["hit@3"] == 0.5 and county["hit@5"] == 1.0
    assert county["mrr"] == round((1 + 1 / 4) / 2, 4)
    assert project["hit@3"] == round(1 / 3, 4) and project["hit@10"] == round(1 / 3, 4)
    assert project["mrr"] == round((1 / 3 + 1 / 11) / 3, 4)


@pytest.fixture(scope="module")
def real_results(real_db: Path) -> list[CaseResult]:
    return evaluate(Registry.open(real_db))


def test_every_case_is_held_out(real_results: list[CaseResult]) -> None:
    for r in real_results:
        assert r.removed[0] == r.case_id


def test_county_hit_is_a_real_row_of_match(real_db: Path, real_results: list[CaseResult]) -> None:
    """The rank reported is the rank of a row with the case's partner side and industry in `match`."""
    from chainlink.scoring.model import Model
    from chainlink.scoring.suggest import suggest_for_county

    reg = Registry.open(real_db)
    for r in real_results:
        if not r.county_rank:
            continue
        case = next(c for c in cases(reg) if c["id"] == r.case_id)
        model = Model(HeldOut(reg, case))
        row = suggest_for_county(model, r.county_code, top=None).suggestions[r.county_rank - 1]
        assert f"{row.segment_key} via {row.partner_id}" == r.county_row


def test_pairings_written_from_a_case_are_held_out(real_db: Path, real_results: list[CaseResult]) -> None:
    """A pairing row that records the case itself (P038: "宁波经济技术开发区将部分优势农业项目转移至云和县" is
    PRJ005; P024 is the PRJ006 pilot; P013 is the PRJ014 enclave) leaves with the case, and the model built on
    the held-out view no longer knows it."""
    from chainlink.scoring.model import Model

    reg = Registry.open(real_db)
    by_id = {r.case_id: r for r in real_results}
    for case_id, pairing in (("PRJ005", "P038"), ("PRJ006", "P024"), ("PRJ014", "P013"), ("PRJ001", "P066")):
        assert f"pairings:{pairing}" in by_id[case_id].removed
        case = next(c for c in cases(reg) if c["id"] == case_id)
        assert pairing not in {p.id for p in Model(HeldOut(reg, case)).pairings}
    # a pairing with independent sources stays (P017: the 柯桥—江山 zone pair, named apart from the film plant)
    assert not any(x.startswith("pairings:P017") for x in by_id["PRJ001"].removed)
    # every pairing whose only evidence is a case names it: the quote of P038 is the PRJ005 transfer
    rows = {p["id"]: p for p in reg.pairings}
    assert rows["P038"]["derived_from"] == "PRJ005"


def test_every_county_miss_says_why(real_results: list[CaseResult]) -> None:
    kinds = ("no_pairing", "off_chain", "no_evidence", "other_partner", "ranking")
    for r in real_results:
        if r.origin_id and not 0 < r.county_rank <= 5:
            assert r.county_why.split(":")[0] in kinds, (r.case_id, r.county_why)
        else:
            assert r.county_why == ""
    # PRJ003 (梅山's bonded warehouse): its zone pair P027 is the case itself, so once held out there is none
    assert next(r for r in real_results if r.case_id == "PRJ003").county_why.startswith("no_pairing")


def test_figures_do_not_regress(real_results: list[CaseResult]) -> None:
    """docs/evaluation.json holds the documented figures; the model may not fall below them."""
    floors = json.loads((ROOT / "docs" / "evaluation.json").read_text(encoding="utf-8"))
    for row in summarise(real_results):
        floor = floors.get(row["direction"])
        if floor is None:
            continue
        assert row["cases"] >= floor["cases"], row
        for key in ("hit@1", "hit@3", "hit@5", "hit@10", "mrr"):
            assert row[key] >= floor[key] - 1e-9, (row["direction"], key, row[key], floor[key])


def test_cli_summary_and_bad_case(real_db: Path) -> None:
    import subprocess

    from tests._cli import run_cli

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(*args, "--db", str(real_db))

    done = run("evaluate", "--summary", "--format", "json", "--case", "PRJ006")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [r["direction"] for r in rows] == ["county", "project", "landing"]
    assert rows[1]["cases"] == 1
    bad = run("evaluate", "--case", "NOPE")
    assert bad.returncode == 2
    assert bad.stderr.startswith("chainlink: error: no evaluation case NOPE")
