"""Chain coverage: which facts no chain segment carries, and which segments nobody holds.

A GB/T code *sits on a chain* when :func:`chainlink.base.industries.code_match` of it against some segment's
code reaches the hold threshold (0.6, as in scoring); :func:`coverage_report` lists

- characteristic industries none of whose codes sits on a chain (scoring can never use them; must be empty),
  and the single codes of partly covered industries;
- sourced projects (data/projects.csv) whose industry sits on no chain, and those placed only below 0.8
  (``match --project`` and the open-project look-up place a code at ≥ 0.8);
- segments that no county holds on evidence (:func:`chainlink.scoring.model.evidence_holdings`: a reviewed
  characteristic-industry mapping or a located real firm) and no zone's profile industry (a source names it
  for the zone) matches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chainlink.base.industries import HOLD_THRESHOLD, SEGMENT_THRESHOLD, best_match, split_codes

COLUMNS = ["kind", "id", "name_zh", "codes", "best", "detail", "confidence"]


@dataclass
class CoverageReport:
    """The findings of :func:`coverage_report`, each a list of rows with :data:`COLUMNS`."""

    threshold: float
    industries_off_chain: list[dict[str, Any]] = field(default_factory=list)
    codes_off_chain: list[dict[str, Any]] = field(default_factory=list)
    projects_off_chain: list[dict[str, Any]] = field(default_factory=list)
    projects_weak: list[dict[str, Any]] = field(default_factory=list)
    segments_unheld: list[dict[str, Any]] = field(default_factory=list)

    def rows(self) -> list[dict[str, Any]]:
        """All findings in report order."""
        return (
            self.industries_off_chain
            + self.codes_off_chain
            + self.projects_off_chain
            + self.projects_weak
            + self.segments_unheld
        )


def _best_on_chains(codes: list[str], segments: list[dict[str, Any]]) -> tuple[float, str]:
    """The strongest match of ``codes`` (as held codes) over all segments, and that segment's key."""
    best = (0.0, "")
    for seg in segments:
        strength = best_match(codes, split_codes(seg["gbt_codes"]))[0]
        if strength > best[0]:
            best = (strength, seg["key"])
    return best


def coverage_report(registry: Any, threshold: float = HOLD_THRESHOLD) -> CoverageReport:
    """Check the registry's facts against its chains (see the module docstring)."""
    segments = registry.segments
    report = CoverageReport(threshold)
    for fact in registry.characteristic_industries:
        codes = split_codes(fact["gbt_codes"])
        per_code = {c: _best_on_chains([c], segments) for c in codes}
        covered = [c for c, (s, _) in per_code.items() if s >= threshold]
        where = fact["county_code"]
        if not covered:
            report.industries_off_chain.append(
                {
                    "kind": "characteristic_industry",
                    "id": fact["id"],
                    "name_zh": fact["industry_zh"],
                    "codes": fact["gbt_codes"],
                    "best": max((s for s, _ in per_code.values()), default=0.0),
                    "detail": f"{where}: no code on a chain",
                    "confidence": fact["confidence"],
                }
            )
            continue
        for code, (strength, _) in per_code.items():
            if strength < threshold:
                report.codes_off_chain.append(
                    {
                        "kind": "characteristic_code",
                        "id": fact["id"],
                        "name_zh": fact["industry_zh"],
                        "codes": code,
                        "best": strength,
                        "detail": f"{where}: {code} on no chain (other codes are)",
                        "confidence": fact["confidence"],
                    }
                )
    keys = {s["key"] for s in segments}
    for project in registry.projects:
        if project["confidence"] == "sample":
            continue  # generated on a segment by construction
        if project["segment_key"]:
            strength, key = (1.0, project["segment_key"]) if project["segment_key"] in keys else (0.0, "")
        else:
            strength, key = _best_on_chains(split_codes(project["gbt_codes"]), segments)
        row = {
            "kind": "project",
            "id": project["id"],
            "name_zh": project["name_zh"],
            "codes": project["gbt_codes"] or project["segment_key"],
            "best": strength,
            "confidence": project["confidence"],
        }
        if strength < threshold:
            report.projects_off_chain.append({**row, "detail": "industry on no chain"})
        elif strength < SEGMENT_THRESHOLD:
            report.projects_weak.append(
                {
                    **row,
                    "kind": "project_weak",
                    "detail": f"broad match {strength:.1f} only, e.g. {key}",
                }
            )
    from chainlink.scoring.model import evidence_holdings

    county_held = {key for held in evidence_holdings(registry).values() for key in held}
    for seg in segments:
        seg_codes = split_codes(seg["gbt_codes"])
        held = seg["key"] in county_held or any(
            best_match(split_codes(f["gbt_codes"]), seg_codes)[0] >= threshold for f in registry.partner_industries
        )
        if not held:
            report.segments_unheld.append(
                {
                    "kind": "segment",
                    "id": seg["key"],
                    "name_zh": seg["name_zh"],
                    "codes": seg["gbt_codes"],
                    "best": None,
                    "detail": f"{seg['stage']}; no holder",
                    "confidence": "",
                }
            )
    return report
