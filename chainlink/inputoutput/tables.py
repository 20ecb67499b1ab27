"""One year's input-output table (:class:`IOTable`): read from the NBS CSV, stored in and read back from the registry."""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from chainlink.base.sectors import SectorMapping
from chainlink.errors import DataError
from chainlink.inputoutput.models import (
    direct_requirements,
    ghosh_allocation,
    ghosh_inverse,
    leontief_inverse,
)

#: Final-use columns kept from the NBS layout (their subtotals THC, TC, GCF, TFU are derived).
FINAL_DEMAND_CODES: tuple[str, ...] = ("FU101", "FU102", "FU103", "FU201", "FU202", "EX")
#: Value-added rows kept from the NBS layout (TVA is their sum).
VALUE_ADDED_CODES: tuple[str, ...] = ("VA001", "VA002", "VA003", "VA004")
#: The imports column (entered as a positive number and subtracted: x = Zi + f − m).
IMPORTS_CODE = "IM"
#: Where the project keeps the tables and the sector ↔ GB/T 4754 mapping (a source checkout).
DATA_DIR = Path(__file__).resolve().parent.parent.parent / "data"
# Known labelling slips in the source's English names (the Chinese names are right).
_ENGLISH_FIXES: dict[int, dict[str, str]] = {
    2017: {"105": "Wholesale trade", "106": "Retail trade", "147": "Entertainment"},
    2018: {"151": "Entertainment"},
    2020: {"151": "Entertainment"},
}


@dataclass(frozen=True, eq=False)
class IOTable:
    """One year of the national input–output table, values in 10,000 CNY.

    Attributes
    ----------
    year : int
    codes, names_zh, names_en : tuple of str
        The ``n`` sector codes (text, zero-padded: ``"033"``) and names, in table order.
    Z : ndarray, shape (n, n)
        Intermediate flows; ``Z[i, j]`` is sector i's output used by sector j.
    x : ndarray, shape (n,)
        Gross output (the ``GO`` column).
    value_added : ndarray, shape (4, n)
        Rows ``VA001``–``VA004``: compensation of employees, net taxes on production,
        depreciation, operating surplus.
    final_demand : ndarray, shape (n, 6)
        Columns :data:`FINAL_DEMAND_CODES`: rural and urban household consumption, government
        consumption, gross fixed capital formation, change in inventories, exports.
    imports : ndarray, shape (n,)
        The ``IM`` column (positive numbers).
    """

    year: int
    codes: tuple[str, ...]
    names_zh: tuple[str, ...]
    names_en: tuple[str, ...]
    Z: np.ndarray
    x: np.ndarray
    value_added: np.ndarray
    final_demand: np.ndarray
    imports: np.ndarray
    #: Sector ↔ GB/T mapping and GB/T (code, folded name) pairs; read from the registry when the
    #: table comes from there, else from the CSV files in the checkout's data/ folder.
    mapping: tuple[SectorMapping, ...] | None = field(default=None, repr=False)
    gbt_names: tuple[tuple[str, str], ...] | None = field(default=None, repr=False)
    _index: dict[str, int] = field(init=False, repr=False)
    _derived: dict[str, np.ndarray] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.codes)
        shapes = {
            "Z": (self.Z.shape, (n, n)),
            "x": (self.x.shape, (n,)),
            "value_added": (self.value_added.shape, (len(VALUE_ADDED_CODES), n)),
            "final_demand": (self.final_demand.shape, (n, len(FINAL_DEMAND_CODES))),
            "imports": (self.imports.shape, (n,)),
        }
        for name, (got, want) in shapes.items():
            if got != want:
                raise DataError(f"input–output table {self.year}: {name} has shape {got}, expected {want}")
        object.__setattr__(self, "_index", {code: k for k, code in enumerate(self.codes)})

    @property
    def n(self) -> int:
        """Number of sectors."""
        return len(self.codes)

    def index(self, code: str) -> int:
        """Position of sector ``code`` (exact code), or :class:`DataError`."""
        try:
            return self._index[code]
        except KeyError:
            raise DataError(f"no sector {code!r} in the {self.year} input–output table") from None

    @cached_property
    def A(self) -> np.ndarray:
        """Direct requirements, see :func:`direct_requirements`."""
        return direct_requirements(self.Z, self.x)

    @cached_property
    def L(self) -> np.ndarray:
        """Leontief inverse, see :func:`leontief_inverse`."""
        return leontief_inverse(self.A)

    @cached_property
    def B(self) -> np.ndarray:
        """Ghosh allocation coefficients, see :func:`ghosh_allocation`."""
        return ghosh_allocation(self.Z, self.x)

    @cached_property
    def G(self) -> np.ndarray:
        """Ghosh inverse, see :func:`ghosh_inverse`."""
        return ghosh_inverse(self.B)


