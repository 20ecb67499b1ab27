"""The command line end to end: golden files, determinism, --check, errors and exit codes.

Golden files live in tests/golden/; regenerate them deliberately with
``CHAINLINK_UPDATE_GOLDEN=1 pytest tests/test_cli.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("CHAINLINK_UPDATE_GOLDEN") == "1"


def run(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a user would (in this process, as a fresh one would: tests/_cli.py)."""
    from tests._cli import run_cli

    return run_cli(*args, env=env, cwd=cwd)


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with CHAINLINK_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"output differs from {path}"


def test_match_qingtian_json_golden() -> None:
    result = run("match", "qingtian", "--format", "json")
    assert result.returncode == 0, result.stderr
    golden("match_qingtian.json", result.stdout)
    rows = json.loads(result.stdout)
    assert len(rows) == 10
    assert [r["rank"] for r in rows] == list(range(1, 11))
    assert all(r["county_code"] == "331121" for r in rows)
    assert all(isinstance(r["county_code"], str) and isinstance(r["segment_gbt"], str) for r in rows)
    assert rows == sorted(rows, key=lambda r: -r["score"])


def test_export_csv_golden() -> None:
    result = run("export", "--format", "csv")
    assert result.returncode == 0, result.stderr
    golden("export.csv", result.stdout)


def test_match_table_fits_80_columns() -> None:
    from rich.cells import cell_len

    for lang in ("zh", "en"):
        result = run("match", "青田县", "--lang", lang)
        assert result.returncode == 0, result.stderr
        # only an unsplittable URL (a quoted source) may pass 80 columns; English words are never split, so
        # the 7-column English table may need a few columns more (tests/test_wrap.py checks no word is split)
        limit = 80 if lang == "zh" else 90
        assert all(cell_len(line) <= limit or "http" in line for line in result.stdout.splitlines())


@pytest.mark.parametrize("name", ["qingtian", "青田", "青田县", "331121", "Qingtian County", "qingtain"])
def test_match_names_give_same_answer(name: str) -> None:
    result = run("match", name, "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout == run("match", "331121", "--format", "csv").stdout


def test_export_is_deterministic_and_sorted(tmp_path: Path) -> None:
    a = run("export", "--format", "csv").stdout
    b = run("export", "--format", "csv").stdout
    assert a == b
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(a)))
    keys = [(r["county_code"], int(r["rank"])) for r in rows]
    assert keys == sorted(keys)
    assert all(len(r["county_code"]) == 6 for r in rows)


def test_export_check_both_ways(tmp_path: Path) -> None:
    out = tmp_path / "rec.csv"
    assert run("export", "--output", str(out)).returncode == 0
    ok = run("export", "--check", str(out))
    assert ok.returncode == 0, ok.stderr
    out.write_text(out.read_text(encoding="utf-8").replace("补链", "延链", 1), encoding="utf-8")
    stale = run("export", "--check", str(out))
    assert stale.returncode == 1
    assert f"{out}: differs from what `chainlink export` writes now" in stale.stderr


def test_export_bom_and_county_filter() -> None:
    result = run("export", "--bom", "--county", "qingtian", "--county", "江山", "--top", "3")
    assert result.stdout.startswith("\ufeffcounty_code,")
    lines = result.stdout.splitlines()[1:]
    assert len(lines) == 6
    assert {line.split(",")[0] for line in lines} == {"331121", "330881"}


def test_ndjson_and_tsv_are_undecorated() -> None:
    nd = run("match", "jiangshan", "--format", "ndjson", "--top", "3").stdout.splitlines()
    assert len(nd) == 3 and all(json.loads(line)["county_code"] == "330881" for line in nd)
    tsv = run("match", "jiangshan", "--format", "tsv", "--top", "2").stdout.splitlines()
    assert tsv[0].startswith("county_code\tcounty_zh\t") and len(tsv) == 3


def test_output_file_is_written_whole(tmp_path: Path) -> None:
    out = tmp_path / "m.json"
    result = run("match", "qingtian", "-f", "json", "-o", str(out))
    assert result.returncode == 0 and result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))[0]["rank"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]


def test_county_without_pairing_says_what_is_missing() -> None:
    result = run("match", "永嘉")
    assert result.returncode == 0, result.stderr
    assert "缺少数据：没有有来源的结对记录：结对方不明" in result.stdout
    en = run("match", "永嘉", "--lang", "en")
    assert "missing data: no sourced pairing: partner unknown" in en.stdout
    js = run("match", "永嘉", "-f", "json")
    assert "chainlink: missing data: no sourced pairing: partner unknown" in js.stderr
    assert all(r["partner_id"] == "" for r in json.loads(js.stdout))


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["match", "qing"], 1, "chainlink: error: unknown county 'qing'; did you mean: "),
        (["match", "qingtian", "--format", "xml"], 2, "chainlink: error: unknown --format 'xml'"),
        (["match", "qingtian", "--lang", "fr"], 2, "chainlink: error: unknown --lang 'fr'"),
        (["match"], 2, "chainlink: error: give a COUNTY or --project FILE"),
        (
            ["match", "qingtian", "--db", "/nonexistent/x.db"],
            1,
            "chainlink: error: /nonexistent/x.db: registry not found",
        ),
        (["match", "qingtian", "--partner", "西湖"], 1, "chainlink: error: 西湖区 is not paired with 青田县"),
        (["match", "qingtian", "--top", "-1"], 2, "chainlink: error: invalid value for '--top'"),
        (["export", "--format", "html"], 2, "chainlink: error: unknown --format 'html'"),
        (["chains", "show", "nosuchchain"], 1, "chainlink: error: unknown chain 'nosuchchain'"),
        (["nosuchcommand"], 2, "chainlink: error: no such command 'nosuchcommand'"),
    ],
)
def test_errors_are_one_line_with_exit_code(args: list[str], code: int, message: str) -> None:
    result = run(*args)
    assert result.returncode == code, (result.stdout, result.stderr)
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1  # usage errors too: no click usage block
    assert result.stdout == ""


