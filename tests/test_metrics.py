"""chainlink.metrics: hand-computed cases, edge-case rules and property tests.

The cross-check against py-ecomplexity (with its tolerance table) is in test_metrics_reference.py;
the command line in test_metrics_cli.py.
"""

from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from chainlink.errors import DataError, UsageError
from chainlink.metrics import (
    DroppedWarning,
    MetricsWarning,
    binarize,
    cog,
    coi,
    complexity,
    compute_long,
    cooccurrence,
    density,
    diversity,
    drop_empty,
    entries_exits,
    normalize_cooccurrence,
    opportunities,
    presence,
    proximity,
    quadrants,
    rca,
    relatedness,
    rpop,
    strategies,
    ubiquity,
)

M3 = np.array([[1, 1, 0], [1, 0, 1], [1, 1, 1]])


def nested(n_loc: int = 30, n_prod: int = 20, seed: int = 0) -> np.ndarray:
    """A connected, nested presence matrix (complex places have rare products too)."""
    rng = np.random.default_rng(seed)
    capability = np.sort(rng.random(n_loc))[::-1]
    difficulty = np.sort(rng.random(n_prod))
    chance = 1 / (1 + np.exp(-8 * (capability[:, None] - difficulty[None, :])))
    m = (rng.random((n_loc, n_prod)) < chance).astype(int)
    m[:, 0] = 1  # one ubiquitous product keeps the network connected
    m[0, :] = 1  # one all-round location makes every product present somewhere
    return m


# --------------------------------------------------------------------------- RCA and presence


def test_rca_by_hand() -> None:
    # rows 2 and 4, columns 4 and 2, total 6: RCA = (x / row) / (col / 6)
    got = rca([[1, 1], [3, 1]])
    assert got.tolist() == [[0.75, 1.5], [1.125, 0.75]]


def test_rca_sparse_matches_dense() -> None:
    values = np.array([[5.0, 0, 1, 0], [0, 2, 2, 1], [1, 0, 0, 7]])
    dense = rca(values)
    sparse = rca(sp.csr_array(values))
    assert sp.issparse(sparse)
    np.testing.assert_allclose(sparse.toarray(), dense, rtol=0, atol=1e-15)
    assert sparse.nnz == np.count_nonzero(values)


def test_rpop_by_hand() -> None:
    got = rpop([[1, 1], [3, 1]], [1, 3])
    assert got.tolist() == [[1.0, 2.0], [1.0, 2 / 3]]


def test_rca_exactly_one_counts_as_present() -> None:
    assert binarize([[1.0, 0.999], [2.0, 0.5]]).tolist() == [[1, 0], [1, 0]]


def test_rca_tie_lost_to_rounding_still_counts() -> None:
    # Every location has the national mix, so RCA is exactly 1 everywhere in exact arithmetic;
    # in floating point one cell comes out at 0.9999999999999998.
    index = rca(np.outer([0.3, 8.2, 9.2], [0.7, 0.4, 0.1]))
    assert index.min() < 1, "the test needs a tie that rounding pushed below 1"
    assert binarize(index).min() == 1


def test_binarize_rejects_non_positive_threshold() -> None:
    with pytest.raises(UsageError, match="threshold"):
        binarize([[1.0]], 0)


def test_presence_tests() -> None:
    values = np.array([[1.0, 1.0], [3.0, 1.0]])
    assert presence(values).tolist() == [[0, 1], [1, 0]]
    assert presence(values, "rpop", population=[1, 3]).tolist() == [[1, 1], [1, 0]]
    # both: RCA and RPOP must both pass (py-ecomplexity adds them instead)
    assert presence(values, "both", population=[1, 3]).tolist() == [[0, 1], [1, 0]]
    assert presence([[0, 1], [1, 1]], "given").tolist() == [[0, 1], [1, 1]]
    with pytest.raises(DataError, match="only 0 and 1"):
        presence([[0, 2], [1, 1]], "given")
    with pytest.raises(UsageError, match="population"):
        presence(values, "rpop")
    with pytest.raises(UsageError, match="unknown presence"):
        presence(values, "density")


