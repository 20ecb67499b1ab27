"""Read and validate the human-edited sources: ``data/*.csv`` and ``chains/*.yaml``.

:func:`load_sources` returns every registry table as plain rows, or raises
:class:`SourceErrors` listing each problem as ``file:line: message``. Nothing here writes.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chainlink.errors import DataError, SourceError
from chainlink.yamlstrict import LineDict, LineList, load_yaml, scalar_text

CONFIDENCE = ("sourced", "unverified", "sample")
STAGES = ("material", "part", "equipment", "product", "service")
PARTNER_KINDS = ("district", "etdz", "hitech", "new_area", "port_area", "bonded_zone", "enclave", "platform")
PAIRING_KINDS = ("shanhai", "zone_pair", "dual_chain_pilot", "enclave")
#: enclave (飞地) kinds of a pairing: 产业飞地, 科创飞地, 消薄飞地 (collective-economy / poverty enclave)
ENCLAVE_KINDS = ("industry", "innovation", "poverty")
#: the longest quote a data row may carry (a short quote, copied exactly from the cited page)
QUOTE_MAX = 40
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
ADMIN_CODE = re.compile(r"^\d{6}$")
GBT_CODE = re.compile(r"^\d{2,4}$")


class SourceErrors(DataError):
    """Several source problems at once; ``errors`` holds each :class:`SourceError`."""

    def __init__(self, errors: list[SourceError]) -> None:
        self.errors = errors
        lines = [str(e) for e in errors[:50]]
        if len(errors) > 50:
            lines.append(f"... and {len(errors) - 50} more")
        super().__init__("\n".join(lines))


@dataclass
class SourceSet:
    """Every registry table as rows (lists of dicts), in a stable order."""

    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


class _Collector:
    def __init__(self) -> None:
        self.errors: list[SourceError] = []

    def add(self, path: Path | str, line: int | None, message: str) -> None:
        self.errors.append(SourceError(str(path), line, message))

    def unique(self, path: str, line: int, seen: dict[str, int], key: str, what: str = "id") -> None:
        """Record ``key`` as seen at ``line``; report it if an earlier line had it already."""
        if key in seen:
            self.add(path, line, f"duplicate {what} {key} (first at line {seen[key]})")
        seen[key] = line


def _rel(root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def read_csv_rows(
    path: Path, required: list[str], label: str | None = None
) -> list[tuple[int, dict[str, str]]]:
    """Read a UTF-8 CSV (BOM allowed) and return ``(line, row)`` pairs; check the header."""
    name = label or str(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            missing = [c for c in required if c not in header]
            if missing:
                raise SourceError(
                    name,
                    1,
                    f"missing column(s) {', '.join(missing)}; the header must have {', '.join(required)}",
                )
            dupes = sorted({c for c in header if header.count(c) > 1})
            if dupes:
                raise SourceError(name, 1, f"duplicate column(s) {', '.join(dupes)}")
            rows = []
            for row in reader:
                if None in row:
                    raise SourceError(name, reader.line_num, "more fields than the header has; check quoting")
                rows.append((reader.line_num, {k: (v or "").strip() for k, v in row.items()}))
            return rows
    except FileNotFoundError:
        raise SourceError(name, None, "file not found; restore it from git") from None
    except UnicodeDecodeError:
        raise SourceError(name, None, "not UTF-8 text; save the file as UTF-8") from None


def _check_common(col: _Collector, name: str, line: int, row: dict[str, str]) -> None:
    if not row.get("source"):
        col.add(name, line, "missing source; every fact needs a source (or the word 'unverified')")
    conf = row.get("confidence", "")
    if conf not in CONFIDENCE:
        col.add(name, line, f"bad confidence {conf!r}; use one of {', '.join(CONFIDENCE)}")
    elif row.get("source") == "unverified" and conf != "unverified":
        col.add(name, line, "source is 'unverified' so confidence must be 'unverified'")


def _float_or_none(col: _Collector, name: str, line: int, row: dict[str, str], key: str) -> float | None:
    value = row.get(key, "")
    if value == "":
        return None
    try:
        return float(value)
    except ValueError:
        col.add(name, line, f"{key} {value!r} is not a number")
        return None


def _split_codes(value: str) -> list[str]:
    return [c.strip() for c in value.split(";") if c.strip()]


def _check_quote(col: _Collector, name: str, line: int, row: dict[str, str], *, required: bool) -> None:
    """A ``quote`` is a short text copied exactly from the cited page: at most QUOTE_MAX characters."""
    quote = row.get("quote", "")
    if len(quote) > QUOTE_MAX:
        col.add(name, line, f"quote is {len(quote)} characters; keep it to {QUOTE_MAX} (a short exact quote)")
    if required and not quote and row.get("confidence") == "sourced":
        col.add(name, line, "a sourced row needs a quote: a short text copied exactly from the cited page")


def _project_ids(root: Path) -> set[str] | None:
    """Project ids of data/projects.csv, for ``derived_from`` checks (None when the file is broken: its own
    loader reports that)."""
    try:
        return {r["id"] for _, r in read_csv_rows(root / "data" / "projects.csv", ["id"])}
    except SourceError:
        return None


def _check_derived_from(
    col: _Collector, name: str, line: int, row: dict[str, str], project_ids: set[str] | None
) -> None:
    """``derived_from``: the cases (project ids) a row was written from — `chainlink evaluate` holds the row
    out with the case when it names that case alone (docs/evaluation.md)."""
    for pid in _split_codes(row.get("derived_from", "")):
        if project_ids is not None and pid not in project_ids:
            col.add(name, line, f"derived_from {pid!r} is not a project id in data/projects.csv")


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


def load_sources(root: str | Path, *, pinyin: Mapping[str, str] | None = None) -> SourceSet:
    """Read, validate and normalise every source under ``root``; raise :class:`SourceErrors`.

    ``pinyin`` (industry name → pinyin, e.g. from the previous registry) saves computing known names.
    """
    root = Path(root)
    if not (root / "data").is_dir() or not (root / "chains").is_dir():
        raise DataError(
            f"{root}: no data/ and chains/ folders here; run build from a chainlink checkout or pass --sources DIR"
        )
    col = _Collector()
    try:
        industries = load_industries(root, col, pinyin)
        codes = {r["code"] for r in industries if r["level"] > 1}
        crosswalk = load_crosswalk(root, col, codes)
        counties = _load_counties(root, col)
        partners = _load_partners(root, col)
        chains, segments, edges = _load_chains(root, col, codes)
        chain_ids = {c["id"] for c in chains}
        edge_evidence_ckg = _load_edge_evidence_ckg(root, col, segments, edges)
        characteristic = _load_characteristic(
            root, col, codes, {c["code"] for c in counties}, {p["id"] for p in partners}
        )
        pairings = _load_pairings(root, col, {c["code"] for c in counties}, partners, chain_ids)
        partner_industries = _load_partner_industries(root, col, codes, {p["id"] for p in partners})
        holdings = _load_holdings(root, col, characteristic, segments)
        io_tables = _load_io(root, col, codes)
        county_codes = {c["code"] for c in counties}
        projects = _load_projects(
            root, col, codes, county_codes, {p["id"] for p in partners}, {s["key"] for s in segments}
        )
        gaps = _load_gaps(root, col, county_codes)
        from chainlink.evidence_sources import load_county_ecology, load_pollution_industries

        evidence = {
            "pollution_industries": load_pollution_industries(root, col, codes),
            "county_ecology": load_county_ecology(root, col, county_codes),
        }
        source_list = _load_source_list(root, col, {"chains": chains, "edges": edges})
        from chainlink.listed import real_enterprise_tables

        real = real_enterprise_tables(
            root,
            col,
            {
                "counties": counties,
                "partners": partners,
                "chains": chains,
                "segments": segments,
                "industries": industries,
                "sources": source_list,
            },
        )
    except SourceError as exc:
        col.errors.append(exc)
    if col.errors:
        raise SourceErrors(col.errors)
    return SourceSet(
        tables={
            "industries": industries,
            "industry_crosswalk": crosswalk,
            "counties": counties,
            "partners": partners,
            "pairings": pairings,
            "characteristic_industries": characteristic,
            "partner_industries": partner_industries,
            "holdings": holdings,
            **io_tables,
            "chains": chains,
            "segments": segments,
            "edges": edges,
            "edge_evidence_ckg": edge_evidence_ckg,
            "projects": projects,
            "gaps": gaps,
            **evidence,
            "sources": source_list,
            **real,  # enterprises (listed, named), enterprise_segments, enterprise_products, place_names
        }
    )


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
        out.append(dict(row))
    return sorted(out, key=lambda r: r["id"])


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
        for code in _split_codes(row["gbt_codes"]):
            if code not in codes:
                col.add(name, line, f"unknown GB/T 4754-2017 code {code!r}; see data/gbt4754_2017.csv")
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
        for code in _split_codes(row["gbt_codes"]):
            if code not in codes:
                col.add(name, line, f"unknown GB/T 4754-2017 code {code!r}; see data/gbt4754_2017.csv")
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
    tests/test_holdings.py checks that every row names a segment of the shipped chains. The file is
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


# -- chains -----------------------------------------------------------------------------------


def _text(col: _Collector, name: str, obj: LineDict, key: str, *, required: bool = True) -> str:
    line = obj.key_lines.get(key, obj.line)
    if key not in obj or obj[key] is None:
        if required:
            col.add(name, obj.line, f"missing {key}")
        return ""
    try:
        value = scalar_text(obj[key], name, line, key)
    except SourceError as exc:
        col.errors.append(exc)
        return ""
    if required and not value.strip():
        col.add(name, line, f"{key} is empty")
    return value.strip()


def _text_list(col: _Collector, name: str, obj: LineDict, key: str) -> list[str]:
    if key not in obj or obj[key] is None:
        return []
    value = obj[key]
    line = obj.key_lines.get(key, obj.line)
    if not isinstance(value, list):
        col.add(name, line, f"{key} must be a list")
        return []
    out = []
    lines = getattr(value, "item_lines", [line] * len(value))
    for item, item_line in zip(value, lines, strict=False):
        try:
            out.append(scalar_text(item, name, item_line, key).strip())
        except SourceError as exc:
            col.errors.append(exc)
    return out


CHAIN_KEYS = {
    "id",
    "name_zh",
    "name_en",
    "aliases",
    "description_zh",
    "description_en",
    "confidence",
    "source",
    "segments",
    "edges",
}
SEGMENT_KEYS = {"id", "name_zh", "name_en", "stage", "gbt", "products", "note"}
EDGE_KEYS = {"from", "to", "weight", "source", "confidence"}


def _unknown_keys(col: _Collector, name: str, obj: LineDict, allowed: set[str]) -> None:
    for key in obj:
        if key not in allowed:
            col.add(
                name,
                obj.key_lines.get(key, obj.line),
                f"unknown key {key!r}; allowed: {', '.join(sorted(allowed))}",
            )


def _load_chains(root: Path, col: _Collector, codes: set[str]):
    files = sorted((root / "chains").glob("*.yaml"))
    chains, segments, raw_edges = [], [], []
    chain_files: dict[str, str] = {}
    product_lines: dict[str, tuple[str, int]] = {}  # segment key → where its products are
    for path in files:
        name = _rel(root, path)
        try:
            doc = load_yaml(path)
        except SourceError as exc:
            col.errors.append(SourceError(name, exc.line, exc.detail))
            continue
        if not isinstance(doc, LineDict):
            col.add(name, 1, "a chain file must be a YAML mapping with id, name_zh, segments, edges")
            continue
        _unknown_keys(col, name, doc, CHAIN_KEYS)
        cid = _text(col, name, doc, "id")
        if cid and cid != path.stem:
            col.add(name, doc.key_lines.get("id", 1), f"id {cid!r} must equal the file name {path.stem!r}")
        if cid and not SLUG.match(cid):
            col.add(name, doc.key_lines.get("id", 1), f"id {cid!r} must be a lower-case slug")
        if cid in chain_files:
            col.add(
                name, doc.key_lines.get("id", 1), f"duplicate chain id {cid!r} (also in {chain_files[cid]})"
            )
        chain_files[cid] = name
        conf = _text(col, name, doc, "confidence")
        if conf and conf not in CONFIDENCE:
            col.add(
                name,
                doc.key_lines["confidence"],
                f"bad confidence {conf!r}; use one of {', '.join(CONFIDENCE)}",
            )
        chains.append(
            {
                "id": cid,
                "name_zh": _text(col, name, doc, "name_zh"),
                "name_en": _text(col, name, doc, "name_en"),
                "aliases": ";".join(_text_list(col, name, doc, "aliases")),
                "description_zh": _text(col, name, doc, "description_zh", required=False),
                "description_en": _text(col, name, doc, "description_en", required=False),
                "source": _text(col, name, doc, "source"),
                "confidence": conf,
                "file": name,
            }
        )
        segs = doc.get("segments")
        if not isinstance(segs, list) or len(segs) < 2:
            col.add(
                name,
                doc.key_lines.get("segments", doc.line),
                "segments must be a list of at least 2 segments",
            )
            segs = []
        seg_ids: dict[str, int] = {}
        for ordinal, seg in enumerate(segs):
            if not isinstance(seg, LineDict):
                col.add(name, segs.item_lines[ordinal], "each segment must be a mapping")
                continue
            _unknown_keys(col, name, seg, SEGMENT_KEYS)
            sid = _text(col, name, seg, "id")
            if sid and not SLUG.match(sid):
                col.add(name, seg.key_lines["id"], f"segment id {sid!r} must be a lower-case slug")
            if sid in seg_ids:
                col.add(
                    name,
                    seg.key_lines.get("id", seg.line),
                    f"duplicate segment id {sid!r} (first at line {seg_ids[sid]})",
                )
            seg_ids[sid] = seg.line
            stage = _text(col, name, seg, "stage")
            if stage and stage not in STAGES:
                col.add(name, seg.key_lines["stage"], f"bad stage {stage!r}; use one of {', '.join(STAGES)}")
            gbt = _text_list(col, name, seg, "gbt")
            if not gbt:
                col.add(
                    name, seg.key_lines.get("gbt", seg.line), "gbt must list at least one GB/T 4754-2017 code"
                )
            for code in gbt:
                if not GBT_CODE.match(code) or code not in codes:
                    col.add(
                        name,
                        seg.key_lines.get("gbt", seg.line),
                        f"unknown GB/T 4754-2017 code {code!r}; see data/gbt4754_2017.csv",
                    )
            products = _products(col, name, seg)
            product_lines[f"{cid}/{sid}"] = (name, seg.key_lines.get("products", seg.line))
            segments.append(
                {
                    "key": f"{cid}/{sid}",
                    "chain_id": cid,
                    "segment_id": sid,
                    "ordinal": ordinal,
                    "name_zh": _text(col, name, seg, "name_zh"),
                    "name_en": _text(col, name, seg, "name_en"),
                    "stage": stage,
                    "gbt_codes": ";".join(gbt),
                    "products": ";".join(products),
                    "note": _text(col, name, seg, "note", required=False),
                }
            )
        edges = doc.get("edges")
        if edges is None:
            edges = LineList()
            edges.item_lines = []
        if not isinstance(edges, list):
            col.add(name, doc.key_lines.get("edges", doc.line), "edges must be a list")
            edges = []
        for i, edge in enumerate(edges):
            if not isinstance(edge, LineDict):
                col.add(
                    name, edges.item_lines[i], "each edge must be a mapping with from, to, source, confidence"
                )
                continue
            _unknown_keys(col, name, edge, EDGE_KEYS)
            raw_edges.append((name, edge, cid))
    _check_shared_products(col, segments, product_lines)
    return chains, segments, _resolve_edges(col, raw_edges, segments)


def load_chains(root: str | Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Only ``chains/*.yaml`` under ``root``, validated against the GB/T codes: chains, segments, edges.

    For tools that need the chain structure without the rest of the sources (the one-off derivation
    data/derive/edge_evidence.py). Raises :class:`SourceErrors`.
    """
    root = Path(root)
    col = _Collector()
    industries = load_industries(root, col)
    chains, segments, edges = _load_chains(root, col, {r["code"] for r in industries if r["level"] > 1})
    if col.errors:
        raise SourceErrors(col.errors)
    return chains, segments, edges


