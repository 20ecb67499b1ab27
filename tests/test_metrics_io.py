"""Bulk reading (pyarrow) and Parquet in and out for ``chainlink metrics``: the same results as row by row."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from chainlink.metrics import _read, compute_long, read_long_csv, read_long_file  # noqa: E402
from tests.test_metrics_cli import BASE, PLAIN, cli, write_long  # noqa: E402

ODD_FILES = {
    "bom_crlf": ("year,county,industry,value\r\n2020,a,0001,1\r\n2020,b,0002,2.5\r\n", "utf-8-sig"),
    "blank_lines_no_final_newline": ("year,county,industry,value\n2020,a,0001,1\n\n\n2021,b,0002,3", "utf-8"),
    "quoted_comma_and_newline": (
        'year,county,industry,value\n2020,"丽水, ""莲都""",0001,1\n2020,"x\ny",0002,2\n',
        "utf-8",
    ),
    "gb18030": ("year,county,industry,value\n2020,丽水,0001,1\n2020,衢州,0002,2\n", "gb18030"),
    "numeric_years_and_extra_columns": (
        "note,year,county,industry,value\nx,10,a,0001,1\ny,9,a,0002,2\nz,100,b,0001,1e3\n",
        "utf-8",
    ),
}


def _same(a: _read.LongInput, b: _read.LongInput) -> None:
    assert a.loc_labels == b.loc_labels and a.prod_labels == b.prod_labels and a.time_labels == b.time_labels
    np.testing.assert_array_equal(a.loc, b.loc)
    np.testing.assert_array_equal(a.prod, b.prod)
    np.testing.assert_array_equal(a.time, b.time)
    np.testing.assert_array_equal(a.value, b.value)


@pytest.mark.parametrize("name", sorted(ODD_FILES))
def test_bulk_reader_gives_what_the_row_reader_gives(tmp_path: Path, name: str) -> None:
    text, encoding = ODD_FILES[name]
    path = tmp_path / f"{name}.csv"
    path.write_bytes(text.encode(encoding))
    options = {"loc": "county", "prod": "industry", "val": "value", "time": "year", "encoding": encoding}
    bulk = read_long_csv(path, **options)
    exact = read_long_csv(path, bulk=False, **options)
    _same(bulk, exact)
    for k in range(bulk.value.size):
        assert bulk.where(k) == exact.where(k)


def test_the_bulk_path_is_taken_for_a_clean_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_long(tmp_path / "long.csv")
    exact = read_long_csv(path, loc="county", prod="industry", val="value", time="year", bulk=False)

    def refuse(*args, **kwargs):
        raise AssertionError("the row-by-row reader ran")

    monkeypatch.setattr(_read, "_record_chunks", refuse)
    bulk = read_long_csv(path, loc="county", prod="industry", val="value", time="year")
    _same(bulk, exact)
    assert bulk.where(0) == f"{path}:2"


def _parquet(tmp_path: Path, columns: dict) -> Path:
    path = tmp_path / "long.parquet"
    pq.write_table(pa.table(columns), path)
    return path


