"""The reference tables of ``data/``: industries, crosswalk, counties, partners, pairings, holdings, input-output."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from chainlink.errors import DataError
from chainlink.sources.collect import (
    ADMIN_CODE,
    CONFIDENCE,
    ENCLAVE_KINDS,
    PAIRING_KINDS,
    PARTNER_KINDS,
    SLUG,
    _check_common,
    _check_derived_from,
    _check_gbt_codes,
    _check_quote,
    _Collector,
    _float_or_none,
    _project_ids,
    _rel,
    _split_codes,
    read_csv_rows,
)


def load_industries(
    root: Path, col: _Collector, pinyin: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """GB/T 4754-2017 classes from ``data/gbt4754_2017.csv`` (``pinyin``: names already converted)."""
    path = root / "data" / "gbt4754_2017.csv"
    name = _rel(root, path)
    out = []
    seen: set[str] = set()
    for line, row in read_csv_rows(
        path, ["level", "section", "division", "group", "class", "code", "name_zh"], name
    ):
        code = row["code"]
        if code in seen:
            col.add(name, line, f"duplicate code {code}")
            continue
        seen.add(code)
        level = int(row["level"])
        parent = {1: "", 2: row["section"], 3: row["division"], 4: row["group"]}[level]
        out.append(
            {
                "code": code,
                "level": level,
                "section": row["section"],
                "division": row["division"],
                "grp": row["group"],
                "class": row["class"],
                "name_zh": row["name_zh"],
                "description_zh": row.get("description_zh", ""),
                "parent": parent,
                "derived": row.get("derived", ""),
            }
        )
    known = pinyin or {}
    missing = list(dict.fromkeys(r["name_zh"] for r in out if r["name_zh"] not in known))
    computed = dict(zip(missing, industry_pinyin(missing), strict=True)) if missing else {}
    for rec in out:
        rec["pinyin"] = known.get(rec["name_zh"], computed.get(rec["name_zh"]))
    return out


def industry_pinyin(names: list[str]) -> list[str]:
    """Toneless pinyin of each name, syllables separated by spaces (``阀门`` → ``fa men``).

    Computed at build time with pypinyin (phrase-aware, so most polyphones come out right) and stored
    in the registry, so that searching by pinyin needs no pypinyin at run time. Punctuation is dropped.
    """
    try:
        from pypinyin import Style, lazy_pinyin
    except ImportError:
        raise DataError(
            "building the registry needs the pypinyin package (industry names → pinyin); "
            "install it: pip install 'pypinyin>=0.50'"
        ) from None
    # One call over all names (a '|' between them stops phrases running across) is faster than one per name.
    sep = "|"
    if not names:
        return []
    if any(sep in name for name in names):
        raise DataError(f"an industry name contains {sep!r}; pinyin cannot be computed")
    syllables = lazy_pinyin(sep.join(names), style=Style.NORMAL, errors=lambda chars: list(chars))
    words: list[list[str]] = [[]]
    for s in syllables:
        if s == sep:
            words.append([])
        elif s.isascii() and s.isalnum():
            words[-1].append(s.lower())
    return [" ".join(w) for w in words]


def load_crosswalk(root: Path, col: _Collector, codes: set[str]) -> list[dict[str, Any]]:
    """GB/T 4754 2011 → 2017 correspondence from ``data/gbt4754_crosswalk_2011_2017.csv``."""
    path = root / "data" / "gbt4754_crosswalk_2011_2017.csv"
    name = _rel(root, path)
    out = []
    seen = set()
    for line, row in read_csv_rows(path, ["level", "from_code", "to_code"], name):
        key = (row["from_code"], row["to_code"])
        if key in seen:
            continue
        seen.add(key)
        if row["to_code"] not in codes:
            col.add(name, line, f"to_code {row['to_code']} is not a GB/T 4754-2017 code")
        out.append({"code_2011": row["from_code"], "code_2017": row["to_code"], "level": row["level"]})
    return out


def _load_counties(root: Path, col: _Collector) -> list[dict[str, Any]]:
    path = root / "data" / "counties.csv"
    name = _rel(root, path)
    req = [
        "code",
        "name_zh",
        "short_zh",
        "pinyin",
        "name_en",
        "city",
        "lat",
        "lon",
        "aliases",
        "source",
        "confidence",
    ]
    out, seen = [], {}
    for line, row in read_csv_rows(path, req, name):
        if not ADMIN_CODE.match(row["code"]):
            col.add(name, line, f"code {row['code']!r} is not a six-digit GB/T 2260 code")
        col.unique(name, line, seen, row["code"], "code")
        for key in ("name_zh", "pinyin", "name_en", "city"):
            if not row[key]:
                col.add(name, line, f"missing {key}")
        _check_common(col, name, line, row)
        rec: dict[str, Any] = dict(row)
        rec["lat"] = _float_or_none(col, name, line, row, "lat")
        rec["lon"] = _float_or_none(col, name, line, row, "lon")
        out.append(rec)
    return sorted(out, key=lambda r: r["code"])


def _load_partners(root: Path, col: _Collector) -> list[dict[str, Any]]:
    path = root / "data" / "partners.csv"
    name = _rel(root, path)
    req = [
        "id",
        "kind",
        "admin_code",
        "host_code",
        "parent",
        "name_zh",
        "short_zh",
        "pinyin",
        "name_en",
        "short_en",
        "city",
        "lat",
        "lon",
        "aliases",
        "note",
        "source",
        "confidence",
    ]
    rows = read_csv_rows(path, req, name)
    ids = {r["id"] for _, r in rows}
    out, seen = [], {}
    for line, row in rows:
        pid = row["id"]
        col.unique(name, line, seen, pid)
        if row["kind"] not in PARTNER_KINDS:
            col.add(name, line, f"bad kind {row['kind']!r}; use one of {', '.join(PARTNER_KINDS)}")
        if row["kind"] == "district" and not ADMIN_CODE.match(row["admin_code"]):
            col.add(name, line, "a district needs a six-digit admin_code")
        if row["kind"] != "district" and not SLUG.match(pid):
            col.add(name, line, f"zone id {pid!r} must be a lower-case slug like ningbo-etdz")
        if row["parent"] and row["parent"] not in ids:
            col.add(name, line, f"parent {row['parent']!r} is not a partner id in this file")
        if row["host_code"] and not ADMIN_CODE.match(row["host_code"]):
            col.add(name, line, f"host_code {row['host_code']!r} is not a six-digit code")
        if not row["name_zh"] or not row["name_en"]:
            col.add(name, line, "missing name_zh or name_en")
        _check_common(col, name, line, row)
        rec: dict[str, Any] = dict(row)
        rec["lat"] = _float_or_none(col, name, line, row, "lat")
        rec["lon"] = _float_or_none(col, name, line, row, "lon")
        out.append(rec)
    return sorted(out, key=lambda r: r["id"])


def _load_pairings(
    root: Path, col: _Collector, counties: set[str], partners: list[dict[str, Any]], chain_ids: set[str]
) -> list[dict[str, Any]]:
    path = root / "data" / "pairings.csv"
    name = _rel(root, path)
    req = [
        "id",
        "county_code",
        "county_platform",
        "partner_id",
        "kind",
        "chains",
        "round",
        "quote",
        "enclave_name",
        "enclave_host",
        "enclave_kind",
        "derived_from",
        "source",
        "confidence",
    ]
    partner_ids = {p["id"] for p in partners}
    project_ids = _project_ids(root)
    # an enclave lies in a partner zone (its id) or in a county-level territory (its six-digit code)
    host_codes = counties | {p["admin_code"] for p in partners if p["admin_code"]}
    platform_ids = {p["id"] for p in partners if p["kind"] in ("platform", "etdz")}
    out, seen = [], {}
    for line, row in read_csv_rows(path, req, name):
        col.unique(name, line, seen, row["id"])
        if row["county_code"] not in counties:
            col.add(
                name,
                line,
                f"county_code {row['county_code']!r} is not one of the 26 counties in data/counties.csv",
            )
        if row["partner_id"] not in partner_ids:
            col.add(
                name,
                line,
                f"partner_id {row['partner_id']!r} is not in data/partners.csv; add the partner first",
            )
        if row["county_platform"] and row["county_platform"] not in platform_ids:
            col.add(
                name,
                line,
                f"county_platform {row['county_platform']!r} is not a platform in data/partners.csv",
            )
        if row["kind"] not in PAIRING_KINDS:
            col.add(name, line, f"bad kind {row['kind']!r}; use one of {', '.join(PAIRING_KINDS)}")
        for chain in _split_codes(row["chains"]):
            if chain not in chain_ids:
                col.add(name, line, f"chain {chain!r} has no file chains/{chain}.yaml")
        if row["kind"] == "enclave":
            if row["enclave_kind"] and row["enclave_kind"] not in ENCLAVE_KINDS:
                col.add(
                    name,
                    line,
                    f"enclave_kind {row['enclave_kind']!r}: use one of {', '.join(ENCLAVE_KINDS)} "
                    "(产业飞地, 科创飞地, 消薄飞地), or leave it empty when the source does not say",
                )
            host = row["enclave_host"]
            if host and host not in partner_ids and host not in host_codes:
                col.add(
                    name,
                    line,
                    f"enclave_host {host!r} is neither a partner id nor the code of a county or partner district; "
                    "add the partner first or leave it empty when the source does not say where the enclave is",
                )
        elif row["enclave_name"] or row["enclave_host"] or row["enclave_kind"]:
            col.add(name, line, f"enclave_name/enclave_host/enclave_kind are only for kind enclave, not {row['kind']!r}")
        _check_derived_from(col, name, line, row, project_ids)
        _check_quote(col, name, line, row, required=False)
        _check_common(col, name, line, row)
        out.append(_with_round_zh(row))
    return sorted(out, key=lambda r: r["id"])


def _with_round_zh(row: dict[str, str]) -> dict[str, str]:
    """The row with ``round_zh`` right after ``round`` (empty when the file has no such column: it is optional,
    so that a source tree written before it still compiles)."""
    if "round_zh" in row:
        return dict(row)
    out: dict[str, str] = {}
    for key, value in row.items():
        out[key] = value
        if key == "round":
            out["round_zh"] = ""
    return out


def _load_characteristic(
    root: Path, col: _Collector, codes: set[str], counties: set[str], partner_ids: set[str]
) -> list[dict[str, Any]]:
    path = root / "data" / "characteristic_industries.csv"
    name = _rel(root, path)
    req = [
        "id",
        "county_code",
        "platform",
        "industry_zh",
        "industry_en",
        "gbt_codes",
        "gbt_derivation",
        "note",
        "quote",
        "source",
        "confidence",
    ]
    cities = {c[:4] + "00" for c in counties}
    out, seen = [], {}
    for line, row in read_csv_rows(path, req, name):
        col.unique(name, line, seen, row["id"])
        if row["county_code"] not in counties and row["county_code"] not in cities:
            col.add(
                name,
                line,
                f"county_code {row['county_code']!r} is neither one of the 26 counties nor their city",
            )
        if row["platform"] and row["platform"] not in partner_ids:
            col.add(name, line, f"platform {row['platform']!r} is not in data/partners.csv")
        _check_gbt_codes(col, name, line, row["gbt_codes"], codes)
        if row["gbt_codes"] and not row["gbt_derivation"]:
            col.add(name, line, "gbt_codes given without gbt_derivation; say how the code was assigned")
        _check_quote(col, name, line, row, required=False)
        _check_common(col, name, line, row)
        out.append(dict(row))
    return sorted(out, key=lambda r: (r["county_code"], r["id"]))


def _load_partner_industries(
    root: Path, col: _Collector, codes: set[str], partner_ids: set[str]
) -> list[dict[str, Any]]:
    path = root / "data" / "partner_industries.csv"
    name = _rel(root, path)
    req = [
        "id",
        "partner_id",
        "industry_zh",
        "industry_en",
        "gbt_codes",
        "gbt_derivation",
        "note",
        "quote",
        "derived_from",
        "source",
        "confidence",
    ]
    project_ids = _project_ids(root)
    out, seen = [], {}
    for line, row in read_csv_rows(path, req, name):
        col.unique(name, line, seen, row["id"])
        if row["partner_id"] not in partner_ids:
            col.add(name, line, f"partner_id {row['partner_id']!r} is not in data/partners.csv")
        _check_derived_from(col, name, line, row, project_ids)
        _check_quote(col, name, line, row, required=True)
        _check_gbt_codes(col, name, line, row["gbt_codes"], codes)
        if not row["gbt_codes"]:
            col.add(name, line, "gbt_codes is empty; a partner industry needs at least one GB/T code")
        _check_common(col, name, line, row)
        out.append(dict(row))
    return sorted(out, key=lambda r: (r["partner_id"], r["id"]))


def _load_holdings(
    root: Path, col: _Collector, characteristic: list[dict[str, Any]], segments: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Reviewed holdings (``data/holdings.csv``): which chain segments a characteristic industry names.

    An empty ``segment_key`` records that the industry was reviewed and names no segment. Each row names
    the ``industry_zh`` it was reviewed against: a row whose industry is not in the characteristic
    industries, or is now worded differently, is skipped (a mapping holds only for the text it read). A row whose
    segment is not in ``chains/`` is skipped (a reduced source tree such as the tests' mini chains);
    tests/test_matching.py checks that every row names a segment of the shipped chains. The file is
    optional (older source trees).
    """
    path = root / "data" / "holdings.csv"
    if not path.exists():
        return []
    name = _rel(root, path)
    req = ["id", "county_code", "industry_id", "industry_zh", "segment_key", "strength", "derivation", "confidence"]
    facts = {f["id"]: f for f in characteristic}
    keys = {s["key"] for s in segments}
    out, seen, pairs = [], {}, {}
    for line, row in read_csv_rows(path, req, name):
        col.unique(name, line, seen, row["id"])
        fact = facts.get(row["industry_id"])
        if fact is None or fact["industry_zh"] != row["industry_zh"]:
            continue  # reviewed against another (older or newer) wording: tests/test_matching.py checks coverage
        if fact["county_code"] != row["county_code"]:
            col.add(name, line, f"industry {row['industry_id']} is in {fact['county_code']}, not {row['county_code']}")
        key = row["segment_key"]
        if key and key not in keys:
            continue
        if key:
            col.unique(name, line, pairs, f"{row['industry_id']} ({row['industry_zh']}) → {key}", "holding")
        strength = _float_or_none(col, name, line, row, "strength")
        if key and (strength is None or not 0 < strength <= 1):
            col.add(name, line, f"strength {row['strength']!r} must be a number in (0, 1]")
        if not row["derivation"]:
            col.add(name, line, "derivation is empty: say why the industry names this segment")
        if row["confidence"] not in CONFIDENCE:
            col.add(name, line, f"bad confidence {row['confidence']!r}; use one of {', '.join(CONFIDENCE)}")
        out.append(dict(row, strength=strength if key else None))
    return sorted(out, key=lambda r: r["id"])


