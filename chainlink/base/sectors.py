"""Input–output sectors ↔ GB/T 4754-2017 codes: the mapping files and the lookup (no NumPy).

Kept apart from :mod:`chainlink.inputoutput` so that scoring can map industries to sectors
without importing NumPy.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from chainlink.errors import DataError

DATA_DIR = Path(__file__).resolve().parent.parent.parent / "data"


@dataclass(frozen=True)
class SectorMapping:
    """One row of ``data/io_sector_gbt*.csv``: an input–output sector and its GB/T 4754-2017 codes.

    ``derivation`` is ``nbs-name`` when the sector's name is the name of the GB/T division(s) or
    group(s) it lists, ``judgement`` when some of the codes were placed by us.
    """

    io_code: str
    io_name_zh: str
    gbt_codes: tuple[str, ...]
    derivation: str
    note: str


def mapping_path(year: int) -> Path:
    """The mapping file for ``year``'s table: the 149-sector scheme for 2017, else the 153-sector one."""
    return DATA_DIR / ("io_sector_gbt_2017.csv" if year == 2017 else "io_sector_gbt.csv")


def read_sector_gbt(path: str | Path) -> list[SectorMapping]:
    """Read a sector ↔ GB/T 4754 mapping CSV (``io_code, io_name_zh, gbt_codes, derivation, note``).

    Raises
    ------
    DataError
        If the file cannot be read, a column is missing, or a code is not digits.
    """
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = {"io_code", "io_name_zh", "gbt_codes", "derivation"} - set(reader.fieldnames or ())
            if missing:
                raise DataError(f"{path}:1: missing column(s) {', '.join(sorted(missing))}")
            rows = []
            for line, row in enumerate(reader, start=2):
                codes = tuple(c.strip() for c in row["gbt_codes"].split(";") if c.strip())
                if not codes or not all(c.isdigit() for c in codes):
                    raise DataError(
                        f"{path}:{line}: gbt_codes {row['gbt_codes']!r} must be ';'-separated digits"
                    )
                if row["derivation"] not in ("nbs-name", "judgement"):
                    raise DataError(f"{path}:{line}: derivation must be nbs-name or judgement")
                rows.append(
                    SectorMapping(
                        row["io_code"].strip(),
                        row["io_name_zh"].strip(),
                        codes,
                        row["derivation"],
                        (row.get("note") or "").strip(),
                    )
                )
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror})") from None
    return rows


@lru_cache(maxsize=4)
def _default_mapping(year: int) -> tuple[SectorMapping, ...]:
    return tuple(read_sector_gbt(mapping_path(year)))


def sector_of_gbt(
    code: str, *, year: int = 2020, mapping: Sequence[SectorMapping] | None = None
) -> list[str]:
    """Input–output sectors that hold GB/T 4754-2017 industry ``code`` (a division, group or class).

    A broad code returns every sector holding part of it (``"19"`` → 033 leather, 034 shoes); a
    narrow one returns the sector whose listed code contains it (``"2925"`` synthetic leather →
    053 plastic products). Empty when the mapping does not know the code.

    Parameters
    ----------
    code : str
        Digits, 2–4 of them (text: ``"01"``, not ``1``).
    year : int
        Which table's sector scheme (2017 has 149 sectors; 2018 and 2020 have 153).
    mapping : sequence of SectorMapping, optional
        Default: :func:`mapping_path` read with :func:`read_sector_gbt`.

    Raises
    ------
    DataError
        If ``code`` is not 2–4 digits.
    """
    text = str(code).strip()
    if not (text.isdigit() and 2 <= len(text) <= 4):
        raise DataError(f"GB/T 4754 code {code!r}: use a 2-digit division, 3-digit group or 4-digit class")
    rows = _default_mapping(year) if mapping is None else mapping
    found = {m.io_code for m in rows for g in m.gbt_codes if text.startswith(g) or g.startswith(text)}
    return sorted(found)
