"""Tests for chainlink.inputoutput and `chainlink io`: a hand-made 3-sector economy, the NBS tables, the CLI."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from chainlink import inputoutput as io
from chainlink.errors import DataError, UsageError

ROOT = Path(__file__).resolve().parent.parent
IO_DIR = ROOT / "data" / "io"
TABLE_FILES = {2020: "china_2020_153.csv", 2018: "china_2018_153.csv", 2017: "china_2017_149.csv"}


# ---------------------------------------------------------------------------------------------
# A hand-made 3-sector economy, computed by hand.


def small_table() -> io.IOTable:
    """Three sectors, every number worked out by hand.

    Flows and gross output::

        Z = [[10, 20,  0],        x = [100, 200, 100]
             [30,  0, 40],
             [ 0, 10, 20]]

    Value added v = x − column sums of Z = [100−40, 200−30, 100−60] = [60, 170, 40];
    net final demand f = x − row sums of Z = [100−30, 200−70, 100−30] = [70, 130, 70].

    A = Z x̂⁻¹ (column j divided by x_j)::

        A = [[0.1, 0.10, 0.0],    column sums 0.4, 0.15, 0.6
             [0.3, 0.00, 0.4],
             [0.0, 0.05, 0.2]]

    I − A = [[0.9, −0.1, 0], [−0.3, 1, −0.4], [0, −0.05, 0.8]];
    det(I − A) = 0.9·(1·0.8 − 0.4·0.05) − 0.1·0.3·0.8 = 0.702 − 0.024 = 0.678.
    Cofactors give the adjugate, so L = (I − A)⁻¹ = adj / 0.678 with::

        adj = [[0.78,  0.08,  0.04],
               [0.24,  0.72,  0.36],
               [0.015, 0.045, 0.87]]

    Column sums of adj: 1.035, 0.845, 1.27 (total 3.15), so the det cancels in Rasmussen's
    backward index: BL = 3·[1.035, 0.845, 1.27] / 3.15 = [0.985714, 0.804762, 1.209524].

    B = x̂⁻¹ Z (row i divided by x_i) = [[0.1, 0.2, 0], [0.15, 0, 0.2], [0, 0.1, 0.2]] and
    G = x̂⁻¹ L x̂, so the row sums of G are Σ_j adj_ij x_j / (0.678 x_i):
    row 1 (78 + 16 + 4)/100 = 0.98, row 2 (24 + 144 + 36)/200 = 1.02, row 3 (1.5 + 9 + 87)/100 = 0.975
    (all over 0.678); total 2.975, so FL = 3·[0.98, 1.02, 0.975] / 2.975 = [0.988235, 1.028571, 0.983193].
    """
    Z = np.array([[10.0, 20.0, 0.0], [30.0, 0.0, 40.0], [0.0, 10.0, 20.0]])
    x = np.array([100.0, 200.0, 100.0])
    value_added = np.zeros((4, 3))
    value_added[0] = [60.0, 170.0, 40.0]
    final_demand = np.zeros((3, 6))
    final_demand[:, 0] = [70.0, 130.0, 70.0]
    return io.IOTable(
        year=2099,
        codes=("001", "002", "003"),
        names_zh=("农业", "钢铁", "机械"),
        names_en=("Farming", "Steel", "Machinery"),
        Z=Z,
        x=x,
        value_added=value_added,
        final_demand=final_demand,
        imports=np.zeros(3),
    )


def test_small_direct_requirements_by_hand():
    t = small_table()
    expected = np.array([[0.1, 0.1, 0.0], [0.3, 0.0, 0.4], [0.0, 0.05, 0.2]])
    np.testing.assert_allclose(io.direct_requirements(t.Z, t.x), expected, atol=1e-15)


def test_small_leontief_inverse_by_hand_and_by_power_series():
    t = small_table()
    adj = np.array([[0.78, 0.08, 0.04], [0.24, 0.72, 0.36], [0.015, 0.045, 0.87]])
    L = io.leontief_inverse(t.A)
    np.testing.assert_allclose(L, adj / 0.678, rtol=1e-12)
    series = np.eye(3)
    term = np.eye(3)
    for _ in range(200):
        term = term @ t.A
        series += term
    np.testing.assert_allclose(L, series, rtol=1e-12)
    # Leontief's identity: x = L f.
    np.testing.assert_allclose(L @ np.array([70.0, 130.0, 70.0]), t.x, rtol=1e-12)


def test_small_ghosh_by_hand():
    t = small_table()
    np.testing.assert_allclose(t.B, [[0.1, 0.2, 0.0], [0.15, 0.0, 0.2], [0.0, 0.1, 0.2]], atol=1e-15)
    xhat = np.diag(t.x)
    np.testing.assert_allclose(t.G, np.linalg.inv(xhat) @ t.L @ xhat, rtol=1e-12)
    # Ghosh's identity: x' = v' G.
    np.testing.assert_allclose(np.array([60.0, 170.0, 40.0]) @ t.G, t.x, rtol=1e-12)


def test_small_rasmussen_by_hand():
    t = small_table()
    backward, forward = io.rasmussen_linkages(t.L, t.G)
    np.testing.assert_allclose(backward, [0.985714, 0.804762, 1.209524], atol=1e-6)
    np.testing.assert_allclose(forward, [0.988235, 1.028571, 0.983193], atol=1e-6)
    assert [s.key_sector for s in io.linkages(t)] == [False, False, False]


def test_small_upstream_downstream_and_weights():
    t = small_table()
    up = io.upstream(t, "003", None)
    # Machinery buys a_23 = 0.4 from steel and nothing from farming.
    assert [(s.code, s.direct) for s in up] == [("002", 0.4), ("001", 0.0)]
    assert up[0].share == pytest.approx(40 / 60)
    assert up[1].total == pytest.approx(0.04 / 0.678)
    down = io.downstream(t, "Steel", None)
    assert [s.code for s in down] == ["003", "001"]
    assert down[0].share == pytest.approx(0.2)  # b_23 = 40 / 200
    # Column 1's largest outside supplier is steel (0.3): farming's weight there is 0 (diagonal excluded).
    assert io.io_edge_weight(t, "002", "001") == 1.0
    assert io.io_edge_weight(t, "001", "002") == 1.0  # a_12 = 0.1 > a_32 = 0.05
    assert io.io_edge_weight(t, "003", "002") == pytest.approx(0.5)
    assert io.io_edge_weight(t, "002", "002") is None
    assert io.io_edge_weight(t, ["002", "003"], ["002"]) == pytest.approx(0.5)
    with pytest.raises(UsageError):
        io.upstream(t, "001", by="shares")


def test_small_relatedness_is_symmetric_and_by_hand():
    t = small_table()
    r = io.relatedness_matrix(t)
    np.testing.assert_allclose(r, r.T)
    assert np.all(np.diag(r) == 1.0)
    # Farming–machinery: a_13 = a_31 = 0, b_13 = b_31 = 0, so they are unrelated.
    assert io.io_relatedness(t, "001", "003") == 0.0
    # Machinery–steel: machinery's only outside supplier is steel.
    assert io.io_relatedness(t, "003", "002") == 1.0


# ---------------------------------------------------------------------------------------------
# The NBS tables


@pytest.fixture(scope="module", params=sorted(TABLE_FILES))
def nbs(request) -> io.IOTable:
    return io.read_nbs_csv(IO_DIR / TABLE_FILES[request.param], request.param)


@pytest.fixture(scope="module")
def t2020() -> io.IOTable:
    return io.read_nbs_csv(IO_DIR / TABLE_FILES[2020], 2020)


def test_table_shapes(nbs):
    n = 149 if nbs.year == 2017 else 153
    assert nbs.Z.shape == (n, n)
    assert nbs.codes[0] == "001" and nbs.codes[-1] == f"{n:03d}"
    assert len(set(nbs.codes)) == n


def test_column_sums_of_A_below_one(nbs):
    sums = nbs.A.sum(axis=0)
    assert np.all(sums < 1.0)
    assert np.all(sums > 0.0)
    assert np.all(nbs.A >= 0.0)


def test_table_balances(nbs):
    gaps = io.imbalance(nbs)
    assert gaps["input"] < 1e-3  # total input = gross output, within 0.1%
    assert gaps["output"] < 1e-3  # intermediate use + final use − imports = gross output


def _published_rows(year: int) -> dict[str, list[str]]:
    with open(IO_DIR / TABLE_FILES[year], encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    return {"header": header, **{r[0]: r for r in rows[1:]}}


def test_published_totals_match(nbs):
    """The table's own total rows/columns (TII, TVA, TI, TIU) match what we compute from the cells."""
    raw = _published_rows(nbs.year)
    col = {name: k for k, name in enumerate(raw["header"])}
    tii = np.array([float(raw["TII"][col[c]]) for c in nbs.codes])
    tva = np.array([float(raw["TVA"][col[c]]) for c in nbs.codes])
    ti = np.array([float(raw["TI"][col[c]]) for c in nbs.codes])
    tiu = np.array([float(raw[c][col["TIU"]]) for c in nbs.codes])
    np.testing.assert_allclose(nbs.Z.sum(axis=0), tii, rtol=1e-9)
    np.testing.assert_allclose(nbs.value_added.sum(axis=0), tva, rtol=1e-9)
    np.testing.assert_allclose(ti, nbs.x, rtol=1e-9)
    np.testing.assert_allclose(nbs.Z.sum(axis=1), tiu, rtol=1e-9)


