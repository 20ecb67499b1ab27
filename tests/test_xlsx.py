"""Excel out: text cells never become formulas, codes stay text, the escape and its opt-out, export/match xlsx."""

from __future__ import annotations

import csv
import io
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from chainlink.base.output import escape_formula, render, unescape_formula
from chainlink.cli import app
from chainlink.errors import DataError, UsageError
from chainlink.outputs.xlsx import Sheet, suggestion_sheets, workbook_bytes, write_workbook

TRICKY = ["=1+1", "+86 571", "-", "@SUM(A1)", "-5", "'=x", "0164", "331121", "普通文本", "a\x01b"]


def cells(data: bytes, sheet: int = 0) -> list[list]:
    book = load_workbook(io.BytesIO(data))
    return [[c for c in row] for row in book.worksheets[sheet].iter_rows()]


def test_text_cells_never_become_formulas() -> None:
    rows = [{"v": v, "n": i} for i, v in enumerate(TRICKY)]
    for escape in (True, False):
        grid = cells(workbook_bytes([Sheet("t", ["v", "n"], rows)], escape_formulas=escape))
        assert [c.value for c in grid[0]] == ["v", "n"] and grid[0][0].font.b
        values = [row[0] for row in grid[1:]]
        assert all(c.data_type == "s" for c in values)
        assert [c.value for c in values] == [*TRICKY[:-1], "a\ufffdb"]
        prefixed = [c.value for c in values if c.quotePrefix]
        assert prefixed == (["=1+1", "+86 571", "-", "@SUM(A1)"] if escape else [])
        assert [row[1].value for row in grid[1:]] == list(range(len(TRICKY)))


def test_codes_are_text_with_text_format() -> None:
    grid = cells(workbook_bytes([Sheet("t", ["code"], [{"code": "0164"}, {"code": "331121"}])]))
    assert [(c[0].value, c[0].number_format) for c in grid[1:]] == [("0164", "@"), ("331121", "@")]


def test_layout() -> None:
    data = workbook_bytes([Sheet("a/b:c" * 10, ["x"], [{"x": 1}]), Sheet("two", ["y"], [])])
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == [("a_b_c" * 10)[:31], "two"]
    ws = book.worksheets[0]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:A2"


def test_row_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import chainlink.outputs.xlsx as xlsx

    monkeypatch.setattr(xlsx, "MAX_ROWS", 3)
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(DataError, match=r"3 rows do not fit one Excel sheet \(at most 2\); use --format csv"):
        write_workbook(target, [Sheet("t", ["x"], [{"x": 1}] * 3)])
    assert target.read_bytes() == b"old", "a failed write leaves the old file"


def test_csv_escape_round_trip() -> None:
    for text in TRICKY[:-1]:
        assert unescape_formula(escape_formula(text)) == text
    # apostrophes before a formula character: each escape adds one, each unescape removes one (hypothesis
    # found "''=" imported back as "'=" in tests/test_import_roundtrip.py)
    for text in ("''=", "'''-x", "''", "'a", "''@"):
        assert unescape_formula(escape_formula(text)) == text
    assert [escape_formula(t) for t in ("''=", "''", "'a")] == ["'''=", "''", "'a"]
    out = render([{"a": "=1+1", "b": -5, "c": "-5"}], ["a", "b", "c"], "csv", escape_formulas=True)
    assert out == "a,b,c\n'=1+1,-5,-5\n"
    assert render([{"a": "=1+1"}], ["a"], "csv", escape_formulas=False) == "a\n=1+1\n"
    assert render([{"a": "=1+1"}], ["a"], "json") == '[\n  {\n    "a": "=1+1"\n  }\n]\n'


def test_suggestion_sheets() -> None:
    rows = [
        {
            "county_code": "331121",
            "county_zh": "青田县",
            "rank": 2,
            "score": 0.5,
            "segment_zh": "乙",
            "sample": True,
        },
        {
            "county_code": "331121",
            "county_zh": "青田县",
            "rank": 1,
            "score": 0.7,
            "segment_zh": "甲",
            "sample": False,
        },
        {
            "county_code": "330127",
            "county_zh": "淳安县",
            "rank": 1,
            "score": 0.6,
            "segment_zh": "丙",
            "sample": False,
        },
    ]
    summary, detail = suggestion_sheets(rows, ["county_code", "rank", "score"])
    assert (summary.title, detail.title) == ("汇总", "明细")
    got = [(r["county_code"], r["suggestions"], r["top_segment_zh"], r["sample_rows"]) for r in summary.rows]
    assert got == [("330127", 1, "丙", 0), ("331121", 2, "甲", 1)]
    assert detail.rows is rows


def test_export_xlsx_matches_csv(shared_mini_db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "export.xlsx"
    result = runner.invoke(
        app, ["export", "--format", "xlsx", "-o", str(target), "--db", str(shared_mini_db)]
    )
    assert result.exit_code == 0, result.output
    text = runner.invoke(app, ["export", "--format", "csv", "--db", str(shared_mini_db)]).output
    expected = list(csv.reader(io.StringIO(text)))
    book = load_workbook(target)
    assert book.sheetnames == ["汇总", "明细"]
    detail = [[c.value for c in row] for row in book["明细"].iter_rows()]
    assert detail[0] == expected[0]

    def same(value: object, text: str) -> bool:
        if value is None:
            return text == ""
        if isinstance(value, bool):
            return text == ("true" if value else "false")
        if isinstance(value, (int, float)):
            return float(text) == value
        return value == text

    assert len(detail) == len(expected)
    for got, want in zip(detail[1:], expected[1:], strict=True):
        assert all(same(v, t) for v, t in zip(got, want, strict=True)), (got, want)
    counties = {row[0] for row in expected[1:]}
    assert book["汇总"].max_row == len(counties) + 1
    check = runner.invoke(
        app, ["export", "--format", "xlsx", "--check", str(target), "--db", str(shared_mini_db)]
    )
    assert isinstance(check.exception, UsageError) and check.exception.exit_code == 2


def test_match_xlsx_to_a_pipe(shared_mini_db: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "chainlink", "match", "qingtian", "-f", "xlsx", "--db", str(shared_mini_db)],
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    book = load_workbook(io.BytesIO(result.stdout))
    assert book["汇总"]["A2"].value == "331121"
    assert book["明细"].max_row > 1


def test_no_escape_option(mini_db: Path) -> None:
    # a chain whose name begins with "=": a formula to a spreadsheet unless escaped
    conn = sqlite3.connect(mini_db)
    with conn:  # one transaction, committed
        changed = conn.execute("UPDATE chains SET name_zh = '=石化产业链' WHERE name_zh = '石化产业链'").rowcount
    conn.close()
    assert changed == 1

    def chain_names(*options: str) -> set[str]:
        result = CliRunner().invoke(app, ["export", "--format", "csv", *options, "--db", str(mini_db)])
        assert result.exit_code == 0, result.output
        return {row["chain_zh"] for row in csv.DictReader(io.StringIO(result.output))}

    escaped, raw = chain_names(), chain_names("--no-escape-formulas")
    assert "'=石化产业链" in escaped and "=石化产业链" not in escaped
    assert "=石化产业链" in raw and "'=石化产业链" not in raw
