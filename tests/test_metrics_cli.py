"""``chainlink metrics``: output formats, agreement with the library, and one-line errors."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import threading
from pathlib import Path

import numpy as np
import pytest

from chainlink.metrics import compute_long, read_long_csv
from chainlink.metrics._text import float_bytes, format_float

COLUMNS = "year,county,industry,value,rca,mcp,density,eci,pci,coi,cog,diversity,ubiquity"


def write_long(path: Path, seed: int = 0, n_loc: int = 12, n_prod: int = 9, years: int = 2) -> Path:
    rng = np.random.default_rng(seed)
    lines = ["year,county,industry,value"]
    for year in range(2020, 2020 + years):
        for c in range(n_loc):
            for p in range(n_prod):
                if (
                    p == 0
                    or c == 0
                    or rng.random() < 1 / (1 + np.exp(-(2 - 4 * p / n_prod + 3 * c / n_loc - 1.5)))
                ):
                    lines.append(f"{year},33{c:04d},{p:04d},{rng.lognormal(3, 1):.3f}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    # Imported here, not at collection time: importing registers the group on the shared app.
    import chainlink.cli.metrics  # noqa: F401
    from chainlink.cli import main

    with pytest.raises(SystemExit) as done:
        main(["metrics", *args])
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


PLAIN = ("--loc", "county", "--prod", "industry", "--val", "value")
BASE = (*PLAIN, "--time", "year")


@pytest.fixture
def long_csv(tmp_path: Path) -> Path:
    return write_long(tmp_path / "long.csv")


def test_compute_csv_matches_the_library(long_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "compute", str(long_csv), *BASE)
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert out.splitlines()[0] == COLUMNS
    table = compute_long(read_long_csv(long_csv, loc="county", prod="industry", val="value", time="year"))
    expected = table.to_columns()
    assert len(rows) == len(table) == 2 * 12 * 9
    assert [r["county"] for r in rows] == expected["county"].tolist()
    assert rows[0]["industry"] == "0000"  # codes stay text
    for name in ("value", "rca", "density", "eci", "pci", "coi", "cog"):
        got = np.array([float(r[name]) for r in rows])
        np.testing.assert_allclose(got, expected[name].astype(float), rtol=1e-13, atol=1e-12, err_msg=name)
    for name in ("mcp", "diversity", "ubiquity"):
        assert [int(r[name]) for r in rows] == expected[name].tolist()


def test_compute_json_ndjson_and_table(long_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "compute", str(long_csv), *BASE, "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert isinstance(rows[0]["county"], str) and isinstance(rows[0]["mcp"], int)
    assert isinstance(rows[0]["eci"], float)
    code, out, err = cli(capsys, "compute", str(long_csv), *BASE, "--format", "ndjson")
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == len(rows)
    assert [line["county"] for line in lines] == [row["county"] for row in rows]
    np.testing.assert_allclose([line["cog"] for line in lines], [row["cog"] for row in rows], atol=1e-12)
    code, out, err = cli(capsys, "compute", str(long_csv), *BASE, "--format", "table")
    assert code == 0, err
    assert "density" in out.splitlines()[0] and "330000" in out


def test_compute_output_file_is_written_whole(
    long_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out" / "metrics.csv"
    code, _, err = cli(capsys, "compute", str(long_csv), *BASE, "--output", str(target))
    assert code == 1 and "folder" in err and "does not exist" in err
    target.parent.mkdir()
    code, _, err = cli(capsys, "compute", str(long_csv), *BASE, "--output", str(target), "--bom")
    assert code == 0, err
    text = target.read_text(encoding="utf-8")
    assert text.startswith("\ufeffyear,county,industry,value,rca")
    assert [p.name for p in target.parent.iterdir()] == ["metrics.csv"]  # no temporary file left
    mode = stat.S_IMODE(target.stat().st_mode)
    assert mode & 0o044, "the output must be readable like any other file, not 0600"


def test_compute_to_a_pipe_does_not_replace_it(
    long_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    code, _, err = cli(capsys, "compute", str(long_csv), *BASE, "--output", str(fifo))
    reader.join(timeout=30)
    assert code == 0, err
    assert stat.S_ISFIFO(fifo.stat().st_mode), "--output must never rename over a device or pipe"
    assert received[0].decode().startswith(COLUMNS)


def test_proximity_and_relatedness(long_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "proximity", str(long_csv), *BASE)
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["year", "industry_1", "industry_2", "proximity"]
    assert len(rows) == 2 * 9 * 9
    assert all(float(r["proximity"]) == 1.0 for r in rows if r["industry_1"] == r["industry_2"])
    code, out, err = cli(capsys, "relatedness", str(long_csv), *BASE, "--method", "cosine", "--min", "0.2")
    assert code == 0, err
    reader = csv.DictReader(io.StringIO(out))
    rows = list(reader)
    assert reader.fieldnames == ["year", "industry_1", "industry_2", "relatedness"]
    assert 0 < len(rows) < 2 * 9 * 9 and all(float(r["relatedness"]) >= 0.2 for r in rows)


def test_codes_with_commas_and_quotes_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_long(tmp_path / "plain.csv", years=1)
    text = src.read_text(encoding="utf-8").replace("330000,", '"丽水, ""莲都""",')
    src.write_text(text, encoding="utf-8")
    code, out, err = cli(capsys, "compute", str(src), *BASE)
    assert code == 0, err
    counties = {row["county"] for row in csv.DictReader(io.StringIO(out))}
    assert '丽水, "莲都"' in counties


