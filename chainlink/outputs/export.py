"""Suggestions as rows with stable, documented columns (for match, export and their --check)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from chainlink.base.vocabulary import RELATION_ZH, landing_label
from chainlink.scoring.explain import firm_text
from chainlink.scoring.model import Model
from chainlink.scoring.records import Suggestion
from chainlink.scoring.suggest import suggest_for_county

COMPONENTS = ("chain_fit", "link", "gap", "pairing", "partner_fit", "io", "density", "policy", "evidence")

# The export columns, in order. Documented in docs/export.md; changing them is a breaking change.
COLUMNS = (
    "county_code",
    "county_zh",
    "county_en",
    "rank",
    "score",
    "relation",
    "relation_zh",
    "chain_id",
    "chain_zh",
    "segment_key",
    "segment_zh",
    "segment_en",
    "segment_gbt",
    "stage",
    "partner_id",
    "partner_zh",
    "partner_en",
    "pairing_id",
    "pairing_kind",
    "other_partners",
    "via_industry_zh",
    "via_code",
    "hops",
    "path",
    *COMPONENTS,
    "confidence",
    "sample",
    "project_id",
    "project_name",
    "explanation_zh",
    "explanation_en",
    "sources",
    # since 0.1.0 (issues 11, 12): evidence, landing, partner fit and the firms behind the row
    "evidence_fact",
    "evidence_basis",
    "landing",
    "landing_zh",
    "landing_score",
    "partner_fit_reason",
    "partner_fit_reason_zh",
    "partner_evidence",
    "county_firms",
    "partner_firms",
    "polluting",
    "ecology_rule",
    "fact_confidence",
)


def suggestion_row(s: Suggestion) -> dict[str, Any]:
    """One suggestion as a flat row with :data:`COLUMNS` (codes as text, floats rounded to 4 places)."""
    row: dict[str, Any] = {
        "county_code": s.county_code,
        "county_zh": s.county_zh,
        "county_en": s.county_en,
        "rank": s.rank,
        "score": round(s.score, 4),
        "relation": s.relation,
        "relation_zh": RELATION_ZH[s.relation],
        "chain_id": s.chain_id,
        "chain_zh": s.chain_zh,
        "segment_key": s.segment_key,
        "segment_zh": s.segment_zh,
        "segment_en": s.segment_en,
        "segment_gbt": s.segment_gbt,
        "stage": s.stage,
        "partner_id": s.partner_id,
        "partner_zh": s.partner_zh,
        "partner_en": s.partner_en,
        "pairing_id": s.pairing_id,
        "pairing_kind": s.pairing_kind,
        "other_partners": ";".join(s.other_partners),
        "via_industry_zh": s.via_industry_zh,
        "via_code": s.via_code,
        "hops": s.hops,
        "path": " > ".join(s.path),
        "confidence": s.confidence,
        "sample": s.sample or s.confidence == "sample",
        "project_id": s.project_id,
        "project_name": s.project_name,
        "explanation_zh": s.explanation("zh"),
        "explanation_en": s.explanation("en"),
        "sources": " | ".join(dict.fromkeys(s.sources)),
    }
    for key in COMPONENTS:
        row[key] = round(s.components.get(key, 0.0), 4)
    h = s.holding
    row["evidence_fact"] = (
        f"{h.fact_id}: {h.cite_en()}" + (f"; mapping: {h.derivation}" if h.derivation else "")
        if h is not None
        else ""
    )
    row["evidence_basis"] = h.basis if h is not None else ("partner" if s.partner_fit_reason_en else "io")
    row["landing"] = landing_label(s.landing, s.enclave_name, s.enclave_host, "en")
    row["landing_zh"] = landing_label(s.landing, s.enclave_name, s.enclave_host, "zh")
    row["landing_score"] = round(s.components.get("landing", 0.0), 4)
    row["partner_fit_reason"] = s.partner_fit_reason_en
    row["partner_fit_reason_zh"] = s.partner_fit_reason_zh
    row["partner_evidence"] = s.partner_evidence
    row["county_firms"] = firm_text(s.county_firms, "en", limit=10)
    row["partner_firms"] = firm_text(s.partner_firms, "en", limit=10)
    row["polluting"] = s.polluting
    row["ecology_rule"] = s.ecology_rule_en
    row["fact_confidence"] = s.fact_confidence
    # display-only (tables): short partner names
    row["partner_short_zh"] = s.partner_short_zh
    row["partner_short_en"] = s.partner_short_en
    return row


def export_rows(
    model: Model,
    county_codes: Iterable[str] | None = None,
    top: int = 10,
    *,
    allow_polluting: bool = False,
    min_confidence: str = "sample",
) -> list[dict[str, Any]]:
    """Suggestion rows for the given counties (default all 26), sorted by county code then rank."""
    codes: Sequence[str] = sorted(county_codes) if county_codes else sorted(model.counties)
    rows = []
    for code in codes:
        answer = suggest_for_county(
            model, code, top=top, allow_polluting=allow_polluting, min_confidence=min_confidence
        )
        rows.extend(suggestion_row(s) for s in answer.suggestions)
    return rows