def test_diversity_and_ubiquity() -> None:
    assert diversity(M3).tolist() == [2, 2, 3]
    assert ubiquity(M3).tolist() == [3, 2, 2]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([[1.0, np.nan], [1.0, 2.0]], r"X\[0, 1\] is nan"),
        ([[1.0, -2.0], [1.0, 2.0]], r"X\[0, 1\] is -2.0: values must not be negative"),
        ([[1.0, 2.0], [0.0, 0.0]], "location row 1 has no activity"),
        ([[1.0, 0.0], [2.0, 0.0]], "product column 1 has no activity"),
        ([[1.0], [2.0]], "1 product"),
        ([[1.0, 2.0]], "1 location"),
    ],
)
def test_rca_refuses_bad_matrices(values: list, message: str) -> None:
    with pytest.raises(DataError, match=message):
        rca(values)


def test_drop_empty_warns_and_drops() -> None:
    values = [[1, 0, 2], [0, 0, 0], [3, 0, 1]]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        kept, rows, cols = drop_empty(values, ["a", "b", "c"], ["x", "y", "z"])
    assert [str(w.message) for w in caught] == [
        "dropped 1 location(s) with no activity: b",
        "dropped 1 product(s) with no activity: y",
    ]
    assert all(issubclass(w.category, DroppedWarning) for w in caught)
    assert rows.tolist() == [0, 2] and cols.tolist() == [0, 2]
    assert kept.tolist() == [[1, 2], [3, 1]]


# --------------------------------------------------------------------------- relatedness and density


def test_proximity_by_hand() -> None:
    # ubiquity 3, 2, 2; co-occurrence (0,1) = 2, (0,2) = 2, (1,2) = 1; φ = C / max(k_i, k_j)
    phi = proximity(M3)
    expected = [[1, 2 / 3, 2 / 3], [2 / 3, 1, 1 / 2], [2 / 3, 1 / 2, 1]]
    np.testing.assert_allclose(phi, expected, rtol=0, atol=1e-15)
    assert cooccurrence(M3).tolist() == [[3, 2, 2], [2, 2, 1], [2, 1, 2]]


def test_normalisations_by_hand() -> None:
    # c01 = 2, c02 = 1, c12 = 1; s = (3, 3, 2); T = 8
    counts = [[5, 2, 1], [2, 9, 1], [1, 1, 4]]  # the diagonal is ignored
    got = {
        method: normalize_cooccurrence(counts, method)
        for method in ("association", "cosine", "jaccard", "probabilistic")
    }
    assert got["association"][0, 1] == pytest.approx(2 * 8 / (3 * 3))
    assert got["cosine"][0, 1] == pytest.approx(2 / 3)
    assert got["cosine"][0, 2] == pytest.approx(1 / np.sqrt(6))
    assert got["jaccard"][0, 1] == pytest.approx(2 / (3 + 3 - 2))
    # Steijn: c / ((s_i/T · s_j/(T − s_i) + s_j/T · s_i/(T − s_j)) · T/2) = 2 / (0.45 · 4)
    assert got["probabilistic"][0, 1] == pytest.approx(float(Fraction(2) / (Fraction(9, 40) * 2 * 4)))
    for matrix in got.values():
        assert np.all(np.diag(matrix) == 0)
        np.testing.assert_allclose(matrix, matrix.T)


def test_relatedness_methods_and_errors() -> None:
    assert np.array_equal(relatedness(M3, "proximity"), proximity(M3))
    assert relatedness(M3, "jaccard")[1, 2] == pytest.approx(1 / (3 + 3 - 1))  # s = (4, 3, 3)
    with pytest.raises(UsageError, match="unknown relatedness method"):
        relatedness(M3, "pearson")
    with pytest.raises(DataError, match="no two products"):
        relatedness([[1, 0], [0, 1]], "cosine")
    with pytest.raises(DataError, match="present in no location"):
        proximity([[1, 0], [1, 0]])


