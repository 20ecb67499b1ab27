"""Economic geography metrics: RCA, presence, relatedness, density, complexity, opportunities.

Pure functions over location × product matrices (NumPy arrays or SciPy sparse matrices), plus one
front end for long tables, :func:`compute_long`. See docs/metrics.md for formulas, references,
edge-case rules and the correspondence with py-ecomplexity.

>>> from chainlink.metrics import rca, binarize, proximity, density, complexity
>>> values = [[10, 0, 5, 1], [0, 8, 2, 3], [4, 4, 4, 0], [1, 1, 1, 9]]
>>> m = binarize(rca(values))
>>> m.tolist()
[[1, 0, 1, 0], [0, 1, 0, 0], [1, 1, 1, 0], [0, 0, 0, 1]]
>>> density(m, proximity(m)).shape
(4, 4)
"""

from chainlink.metrics import _scipy  # noqa: F401  # first: imports scipy.sparse without numpy.testing/f2py
from chainlink.metrics._aggregate import AggregateReport, aggregate_long, aggregate_sql
from chainlink.metrics._checks import DroppedWarning, MetricsWarning
from chainlink.metrics._complexity import COMPLEXITY_METHODS, cog, coi, coi_cog, complexity
from chainlink.metrics._long import compute_long, compute_periods, relatedness_long
from chainlink.metrics._presence import (
    PRESENCE_TESTS,
    TIE_RTOL,
    binarize,
    diversity,
    drop_empty,
    presence,
    rca,
    rpop,
    ubiquity,
)
from chainlink.metrics._read import LongInput, long_input, read_long_csv, read_long_file, read_long_parquet
from chainlink.metrics._relatedness import (
    RELATEDNESS_METHODS,
    check_connected,
    cooccurrence,
    density,
    normalize_cooccurrence,
    proximity,
    relatedness,
)
from chainlink.metrics._strategy import (
    QUADRANTS,
    Opportunities,
    Strategy,
    entries_exits,
    opportunities,
    quadrants,
    strategies,
)
from chainlink.metrics._tables import MetricsTable, PairTable, YearMetrics

__all__ = [
    "AggregateReport",
    "aggregate_long",
    "aggregate_sql",
    "COMPLEXITY_METHODS",
    "PRESENCE_TESTS",
    "QUADRANTS",
    "RELATEDNESS_METHODS",
    "TIE_RTOL",
    "DroppedWarning",
    "LongInput",
    "MetricsTable",
    "MetricsWarning",
    "Opportunities",
    "PairTable",
    "Strategy",
    "YearMetrics",
    "binarize",
    "check_connected",
    "coi",
    "coi_cog",
    "cog",
    "complexity",
    "compute_long",
    "compute_periods",
    "cooccurrence",
    "density",
    "diversity",
    "drop_empty",
    "entries_exits",
    "long_input",
    "normalize_cooccurrence",
    "opportunities",
    "presence",
    "proximity",
    "quadrants",
    "rca",
    "read_long_csv",
    "read_long_file",
    "read_long_parquet",
    "relatedness",
    "relatedness_long",
    "rpop",
    "strategies",
    "ubiquity",
]