def test_parquet_input_gives_the_csv_result(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_long(tmp_path / "long.csv")
    rows = list(csv.DictReader(src.open(encoding="utf-8")))
    columns = {key: [r[key] for r in rows] for key in ("year", "county", "industry")}
    columns["value"] = [float(r["value"]) for r in rows]
    parquet = _parquet(tmp_path, columns)
    code, from_csv, err = cli(capsys, "compute", str(src), *BASE)
    assert code == 0, err
    code, from_parquet, err = cli(capsys, "compute", str(parquet), *BASE)
    assert code == 0, err
    assert from_parquet == from_csv
    _same(
        read_long_file(parquet, loc="county", prod="industry", val="value", time="year"),
        read_long_csv(src, loc="county", prod="industry", val="value", time="year", bulk=False),
    )


def test_dictionary_columns_with_unused_or_repeated_values() -> None:
    """Dictionary-encoded codes (as the readers get them) are taken by their values: a dictionary value no
    row uses is no location or period, and a value the dictionary holds twice is one code."""
    years = ["2020", "2021"] * 6
    counties = ["a", "b", "c"] * 4
    industries = ["p", "q", "q", "r"] * 3
    values = [float(k + 1) for k in range(12)]

    def plain(texts: list[str]) -> object:
        return pa.chunked_array([pa.array(texts)])

    def odd(texts: list[str], unused: list[str]) -> object:
        labels = sorted(set(texts))
        dictionary = [*labels, *unused, labels[0]]  # unused values, and the first value once more
        codes = [len(dictionary) - 1 if t == labels[0] and k % 2 else labels.index(t) for k, t in enumerate(texts)]
        return pa.chunked_array([pa.DictionaryArray.from_arrays(pa.array(codes, pa.int32()), pa.array(dictionary))])

    wanted = {"time": "year", "loc": "county", "prod": "industry", "val": "value"}
    expected = _read._long_from_arrow(
        {"year": plain(years), "county": plain(counties), "industry": plain(industries), "value": pa.chunked_array([values])},
        wanted,
        lambda k: f"row {k + 1}",
    )
    got = _read._long_from_arrow(
        {
            "year": odd(years, ["1999"]),
            "county": odd(counties, ["zz"]),
            "industry": odd(industries, ["s"]),
            "value": pa.chunked_array([values]),
        },
        wanted,
        lambda k: f"row {k + 1}",
    )
    assert got is not None and expected is not None
    _same(got, expected)
    assert got.loc_labels == ["a", "b", "c"] and got.time_labels == ["2020", "2021"]


def test_parquet_input_read_without_pandas(tmp_path: Path) -> None:
    """Reading a Parquet long table imports no pandas (pyarrow's dataset reader would, ≈ 0.5 s)."""
    import subprocess
    import sys

    parquet = _parquet(tmp_path, {"county": ["a", "b", "a"], "industry": ["1", "1", "2"], "value": [1.0, 2.0, 3.0]})
    code = (
        "import sys\n"
        "from chainlink.metrics import read_long_file\n"
        f"data = read_long_file({str(parquet)!r}, loc='county', prod='industry', val='value')\n"
        "print(data.value.tolist(), 'pandas' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["[1.0,", "2.0,", "3.0]", "False"], done.stdout + done.stderr


def test_parquet_input_errors_name_the_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _parquet(
        tmp_path, {"county": ["a", "b", "a"], "industry": ["1", "1", "2"], "value": [1.0, -2.0, 3.0]}
    )
    code, _, err = cli(capsys, "compute", str(path), *PLAIN)
    assert code == 1 and "long.parquet: row 2: 'value' value -2 is negative" in err, err
    code, _, err = cli(capsys, "compute", str(path), *PLAIN[:-1], "amount")
    assert code == 1 and "column 'amount' is not in the file (county, industry, value)" in err, err
    path = _parquet(tmp_path, {"county": ["a", None], "industry": ["1", "1"], "value": [1.0, 2.0]})
    code, _, err = cli(capsys, "compute", str(path), *PLAIN)
    assert code == 1 and "long.parquet: row 2: column 'county' is empty" in err, err


def test_parquet_output_holds_the_library_values(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_long(tmp_path / "long.csv")
    out = tmp_path / "out.parquet"
    code, stdout, err = cli(capsys, "compute", str(src), *BASE, "--format", "parquet", "--output", str(out))
    assert code == 0 and stdout == "", err
    got = pq.read_table(out).to_pydict()
    want = compute_long(
        read_long_csv(src, loc="county", prod="industry", val="value", time="year"),
        loc="county",
        prod="industry",
        val="value",
        time="year",
    ).to_columns()
    assert list(got) == list(want)
    for name, values in want.items():
        if values.dtype.kind == "f":
            np.testing.assert_array_equal(np.array(got[name], dtype=float), values)  # full precision
        else:
            assert [str(v) for v in got[name]] == [str(v) for v in values.tolist()], name
    # the CSV of the same run carries the same numbers to its 12 decimals
    code, text, err = cli(capsys, "compute", str(src), *BASE)
    table = list(csv.DictReader(io.StringIO(text)))
    np.testing.assert_allclose([float(r["cog"]) for r in table], got["cog"], rtol=0, atol=1e-12)


def test_parquet_needs_an_output_file_and_pairs_write_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_long(tmp_path / "long.csv")
    code, _, err = cli(capsys, "compute", str(src), *BASE, "--format", "parquet")
    assert code == 2 and "give --output FILE" in err
    out = tmp_path / "pairs.parquet"
    code, _, err = cli(capsys, "proximity", str(src), *BASE, "-f", "parquet", "-o", str(out))
    assert code == 0, err
    code, text, err = cli(capsys, "proximity", str(src), *BASE)
    rows = list(csv.DictReader(io.StringIO(text)))
    got = pq.read_table(out).to_pydict()
    assert got["industry_1"] == [r["industry_1"] for r in rows]
    np.testing.assert_allclose(got["proximity"], [float(r["proximity"]) for r in rows], rtol=0, atol=1e-12)