def read_nbs_csv(path: str | Path, year: int | None = None) -> IOTable:
    """Read one table in the NBS/ionet CSV layout.

    Parameters
    ----------
    path : str or Path
        A CSV with columns ``Code, Description, DescriptionInChinese``, the sector codes, then
        ``TIU, FU101, …, EX, TFU, IM, GO``; rows are the sectors, then ``TII``, ``VA001``–``VA004``,
        ``TVA``, ``TI``. UTF-8 (a BOM is accepted).
    year : int, optional
        The table's year; default: the first four-digit number in the file name.

    Returns
    -------
    IOTable

    Raises
    ------
    DataError
        If the file is missing, a column or row is missing, or a cell is not a number.
    """
    path = Path(path)
    if year is None:
        year = _year_from_name(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
    except OSError as exc:
        raise DataError(f"{path}: cannot read input–output table ({exc.strerror})") from None
    if not rows:
        raise DataError(f"{path}: empty file")
    header = rows[0]
    col = {name: k for k, name in enumerate(header)}
    missing = [
        c
        for c in ("Code", "Description", "DescriptionInChinese", "GO", IMPORTS_CODE, *FINAL_DEMAND_CODES)
        if c not in col
    ]
    if missing:
        raise DataError(f"{path}:1: missing column(s) {', '.join(missing)}")
    sector_rows = [(k + 1, r) for k, r in enumerate(rows[1:], start=1) if r and r[0].isdigit()]
    codes = tuple(r[0] for _, r in sector_rows)
    if not codes or any(c not in col for c in codes):
        raise DataError(f"{path}:1: the sector columns do not match the sector rows")
    by_code = {r[0]: (k + 1, r) for k, r in enumerate(rows[1:], start=1) if r}

    def number(line: int, row: list[str], name: str) -> float:
        text = row[col[name]].strip()
        if text == "":
            return 0.0
        try:
            return float(text)
        except ValueError:
            raise DataError(f"{path}:{line}: column {name}: {text!r} is not a number") from None

    Z = np.array([[number(line, r, c) for c in codes] for line, r in sector_rows])
    x = np.array([number(line, r, "GO") for line, r in sector_rows])
    final = np.array([[number(line, r, c) for c in FINAL_DEMAND_CODES] for line, r in sector_rows])
    imports = np.array([number(line, r, IMPORTS_CODE) for line, r in sector_rows])
    va_rows = []
    for va in VALUE_ADDED_CODES:
        if va not in by_code:
            raise DataError(f"{path}: missing row {va}")
        line, r = by_code[va]
        va_rows.append([number(line, r, c) for c in codes])
    fixes = _ENGLISH_FIXES.get(year, {})
    return IOTable(
        year=year,
        codes=codes,
        names_zh=tuple(r[col["DescriptionInChinese"]].strip() for _, r in sector_rows),
        names_en=tuple(fixes.get(r[0], r[col["Description"]].strip()) for _, r in sector_rows),
        Z=Z,
        x=x,
        value_added=np.array(va_rows),
        final_demand=final,
        imports=imports,
    )


def _year_from_name(path: Path) -> int:
    for part in path.stem.replace("-", "_").split("_"):
        if len(part) == 4 and part.isdigit():
            return int(part)
    raise DataError(f"{path}: cannot tell the table's year from the file name; pass year=")


def available_tables(folder: str | Path = DATA_DIR / "io") -> dict[int, Path]:
    """The tables in ``folder`` named ``china_<year>_<sectors>.csv``, by year."""
    found: dict[int, Path] = {}
    for path in sorted(Path(folder).glob("china_*_*.csv")):
        parts = path.stem.split("_")
        if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit() and int(parts[2]) > 100:
            found[int(parts[1])] = path
    return found


#: SQL for the two registry tables :func:`iotable_rows` fills (values stored as REAL: exact doubles).
IO_SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS io_sectors (
    year INTEGER NOT NULL,
    code TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    gross_output REAL NOT NULL,
    PRIMARY KEY (year, code)
);
CREATE TABLE IF NOT EXISTS io_flows (
    year INTEGER NOT NULL,
    row_code TEXT NOT NULL,
    col_code TEXT NOT NULL,
    value REAL NOT NULL,
    PRIMARY KEY (year, row_code, col_code)
);
"""


def iotable_rows(table: IOTable) -> dict[str, list[dict[str, Any]]]:
    """Rows for the registry tables ``io_sectors`` and ``io_flows`` (see :data:`IO_SCHEMA_SQL`).

    ``io_sectors`` has one row per sector (year, code, name_zh, name_en, gross_output), in table
    order; sector codes sort in table order because they are zero-padded. ``io_flows`` has one row
    (year, row_code, col_code, value) per nonzero cell of: the intermediate block (sector × sector),
    the final-use columns :data:`FINAL_DEMAND_CODES` and ``IM`` (sector × column code), and the
    value-added rows :data:`VALUE_ADDED_CODES` (row code × sector). Subtotals (TIU, TFU, TII, TVA,
    TI) are not stored: they are sums of what is. Values are Python floats, so SQLite REAL
    stores them exactly and :func:`iotable_from_db` gives back the same table.
    """
    year = table.year
    sectors = [
        {"year": year, "code": c, "name_zh": zh, "name_en": en, "gross_output": float(g)}
        for c, zh, en, g in zip(table.codes, table.names_zh, table.names_en, table.x, strict=True)
    ]
    flows: list[dict[str, Any]] = []

    def add(row_code: str, col_code: str, value: float) -> None:
        if value != 0.0:
            flows.append({"year": year, "row_code": row_code, "col_code": col_code, "value": float(value)})

    for i, ci in enumerate(table.codes):
        for j, cj in enumerate(table.codes):
            add(ci, cj, table.Z[i, j])
        for k, fd in enumerate(FINAL_DEMAND_CODES):
            add(ci, fd, table.final_demand[i, k])
        add(ci, IMPORTS_CODE, table.imports[i])
    for k, va in enumerate(VALUE_ADDED_CODES):
        for j, cj in enumerate(table.codes):
            add(va, cj, table.value_added[k, j])
    return {"io_sectors": sectors, "io_flows": flows}


def mapping_rows(year_scheme: int, mapping: Sequence[SectorMapping]) -> list[dict[str, Any]]:
    """Rows for the registry table ``io_sector_gbt`` (scheme 2017 = 149 sectors, 2020 = 153)."""
    return [
        {
            "scheme": year_scheme,
            "io_code": m.io_code,
            "io_name_zh": m.io_name_zh,
            "gbt_codes": ";".join(m.gbt_codes),
            "derivation": m.derivation,
            "note": m.note,
        }
        for m in mapping
    ]


def iotable_from_db(conn: sqlite3.Connection, year: int) -> IOTable:
    """Read the table for ``year`` back from ``io_sectors`` and ``io_flows`` (the inverse of :func:`iotable_rows`).

    Raises
    ------
    DataError
        If the registry holds no table for ``year`` or a flow names an unknown code.
    """
    sectors = conn.execute(
        "SELECT code, name_zh, name_en, gross_output FROM io_sectors WHERE year = ? ORDER BY code", (year,)
    ).fetchall()
    if not sectors:
        have = [r[0] for r in conn.execute("SELECT DISTINCT year FROM io_sectors ORDER BY year")]
        raise DataError(
            f"no {year} input–output table in the registry (have: {', '.join(map(str, have)) or 'none'})"
        )
    codes = tuple(r[0] for r in sectors)
    pos = {c: k for k, c in enumerate(codes)}
    fd_pos = {c: k for k, c in enumerate(FINAL_DEMAND_CODES)}
    va_pos = {c: k for k, c in enumerate(VALUE_ADDED_CODES)}
    n = len(codes)
    Z = np.zeros((n, n))
    final = np.zeros((n, len(FINAL_DEMAND_CODES)))
    imports = np.zeros(n)
    value_added = np.zeros((len(VALUE_ADDED_CODES), n))
    for row_code, col_code, value in conn.execute(
        "SELECT row_code, col_code, value FROM io_flows WHERE year = ?", (year,)
    ):
        if row_code in pos and col_code in pos:
            Z[pos[row_code], pos[col_code]] = value
        elif row_code in pos and col_code in fd_pos:
            final[pos[row_code], fd_pos[col_code]] = value
        elif row_code in pos and col_code == IMPORTS_CODE:
            imports[pos[row_code]] = value
        elif row_code in va_pos and col_code in pos:
            value_added[va_pos[row_code], pos[col_code]] = value
        else:
            raise DataError(f"io_flows {year}: unexpected cell ({row_code}, {col_code})")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    mapping = gbt_names = None
    if "io_sector_gbt" in tables:  # a full registry; a bare pair of IO tables has neither
        mapping = tuple(
            SectorMapping(r[0], r[1], tuple(c for c in r[2].split(";") if c), r[3], r[4])
            for r in conn.execute(
                "SELECT io_code, io_name_zh, gbt_codes, derivation, note FROM io_sector_gbt WHERE scheme = ? "
                "ORDER BY io_code",
                (2017 if year == 2017 else 2020,),
            )
        )
    if "industries" in tables:
        gbt_names = tuple(
            (r[0], _fold(r[1]))
            for r in conn.execute("SELECT code, name_zh FROM industries WHERE level IN (3, 4) ORDER BY code")
        )
    return IOTable(
        mapping=mapping,
        gbt_names=gbt_names,
        year=year,
        codes=codes,
        names_zh=tuple(r[1] for r in sectors),
        names_en=tuple(r[2] for r in sectors),
        Z=Z,
        x=np.array([r[3] for r in sectors], dtype=float),
        value_added=value_added,
        final_demand=final,
        imports=imports,
    )


def imbalance(table: IOTable) -> dict[str, float]:
    """Largest relative gap, over sectors, in the two accounting identities of the table.

    ``input``: total input Σ_i z_ij + Σ_k v_kj against gross output x_j (columns);
    ``output``: Σ_j z_ij + Σ_k f_ik − m_i against x_i (rows). Both are 0 for a balanced table.
    """
    x = np.where(table.x == 0, 1.0, np.abs(table.x))
    total_input = table.Z.sum(axis=0) + table.value_added.sum(axis=0)
    total_use = table.Z.sum(axis=1) + table.final_demand.sum(axis=1) - table.imports
    return {
        "input": float(np.max(np.abs(total_input - table.x) / x)),
        "output": float(np.max(np.abs(total_use - table.x) / x)),
    }


_PUNCTUATION = str.maketrans("", "", " \t、，,;；.。()（）-–—/")


def _fold(name: str) -> str:
    return name.casefold().translate(_PUNCTUATION)