def _load_io(root: Path, col: _Collector, codes: set[str]) -> dict[str, list[dict[str, Any]]]:
    """NBS input–output tables (``data/io/china_YEAR_N.csv``) and the sector ↔ GB/T mappings."""
    from chainlink.inputoutput import (
        available_tables,
        iotable_rows,
        mapping_rows,
        read_nbs_csv,
        read_sector_gbt,
    )

    out: dict[str, list[dict[str, Any]]] = {"io_sectors": [], "io_flows": [], "io_sector_gbt": []}
    tables = available_tables(root / "data" / "io")
    if 2020 not in tables:
        col.add(
            _rel(root, root / "data" / "io"),
            None,
            "the 2020 input–output table china_2020_153.csv is missing",
        )
    sector_codes: dict[int, set[str]] = {}
    for year, path in sorted(tables.items()):
        try:
            table = read_nbs_csv(path, year)
        except DataError as exc:
            col.add(_rel(root, path), None, str(exc))
            continue
        rows = iotable_rows(table)
        out["io_sectors"].extend(rows["io_sectors"])
        out["io_flows"].extend(rows["io_flows"])
        sector_codes[year] = set(table.codes)
    for scheme, filename in ((2020, "io_sector_gbt.csv"), (2017, "io_sector_gbt_2017.csv")):
        path = root / "data" / filename
        name = _rel(root, path)
        try:
            mapping = read_sector_gbt(path)
        except (DataError, OSError) as exc:
            col.add(name, None, str(exc))
            continue
        for line, m in enumerate(mapping, 2):
            for code in m.gbt_codes:
                if code not in codes:
                    col.add(name, line, f"unknown GB/T 4754-2017 code {code!r} for sector {m.io_code}")
            if scheme in sector_codes and m.io_code not in sector_codes[scheme]:
                col.add(name, line, f"sector {m.io_code} is not in the {scheme} input–output table")
        out["io_sector_gbt"].extend(mapping_rows(scheme, mapping))
    return out