def test_density_by_hand() -> None:
    # location 0 has products 0 and 1; for product 1: (φ10 + φ11) / (φ10 + φ11 + φ12) = (5/3) / (13/6)
    rho = density(M3, proximity(M3))
    assert rho[0, 1] == pytest.approx(10 / 13, abs=1e-15)
    assert rho[0, 2] == pytest.approx((2 / 3 + 1 / 2) / (2 / 3 + 1 / 2 + 1), abs=1e-15)
    assert np.all(rho[2] == 1.0)  # a location with everything


def test_density_refuses_isolated_products() -> None:
    with pytest.raises(DataError, match="related to nothing"):
        density(M3, [[0, 0, 0], [0, 0, 1], [0, 1, 0]])


# --------------------------------------------------------------------------- complexity


def test_complexity_orders_a_nested_matrix() -> None:
    m = [[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0]]
    eci, pci = complexity(m)
    assert list(np.argsort(-eci)) == [0, 1, 2, 3]
    assert list(np.argsort(-pci)) == [3, 2, 1, 0]


@pytest.mark.parametrize("method", ["eigenvector", "reflections"])
def test_complexity_conventions(method: str) -> None:
    m = nested(40, 60, seed=3)
    eci, pci = complexity(m, method)
    assert eci.mean() == pytest.approx(0, abs=1e-12)
    assert eci.std() == pytest.approx(1, abs=1e-12)
    assert np.corrcoef(eci, diversity(m))[0, 1] > 0  # sign convention (as py-ecomplexity)
    # ECI is the mean PCI of the products a location has
    np.testing.assert_allclose(eci, (m @ pci) / m.sum(axis=1), atol=1e-12)


def test_reflections_converge_to_the_eigenvector() -> None:
    m = nested(40, 500, seed=5)  # more than 400 products: the sparse Lanczos path
    eci, pci = complexity(m)
    eci_r, pci_r = complexity(m, "reflections", iterations=400)
    np.testing.assert_allclose(eci_r, eci, atol=1e-6)
    np.testing.assert_allclose(pci_r, pci, atol=1e-6)


def test_sparse_and_dense_eigen_paths_agree() -> None:
    import chainlink.metrics._complexity as cx

    m = nested(60, 450, seed=9)
    eci, pci = complexity(m)
    limit = cx._DENSE_LIMIT
    cx._DENSE_LIMIT = 10_000
    try:
        eci_dense, pci_dense = complexity(m)
    finally:
        cx._DENSE_LIMIT = limit
    np.testing.assert_allclose(eci, eci_dense, atol=1e-9)
    np.testing.assert_allclose(pci, pci_dense, atol=1e-9)


def test_centre_false_keeps_the_offset() -> None:
    m = nested(20, 15, seed=1)
    eci, pci = complexity(m)
    eci_u, pci_u = complexity(m, centre=False)
    offset = eci_u - eci
    assert np.ptp(offset) < 1e-12
    np.testing.assert_allclose(pci_u - pci, offset[0], atol=1e-12)


def test_disconnected_product_space_is_an_error() -> None:
    m = [[1, 1, 0, 0], [1, 0, 0, 0], [0, 0, 1, 1], [0, 0, 0, 1]]
    with pytest.raises(DataError, match="product space is disconnected: 2 separate groups"):
        complexity(m)


def test_equally_complex_locations_are_an_error() -> None:
    with pytest.raises(DataError, match="equally complex"), warnings.catch_warnings():
        warnings.simplefilter("ignore", MetricsWarning)  # the sign cannot be fixed either
        complexity([[1, 1], [1, 1]])
    with pytest.raises(DataError, match="diversity 0"):
        complexity([[1, 1], [0, 0]])


