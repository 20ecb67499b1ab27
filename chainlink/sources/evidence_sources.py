"""Read and validate the evidence tables used by matching and evaluation.

- ``data/pollution_industries.csv``: industries that a public list names as heavily polluting, each mapped by
  hand to GB/T 4754-2017 codes (``gbt_derivation`` says how).
- ``data/county_ecology.csv``: the ecological function status of each of the 26 counties (national key
  ecological function area, provincial demonstration, national park, other ecological titles), one row per
  fact, and an explicit ``none_found`` row for a county where no source was found.

Both are loaded by :func:`chainlink.sources.load_sources` (registry tables ``pollution_industries`` and
``county_ecology``); problems are reported as ``file:line: message`` like every other source file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from chainlink.sources.collect import (
    _check_common,
    _check_gbt_codes,
    _Collector,
    _rel,
    _split_codes,
    read_csv_rows,
)

POLLUTION_COLUMNS = [
    "id",
    "list_id",
    "industry_zh",
    "industry_en",
    "gbt_codes",
    "gbt_derivation",
    "list_name",
    "quote",
    "source",
    "confidence",
    "note",
]
ECOLOGY_COLUMNS = [
    "id",
    "county_code",
    "status",
    "status_zh",
    "year",
    "quote",
    "source",
    "confidence",
    "note",
]
# national_key_ecological: a 国家重点生态功能区 county; provincial_key_ecological: a provincial key ecological
# function area or demonstration; national_park: (part of) a national park or pilot area;
# ecological_other: another ecological title (国家生态县, 生态文明建设示范区, …); none_found: nothing found.
ECOLOGY_STATUSES = (
    "national_key_ecological",
    "provincial_key_ecological",
    "national_park",
    "ecological_other",
    "none_found",
)
QUOTE_MAX = 40
POLLUTION_ID = re.compile(r"^PI\d{2,3}$")
ECOLOGY_ID = re.compile(r"^ECO\d{2,3}$")
LIST_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def load_pollution_industries(root: Path, col: _Collector, codes: set[str]) -> list[dict[str, Any]]:
    """Heavily polluting industries named by public lists (``data/pollution_industries.csv``).

    ``col`` is the collector of :mod:`chainlink.sources`; ``codes`` the GB/T 4754-2017 codes (divisions,
    groups and classes). Every row needs GB/T codes with a derivation, a quote and a source.
    """
    path = root / "data" / "pollution_industries.csv"
    name = _rel(root, path)
    out, seen = [], {}
    for line, row in read_csv_rows(path, POLLUTION_COLUMNS, name):
        rid = row["id"]
        if not POLLUTION_ID.match(rid):
            col.add(name, line, f"id {rid!r} must look like PI01")
        col.unique(name, line, seen, rid)
        if not LIST_ID.match(row["list_id"]):
            col.add(name, line, f"list_id {row['list_id']!r} must be a lower-case slug like mep-2008")
        for key in ("industry_zh", "industry_en", "list_name"):
            if not row[key]:
                col.add(name, line, f"missing {key}")
        gbt = _split_codes(row["gbt_codes"])
        if not gbt:
            col.add(name, line, "gbt_codes is empty; map the industry to at least one GB/T 4754-2017 code")
        _check_gbt_codes(col, name, line, row["gbt_codes"], codes)
        if gbt and not row["gbt_derivation"]:
            col.add(name, line, "gbt_codes given without gbt_derivation; say how the code was assigned")
        _check_quote(col, name, line, row)
        _check_common(col, name, line, row)
        rec: dict[str, Any] = {c: row[c] for c in POLLUTION_COLUMNS}
        rec["gbt_codes"] = ";".join(gbt)
        out.append(rec)
    return sorted(out, key=lambda r: r["id"])


def load_county_ecology(root: Path, col: _Collector, counties: set[str]) -> list[dict[str, Any]]:
    """Ecological function status of the 26 counties (``data/county_ecology.csv``).

    Every county of ``counties`` must have at least one row; a county with no sourced status has a
    ``none_found`` row (confidence ``unverified``) so that the gap is explicit.
    """
    path = root / "data" / "county_ecology.csv"
    name = _rel(root, path)
    out, seen = [], {}
    covered: set[str] = set()
    for line, row in read_csv_rows(path, ECOLOGY_COLUMNS, name):
        rid = row["id"]
        if not ECOLOGY_ID.match(rid):
            col.add(name, line, f"id {rid!r} must look like ECO01")
        col.unique(name, line, seen, rid)
        code = row["county_code"]
        if code not in counties:
            col.add(name, line, f"county_code {code!r} is not one of the 26 counties in data/counties.csv")
        covered.add(code)
        status = row["status"]
        if status not in ECOLOGY_STATUSES:
            col.add(name, line, f"bad status {status!r}; use one of {', '.join(ECOLOGY_STATUSES)}")
        elif status == "none_found":
            if row["confidence"] != "unverified":
                col.add(name, line, "status none_found must have confidence 'unverified'")
        else:
            if not row["status_zh"]:
                col.add(name, line, "missing status_zh (the status as the source words it)")
            _check_quote(col, name, line, row)
        year = None
        if row["year"]:
            if re.fullmatch(r"(19|20)\d{2}", row["year"]):
                year = int(row["year"])
            else:
                col.add(name, line, f"year {row['year']!r} must be a four-digit year or empty")
        _check_common(col, name, line, row)
        rec: dict[str, Any] = {c: row[c] for c in ECOLOGY_COLUMNS}
        rec["year"] = year
        out.append(rec)
    missing = sorted(counties - covered)
    if missing:
        col.add(
            name,
            None,
            f"no row for county {', '.join(missing)}; add one (status none_found, confidence unverified "
            "if nothing was found)",
        )
    return sorted(out, key=lambda r: (r["county_code"], r["id"]))


def _check_quote(col: _Collector, name: str, line: int, row: dict[str, str]) -> None:
    quote = row["quote"]
    if not quote:
        col.add(name, line, "missing quote; copy the short phrase of the source that states the fact")
    elif len(quote) > QUOTE_MAX:
        col.add(name, line, f"quote is {len(quote)} characters; keep it to at most {QUOTE_MAX}")
