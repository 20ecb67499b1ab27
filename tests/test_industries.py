"""GB/T 4754-2017 in the registry: search (names, pinyin, codes, fuzzy), show, and 2011 → 2017 mapping."""

from __future__ import annotations

import json
import subprocess
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainlink.base.industries import (
    IndustryCodeWarning,
    industry_path,
    industry_report,
    map_2011_code,
    search_industries,
)
from chainlink.errors import DataError, UsageError
from chainlink.store.registry import Registry


def cli(real_db: Path, *args: str):
    from chainlink.cli import app

    return CliRunner().invoke(app, [*args, "--db", str(real_db)], prog_name="chainlink")


def codes(rows: list[dict]) -> list[str]:
    return [r["code"] for r in rows]


def test_search_chinese_finds_valves_first(reg: Registry) -> None:
    rows = search_industries(reg, "阀门")
    assert codes(rows)[0] == "3443"
    assert rows[0]["name_zh"] == "阀门和旋塞制造"
    assert rows[0]["path"] == "C › 34 › 344 › 3443"
    assert "344" in codes(rows)  # 泵、阀门、压缩机及类似机械制造 contains it too, ranked lower


@pytest.mark.parametrize("query", ["famen", "fa men", "Fá Mén", "FAMEN"])
def test_search_pinyin(reg: Registry, query: str) -> None:
    rows = search_industries(reg, query)
    assert codes(rows)[0] == "3443"
    assert rows[0]["match"] == "pinyin"


def test_search_pinyin_initials(reg: Registry) -> None:
    rows = search_industries(reg, "fmhx")
    assert codes(rows) == ["3443"] and rows[0]["match"] == "initials"


def test_the_help_example_fmxs_finds_valves(reg: Registry, real_db: Path) -> None:
    # the help promises "initials fmxs" for 阀门: 阀门和旋塞制造 without its joining 和 is f-m-x-s-z-z
    assert search_industries(reg, "fmxs")[0]["code"] == "3443"
    assert search_industries(reg, "fmhxs")[0]["code"] == "3443"  # with 和 too
    assert "initials fmxs" in " ".join(cli(real_db, "industries", "search", "--help").output.split())
    found = cli(real_db, "industries", "search", "fmxs", "-f", "json")
    assert json.loads(found.output)[0]["name_zh"] == "阀门和旋塞制造"


def test_search_code_prefix(reg: Registry) -> None:
    rows = search_industries(reg, "344")
    assert codes(rows)[0] == "344"
    assert {"3441", "3442", "3443", "3444", "3445", "3446"} <= set(codes(rows))
    assert all(c.startswith("344") for c in codes(rows))


def test_search_section_letter(reg: Registry) -> None:
    rows = search_industries(reg, "c", limit=40)
    assert codes(rows)[0] == "C"
    assert "34" in codes(rows) and rows[0]["name_zh"] == "制造业"


def test_search_fuzzy_typo(reg: Registry) -> None:
    rows = search_industries(reg, "阀们和旋塞制造")  # 们 for 门
    assert codes(rows)[0] == "3443" and rows[0]["match"] == "fuzzy"


def test_search_old_code_maps_forward(reg: Registry) -> None:
    rows = search_industries(reg, "6510")
    assert codes(rows) == ["6511", "6512", "6513", "6519"]
    assert {r["match"] for r in rows} == {"2011 code"}


def test_search_empty_is_usage_error(reg: Registry) -> None:
    with pytest.raises(UsageError):
        search_industries(reg, "  ")


def test_pinyin_column_is_compiled(reg: Registry) -> None:
    row = next(r for r in reg.industries if r["code"] == "3443")
    assert row["pinyin"] == "fa men he xuan sai zhi zao"
    assert all(r["pinyin"] for r in reg.industries if r["level"] > 1)


