"""Scoring looks each segment sector's IO row up once (``Model._io_of_sectors``, ``density_of(..., rows=)``): the
same values as the plain definitions — ``components.io`` over the county's industries and ``density_of`` through
``related.get`` — for every segment in every county."""

from __future__ import annotations

from pathlib import Path

import pytest

from chainlink.scoring import components as C
from chainlink.scoring.geography import density_of
from chainlink.scoring.model import Model
from chainlink.store.registry import Registry


@pytest.fixture(scope="module")
def model(real_db: Path) -> Model:
    return Model(Registry.open(real_db))


def test_io_of_sectors_is_components_io(model: Model) -> None:
    related = model._io[1]
    sectors = sorted(set(model._segment_sectors.values()))
    checked = positive = 0
    for county in sorted(model.counties):
        facts = model._county_fact_sectors(county)
        for seg in sectors:
            want = (0.0, "")
            for fact_sectors, industry_zh in facts:
                value = C.io(seg, fact_sectors, related)
                if value > want[0]:
                    want = (value, industry_zh)
            assert model._io_of_sectors(seg, county) == want, (county, seg)
            checked += 1
            positive += want[0] > 0
    assert checked > 2000 and positive > 500


def test_density_with_rows_is_density_through_get(model: Model) -> None:
    related, products = model._io[1], model.io_products
    sectors = sorted(set(model._segment_sectors.values()))
    positive = 0
    for county in sorted(model.counties):
        held = model.sectors_at(county)
        for seg in sectors:
            plain = density_of(held, list(seg), related, products)
            assert density_of(held, list(seg), related, products, rows=related.row) == plain, (county, seg)
            assert model._density_of_sectors(seg, county) == round(plain, 6)
            positive += plain > 0
    assert positive > 500
