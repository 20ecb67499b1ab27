"""Economic geography on the registry: the location × industry matrix, density, opportunities, gaps.

Locations are the 26 counties and the partner districts/zones; products are the 153 sectors of the
NBS 2020 input–output table, to which every GB/T code maps (docs/io.md). Presence is *given* (a
source names the industry), not computed from values: the registry has no output figures by county.
Relatedness φ is, by default, the input–output relatedness R (docs/io.md) — with only ~80 locations
holding a handful of industries each, co-occurrence proximity is too sparse to trust; it stays
available as ``relatedness="proximity"``. See docs/metrics.md, "On the registry".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chainlink.base.industries import split_codes
from chainlink.errors import DataError

RELATEDNESS = ("io", "proximity")


@dataclass
class GeoMatrix:
    """Presence of IO sectors in locations, with the facts behind each cell."""

    locations: list[str]
    products: list[str]
    product_names: list[str]
    presence: Any  # ndarray (locations × products), 0/1
    facts: dict[tuple[str, str], list[str]]  # (location, sector) → fact ids


def _facts(model: Any) -> list[tuple[str, str, str, list[str], str]]:
    """(location id, kind, fact id, GB/T codes, confidence) for every presence fact in the registry."""
    reg = model.registry
    out = []
    for f in reg.characteristic_industries:
        if f["county_code"] in model.counties and f["gbt_codes"]:
            out.append((f["county_code"], "county", f["id"], split_codes(f["gbt_codes"]), f["confidence"]))
    for f in reg.partner_industries:
        out.append((f["partner_id"], "partner", f["id"], split_codes(f["gbt_codes"]), f["confidence"]))
    for e in model.presence_enterprises:  # real firms reach scoring through chainlink.scoring.firms
        where = e.get("county_code") or e.get("partner_id")
        if not where or (e["confidence"] == "sample" and not model.include_sample):
            continue
        kind = "county" if where in model.counties else "partner"
        out.append((where, kind, e["id"], split_codes(e["gbt_codes"]), e["confidence"]))
    return out


def location_matrix(model: Any) -> GeoMatrix:
    """The location × IO-sector presence matrix of ``model``'s registry (sample rows per ``include_sample``)."""
    import numpy as np

    facts = _facts(model)
    conn = model.registry.conn
    products = [r[0] for r in conn.execute("SELECT code FROM io_sectors WHERE year = 2020 ORDER BY code")]
    product_names = [
        r[0] for r in conn.execute("SELECT name_zh FROM io_sectors WHERE year = 2020 ORDER BY code")
    ]
    locations = sorted(model.counties) + sorted({loc for loc, kind, *_ in facts if kind == "partner"})
    row = {loc: i for i, loc in enumerate(locations)}
    col = {p: j for j, p in enumerate(products)}
    presence = np.zeros((len(locations), len(products)), dtype=np.int8)
    cells: dict[tuple[str, str], list[str]] = {}
    for loc, _kind, fact_id, codes, _conf in facts:
        for sector in model.sectors_of(codes):
            presence[row[loc], col[sector]] = 1
            cells.setdefault((loc, sector), []).append(fact_id)
    return GeoMatrix(locations, products, product_names, presence, cells)


def io_phi(model: Any, products: list[str]) -> Any:
    """The IO relatedness matrix R (products × products, R_ii = 1) from the registry."""
    import numpy as np

    index = {p: i for i, p in enumerate(products)}
    phi = np.eye(len(products))
    for (a, b), value in model._io[1].items():
        phi[index[a], index[b]] = value
    return phi


def phi_for(model: Any, geo: GeoMatrix, relatedness: str = "io") -> Any:
    """φ for density: ``io`` (default) or ``proximity`` (Hidalgo, from co-occurrence in ``geo``)."""
    if relatedness not in RELATEDNESS:
        raise DataError(f"unknown relatedness {relatedness!r}: use io or proximity")
    if relatedness == "io":
        return io_phi(model, geo.products)
    from chainlink.metrics import proximity

    return proximity(geo.presence)


def density_of(
    held: set[str],
    targets: list[str],
    related: dict[tuple[str, str], float],
    products: list[str],
    *,
    totals: dict[str, float] | None = None,
    rows: Any = None,
) -> float:
    """Relatedness density ρ = Σ_j M_j φ_ij / Σ_j φ_ij of the best of ``targets`` for a location holding ``held``.

    The same formula as :func:`chainlink.metrics.density` with φ = IO relatedness (φ_ii = 1), evaluated on
    the sparse registry table so that scoring needs no NumPy; tests/test_geography.py checks the two agree.
    ``totals`` (a dict the caller keeps for the same ``related`` and ``products``) memoises Σ_j φ_ij per sector;
    ``rows(i)``, when given, is the row of ``related`` for sector i (j → φ_ij), looked up once per target.
    """
    best = 0.0
    for i in targets:
        if totals is not None and i in totals:
            total = totals[i]
        else:
            total = 1.0 + sum(related.get((i, j), 0.0) for j in products if j != i)
            if totals is not None:
                totals[i] = total
        have = 0.0  # sum(...) written out: the same additions in the same order, without a generator per call
        if rows is not None:
            row = rows(i)
            for j in held:
                have += 1.0 if j == i else row.get(j, 0.0)
        else:
            for j in held:
                have += 1.0 if j == i else related.get((i, j), 0.0)
        best = max(best, have / total)
    return best


