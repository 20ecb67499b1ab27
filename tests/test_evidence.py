"""Evidence tables: heavily polluting industries (data/pollution_industries.csv), county ecology
(data/county_ecology.csv), and the sourced real cases of data/projects.csv."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from chainlink.sources import URL
from chainlink.store.registry import Registry
from tests._data import set_field, source_errors

ROOT = Path(__file__).resolve().parent.parent


def _csv(name: str) -> list[dict[str, str]]:
    with open(ROOT / "data" / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# -- pollution_industries -------------------------------------------------------------------------


def test_pollution_list_in_registry(reg: Registry) -> None:
    rows = {r["id"]: r for r in reg.rows("pollution_industries", "id")}
    mep = [r for r in rows.values() if r["list_id"] == "mep-2008"]
    # the 16 industries of the Ministry's list, each once
    assert len(mep) == 16
    assert len({r["industry_zh"] for r in mep}) == 16
    by_name = {r["industry_zh"]: r for r in mep}
    assert by_name["制革"]["gbt_codes"] == "1910"  # 皮革鞣制加工
    assert by_name["水泥"]["gbt_codes"] == "3011"
    assert by_name["电解铝"]["gbt_codes"] == "3216"  # 铝冶炼
    six = {r["industry_zh"]: r["gbt_codes"] for r in rows.values() if r["list_id"] == "zj-six-2016"}
    assert six["电镀"] == "3360" and six["铅蓄电池"] == "3843"
    assert all(r["source"].startswith("http") and r["quote"] and r["confidence"] == "sourced" for r in rows.values())


def test_pollution_quotes_are_short_and_codes_hand_assigned() -> None:
    for row in _csv("pollution_industries.csv"):
        assert 0 < len(row["quote"]) <= 40, row["id"]
        assert row["gbt_derivation"].startswith("hand-assigned"), row["id"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("gbt_codes", "7399", "unknown GB/T 4754-2017 code '7399'; see data/gbt4754_2017.csv"),
        ("gbt_codes", "", "gbt_codes is empty"),
        ("source", "", "missing source; every fact needs a source"),
        ("quote", "", "missing quote"),
        ("quote", "重" * 41, "quote is 41 characters; keep it to at most 40"),
        ("gbt_derivation", "", "gbt_codes given without gbt_derivation"),
        ("id", "X1", "id 'X1' must look like PI01"),
    ],
)
def test_pollution_bad_rows_name_file_and_line(mini_root: Path, field: str, value: str, message: str) -> None:
    line = set_field(mini_root / "data" / "pollution_industries.csv", "PI15", field, value)
    errors = source_errors(mini_root)
    assert any(e.startswith(f"data/pollution_industries.csv:{line}: {message}") for e in errors), errors


def test_pollution_unlisted_source_url(mini_root: Path) -> None:
    line = set_field(mini_root / "data" / "pollution_industries.csv", "PI01", "source", "https://example.org/x")
    expected = f"data/pollution_industries.csv:{line}: source URL https://example.org/x is not listed"
    assert any(e.startswith(expected) for e in source_errors(mini_root))


# -- county_ecology -------------------------------------------------------------------------------


def test_every_county_has_an_ecology_row(reg: Registry) -> None:
    rows = reg.rows("county_ecology", "id")
    assert {r["county_code"] for r in rows} == {c["code"] for c in reg.counties}
    chunan = [r for r in rows if r["county_code"] == "330127"]
    assert any(r["status"] == "national_key_ecological" and r["confidence"] == "sourced" for r in chunan)
    for r in rows:
        if r["status"] == "none_found":
            assert r["confidence"] == "unverified" and not r["quote"]
        else:
            assert r["quote"] and len(r["quote"]) <= 40 and URL.search(r["source"])


def test_ecology_gaps_recorded(reg: Registry) -> None:
    none_found = {r["county_code"] for r in reg.rows("county_ecology") if r["status"] == "none_found"}
    gap_counties = {g["county_code"] for g in reg.gaps if g["id"].startswith("GE")}
    assert none_found and none_found == gap_counties


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("county_code", "330100", "county_code '330100' is not one of the 26 counties in data/counties.csv"),
        ("status", "pristine", "bad status 'pristine'; use one of national_key_ecological"),
        ("source", "", "missing source; every fact needs a source"),
        ("quote", "", "missing quote"),
        ("year", "16", "year '16' must be a four-digit year or empty"),
    ],
)
def test_ecology_bad_rows_name_file_and_line(mini_root: Path, field: str, value: str, message: str) -> None:
    line = set_field(mini_root / "data" / "county_ecology.csv", "ECO01", field, value)
    errors = source_errors(mini_root)
    assert any(e.startswith(f"data/county_ecology.csv:{line}: {message}") for e in errors), errors


def test_ecology_none_found_must_be_unverified(mini_root: Path) -> None:
    path = mini_root / "data" / "county_ecology.csv"
    row_id = next(r["id"] for r in _csv("county_ecology.csv") if r["status"] == "none_found")
    line = set_field(path, row_id, "confidence", "sourced")
    expected = f"data/county_ecology.csv:{line}: status none_found must have confidence 'unverified'"
    assert any(e.startswith(expected) for e in source_errors(mini_root))


def test_ecology_county_without_row(mini_root: Path) -> None:
    path = mini_root / "data" / "county_ecology.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if ",330324," not in line]  # drop 永嘉's row(s)
    assert len(kept) < len(lines)
    path.write_text("".join(kept), encoding="utf-8")
    assert any(
        e.startswith("data/county_ecology.csv: no row for county 330324") for e in source_errors(mini_root)
    ), source_errors(mini_root)


# -- real cases (data/projects.csv) ----------------------------------------------------------------

CJK_RUN = re.compile(r"[\u4e00-\u9fff“”—、()（）]{6,}")


def test_real_cases_cover_twenty_sourced_rows_over_twelve_counties() -> None:
    rows = [r for r in _csv("projects.csv") if r["confidence"] == "sourced"]
    assert len(rows) >= 20
    assert len({r["county_code"] for r in rows if r["county_code"]}) >= 12
    for r in rows:
        assert URL.search(r["source"]), f"{r['id']}: source has no URL"
        # the note holds the short exact quote from the page (a run of Chinese text)
        assert CJK_RUN.search(r["note"]), f"{r['id']}: note holds no quote"
        assert "hand-assigned" in r["note"], f"{r['id']}: note must say the GB/T codes are hand-assigned"


def test_real_cases_landing(reg: Registry) -> None:
    real = {p["id"]: p for p in reg.projects if p["confidence"] == "sourced"}
    partners = {p["id"] for p in reg.partners}
    counties = {c["code"] for c in reg.counties}
    for p in real.values():
        assert p["landing"] in ("", "county", "enclave")
        if p["landing"] == "enclave":
            assert p["enclave_host"] in partners and p["enclave_host"] not in counties
        else:
            assert p["enclave_host"] == ""
    assert (real["PRJ001"]["landing"], real["PRJ001"]["enclave_host"]) == ("enclave", "330603")
    assert real["PRJ007"]["gbt_codes"] == "3251;3985"  # precision copper wire, semiconductor materials
    enclaves = [p for p in real.values() if p["landing"] == "enclave"]
    assert len(enclaves) >= 8


@pytest.mark.parametrize(
    ("row_id", "field", "value", "message"),
    [
        ("PRJ002", "landing", "abroad", "bad landing 'abroad'; use county or enclave"),
        ("PRJ010", "enclave_host", "", "landing is enclave but enclave_host is empty"),
        ("PRJ002", "enclave_host", "330603", "enclave_host '330603' given but landing is county"),
        ("PRJ010", "enclave_host", "nowhere-zone", "enclave_host 'nowhere-zone' is neither a partner id"),
        ("PRJ010", "enclave_host", "330803", "enclave_host '330803' is one of the 26 counties"),
    ],
)
def test_landing_errors_name_file_and_line(
    mini_root: Path, row_id: str, field: str, value: str, message: str
) -> None:
    line = set_field(mini_root / "data" / "projects.csv", row_id, field, value)
    errors = source_errors(mini_root)
    assert any(e.startswith(f"data/projects.csv:{line}: {message}") for e in errors), errors


# -- named enterprises (data/named_enterprises.csv; loaded into the enterprises table by another module) ----

NE_COLUMNS = [
    "id",
    "name_zh",
    "credit_code",
    "place_code",
    "county_code",
    "partner_id",
    "gbt_codes",
    "chain_id",
    "segment_key",
    "role",
    "quote",
    "source",
    "confidence",
]


def test_named_enterprises_file_is_consistent() -> None:
    """Codes exist, places are known, every URL is listed, quotes are short (a check, not a loader)."""
    with open(ROOT / "data" / "named_enterprises.csv", encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == NE_COLUMNS
        rows = list(reader)
    codes = {r["code"] for r in _csv("gbt4754_2017.csv") if r["level"] != "1"}
    counties = {r["code"] for r in _csv("counties.csv")}
    partners = {r["id"] for r in _csv("partners.csv")}
    urls = {r["url"] for r in _csv("sources.csv") if r["url"]}
    chains = {p.stem for p in (ROOT / "chains").glob("*.yaml")}
    assert len(rows) >= 15
    assert len({r["id"] for r in rows}) == len(rows)
    for r in rows:
        where = r["id"]
        assert re.fullmatch(r"NE\d{3}", r["id"]), where
        assert r["role"] in ("链主", "龙头", "骨干", "其他"), where
        assert re.fullmatch(r"\d{6}", r["place_code"]), where
        assert not r["county_code"] or (r["county_code"] in counties and r["county_code"] == r["place_code"]), where
        assert not r["partner_id"] or r["partner_id"] in partners, where
        assert r["county_code"] or r["partner_id"], where
        for code in filter(None, r["gbt_codes"].split(";")):
            assert code in codes, (where, code)
        assert not r["chain_id"] or r["chain_id"] in chains, where
        assert not r["segment_key"] or r["segment_key"].split("/")[0] == r["chain_id"], where
        assert not r["credit_code"], where  # no page stated one
        assert 0 < len(r["quote"]) <= 40, where
        found = URL.findall(r["source"])
        assert found and all(u in urls for u in found), where
        assert r["confidence"] in ("sourced", "unverified"), where