def test_coi_and_cog_by_hand() -> None:
    m = [[1, 0, 0], [0, 1, 1]]
    phi = [[1, 0.5, 0.5], [0.5, 1, 0.5], [0.5, 0.5, 1]]
    pci = [1.0, 2.0, 3.0]
    # COG_cp = (1 − M_cp) Σ_p' φ_p'p / Σ_p'' φ_p'p'' (1 − M_cp') PCI_p'; every row of φ sums to 2
    got = cog(m, phi, pci)
    assert got.tolist() == [[0.0, (1 * 2 + 0.5 * 3) / 2, (0.5 * 2 + 1 * 3) / 2], [(1 * 1) / 2, 0.0, 0.0]]
    rho = np.array([[1.0, 0.5, 0.5], [0.5, 1.0, 1.0]])
    assert coi(m, rho, pci, standardize=False).tolist() == [0.5 * 2 + 0.5 * 3, 0.5 * 1]
    standard = coi(m, rho, pci)
    assert standard.tolist() == [1.0, -1.0]


# --------------------------------------------------------------------------- using the metrics


def test_strategies_are_valid_and_named() -> None:
    presets = strategies()
    assert {"low_hanging_fruit", "balanced", "long_jumps"} <= set(presets)
    for preset in presets.values():
        assert sum(preset.weights.values()) == pytest.approx(1)
        assert preset.label_zh and preset.label_en
    assert presets["balanced"].weights == {"density": 0.5, "pci": 0.15, "cog": 0.35}


def test_opportunities_rank_candidates() -> None:
    m = [[1, 0, 0, 0], [0, 1, 0, 1]]
    rho = [[1.0, 0.9, 0.1, 0.5], [0.2, 1.0, 0.6, 1.0]]
    pci = [0.0, 1.0, 2.0, 3.0]
    cog_ = [[0.0, 0.4, 0.2, 0.0], [1.0, 0.0, 0.0, 0.0]]
    result = opportunities(m, rho, pci, cog_, weights={"density": 1})
    assert result.location.tolist() == [0, 0, 0, 1, 1]
    assert result.product.tolist() == [1, 3, 2, 2, 0]
    assert result.rank.tolist() == [1, 2, 3, 1, 2]
    # location 0 balanced: density' = (1, 0.5, 0), pci' = (0, 1, 0.5)… scores by hand
    balanced = opportunities(m, rho, pci, cog_, strategy="balanced", top=1)
    dens = {1: 1.0, 2: 0.0, 3: 0.5}
    pci_s = {1: 0.0, 2: 0.5, 3: 1.0}
    cog_s = {1: 1.0, 2: 0.5, 3: 0.0}
    scores = {p: 0.5 * dens[p] + 0.15 * pci_s[p] + 0.35 * cog_s[p] for p in (1, 2, 3)}
    best = max(scores, key=scores.get)
    assert balanced.product[0] == best and balanced.score[0] == pytest.approx(scores[best])
    assert balanced.location.tolist() == [0, 1]
    with pytest.raises(UsageError, match="unknown strategy"):
        opportunities(m, rho, pci, cog_, strategy="moonshot")


def test_quadrants_and_entries_exits() -> None:
    assert quadrants([[0.9, 0.1], [0.2, 0.8]], [1.0, -1.0]).tolist() == [
        ["low_risk_high_gain", "high_risk_low_gain"],
        ["high_risk_high_gain", "low_risk_low_gain"],
    ]
    entries, exits = entries_exits([[1, 0], [0, 1]], [[1, 1], [0, 0]])
    assert entries.tolist() == [[False, True], [False, False]]
    assert exits.tolist() == [[False, False], [False, True]]
    with pytest.raises(UsageError, match="align"):
        entries_exits([[1, 0]], [[1, 0, 1]])


# --------------------------------------------------------------------------- the long-table front end


