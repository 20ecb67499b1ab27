"""The name resolver: one table of inputs that must give the same county, and the error cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


KIND_SETS = [("county", "partner", "chain"), ("county",), ("partner",), ("chain",), ("county", "partner")]


def _answer(resolver: Resolver, query: str, kinds: tuple[str, ...]) -> object:
    try:
        return resolver.resolve(query, kinds)
    except DataError as exc:
        return f"DataError: {exc}"


def _queries(conn) -> list[tuple[str, tuple[str, ...]]]:
    """(query, kinds): every key of the names table under its own kind and under all (every 50th under each
    set of kinds), the names as typed (changed in case, spacing and suffix), typos, odd text."""
    rows = conn.execute("SELECT key, kind, name_zh, name_en FROM names ORDER BY ordinal").fetchall()
    out = [(key, kinds) for key, kind, *_ in rows for kinds in ((kind,), KIND_SETS[0])]
    out += [(key, kinds) for key, *_ in rows[::50] for kinds in KIND_SETS]
    names = sorted({(n, kind) for _key, kind, *both in rows for n in both})
    typed = [(f"  {n.upper()} ", k) for n, k in names] + [(n + "县", k) for n, k in names[::5]]
    typed += [(n + " County", k) for n, k in names[::5]]
    typos = [(k[:2] + k[3:], kind) for k, kind, *_ in rows[::50] if len(k) > 4]
    typos += [(k[1] + k[0] + k[2:], kind) for k, kind, *_ in rows[::80] if len(k) > 3]
    out += [(q, kinds) for q, kind in typed + typos for kinds in ((kind,), KIND_SETS[0])]
    return out + [(q, kinds) for q in ("", "   ", "---", "xyz", "甲乙", "33112", "3311210") for kinds in KIND_SETS]


def test_table_lookup_answers_as_the_whole_resolver(real_db: Path) -> None:
    """A name the names table knows is looked up there (one query), not by reading every row: the same entity,
    or the same error, as the resolver built from the names, for every key and kind."""
    reg, plain, table = _pair(real_db)
    looked_up = 0
    for query, kinds in _queries(reg.conn):
        known = table._known(query, kinds)  # what table.resolve returns when it is not None
        answer = known if known is not None else _answer(table, query, kinds)
        assert answer == _answer(plain, query, kinds), (query, kinds)
        looked_up += known is not None
    assert looked_up > 1000


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("qingtaujs 县区市青田江山 -'0123456789")), max_size=12))
def test_table_lookup_on_random_text(real_db: Path, query: str) -> None:
    _, plain, table = _pair(real_db)
    for kinds in KIND_SETS[:2]:
        assert _answer(table, query, kinds) == _answer(plain, query, kinds)


_PAIRS: dict[Path, tuple[Registry, Resolver, Resolver]] = {}


def _pair(path: Path) -> tuple[Registry, Resolver, Resolver]:
    """The registry at ``path``, its resolver built from the names, and its table resolver."""
    from chainlink.store.resolve import _named_entities, _TableResolver

    if path not in _PAIRS:
        reg = Registry.open(path)
        _PAIRS[path] = reg, Resolver(_named_entities(reg.counties, reg.partners, reg.chains)), _TableResolver(reg.conn)
    return _PAIRS[path]


def test_table_lookup_of_shared_keys() -> None:
    """Keys two entities share (a variant of two counties; a code that is a county's and a partner's admin code):
    the table resolver gives the plain resolver's answer, the ambiguity error included."""
    import sqlite3

    from chainlink.store.resolve import _named_entities, _TableResolver, name_rows

    county = {"short_zh": "", "pinyin": "", "city": "", "aliases": ""}
    counties = [county | {"code": "100001", "name_zh": "甲乙县", "name_en": "Jiayi County"},
                county | {"code": "100002", "name_zh": "甲乙市", "name_en": "Jiayi City"}]  # fmt: skip
    partners = [{"id": "Z1", "admin_code": "100001", "name_zh": "甲乙开发区", "short_zh": "", "pinyin": "",
                 "name_en": "Jiayi Zone", "city": "", "aliases": "甲乙县"}]  # fmt: skip
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE names (ordinal INTEGER PRIMARY KEY, key, kind, id, name_zh, name_en, exact)")
    conn.executemany("INSERT INTO names VALUES (:ordinal, :key, :kind, :id, :name_zh, :name_en, :exact)",
                     name_rows(counties, partners, []))  # fmt: skip
    plain, table = Resolver(_named_entities(counties, partners, [])), _TableResolver(conn)
    answers = set()
    for query in ("甲乙", "jiayi", "100001", "100002", "甲乙县", "Jiayi County", "甲乙开发区"):
        for kinds in KIND_SETS:
            answer = _answer(table, query, kinds)
            assert answer == _answer(plain, query, kinds), (query, kinds)
            answers.add(str(answer)[:20])
    assert any(a.startswith("DataError") for a in answers) and any(not a.startswith("DataError") for a in answers)