def _products(col: _Collector, name: str, seg: LineDict) -> list[str]:
    """A segment's ``products`` keywords: optional; text, non-empty, no ';', each once."""
    products = _text_list(col, name, seg, "products")
    line = seg.key_lines.get("products", seg.line)
    seen: set[str] = set()
    for kw in products:
        if not kw or ";" in kw:
            col.add(name, line, f"products: keyword {kw!r} must be non-empty text without ';'")
        elif kw in seen:
            col.add(name, line, f"products: keyword {kw!r} listed twice")
        seen.add(kw)
    return products


def _check_shared_products(
    col: _Collector, segments: list[dict[str, Any]], where: dict[str, tuple[str, int]]
) -> None:
    """Segments sharing a GB/T code must be told apart by their products (docs/chains.md)."""
    from chainlink.products import shared_code_groups

    products = {s["key"]: _split_codes(s["products"]) for s in segments}
    reported: set[tuple[str, str]] = set()
    for code, keys in shared_code_groups(segments).items():
        for key in keys:
            others = [k for k in keys if k != key]
            if not products[key]:
                if (key, "none") not in reported:
                    reported.add((key, "none"))
                    col.add(
                        *where[key],
                        f"segment {key} shares GB/T {code} with {', '.join(others)}; "
                        "add products: keywords to tell them apart",
                    )
                continue
            for other in others:
                for kw in sorted(set(products[key]) & set(products[other])):
                    if key < other and (kw, f"{key} {other}") not in reported:
                        reported.add((kw, f"{key} {other}"))
                        col.add(
                            *where[other],
                            f"products: keyword {kw!r} is on both {key} and {other}, which share GB/T "
                            f"{code}; a firm naming {kw} could not be placed; keep it on one",
                        )


