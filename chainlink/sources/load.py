"""Every source under a checkout read, validated and normalised at once (:func:`load_sources`)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from chainlink.errors import DataError, SourceError
from chainlink.sources.chains import _load_chains, _load_edge_evidence_ckg
from chainlink.sources.collect import SourceErrors, SourceSet, _Collector
from chainlink.sources.projects import _load_gaps, _load_projects, _load_source_list
from chainlink.sources.tables import (
    _load_characteristic,
    _load_counties,
    _load_holdings,
    _load_io,
    _load_pairings,
    _load_partner_industries,
    _load_partners,
    load_crosswalk,
    load_industries,
)


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
        from chainlink.sources.evidence_sources import load_county_ecology, load_pollution_industries

        evidence = {
            "pollution_industries": load_pollution_industries(root, col, codes),
            "county_ecology": load_county_ecology(root, col, county_codes),
        }
        source_list = _load_source_list(root, col, {"chains": chains, "edges": edges})
        from chainlink.sources.listed import real_enterprise_tables

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