@dataclass
class Opportunity:
    """One industry (IO sector) a county does not hold, ranked under a strategy."""

    rank: int
    sector: str
    sector_zh: str
    score: float
    density: float
    pci: float | None
    cog: float | None
    segments: list[str]


def opportunities_for(
    model: Any, county_code: str, *, strategy: str = "balanced", top: int = 10, relatedness: str = "io"
) -> tuple[list[Opportunity], list[str]]:
    """Ranked opportunities (sectors not held) of a county, and notes on what could not be computed.

    Density always; PCI and COG from the eigenvector method on the location × sector matrix when it is
    defined on the registry's (small) matrix — otherwise the ranking says so and uses density alone.
    """
    import warnings

    import numpy as np

    from chainlink.metrics import DroppedWarning, cog, complexity, density, drop_empty, opportunities

    geo = location_matrix(model)
    phi = phi_for(model, geo, relatedness)
    rho = density(geo.presence, phi)
    notes: list[str] = []
    pci = np.zeros(len(geo.products))
    gain = np.zeros_like(rho, dtype=float)
    weights = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter(
                "ignore", DroppedWarning
            )  # sectors nobody holds: PCI undefined, filled below
            sub, _rows, cols = drop_empty(geo.presence)
        _eci, sub_pci = complexity(sub)
        pci[:] = np.nan
        pci[cols] = sub_pci
        fill = np.nanmin(sub_pci) if len(sub_pci) else 0.0
        pci = np.where(np.isnan(pci), fill, pci)
        gain = cog(geo.presence, phi, pci)
    except (DataError, ValueError, TypeError) as exc:
        notes.append(f"complexity not defined on this registry ({exc}); ranked by density only")
        weights = {"density": 1.0}
    i = geo.locations.index(county_code)
    result = opportunities(
        geo.presence[i : i + 1],
        rho[i : i + 1],
        pci,
        gain[i : i + 1],
        strategy=strategy,
        weights=weights,
        top=top,
    )
    segments = _segments_by_sector(model)
    out = []
    for k in range(len(result.product)):
        j = int(result.product[k])
        out.append(
            Opportunity(
                rank=int(result.rank[k]),
                sector=geo.products[j],
                sector_zh=geo.product_names[j],
                score=round(float(result.score[k]), 4),
                density=round(float(result.density[k]), 4),
                pci=None if weights else round(float(result.pci[k]), 4),
                cog=None if weights else round(float(result.cog[k]), 4),
                segments=segments.get(geo.products[j], []),
            )
        )
    return out, notes


def _segments_by_sector(model: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, node in model.graph.nodes(data=True):
        for sector in model.sectors_of(node["codes"]):
            out.setdefault(sector, []).append(key)
    return {k: sorted(v) for k, v in out.items()}


#: The columns of :func:`opportunity_rows` (``chainlink opportunities --format csv|json``).
OPPORTUNITY_COLUMNS = ["county_code", "rank", "sector", "sector_zh", "score", "density", "pci", "cog", "segments"]
#: The columns of :func:`gap_rows` (``chainlink gaps --format csv|json``).
GAP_COLUMNS = [
    "county_code", "relation", "relation_zh", "chain_id", "chain_zh", "segment_key", "segment_zh", "segment_en",
    "path", "path_zh", "via_industry_zh", "via_code", "reason", "confidence",
]  # fmt: skip


def opportunity_rows(
    model: Any, county_code: str, *, strategy: str = "balanced", top: int = 10, relatedness: str = "io"
) -> tuple[list[dict[str, Any]], list[str]]:
    """:func:`opportunities_for` as rows (:data:`OPPORTUNITY_COLUMNS`; ``segments`` ``;``-joined) and its notes.

    Raises :class:`~chainlink.errors.UsageError` for an unknown ``strategy`` or ``relatedness``.
    """
    from chainlink.errors import UsageError
    from chainlink.metrics import strategies

    if relatedness not in RELATEDNESS:
        raise UsageError(f"unknown --relatedness {relatedness!r}: use io or proximity")
    if strategy not in strategies():
        raise UsageError(f"unknown --strategy {strategy!r}: use one of {', '.join(strategies())}")
    found, notes = opportunities_for(model, county_code, strategy=strategy, top=top, relatedness=relatedness)
    rows = [
        {
            "county_code": county_code, "rank": o.rank, "sector": o.sector, "sector_zh": o.sector_zh,
            "score": o.score, "density": o.density, "pci": o.pci, "cog": o.cog, "segments": ";".join(o.segments),
        }  # fmt: skip
        for o in found
    ]
    return rows, notes


def gap_rows(model: Any, county_code: str, *, chain: str | None = None) -> list[dict[str, Any]]:
    """The county's chain gaps (:func:`chainlink.scoring.gaps.gaps_for`) as rows with :data:`GAP_COLUMNS`."""
    from chainlink.base.vocabulary import RELATION_ZH
    from chainlink.scoring.gaps import gaps_for

    return [
        {
            "county_code": county_code, "relation": g.relation, "relation_zh": RELATION_ZH[g.relation],
            "chain_id": g.chain_id, "chain_zh": g.chain_zh, "segment_key": g.segment_key,
            "segment_zh": g.segment_zh, "segment_en": g.segment_en, "path": " > ".join(g.path),
            "path_zh": g.path_zh, "via_industry_zh": g.via_industry_zh, "via_code": g.via_code,
            "reason": g.reason, "confidence": g.confidence,
        }  # fmt: skip
        for g in gaps_for(model, county_code, chain=chain)
    ]