@pytest.mark.parametrize(
    ("chunk_rows", "threads", "block_bytes"),
    [(1, 1, 1 << 18), (7, 2, 1), (20, 2, 1 << 18), (40, 1, 300), (40, 2, 300), (1 << 16, 1, 1 << 18)],
)
def test_text_is_the_same_in_any_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk_rows: int, threads: int, block_bytes: int
) -> None:
    """The grid writer formats chunks of whole locations (one or several, on 1 or 2 threads) and lays
    them out in blocks of one or a few locations (a buffer kept from block to block): every row
    carries its own location, product and values, whatever the chunking."""
    from chainlink.metrics import _text

    src = write_long(tmp_path / "long.csv", n_loc=11, n_prod=9, years=2)
    text = src.read_text(encoding="utf-8").replace("330003,", '"丽水, ""莲都""",').replace(",0002,", ",x\ty,")
    src.write_text(text, encoding="utf-8")
    table = compute_long(read_long_csv(src, loc="county", prod="industry", val="value", time="year"))
    whole = {}  # one chunk, one block, one thread: what every other chunking must write byte for byte
    for fmt in ("csv", "tsv", "ndjson"):
        with monkeypatch.context() as one:
            one.setattr(_text, "BLOCK_BYTES", 1 << 30)
            one.setattr(_text, "_threads", lambda: 1)
            buffer = io.BytesIO()
            table.write(buffer, fmt)
            whole[fmt] = buffer.getvalue().decode("utf-8")
    monkeypatch.setattr(_text, "CHUNK_ROWS", chunk_rows)
    monkeypatch.setattr(_text, "BLOCK_BYTES", block_bytes)
    monkeypatch.setattr(_text, "_threads", lambda: threads)  # whatever the load of the machine
    outputs = {}
    for fmt in ("csv", "tsv", "ndjson"):
        buffer = io.BytesIO()
        table.write(buffer, fmt)
        outputs[fmt] = buffer.getvalue().decode("utf-8")
    assert outputs == whole
    rows = list(csv.DictReader(io.StringIO(outputs["csv"])))
    assert rows == list(csv.DictReader(io.StringIO(outputs["tsv"]), delimiter="\t"))
    assert len(rows) == len(table) == len(outputs["ndjson"].splitlines())
    for row, line, want in zip(rows, outputs["ndjson"].splitlines(), table.rows(), strict=True):
        assert json.loads(line)["county"] == row["county"] == want["county"]
        assert row["industry"] == want["industry"] and row["year"] == want["year"]
        for name in ("value", "rca", "density", "eci", "pci", "coi", "cog"):
            assert abs(float(row[name]) - want[name]) <= 1e-12 * max(1.0, abs(want[name])), (name, row)
        assert [int(row[k]) for k in ("mcp", "diversity", "ubiquity")] == [
            want["mcp"],
            want["diversity"],
            want["ubiquity"],
        ]
    assert {r["county"] for r in rows} >= {'丽水, "莲都"'} and {r["industry"] for r in rows} >= {"x\ty"}


