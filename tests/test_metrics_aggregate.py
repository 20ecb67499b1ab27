"""``metrics aggregate``: firm-level rows summed per (time,) location and product, checked by hand."""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from pathlib import Path

import pytest

duckdb = pytest.importorskip("duckdb")
pq = pytest.importorskip("pyarrow.parquet")

from chainlink.errors import DataError, UsageError  # noqa: E402
from chainlink.metrics import aggregate_long, aggregate_sql, read_long_file  # noqa: E402
from tests.test_metrics_cli import cli  # noqa: E402

HEADER = "firm,year,county,class,output"


def firms(path: Path, n: int = 500, seed: int = 3) -> tuple[Path, dict]:
    """A small firm table and its sums computed in plain Python (the reference)."""
    rng = random.Random(seed)
    sums: dict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0.0, 0])
    lines = [HEADER]
    for i in range(n):
        key = (
            str(rng.choice([2021, 2022])),
            f"33{rng.randrange(5):04d}",
            f"{rng.choice([164, 1711, 3311]):04d}",
        )
        value = round(rng.uniform(0, 50), 2)
        lines.append(f"f{i},{','.join(key)},{value}")
        sums[key][0] += value
        sums[key][1] += 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, sums


def test_csv_to_parquet_sums_every_cell(tmp_path: Path) -> None:
    src, sums = firms(tmp_path / "firms.csv")
    out = tmp_path / "cells.parquet"
    report = aggregate_long(src, out, loc="county", prod="class", val="output", time="year")
    table = pq.read_table(out).to_pydict()
    assert list(table) == ["year", "county", "class", "output", "rows"]
    got = {
        (y, c, p): (v, n)
        for y, c, p, v, n in zip(
            table["year"], table["county"], table["class"], table["output"], table["rows"], strict=True
        )
    }
    assert set(got) == set(sums)
    for key, (value, count) in sums.items():
        assert got[key][0] == pytest.approx(value, abs=1e-9)
        assert got[key][1] == count
    assert "0164" in table["class"]  # codes stay text
    assert list(zip(table["year"], table["county"], table["class"], strict=True)) == sorted(got)
    assert (report.input_rows, report.output_rows, report.periods) == (500, len(sums), 2)


def test_parquet_in_csv_out_and_the_result_feeds_compute(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src, sums = firms(tmp_path / "firms.csv", n=300)
    rows = list(csv.DictReader(src.open(encoding="utf-8")))
    import pyarrow as pa

    parquet = tmp_path / "firms.parquet"
    pq.write_table(
        pa.table(
            {k: [r[k] for r in rows] for k in ("year", "county", "class")}
            | {"output": [float(r["output"]) for r in rows]}
        ),
        parquet,
    )
    out = tmp_path / "cells.csv"
    code, _, err = cli(
        capsys,
        "aggregate",
        str(parquet),
        "--loc",
        "county",
        "--prod",
        "class",
        "--val",
        "output",
        "--time",
        "year",
        "-o",
        str(out),
    )
    assert code == 0, err
    assert f"({len(sums)} cells: 5 locations × 3 products, 2 period(s); from 300 rows)" in err
    with out.open(encoding="utf-8") as fh:
        got = {(r["year"], r["county"], r["class"]): float(r["output"]) for r in csv.DictReader(fh)}
    assert got == pytest.approx({k: v for k, (v, _) in sums.items()})
    table = read_long_file(out, loc="county", prod="class", val="output", time="year")
    assert table.value.size == len(sums)


def test_aggregate_sql_is_what_the_engine_computes(tmp_path: Path) -> None:
    src, sums = firms(tmp_path / "firms.csv", n=200)
    names = {"time": "year", "loc": "county", "prod": "class", "val": "output"}
    relation = f"read_csv('{src}', types={{'year': 'VARCHAR', 'county': 'VARCHAR', 'class': 'VARCHAR'}})"
    rows = duckdb.connect().execute(aggregate_sql(relation, names)).fetchall()
    assert {(y, c, p): (pytest.approx(v), n) for y, c, p, v, n in rows} == {
        k: (pytest.approx(v), n) for k, (v, n) in sums.items()
    }


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("f9,2021,330001,1711,-3", "firms.csv:4: 'output' value -3 is negative"),
        ("f9,2021,330001,1711,12 t", "firms.csv:4: 'output' value '12 t' is not a number"),
        ("f9,2021,330001,1711,", "firms.csv:4: column 'output' is empty"),
        ("f9,2021,,1711,1", "firms.csv:4: a code column (year, county, class) is empty"),
    ],
)
def test_bad_rows_are_named(tmp_path: Path, line: str, message: str) -> None:
    src = tmp_path / "firms.csv"
    src.write_text(f"{HEADER}\nf1,2021,330001,1711,1\nf2,2021,330002,1711,2\n{line}\nf3,2021,330001,0164,3\n")
    out = tmp_path / "cells.parquet"
    with pytest.raises(DataError) as err:
        aggregate_long(src, out, loc="county", prod="class", val="output", time="year")
    assert message in str(err.value)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["firms.csv"]  # no temporary file or spill folder left


def test_usage_and_file_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src, _ = firms(tmp_path / "firms.csv", n=10)
    base = ("--loc", "county", "--prod", "class", "--val", "output")
    code, _, err = cli(capsys, "aggregate", str(src), *base[:-1], "value", "-o", str(tmp_path / "x.parquet"))
    assert code == 1 and "firms.csv:1: column 'value' is not in the header" in err
    code, _, err = cli(capsys, "aggregate", str(tmp_path / "none.csv"), *base, "-o", str(tmp_path / "x.csv"))
    assert code == 1 and "none.csv: cannot read the file" in err
    code, _, err = cli(
        capsys, "aggregate", str(src), *base, "-o", str(tmp_path / "x.csv"), "--memory-limit", "lots"
    )
    assert code == 2 and "--memory-limit 'lots'" in err
    with pytest.raises(UsageError, match="convert the gb18030 file"):
        aggregate_long(src, tmp_path / "x.csv", loc="county", prod="class", val="output", encoding="gb18030")
    code, _, err = cli(capsys, "aggregate", str(src), *base)
    assert code == 2 and "--output" in err
