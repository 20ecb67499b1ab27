"""The name resolver: one table of inputs that must give the same county, and the error cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from chainlink.errors import DataError
from chainlink.store.registry import Registry
from chainlink.store.resolve import Resolver, normalise


@pytest.fixture(scope="module")
def resolver(shared_mini_db: Path) -> Resolver:
    return Resolver.from_registry(Registry.open(shared_mini_db))


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("qingtian", "331121"),
        ("青田", "331121"),
        ("青田县", "331121"),
        ("331121", "331121"),
        ("Qingtian County", "331121"),
        ("qingtain", "331121"),  # typo
        ("Qīngtián Xiàn", "331121"),
        ("  QINGTIAN  ", "331121"),
        ("qing tian", "331121"),
        ("丽水市青田县", "331121"),
        ("景宁", "331127"),
        ("jingning", "331127"),
        ("Jingning She Autonomous County", "331127"),
        ("江山", "330881"),
        ("Jiangshan City", "330881"),
        ("jiangshan shi", "330881"),
        ("莲都区", "331102"),
        ("liandu", "331102"),
        ("Chun'an", "330127"),
        ("chunan", "330127"),
        ("Pan'an County", "330727"),
        ("suichnag", "331123"),  # typo
    ],
)
def test_county_names(resolver: Resolver, name: str, code: str) -> None:
    assert resolver.resolve(name, ("county",)).id == code


@pytest.mark.parametrize(
    ("name", "pid"),
    [
        ("宁波经开区", "ningbo-etdz"),
        ("Ningbo ETDZ", "ningbo-etdz"),
        ("梅山", "meishan-bonded"),
        ("宁波石化经济技术开发区", "ningbo-petrochem-etdz"),
        ("330206", "330206"),
        ("北仑", "330206"),
        ("Xiaoshan District", "330109"),
    ],
)
def test_partner_names(resolver: Resolver, name: str, pid: str) -> None:
    assert resolver.resolve(name, ("partner",)).id == pid


def test_chain_names(resolver: Resolver) -> None:
    assert resolver.resolve("鞋革", ("chain",)).id == "synthetic-leather-footwear"
    assert resolver.resolve("petrochemical", ("chain",)).id == "petrochemical"


def test_unknown_gives_up_to_five_candidates(resolver: Resolver) -> None:
    with pytest.raises(DataError) as info:
        resolver.resolve("qing", ("county",))
    message = str(info.value)
    assert message.startswith("unknown county 'qing'; did you mean: ")
    assert "青田县 (331121, Qingtian County)" in message
    assert 1 <= message.count("(33") <= 5


def test_nonsense_has_no_candidates(resolver: Resolver) -> None:
    with pytest.raises(DataError, match="unknown county 'zzzzzz'"):
        resolver.resolve("zzzzzz", ("county",))


def test_empty_name(resolver: Resolver) -> None:
    with pytest.raises(DataError, match="empty county name"):
        resolver.resolve("   ", ("county",))


def test_a_partner_is_not_a_county(resolver: Resolver) -> None:
    with pytest.raises(DataError, match="unknown county"):
        resolver.resolve("北仑", ("county",))


def test_ambiguous() -> None:
    from chainlink.store.resolve import Entity

    a = Entity("county", "1", "甲乙县", "A")
    b = Entity("county", "2", "甲乙市", "B")
    r = Resolver([(a, ["甲乙县"]), (b, ["甲乙市"])])
    with pytest.raises(DataError, match="'甲乙' is ambiguous: 甲乙县 \\(1, A\\); 甲乙市 \\(2, B\\)"):
        r.resolve("甲乙", ("county",))


def test_normalise_folds_tones_case_and_punctuation() -> None:
    assert normalise("Jǐngníng Shēzú") == "jingningshezu"
    assert normalise("Pan'an") == normalise("pan an") == "panan"
    assert normalise("ＱＩＮＧ") == "qing"  # full-width


def test_resolver_from_the_names_table_equals_the_one_computed_from_names(shared_mini_db: Path) -> None:
    from chainlink.store.resolve import _named_entities

    reg = Registry.open(shared_mini_db)
    computed = Resolver(_named_entities(reg.counties, reg.partners, reg.chains))
    read = Resolver.from_registry(reg)
    assert reg.conn.execute("SELECT count(*) FROM names").fetchone()[0] > 0
    assert read._codes == computed._codes
    assert read._index == computed._index