@pytest.mark.parametrize(
    ("edit", "args", "message"),
    [
        (
            None,
            ("--val", "valu"),
            "long.csv:1: column 'valu' is not in the header (year, county, industry, value); "
            "name the column with --val",
        ),
        (
            lambda lines: lines.__setitem__(3, lines[3].rsplit(",", 1)[0] + ",12 t"),
            (),
            "long.csv:4: 'value' value '12 t' is not a number; write a plain number",
        ),
        (
            lambda lines: lines.__setitem__(5, lines[5].rsplit(",", 1)[0] + ","),
            (),
            "long.csv:6: column 'value' is empty; fill in 0 or remove the row",
        ),
        (
            lambda lines: lines.__setitem__(2, lines[2].rsplit(",", 1)[0] + ",-4"),
            (),
            "long.csv:3: 'value' value -4 is negative",
        ),
        (
            lambda lines: lines.__setitem__(7, lines[7] + ",x"),
            (),
            "long.csv:8: 5 fields but the header has 4",
        ),
        (lambda lines: lines.append(lines[1]), (), "repeats the year, county, industry of "),
        (
            lambda lines: lines.__setitem__(2, lines[2].rsplit(",", 1)[0] + ",nan"),
            (),
            "long.csv:3: 'value' value 'nan' is not a finite number",
        ),
    ],
)
def test_bad_input_is_one_line(
    long_csv: Path, capsys: pytest.CaptureFixture[str], edit, args, message: str
) -> None:
    if edit is not None:
        lines = long_csv.read_text(encoding="utf-8").splitlines()
        edit(lines)
        long_csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    options = dict(zip(BASE[::2], BASE[1::2], strict=True))
    options.update(dict(zip(args[::2], args[1::2], strict=True)))
    flat = [x for pair in options.items() for x in pair]
    code, out, err = cli(capsys, "compute", str(long_csv), *flat)
    assert code == 1
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("chainlink: error: ") and message in err, err


def test_line_numbers_survive_quoted_newlines_and_blank_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "odd.csv"
    src.write_text('county,industry,value\n"a\nb",0001,1\n\nc,0001,2\nc,0002,oops\n', encoding="utf-8")
    code, _, err = cli(capsys, "compute", str(src), *PLAIN)
    assert code == 1 and "odd.csv:6: 'value' value 'oops' is not a number" in err, err


def test_file_level_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "compute", str(tmp_path / "missing.csv"), *PLAIN)
    assert (
        code == 1 and "missing.csv: cannot read the file (No such file or directory); check the path" in err
    )
    gbk = tmp_path / "gbk.csv"
    text = write_long(tmp_path / "plain.csv", years=1).read_text(encoding="utf-8").replace("330000", "丽水")
    gbk.write_bytes(text.encode("gb18030"))
    code, out, err = cli(capsys, "compute", str(gbk), *BASE)  # detected (chainlink.base.textio), no flag needed
    assert code == 0 and "丽水" in out, err
    code, out, err = cli(capsys, "compute", str(gbk), *BASE, "--encoding", "gb18030")
    assert code == 0, err
    assert "丽水" in out
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    code, _, err = cli(capsys, "compute", str(empty), *PLAIN)
    assert code == 1 and "empty.csv:1: the file is empty" in err


