"""Benchmark of chainlink.allocate: the MILP against the greedy baseline on synthetic scenarios.

Run ``python bench/bench_allocate.py`` (options: ``--sizes 200 1000``, ``--time-limit 10``,
``--family paired any-pair``). Columns: MILP wall time, status, objective and gap; the greedy
baseline's time and objective; greedy/MILP objective ratio; MILP time over greedy time.
Every figure is measured in the same run, with fixed seeds. The scenarios are synthetic: 26 counties
(stand-ins for the 山区26县, not their real quotas), about 55 partner zones paired with them as in the
real pairing list (mostly one county per zone), 8 enclaves, lognormal project sizes, three pollution
classes, scores from a sector-fit table plus noise, and land quotas for about 55% of the land asked.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chainlink.allocate import AllocationProblem, greedy, solve  # noqa: E402

COUNTIES = 26
SHARED_ZONES = 3
ENCLAVES = 8
SECTORS = 12
LAND_RATIO = 0.55  # platform land quota / land demand of the projects paired with it
ENCLAVE_RATIO = 0.2


def scenario(n_projects: int, seed: int = 20250601) -> AllocationProblem:
    """A reproducible scenario: projects overflow from partner zones to the counties paired with them."""
    rng = np.random.default_rng(seed)
    # Like the real 山海协作 pairings: each county has one to three partner zones of its own, and a
    # few partner zones (Ningbo ETDZ, for one) serve two counties.
    own = rng.integers(1, 4, COUNTIES)
    pairs = np.zeros((int(own.sum()) + SHARED_ZONES, COUNTIES), dtype=bool)
    pairs[np.arange(own.sum()), np.repeat(np.arange(COUNTIES), own)] = True
    for z in range(SHARED_ZONES):
        pairs[own.sum() + z, rng.choice(COUNTIES, size=2, replace=False)] = True
    zones = len(pairs)
    enclave_county = rng.choice(COUNTIES, size=ENCLAVES, replace=False)
    dest_county = np.concatenate([np.arange(COUNTIES), enclave_county])
    kind = ["platform"] * COUNTIES + ["enclave"] * ENCLAVES
    D = len(dest_county)

    origin = rng.integers(0, zones, n_projects)
    sector = rng.integers(0, SECTORS, n_projects)
    land = np.clip(np.round(rng.lognormal(np.log(40), 0.8, n_projects)), 5, 600)
    energy = np.round(land * rng.lognormal(np.log(25), 0.6, n_projects))
    pollution = rng.choice([1, 2, 3], size=n_projects, p=[0.6, 0.3, 0.1])
    added_value = np.round(land * rng.lognormal(np.log(140), 0.3, n_projects), 1)

    fit = rng.random((COUNTIES, SECTORS)) ** 2  # a few strong characteristic industries per county
    quality = rng.uniform(0.3, 1.0, n_projects)
    county_score = (
        0.55 * fit[:, sector].T + 0.3 * quality[:, None] + 0.15 * rng.random((n_projects, COUNTIES))
    )
    score = county_score[:, dest_county]
    score[:, COUNTIES:] += 0.1 * rng.random((n_projects, ENCLAVES)) - 0.1  # another site, further away
    paired = pairs[origin][:, dest_county]
    score = np.where(paired, score, score - 0.2)  # without the pairing component

    share = np.where(paired, land[:, None] / np.maximum(paired.sum(axis=1), 1)[:, None], 0.0).sum(axis=0)
    land_cap = np.round(np.where(np.array(kind) == "platform", LAND_RATIO, ENCLAVE_RATIO) * share)
    energy_cap = np.round(land_cap * 30 * rng.uniform(0.9, 1.8, D))  # binds in the frugal counties
    max_class = np.where(np.array(kind) == "enclave", 3, rng.choice([1, 2, 2, 2], size=D))
    return AllocationProblem(
        project_ids=[f"P{i:05d}" for i in range(n_projects)],
        destination_ids=[f"{'C' if k == 'platform' else 'E'}{d:02d}" for d, k in enumerate(kind)],
        destination_county=[f"county-{c:02d}" for c in dest_county],
        destination_kind=kind,
        score=score,
        land_mu=land,
        energy=energy,
        pollution_class=pollution,
        land_cap=land_cap,
        energy_cap=energy_cap,
        max_pollution_class=max_class,
        eligible=paired,
        ineligible_reason=np.where(paired, "", "not_paired"),
        added_value=added_value,
    )


FAMILIES = {
    "paired": {},  # the default: each project may go to the counties its zone is paired with
    "paired+overflow": {"enclave_rule": "overflow"},  # enclaves only once the home platform lacks land
    "any-pair": {"any_pair": True},  # every county open to every project: one big part, the stress case
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000, 5000])
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds per solve; 0: none")
    parser.add_argument("--family", choices=list(FAMILIES), nargs="+", default=list(FAMILIES))
    args = parser.parse_args(argv)
    print(
        f"{'family':<16} {'projects':>8} {'dest':>4} {'cells':>7} {'milp s':>7} {'status':>20} "
        f"{'objective':>10} {'gap':>8} {'greedy s':>8} {'greedy obj':>10} {'greedy/milp':>11} {'time x':>7}"
    )
    for family in args.family:
        for n in args.sizes:
            problem = dataclasses.replace(scenario(n), **FAMILIES[family])
            start = time.perf_counter()
            exact = solve(problem, time_limit=args.time_limit or None)
            milp_s = time.perf_counter() - start
            start = time.perf_counter()
            base = greedy(problem)
            greedy_s = time.perf_counter() - start
            cells = n * len(problem.destination_ids) if problem.any_pair else int(problem.eligible.sum())
            gap = f"{exact.gap:.1e}" if exact.gap is not None else "n/a"
            ratio = base.objective / exact.objective if exact.objective else float("nan")
            print(
                f"{family:<16} {n:>8} {len(problem.destination_ids):>4} {cells:>7} {milp_s:>7.2f} "
                f"{exact.status:>20} {exact.objective:>10.3f} {gap:>8} {greedy_s:>8.2f} "
                f"{base.objective:>10.3f} {ratio:>11.4f} {milp_s / greedy_s:>7.1f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