def _resolve_edges(col: _Collector, raw_edges, segments) -> list[dict[str, Any]]:
    import networkx as nx

    keys = {s["key"] for s in segments}
    out = []
    seen: dict[tuple[str, str], str] = {}
    graph = nx.DiGraph()
    for name, edge, cid in raw_edges:
        ends = []
        for end in ("from", "to"):
            ref = _text(col, name, edge, end)
            key = ref if "/" in ref else f"{cid}/{ref}"
            if ref and key not in keys:
                col.add(
                    name,
                    edge.key_lines.get(end, edge.line),
                    f"edge {end} {ref!r}: no such segment (dangling edge)",
                )
            ends.append(key)
        line = edge.line
        if ends[0] == ends[1]:
            col.add(name, line, f"edge from {ends[0]} to itself")
        pair = (ends[0], ends[1])
        if pair in seen:
            col.add(name, line, f"duplicate edge {ends[0]} → {ends[1]} (also {seen[pair]})")
        seen[pair] = f"{name}:{line}"
        conf = _text(col, name, edge, "confidence")
        if conf and conf not in CONFIDENCE:
            col.add(
                name,
                edge.key_lines["confidence"],
                f"bad confidence {conf!r}; use one of {', '.join(CONFIDENCE)}",
            )
        source = _text(col, name, edge, "source")
        weight = edge.get("weight")
        if weight is not None and (
            isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight <= 1
        ):
            col.add(name, edge.key_lines["weight"], f"weight {weight!r} must be a number in (0, 1]")
            weight = None
        graph.add_edge(*pair, where=f"{name}:{line}")
        out.append(
            {
                "chain_id": cid,
                "from_key": ends[0],
                "to_key": ends[1],
                "weight": float(weight) if weight is not None else None,
                "weight_source": "file" if weight is not None else "",
                "source": source,
                "confidence": conf,
                "file": name,
            }
        )
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        cycle = None
    if cycle:
        where = graph.edges[cycle[0][0], cycle[0][1]]["where"]
        path, _, line = where.rpartition(":")
        loop = " → ".join([u for u, _ in cycle] + [cycle[0][0]])
        col.add(path, int(line), f"cycle in the chain graph: {loop}; remove one edge")
    return out