def test_usage_errors_exit_2(long_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "compute", str(long_csv), *BASE, "--presence", "rpop")
    assert code == 2 and "needs --pop FILE" in err
    code, _, err = cli(capsys, "compute", str(long_csv), *BASE, "--format", "xml")
    assert code == 2 and "unknown --format" in err
    code, _, err = cli(capsys, "relatedness", str(long_csv), *BASE, "--method", "pearson")
    assert code == 2 and "unknown method 'pearson'" in err


def test_rpop_with_a_population_file(
    long_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pop = tmp_path / "pop.csv"
    counties = sorted({line.split(",")[1] for line in long_csv.read_text().splitlines()[1:]})
    pop.write_text("county,pop\n" + "".join(f"{c},{1000 + 10 * i}\n" for i, c in enumerate(counties)))
    code, out, err = cli(capsys, "compute", str(long_csv), *BASE, "--presence", "both", "--pop", str(pop))
    assert code == 0, err
    assert (
        out.splitlines()[0]
        == "year,county,industry,value,rca,rpop,mcp,density,eci,pci,coi,cog,diversity,ubiquity"
    )


def test_warnings_go_to_stderr(long_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with long_csv.open("a", encoding="utf-8") as fh:
        fh.write("2020,339999,0001,0\n")
    code, out, err = cli(capsys, "compute", str(long_csv), *BASE)
    assert code == 0
    assert (
        "chainlink: warning: year 2020: dropped 1 location(s) with no activity (all values zero): 339999"
        in err
    )
    assert "339999" not in out


def test_float_text_matches_the_reference_rule() -> None:
    rng = np.random.default_rng(0)
    values = np.concatenate(
        [rng.normal(size=3000) * 10.0 ** rng.integers(-14, 14, 3000), [0.0, -0.0, 1.0, 0.5, 1e12, -123456.5]]
    )
    rows = float_bytes(values)
    for value, row in zip(values, rows, strict=True):
        text = bytes(row[row != 0]).decode()
        reference = format_float(value)
        assert abs(float(text) - float(reference)) <= max(1.0001e-12, abs(value) * 1e-14), (
            value,
            text,
            reference,
        )
        assert "." in text and "e" not in text
    assert [bytes(r[r != 0]).decode() for r in float_bytes(np.array([0.0, -0.0, 2.5, 1 / 3, 1e-13]))] == [
        "0.0",
        "0.0",
        "2.5",
        "0.333333333333",
        "0.0",
    ]


def test_gbk_csv_is_detected_without_encoding(tmp_path: Path) -> None:
    """metrics shares the importers' detector (chainlink.base.textio): a GBK file needs no --encoding."""
    from chainlink.metrics._read import read_long_file

    path = tmp_path / "gbk.csv"
    rows = [("青田县", "阀门和旋塞制造"), ("丽水市莲都区", "皮鞋制造"), ("龙泉市", "汽车零部件及配件制造")]
    body = "".join(f"{loc},{prod},{n}\n" for n in range(1, 6) for loc, prod in rows)
    path.write_bytes(("地区,行业,产值\n" + body).encode("gbk"))
    data = read_long_file(path, loc="地区", prod="行业", val="产值")
    assert data.loc_labels == sorted(r[0] for r in rows) and data.prod_labels == sorted(r[1] for r in rows)


def test_mixed_encoding_csv_names_the_line(tmp_path: Path) -> None:
    from chainlink.errors import ChainlinkError
    from chainlink.metrics._read import read_long_file

    path = tmp_path / "mix.csv"
    path.write_bytes("region,industry,output\n青田,阀门,10\n".encode() + "丽水,鞋,8\n".encode("gbk"))
    with pytest.raises(ChainlinkError, match=r"mix.csv:3: the file mixes encodings"):
        read_long_file(path, loc="region", prod="industry", val="output")