def test_leontief_and_ghosh_identities_on_table(t2020):
    net_final = t2020.final_demand.sum(axis=1) - t2020.imports
    np.testing.assert_allclose(t2020.L @ net_final, t2020.x, rtol=1e-8)
    np.testing.assert_allclose(t2020.value_added.sum(axis=0) @ t2020.G, t2020.x, rtol=1e-8)
    np.testing.assert_allclose((np.eye(t2020.n) - t2020.A) @ t2020.L, np.eye(t2020.n), atol=1e-10)


def test_linkage_indices_have_mean_one(t2020):
    found = io.linkages(t2020)
    assert np.mean([s.backward for s in found]) == pytest.approx(1.0)
    assert np.mean([s.forward for s in found]) == pytest.approx(1.0)
    key = {s.code for s in found if s.key_sector}
    # Electronic components and synthetic materials feed many sectors and buy from many.
    assert {"094", "047"} <= key
    # Real estate buys little and sells mostly to final demand.
    assert "133" not in key


def test_synthetic_leather_upstream_is_chemicals(t2020):
    """合成革 is GB/T class 2925, in sector 053 plastic products: chemicals lead its suppliers."""
    assert io.sector_of_gbt("2925") == ["053"]
    top = [s.code for s in io.upstream(t2020, "合成革", 2)]
    assert top == ["047", "043"]  # synthetic materials, basic chemical raw materials
    leather = [s.code for s in io.upstream(t2020, "皮革", 2)]
    assert leather == ["016", "003"]  # hides: slaughtering, animal husbandry


