"""The CSV collector: reading a source file row by row and gathering every problem as ``file:line: message``."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chainlink.errors import DataError, SourceError

CONFIDENCE = ("sourced", "unverified", "sample")
STAGES = ("material", "part", "equipment", "product", "service")
PARTNER_KINDS = ("district", "etdz", "hitech", "new_area", "port_area", "bonded_zone", "enclave", "platform")
PAIRING_KINDS = ("shanhai", "zone_pair", "dual_chain_pilot", "enclave")
#: enclave (飞地) kinds of a pairing: 产业飞地, 科创飞地, 消薄飞地 (collective-economy / poverty enclave)
ENCLAVE_KINDS = ("industry", "innovation", "poverty")
#: the longest quote a data row may carry (a short quote, copied exactly from the cited page)
QUOTE_MAX = 40
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
ADMIN_CODE = re.compile(r"^\d{6}$")
GBT_CODE = re.compile(r"^\d{2,4}$")


class SourceErrors(DataError):
    """Several source problems at once; ``errors`` holds each :class:`SourceError`."""

    def __init__(self, errors: list[SourceError]) -> None:
        self.errors = errors
        lines = [str(e) for e in errors[:50]]
        if len(errors) > 50:
            lines.append(f"... and {len(errors) - 50} more")
        super().__init__("\n".join(lines))


@dataclass
class SourceSet:
    """Every registry table as rows (lists of dicts), in a stable order."""

    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


class _Collector:
    def __init__(self) -> None:
        self.errors: list[SourceError] = []

    def add(self, path: Path | str, line: int | None, message: str) -> None:
        self.errors.append(SourceError(str(path), line, message))

    def unique(self, path: str, line: int, seen: dict[str, int], key: str, what: str = "id") -> None:
        """Record ``key`` as seen at ``line``; report it if it is empty or an earlier line had it already."""
        if not key.strip():
            self.add(path, line, f"missing {what}; give every row one, unique in the file")
            return
        if key in seen:
            self.add(path, line, f"duplicate {what} {key} (first at line {seen[key]})")
        seen[key] = line


def _rel(root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def read_csv_rows(
    path: Path, required: list[str], label: str | None = None
) -> list[tuple[int, dict[str, str]]]:
    """Read a UTF-8 CSV (BOM allowed) and return ``(line, row)`` pairs; check the header."""
    name = label or str(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)  # the rows as csv.DictReader gives them, each made by dict(zip(...))
            header = next(reader, None) or []
            missing = [c for c in required if c not in header]
            if missing:
                raise SourceError(
                    name,
                    1,
                    f"missing column(s) {', '.join(missing)}; the header must have {', '.join(required)}",
                )
            dupes = sorted({c for c in header if header.count(c) > 1})
            if dupes:
                raise SourceError(name, 1, f"duplicate column(s) {', '.join(dupes)}")
            rows = []
            width = len(header)
            for fields in reader:
                if not fields:  # a blank line (DictReader skips it)
                    continue
                if len(fields) > width:
                    raise SourceError(name, reader.line_num, "more fields than the header has; check quoting")
                row = dict(zip(header, map(str.strip, fields), strict=False))  # fewer: below
                if len(fields) < width:  # the missing fields are empty
                    row.update(dict.fromkeys(header[len(fields) :], ""))
                rows.append((reader.line_num, row))
            return rows
    except FileNotFoundError:
        raise SourceError(name, None, "file not found; restore it from git") from None
    except UnicodeDecodeError:
        raise SourceError(name, None, "not UTF-8 text; save the file as UTF-8") from None


def _check_common(col: _Collector, name: str, line: int, row: dict[str, str]) -> None:
    if not row.get("source"):
        col.add(name, line, "missing source; every fact needs a source (or the word 'unverified')")
    conf = row.get("confidence", "")
    if conf not in CONFIDENCE:
        col.add(name, line, f"bad confidence {conf!r}; use one of {', '.join(CONFIDENCE)}")
    elif row.get("source") == "unverified" and conf != "unverified":
        col.add(name, line, "source is 'unverified' so confidence must be 'unverified'")


def _float_or_none(col: _Collector, name: str, line: int, row: dict[str, str], key: str) -> float | None:
    value = row.get(key, "")
    if value == "":
        return None
    try:
        return float(value)
    except ValueError:
        col.add(name, line, f"{key} {value!r} is not a number")
        return None


def _split_codes(value: str) -> list[str]:
    return [c.strip() for c in value.split(";") if c.strip()]


def _check_gbt_codes(col: _Collector, name: str, line: int, value: str, codes: set[str]) -> list[str]:
    """The ';'-separated GB/T 4754-2017 codes of ``value``; each one not in ``codes`` is reported."""
    found = _split_codes(value)
    for code in found:
        if code not in codes:
            col.add(name, line, f"unknown GB/T 4754-2017 code {code!r}; see data/gbt4754_2017.csv")
    return found


def _check_quote(col: _Collector, name: str, line: int, row: dict[str, str], *, required: bool) -> None:
    """A ``quote`` is a short text copied exactly from the cited page: at most QUOTE_MAX characters."""
    quote = row.get("quote", "")
    if len(quote) > QUOTE_MAX:
        col.add(name, line, f"quote is {len(quote)} characters; keep it to {QUOTE_MAX} (a short exact quote)")
    if required and not quote and row.get("confidence") == "sourced":
        col.add(name, line, "a sourced row needs a quote: a short text copied exactly from the cited page")


def _project_ids(root: Path) -> set[str] | None:
    """Project ids of data/projects.csv, for ``derived_from`` checks (None when the file is broken: its own
    loader reports that)."""
    try:
        return {r["id"] for _, r in read_csv_rows(root / "data" / "projects.csv", ["id"])}
    except SourceError:
        return None


def _check_derived_from(
    col: _Collector, name: str, line: int, row: dict[str, str], project_ids: set[str] | None
) -> None:
    """``derived_from``: the cases (project ids) a row was written from — `chainlink evaluate` holds the row
    out with the case when it names that case alone (docs/evaluation.md)."""
    for pid in _split_codes(row.get("derived_from", "")):
        if project_ids is not None and pid not in project_ids:
            col.add(name, line, f"derived_from {pid!r} is not a project id in data/projects.csv")
