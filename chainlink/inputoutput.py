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

import csv
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from chainlink.errors import DataError, UsageError
from chainlink.sectors import SectorMapping, mapping_path, read_sector_gbt, sector_of_gbt  # noqa: F401

#: Final-use columns kept from the NBS layout (their subtotals THC, TC, GCF, TFU are derived).
FINAL_DEMAND_CODES: tuple[str, ...] = ("FU101", "FU102", "FU103", "FU201", "FU202", "EX")
#: Value-added rows kept from the NBS layout (TVA is their sum).
VALUE_ADDED_CODES: tuple[str, ...] = ("VA001", "VA002", "VA003", "VA004")
#: The imports column (entered as a positive number and subtracted: x = Zi + f − m).
IMPORTS_CODE = "IM"
#: Where the project keeps the tables and the sector ↔ GB/T 4754 mapping (a source checkout).
DATA_DIR = Path(__file__).resolve().parent.parent / "data"

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


# ---------------------------------------------------------------------------------------------
# Reading and storing


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


# ---------------------------------------------------------------------------------------------
# The models (pure array functions)


def _safe_reciprocal(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    out = np.zeros_like(x)
    np.divide(1.0, x, out=out, where=x != 0)
    return out


def direct_requirements(Z: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Technical (direct requirement) coefficients A = Z x̂⁻¹.

    a_ij = z_ij / x_j: the value of sector i's output that sector j uses per unit of its own
    gross output. A sector with zero output gets a zero column.

    Parameters
    ----------
    Z : ndarray, shape (n, n)
        Intermediate flows, z_ij from i to j.
    x : ndarray, shape (n,)
        Gross output.

    Returns
    -------
    ndarray, shape (n, n)

    References
    ----------
    Miller & Blair (2009), §2.2.

    Examples
    --------
    >>> direct_requirements(np.array([[10.0, 20.0], [30.0, 0.0]]), np.array([100.0, 200.0]))
    array([[0.1, 0.1],
           [0.3, 0. ]])
    """
    return np.asarray(Z, dtype=float) * _safe_reciprocal(x)[np.newaxis, :]


def leontief_inverse(A: np.ndarray) -> np.ndarray:
    """Leontief inverse (total requirements) L = (I − A)⁻¹.

    l_ij is the output of sector i needed, directly and indirectly, per unit of final demand
    for sector j; L = I + A + A² + … when the spectral radius of A is below 1.

    Parameters
    ----------
    A : ndarray, shape (n, n)
        Direct requirements.

    Returns
    -------
    ndarray, shape (n, n)

    Raises
    ------
    DataError
        If I − A is singular.

    References
    ----------
    Leontief, W. (1936); Miller & Blair (2009), §2.3.

    Examples
    --------
    >>> leontief_inverse(np.array([[0.5, 0.0], [0.0, 0.0]]))
    array([[2., 0.],
           [0., 1.]])
    """
    A = np.asarray(A, dtype=float)
    try:
        return np.linalg.inv(np.eye(A.shape[0]) - A)
    except np.linalg.LinAlgError:
        raise DataError("I − A is singular: the table has no Leontief inverse") from None


def ghosh_allocation(Z: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Allocation (output) coefficients B = x̂⁻¹ Z of the Ghosh supply-side model.

    b_ij = z_ij / x_i: the share of sector i's gross output sold to sector j as intermediate
    input. A sector with zero output gets a zero row.

    References
    ----------
    Ghosh (1958); Miller & Blair (2009), §12.1.

    Examples
    --------
    >>> ghosh_allocation(np.array([[10.0, 20.0], [30.0, 0.0]]), np.array([100.0, 200.0]))
    array([[0.1 , 0.2 ],
           [0.15, 0.  ]])
    """
    return _safe_reciprocal(x)[:, np.newaxis] * np.asarray(Z, dtype=float)


def ghosh_inverse(B: np.ndarray) -> np.ndarray:
    """Ghosh inverse (output inverse) G = (I − B)⁻¹.

    g_ij is the gross output of sector j that depends, directly and indirectly, on one unit of
    primary input (value added) in sector i, so that x' = v' G. It equals x̂⁻¹ L x̂.

    Raises
    ------
    DataError
        If I − B is singular.

    References
    ----------
    Ghosh (1958); Miller & Blair (2009), §12.1.

    Examples
    --------
    >>> ghosh_inverse(np.array([[0.0, 0.5], [0.0, 0.0]]))
    array([[1. , 0.5],
           [0. , 1. ]])
    """
    B = np.asarray(B, dtype=float)
    try:
        return np.linalg.inv(np.eye(B.shape[0]) - B)
    except np.linalg.LinAlgError:
        raise DataError("I − B is singular: the table has no Ghosh inverse") from None


def rasmussen_linkages(L: np.ndarray, G: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rasmussen backward and forward linkage indices, normalised to mean 1.

    Backward (power of dispersion): BL_j = (Σ_i l_ij) / ((1/n) Σ_ij l_ij), the column sums of the
    Leontief inverse over their mean. Forward (sensitivity of dispersion): FL_i = (Σ_j g_ij) /
    ((1/n) Σ_ij g_ij), the row sums of the **Ghosh** inverse over their mean. Rasmussen's
    original forward index used row sums of L; that mixes demand-side multipliers into a
    supply-side question and is no longer recommended (Miller & Blair 2009, §12.2.2; Miller &
    Lahr 2001). A sector with BL > 1 and FL > 1 is a *key sector*.

    Parameters
    ----------
    L : ndarray, shape (n, n)
        Leontief inverse.
    G : ndarray, shape (n, n)
        Ghosh inverse.

    Returns
    -------
    (backward, forward) : tuple of ndarray, shape (n,)

    References
    ----------
    Rasmussen (1956); Miller & Blair (2009), §12.2.

    Examples
    --------
    >>> bl, fl = rasmussen_linkages(np.array([[2.0, 0.0], [0.0, 1.0]]), np.eye(2))
    >>> bl.round(3).tolist(), fl.tolist()
    ([1.333, 0.667], [1.0, 1.0])
    """
    L = np.asarray(L, dtype=float)
    G = np.asarray(G, dtype=float)
    col = L.sum(axis=0)
    row = G.sum(axis=1)
    return col / col.mean(), row / row.mean()


# ---------------------------------------------------------------------------------------------
# Table-level views


@dataclass(frozen=True)
class SectorLinkage:
    """One sector's Rasmussen indices (see :func:`rasmussen_linkages`)."""

    code: str
    name_zh: str
    name_en: str
    backward: float
    forward: float

    @property
    def key_sector(self) -> bool:
        """True when both indices exceed 1 (a key sector)."""
        return self.backward > 1.0 and self.forward > 1.0


@dataclass(frozen=True)
class SectorLink:
    """A supplier or customer of a sector, as ranked by :func:`upstream` / :func:`downstream`.

    ``direct`` is a_ij and ``total`` is l_ij for supplier i and buyer j. ``share`` is, upstream,
    the supplier's share of the buyer's intermediate inputs (z_ij / Σ_k z_kj) and, downstream,
    the share of the supplier's gross output the buyer takes (b_ij = z_ij / x_i).
    """

    rank: int
    code: str
    name_zh: str
    name_en: str
    direct: float
    total: float
    share: float


def linkages(table: IOTable) -> list[SectorLinkage]:
    """Rasmussen backward (Leontief) and forward (Ghosh) indices of every sector, in table order.

    See :func:`rasmussen_linkages` for the formulas.
    """
    backward, forward = rasmussen_linkages(table.L, table.G)
    return [
        SectorLinkage(c, zh, en, float(b), float(f))
        for c, zh, en, b, f in zip(
            table.codes, table.names_zh, table.names_en, backward, forward, strict=True
        )
    ]


def _ranked(
    table: IOTable,
    others: np.ndarray,
    direct: np.ndarray,
    total: np.ndarray,
    share: np.ndarray,
    n: int | None,
    by: str,
) -> list[SectorLink]:
    if by not in ("direct", "total"):
        raise UsageError(f"unknown ranking {by!r}: use direct or total")
    key = direct if by == "direct" else total
    # Stable order: by the chosen measure, then by the other, then by code.
    order = sorted(others, key=lambda k: (-key[k], -(total[k] if by == "direct" else direct[k]), k))
    if n is not None:
        order = order[: max(n, 0)]
    return [
        SectorLink(
            rank,
            table.codes[k],
            table.names_zh[k],
            table.names_en[k],
            float(direct[k]),
            float(total[k]),
            float(share[k]),
        )
        for rank, k in enumerate(order, start=1)
    ]


def upstream(
    table: IOTable, sector: str, n: int | None = 10, *, by: str = "direct", include_self: bool = False
) -> list[SectorLink]:
    """Suppliers of ``sector`` ranked by direct coefficient a_ij (or total requirement l_ij).

    For buyer j = ``sector`` and each supplier i: direct = a_ij = z_ij / x_j, total = l_ij
    (output of i needed per unit of final demand for j, all rounds included), share =
    z_ij / Σ_k z_kj.

    Parameters
    ----------
    table : IOTable
    sector : str
        Sector code, or a name resolved by :func:`resolve_sector`.
    n : int or None
        How many to return (None: all).
    by : {"direct", "total"}
        Ranking measure.
    include_self : bool
        Keep the sector's purchases from itself (a_jj), off by default.

    References
    ----------
    Miller & Blair (2009), §2.2–2.3.
    """
    j = table.index(resolve_sector(table, sector))
    others = np.array([i for i in range(table.n) if include_self or i != j], dtype=int)
    inputs = table.Z[:, j].sum()
    share = table.Z[:, j] / inputs if inputs else np.zeros(table.n)
    return _ranked(table, others, table.A[:, j], table.L[:, j], share, n, by)


def downstream(
    table: IOTable, sector: str, n: int | None = 10, *, by: str = "direct", include_self: bool = False
) -> list[SectorLink]:
    """Customers of ``sector`` ranked by direct coefficient a_ij (or total requirement l_ij).

    For supplier i = ``sector`` and each buyer j: direct = a_ij (how much of i the buyer needs
    per unit of its output), total = l_ij, share = b_ij = z_ij / x_i (the part of i's output the
    buyer takes; Ghosh allocation coefficient).

    Parameters are as for :func:`upstream`.

    References
    ----------
    Miller & Blair (2009), §2.2–2.3 and §12.1; Ghosh (1958).
    """
    i = table.index(resolve_sector(table, sector))
    others = np.array([j for j in range(table.n) if include_self or j != i], dtype=int)
    return _ranked(table, others, table.A[i, :], table.L[i, :], table.B[i, :], n, by)


# ---------------------------------------------------------------------------------------------
# Edge weights and relatedness


def _normalised(coefficients: np.ndarray, axis: int) -> np.ndarray:
    # Divide by the largest off-diagonal entry of each column (axis=0) or row (axis=1).
    off = coefficients.copy()
    np.fill_diagonal(off, 0.0)
    peak = off.max(axis=axis, keepdims=True)
    out = np.zeros_like(off)
    np.divide(off, peak, out=out, where=peak > 0)
    return out


def io_edge_weight(
    table: IOTable, from_sector: str | Iterable[str], to_sector: str | Iterable[str]
) -> float | None:
    """Weight in [0, 1] of a chain edge from an upstream sector to a downstream one.

    w_ij = a_ij / max_{k≠j} a_kj: the direct coefficient of supplier i in buyer j's inputs,
    relative to j's largest supplier other than j itself. 1 means i is j's main outside
    supplier; 0 means j buys nothing from i. Own-sector purchases are left out because a chain
    edge joins two different segments. When a segment maps to several sectors, pass each side
    as a list: the weight is the largest over pairs of *different* sectors, and ``None`` when
    every pair is one sector (no input–output weight; keep the chain's own weight).

    References
    ----------
    Miller & Blair (2009), §2.2 (technical coefficients).
    """
    sources = _codes(table, from_sector)
    targets = _codes(table, to_sector)
    weights = _edge_weights(table)
    pairs = [weights[table.index(i), table.index(j)] for i in sources for j in targets if i != j]
    return float(max(pairs)) if pairs else None


def _edge_weights(table: IOTable) -> np.ndarray:
    if "edge" not in table._derived:
        table._derived["edge"] = _normalised(table.A, axis=0)
    return table._derived["edge"]


def relatedness_matrix(table: IOTable) -> np.ndarray:
    """Symmetric input–output relatedness R between all sector pairs, with R_ii = 1.

    R_ij = max(ã_ij, ã_ji, b̃_ij, b̃_ji), where ã_ij = a_ij / max_{k≠j} a_kj (i's weight among
    j's suppliers) and b̃_ij = b_ij / max_{k≠i} b_ik (j's weight among i's customers). Two
    sectors are related when either is a main supplier or a main customer of the other. This is
    a vertical (trade) relatedness in the spirit of Fan & Lang (2000), who symmetrise
    input–output coefficients the same way; the max of normalised coefficients keeps a small
    sector's dependence on a large one visible. It is not the cosine similarity of input
    structures, which measures shared technology rather than buying and selling.

    References
    ----------
    Fan, J. P. H. & Lang, L. H. P. (2000). The measurement of relatedness. *Journal of Business*
    73(4), 629–660. Miller & Blair (2009), §2.2 and §12.1.
    """
    cache = table._derived
    if "relatedness" not in cache:
        a = _normalised(table.A, axis=0)
        b = _normalised(table.B, axis=1)
        r = np.maximum.reduce([a, a.T, b, b.T])
        np.fill_diagonal(r, 1.0)
        cache["relatedness"] = r
    return cache["relatedness"]


def io_relatedness(table: IOTable, s1: str | Iterable[str], s2: str | Iterable[str]) -> float:
    """Input–output relatedness in [0, 1] of two sectors (or the closest pair of two sector sets).

    See :func:`relatedness_matrix` for the definition; symmetric, 1 for the same sector.
    """
    r = relatedness_matrix(table)
    return float(max(r[table.index(i), table.index(j)] for i in _codes(table, s1) for j in _codes(table, s2)))


def industry_io_relatedness(table: IOTable, industry1: str, industry2: str) -> float | None:
    """Input–output relatedness of two GB/T 4754 industry codes via :func:`sector_of_gbt`.

    The largest :func:`io_relatedness` over the sectors each code maps to; ``None`` if a code
    maps to no sector.
    """
    s1 = sector_of_gbt(industry1, year=table.year, mapping=table.mapping)
    s2 = sector_of_gbt(industry2, year=table.year, mapping=table.mapping)
    if not s1 or not s2:
        return None
    return io_relatedness(table, s1, s2)


def _codes(table: IOTable, sectors: str | Iterable[str]) -> list[str]:
    items = [sectors] if isinstance(sectors, str) else list(sectors)
    if not items:
        raise UsageError("no sector given")
    return [resolve_sector(table, s) for s in items]


# ---------------------------------------------------------------------------------------------
# Names and the GB/T 4754 mapping


def resolve_sector(table: IOTable, query: str) -> str:
    """The sector code for ``query``: a code, or a Chinese or English name.

    Tried in order, names compared case-insensitively with spaces and punctuation removed:

    1. a code (``"33"`` is read as ``"033"``), or a four-digit GB/T 4754-2017 class code
       (``"2925"`` → 053) through :func:`sector_of_gbt`;
    2. a sector's Chinese or English name;
    3. part of exactly one sector's name (``"皮革"`` → 033), or the longest sector name inside
       the query (``"塑料制品业"`` → 053);
    4. part of GB/T 4754-2017 group or class names that all map to one sector (``"合成革"``,
       class 2925 塑料人造革、合成革制造 → 053 plastic products), via :func:`sector_of_gbt`;
    5. fuzzy matching (rapidfuzz ``WRatio`` ≥ 88, at least 8 points ahead of the runner-up).

    Raises
    ------
    DataError
        When nothing matches, or several sectors match equally well (up to 5 are listed).
    """
    text = str(query).strip()
    if not text:
        raise DataError("empty sector name")
    if text.isdigit() and len(text) <= 3:
        code = text.zfill(3)
        if code in table._index:
            return code
        raise DataError(
            f"no sector {code} in the {table.year} input–output table (codes 001–{table.codes[-1]})"
        )
    if text.isdigit() and len(text) == 4:
        sectors = [
            c for c in sector_of_gbt(text, year=table.year, mapping=table.mapping) if c in table._index
        ]
        if len(sectors) == 1:
            return sectors[0]
        raise DataError(f"GB/T 4754 class {text} maps to no single input–output sector; give a sector code")
    key = _fold(text)
    names = [
        (code, _fold(zh), _fold(en))
        for code, zh, en in zip(table.codes, table.names_zh, table.names_en, strict=True)
    ]
    for code, zh, en in names:
        if key in (zh, en):
            return code
    hits = [code for code, zh, en in names if key in zh or key in en]
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        raise DataError(_ambiguous(table, text, hits))
    inside = sorted(((len(zh), code) for code, zh, _ in names if zh and zh in key), reverse=True)
    if inside and (len(inside) == 1 or inside[0][0] > inside[1][0]):
        return inside[0][1]
    via_gbt = _sectors_by_gbt_name(key, table)
    if len(via_gbt) == 1 and via_gbt[0] in table._index:
        return via_gbt[0]
    if len(via_gbt) > 1:
        raise DataError(_ambiguous(table, text, [c for c in via_gbt if c in table._index]))
    from rapidfuzz import fuzz, process

    choices = {f"{code}\t{lang}": name for code, zh, en in names for lang, name in (("zh", zh), ("en", en))}
    scored: dict[str, float] = {}
    for _, score, choice in process.extract(key, choices, scorer=fuzz.WRatio, limit=20):
        code = choice.split("\t", 1)[0]
        scored[code] = max(score, scored.get(code, 0.0))
    ranked = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))
    if ranked and ranked[0][1] >= 88 and (len(ranked) == 1 or ranked[0][1] - ranked[1][1] >= 8):
        return ranked[0][0]
    close = [code for code, score in ranked if score >= 60]
    if close:
        raise DataError(_ambiguous(table, text, close))
    raise DataError(
        f"no input–output sector matches {text!r}; try a code (001–{table.codes[-1]}) "
        "or a Chinese name such as 塑料制品"
    )


_PUNCTUATION = str.maketrans("", "", " \t、，,;；.。()（）-–—/")


def _fold(name: str) -> str:
    return name.casefold().translate(_PUNCTUATION)


@lru_cache(maxsize=4)
def _gbt_names(path: Path) -> tuple[tuple[str, str], ...]:
    # Group (3-digit) and class (4-digit) names of GB/T 4754-2017; empty if the list is not shipped.
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return tuple(
                (r["code"], _fold(r["name_zh"])) for r in csv.DictReader(fh) if len(r["code"]) in (3, 4)
            )
    except (OSError, KeyError):
        return ()


def _sectors_by_gbt_name(key: str, table: IOTable) -> list[str]:
    names = table.gbt_names if table.gbt_names is not None else _gbt_names(DATA_DIR / "gbt4754_2017.csv")
    codes = [code for code, name in names if key in name]
    if not codes:
        return []
    try:
        return sorted(
            {s for code in codes for s in sector_of_gbt(code, year=table.year, mapping=table.mapping)}
        )
    except DataError:
        return []


def _ambiguous(table: IOTable, text: str, codes: Sequence[str]) -> str:
    shown = ", ".join(f"{c} {table.names_zh[table.index(c)]}" for c in codes[:5])
    if len(codes) == 1:
        return f"no input–output sector is named {text!r}; did you mean {shown}? Give the code"
    more = f" and {len(codes) - 5} more" if len(codes) > 5 else ""
    return f"{text!r} matches several input–output sectors: {shown}{more}; give the code"
