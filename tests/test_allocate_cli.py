"""``chainlink allocate``, ``diff`` and ``explain`` end to end: formats, labels, exit codes, determinism."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

SCENARIOS = Path(__file__).resolve().parent / "data" / "scenarios"
SMALL_PROJECTS = str(SCENARIOS / "small_projects.yaml")
SMALL = str(SCENARIOS / "small.yaml")


@pytest.fixture(autouse=True)
def _default_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process runs read the shipped registry, as the fresh processes do."""
    monkeypatch.delenv("CHAINLINK_DB", raising=False)


def run(*args: str, seed: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI in this process (tests/_cli.py), or in a fresh one under the hash seed ``seed``."""
    if seed is None:
        from tests._cli import run_cli

        return run_cli(*args, cwd=cwd)
    env = {k: v for k, v in os.environ.items() if k != "CHAINLINK_DB"}
    env["PYTHONHASHSEED"] = seed
    return subprocess.run(
        [sys.executable, "-m", "chainlink", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=cwd,
        timeout=120,
    )


def one_error_line(result: subprocess.CompletedProcess[str], code: int) -> str:
    assert result.returncode == code, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("chainlink: error: ")
    return lines[0]


def in_process(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the CLI in this process (no start-up cost): exit code, stdout and stderr."""
    from chainlink.cli import main

    with pytest.raises(SystemExit) as info:
        main(list(args))
    captured = capsys.readouterr()
    return int(info.value.code or 0), captured.out, captured.err


def _registry_runs(folder: Path) -> None:
    from tests._cli import other_hash_seed

    # a fresh process under a fixed hash seed, and this process under its own (another one)
    for name, seed in (("a.json", other_hash_seed()), ("b.json", None)):
        result = run("allocate", "--output", str(folder / name), seed=seed)  # .json: the run record
        assert result.returncode == 0, result.stderr
        assert result.stdout == ""


@pytest.fixture(scope="module")
def registry_runs(once: Callable[[str, Callable[[Path], None]], Path]) -> tuple[Path, Path]:
    """The default allocation of the registry's 300 sample projects, twice, under two hash seeds: in a fresh
    process (≈ 3 CPU s) and in this one (once per run)."""
    folder = once("allocate-registry-runs", _registry_runs)
    return folder / "a.json", folder / "b.json"


def test_registry_run_json_is_deterministic_and_labelled(registry_runs) -> None:
    first, second = registry_runs
    assert first.read_bytes() == second.read_bytes()
    record = json.loads(first.read_text(encoding="utf-8"))
    assert record["capacities_confidence"] == "sample" and record["sample"] is True
    res = record["results"]
    assert res["status"] == "optimal" and res["gap"] == 0.0 and res["bound"] == res["objective"]
    assert res["assigned"] + res["unassigned_count"] == 300 == len(record["inputs"]["projects"])
    assert all(u["reason"] and u["detail"] for u in res["unassigned"])
    # 26 county platforms + 17 enclaves (one per enclave and county, listed in tests/test_plan.py ENCLAVES)
    assert len(res["destinations"]) == 43 and all(d["binding"] in ("none", "land", "energy", "land+energy")
                                                  for d in res["destinations"])  # fmt: skip
    assert record["parameters"]["time_limit"] == 10.0


def test_table_says_sample_everywhere(capsys: pytest.CaptureFixture[str]) -> None:
    result = run("allocate", "--projects", SMALL_PROJECTS, "--scenario", SMALL)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("山区26县项目分配：5 个项目 → 43 个目的地（26 个县平台、17 块飞地）")
    assert "最优 (optimal)；目标值 3.4164；上界 3.4164；间隙 0" in out
    assert "已分配 5 个，未分配 0 个" in out
    assert "capacities_confidence: sample" in out and "示例(SAMPLE)" in out
    _, en, _ = in_process(
        capsys, "allocate", "--projects", SMALL_PROJECTS, "--scenario", SMALL, "--lang", "en"
    )
    assert "5 assigned, 0 unassigned" in en
    assert "land and energy quotas are SAMPLE values" in en


def test_registry_csv_and_table_label_sample_projects(tmp_path: Path, registry_runs) -> None:
    from chainlink.cli.allocate import allocation_table

    result = run("allocate", "--format", "csv", "--save-run", str(tmp_path / "run.json"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "run.json").read_bytes() == registry_runs[0].read_bytes()  # same run, any format
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 300
    assert {r["capacities_confidence"] for r in rows} == {"sample"} and {r["sample"] for r in rows} == {
        "true"
    }
    assigned = [r for r in rows if r["status"] == "assigned"]
    assert assigned and all(r["destination_id"] and r["score"] for r in assigned)
    assert all(r["reason"] for r in rows if r["status"] == "unassigned")
    assert "SAMPLE values" in result.stderr
    record = json.loads(registry_runs[0].read_text(encoding="utf-8"))
    table = allocation_table(record, "zh")
    assert table.startswith("山区26县项目分配（示例数据）：300 个项目")
    assert "注意：项目含示例(sample)数据，非真实项目" in table and "capacities_confidence: sample" in table
    assert "Allocation to the 26 mountain counties (SAMPLE data): 300 projects" in allocation_table(
        record, "en"
    )


def test_no_sample_says_there_is_nothing() -> None:
    result = run("allocate", "--no-sample")
    assert result.returncode == 0, result.stderr
    out = " ".join(result.stdout.split())  # table notices are folded at 80 columns
    assert (
        "nothing to allocate: the registry holds no open projects besides the sample ones (--no-sample)"
        in out
    )
    assert "已分配 0 个，未分配 0 个" in out


def test_diff_two_runs_and_bad_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    more = tmp_path / "more.yaml"
    more.write_text(Path(SMALL).read_text(encoding="utf-8").replace("{land_mu: 60,", "{land_mu: 90,"))
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert run("allocate", "--projects", SMALL_PROJECTS, "--scenario", SMALL, "-o", str(a)).returncode == 0
    code, _, _ = in_process(
        capsys, "allocate", "--projects", SMALL_PROJECTS, "--scenario", str(more), "-o", str(b)
    )
    assert code == 0
    result = run("diff", str(a), str(b), "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {"change": "capacity", "item": "331121 land_cap", "before": "60.0", "after": "90.0",
            "detail": "mu; scenario → scenario"} in rows  # fmt: skip
    assert {r["change"] for r in rows} == {"capacity"}  # every project was placed already
    code, out, _ = in_process(capsys, "diff", str(a), str(b))
    assert code == 0 and "变化：capacity 1" in out
    code, out, _ = in_process(capsys, "diff", str(a), str(a), "--lang", "en")
    assert code == 0 and "changes: no differences" in out

    def error(*args: str) -> str:
        code, _, err = in_process(capsys, "diff", *args)
        assert code == 1 and len(err.strip().splitlines()) == 1, err
        return err

    foreign = tmp_path / "foreign.json"
    foreign.write_text('{"name": "not a run"}', encoding="utf-8")
    assert "not a chainlink allocation run" in error(str(a), str(foreign))
    broken = tmp_path / "broken.json"
    broken.write_text("{\n  oops", encoding="utf-8")
    assert f"{broken}:2: not JSON" in error(str(broken), str(a))
    assert "run file not found" in error(str(a), str(tmp_path / "none.json"))


def test_explain_table_with_run(tmp_path: Path) -> None:
    record = tmp_path / "run.json"
    assert (
        run("allocate", "--projects", SMALL_PROJECTS, "--scenario", SMALL, "-o", str(record)).returncode == 0
    )
    result = run("explain", "D", "莲都", "--project", SMALL_PROJECTS, "--run", str(record))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "产业链路径（上游→下游）：" in out and "权重" in out and "io2020" in out
    assert "结对：P024 产业链“双链长制”试点，结对方 ningbo-petrochem-etdz" in out
    # the pairing's period in Chinese, in the component line and the pairing line (it was printed in English)
    assert "".join(out.split()).count("“双链长制”试点；见2022年省商务厅文章") == 2 and "commerce department" not in out
    assert "dual_chain_pilot" not in out and "chain_fit" not in out and "产业链契合" in out
    assert "运行结果：分配到 ningbo-hangzhou-bay@331102" in out  # D went to the bay enclave: 莲都 was full
    assert (
        "为何未选得分更高的目的地：\n  - 331102 莲都区 (0.688981): 容量不足：用地剩 5 亩（共 100，情景），需 30"
        in out
    )
    en = run("explain", "D", "莲都", "--project", SMALL_PROJECTS, "--run", str(record), "--lang", "en")
    assert "Why not a higher-scoring destination:" in en.stdout
    assert "named in the 2022 provincial commerce department article" in " ".join(en.stdout.split())
    assert "capacity: land: 5 mu left of 100 (scenario), needs 30" in " ".join(en.stdout.split())
    as_json = json.loads(run("explain", "D", "莲都", "--project", SMALL_PROJECTS, "-f", "json").stdout)
    assert [c["component"] for c in as_json["components"]][:2] == ["chain_fit", "link"]


def test_exit_codes_and_one_line_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def error(code: int, *args: str) -> str:
        got, _, err = in_process(capsys, *args)
        lines = err.strip().splitlines()
        assert got == code and len(lines) == 1 and lines[0].startswith("chainlink: error: "), (got, err)
        return lines[0]

    bad = tmp_path / "bad.yaml"
    bad.write_text("capacities:\n  青田: {land_mu: -1}\n", encoding="utf-8")
    line = error(1, "allocate", "--scenario", str(bad), "--projects", SMALL_PROJECTS)
    assert line == f"chainlink: error: {bad}:2: capacities: 青田: land_mu: -1 must not be negative"
    assert "unknown --format 'xml'" in error(2, "allocate", "--format", "xml")
    assert "--min-land-share '150%'" in error(2, "allocate", "--min-land-share", "150%")
    assert "--intensity 'maybe'" in error(2, "allocate", "--projects", SMALL_PROJECTS, "--intensity", "maybe")
    projects = tmp_path / "p.yaml"
    projects.write_text("- {id: X, name: x, gbt: '9999'}\n", encoding="utf-8")
    assert "gbt '9999' is not a GB/T 4754-2017 code" in error(1, "allocate", "--projects", str(projects))
    assert "unknown project 'nope'" in error(1, "explain", "nope", "青田")
    assert "unknown county" in error(1, "explain", "sample-P0001", "atlantis")
    assert "give PROJECT and COUNTY" in error(2, "explain", "sample-P0001")
    # and once as a user runs it, in a fresh process: the infeasible scenario is one line, exit 1
    forced = tmp_path / "forced.yaml"
    forced.write_text(
        Path(SMALL).read_text(encoding="utf-8") + "forced:\n  A: 青田\n  B: 青田\n", encoding="utf-8"
    )
    line = one_error_line(run("allocate", "--scenario", str(forced), "--projects", SMALL_PROJECTS), 1)
    assert "forced assignments to 331121 青田县 (A, B) need 110 mu but its land cap is 60 mu" in line
