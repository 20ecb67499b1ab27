"""Map the header to canonical columns and check rows one by one (the hot loop of an import).

Each present column has a *slow* check (:mod:`chainlink.imports._validate`) that records errors and
warnings; for columns whose values repeat (counties, codes, enumerations) a clean result is cached per
distinct cell, so a row costs one dictionary lookup per such column. Columns absent from the file
get their default once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from chainlink.base.credit import quick_valid
from chainlink.errors import SourceError
from chainlink.imports._read import Table, column_ref
from chainlink.imports._schema import IGNORED_HEADERS, Column, Kind, alias_map, header_key
from chainlink.imports._validate import (
    CONFIDENCE,
    ENCLAVE_KINDS,
    FLAG,
    PAIRING_KINDS,
    POLLUTION,
    PROJECT_KINDS,
    SIZE,
    STATUS,
    Bad,
    Context,
    Issue,
    credit,
    digest,
    identifier,
    show,
    text_of,
)

_MISS = object()
ERR = object()
CACHE_LIMIT = 100_000
UNCACHED = ("credit", "name", "long_text", "text", "id", "enterprise_id")


class RowChecker:
    """Validate and normalise the rows of one input table for one kind.

    :meth:`check` returns ``(row tuple, errors, warnings)``; the tuple is in the user table's column
    order with ``import_id`` last, or ``None`` when the row has errors.
    """

    def __init__(self, kind: Kind, table: Table, ctx: Context) -> None:
        self.kind = kind
        self.table = table
        self.ctx = ctx
        self.header, self.index = map_header(kind, table)
        self.width = len(self.header)
        self.unnamed = [i for i, text in enumerate(self.header) if not header_key(text)]
        self.positions = {col.name: i for i, col in enumerate(kind.columns)}
        self.seen: dict[Any, int] = {}
        self.import_id = 0
        self.number = 0
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []
        self.safe = table.fmt in ("json", "ndjson")  # cells may be lists (unhashable)
        self.defaults: list[Any] = []
        self.uncached: list[tuple[int, int, Callable[[Any], Any], Callable[[Any], Any]]] = []
        self.cached: list[tuple[int, int, dict[Any, Any], Callable[[Any], Any]]] = []
        for pos, col in enumerate(kind.columns):
            index = self.index.get(col.name)
            cache = None if col.check in UNCACHED else {}
            slow = self._slow(col, index, cache)
            if index is None:
                value = slow(None)
                self.defaults.append(None if value is ERR else value)
                continue
            self.defaults.append(None)
            if cache is None:
                self.uncached.append((index, pos, _fast(col), slow))
            else:
                self.cached.append((index, pos, cache, slow))
        self.errors, self.warnings = [], []
        self.odd = bool(self.unnamed) or self.safe

    # -- per-column checks ------------------------------------------------------------------------

    def _slow(self, col: Column, index: int | None, cache: dict[Any, Any] | None) -> Callable[[Any], Any]:
        """The full check of one cell: returns the value, or ERR after recording the error."""
        check = self._check(col)
        header = self.header[index] if index is not None else col.name
        ctx = self.ctx
        name = col.name
        required = col.required
        max_len = col.max_len

        def slow(cell: Any) -> Any:
            keep = cache is not None and len(cache) < CACHE_LIMIT
            if isinstance(cell, _Unhashable):
                cell, keep = cell.value, False
            ctx.warning = None
            try:
                value = check(cell)
                if type(value) is str:
                    if not value:
                        if required:
                            raise Bad("is required", f"fill in {name} for every row")
                    elif len(value) > max_len:
                        raise Bad(f"is {len(value):,} characters long, at most {max_len:,}", "shorten it")
            except Bad as bad:
                self.errors.append(Issue(self.number, header, name, cell, bad.problem, bad.fix))
                return ERR
            if ctx.warning is not None:
                self.warnings.append(Issue(self.number, header, name, cell, *ctx.warning))
            elif keep:
                cache[cell] = value  # type: ignore[index]
            return value

        return slow

    def _check(self, col: Column) -> Callable[[Any], Any]:
        ctx = self.ctx
        name = col.check
        if name == "credit":
            return _credit_fast
        if name in ("name", "text", "long_text", "enterprise_id"):
            return _text_fast
        if name == "id":
            return identifier
        if name in (
            "county",
            "county_or_city",
            "partner",
            "county_platform",
            "enclave_host",
            "gbt",
            "segment",
            "chains",
            "year",
        ):
            return getattr(ctx, name)
        if name == "amount":
            return lambda raw: ctx.amount(raw, col.name)
        tables = {
            "size": (SIZE, ""),
            "flag": (FLAG, 0),
            "project_kind": (PROJECT_KINDS, ""),
            "pairing_kind": (PAIRING_KINDS, ""),
            "enclave_kind": (ENCLAVE_KINDS, ""),
            "pollution": (POLLUTION, ""),
            "status": (STATUS, "unknown"),
        }
        if name in tables:
            table, default = tables[name]
            return lambda raw: ctx.choice(raw, table, default)
        if name == "source":
            return lambda raw: text_of(raw) or ctx.default_source
        if name == "confidence":
            return lambda raw: ctx.choice(raw, {c: c for c in CONFIDENCE}, ctx.default_confidence)
        raise AssertionError(f"no check {name}")

    # -- one row ----------------------------------------------------------------------------------

    def check(
        self, number: int, raw: Sequence[Any]
    ) -> tuple[tuple[Any, ...] | None, list[Issue], list[Issue]]:
        """``(row tuple or None, errors, warnings)`` for the raw row at ``number``."""
        self.number = number
        if self.errors:
            self.errors = []
        if self.warnings:
            self.warnings = []
        if len(raw) != self.width or self.odd:
            raw = self._reshape(number, raw)
            if raw is None:
                return None, self.errors, []
        values = self.defaults.copy()
        miss = _MISS
        for index, pos, fast, slow in self.uncached:
            cell = raw[index]
            value = fast(cell)
            values[pos] = slow(cell) if value is miss else value
        get = _MISS
        for index, pos, cache, slow in self.cached:
            cell = raw[index]
            value = cache.get(cell, get)
            values[pos] = slow(cell) if value is get else value
        if self.errors:
            return None, self.errors, self.warnings
        return self._finish(number, values, self.errors, self.warnings)

    def _reshape(self, number: int, raw: Sequence[Any]) -> Sequence[Any] | None:
        """Rows of another width, unnamed columns and unhashable (JSON list) cells: the careful path."""
        size = len(raw)
        if size != self.width:
            if self.table.fmt in ("csv", "tsv"):
                if size > self.width and not "".join(raw[self.width :]).strip():
                    raw = raw[: self.width]
                else:
                    problem = f"row has {size} fields, the header has {self.width}"
                    fix = "the file may be truncated, or a field holds an unquoted delimiter: check this row"
                    self.errors = [Issue(number, None, None, None, problem, fix)]
                    return None
            elif size < self.width:
                raw = [*raw, *([None] * (self.width - size))]
        if self.unnamed or len(raw) > self.width:
            self._check_unnamed(number, raw)
        if self.safe:
            raw = [_Unhashable(cell) if isinstance(cell, (list, dict)) else cell for cell in raw]
        return raw

    def _check_unnamed(self, number: int, raw: Sequence[Any]) -> None:
        extra = range(self.width, len(raw))
        for i in [*self.unnamed, *extra]:
            if i < len(raw) and raw[i] is not None and str(raw[i]).strip():
                ref = column_ref(i, self.table.letters)
                raise SourceError(
                    self.table.name,
                    number,
                    f"column {ref} has no name in the header (row {self.table.header_row}) but holds "
                    f"'{show(raw[i])}': merged or empty header cells? give each column its own name in one header row",
                )

    def _issue(self, number: int, name: str, value: Any, problem: str, fix: str) -> Issue:
        index = self.index.get(name)
        header = self.header[index] if index is not None else name
        return Issue(number, header, name, value, problem, fix)

    def _finish(
        self, number: int, values: list[Any], errors: list[Issue], warnings: list[Issue]
    ) -> tuple[tuple[Any, ...] | None, list[Issue], list[Issue]]:
        pos = self.positions
        kind = self.kind.name
        if values[pos["source"]] == "unverified" and values[pos["confidence"]] != "unverified":
            errors.append(
                self._issue(
                    number,
                    "confidence",
                    values[pos["confidence"]],
                    "must be 'unverified' when source is 'unverified'",
                    "give a real source or set confidence to unverified",
                )
            )
        if kind == "enterprises":
            key = values[pos["credit_code"]]
            given = values[pos["id"]]
            if given and given != key:
                errors.append(
                    self._issue(
                        number,
                        "id",
                        given,
                        "must equal credit_code (an enterprise is identified by its credit code)",
                        "leave id empty",
                    )
                )
            values[pos["id"]] = key
            if not values[pos["county_code"]] and not values[pos["partner_id"]]:
                errors.append(
                    Issue(
                        number,
                        None,
                        None,
                        None,
                        "the row gives neither county_code nor partner_id",
                        "say where the enterprise is: a mountain county or a partner zone",
                    )
                )
            key_column = "credit_code"
        else:
            if kind == "projects" and not values[pos["gbt_codes"]] and not values[pos["segment_key"]]:
                errors.append(
                    Issue(
                        number,
                        None,
                        None,
                        None,
                        "the row gives neither gbt_codes nor segment_key",
                        "give the project's GB/T 4754-2017 code or its chain segment",
                    )
                )
            if kind == "characteristic" and not values[pos["gbt_derivation"]]:
                values[pos["gbt_derivation"]] = f"as given in {self.ctx.file_name}"
            key = values[pos["id"]]
            key_column = "id"
            if not key:
                key = values[pos["id"]] = self.kind.id_prefix + digest(self._identity(values))
            elif self.kind.source_table and key in self.ctx.source_ids(self.kind.source_table):
                errors.append(
                    self._issue(
                        number,
                        "id",
                        key,
                        f"is already a row of the source table {self.kind.source_table} (data/)",
                        "choose another id, or leave id empty to derive one",
                    )
                )
        first = self.seen.get(key)
        if first is not None:
            what = "enterprise" if kind == "enterprises" else "row"
            if key_column == "id" and self.index.get("id") is None:
                fields = ", ".join(self._identity_fields())
                errors.append(
                    Issue(
                        number,
                        None,
                        None,
                        None,
                        f"duplicate of row {first} (same {fields})",
                        f"keep one {what}",
                    )
                )
            else:
                errors.append(
                    self._issue(
                        number, key_column, key, f"duplicate of row {first}", f"keep one row per {what}"
                    )
                )
        if errors:
            return None, errors, warnings
        self.seen[key] = number
        values.append(self.import_id)
        return tuple(values), errors, warnings

    def _identity_fields(self) -> tuple[str, ...]:
        return {
            "projects": ("name_zh", "origin_id"),
            "characteristic": ("county_code", "platform", "industry_zh"),
            "pairings": ("county_code", "county_platform", "partner_id", "kind"),
        }[self.kind.name]

    def _identity(self, values: list[Any]) -> str:
        return "\x1f".join(str(values[self.positions[f]]) for f in self._identity_fields())


class _Unhashable:
    """A JSON list or object cell, wrapped so that it can be looked up in a cache (and never found)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __hash__(self) -> int:
        return id(self)


