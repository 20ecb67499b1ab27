"""The registry for Datasette: foreign keys, full-text search on names, metadata and saved queries.

:func:`prepare_registry` runs inside ``chainlink build`` (sqlite-utils ``add_foreign_keys`` and
``enable_fts``) and stores the Datasette metadata as the meta row ``datasette_metadata``.
:func:`derived_database` writes what is computed, not stored — every county's suggestions and the
segments each county holds — into a second database that ``chainlink browse`` serves beside the
registry, so that the saved queries "suggestions for a county" and "chains touching a county" are SQL.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# (table, column, other table, other column): added when every row satisfies it (no dangling ids)
FOREIGN_KEYS = [
    ("pairings", "county_code", "counties", "code"),
    ("pairings", "partner_id", "partners", "id"),
    ("characteristic_industries", "county_code", "counties", "code"),
    ("partner_industries", "partner_id", "partners", "id"),
    ("segments", "chain_id", "chains", "id"),
    ("edges", "chain_id", "chains", "id"),
    ("edges", "from_key", "segments", "key"),
    ("edges", "to_key", "segments", "key"),
    ("enterprises", "partner_id", "partners", "id"),
    ("enterprises", "county_code", "counties", "code"),
    ("enterprises", "segment_key", "segments", "key"),
    ("projects", "origin_id", "partners", "id"),
    ("projects", "county_code", "counties", "code"),
    ("projects", "segment_key", "segments", "key"),
    ("gaps", "county_code", "counties", "code"),
    ("industries", "parent", "industries", "code"),
    ("partners", "parent", "partners", "id"),
]
# full-text search on names (FTS5, trigram tokenizer: substrings of 3+ characters, Chinese, pinyin, English)
FTS = {
    "counties": ["name_zh", "name_en", "pinyin", "aliases"],
    "partners": ["name_zh", "short_zh", "name_en", "pinyin", "aliases"],
    "chains": ["name_zh", "name_en", "aliases"],
    "segments": ["name_zh", "name_en"],
    "industries": ["name_zh", "pinyin"],
    "characteristic_industries": ["industry_zh", "industry_en"],
    "partner_industries": ["industry_zh", "industry_en"],
    "projects": ["name_zh", "name_en"],
    "enterprises": ["name_zh", "name_en"],
    "sources": ["title", "publisher", "supports"],
}
META_KEY = "datasette_metadata"

TABLES = {
    "meta": "Registry metadata: app, schema_version, sources_hash (SHA-256 of the compiled sources).",
    "industries": "GB/T 4754-2017 national industry classification: 门类, 大类, 中类, 小类 with parents and pinyin.",
    "industry_crosswalk": "GB/T 4754-2011 → 2017 code crosswalk.",
    "counties": "The 26 mountain counties of Zhejiang (山区26县) with coordinates.",
    "partners": "Partner districts (id = admin code), development zones, platforms (slug ids), with host and parent.",
    "pairings": "County ↔ partner pairings: kind (shanhai, zone_pair, dual_chain_pilot, enclave), chains, round.",
    "characteristic_industries": "Characteristic industries of counties (or their platforms) with GB/T codes.",
    "partner_industries": "Industries a source names for a partner district or zone.",
    "chains": "Industrial chains (one YAML file each in chains/).",
    "segments": "Chain segments (key = chain/segment) with stage and GB/T codes.",
    "edges": "Upstream → downstream links between segments; weight from the NBS 2020 input–output table.",
    "io_sectors": "NBS input–output table sectors (2017, 2018, 2020).",
    "io_flows": "NBS input–output flows (row sector supplies column sector).",
    "io_sector_gbt": "IO sector ↔ GB/T 4754 mapping.",
    "io_relatedness": "Symmetric input–output relatedness between sectors (2020), pairs ≥ 0.005.",
    "projects": "Real transfers named by sources (sourced) and generated candidates (sample).",
    "enterprises": "Enterprises on chain segments; sample rows are synthetic (credit codes start with 00).",
    "gaps": "What no source could tell (recorded so that nobody fills it by guessing).",
    "sources": "Every source cited in data/ and chains/: what it supports and its licence.",
}
COLUMNS = {
    "code": "Administrative code (text, 6 digits) or GB/T code (text).",
    "id": "Identifier (text).",
    "name_zh": "Chinese name.",
    "name_en": "English name.",
    "short_zh": "Short Chinese name.",
    "pinyin": "Pinyin (for search).",
    "aliases": "Other names, separated by ;.",
    "lat": "Latitude (WGS-84 degrees) as stored in data/.",
    "lon": "Longitude (WGS-84 degrees) as stored in data/.",
    "county_code": "Mountain county (admin code).",
    "partner_id": "Partner district or zone id.",
    "chain_id": "Chain id.",
    "segment_key": "Chain segment key (chain/segment).",
    "gbt_codes": "GB/T 4754-2017 codes, separated by ;.",
    "kind": "Kind of row (see the table description).",
    "source": "Where the fact comes from (citation text).",
    "confidence": "sourced (a source says so), unverified (weak or indirect), sample (synthetic).",
    "weight": "Edge weight in [0, 1] (input–output derived unless weight_source says otherwise).",
    "licence": "Licence or terms of the source.",
    "url": "Address of the source.",
}
DERIVED_TABLES = {
    "suggestions": "What `chainlink export` writes: every county's ranked suggestions (docs/export.md), computed by "
    "chainlink browse from the registry with the default preset.",
    "holdings": "Chain segments each county holds on evidence: a characteristic industry mapped to the segment by a "
    "reviewed row of data/holdings.csv, or a real firm located there (never a GB/T code overlap); computed by "
    "chainlink browse.",
}
QUERIES = {
    "suggestions_for_a_county": {
        "title": "Suggestions for a county / 县的项目方向建议",
        "description": "Ranked suggestions for one county: code (331121), 汉字 (青田县) or English name.",
        "sql": "select rank, score, relation_zh, segment_zh, chain_zh, partner_zh, confidence, explanation_zh\n"
        "from suggestions\nwhere county_code = :county or county_zh = :county or county_en = :county\n"
        "order by rank",
    },
    "chains_touching_a_county": {
        "title": "Chains touching a county / 与县相关的产业链",
        "description": "Chains on which a county holds a segment (through a characteristic industry) or is offered a "
        "suggestion, with the segments.",
        "sql": "select chain_id, chain_zh, group_concat(segment_zh, '、') as segments, max(held) as holds_a_segment,\n"
        "  max(suggested) as has_a_suggestion\nfrom (\n"
        "  select chain_id, chain_zh, segment_zh, 1 as held, 0 as suggested from holdings\n"
        "  where county_code = :county or county_zh = :county\n  union\n"
        "  select chain_id, chain_zh, segment_zh, 0, 1 from suggestions\n"
        "  where county_code = :county or county_zh = :county\n)\ngroup by chain_id order by chain_id",
    },
}


def prepare_registry(db: Any) -> None:
    """Foreign keys, FTS5 name search and the Datasette metadata row, on a registry being built.

    ``db`` is a ``sqlite_utils.Database`` holding the freshly written tables (inside the build's
    transaction). A foreign key is added only when no row would dangle, so that
    ``PRAGMA foreign_key_check`` stays clean; the FTS shadow tables are not registry tables
    (``build --check`` compares only the tables it writes).
    """
    existing = set(db.table_names())
    fks = [fk for fk in FOREIGN_KEYS if fk[0] in existing and fk[2] in existing
           and fk[1] in db[fk[0]].columns_dict and not _dangling(db, *fk)]
    if fks:
        db.add_foreign_keys(fks)
    for table, columns in FTS.items():
        if table in existing:
            cols = [c for c in columns if c in db[table].columns_dict]
            if cols:
                db[table].enable_fts(cols, fts_version="FTS5", tokenize="trigram", create_triggers=False)
    db["meta"].insert({"key": META_KEY, "value": json.dumps(metadata(db), ensure_ascii=False, sort_keys=True)},
                      pk="key", replace=True)


def _dangling(db: Any, table: str, column: str, other: str, other_column: str) -> int:
    sql = (f"SELECT count(*) FROM [{table}] WHERE [{column}] IS NOT NULL AND [{column}] NOT IN "
           f"(SELECT [{other_column}] FROM [{other}])")
    return db.execute(sql).fetchone()[0]


def metadata(db: Any) -> dict[str, Any]:
    """Datasette metadata: title, licence, table and column descriptions, saved queries."""
    tables: dict[str, Any] = {}
    for name in sorted(db.table_names()):
        if name not in TABLES:
            continue
        cols = {c: COLUMNS[c] for c in db[name].columns_dict if c in COLUMNS}
        entry: dict[str, Any] = {"description": TABLES[name], "columns": cols}
        if "name_zh" in db[name].columns_dict:
            entry["label_column"] = "name_zh"
        if name in FTS:
            entry["fts_table"] = f"{name}_fts"
            entry["searchmode"] = "raw"
        tables[name] = entry
    return {
        "title": "chainlink registry",
        "description": "Industrial-chain matching for Zhejiang's 26 mountain counties (山海协作 · 双链长制). Every fact "
        "carries a source and a confidence (sourced, unverified, sample); the sources table lists each source's "
        "licence. Sample rows are synthetic.",
        "license": "MIT (code); facts cited from their sources — see the sources table",
        "source": "chainlink data/ and chains/ (compiled by chainlink build)",
        "databases": {
            "registry": {"tables": tables},
            "derived": {
                "description": "Computed from the registry by chainlink browse (not stored in it).",
                "tables": {k: {"description": v} for k, v in DERIVED_TABLES.items()},
                "queries": QUERIES,
            },
        },
    }


def stored_metadata(conn: Any) -> dict[str, Any]:
    """The metadata stored in a registry's meta table (empty when the registry predates it)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (META_KEY,)).fetchone()
    return json.loads(row[0]) if row else {}


