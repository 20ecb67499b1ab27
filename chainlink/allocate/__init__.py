"""Assignment of overflow projects to mountain-county destinations under capacities, solved as a MILP.

The model is written out in ``docs/allocation.md``. In short: one binary variable per eligible
(project, destination) cell, maximise the total match score, each project at most once, land and
energy caps per destination, enclaves (飞地) of partner zones as alternative landing places for a
county (optionally only once its own platform lacks land), and optional fairness floors per county. SciPy's HiGHS
(:func:`scipy.optimize.milp`) solves it; :func:`greedy` is the baseline the benchmark compares with.
"""

from __future__ import annotations

from chainlink.allocate.baseline import greedy
from chainlink.allocate.problem import (
    ENCLAVE_DELTA_MU,  # noqa: F401  (public, outside __all__ as before)
    TARGET_26_COUNTIES_2025,
    TARGET_LISHUI_2026,
    AllocationProblem,
    AllocationResult,
    CountyUse,
    DestinationUse,
    FairnessWarning,
    IntensityTarget,
    Placement,
    UnassignedProject,
)
from chainlink.allocate.solver import solve

__all__ = [
    "AllocationProblem",
    "AllocationResult",
    "CountyUse",
    "DestinationUse",
    "FairnessWarning",
    "IntensityTarget",
    "Placement",
    "TARGET_26_COUNTIES_2025",
    "TARGET_LISHUI_2026",
    "UnassignedProject",
    "greedy",
    "solve",
]