CKG_RELATIONS = ("上游材料", "下游产品")
CKG_COLUMNS = [
    "from_key",
    "to_key",
    "relation",
    "upstream_product",
    "downstream_product",
    "upstream_keyword",
    "downstream_keyword",
    "source",
    "confidence",
]


def _load_edge_evidence_ckg(
    root: Path, col: _Collector, segments: list[dict[str, Any]], edges: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """ChainKnowledgeGraph product relations behind chain edges (``data/edge_evidence_ckg.csv``).

    Derived once by data/derive/edge_evidence.py; every row must still fit: its edge exists and each
    product is one of its segment's ``products`` keywords (equal or ending with it).
    """
    from chainlink.products import product_matches

    path = root / "data" / "edge_evidence_ckg.csv"
    name = _rel(root, path)
    products = {s["key"]: _split_codes(s.get("products", "")) for s in segments}
    edge_keys = {(e["from_key"], e["to_key"]) for e in edges}
    rerun = "re-run data/derive/edge_evidence.py (docs/chains.md)"
    out, seen = [], {}
    for line, row in read_csv_rows(path, CKG_COLUMNS, name):
        u, v = row["from_key"], row["to_key"]
        bad_end = [k for k in (u, v) if k not in products]
        if bad_end:
            col.add(name, line, f"{bad_end[0]!r} is not a segment of chains/*.yaml; {rerun}")
            continue
        if (u, v) not in edge_keys:
            col.add(name, line, f"no chain edge {u} → {v}; {rerun}")
            continue
        if row["relation"] not in CKG_RELATIONS:
            col.add(name, line, f"bad relation {row['relation']!r}; use one of {', '.join(CKG_RELATIONS)}")
        for end, key in (("upstream", u), ("downstream", v)):
            kw, product = row[f"{end}_keyword"], row[f"{end}_product"]
            if kw not in products[key]:
                col.add(name, line, f"{end}_keyword {kw!r} is not in the products of {key}; {rerun}")
            elif not product_matches(product, kw):
                col.add(name, line, f"{end}_product {product!r} does not end with its keyword {kw!r}")
        ident = "|".join(row[c] for c in CKG_COLUMNS[:5])
        col.unique(name, line, seen, ident, "row")
        _check_common(col, name, line, row)
        out.append({c: row[c] for c in CKG_COLUMNS})
    return sorted(out, key=lambda r: tuple(r[c] for c in CKG_COLUMNS[:5]))


# -- projects, gaps, the list of sources -------------------------------------------------------

PROJECT_KINDS = ("transfer", "co_construction", "enclave_park", "pilot", "investment")
PROJECT_STATUSES = ("lead", "negotiating", "signed", "started", "producing", "unknown")
POLLUTION_CLASSES = ("low", "medium", "high")
PROJECT_COLUMNS = [
    "id",
    "name_zh",
    "name_en",
    "kind",
    "origin_id",
    "county_code",
    "platform",
    "landing",
    "enclave_host",
    "gbt_codes",
    "segment_key",
    "investment_wan",
    "land_mu",
    "energy_tce",
    "added_value_wan",
    "tax_wan",
    "pollution",
    "status",
    "year",
    "sponsor",
    "source",
    "confidence",
    "note",
]
# where a project physically lands: in the county itself, or in an enclave (飞地) in the partner's territory;
# empty when the source does not say
PROJECT_LANDINGS = ("county", "enclave")
PROJECT_NUMBERS = ("investment_wan", "land_mu", "energy_tce", "added_value_wan", "tax_wan")
GAP_TOPICS = ("pairing", "characteristic_industry", "quota", "zone", "project", "other")
SOURCE_KINDS = ("article", "dataset", "package", "judgement")
PROJECT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
SOURCE_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
URL = re.compile(r"https?://[^\s;,()（）]+")
# Files whose `source` column must cite entries of data/sources.csv (checked by build).
CITING_FILES = (
    "counties",
    "partners",
    "pairings",
    "characteristic_industries",
    "partner_industries",
    "projects",
    "gaps",
    "edge_evidence_ckg",
    "pollution_industries",
    "county_ecology",
)


def _load_projects(
    root: Path,
    col: _Collector,
    codes: set[str],
    counties: set[str],
    partner_ids: set[str],
    segment_keys: set[str],
) -> list[dict[str, Any]]:
    """Real projects and transfers named by sources (``data/projects.csv``); sample ones are generated."""
    path = root / "data" / "projects.csv"
    name = _rel(root, path)
    out, seen = [], {}
    for line, row in read_csv_rows(path, PROJECT_COLUMNS, name):
        pid = row["id"]
        if not PROJECT_ID.match(pid):
            col.add(name, line, f"id {pid!r} must be letters, digits, '-' or '_' (e.g. PRJ010)")
        elif pid.startswith("sample-"):
            col.add(name, line, f"id {pid!r}: ids starting with 'sample-' are reserved for generated samples")
        col.unique(name, line, seen, pid)
        for key in ("name_zh", "name_en"):
            if not row[key]:
                col.add(name, line, f"missing {key}")
        if row["kind"] not in PROJECT_KINDS:
            col.add(name, line, f"bad kind {row['kind']!r}; use one of {', '.join(PROJECT_KINDS)}")
        if row["origin_id"] and row["origin_id"] not in partner_ids:
            col.add(
                name,
                line,
                f"origin_id {row['origin_id']!r} is not a partner id in data/partners.csv; add the partner first",
            )
        if row["platform"] and row["platform"] not in partner_ids:
            col.add(name, line, f"platform {row['platform']!r} is not a partner id in data/partners.csv")
        if row["county_code"] and row["county_code"] not in counties:
            col.add(
                name,
                line,
                f"county_code {row['county_code']!r} is not one of the 26 counties in data/counties.csv",
            )
        landing, host = row["landing"], row["enclave_host"]
        if landing and landing not in PROJECT_LANDINGS:
            col.add(
                name,
                line,
                f"bad landing {landing!r}; use county or enclave (or leave it empty when the source does not say)",
            )
        if landing == "enclave" and not host:
            col.add(
                name, line, "landing is enclave but enclave_host is empty; give the partner id or admin code"
            )
        if host and landing != "enclave":
            col.add(
                name,
                line,
                f"enclave_host {host!r} given but landing is {landing or 'empty'}; set landing to enclave",
            )
        if host and host not in partner_ids and not ADMIN_CODE.match(host):
            col.add(
                name,
                line,
                f"enclave_host {host!r} is neither a partner id in data/partners.csv nor a six-digit admin code",
            )
        if host and host in counties:
            col.add(
                name,
                line,
                f"enclave_host {host!r} is one of the 26 counties; an enclave lies in the partner's territory",
            )
        if not row["origin_id"] and not row["county_code"]:
            col.add(
                name, line, "give origin_id (where it comes from) or county_code (where it lands), or both"
            )
        gbt = _split_codes(row["gbt_codes"])
        for code in gbt:
            if code not in codes:
                col.add(name, line, f"unknown GB/T 4754-2017 code {code!r}; see data/gbt4754_2017.csv")
        if not gbt and not row["segment_key"]:
            col.add(
                name, line, "give gbt_codes (GB/T 4754-2017, ';'-separated) or segment_key (chain/segment)"
            )
        if row["segment_key"] and row["segment_key"] not in segment_keys:
            col.add(
                name,
                line,
                f"segment_key {row['segment_key']!r} is not a chain segment (chain/segment in chains/*.yaml)",
            )
        if row["pollution"] and row["pollution"] not in POLLUTION_CLASSES:
            col.add(
                name,
                line,
                f"bad pollution {row['pollution']!r}; use one of {', '.join(POLLUTION_CLASSES)} or leave it empty",
            )
        if row["status"] not in PROJECT_STATUSES:
            col.add(
                name,
                line,
                f"bad status {row['status']!r}; use one of {', '.join(PROJECT_STATUSES)} "
                "(unknown when the source does not say)",
            )
        year = None
        if row["year"]:
            if re.fullmatch(r"(19|20)\d{2}", row["year"]):
                year = int(row["year"])
            else:
                col.add(name, line, f"year {row['year']!r} must be a four-digit year or empty")
        if row["confidence"] == "sample":
            col.add(
                name,
                line,
                "confidence 'sample': sample projects are generated by chainlink/sample.py, not kept in this file",
            )
        _check_common(col, name, line, row)
        rec: dict[str, Any] = {c: row[c] for c in PROJECT_COLUMNS}
        for key in PROJECT_NUMBERS:
            value = _float_or_none(col, name, line, row, key)
            if value is not None and value < 0:
                col.add(name, line, f"{key} {row[key]!r} must be ≥ 0")
            rec[key] = value
        rec["gbt_codes"] = ";".join(gbt)
        rec["year"] = year
        out.append(rec)
    return sorted(out, key=lambda r: r["id"])


def _load_gaps(root: Path, col: _Collector, counties: set[str]) -> list[dict[str, Any]]:
    """Recorded data gaps (``data/gaps.csv``): what is missing, what was searched."""
    path = root / "data" / "gaps.csv"
    name = _rel(root, path)
    req = [
        "id",
        "county_code",
        "topic",
        "description_zh",
        "description_en",
        "searched",
        "source",
        "confidence",
    ]
    cities = {c[:4] + "00" for c in counties}
    out, seen = [], {}
    for line, row in read_csv_rows(path, req, name):
        col.unique(name, line, seen, row["id"])
        code = row["county_code"]
        if code and code not in counties and code not in cities:
            col.add(
                name,
                line,
                f"county_code {code!r} is neither one of the 26 counties nor their city (empty = all counties)",
            )
        if row["topic"] not in GAP_TOPICS:
            col.add(name, line, f"bad topic {row['topic']!r}; use one of {', '.join(GAP_TOPICS)}")
        for key in ("description_zh", "description_en", "searched"):
            if not row[key]:
                col.add(name, line, f"missing {key}")
        _check_common(col, name, line, row)
        out.append(dict(row))
    return sorted(out, key=lambda r: r["id"])


def _load_source_list(
    root: Path, col: _Collector, tables: dict[str, list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """The list of sources (``data/sources.csv``), each with what cites it (``cited_by``).

    Every URL cited in a ``source`` column of :data:`CITING_FILES` must be listed; a citation without a
    URL must contain the title or one of the ``cited_as`` phrases of an entry (``unverified`` excepted).
    """
    path = root / "data" / "sources.csv"
    name = _rel(root, path)
    req = ["id", "title", "publisher", "date", "url", "licence", "supports", "kind"]
    out, seen, urls = [], {}, {}
    for line, row in read_csv_rows(path, req, name):
        sid = row["id"]
        if not SLUG.match(sid):
            col.add(name, line, f"id {sid!r} must be a lower-case slug like zj-commerce-2022")
        col.unique(name, line, seen, sid)
        if row["kind"] not in SOURCE_KINDS:
            col.add(name, line, f"bad kind {row['kind']!r}; use one of {', '.join(SOURCE_KINDS)}")
        if not row["title"] and not row["url"]:
            col.add(name, line, "give a title or a url")
        if row["url"]:
            if not URL.fullmatch(row["url"]):
                col.add(name, line, f"url {row['url']!r} must be one http(s) address")
            if row["url"] in urls:
                col.add(name, line, f"url listed twice (first at line {urls[row['url']]})")
            urls[row["url"]] = line
        if row["date"] and not SOURCE_DATE.match(row["date"]):
            col.add(name, line, f"date {row['date']!r} must be YYYY, YYYY-MM or YYYY-MM-DD (or empty)")
        for key in ("licence", "supports"):
            if not row[key]:
                col.add(name, line, f"missing {key}")
        out.append(
            {
                "id": sid,
                "title": row["title"],
                "publisher": row["publisher"],
                "date": row["date"],
                "url": row["url"],
                "licence": row["licence"],
                "supports": row["supports"],
                "kind": row["kind"],
                "cited_as": row.get("cited_as", ""),
            }
        )
    counts = _citations(root, col, out, tables)
    for rec in out:
        cited = counts.get(rec["id"], {})
        rec["cited_by"] = "; ".join(f"{table} {n}" for table, n in sorted(cited.items()))
        rec["cited_rows"] = sum(cited.values())
    return sorted(out, key=lambda r: r["id"])


def source_matches(text: str, sources: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """The ids of the ``sources`` that ``text`` cites, and the URLs in it that none of them lists.

    A source is cited when its url occurs in the text, or (for a source without url, and for every
    source) its title or one of its ``cited_as`` phrases (';'-separated) does.
    """
    by_url = {s["url"]: s["id"] for s in sources if s["url"]}
    found: list[str] = []
    unknown: list[str] = []
    for url in URL.findall(text):
        if url in by_url:
            if by_url[url] not in found:
                found.append(by_url[url])
        else:
            unknown.append(url)
    for s in sources:
        phrases = [s["title"], *_split_codes(s.get("cited_as", ""))]
        if s["id"] not in found and any(p and p in text for p in phrases):
            found.append(s["id"])
    return found, unknown


def _citations(
    root: Path, col: _Collector, sources: list[dict[str, Any]], tables: dict[str, list[dict[str, Any]]]
) -> dict[str, dict[str, int]]:
    """Check every citation in :data:`CITING_FILES`; count, per source id, the citing rows by table."""
    counts: dict[str, dict[str, int]] = {}
    for table in CITING_FILES:
        path = root / "data" / f"{table}.csv"
        name = _rel(root, path)
        for line, row in read_csv_rows(path, ["source"], name):
            text = row["source"]
            if not text or text == "unverified":
                continue
            found, unknown = source_matches(text, sources)
            for url in unknown:
                col.add(name, line, f"source URL {url} is not listed in data/sources.csv; add a row for it")
            if not found and not unknown:
                col.add(
                    name,
                    line,
                    f"source {text[:60]!r} matches no entry of data/sources.csv (by url, title or cited_as)",
                )
            for sid in found:
                counts.setdefault(sid, {})
                counts[sid][table] = counts[sid].get(table, 0) + 1
    for table in ("chains", "edges"):
        for row in tables.get(table, []):
            for sid in source_matches(row.get("source") or "", sources)[0]:
                counts.setdefault(sid, {})
                counts[sid][table] = counts[sid].get(table, 0) + 1
    return counts
