"""Scoring reads the firms of the places it asks about only (``chainlink.scoring.firms.firms_in``, through
``Model._firms_in``): the same rows, in the same order and with the same 链主 marks, as the plain definition —
every firm read (``firms_on``) and filtered — for every county and partner, and the same suggestions."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from chainlink.outputs.export import suggestion_row
from chainlink.scoring import firms as F
from chainlink.scoring.model import Model
from chainlink.scoring.suggest import suggest_for_county
from chainlink.store.registry import Registry


@pytest.fixture(scope="module")
def full(real_db: Path) -> Model:
    """A model that has read every firm (the plain definition)."""
    model = Model(Registry.open(real_db))
    assert model._firms
    return model


@pytest.fixture(scope="module")
def scoped_reg(real_db: Path) -> Registry:
    """A registry nothing reads every firm of (checked after each test that uses it)."""
    reg = Registry.open(real_db)
    yield reg
    assert not hasattr(reg, "_chainlink_firm_links"), "a scoped read fell back to reading every link"


def _keys(model: Model) -> list[str]:
    return list(model.graph.nodes)


def _where(rows: list[dict[str, Any]], places: set[str], counties: set[str], partners: set[str]) -> list[dict[str, Any]]:
    return [r for r in rows if r["place_code"] in places or r["county_code"] in counties or r["partner_id"] in partners]


def _scopes(model: Model) -> list[tuple[set[str], set[str], set[str]]]:
    """(places, counties, partner ids) of every county, every partner, and every county with its partners."""
    out = [({c}, {c}, set()) for c in sorted(model.counties)]
    out += [(model.partner_places(p), set(), set(model.partner_family(p))) for p in sorted(model.partners)]
    for c in sorted(model.counties):
        pids = {p.partner_id for p in model.pairings_of(c) if p.partner_id}
        places = {c}.union(*(model.partner_places(p) for p in pids))
        out.append((places, {c}, set().union(*(model.partner_family(p) for p in pids))))
    return out


@pytest.mark.parametrize("kinds", [F.REAL_KINDS, ("listed", "named", "sample"), ("sample",)])
def test_firms_in_is_firms_on_filtered(full: Model, scoped_reg: Registry, kinds: tuple[str, ...]) -> None:
    keys = _keys(full)
    everything = F.firms_on(full.registry, keys, kinds=kinds)
    assert any(r["chain_leader"] for r in everything) or kinds == ("sample",)
    leaders = 0
    for places, counties, partners in _scopes(full):
        want = _where(everything, places, counties, partners)
        got = F.firms_in(scoped_reg, keys, places=places, counties=counties, partner_ids=partners, kinds=kinds)
        assert got == want, (places, counties, partners)
        leaders += sum(r["chain_leader"] for r in got)
    assert leaders or kinds == ("sample",)


def _county_plain(full: Model, code: str) -> list[dict[str, Any]]:
    """The firms of county ``code`` by the plain definition: every firm read, filtered."""
    return [f for f in full._firms if f.get("place_code") == code or f.get("county_code") == code]


def _partner_plain(full: Model, pid: str) -> list[dict[str, Any]]:
    """The partner's firms (in its territory or tied to its zones) by the plain definition."""
    places, family = full.partner_places(pid), full.partner_family(pid)
    return [f for f in full._firms if f.get("place_code") in places or f.get("partner_id") in family]


