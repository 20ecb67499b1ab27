"""A top-N answer skips the segments whose ceiling is below the N-th best score so far
(``chainlink.scoring.suggest._Ceiling``): the answer is the first N rows of the full ranking, for every county.

The ceiling takes ``io`` and ``density`` at 1. That holds because an IO relatedness lies in [0, 1]: the
shipped registry's stored values are checked, and :func:`chainlink.inputoutput.relatedness_matrix` is checked on
random tables, negative flows included.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from chainlink import inputoutput as io
from chainlink.scoring.model import Model
from chainlink.scoring.suggest import suggest_for_county
from chainlink.store.registry import Registry


@pytest.fixture(scope="module")
def model(real_db: Path) -> Model:
    return Model(Registry.open(real_db))


# (options, the N compared): the export's default, a strict and a permissive variant, one chain
CASES = [
    ({}, (1, 3, 10)),
    ({"min_confidence": "sourced"}, (5,)),
    ({"allow_polluting": True}, (10,)),
]


@pytest.mark.parametrize(("options", "tops"), CASES)
def test_top_n_is_the_head_of_the_full_ranking(model: Model, options: dict, tops: tuple[int, ...]) -> None:
    pruned_somewhere = False
    for code in sorted(model.counties):
        full = suggest_for_county(model, code, top=None, **options)
        for n in tops:
            answer = suggest_for_county(model, code, top=n, **options)
            assert answer.suggestions == full.suggestions[:n], (code, n)
            assert answer.missing == full.missing, (code, n)
            pruned_somewhere |= len(full.suggestions) > n
    assert pruned_somewhere  # the cases reach the ceiling


def test_another_preset(real_db: Path) -> None:
    """Evidence values that are not in confidence order (and none for sample: no sample data), a landing weight
    that favours enclaves: the ceiling follows the preset's values."""
    import copy

    from chainlink.scoring.presets import load_preset

    preset = copy.deepcopy(load_preset("default"))
    preset["confidence_value"] = {"sourced": 0.2, "unverified": 1.0}
    preset["landing_value"] = {"county": 0.3, "enclave_fit": 1.0, "enclave": 0.9}
    preset["weights"]["landing"] = 0.4
    model = Model(Registry.open(real_db), preset, include_sample=False)
    for code in sorted(model.counties):
        full = suggest_for_county(model, code, top=None)
        for n in (1, 5):
            assert suggest_for_county(model, code, top=n).suggestions == full.suggestions[:n], (code, n)


def test_one_chain(model: Model) -> None:
    chains = {s.chain_id for s in suggest_for_county(model, "331121", top=None).suggestions}
    for chain in sorted(chains)[:3]:
        full = suggest_for_county(model, "331121", top=None, chain=chain)
        assert suggest_for_county(model, "331121", top=2, chain=chain).suggestions == full.suggestions[:2]


def test_shipped_relatedness_lies_in_zero_one(real_db: Path) -> None:
    with sqlite3.connect(real_db) as conn:
        low, high, n = conn.execute("SELECT MIN(value), MAX(value), COUNT(*) FROM io_relatedness").fetchone()
    assert n > 10_000
    assert low > 0 and high <= 1


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, (4, 4), elements=st.floats(-50, 500, allow_nan=False)))
def test_relatedness_is_at_most_one_whatever_the_flows(flows: np.ndarray) -> None:
    x = np.full(4, 1000.0)
    table = io.IOTable(
        year=2099, codes=("001", "002", "003", "004"), names_zh=("a", "b", "c", "d"), names_en=("a", "b", "c", "d"),
        Z=flows, x=x, value_added=np.zeros((4, 4)), final_demand=np.zeros((4, 6)), imports=np.zeros(4),
    )  # fmt: skip
    with np.errstate(over="ignore"):  # a negative flow over a tiny column peak is -inf: still ≤ 1
        r = io.relatedness_matrix(table)
    assert np.all(r <= 1.0)
    assert np.all(np.diag(r) == 1.0)