def _credit_fast(cell: Any) -> str:
    if type(cell) is str and quick_valid(cell):
        return cell
    return credit(cell)


def _text_fast(cell: Any) -> str:
    if type(cell) is str and cell.isprintable():
        return cell.strip()
    return text_of(cell)


def _fast(col: Column) -> Callable[[Any], Any]:
    """The common case of an uncached column in one step: the value, or _MISS to take the slow path."""
    miss = _MISS
    if col.check == "credit":

        def credit_fast(cell: Any) -> Any:
            return cell if type(cell) is str and quick_valid(cell) else miss

        return credit_fast
    if col.check in ("name", "text", "long_text"):
        required, max_len = col.required, col.max_len

        def text_fast(cell: Any) -> Any:
            if type(cell) is str and cell.isprintable():
                value = cell.strip()
                if (value or not required) and len(value) <= max_len:
                    return value
            return miss

        return text_fast
    return lambda cell: miss


def map_header(kind: Kind, table: Table) -> tuple[list[str], dict[str, int]]:
    """The header as written and canonical column → index; raise :class:`SourceError` if unusable."""
    aliases = alias_map(kind)
    header = table.header
    name = table.name
    index: dict[str, int] = {}
    ignored = []
    for i, text in enumerate(header):
        key = header_key(text)
        if not key:
            continue
        column = aliases.get(key)
        if column is None:
            if key not in IGNORED_HEADERS:
                ignored.append(text)
            continue
        if column in index:
            j = index[column]
            where = f"columns {column_ref(j, table.letters)} and {column_ref(i, table.letters)}"
            what = f"'{header[j]}'" if header[j] == text else f"'{header[j]}' and '{text}'"
            raise SourceError(
                name, table.header_row or None, f"{where} both mean {column} ({what}); delete one of them"
            )
        index[column] = i
    missing = [c.name for c in kind.columns if c.required and c.name not in index]
    if missing:
        if not index:
            shown = ", ".join(repr(h) for h in header[:6] if h)
            raise SourceError(
                name,
                table.header_row or None,
                f"no known column names in the header ({shown}); the first row must name the columns "
                "(see docs/import.md)",
            )
        first = next(c for c in kind.columns if c.name == missing[0])
        alias_hint = f" (or {first.aliases[0]})" if first.aliases else ""
        raise SourceError(
            name,
            table.header_row or None,
            f"missing required column(s) {', '.join(missing)}; add a column named {missing[0]}{alias_hint}",
        )
    if ignored:
        table.notes.append(f"ignored column(s) not known for {kind.name}: {', '.join(ignored)}")
    return list(header), index


def locate_header(kind: Kind, table: Table) -> None:
    """Skip title rows above the header.

    When the first row names no known column, the first of the next ten rows that names at least two
    becomes the header (and ``table.notes`` says so).
    """
    if table.fmt in ("json", "ndjson"):
        return
    aliases = alias_map(kind)

    def known(row: Sequence[Any]) -> int:
        return sum(1 for cell in row if cell is not None and header_key(str(cell)) in aliases)

    if known(table.header):
        return
    rows = iter(table.rows)
    ahead: list[tuple[int, list[Any]]] = []
    for item in rows:
        ahead.append(item)
        if known(item[1]) >= 2:
            number, header = item
            table.notes.append(
                f"skipped {len(ahead)} title row(s) from row {table.header_row}; the header is row {number}"
            )
            table.header = ["" if h is None else str(h).strip() for h in header]
            table.header_row = number
            table.rows = _chain([], rows)
            return
        if len(ahead) >= 10:
            break
    table.rows = _chain(ahead, rows)


def _chain(first: list[tuple[int, list[Any]]], rest: Any) -> Any:
    yield from first
    yield from rest
