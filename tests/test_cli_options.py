"""One CLI: every command that returns rows takes the same output options and honours them.

Walks every command of ``chainlink`` (the table of chainlink/_commands.py and each group's subcommands):
a command with ``--format`` must take the common options (--format, --output, --bom, --top, --lang),
write the format its ``--output`` extension names, and refuse an extension that contradicts
``--format`` with one usage line (exit 2) and no file. Help texts name values in words.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from tests._cli import run_cli

SCENARIOS = Path(__file__).parent / "data" / "scenarios"
SMALL_PROJECTS = str(SCENARIOS / "small_projects.yaml")

# Commands whose --format is not a row format (graphs, reports, a file to write, a file to read).
NOT_ROWS = {"chains export", "report", "metrics aggregate", *(f"import {k}" for k in
            ("enterprises", "projects", "characteristic", "pairings"))}  # fmt: skip


def _leaves() -> dict[str, object]:
    """Every runnable command by its path (``enterprises list``), loaded through the lazy group.

    The command modules are imported first: each one the lazy group imports changes the app, and the
    group is built again (tests/conftest.py builds once per state) — 17 builds at every collection."""
    import importlib

    import typer.main

    from chainlink._commands import COMMANDS
    from chainlink.cli import app

    for module in dict.fromkeys(entry[0] for entry in COMMANDS.values()):
        importlib.import_module(f"chainlink.cli.{module}")
    root = typer.main.get_command(app)
    found: dict[str, object] = {}

    def walk(command: object, path: list[str]) -> None:
        subs = getattr(command, "commands", None)
        if subs:
            for name in list(subs):
                walk(subs[name], [*path, name])
        else:
            found[" ".join(path)] = command

    for name in COMMANDS:
        walk(root.commands[name], [name])
    return found


LEAVES = _leaves()
ROW_COMMANDS = sorted(
    name for name, cmd in LEAVES.items() if name not in NOT_ROWS and any("--format" in p.opts for p in cmd.params)
)


def _long_csv(path: Path) -> Path:
    lines = ["county,industry,value"]
    for i in range(6):
        for j in range(5):
            lines.append(f"c{i},{j:04d},{(i + 1) * (j + 2) % 7 + (i == j)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def args(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """The arguments each row command is run with (cheap ones: a county, a small file)."""
    tmp = tmp_path_factory.mktemp("options")
    long = str(_long_csv(tmp / "long.csv"))
    run1, run2 = str(tmp / "run1.json"), str(tmp / "run2.json")
    for run in (run1, run2):
        made = run_cli("allocate", "--projects", SMALL_PROJECTS, "--scenario", str(SCENARIOS / "small.yaml"),
                       "-o", run)  # fmt: skip
        assert made.returncode == 0, made.stderr
    metrics = [long, "--loc", "county", "--prod", "industry", "--val", "value"]
    return {
        "allocate": ["--projects", SMALL_PROJECTS, "--scenario", str(SCENARIOS / "small.yaml")],
        "diff": [run1, run2],
        "explain": ["A", "莲都", "--project", SMALL_PROJECTS],
        "counties": [],
        "pairs": ["青田"],
        "doctor": ["--no-sources"],
        "evaluate": ["--case", "PRJ001"],
        "match": ["青田", "-n", "3"],
        "export": ["--county", "青田", "-n", "2"],
        "opportunities": ["青田", "-n", "3"],
        "gaps": ["青田"],
        "imported": ["log"],
        "sources": ["--kind", "package"],
        "chains list": [],
        "chains show": ["pumps-valves"],
        "chains coverage": [],
        "county show": ["青田"],
        "zone show": ["ningbo-etdz"],
        "enterprises list": ["--county", "青田"],
        "enterprises show": ["SZ000156"],
        "enterprises unplaced": ["-n", "5"],
        "enterprises coverage": [],
        "enterprises dedupe": [],
        "industries search": ["阀门"],
        "industries show": ["3443"],
        "io linkages": ["-n", "5"],
        "io upstream": ["033"],
        "io downstream": ["033"],
        "metrics compute": metrics,
        "metrics proximity": metrics,
        "metrics relatedness": metrics,
    }


def test_the_walk_finds_the_row_commands() -> None:
    # a floor, so that a broken walk cannot pass the tests below by finding nothing
    assert {"match", "export", "counties", "enterprises list", "io upstream", "metrics compute", "doctor"} <= set(
        ROW_COMMANDS
    )
    assert len(ROW_COMMANDS) >= 30


@pytest.mark.parametrize("name", ROW_COMMANDS)
def test_every_row_command_takes_the_common_options(name: str) -> None:
    params = {opt: p for p in LEAVES[name].params for opt in p.opts}
    for opt in ("--format", "-f", "--output", "-o", "--bom", "--top", "-n", "--lang", "--escape-formulas"):
        assert opt in params, f"chainlink {name} lacks {opt}"
    assert params["--format"].metavar == "FORMAT" and params["--output"].metavar == "FILE"
    assert params["--top"].metavar == "N" and params["--top"].type.min == 0  # 0 = all, everywhere
    for fmt in ("table", "csv", "tsv", "json", "ndjson", "xlsx"):
        assert fmt in params["--format"].help, (name, fmt)


@pytest.mark.parametrize("name", sorted(LEAVES))
def test_help_names_values_in_words(name: str) -> None:
    result = run_cli(*name.split(), "--help", env={"COLUMNS": "100"})
    assert result.returncode == 0, result.stderr
    python_types = re.findall(r"\b(TEXT|INTEGER|FLOAT|PATH|BOOLEAN)\b|<(?:int|str|float|path)[^>]*>", result.stdout)
    assert not python_types, f"chainlink {name} --help shows {python_types}"


def _check(fmt: str, path: Path) -> None:
    data = path.read_bytes()
    if fmt == "xlsx":
        assert data[:2] == b"PK" and "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
        return
    text = data.decode("utf-8")
    if fmt == "json":
        assert isinstance(json.loads(text), (list, dict))
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(text)))
        assert len(rows) >= 1 and len(rows[0]) >= 2 and all(len(r) == len(rows[0]) for r in rows), text[:300]
        assert "─" not in text  # not a table drawn in text


@pytest.mark.parametrize("name", ROW_COMMANDS)
def test_the_output_extension_sets_the_format(name: str, args: dict[str, list[str]], tmp_path: Path) -> None:
    assert name in args, f"add chainlink {name} to the args fixture"
    for fmt in ("json", "csv"):
        target = tmp_path / f"out.{fmt}"
        result = run_cli(*name.split(), *args[name], "-o", str(target))
        assert result.returncode in (0, 1) and "Traceback" not in result.stderr, (name, result.stderr)
        _check(fmt, target)


@pytest.mark.parametrize("name", ["match", "export", "counties", "enterprises list", "explain", "io upstream"])
def test_xlsx_by_extension(name: str, args: dict[str, list[str]], tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    result = run_cli(*name.split(), *args[name], "-o", str(target))
    assert result.returncode == 0, result.stderr
    _check("xlsx", target)


@pytest.mark.parametrize("name", ROW_COMMANDS)
def test_a_contradicting_extension_is_a_usage_error(name: str, args: dict[str, list[str]], tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    result = run_cli(*name.split(), *args[name], "-o", str(target), "--format", "csv")
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, (name, result.stderr)
    assert lines[0] == (
        f"chainlink: error: --output {target} ends in .xlsx but --format is csv: drop --format or name the file *.csv"
    )
    assert not target.exists()


def test_top_zero_means_all() -> None:
    every = run_cli("match", "青田", "-n", "0", "-f", "json")
    ten = run_cli("match", "青田", "-f", "json")
    assert every.returncode == ten.returncode == 0
    assert len(json.loads(every.stdout)) > len(json.loads(ten.stdout)) == 10
    assert len(json.loads(run_cli("counties", "-f", "json", "-n", "3").stdout)) == 3
    assert len(json.loads(run_cli("counties", "-f", "json", "-n", "0").stdout)) == 26


def test_markdown_table(tmp_path: Path) -> None:
    target = tmp_path / "counties.md"
    assert run_cli("counties", "-o", str(target)).returncode == 0
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("| 代码 | 名称 |") and lines[1].startswith("| --- |")
    assert len([line for line in lines if line.startswith("| 33")]) == 26


def test_bom_everywhere() -> None:
    assert run_cli("counties", "-f", "csv", "--bom").stdout.startswith("\ufeffcode,")
    assert run_cli("gaps", "青田", "-f", "json", "--bom").stdout.startswith("\ufeff[")


def test_every_note_of_the_26_counties_has_chinese_words() -> None:
    """The library writes its notes in English; zh output shows each in Chinese (vocabulary.NOTES_ZH).
    A new or reworded note fails here until it has its Chinese wording."""
    from chainlink.base.vocabulary import knows_note, note_label
    from chainlink.scoring.model import Model
    from chainlink.scoring.suggest import suggest_for_county
    from chainlink.store.registry import Registry

    model = Model(Registry.open(None))
    notes = {n for code in sorted(model.counties) for n in suggest_for_county(model, code, top=3).missing}
    assert notes, "no county has a note: the check below would pass vacuously"
    unknown = sorted(n for n in notes if not knows_note(n))
    assert not unknown, unknown
    assert all(not re.search(r"[a-z]{4,} [a-z]{4,}", note_label(n, "zh")) for n in notes)


def test_labels_in_zh_and_en() -> None:
    zh = run_cli("explain", "D", "莲都", "--project", SMALL_PROJECTS)
    en = run_cli("explain", "D", "莲都", "--project", SMALL_PROJECTS, "--lang", "en")
    assert zh.returncode == en.returncode == 0, zh.stderr + en.stderr
    for key in ("chain_fit", "partner_fit", "dual_chain_pilot", "missing data", "unverified"):
        assert key not in zh.stdout, key
    assert "产业链契合" in zh.stdout and "结对方产业契合" in zh.stdout and "产业链“双链长制”试点" in zh.stdout
    assert "chain fit" in en.stdout and "dual chain leader pilot" in en.stdout and "产业链契合" not in en.stdout
    gaps = run_cli("gaps", "青田", "--lang", "en", "-n", "2")
    assert "type" in gaps.stdout and "补链" not in gaps.stdout
