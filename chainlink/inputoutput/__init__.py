"""China's national input–output tables: reading, Leontief/Ghosh models, linkages and sector look-ups.

The tables are the NBS competitive-import tables (imports appear as a column of final use, so the
intermediate flows ``Z`` include imported inputs). Array functions take and return NumPy arrays and
know nothing about sectors; :class:`IOTable` holds one year's table with its sector codes and names,
and the table-level functions (``upstream``, ``downstream``, ``io_edge_weight``, ...) work on it.

References
----------
Miller, R. E. & Blair, P. D. (2009). *Input–Output Analysis: Foundations and Extensions*, 2nd ed.
Cambridge University Press.
Rasmussen, P. N. (1956). *Studies in Inter-Sectoral Relations*. Copenhagen: Einar Harks.
Ghosh, A. (1958). Input–output approach in an allocation system. *Economica* 25(97), 58–64.
"""

from __future__ import annotations

from chainlink.base.sectors import SectorMapping, mapping_path, read_sector_gbt, sector_of_gbt
from chainlink.inputoutput.lookup import (
    resolve_sector,
)
from chainlink.inputoutput.models import (
    direct_requirements,
    ghosh_allocation,
    ghosh_inverse,
    leontief_inverse,
    rasmussen_linkages,
)
from chainlink.inputoutput.relatedness import (
    industry_io_relatedness,
    io_edge_weight,
    io_relatedness,
    relatedness_matrix,
)
from chainlink.inputoutput.tables import (
    DATA_DIR,
    FINAL_DEMAND_CODES,
    IMPORTS_CODE,
    IO_SCHEMA_SQL,
    VALUE_ADDED_CODES,
    IOTable,
    available_tables,
    imbalance,
    iotable_from_db,
    iotable_rows,
    mapping_rows,
    read_nbs_csv,
)
from chainlink.inputoutput.views import (
    SectorLink,
    SectorLinkage,
    downstream,
    linkages,
    upstream,
)

__all__ = [
    "DATA_DIR",
    "FINAL_DEMAND_CODES",
    "IMPORTS_CODE",
    "IOTable",
    "IO_SCHEMA_SQL",
    "SectorLink",
    "SectorLinkage",
    "SectorMapping",
    "VALUE_ADDED_CODES",
    "available_tables",
    "direct_requirements",
    "downstream",
    "ghosh_allocation",
    "ghosh_inverse",
    "imbalance",
    "industry_io_relatedness",
    "io_edge_weight",
    "io_relatedness",
    "iotable_from_db",
    "iotable_rows",
    "leontief_inverse",
    "linkages",
    "mapping_path",
    "mapping_rows",
    "rasmussen_linkages",
    "read_nbs_csv",
    "read_sector_gbt",
    "relatedness_matrix",
    "resolve_sector",
    "sector_of_gbt",
    "upstream",
]
