"""Read and validate the human-edited sources: ``data/*.csv`` and ``chains/*.yaml``.

:func:`load_sources` returns every registry table as plain rows, or raises
:class:`SourceErrors` listing each problem as ``file:line: message``. Nothing here writes.
"""

from __future__ import annotations

from chainlink.sources.chains import (
    CHAIN_KEYS,
    CKG_COLUMNS,
    CKG_RELATIONS,
    EDGE_KEYS,
    SEGMENT_KEYS,
    load_chains,
)
from chainlink.sources.collect import (
    ADMIN_CODE,
    CONFIDENCE,
    ENCLAVE_KINDS,
    GBT_CODE,
    PAIRING_KINDS,
    PARTNER_KINDS,
    QUOTE_MAX,
    SLUG,
    STAGES,
    SourceErrors,
    SourceSet,
    read_csv_rows,
)
from chainlink.sources.load import (
    load_sources,
)
from chainlink.sources.projects import (
    CITING_FILES,
    GAP_TOPICS,
    POLLUTION_CLASSES,
    PROJECT_COLUMNS,
    PROJECT_ID,
    PROJECT_KINDS,
    PROJECT_LANDINGS,
    PROJECT_NUMBERS,
    PROJECT_STATUSES,
    SOURCE_DATE,
    SOURCE_KINDS,
    URL,
    source_matches,
)
from chainlink.sources.tables import (
    industry_pinyin,
    load_crosswalk,
    load_industries,
)

__all__ = [
    "ADMIN_CODE",
    "CHAIN_KEYS",
    "CITING_FILES",
    "CKG_COLUMNS",
    "CKG_RELATIONS",
    "CONFIDENCE",
    "EDGE_KEYS",
    "ENCLAVE_KINDS",
    "GAP_TOPICS",
    "GBT_CODE",
    "PAIRING_KINDS",
    "PARTNER_KINDS",
    "POLLUTION_CLASSES",
    "PROJECT_COLUMNS",
    "PROJECT_ID",
    "PROJECT_KINDS",
    "PROJECT_LANDINGS",
    "PROJECT_NUMBERS",
    "PROJECT_STATUSES",
    "QUOTE_MAX",
    "SEGMENT_KEYS",
    "SLUG",
    "SOURCE_DATE",
    "SOURCE_KINDS",
    "STAGES",
    "SourceErrors",
    "SourceSet",
    "URL",
    "industry_pinyin",
    "load_chains",
    "load_crosswalk",
    "load_industries",
    "load_sources",
    "read_csv_rows",
    "source_matches",
]
