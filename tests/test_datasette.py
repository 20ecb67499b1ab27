"""The registry for Datasette: foreign keys, FTS on names, metadata, saved queries, `chainlink browse`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainlink.cli import app


def test_foreign_keys_declared_and_clean(mini_db: Path) -> None:
    con = sqlite3.connect(mini_db)
    refs = {(r[2], r[3], r[4]) for r in con.execute("SELECT * FROM pragma_foreign_key_list('pairings')")}
    assert ("counties", "county_code", "code") in refs and ("partners", "partner_id", "id") in refs
    edges = {(r[2], r[3]) for r in con.execute("SELECT * FROM pragma_foreign_key_list('edges')")}
    assert ("segments", "from_key") in edges and ("segments", "to_key") in edges
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []


def test_name_search(mini_db: Path) -> None:
    con = sqlite3.connect(mini_db)
    hit = con.execute("SELECT name_zh FROM counties_fts WHERE counties_fts MATCH 'qingtian'").fetchall()
    assert hit == [("青田县",)]
    hit = con.execute("SELECT name_zh FROM partners_fts WHERE partners_fts MATCH '经济技术开发区'").fetchall()
    assert ("宁波经济技术开发区",) in hit


def test_build_check_ignores_fts_tables(mini_root: Path, mini_db: Path) -> None:
    from chainlink.store.build import check_registry

    con = sqlite3.connect(mini_db)
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "counties_fts" in names and "counties_fts_data" in names
    assert check_registry(mini_root, mini_db) == []


def test_metadata_and_saved_queries(real_db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["browse", "--write", str(tmp_path), "--db", str(real_db)])
    assert res.exit_code == 0, res.output
    meta = json.loads((tmp_path / "metadata.json").read_text(encoding="utf-8"))
    tables = meta["databases"]["registry"]["tables"]
    assert "26 mountain counties" in tables["counties"]["description"]
    assert tables["counties"]["columns"]["confidence"].startswith("sourced")
    queries = meta["databases"]["derived"]["queries"]
    con = sqlite3.connect(tmp_path / "derived.db")
    got = con.execute(queries["suggestions_for_a_county"]["sql"], {"county": "331121"}).fetchall()
    # independent reference: what `chainlink match 青田 --format json` ranks
    ref = json.loads(runner.invoke(app, ["match", "331121", "-f", "json", "--db", str(real_db)]).stdout)
    assert [(r[0], r[3]) for r in got] == [(r["rank"], r["segment_zh"]) for r in ref]
    assert con.execute(queries["suggestions_for_a_county"]["sql"], {"county": "青田县"}).fetchall() == got
    chains = con.execute(queries["chains_touching_a_county"]["sql"], {"county": "331121"}).fetchall()
    ids = {r[0] for r in chains}
    assert {r["chain_id"] for r in ref} <= ids and "pumps-valves" in ids


def test_browse_without_datasette_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from chainlink.errors import DataError

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "datasette" else real(name, *a))
    res = CliRunner().invoke(app, ["browse"])
    assert isinstance(res.exception, DataError)
    assert "pip install 'chainlink[browse]'" in str(res.exception)
