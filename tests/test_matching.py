"""Issue 11/12: evidence-based holdings, every partner scored, landing, ecology, confidence, firms."""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

import pytest

from chainlink.scoring.model import Model
from chainlink.scoring.projects import rank_destinations
from chainlink.scoring.suggest import suggest_for_county
from chainlink.store.registry import Registry
from chainlink.store.resolve import Resolver
from tests._cli import run_cli

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def registry(real_db: Path) -> Registry:
    return Registry.open(real_db)


@pytest.fixture(scope="module")
def model(registry: Registry) -> Model:
    return Model(registry)


@pytest.fixture(scope="module")
def all_rows(model: Model) -> list:
    return [s for code in sorted(model.counties) for s in suggest_for_county(model, code, top=None).suggestions]


def test_every_characteristic_industry_is_reviewed(registry: Registry) -> None:
    """data/holdings.csv maps every characteristic industry of the 26 counties, as worded now (an empty
    segment_key records "names no segment"), and every mapped segment is a segment of the shipped chains."""
    with open(ROOT / "data" / "holdings.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    reviewed = {(r["industry_id"], r["industry_zh"]) for r in rows}
    counties = {c["code"] for c in registry.counties}
    facts = {(f["id"], f["industry_zh"]) for f in registry.characteristic_industries if f["county_code"] in counties}
    assert facts <= reviewed, sorted(facts - reviewed)  # a reworded industry needs a new review
    segments = {s["key"] for s in registry.segments}
    assert all(r["segment_key"] in segments for r in rows if r["segment_key"])
    assert all(r["derivation"].strip() for r in rows)


def test_no_explanation_claims_a_holding_the_registry_cannot_cite(model: Model, registry: Registry, all_rows) -> None:
    holdings = {(h["county_code"], h["industry_id"], h["segment_key"]) for h in registry.rows("holdings")}
    facts = {f["id"]: f for f in registry.characteristic_industries}
    firms = {e["id"]: e for e in registry.enterprises}
    claims = [s for s in all_rows if s.relation in ("strengthen", "fill", "extend")]
    assert claims
    for s in claims:
        h = s.holding
        assert h is not None and h.basis in ("industry", "firm"), (s.county_code, s.segment_key)
        if h.basis == "industry":
            assert (s.county_code, h.fact_id, h.segment) in holdings
            fact = facts[h.fact_id]
            first = fact["source"].split(" ; ")[0].strip()
            for text in (s.explanation("zh"), s.explanation("en")):
                assert first in text
                if fact.get("quote"):
                    assert fact["quote"] in text
        else:
            assert h.fact_id in firms and firms[h.fact_id]["kind"] in ("listed", "named")
            assert firms[h.fact_id]["name_zh"] in s.explanation("zh")


def _citable(registry: Registry) -> set[tuple[str, str]]:
    """(county code, segment key) pairs the registry can cite, computed from the tables directly (not through
    chainlink.scoring.model): a reviewed data/holdings.csv row of a characteristic industry of that county, or a real
    (listed or named) firm placed in that county with a link to the segment."""
    facts = {f["id"]: f for f in registry.characteristic_industries}
    out = {
        (h["county_code"], h["segment_key"])
        for h in registry.rows("holdings")
        if h["segment_key"] and h["industry_id"] in facts and facts[h["industry_id"]]["county_code"] == h["county_code"]
    }
    firms = {e["id"]: e for e in registry.enterprises if e["kind"] in ("listed", "named")}
    for link in registry.conn.execute("SELECT enterprise_id, segment_key FROM enterprise_segments"):
        firm = firms.get(link[0])
        if firm is not None:
            for code in {firm.get("county_code"), firm.get("place_code")} - {None, ""}:
                out.add((code, link[1]))
    return out


def test_no_output_claims_a_holding_the_registry_cannot_cite(registry: Registry, model: Model) -> None:
    """Chain export, `county show`, `chains show`/`chains list` and browse's derived table all read the one
    evidence-holdings function; none shows a code-overlap "holding" (issue 11 §1)."""
    from chainlink.outputs.browse import _holders as browse_holders
    from chainlink.outputs.chainexport import export_graph
    from chainlink.scoring.model import evidence_holdings
    from chainlink.scoring.profiles import county_profile

    citable = _citable(registry)
    held = evidence_holdings(model)
    claimed = {(code, key) for code, segs in held.items() for key in segs}
    assert claimed and claimed <= citable, sorted(claimed - citable)[:5]
    graph = export_graph(registry)
    exported = {(code, n) for n, d in graph.nodes(data=True) for code in d["county_codes"].split(";") if code}
    assert exported == claimed
    names = {c["code"]: c["name_zh"] for c in registry.counties}
    by_name = {(names[c], k) for c, k in claimed}
    shown = {(name, key) for key, ns in browse_holders(registry, model.graph).items() for name in ns}
    assert shown == by_name
    for code in ("330329", "330824", "331121"):  # 泰顺, 开化, 青田: the issue's overlap examples
        section = next(s for s in county_profile(registry, code).sections if s.key == "segments")
        keys = {f.item.split()[0] for f in section.facts}
        assert keys == set(held[code]) and {(code, k) for k in keys} <= citable
    assert "silicon-materials/silica" not in held["330329"]  # 泰顺 叶蜡石 only overlaps 硅石开采 by code


def test_code_overlap_is_never_strengthen_nor_sourced(all_rows) -> None:
    overlap = [s for s in all_rows if s.holding is not None and s.holding.basis == "overlap"]
    assert overlap  # the registry has such overlaps (e.g. 泰顺 叶蜡石 1099 ~ 硅石开采 1099)
    assert all(s.relation == "related" and s.confidence != "sourced" for s in overlap)
    assert all("可强链" not in s.explanation("zh") for s in overlap)


@pytest.mark.parametrize(
    ("county", "segment"),
    [
        ("330329", "silicon-materials/silica"),  # 泰顺: "即'硅石开采'环节"
        ("330824", "electronic-components/ccl-foil"),  # 开化: "即'覆铜板与铜箔'"
        ("330824", "optical-film/functional-film"),  # 开化: "即'光学功能膜'"
    ],
)
def test_issue_examples_of_false_strengthen_are_gone(model: Model, county: str, segment: str) -> None:
    rows = suggest_for_county(model, county, top=None).suggestions
    assert not [s for s in rows if s.segment_key == segment and s.relation == "strengthen"]


def test_every_paired_partner_is_scored_by_partner(model: Model) -> None:
    answer = suggest_for_county(model, "331121", top=3, by_partner=True)  # 青田: 平湖, 嵊州, 宁波经开区
    partners = {s.partner_id for s in answer.suggestions}
    assert partners == {p.partner_id for p in model.pairings_of("331121")}
    for pid in partners:
        ranks = [s.rank for s in answer.suggestions if s.partner_id == pid]
        assert ranks == list(range(1, len(ranks) + 1))


def test_partner_choice_prefers_evidence_over_id(model: Model) -> None:
    """Of two partners with the same score, the one with more evidence wins; equal evidence → stronger
    pairing → nearer; the id never decides while anything else differs."""
    from chainlink.scoring.suggest import _partner_key

    rows = suggest_for_county(model, "331125", top=None, by_partner=True).suggestions  # 云和: four partners
    by_seg: dict[str, list] = {}
    for s in rows:
        by_seg.setdefault(s.segment_key, []).append(s)
    for seg, group in by_seg.items():
        best = suggest_for_county(model, "331125", top=None).suggestions
        chosen = next(s for s in best if s.segment_key == seg)
        top = min(group, key=lambda s: _partner_key(model, s))
        assert chosen.partner_id == top.partner_id, seg
        break


def test_min_confidence_sourced(model: Model) -> None:
    rows = suggest_for_county(model, "331121", top=None, min_confidence="sourced").suggestions
    assert all(s.confidence == "sourced" for s in rows)


def test_polluting_segment_excluded_in_an_ecological_county(registry: Registry) -> None:
    """With a restricting ecological status, a polluting segment leaves the county platform; with
    --allow-polluting it is back with the rule in its explanation."""
    model = Model(registry)
    model.__dict__["pollution_codes"] = ["1910"]
    eco = {"county_code": "331121", "status": "national_key_ecological", "status_zh": "国家重点生态功能区",
           "confidence": "sourced"}  # fmt: skip
    model.ecology = lambda code: eco if code == "331121" else None  # type: ignore[method-assign]
    rows = suggest_for_county(model, "331121", top=None).suggestions
    # off the county platform; it may still land in an enclave in the partner's territory (平湖—青田)
    tanning_rows = [s for s in rows if s.segment_key == "synthetic-leather-footwear/natural-leather"]
    assert all(s.landing == "enclave" for s in tanning_rows)
    allowed = suggest_for_county(model, "331121", top=None, allow_polluting=True)
    tanning = next(s for s in allowed.suggestions if s.segment_key == "synthetic-leather-footwear/natural-leather")
    assert tanning.polluting and "--allow-polluting" in tanning.ecology_rule_en
    assert "默认排除" in tanning.explanation("zh")


def test_project_goes_only_to_counties_paired_with_its_origin(model: Model, registry: Registry) -> None:
    """Issue 11: a 柯桥 film project went to 文成, which has no pairing at all."""
    resolver = Resolver.from_registry(registry)
    project = {"name": "x", "origin": "柯桥经开区", "gbt": "2921", "_file": "p.yaml"}
    answer = rank_destinations(model, project, resolver, top=None)
    assert answer.suggestions and all(s.pairing_id for s in answer.suggestions)
    assert "330328" not in {s.county_code for s in answer.suggestions}
    assert {s.county_code for s in answer.suggestions} <= {
        p.county_code for p in model.pairings if p.partner_id in model.origin_side("keqiao-etdz")
    }
    wider = rank_destinations(model, project, resolver, top=None, any_pair=True)
    assert len({s.county_code for s in wider.suggestions}) > len({s.county_code for s in answer.suggestions})


@pytest.mark.parametrize("gbt", ["73", "01", "5920"])
def test_projects_in_any_gbt_class_resolve(model: Model, registry: Registry, gbt: str) -> None:
    resolver = Resolver.from_registry(registry)
    project = {"name": "x", "origin": "宁波经开区", "gbt": gbt, "_file": "p.yaml"}
    answer = rank_destinations(model, project, resolver, top=None)  # no "no chain segment carries" error
    assert answer.suggestions or answer.missing


@pytest.mark.parametrize("gbt", ["73", "01", "5920", "2921"])
def test_every_county_paired_with_the_origin_is_listed(model: Model, registry: Registry, gbt: str) -> None:
    """A project from 柯桥经开区 lists 江山 (paired: P017) in any GB/T class — the pairing is the channel — and a
    row with neither a chain nor an IO link says why it is there."""
    resolver = Resolver.from_registry(registry)
    project = {"name": "x", "origin": "柯桥经开区", "gbt": gbt, "_file": "p.yaml"}
    answer = rank_destinations(model, project, resolver, top=None)
    assert "330881" in {s.county_code for s in answer.suggestions}
    assert not any("has no pairing" in m for m in answer.missing)
    for s in answer.suggestions:
        if s.holding is None and s.components["io"] == 0:
            assert any("paired with the origin" in n for n in s.notes), s.county_code
            assert "因与来源地结对而列出" in s.explanation("zh") and "“”" not in s.explanation("zh")


def test_rd_project_can_land_in_the_innovation_enclave(model: Model, registry: Registry) -> None:
    """萧山区 ↔ 龙泉 is an enclave pairing (科创飞地): both landings are ranked."""
    resolver = Resolver.from_registry(registry)
    project = {"name": "研发中心", "origin": "萧山区", "gbt": "7340", "_file": "p.yaml"}
    answer = rank_destinations(model, project, resolver, top=None)
    longquan = [s for s in answer.suggestions if s.county_code == "331181"]
    assert {s.landing for s in longquan} == {"county", "enclave"}


def test_cli_by_partner_and_bad_confidence(real_db: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(*args, "--db", str(real_db))

    done = run("match", "青田", "--by", "partner", "-n", "1", "-f", "json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert len({r["partner_id"] for r in rows}) == 3 and all(r["rank"] == 1 for r in rows)
    assert {"landing", "county_firms", "partner_firms", "evidence_fact", "partner_fit_reason"} <= set(rows[0])
    bad = run("match", "青田", "--min-confidence", "maybe")
    assert bad.returncode == 2 and bad.stderr.startswith("chainlink: error: unknown --min-confidence")
