"""`chainlink enterprises dedupe`: candidate duplicate enterprises by name, legal forms and places ignored."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainlink.base.credit import complete
from chainlink.cli import app
from chainlink.errors import DataError
from chainlink.imports import import_file
from chainlink.store.dedupe import candidate_pairs, enterprise_pairs, name_key

PLACES = ["青田县", "青田", "丽水市", "丽水", "江山市", "江山"]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("浙江青田华峰鞋业有限公司", "华峰鞋业"),
        ("青田华峰鞋业股份有限公司", "华峰鞋业"),
        ("华峰鞋业（青田）有限公司", "华峰鞋业"),
        ("丽水市华峰集团有限公司", "华峰"),
        ("浙江省江山光学膜材料有限责任公司", "光学膜材料"),
        ("集团", "集团"),
    ],
)
def test_name_key(name: str, key: str) -> None:
    assert name_key(name, PLACES) == key


def test_candidate_pairs() -> None:
    rows = [
        {"credit_code": "A", "name_zh": "浙江青田华峰鞋业有限公司", "county_code": "331121"},
        {"credit_code": "B", "name_zh": "青田华峰鞋业股份有限公司", "county_code": "331121"},
        {"credit_code": "C", "name_zh": "青田华锋鞋业有限公司", "county_code": "331121"},
        {"credit_code": "D", "name_zh": "江山光学膜材料有限公司", "county_code": "330881"},
        {"credit_code": "E", "name_zh": "华峰鞋业有限公司", "partner_id": "ningbo-etdz"},
    ]
    pairs = candidate_pairs(rows, PLACES, threshold=70)
    got = [(p["credit_code_1"], p["credit_code_2"], p["score"]) for p in pairs]
    assert got == [
        ("A", "B", 100.0),
        ("A", "E", 100.0),
        ("B", "E", 100.0),
        ("A", "C", 75.0),
        ("B", "C", 75.0),
        ("C", "E", 75.0),
    ]
    assert pairs[0]["key"] == "华峰鞋业" and pairs[3]["key"] == "华峰鞋业 ~ 华锋鞋业"
    assert [p["score"] for p in candidate_pairs(rows, PLACES)] == [100.0, 100.0, 100.0]
    within = candidate_pairs(rows, PLACES, threshold=70, within_place=True)
    assert {(p["credit_code_1"], p["credit_code_2"]) for p in within} == {("A", "B"), ("A", "C"), ("B", "C")}


def test_too_many_pairs() -> None:
    rows = [{"credit_code": str(i), "name_zh": f"华峰鞋业{i}", "county_code": "331121"} for i in range(10)]
    with pytest.raises(DataError) as info:
        candidate_pairs(rows, threshold=80, max_pairs=5)
    assert str(info.value) == (
        "more than 5 candidate pairs at threshold 80: too many to review; raise --threshold, "
        "pass --within-place, or pass --max-pairs N"
    )
    assert candidate_pairs(rows, within_place=True, threshold=100) == []


def test_blocking_finds_what_all_pairs_finds() -> None:
    """The blocked search (used above 3,000 distinct names) against every pair scored, on keys of up to
    9 characters with typos, insertions and deletions, at the default threshold."""
    import random

    from chainlink.store.dedupe import _all_pairs, _similar_keys

    rng = random.Random(7)
    alphabet = "华峰鞋业青田石雕工艺品科技新材料电子机械阀门泵汽配纺织服装化工医药食品丽水龙泉"
    keys = set()
    while len(keys) < 1500:
        base = "".join(rng.choice(alphabet) for _ in range(rng.randint(2, 9)))
        keys.add(base)
        edit = list(base)
        if len(edit) > 1 and rng.random() < 0.5:
            edit[rng.randrange(len(edit))] = rng.choice(alphabet)
        if len(edit) < 9 and rng.random() < 0.3:
            edit.insert(rng.randrange(len(edit) + 1), rng.choice(alphabet))
        keys.add("".join(edit)[:9])
    keys = sorted(keys)
    exact = {(i, j): s for i, j, s in _all_pairs(keys, 85.0)}
    blocked = {(i, j): s for i, j, s in _similar_keys(keys, 85.0, max_candidates=10**8)}
    assert exact, "the sample has near-duplicates"
    assert blocked == exact


def test_registry_and_cli(shared_mini_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    shutil.copyfile(shared_mini_db, db)
    conn = sqlite3.connect(db)
    assert enterprise_pairs(conn) == [], "no user tables yet: no pairs"
    conn.close()
    a, b = complete("91331121MA2AQ0001"), complete("91331121MA2AQ0002")
    (tmp_path / "e.csv").write_text(
        f"统一社会信用代码,企业名称,所在县\n{a},浙江青田华峰鞋业有限公司,青田县\n{b},青田华峰鞋业股份有限公司,青田\n",
        encoding="utf-8",
    )
    import_file("enterprises", tmp_path / "e.csv", db)
    result = CliRunner().invoke(app, ["enterprises", "dedupe", "--db", str(db), "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "score,credit_code_1,name_1,place_1,credit_code_2,name_2,place_2,key",
        f"100.0,{a},浙江青田华峰鞋业有限公司,331121,{b},青田华峰鞋业股份有限公司,331121,华峰鞋业",
    ]
