"""The library in six calls, for notebooks and scripts: each returns plain Python data (lists of dicts).

``import chainlink`` exposes them lazily (``chainlink.match`` imports this module on first use), so the
package stays cheap to import. Every call opens the registry named by ``db`` (``None``: ``$CHAINLINK_DB``
or the shipped one, as on the command line) unless it is given an open :class:`chainlink.store.registry.Registry`.
The rows are the ones the matching command writes with ``--format json``; docs/library.md has examples.
Notes a command would print on stderr (missing data, an undefined measure) are issued as
:class:`~chainlink.errors.ChainlinkWarning`.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

from chainlink.errors import ChainlinkWarning

__all__ = ["allocation", "evaluation", "export_rows", "gaps", "match", "opportunities"]

Db = str | os.PathLike[str] | Any


def _registry(db: Db) -> Any:
    from chainlink.store.registry import Registry

    if db is None or isinstance(db, str | os.PathLike):
        return Registry.open(db)
    return db  # an open Registry


def _model(db: Db, preset: str = "default", include_sample: bool = True) -> Any:
    from chainlink.scoring.model import Model
    from chainlink.scoring.presets import load_preset

    return Model(_registry(db), load_preset(preset), include_sample=include_sample)


def _resolve(model: Any, text: str | None, kind: str) -> str | None:
    from chainlink.store.resolve import Resolver

    return Resolver.from_registry(model.registry).resolve(text, (kind,)).id if text else None


def _columns(row: dict[str, Any]) -> dict[str, Any]:
    """A suggestion row with exactly the exported columns (no display-only fields), in their order."""
    from chainlink.outputs.export import COLUMNS

    return {c: row.get(c) for c in COLUMNS}


def _warn(notes: list[str]) -> None:
    for note in notes:
        warnings.warn(note, ChainlinkWarning, stacklevel=3)


def match(
    county: str | None = None,
    *,
    project: str | os.PathLike[str] | dict[str, Any] | None = None,
    top: int = 10,
    partner: str | None = None,
    chain: str | None = None,
    by_partner: bool = False,
    allow_polluting: bool = False,
    min_confidence: str = "sample",
    any_pair: bool = False,
    preset: str = "default",
    include_sample: bool = True,
    db: Db = None,
) -> list[dict[str, Any]]:
    """Ranked suggestions for a county (``chainlink match COUNTY``), or destinations for a project.

    ``county`` is a code, 汉字, pinyin or English name; ``project`` a project file (YAML, JSON, CSV) or a
    mapping with its fields (:data:`chainlink.scoring.projects.FIELDS`) instead. Rows have the columns of
    :data:`chainlink.outputs.export.COLUMNS`, best first. Missing data is warned about (:class:`ChainlinkWarning`).
    """
    from chainlink.errors import UsageError
    from chainlink.outputs.export import suggestion_row

    if (county is None) == (project is None):
        raise UsageError("give a county or a project (one of them)")
    model = _model(db, preset, include_sample)
    partner_id, chain_id = _resolve(model, partner, "partner"), _resolve(model, chain, "chain")
    if project is not None:
        from chainlink.scoring.projects import load_project, rank_destinations, validate_project
        from chainlink.scoring.records import Project
        from chainlink.store.resolve import Resolver

        proj = Project.from_fields(validate_project(dict(project))) if isinstance(project, dict) else load_project(project)
        answer = rank_destinations(
            model, proj, Resolver.from_registry(model.registry), top=top, chain=chain_id, any_pair=any_pair,
            allow_polluting=allow_polluting, min_confidence=min_confidence,
        )  # fmt: skip
    else:
        from chainlink.scoring.suggest import suggest_for_county

        answer = suggest_for_county(
            model, _resolve(model, county, "county"), top=top, partner=partner_id, chain=chain_id,
            allow_polluting=allow_polluting, min_confidence=min_confidence, by_partner=by_partner,
        )  # fmt: skip
    _warn([f"missing data: {gap}" for gap in answer.missing])
    return [_columns(suggestion_row(s)) for s in answer.suggestions]


def export_rows(
    counties: list[str] | None = None,
    *,
    top: int = 10,
    allow_polluting: bool = False,
    min_confidence: str = "sample",
    preset: str = "default",
    include_sample: bool = True,
    db: Db = None,
) -> list[dict[str, Any]]:
    """Suggestion rows for the given counties (names or codes; default all 26) as ``chainlink export`` writes
    them: :data:`chainlink.outputs.export.COLUMNS`, sorted by county code then rank."""
    from chainlink.outputs.export import export_rows as rows

    model = _model(db, preset, include_sample)
    codes = [_resolve(model, c, "county") for c in counties] if counties else None
    return [_columns(r) for r in rows(model, codes, top, allow_polluting=allow_polluting, min_confidence=min_confidence)]


def gaps(county: str, *, chain: str | None = None, db: Db = None) -> list[dict[str, Any]]:
    """The county's chain gaps (``chainlink gaps``): 补链 fill, 延链 extend, 强链 strengthen, with
    :data:`chainlink.scoring.geography.GAP_COLUMNS`."""
    from chainlink.scoring.geography import gap_rows

    model = _model(db)
    return gap_rows(model, _resolve(model, county, "county"), chain=_resolve(model, chain, "chain"))


def opportunities(
    county: str,
    *,
    strategy: str = "balanced",
    top: int = 10,
    relatedness: str = "io",
    include_sample: bool = True,
    db: Db = None,
) -> list[dict[str, Any]]:
    """Industries (IO sectors) the county does not hold, ranked (``chainlink opportunities``), with
    :data:`chainlink.scoring.geography.OPPORTUNITY_COLUMNS`. When complexity is undefined on the registry's matrix the
    ranking is by density alone and a :class:`ChainlinkWarning` says so."""
    from chainlink.scoring.geography import opportunity_rows

    model = _model(db, include_sample=include_sample)
    rows, notes = opportunity_rows(
        model, _resolve(model, county, "county"), strategy=strategy, top=top, relatedness=relatedness
    )
    _warn(notes)
    return rows


def allocation(
    scenario: str | os.PathLike[str] | None = None,
    *,
    projects: str | os.PathLike[str] | None = None,
    time_limit: float | None = None,
    include_sample: bool = True,
    db: Db = None,
) -> list[dict[str, Any]]:
    """Allocate projects to mountain-county destinations (``chainlink allocate``): one row per project, assigned
    or not, with :data:`chainlink.plan.ALLOCATION_COLUMNS`. ``scenario`` is a scenario file
    (docs/allocation.md); ``projects`` a project list file instead of the registry's open projects.
    (Named ``allocation`` because :mod:`chainlink.allocate` is the solver's package.)"""
    from chainlink.plan import Options, allocation_rows, build_plan, run_plan
    from chainlink.sources.scenario import read_scenario

    options = Options(include_sample=include_sample, time_limit=time_limit)
    sc = read_scenario(scenario) if scenario is not None else None
    plan = build_plan(_registry(db), options, scenario=sc, projects_file=Path(projects) if projects else None)
    record, _result = run_plan(plan)
    return allocation_rows(record)


def evaluation(
    *, summary: bool = False, cases: list[str] | None = None, preset: str = "default",
    include_sample: bool = True, db: Db = None,
) -> list[dict[str, Any]]:  # fmt: skip
    """The leave-one-out backtest (``chainlink evaluate``): one row per case (:data:`chainlink.scoring.evaluate.COLUMNS`),
    or with ``summary`` hit@k and MRR per direction (:data:`chainlink.scoring.evaluate.SUMMARY_COLUMNS`).
    (Named ``evaluation`` because :mod:`chainlink.scoring.evaluate` is the module.)"""
    from chainlink.scoring.evaluate import evaluate, summarise
    from chainlink.scoring.presets import load_preset

    results = evaluate(_registry(db), load_preset(preset), include_sample=include_sample, only=cases or None)
    return summarise(results) if summary else [r.row() for r in results]
