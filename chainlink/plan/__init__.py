"""Allocation plans: the registry (or a project file) and a scenario made into an AllocationProblem, runs, diffs.

:func:`build_plan` assembles what :func:`chainlink.allocate.solve` needs — projects, destinations (each
mountain county's platform and the enclaves serving it), the match score of every (project, county) cell,
eligibility, capacities, restrictions, forced assignments, exclusions and fairness floors — and
:func:`run_plan` solves it and returns a self-describing **run record** (a JSON-ready dict: inputs,
parameters, registry version, results). :func:`diff_runs` compares two records; :func:`explain` takes one
(project, county) cell apart. The rules (sample capacities, the default ecological restriction, how
enclaves are found, the enclave discount) are documented in docs/allocation.md; nothing here renders text
for a terminal (that is :mod:`chainlink.cli.allocate`).
"""

from __future__ import annotations

from chainlink.plan.core import (
    Plan,
    build_plan,
)
from chainlink.plan.diff import (
    DIFF_COLUMNS,
    diff_runs,
)
from chainlink.plan.explain_cell import (
    SOURCE_ZH,
    explain,
    find_project,
)
from chainlink.plan.inputs import (
    DEFAULT_MAX_POLLUTION,
    DEFAULT_TIME_LIMIT,
    ENCLAVE_DISCOUNT,
    LISHUI_CITY,
    POLLUTION_CLASS,
    PROJECT_EXTRA_FIELDS,
    REASON_EN,
    REASON_ZH,
    RUN_FORMAT,
    SAMPLE_ENERGY_TCE,
    SAMPLE_LAND_MU,
    UNKNOWN_POLLUTION,
    Destination,
    Options,
    PlanProject,
    find_destinations,
    parse_share,
    prepare_projects,
    read_projects,
    registry_projects,
)
from chainlink.plan.runs import (
    ALLOCATION_COLUMNS,
    allocation_rows,
    dump_run,
    load_run,
    run_plan,
)

__all__ = [
    "ALLOCATION_COLUMNS",
    "allocation_rows",
    "DEFAULT_MAX_POLLUTION",
    "DEFAULT_TIME_LIMIT",
    "DIFF_COLUMNS",
    "Destination",
    "ENCLAVE_DISCOUNT",
    "LISHUI_CITY",
    "Options",
    "POLLUTION_CLASS",
    "PROJECT_EXTRA_FIELDS",
    "Plan",
    "PlanProject",
    "REASON_EN",
    "REASON_ZH",
    "RUN_FORMAT",
    "SAMPLE_ENERGY_TCE",
    "SAMPLE_LAND_MU",
    "SOURCE_ZH",
    "UNKNOWN_POLLUTION",
    "build_plan",
    "diff_runs",
    "dump_run",
    "explain",
    "find_destinations",
    "find_project",
    "load_run",
    "parse_share",
    "prepare_projects",
    "read_projects",
    "registry_projects",
    "run_plan",
]