def test_edge_weight_and_relatedness_on_table(t2020):
    assert io.io_edge_weight(t2020, "047", "053") == 1.0
    # Leather buys more from itself (a = 0.238) than from slaughtering (0.159): own purchases do not count.
    assert io.io_edge_weight(t2020, "016", "033") == 1.0
    assert 0.0 < io.io_edge_weight(t2020, "043", "033") < 0.2
    assert io.io_relatedness(t2020, "047", "053") == io.io_relatedness(t2020, "053", "047") == 1.0
    assert io.io_relatedness(t2020, "133", "045") < 0.05
    assert io.industry_io_relatedness(t2020, "2925", "265") == 1.0
    assert io.industry_io_relatedness(t2020, "1921", "2925") < io.industry_io_relatedness(
        t2020, "1921", "1910"
    )


# ---------------------------------------------------------------------------------------------
# Names


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("33", "033"),
        ("033", "033"),
        ("皮革、毛皮、羽毛及其制品", "033"),
        ("manufacture of SHOES", "034"),
        ("皮革毛皮羽毛", "033"),
        ("塑料制品业", "053"),
        ("合成革", "053"),
        ("2925", "053"),
        ("钢", "061"),
        ("Wholesale", "109"),
        ("Manufacture of plastik products", "053"),
        ("Entertainment", "151"),
    ],
)
def test_resolve_sector(t2020, query, code):
    assert io.resolve_sector(t2020, query) == code


def test_resolve_sector_ambiguous_lists_five(t2020):
    with pytest.raises(DataError) as err:
        io.resolve_sector(t2020, "化学")
    message = str(err.value)
    assert "043 基础化学原料" in message and message.count(",") <= 5


@pytest.mark.parametrize("query", ["xyzzy", "999", "", "synthetic leather"])
def test_resolve_sector_unknown(t2020, query):
    with pytest.raises(DataError):
        io.resolve_sector(t2020, query)


def test_english_label_fixes_2017():
    t = io.read_nbs_csv(IO_DIR / TABLE_FILES[2017], 2017)
    assert io.resolve_sector(t, "Retail trade") == "106"
    assert t.names_zh[t.index("106")] == "零售"


# ---------------------------------------------------------------------------------------------
# The sector ↔ GB/T 4754 mapping


def _gbt_codes() -> dict[str, str]:
    with open(ROOT / "data" / "gbt4754_2017.csv", encoding="utf-8-sig", newline="") as fh:
        return {r["code"]: r["level"] for r in csv.DictReader(fh)}


