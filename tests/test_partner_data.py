"""Partner-side and county-side reference data: profiles, quotes, pairings and enclaves (issue 11).

The checks read data/*.csv directly (an independent reading, not the loader) and compare with the registry.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from chainlink.sources import ENCLAVE_KINDS, QUOTE_MAX
from chainlink.store.registry import Registry
from tests._data import source_errors

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
URL = re.compile(r"https?://[^\s;]+")


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def listed_urls() -> set[str]:
    return {r["url"] for r in _rows("sources.csv") if r["url"]}


@pytest.fixture(scope="module")
def reg(real_db: Path) -> Registry:
    return Registry.open(real_db)


# -- every partner has a profile (or a recorded gap) ----------------------------------------------


def test_every_partner_has_a_profile_or_a_gap() -> None:
    profiled = {r["partner_id"] for r in _rows("partner_industries.csv")}
    gap_text = " ".join(g["description_en"] + " " + g["description_zh"] for g in _rows("gaps.csv"))
    missing = [p["id"] for p in _rows("partners.csv") if p["id"] not in profiled and p["id"] not in gap_text]
    assert missing == []


def test_profiles_reach_the_registry(reg: Registry) -> None:
    by_partner: dict[str, int] = {}
    for fact in reg.partner_industries:
        by_partner[fact["partner_id"]] = by_partner.get(fact["partner_id"], 0) + 1
    assert len(by_partner) == len({p["id"] for p in _rows("partners.csv")})
    # 西湖区: the 2024 杭州日报 article names AI, biomedicine and aerospace; plus culture/fintech
    assert by_partner["330106"] == 4
    xihu = [f for f in reg.partner_industries if f["partner_id"] == "330106"]
    assert {f["quote"] for f in xihu} >= {"推动人工智能、生物医药、空天地海三大产业高速发展"}


# -- quotes and sources --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["partner_industries.csv", "pairings.csv", "characteristic_industries.csv"])
def test_quotes_are_short_and_urls_listed(name: str, listed_urls: set[str]) -> None:
    for row in _rows(name):
        assert len(row["quote"]) <= QUOTE_MAX, (name, row["id"], row["quote"])
        for url in URL.findall(row["source"]):
            assert url in listed_urls, (name, row["id"], url)


def test_every_partner_industry_row_has_a_quote_and_a_source() -> None:
    for row in _rows("partner_industries.csv"):
        assert row["quote"], row["id"]
        assert row["source"] and row["source"] != "unverified", row["id"]


def test_derived_from_names_the_partners_own_projects() -> None:
    projects = {p["id"]: p for p in _rows("projects.csv")}
    derived = [r for r in _rows("partner_industries.csv") if r["derived_from"]]
    # the 2022 article's project cases: Z01 Z03 Z04 Z05 Z06 and the zone rows written from them
    assert {r["id"] for r in derived} >= {"Z01", "Z03", "Z04", "Z05", "Z06"}
    for row in derived:
        for pid in row["derived_from"].split(";"):
            project = projects[pid]
            assert row["partner_id"] in (project["origin_id"], project["platform"]), (row["id"], pid)


# -- pairings and enclaves -----------------------------------------------------------------------


def test_enclave_rows_have_a_kind_and_a_valid_host() -> None:
    partners = {p["id"]: p for p in _rows("partners.csv")}
    codes = {c["code"] for c in _rows("counties.csv")} | {p["admin_code"] for p in partners.values()}
    enclaves = [r for r in _rows("pairings.csv") if r["kind"] == "enclave"]
    assert len(enclaves) >= 3
    for row in enclaves:
        if row["enclave_kind"]:
            assert row["enclave_kind"] in ENCLAVE_KINDS, row["id"]
        else:  # a source that does not say which kind of enclave is recorded as such
            assert "kind not stated" in row["round"], row["id"]
        host = row["enclave_host"]
        if host:
            assert host in partners or host in codes, row["id"]
        else:  # a source that does not say where the enclave lies is recorded as such
            assert "location not stated" in row["round"], row["id"]
    for row in _rows("pairings.csv"):
        if row["kind"] != "enclave":
            assert not (row["enclave_name"] or row["enclave_host"] or row["enclave_kind"]), row["id"]


def test_longquan_innovation_enclave_is_in_xiaoshan() -> None:
    row = next(r for r in _rows("pairings.csv") if r["id"] == "P044")
    assert (row["enclave_kind"], row["enclave_host"], row["enclave_name"]) == (
        "innovation",
        "330109",
        "萧龙科创园",
    )


# -- the loader names file and line --------------------------------------------------------------


def _set(path: Path, row_id: str, field: str, value: str) -> int:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    col = rows[0].index(field)
    index = next(i for i, r in enumerate(rows) if r[0] == row_id)
    rows[index][col] = value
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return index + 1


@pytest.mark.parametrize(
    ("name", "row_id", "field", "value", "message"),
    [
        ("pairings.csv", "P044", "enclave_kind", "tourism", "enclave_kind 'tourism': use one of industry"),
        ("pairings.csv", "P044", "enclave_host", "999999", "enclave_host '999999' is neither a partner id"),
        (
            "pairings.csv",
            "P001",
            "enclave_kind",
            "industry",
            "enclave_name/enclave_host/enclave_kind are only for",
        ),
        (
            "partner_industries.csv",
            "Z01",
            "derived_from",
            "PRJ999",
            "derived_from 'PRJ999' is not a project id",
        ),
        ("partner_industries.csv", "Z07", "quote", "", "a sourced row needs a quote"),
        (
            "characteristic_industries.csv",
            "330127-1",
            "quote",
            "长" * 41,
            "quote is 41 characters; keep it to 40",
        ),
    ],
)
def test_loader_errors_name_file_and_line(
    mini_root: Path, name: str, row_id: str, field: str, value: str, message: str
) -> None:
    line = _set(mini_root / "data" / name, row_id, field, value)
    errors = source_errors(mini_root)
    assert any(e.startswith(f"data/{name}:{line}: {message}") for e in errors), errors


# -- the user tables gained the same columns (schema version 3) -----------------------------------


def test_v2_user_rows_survive_the_v3_migration(shared_mini_db: Path, tmp_path: Path) -> None:
    import shutil
    import sqlite3

    from chainlink.store.migrations import STEPS, migrate

    db = tmp_path / "registry.db"
    shutil.copyfile(shared_mini_db, db)
    conn = sqlite3.connect(db)
    for table in ("user_pairings", "user_characteristic_industries"):
        conn.execute(f"DROP TABLE IF EXISTS {table}")
    for to, _, step in STEPS:
        if to == 2:
            step(conn)
    conn.execute(
        "INSERT INTO user_import_log (id, kind, file, file_sha256, format, started_at) "
        "VALUES (1, 'pairings', 'p.csv', 'x', 'csv', 'now')"
    )
    conn.execute(
        "INSERT INTO user_pairings (id, county_code, partner_id, kind, source, confidence, import_id) "
        "VALUES ('U-PA-1', '331121', '330106', 'shanhai', 'a list', 'sourced', 1)"
    )
    conn.execute("PRAGMA user_version = 2")
    assert migrate(conn, db) == [
        "2 → 3: add quote and enclave columns to the user characteristic and pairing tables"
    ]
    conn.commit()
    conn.row_factory = sqlite3.Row
    (row,) = conn.execute("SELECT * FROM user_pairings").fetchall()
    assert list(row.keys())[-6:] == [
        "enclave_name",
        "enclave_host",
        "enclave_kind",
        "source",
        "confidence",
        "import_id",
    ]
    assert (row["id"], row["partner_id"], row["quote"], row["enclave_kind"], row["source"]) == (
        "U-PA-1",
        "330106",
        "",
        "",
        "a list",
    )
    assert [r[1] for r in conn.execute("PRAGMA index_list(user_pairings)")] == [
        "user_pairings_county",
        "sqlite_autoindex_user_pairings_1",
    ]
    conn.close()


def test_import_reads_the_enclave_columns(shared_mini_db: Path, tmp_path: Path) -> None:
    import shutil
    import sqlite3

    from chainlink.imports import ImportErrors, import_file, user_rows

    db = tmp_path / "registry.db"
    shutil.copyfile(shared_mini_db, db)
    good = tmp_path / "p.csv"
    good.write_text(
        "山区县,结对方,结对类型,飞地名称,飞地所在地,飞地类型,引文,来源\n"
        "青田,西湖区,飞地,某科创飞地,西湖区,科创飞地,某某飞地开园,某报 2024\n",
        encoding="utf-8",
    )
    import_file("pairings", good, db)
    conn = sqlite3.connect(db)
    (row,) = user_rows(conn, "pairings")
    conn.close()
    assert (row["kind"], row["enclave_name"], row["enclave_host"], row["enclave_kind"], row["quote"]) == (
        "enclave",
        "某科创飞地",
        "330106",
        "innovation",
        "某某飞地开园",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("山区县,结对方,结对类型,飞地类型,来源\n青田,西湖区,飞地,旅游飞地,某报\n", encoding="utf-8")
    with pytest.raises(ImportErrors):
        import_file("pairings", bad, db)


def test_pairing_round_texts_read_in_chinese_where_every_clause_is_known() -> None:
    """`round` stays English in data/pairings.csv; zh tables say the known clauses in Chinese, word for word.

    Expected strings are written by hand from the rows; a text with an unknown clause is shown as written.
    """
    from chainlink.base.vocabulary import display_value, round_label

    rounds = {r["id"]: r["round"] for r in _rows("pairings.csv")}
    assert rounds["P002"] == "since 2007; active 2022-10"  # the data is not rewritten
    assert round_label(rounds["P002"]) == "2007年起；2022-10在合作"
    assert round_label(rounds["P001"]) == "截至2023-07已结对10年以上；2023在合作"
    assert round_label(rounds["P038"]) == "部分农业项目转移至云和；见2022年省商务厅文章"
    assert round_label(rounds["P059"]) == "对口扶持，2019-09报道（期限未说明）"
    assert display_value("round", rounds["P043"]) == "2002年起（首批）；2021-07在合作"
    assert display_value("round", rounds["P043"], "en") == rounds["P043"]
    # P066 has clauses no table knows: shown as written, never half-translated
    assert round_label(rounds["P066"]) == rounds["P066"]
    translated = [k for k, v in rounds.items() if round_label(v) != v]
    assert all(not re.search(r"[A-Za-z]{3,}", round_label(rounds[k])) for k in translated)
    assert len(translated) >= 50


def test_report_labels_every_evaluation_direction_and_component() -> None:
    """The report's chart legends have a zh and an en label for each direction and score component."""
    from chainlink.base.vocabulary import COMPONENT_ZH as VOCAB_ZH
    from chainlink.report.data import COMPONENT_EN, COMPONENT_ZH
    from chainlink.report.labels import LABELS
    from chainlink.scoring.evaluate import summarise

    directions = [row["direction"] for row in summarise([])]
    for lang in ("zh", "en"):
        assert all("dir_" + d in LABELS[lang] for d in directions), (lang, directions)
    assert set(VOCAB_ZH) <= set(COMPONENT_ZH) and set(VOCAB_ZH) <= set(COMPONENT_EN)
    assert COMPONENT_ZH["landing"] == "落地方式"
