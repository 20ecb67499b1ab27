"""Economic geography on the registry: the matrix, density (two implementations agree), gaps, opportunities."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from chainlink.metrics import density
from chainlink.scoring.gaps import gaps_for
from chainlink.scoring.geography import density_of, io_phi, location_matrix, opportunities_for
from chainlink.scoring.model import Model
from chainlink.store.registry import Registry
from tests._cli import run_cli


@pytest.fixture(scope="module")
def model(real_db: Path) -> Model:
    return Model(Registry.open(real_db))


def test_matrix_rows_follow_the_facts(model: Model) -> None:
    geo = location_matrix(model)
    assert geo.locations[:26] == sorted(model.counties)
    i = geo.locations.index("331121")
    held = {geo.products[j] for j in np.flatnonzero(geo.presence[i])}
    # 青田: 鞋革 1952 → sector 034 (shoes); 阀门 3443 → the general-purpose machinery sector
    assert "034" in held
    assert held == model.location_sectors["331121"]
    assert ("331121", "034") in geo.facts


def test_sparse_density_equals_metrics_density(model: Model) -> None:
    geo = location_matrix(model)
    phi = io_phi(model, geo.products)
    rho = density(geo.presence, phi)
    for code in ("331121", "330881", "331102", "330324"):
        i = geo.locations.index(code)
        held = {geo.products[j] for j in np.flatnonzero(geo.presence[i])}
        for j in (0, 33, 52, 100, 152):
            sparse = density_of(held, [geo.products[j]], model._io[1], geo.products)
            assert sparse == pytest.approx(rho[i, j], abs=1e-9)


def test_density_hand_case() -> None:
    # three products; φ_ab = 0.5, φ_ac = 0, φ_bc = 0.25 (symmetric), φ_ii = 1; location holds a only.
    related = {("a", "b"): 0.5, ("b", "a"): 0.5, ("b", "c"): 0.25, ("c", "b"): 0.25}
    products = ["a", "b", "c"]
    assert density_of({"a"}, ["b"], related, products) == pytest.approx(0.5 / (1 + 0.5 + 0.25))
    assert density_of({"a"}, ["c"], related, products) == pytest.approx(0.0)
    assert density_of({"a", "b"}, ["c"], related, products) == pytest.approx(0.25 / 1.25)


def test_gaps_have_paths_and_reasons(model: Model) -> None:
    found = gaps_for(model, "331121")
    relations = {g.relation for g in found}
    assert {"fill", "extend"} <= relations
    fill = next(g for g in found if g.segment_key == "synthetic-leather-footwear/natural-leather")
    assert fill.path == ["synthetic-leather-footwear/natural-leather", "synthetic-leather-footwear/footwear"]
    assert fill.path_zh == "皮革鞣制 → 鞋"
    # 文成's "装备制造(…环保装备)" names environmental equipment only in general: thin holdings
    thin = [g for g in gaps_for(model, "330328") if g.relation == "strengthen"]
    assert thin and any("only generally" in g.reason for g in thin)


def test_opportunities_exclude_held_and_say_what_is_undefined(model: Model) -> None:
    found, notes = opportunities_for(model, "331121", top=5)
    held = model.location_sectors["331121"]
    assert len(found) == 5 and not {o.sector for o in found} & held
    assert [o.rank for o in found] == [1, 2, 3, 4, 5]
    # Complexity is either defined on the registry's matrix (every row has PCI and COG, no note) or not (one
    # note, never a silent NaN); both cases are forced on small matrices below.
    defined = all(o.pci is not None and o.cog is not None for o in found)
    undefined = all(o.pci is None and o.cog is None for o in found) and len(notes) == 1
    assert (defined and notes == []) or undefined


def _small_matrix(model: Model, monkeypatch: pytest.MonkeyPatch, presence: np.ndarray) -> list[str]:
    """Make opportunities_for see four counties × five sectors with ``presence`` (relatedness: proximity)."""
    import chainlink.scoring.geography as geography

    real = geography.location_matrix(model)
    products = real.products[:5]
    small = geography.GeoMatrix(
        ["331121", "330881", "331102", "330324"], products, real.product_names[:5], presence, {}
    )
    monkeypatch.setattr(geography, "location_matrix", lambda _model: small)
    return products


def test_opportunities_say_when_complexity_is_undefined(model: Model, monkeypatch: pytest.MonkeyPatch) -> None:
    # Two groups that share no sector: complexity is undefined across them; said, and ranked by density only.
    presence = np.array([[1, 0, 0, 0, 0], [1, 1, 0, 0, 0], [0, 0, 1, 1, 0], [0, 0, 1, 1, 1]], dtype=np.int8)
    _small_matrix(model, monkeypatch, presence)
    found, notes = opportunities_for(model, "331121", top=3, relatedness="proximity")
    assert len(notes) == 1 and "disconnected" in notes[0] and "ranked by density only" in notes[0]
    assert found and all(o.pci is None and o.cog is None for o in found)
    assert [o.density for o in found] == sorted((o.density for o in found), reverse=True)


def test_opportunities_use_complexity_when_it_is_defined(model: Model, monkeypatch: pytest.MonkeyPatch) -> None:
    # A connected (nested) matrix of four counties × five sectors (relatedness from it: proximity):
    # complexity is defined, so no note,
    # and every opportunity carries its PCI and COG.
    presence = np.array(
        [[1, 0, 0, 0, 0], [1, 1, 0, 0, 0], [1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=np.int8
    )
    products = _small_matrix(model, monkeypatch, presence)
    found, notes = opportunities_for(model, "331121", top=3, relatedness="proximity")
    assert notes == []
    assert len(found) == 3 and not {o.sector for o in found} & {products[0]}
    assert all(o.pci is not None and o.cog is not None for o in found)


def test_cli_gaps_and_opportunities() -> None:
    gaps = run_cli("gaps", "青田", "-f", "json")
    assert gaps.returncode == 0, gaps.stderr
    rows = json.loads(gaps.stdout)
    assert rows and {r["relation_zh"] for r in rows} >= {"补链", "延链"}
    ops = run_cli("opportunities", "qingtian", "-f", "csv", "--top", "3")
    assert ops.returncode == 0, ops.stderr
    assert ops.stdout.splitlines()[0] == "county_code,rank,sector,sector_zh,score,density,pci,cog,segments"
    bad = run_cli("opportunities", "qingtian", "--strategy", "moonshot")
    assert bad.returncode == 2 and "unknown --strategy 'moonshot'" in bad.stderr