def test_model_scoped_firms_equal_the_full_read(full: Model, scoped_reg: Registry) -> None:
    """A fresh model per county reads that county's firms and its partners' (one scoped read), a fresh model per
    partner that partner's: each list equals the plain definition, and so do the lists of the model that read every
    firm (found through its indexes)."""
    keys = _keys(full)
    # a Registry's firm links are joined to its enterprises: the model keeps every row without looking the ids up
    assert full._firms and {f["id"] for f in full._firms if not f["user"]} <= full.registry.enterprise_ids
    for code in sorted(full.counties):
        want = _county_plain(full, code)
        on = [k for k in keys if k.startswith(("m", "n", "p"))]
        for model in (Model(scoped_reg), full):
            assert model.county_firms_on(code, None) == want, code
            assert model.county_firms_on(code, on) == [f for f in want if f["segment_key"] in on]
            for p in model.pairings_of(code):
                if p.partner_id:
                    assert [f for fs in model._partner_firm_index(p.partner_id).values() for f in fs] == sorted(
                        _partner_plain(full, p.partner_id), key=lambda f: f["segment_key"]
                    )
            assert model is full or "_firms" not in model.__dict__
    for pid in sorted(full.partners):
        want = _partner_plain(full, pid)
        for model in (Model(scoped_reg), full):
            assert model.partner_firms_on(pid, keys) == want, pid
            some = keys[::7]
            assert model.partner_firms_on(pid, some) == [f for f in want if f["segment_key"] in some]
            for key in keys:
                assert model.partner_firms_on(pid, [key]) == [f for f in want if f["segment_key"] == key]
            assert model is full or "_firms" not in model.__dict__


def test_suggestions_with_scoped_firms(full: Model, scoped_reg: Registry) -> None:
    """Every county's suggestions (top 10 and by partner) from a model that read only that county's firms equal
    those of a model that read every firm."""
    for code in sorted(full.counties):
        model = Model(scoped_reg)
        for by_partner in (False, True):
            got = [suggestion_row(s) for s in suggest_for_county(model, code, by_partner=by_partner).suggestions]
            want = [suggestion_row(s) for s in suggest_for_county(full, code, by_partner=by_partner).suggestions]
            assert got == want, (code, by_partner)
        assert "_firms" not in model.__dict__


def test_a_model_asked_about_many_counties_reads_every_firm_once(real_db: Path) -> None:
    from chainlink.scoring.model import SCOPED_FIRM_READS

    model = Model(Registry.open(real_db))
    codes = sorted(model.counties)
    for i, code in enumerate(codes):
        model.county_firms_on(code, None)
        assert ("_firms" in model.__dict__) == (i >= SCOPED_FIRM_READS)


def _tiny(tmp_path: Path) -> Any:
    """A registry-like object over a two-table database: firm X of place 330100 is tied to zone Z, whose territory
    is 330200; the 链主 candidate of chain c in 330100 is firm Y, which the scope Z does not include."""
    conn = sqlite3.connect(tmp_path / "tiny.db")
    conn.executescript(
        """
        CREATE TABLE enterprises (id TEXT PRIMARY KEY, name_zh TEXT, kind TEXT, place_code TEXT, county_code TEXT,
            partner_id TEXT, as_of TEXT, role TEXT, role_chains TEXT, role_source TEXT, role_confidence TEXT,
            quote TEXT, named_id TEXT, stock_code TEXT);
        CREATE TABLE enterprise_segments (enterprise_id TEXT, segment_key TEXT, chain_id TEXT, product TEXT,
            revenue_share REAL, rule TEXT, confidence TEXT, source TEXT, PRIMARY KEY (enterprise_id, segment_key));
        INSERT INTO enterprises VALUES
            ('X', 'x', 'listed', '330100', '', 'Z', '', '', '', '', '', '', '', '000002'),
            ('Y', 'y', 'listed', '330100', '', '', '', '', '', '', '', '', '', '000001'),
            ('W', 'w', 'listed', '330200', '', '', '', '', '', '', '', '', '', '000003');
        INSERT INTO enterprise_segments VALUES
            ('X', 'c/a', 'c', 'p', 0.5, 'r', 'sourced', 's'),
            ('Y', 'c/b', 'c', 'p', 0.9, 'r', 'sourced', 's'),
            ('W', 'c/a', 'c', 'p', 0.3, 'r', 'sourced', 's');
        """
    )

    class Tiny:
        segments = [{"key": "c/a", "chain_id": "c", "gbt_codes": ""}, {"key": "c/b", "chain_id": "c", "gbt_codes": ""}]
        partners: list[dict[str, Any]] = []
        counties: list[dict[str, Any]] = []

        def __init__(self) -> None:
            self.conn = conn

        def has_table(self, name: str) -> bool:
            return name in ("enterprises", "enterprise_segments")

    return Tiny


