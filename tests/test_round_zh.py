"""A pairing's period (`round`, written in English in data/pairings.csv) as a Chinese reader sees it.

Every shipped pairing reads in Chinese, by its clauses (`chainlink.base.vocabulary._ROUND_CLAUSES_ZH`) or by
its own `round_zh`; the `round_zh` column is optional in a source tree; imported pairings have none.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from typer.testing import CliRunner

from chainlink.base.vocabulary import pairing_round, round_label
from chainlink.scoring.records import Pairing
from chainlink.store.registry import Registry
from tests._data import load

ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")


def test_every_shipped_pairing_reads_in_chinese(reg: Registry) -> None:
    english = {p["id"]: pairing_round(p) for p in reg.pairings if ENGLISH_WORD.search(pairing_round(p))}
    assert english == {}
    # and the English text is the row's own, whatever the Chinese is
    assert all(pairing_round(p, "en") == p["round"] for p in reg.pairings)


def test_round_zh_only_where_the_clauses_do_not_say_it(reg: Registry) -> None:
    # a row with its own Chinese is one the clause table cannot say; a row the table says has none, so the two
    # ways never disagree about one row
    for p in reg.pairings:
        by_clauses = round_label(p["round"])
        assert bool(p["round_zh"]) == (by_clauses == p["round"] and bool(ENGLISH_WORD.search(p["round"]))), p["id"]


def test_the_record_carries_round_zh(reg: Registry) -> None:
    row = next(p for p in reg.pairings if p["round_zh"])
    record = Pairing.from_row(row)
    assert record.round_zh == row["round_zh"]
    assert pairing_round(record) == row["round_zh"] != pairing_round(record, "en")


def test_round_zh_is_optional_in_the_sources(mini_root: Path) -> None:
    path = mini_root / "data" / "pairings.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    drop = rows[0].index("round_zh")
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([r[:drop] + r[drop + 1 :] for r in rows])
    path.write_text(buf.getvalue(), encoding="utf-8")
    pairings = load(mini_root).tables["pairings"]
    assert all(p["round_zh"] == "" for p in pairings)
    first = list(pairings[0])
    assert first[first.index("round") + 1] == "round_zh"  # the same column order as a file that has it


def test_pairs_table_shows_the_chinese_and_csv_keeps_both(real_db: Path) -> None:
    from chainlink.cli import app

    runner = CliRunner()
    table = runner.invoke(app, ["pairs", "开化", "--db", str(real_db)], prog_name="chainlink")
    assert table.exit_code == 0, table.output
    assert "批次" in table.output and "联席会" in table.output and "joint meeting" not in table.output
    english = runner.invoke(app, ["pairs", "开化", "--lang", "en", "--db", str(real_db)], prog_name="chainlink")
    assert "joint meeting" in english.output and "联席会，" not in english.output
    data = runner.invoke(app, ["pairs", "开化", "-f", "csv", "--db", str(real_db)], prog_name="chainlink")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(data.output))}
    assert rows["P067"]["round"].startswith("山海协作 joint meeting")
    assert rows["P067"]["round_zh"].startswith("滨海新区与开化山海协作联席会")
    assert rows["P012"]["round_zh"] == "2024-12在合作"  # said by its clauses