def test_foreign_db_file(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"PK\x03\x04 not sqlite" * 50)
    result = run("match", "qingtian", "--db", str(bogus))
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        == f"chainlink: error: {bogus}: not a chainlink registry (not an SQLite database); pass --db PATH to a registry built by `chainlink build`"
    )


def test_env_var_and_any_directory(tmp_path: Path, real_db: Path) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(real_db.read_bytes())
    by_env = run("match", "qingtian", "-f", "csv", env={"CHAINLINK_DB": str(copy)}, cwd=tmp_path)
    default = run("match", "qingtian", "-f", "csv", cwd=tmp_path)
    assert by_env.returncode == default.returncode == 0
    assert by_env.stdout == default.stdout
    bad_env = run("match", "qingtian", env={"CHAINLINK_DB": str(tmp_path / "none.db")})
    assert bad_env.returncode == 1 and "registry not found" in bad_env.stderr


def test_no_color_and_plain_pipe() -> None:
    result = run("counties", env={"NO_COLOR": "1"})
    assert result.returncode == 0
    assert "\x1b[" not in result.stdout
    assert "331121" in result.stdout


def test_version_and_help() -> None:
    from chainlink import __version__

    lines = run("--version").stdout.splitlines()
    assert lines[0] == f"chainlink {__version__}"
    user = os.environ["CHAINLINK_USER_DB"]
    assert lines[1:] == [
        f"reference: {ROOT / 'registry.db'} (read-only)",
        f"user data: {user} (not created yet: the first import creates it)",
    ] or lines[1:] == [f"reference: {ROOT / 'registry.db'} (read-only)", f"user data: {user}"]
    help_text = run("--help").stdout
    for command in ("build", "match", "export", "counties", "pairs", "chains"):
        assert command in help_text


def test_build_check_on_shipped_registry() -> None:
    result = run("build", "--check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("registry.db: up to date")


def test_build_check_reports_difference(mini_root: Path, mini_db: Path) -> None:
    path = mini_root / "chains" / "petrochemical.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("name_zh: 合成树脂", "name_zh: 树脂"), encoding="utf-8"
    )
    result = run("build", "--check", "--sources", str(mini_root))
    assert result.returncode == 1
    assert "out of date with the sources" in result.stderr
    assert "segments: 1 changed (petrochemical/resin)" in result.stderr


def test_build_errors_name_file_and_line(mini_root: Path) -> None:
    path = mini_root / "chains" / "petrochemical.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('gbt: ["2651"]', 'gbt: ["9999"]'), encoding="utf-8"
    )
    result = run("build", "--sources", str(mini_root))
    assert result.returncode == 1
    assert (
        "chains/petrochemical.yaml:" in result.stderr
        and "unknown GB/T 4754-2017 code '9999'" in result.stderr
    )
    assert not (mini_root / "registry.db").exists()


def test_browse_commands() -> None:
    counties = run("counties", "-f", "json")
    assert len(json.loads(counties.stdout)) == 26
    pairs = json.loads(run("pairs", "青田", "-f", "json").stdout)
    assert {p["partner_id"] for p in pairs} >= {"ningbo-etdz"}
    chains = json.loads(run("chains", "list", "-f", "json").stdout)
    assert len(chains) >= 12
    tree = run("chains", "show", "鞋革")
    assert tree.returncode == 0 and "青田县" in tree.stdout


def test_match_project_file(tmp_path: Path) -> None:
    project = tmp_path / "p.yaml"
    project.write_text(
        'name: 示例合成革项目\norigin: 宁波石化经开区\ngbt: "2925"\nland_mu: 80\npollution: medium\n',
        encoding="utf-8",
    )
    result = run("match", "--project", str(project), "-f", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows[0]["county_code"] == "331102"  # 莲都区 (丽水经开区): the dual-chain pilot partner
    assert rows[0]["pairing_kind"] == "dual_chain_pilot"
    assert all(r["project_name"] == "示例合成革项目" for r in rows)


def test_match_project_bad_file(tmp_path: Path) -> None:
    project = tmp_path / "p.yaml"
    project.write_text('name: x\ngbt: "2925"\nland_mu: -5\n', encoding="utf-8")
    result = run("match", "--project", str(project))
    assert result.returncode == 1
    assert result.stderr.strip() == f"chainlink: error: {project}:3: land_mu: -5 must be ≥ 0"
