"""Projects, gaps and the list of sources (``data/sources.csv``) with the citations that point into it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chainlink.sources.collect import (
    ADMIN_CODE,
    SLUG,
    _check_common,
    _check_gbt_codes,
    _Collector,
    _float_or_none,
    _rel,
    _split_codes,
    read_csv_rows,
)

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
        gbt = _check_gbt_codes(col, name, line, row["gbt_codes"], codes)
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
                "confidence 'sample': sample projects are generated by chainlink/sources/sample.py, not kept in this file",
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
    return _matcher(sources)(text)


def _matcher(sources: list[dict[str, Any]]) -> Callable[[str], tuple[list[str], list[str]]]:
    """:func:`source_matches` over ``sources``, their urls and phrases prepared once (for many texts)."""
    by_url = {s["url"]: s["id"] for s in sources if s["url"]}
    phrases = [(s["id"], [p for p in (s["title"], *_split_codes(s.get("cited_as", ""))) if p]) for s in sources]
    # a phrase can occur in a text only if its first character does: (source position, phrase) by that character
    by_first: dict[str, list[tuple[int, str]]] = {}
    for i, (_, said) in enumerate(phrases):
        for p in said:
            by_first.setdefault(p[0], []).append((i, p))

    seen: dict[str, tuple[list[str], list[str]]] = {}  # the same citation text recurs on many rows

    def match(text: str) -> tuple[list[str], list[str]]:
        if text in seen:
            found, unknown = seen[text]
            return list(found), list(unknown)
        found: list[str] = []
        unknown: list[str] = []
        for url in URL.findall(text):
            if url in by_url:
                if by_url[url] not in found:
                    found.append(by_url[url])
            else:
                unknown.append(url)
        said_in = {i for ch in set(text) for i, p in by_first.get(ch, ()) if p in text}
        for i in sorted(said_in):  # in the sources' order, as trying every source's phrases finds them
            if phrases[i][0] not in found:
                found.append(phrases[i][0])
        seen[text] = found, unknown
        return list(found), list(unknown)

    return match


def _citations(
    root: Path, col: _Collector, sources: list[dict[str, Any]], tables: dict[str, list[dict[str, Any]]]
) -> dict[str, dict[str, int]]:
    """Check every citation in :data:`CITING_FILES`; count, per source id, the citing rows by table."""
    counts: dict[str, dict[str, int]] = {}
    matches = _matcher(sources)
    for table in CITING_FILES:
        path = root / "data" / f"{table}.csv"
        name = _rel(root, path)
        for line, row in read_csv_rows(path, ["source"], name):
            text = row["source"]
            if not text or text == "unverified":
                continue
            found, unknown = matches(text)
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
            for sid in matches(row.get("source") or "")[0]:
                counts.setdefault(sid, {})
                counts[sid][table] = counts[sid].get(table, 0) + 1
    return counts
