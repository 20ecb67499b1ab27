"""chainlink.metrics against py-ecomplexity (Growth Lab), the reference implementation.

py-ecomplexity is a test-only dependency (``pip install ecomplexity``; it needs pandas); these tests
are skipped without it. Both tools get the same long table; rows are matched on
(time, location, product).

Tolerances (maximum absolute difference allowed) and what was measured with ecomplexity 0.5.3,
pandas 3.1.1, NumPy 2.4.6 on the data sets below (random 3-year panels with changing product sets,
"real-shaped" 90 counties × 250 industries with 85 % empty cells, integer counts, RPOP):

==========================  ===========  ===================
column                      tolerance    measured (max)
==========================  ===========  ===================
rca, rpop                   1e-9         1.1e-13
density                     1e-9         4.4e-16
eci, pci (sign-aligned)     1e-6         8.2e-14
coi, cog                    1e-6         2.4e-14
mcp, diversity, ubiquity    exact        exact (*)
proximity                   1e-12        0
==========================  ===========  ===================

(*) except where RCA is within 1e-12 of the threshold: chainlink counts such cells as present
(an exact tie lost to rounding), py-ecomplexity compares raw floats. None of the data sets above
hits such a tie; ``test_a_tie_lost_to_rounding_is_the_only_presence_difference`` builds one.

COI and COG agree to rounding because chainlink follows py-ecomplexity's definitions exactly,
including its use of PCI scaled by the ECI standard deviation but not centred (see
docs/metrics.md). Both tools standardise with the population standard deviation.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

from chainlink.metrics import compute_long, relatedness_long

# Imported by the worker that runs these tests, not by every worker at collection (≈ 2 CPU s with scipy.stats).
pd: Any = None
ecomplexity_module: Any = None


@pytest.fixture(autouse=True, scope="module")
def _reference_libraries() -> None:
    global pd, ecomplexity_module
    pd = pytest.importorskip("pandas")
    ecomplexity_module = pytest.importorskip("ecomplexity")


TOLERANCE = {
    "rca": 1e-9,
    "rpop": 1e-9,
    "density": 1e-9,
    "eci": 1e-6,
    "pci": 1e-6,
    "coi": 1e-6,
    "cog": 1e-6,
}
COLS = {"time": "year", "loc": "county", "prod": "industry", "val": "value"}


def panel(
    n_loc: int,
    n_prod: int,
    years: int,
    seed: int,
    *,
    zero_share: float | None = None,
    integer: bool = False,
) -> pd.DataFrame:
    """Nested, sparse, heavy-tailed long data with drifting presence over the years."""
    rng = np.random.default_rng(seed)
    capability = rng.normal(size=n_loc)
    difficulty = rng.normal(size=n_prod)
    size_loc = rng.lognormal(0, 1.0, n_loc)
    size_prod = rng.lognormal(0, 1.2, n_prod)
    base = 0.3 + 1.5 * capability[:, None] - 1.2 * difficulty[None, :]
    if zero_share is not None:
        base -= np.quantile(base, zero_share)
    rows = []
    drift = np.zeros((n_loc, n_prod))
    for k in range(years):
        drift += rng.normal(scale=0.3, size=drift.shape)
        present = rng.random(drift.shape) < 1 / (1 + np.exp(-(base + drift)))
        present[:, np.argmin(difficulty)] = True  # a ubiquitous industry keeps the space connected
        loc, prod = np.nonzero(present)
        value = size_loc[loc] * size_prod[prod] * rng.lognormal(0, 1, loc.size) * 100
        if integer:
            value = np.ceil(value / 50)
        rows += [
            (2015 + k, f"{330100 + c:06d}", f"{p:04d}", float(v))
            for c, p, v in zip(loc.tolist(), prod.tolist(), value.tolist(), strict=True)
        ]
    return pd.DataFrame(rows, columns=["year", "county", "industry", "value"])


def reference(df: pd.DataFrame, **kwargs) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = ecomplexity_module.ecomplexity(
            df, COLS, verbose=False, check_logsupermodularity=False, **kwargs
        )
    return out.dropna(subset=["eci"])


def ours(df: pd.DataFrame, **kwargs) -> pd.DataFrame:
    data = {name: df[name].astype(str).tolist() for name in ("year", "county", "industry")}
    data["value"] = df["value"].tolist()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = compute_long(data, loc="county", prod="industry", val="value", time="year", **kwargs)
    out = pd.DataFrame(table.to_columns())
    out["year"] = out["year"].astype(int)
    return out


def differences(df: pd.DataFrame, **kwargs) -> tuple[pd.DataFrame, dict[str, float]]:
    ref = reference(df, **kwargs)
    got = ours(df, **kwargs)
    merged = ref.merge(got, on=["year", "county", "industry"], suffixes=("_ref", ""), validate="one_to_one")
    assert len(merged) == len(ref) == len(got)
    diffs = {}
    for column in TOLERANCE:
        if column in got and column + "_ref" in merged:
            diffs[column] = float(
                np.abs(merged[column + "_ref"].astype(float) - merged[column].astype(float)).max()
            )
    return merged, diffs


def check(merged: pd.DataFrame, diffs: dict[str, float]) -> None:
    for column, diff in diffs.items():
        assert diff <= TOLERANCE[column], f"{column}: max |difference| {diff:.3g} > {TOLERANCE[column]}"
    for column in ("mcp", "diversity", "ubiquity"):
        assert (merged[column + "_ref"].astype(int) == merged[column].astype(int)).all(), column


@pytest.mark.parametrize("seed", [1, 2])
def test_random_panel_with_changing_product_sets(seed: int) -> None:
    df = panel(120, 80, 3, seed)
    # the last year lacks two industries: each year is computed on its own products, as py-ecomplexity does
    df = df[~((df.year == 2017) & df.industry.isin(["0003", "0004"]))]
    merged, diffs = differences(df)
    check(merged, diffs)
    assert set(merged[merged.year == 2017].industry) == set(df[df.year == 2017].industry)


def test_real_shaped_counties_by_industries() -> None:
    # Zhejiang has 90 county-level units; most county × industry cells are empty.
    df = panel(90, 250, 2, seed=7, zero_share=0.85)
    assert 0.05 < len(df) / (2 * 90 * 250) < 0.3
    merged, diffs = differences(df)
    check(merged, diffs)


def test_rpop_presence() -> None:
    df = panel(60, 40, 1, seed=11)
    rng = np.random.default_rng(11)
    # Population roughly proportional to activity, so that every county has some RPOP ≥ 1
    # (py-ecomplexity returns NaN ECI for the whole year otherwise).
    totals = df.groupby("county").value.sum()
    people = {c: float(round(t * rng.lognormal(0, 0.2))) for c, t in totals.items()}
    pop = pd.DataFrame({"year": 2015, "county": list(people), "pop": list(people.values())})
    ref = reference(df, presence_test="rpop", pop=pop)
    assert len(ref) == len(df.county.unique()) * len(df.industry.unique())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = {name: df[name].astype(str).tolist() for name in ("year", "county", "industry")}
        data["value"] = df["value"].tolist()
        table = compute_long(
            data, loc="county", prod="industry", val="value", time="year", presence="rpop", population=people
        )
    got = pd.DataFrame(table.to_columns())
    got["year"] = got["year"].astype(int)
    merged = ref.merge(got, on=["year", "county", "industry"], suffixes=("_ref", ""))
    assert len(merged) == len(got)
    for column in ("rca", "rpop", "density", "eci", "pci", "coi", "cog"):
        diff = np.abs(merged[column + "_ref"] - merged[column]).max()
        assert diff <= TOLERANCE[column], (column, diff)
    assert (merged.mcp_ref == merged.mcp).all()


def test_integer_counts() -> None:
    merged, diffs = differences(panel(40, 30, 1, seed=3, integer=True))
    check(merged, diffs)


def test_a_tie_lost_to_rounding_is_the_only_presence_difference() -> None:
    # Values in tenths. Cell (330104, 0004): 2.8 · total = row total · column total exactly, so RCA
    # is exactly 1, but (x / row) / (column / total) rounds to 0.9999999999999999.
    tenths = [
        [30, 15, 34, 9, 26],
        [58, 29, 10, 3, 4],
        [6, 3, 17, 10, 28],
        [78, 39, 13, 28, 27],
        [56, 28, 18, 10, 28],
        [42, 21, 20, 23, 37],
    ]
    rows = [
        (2020, f"{330100 + c}", f"{p:04d}", tenths[c][p] / 10)
        for c in range(6)
        for p in range(5)
        if tenths[c][p]
    ]
    df = pd.DataFrame(rows, columns=["year", "county", "industry", "value"])
    merged = reference(df).merge(ours(df), on=["year", "county", "industry"], suffixes=("_ref", ""))
    differ = merged[merged.mcp_ref != merged.mcp]
    assert differ[["county", "industry", "mcp_ref", "mcp"]].values.tolist() == [["330104", "0004", 0, 1]]
    assert differ.rca_ref.iloc[0] < 1 and abs(differ.rca_ref.iloc[0] - 1) < 1e-12
    assert np.abs(merged.rca_ref - merged.rca).max() <= 1e-15


def test_proximity_matches() -> None:
    df = panel(80, 50, 1, seed=5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = ecomplexity_module.proximity(df, COLS)
    data = {name: df[name].astype(str).tolist() for name in ("year", "county", "industry")}
    data["value"] = df["value"].tolist()
    table = relatedness_long(data, loc="county", prod="industry", val="value", time="year")
    got = pd.DataFrame(list(table.rows()))
    got["year"] = got["year"].astype(int)
    merged = ref.merge(got, on=["year", "industry_1", "industry_2"], suffixes=("_ref", ""))
    assert len(merged) == len(got) == 50 * 50
    assert np.abs(merged.proximity_ref - merged.proximity).max() <= 1e-12