def long_rows(m_values: np.ndarray, year: str = "2020") -> list[dict]:
    return [
        {"year": year, "loc": f"L{c:02d}", "prod": f"P{p:02d}", "val": float(m_values[c, p])}
        for c in range(m_values.shape[0])
        for p in range(m_values.shape[1])
        if m_values[c, p] != 0
    ]


def values_matrix(seed: int = 0, n_loc: int = 25, n_prod: int = 18) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = nested(n_loc, n_prod, seed).astype(float)
    return base * rng.lognormal(2, 1, base.shape) + (rng.random(base.shape) < 0.1) * rng.random(base.shape)


def test_compute_long_matches_the_array_functions() -> None:
    values = values_matrix(1)
    table = compute_long(long_rows(values), time="year")
    cols = table.to_columns()
    assert table.columns == [
        "year",
        "loc",
        "prod",
        "val",
        "rca",
        "mcp",
        "density",
        "eci",
        "pci",
        "coi",
        "cog",
        "diversity",
        "ubiquity",
    ]
    shape = values.shape
    m = binarize(rca(values))
    np.testing.assert_allclose(cols["rca"].reshape(shape), rca(values), atol=1e-15)
    assert np.array_equal(cols["mcp"].reshape(shape), m)
    np.testing.assert_allclose(cols["density"].reshape(shape), density(m, proximity(m)), atol=1e-15)
    eci, pci = complexity(m)
    np.testing.assert_allclose(cols["eci"].reshape(shape)[:, 0], eci, atol=1e-12)
    np.testing.assert_allclose(cols["pci"].reshape(shape)[0], pci, atol=1e-12)
    # COI/COG use PCI scaled but not centred, as py-ecomplexity does
    _, pci_u = complexity(m, centre=False)
    np.testing.assert_allclose(cols["cog"].reshape(shape), cog(m, proximity(m), pci_u), atol=1e-12)
    np.testing.assert_allclose(
        cols["coi"].reshape(shape)[:, 0], coi(m, density(m, proximity(m)), pci_u), atol=1e-12
    )
    assert cols["diversity"].reshape(shape)[:, 0].tolist() == diversity(m).tolist()


def test_compute_long_drops_all_zero_locations_with_a_warning() -> None:
    rows = long_rows(values_matrix(2))
    rows.append({"year": "2020", "loc": "ZZ", "prod": "P00", "val": 0.0})
    with pytest.warns(DroppedWarning, match=r"year 2020: dropped 1 location\(s\) with no activity .*: ZZ"):
        table = compute_long(rows, time="year")
    assert "ZZ" not in set(table.to_columns()["loc"])


def test_years_with_different_product_sets() -> None:
    first = long_rows(values_matrix(3), "2019")
    second = [row for row in long_rows(values_matrix(4), "2020") if row["prod"] != "P17"]
    with pytest.warns(MetricsWarning, match=r"different product sets \(2019: 18, 2020: 17\)"):
        table = compute_long(first + second, time="year")
    by_year = {year.time: year for year in table.years}
    assert len(by_year["2020"].products) == 17 and "P17" not in by_year["2020"].products
    only_2020 = compute_long(second, time="year")
    np.testing.assert_allclose(only_2020.years[0].eci, by_year["2020"].eci, atol=1e-12)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda rows: rows.__setitem__(3, {**rows[3], "val": -1.0}), r"row 4: 'val' value -1 is negative"),
        (
            lambda rows: rows.__setitem__(2, {**rows[2], "val": float("nan")}),
            r"row 3: 'val' value 'nan' is not a finite",
        ),
        (
            lambda rows: rows.__setitem__(5, {**rows[5], "val": "12 t"}),
            r"row 6: 'val' value '12 t' is not a number",
        ),
        (lambda rows: rows.append(dict(rows[1])), r"repeats the year, loc, prod of row 2"),
        (lambda rows: rows.__setitem__(0, {**rows[0], "loc": ""}), r"row 1: column 'loc' is empty"),
    ],
)
def test_compute_long_names_the_bad_row(change, message: str) -> None:
    rows = long_rows(values_matrix(5))
    change(rows)
    with pytest.raises(DataError, match=message):
        compute_long(rows, time="year")