def test_leaders_of_a_place_outside_the_scope(tmp_path: Path) -> None:
    """A firm the scope takes by its zone id sits in a place outside the scope: the place's 链主 candidate is still
    chosen among all the place's firms (here Y, not X), as when every firm is read."""
    tiny = _tiny(tmp_path)
    everything = F.firms_on(tiny(), ["c/a", "c/b"])
    assert {r["id"]: r["chain_leader"] for r in everything} == {"X": False, "Y": True, "W": True}
    got = F.firms_in(tiny(), ["c/a", "c/b"], places={"330200"}, partner_ids={"Z"})
    assert got == _where(everything, {"330200"}, set(), {"Z"})
    assert [(r["id"], r["chain_leader"]) for r in got] == [("X", False), ("W", True)]


def _narrow_by_hand(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{c: r[c] for c in columns} for r in rows]


def test_narrow_rows_are_the_registry_rows(real_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The model reads the columns it uses of projects and presence enterprises: the registry's rows (sources, then
    imported ones; the real firms left out of the presence rows), restricted to those columns — with and without the
    user's imported enterprises and projects; a registry object other than a Registry gives its own rows."""
    import shutil

    from chainlink.imports import import_file
    from chainlink.scoring.model import _PRESENCE_COLUMNS, _PROJECT_COLUMNS

    db = tmp_path / "registry.db"
    shutil.copyfile(real_db, db)
    monkeypatch.delenv("CHAINLINK_DB", raising=False)
    monkeypatch.setenv("CHAINLINK_USER_DB", str(tmp_path / "user.db"))
    counts: list[tuple[int, int]] = []
    for imported in (False, True):
        if imported:
            (tmp_path / "firms.csv").write_text(
                "统一社会信用代码,企业名称,所在园区,产业链环节,可信度,来源\n"
                "91330482MA2AQ0001P,平湖竹炭测试有限公司,330482,bamboo-wood/bamboo-charcoal,sourced,https://example.org/a\n",
                encoding="utf-8",
            )
            import_file("enterprises", tmp_path / "firms.csv", db)
            (tmp_path / "p.csv").write_text(
                "项目名称,来源园区,行业代码,投资额（万元）,可信度,来源\n测试竹炭项目,平湖,2029,5000,sourced,https://example.org/b\n",
                encoding="utf-8",
            )
            import_file("projects", tmp_path / "p.csv", db)
        model, whole = Model(Registry.open(db)), Registry.open(db)
        projects = model._narrow_rows("projects", _PROJECT_COLUMNS)
        assert projects == _narrow_by_hand(whole.projects, _PROJECT_COLUMNS)
        assert model.presence_enterprises == _narrow_by_hand(whole.presence_enterprises, _PRESENCE_COLUMNS)
        assert any(p["id"].startswith("U-PRJ-") for p in projects) == imported
        counts.append((len(projects), len(model.presence_enterprises)))
        assert "projects" not in model.registry.__dict__ and "presence_enterprises" not in model.registry.__dict__
        read = Model(whole)  # a registry that has read the whole rows gives them
        assert read._narrow_rows("projects", _PROJECT_COLUMNS) is whole.projects

    assert counts[1] == (counts[0][0] + 1, counts[0][1] + 1)  # the imported project and enterprise

    class View:  # not a Registry: its rows are its own (evaluate's leave-one-out view)
        def __init__(self, base: Registry) -> None:
            self.base = base

        def __getattr__(self, name: str) -> Any:
            return getattr(self.base, name)

        projects = [{"id": "only"}]

    assert Model(View(Registry.open(db)))._narrow_rows("projects", _PROJECT_COLUMNS) == [{"id": "only"}]