def test_show_path_valves(reg: Registry) -> None:
    assert codes(industry_path(reg, "3443")) == ["C", "34", "344", "3443"]
    report = industry_report(reg, "3443")
    assert codes(report.path) == ["C", "34", "344", "3443"]
    assert report.children == [] and report.warnings == []
    assert {s["key"] for s in report.segments} == {"pumps-valves/valves", "pumps-valves/smart-control-valves"}
    holders = {(h["holder_id"], h["strength"]) for h in report.holders}
    assert {("331121", 1.0), ("330324", 1.0), ("331102", 1.0), ("330328", 0.6)} <= holders


def test_show_group_lists_children(reg: Registry) -> None:
    report = industry_report(reg, "344")
    assert codes(report.children) == ["3441", "3442", "3443", "3444", "3445", "3446"]
    # a class under the group is a segment code: match 0.9 (the segment is narrower)
    assert any(s["key"] == "pumps-valves/valves" and s["strength"] == 0.9 for s in report.segments)


def test_map_2011_code_split_warns(reg: Registry) -> None:
    with pytest.warns(IndustryCodeWarning, match="6510 maps to 2017 6511 基础软件开发"):
        assert map_2011_code("6510", reg) == ["6511", "6512", "6513", "6519"]


def test_map_2011_code_renumbered(reg: Registry) -> None:
    with pytest.warns(IndustryCodeWarning):
        assert map_2011_code("7221", reg) == ["7231"]


def test_map_2011_code_unchanged_is_silent(reg: Registry) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert map_2011_code("3443", reg) == ["3443"]


def test_map_2011_code_unknown(reg: Registry) -> None:
    with pytest.raises(DataError, match="not a GB/T 4754-2011 code"):
        map_2011_code("9999", reg)


def test_show_2011_only_code(reg: Registry) -> None:
    report = industry_report(reg, "6510")
    assert report.industry is None
    assert codes(report.maps_to) == ["6511", "6512", "6513", "6519"]
    assert "6510 is a GB/T 4754-2011 code" in report.warnings[0]


def test_show_code_with_different_2011_meaning(reg: Registry) -> None:
    report = industry_report(reg, "6520")  # 2017: 集成电路设计; 2011: 信息系统集成服务
    assert report.industry["name_zh"] == "集成电路设计"
    assert codes(report.maps_to) == ["6531", "6532", "6540"]
    assert "as a GB/T 4754-2011 code, 6520" in report.warnings[0]


def test_cli_search_table(real_db: Path) -> None:
    result = cli(real_db, "industries", "search", "阀门")
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[2]
    assert first.split()[0] == "3443" and "阀门和旋塞制造" in first


def test_cli_search_json(real_db: Path) -> None:
    result = cli(real_db, "industries", "search", "famen", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows[0]["code"] == "3443" and rows[0]["level"] == 4 and rows[0]["match"] == "pinyin"


def test_cli_show_table(real_db: Path) -> None:
    result = cli(real_db, "industries", "show", "3443")
    assert result.exit_code == 0, result.output
    assert "C 制造业 → 34 通用设备制造业 → 344 泵、阀门、压缩机及类似机械制造 → 3443" in result.output
    assert "pumps-valves/valves" in result.output
    assert "331121 青田县" in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80


def test_cli_show_json_rows(real_db: Path) -> None:
    result = cli(real_db, "industries", "show", "3443", "-f", "json")
    rows = json.loads(result.output)
    path = [r["code"] for r in rows if r["relation"] == "path"]
    assert path == ["C", "34", "344"]
    counties = [r for r in rows if r["relation"] == "county"]
    assert all(r["confidence"] and r["source"] for r in counties)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    from tests._cli import run_cli  # in this process, as a fresh one would run it

    return run_cli(*args)


def test_cli_show_2011_code_warns() -> None:
    result = _run("industries", "show", "6510", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert "warning: 6510 is a GB/T 4754-2011 code" in result.stderr
    assert result.stdout.splitlines()[1].startswith("maps_to,6511,基础软件开发")


def test_cli_show_unknown_code_exits_1() -> None:
    result = _run("industries", "show", "9999")
    assert result.returncode == 1
    assert result.stderr.startswith("chainlink: error: unknown GB/T 4754 code '9999'")