@pytest.mark.parametrize("year", sorted(TABLE_FILES))
def test_mapping_covers_every_sector_and_class_once(year):
    table = io.read_nbs_csv(IO_DIR / TABLE_FILES[year], year)
    mapping = io.read_sector_gbt(io.mapping_path(year))
    assert [m.io_code for m in mapping] == list(table.codes)
    assert [m.io_name_zh for m in mapping] == list(table.names_zh)
    gbt = _gbt_codes()
    for m in mapping:
        for code in m.gbt_codes:
            assert code in gbt, (m.io_code, code)
    classes = [c for c, level in gbt.items() if level == "4"]
    for code in classes:
        assert len(io.sector_of_gbt(code, year=year, mapping=mapping)) == 1, code
    divisions = [c for c, level in gbt.items() if level == "2"]
    assert all(io.sector_of_gbt(d, year=year, mapping=mapping) for d in divisions)


def test_sector_of_gbt():
    assert io.sector_of_gbt("19") == ["033", "034"]
    assert io.sector_of_gbt("195") == ["034"]
    assert io.sector_of_gbt("561") == ["117", "118"]
    assert io.sector_of_gbt("5611") == ["117"]
    assert io.sector_of_gbt("3670", year=2017) == ["078"]
    with pytest.raises(DataError):
        io.sector_of_gbt("C")


# ---------------------------------------------------------------------------------------------
# Storage round trip


def test_sqlite_round_trip_is_exact(t2020):
    conn = sqlite3.connect(":memory:")
    conn.executescript(io.IO_SCHEMA_SQL)
    rows = io.iotable_rows(t2020)
    assert all(r["value"] != 0.0 for r in rows["io_flows"])
    for name, records in rows.items():
        cols = list(records[0])
        conn.executemany(
            f"INSERT INTO {name} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
            [tuple(r[c] for c in cols) for r in records],
        )
    back = io.iotable_from_db(conn, 2020)
    assert back.codes == t2020.codes
    assert back.names_zh == t2020.names_zh and back.names_en == t2020.names_en
    for attr in ("Z", "x", "value_added", "final_demand", "imports"):
        assert np.array_equal(getattr(back, attr), getattr(t2020, attr)), attr
    with pytest.raises(DataError, match="no 2018"):
        io.iotable_from_db(conn, 2018)


# ---------------------------------------------------------------------------------------------
# Command line


@pytest.fixture(scope="module")
def invoke():
    from typer.testing import CliRunner

    import chainlink.cli.io  # noqa: F401 - registers the `io` group
    from chainlink.cli import app

    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, list(args))

    return run


def test_cli_upstream_synthetic_leather(invoke):
    result = invoke("io", "upstream", "合成革", "--top", "5", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["code"] for r in rows[:2]] == ["047", "043"]
    assert rows[0]["name_zh"] == "合成材料"
    assert rows[0]["direct"] == pytest.approx(0.2505, abs=5e-5)
    assert len(rows) == 5 and [r["rank"] for r in rows] == [1, 2, 3, 4, 5]


def test_cli_downstream_table(invoke):
    result = invoke("io", "downstream", "047", "-n", "3")
    assert result.exit_code == 0, result.output
    assert "塑料制品" in result.stdout and "0.2505" in result.stdout
    assert "047 合成材料 的需求部门（2020）" in result.stdout
    en = invoke("io", "downstream", "047", "-n", "3", "--lang", "en")
    assert "Customers of 047" in en.stdout and "塑料制品" not in en.stdout


def test_cli_linkages(invoke):
    result = invoke("io", "linkages", "--top", "5", "--sort", "forward", "--format", "csv")
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "code,name_zh,name_en,backward,forward,key_sector"
    assert len(lines) == 6
    forward = [float(line.split(",")[-2]) for line in lines[1:]]
    assert forward == sorted(forward, reverse=True) and forward[0] > 2


def test_cli_linkages_2017_key_only(invoke):
    result = invoke("io", "linkages", "--year", "2017", "--key", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows and all(r["key_sector"] and r["backward"] > 1 and r["forward"] > 1 for r in rows)


def test_cli_errors(invoke):
    result = invoke("io", "linkages", "--year", "2019")
    assert isinstance(result.exception, UsageError) and "2017, 2018, 2020" in str(result.exception)
    result = invoke("io", "upstream", "化学")
    assert isinstance(result.exception, DataError) and "043" in str(result.exception)
    result = invoke("io", "upstream", "033", "--by", "size")
    assert isinstance(result.exception, UsageError)


def test_docstring_examples():
    import doctest
    import importlib
    import pkgutil

    attempted = failed = 0
    for info in pkgutil.iter_modules(io.__path__, io.__name__ + "."):  # the package's modules hold the code
        result = doctest.testmod(importlib.import_module(info.name), optionflags=doctest.NORMALIZE_WHITESPACE)
        attempted, failed = attempted + result.attempted, failed + result.failed
    assert attempted >= 5 and failed == 0