def _flat(value: Any) -> Any:
    return ";".join(str(v) for v in value) if isinstance(value, (list, tuple)) else value


def derived_database(model: Any, path: Path) -> Path:
    """Write every county's suggestions and holdings to a new SQLite file ``path`` (for ``browse``)."""
    import sqlite3

    import sqlite_utils

    from chainlink.outputs.export import COLUMNS as EXPORT_COLUMNS
    from chainlink.outputs.export import export_rows

    rows = export_rows(model, None, 10)
    holdings = []
    for code, county in sorted(model.counties.items()):
        for key, h in sorted(model.county_holdings(code).items()):
            node = model.graph.nodes[key]
            chain = model.chains[node["chain_id"]]
            holdings.append({
                "county_code": code, "county_zh": county["name_zh"], "county_en": county["name_en"],
                "chain_id": node["chain_id"], "chain_zh": chain["name_zh"], "segment_key": key,
                "segment_zh": node["name_zh"], "strength": h.strength, "industry_zh": h.industry_zh,
                "confidence": h.confidence, "source": h.source,
            })
    conn = sqlite3.connect(path)
    db = sqlite_utils.Database(conn)
    with conn:
        db["suggestions"].insert_all(({c: _flat(r.get(c)) for c in EXPORT_COLUMNS} for r in rows),
                                     pk=("county_code", "rank"))
        if holdings:
            db["holdings"].insert_all(holdings, pk=("county_code", "segment_key"))
        db["suggestions"].create_index(["county_code"])
    conn.close()
    return path