def test_compute_long_presence_options() -> None:
    values = values_matrix(6)
    rows = long_rows(values)
    with pytest.raises(UsageError, match="population"):
        compute_long(rows, time="year", presence="rpop")
    pop = {f"L{c:02d}": 100.0 + c for c in range(values.shape[0])}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DroppedWarning)
        table = compute_long(rows, time="year", presence="rpop", population=pop)
    assert "rpop" in table.columns
    with pytest.raises(DataError, match="no population for location 'L24'"):
        compute_long(
            rows, time="year", presence="rpop", population={k: v for k, v in pop.items() if k != "L24"}
        )
    given = [{**row, "val": 1.0} for row in rows]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DroppedWarning)
        table = compute_long(given, time="year", presence="given")
    assert table.to_columns()["rca"][0] is None
    bad = [{**row, "val": 2.0} for row in rows]
    with pytest.raises(DataError, match="must be 0 or 1"):
        compute_long(bad, time="year", presence="given")


def test_compute_long_one_product_is_an_error() -> None:
    rows = [{"loc": f"L{i}", "prod": "P", "val": 1.0 + i} for i in range(4)]
    with pytest.raises(DataError, match="only 1 product"):
        compute_long(rows)


# --------------------------------------------------------------------------- properties

matrices = hnp.arrays(
    np.float64,
    st.tuples(st.integers(2, 9), st.integers(2, 9)),
    elements=st.floats(0, 1e6, allow_nan=False, allow_infinity=False),
).map(lambda x: x + 1e-3)  # every row and column has some activity


@settings(max_examples=60, deadline=None)
@given(matrices, st.floats(1e-6, 1e6))
def test_rca_is_unchanged_by_scaling(values: np.ndarray, factor: float) -> None:
    np.testing.assert_allclose(rca(values * factor), rca(values), rtol=1e-12)


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(np.int8, st.tuples(st.integers(2, 8), st.integers(2, 8)), elements=st.integers(0, 1)))
def test_density_stays_in_the_unit_interval(m: np.ndarray) -> None:
    m[:, 0] = 1  # every location has something; every product somewhere
    m[0, :] = 1
    for method in ("proximity", "association", "cosine", "jaccard", "probabilistic"):
        try:
            phi = relatedness(m, method)
            rho = density(m, phi)
        except DataError:
            continue  # e.g. nothing co-occurs: refused with a message, never NaN
        assert np.isfinite(rho).all()
        assert rho.min() >= 0.0 and rho.max() <= 1.0


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**32 - 1), st.randoms(use_true_random=False))
def test_compute_long_ignores_row_order(seed: int, shuffle) -> None:
    rows = long_rows(values_matrix(seed % 50, 12, 9))
    shuffled = list(rows)
    shuffle.shuffle(shuffled)
    try:
        expected = compute_long(rows, time="year").to_columns()
    except DataError as exc:  # e.g. a disconnected product space: the same refusal either way
        with pytest.raises(DataError) as again:
            compute_long(shuffled, time="year")
        assert str(again.value) == str(exc)
        return
    got = compute_long(shuffled, time="year").to_columns()
    for name, column in expected.items():
        if column.dtype == object:
            assert got[name].tolist() == column.tolist()
        else:
            np.testing.assert_allclose(got[name], column, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    "module",
    [
        "chainlink.metrics",
        "chainlink.metrics._presence",
        "chainlink.metrics._relatedness",
        "chainlink.metrics._complexity",
        "chainlink.metrics._strategy",
        "chainlink.metrics._text",
    ],
)
def test_docstring_examples_run(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
