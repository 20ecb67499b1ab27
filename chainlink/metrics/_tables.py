"""Results of the long-table front end, and their rows, columns and streamed text."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

import numpy as np
import scipy.sparse as sp

from chainlink.metrics import _text


@dataclass
class YearMetrics:
    """Every metric of one period, on that period's own locations and products (sorted)."""

    time: str | None
    locations: list[str]
    products: list[str]
    value: sp.csr_array
    rca: sp.csr_array | None
    rpop: sp.csr_array | None
    mcp: sp.csr_array
    density: np.ndarray
    cog: np.ndarray
    eci: np.ndarray
    pci: np.ndarray
    coi: np.ndarray
    diversity: np.ndarray
    ubiquity: np.ndarray
    proximity: np.ndarray

    def __len__(self) -> int:
        return len(self.locations) * len(self.products)


@dataclass
class MetricsTable:
    """The result of :func:`compute_long`: one row per (time, location, product) of each period.

    Iterate :meth:`rows` for dicts, call :meth:`to_columns` for NumPy columns (``pandas.DataFrame
    (table.to_columns())``), or :meth:`write` for CSV/TSV/NDJSON text of any size.
    """

    names: dict[str, str]
    years: list[YearMetrics]
    presence: str

    @property
    def columns(self) -> list[str]:
        keys = [self.names["time"]] if "time" in self.names else []
        keys += [self.names["loc"], self.names["prod"], self.names["val"], "rca"]
        if self.presence in ("rpop", "both"):
            keys.append("rpop")
        return keys + ["mcp", "density", "eci", "pci", "coi", "cog", "diversity", "ubiquity"]

    @property
    def table_columns(self) -> list[str]:
        """The columns a terminal table has room for (80 characters)."""
        keys = [self.names["time"]] if "time" in self.names else []
        return keys + [self.names["loc"], self.names["prod"], "rca", "mcp", "density", "cog"]

    def __len__(self) -> int:
        return sum(len(year) for year in self.years)

    def to_columns(self) -> dict[str, np.ndarray]:
        """All rows as NumPy columns (codes as text; ``rca`` holds None when presence is given)."""
        parts: dict[str, list[np.ndarray]] = {name: [] for name in self.columns}
        for year in self.years:
            for name, (_, values) in self._year_columns(year).items():
                parts[name].append(values(0, len(year)))
        return {name: np.concatenate(chunks) if chunks else np.array([]) for name, chunks in parts.items()}

    def rows(self) -> Iterator[dict[str, Any]]:
        """Rows as dicts of plain Python values (str codes, float metrics, int counts)."""
        for year in self.years:
            columns = self._year_columns(year)
            block = {name: values(0, len(year)).tolist() for name, (_, values) in columns.items()}
            names = list(block)
            for values in zip(*(block[n] for n in names), strict=True):
                yield dict(zip(names, values, strict=True))

    def write(self, stream: IO[bytes], fmt: str, *, header: bool = True) -> None:
        """Write every row to the binary ``stream`` as ``csv``, ``tsv`` or ``ndjson`` (streamed)."""
        for i, year in enumerate(self.years):
            columns = []
            for name, (kind, values) in self._year_columns(year).items():
                if kind == "float":
                    nonzero = getattr(values, "nonzero", None)
                    columns.append(_text.Column(name, "float", values=values, nonzero=nonzero))
                else:
                    labels, index = kind
                    by = getattr(index, "by", "row")
                    columns.append(
                        _text.Column(
                            name,
                            "text" if name in self._code_names else "number",
                            labels=labels,
                            index=index,
                            by=by,
                        )
                    )
            _text.write_grid(
                stream, columns, len(year.locations), len(year.products), fmt, header=header and i == 0
            )

    def write_parquet(self, stream: IO[bytes]) -> None:
        """Write every row to the binary ``stream`` as one Parquet file (pyarrow; full double precision).

        Codes are dictionary-encoded text, metrics float64, ``mcp`` int8, counts int64; ``rca`` is
        null when presence is given. Written in row groups of about a million rows.
        """
        write_parquet_periods(stream, self.names, iter(self.years), self.presence)

    def _arrow_blocks(self, years: Iterator[YearMetrics] | None = None) -> Iterator[tuple[list[str], list[Any]]]:
        from chainlink.metrics import _arrow

        counts = {"diversity", "ubiquity"}
        for year in self.years if years is None else years:
            columns = self._year_columns(year)
            dictionaries: dict[str, Any] = {}
            for start in range(0, max(len(year), 1), _arrow.ROW_GROUP):
                stop = min(len(year), start + _arrow.ROW_GROUP)
                arrays = []
                for name, (kind, values) in columns.items():
                    if kind == "float":
                        arrays.append(_arrow.numbers(values(start, stop), np.float64))
                    elif name in self._code_names:
                        labels, index = kind
                        if name not in dictionaries:
                            dictionaries[name] = _arrow.strings(list(labels))
                        arrays.append(_arrow.categories(dictionaries[name], index(start, stop)))
                    elif name == "rca":
                        arrays.append(_arrow.nulls(stop - start))
                    elif name == "mcp":
                        arrays.append(_arrow.numbers(values(start, stop), np.int8))
                    else:
                        dtype = np.int64 if name in counts else np.float64
                        arrays.append(_arrow.numbers(values(start, stop), dtype))
                yield list(columns), arrays

    @property
    def _code_names(self) -> set[str]:
        return {self.names[k] for k in ("time", "loc", "prod") if k in self.names}

    def _year_columns(self, year: YearMetrics) -> dict[str, tuple[Any, Callable[[int, int], np.ndarray]]]:
        """name → (kind, values(start, stop)); kind is "float" or (labels, index(start, stop))."""
        n_prod = len(year.products)

        def loc_of(start: int, stop: int) -> np.ndarray:
            first, last = start // n_prod, (stop - 1) // n_prod + 1
            return np.repeat(np.arange(first, last), n_prod)[start - first * n_prod : stop - first * n_prod]

        def prod_of(start: int, stop: int) -> np.ndarray:
            first, last = start // n_prod, (stop - 1) // n_prod + 1
            return np.tile(np.arange(n_prod), last - first)[start - first * n_prod : stop - first * n_prod]

        loc_of.by = "loc"  # type: ignore[attr-defined]  # what _text.write_grid needs to know
        prod_of.by = "prod"  # type: ignore[attr-defined]

        def cells(matrix: Any) -> Callable[[int, int], np.ndarray]:
            if isinstance(matrix, np.ndarray):
                return lambda start, stop: matrix.ravel()[start:stop]

            def pick(start: int, stop: int) -> np.ndarray:
                first, last = start // n_prod, (stop - 1) // n_prod + 1
                block = matrix[first:last].toarray().ravel()
                return block[start - first * n_prod : stop - first * n_prod]

            if sp.issparse(matrix) and matrix.format == "csr":
                pick.nonzero = _csr_nonzero(matrix, n_prod)  # type: ignore[attr-defined]  # for _text.write_grid
            return pick

        def lookup(
            labels: list[str], index: Callable[[int, int], np.ndarray], values: Sequence[Any]
        ) -> tuple[Any, Callable]:
            values = list(values)
            return (labels, index), lambda start, stop: np.asarray(values, dtype=object)[index(start, stop)]

        def numbers(
            vector: np.ndarray, index: Callable[[int, int], np.ndarray], is_float: bool
        ) -> tuple[Any, Callable]:
            if is_float:
                padded = _text.float_bytes(vector)
                rows = np.ascontiguousarray(padded).view(f"S{padded.shape[1]}").ravel().tolist()
                texts = [row.translate(None, b"\0").decode() for row in rows]
            else:
                texts = [str(int(v)) for v in vector]

            def spread(start: int, stop: int) -> np.ndarray:
                # vector[index(start, stop)] without the index: repeated per location or tiled per product
                first, last = start // n_prod, (stop - 1) // n_prod + 1
                if index is loc_of:
                    block = np.repeat(vector[first:last], n_prod)
                elif index is prod_of:
                    block = np.tile(vector, last - first)
                else:
                    return vector[index(start, stop)]
                return block[start - first * n_prod : stop - first * n_prod]

            return (texts, index), spread

        def const(start: int, stop: int) -> np.ndarray:
            return np.zeros(stop - start, dtype=np.intp)

        const.by = "all"  # type: ignore[attr-defined]
        out: dict[str, tuple[Any, Callable[[int, int], np.ndarray]]] = {}
        if "time" in self.names:
            out[self.names["time"]] = lookup([str(year.time)], const, [str(year.time)])
        out[self.names["loc"]] = lookup(year.locations, loc_of, year.locations)
        out[self.names["prod"]] = lookup(year.products, prod_of, year.products)
        out[self.names["val"]] = ("float", cells(year.value))
        if year.rca is not None:
            out["rca"] = ("float", cells(year.rca))
        else:
            out["rca"] = lookup([""], const, [None])
        if self.presence in ("rpop", "both"):
            out["rpop"] = ("float", cells(year.rpop))
        mcp_cells = cells(year.mcp)
        mcp_index = lambda start, stop: mcp_cells(start, stop).astype(np.intp)  # noqa: E731
        out["mcp"] = (["0", "1"], mcp_index), mcp_index
        out["density"] = ("float", cells(year.density))
        out["eci"] = numbers(year.eci, loc_of, True)
        out["pci"] = numbers(year.pci, prod_of, True)
        out["coi"] = numbers(year.coi, loc_of, True)
        out["cog"] = ("float", cells(year.cog))
        out["diversity"] = numbers(year.diversity, loc_of, False)
        out["ubiquity"] = numbers(year.ubiquity, prod_of, False)
        return out


def _csr_nonzero(matrix: sp.csr_array, n_prod: int) -> Callable[[int, int], tuple[np.ndarray, np.ndarray]]:
    """``nonzero(start, stop)`` of a CSR grid: the rows (from ``start``, increasing) and values of its non-zero cells."""
    if not matrix.has_sorted_indices:
        matrix = matrix.sorted_indices()
    indptr, indices, data = matrix.indptr, matrix.indices, matrix.data

    def nonzero(start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        first, last = start // n_prod, (stop - 1) // n_prod + 1
        lo, hi = int(indptr[first]), int(indptr[last])
        counts = np.diff(indptr[first : last + 1])
        rows = np.repeat(np.arange(last - first, dtype=np.int64) * n_prod, counts)
        rows += indices[lo:hi]
        rows -= start - first * n_prod
        values = data[lo:hi]
        keep = (values != 0) & (rows >= 0) & (rows < stop - start)
        if keep.all():
            return rows, values
        return rows[keep], values[keep]

    return nonzero


def write_parquet_periods(
    stream: IO[bytes], names: dict[str, str], periods: Iterator[YearMetrics], presence: str
) -> None:
    """Write the rows of ``periods`` (computed as they are asked for) to ``stream`` as one Parquet file.

    Pages as :meth:`MetricsTable.write_parquet` says; besides the codes, the per-location and
    per-product columns (``eci``, ``coi``, ``diversity``, ``ubiquity``) are dictionary-encoded (a few
    thousand values repeated), ``density`` and ``cog`` are stored uncompressed (zstd took ≈ 0.5 s for
    4 million rows of them and saved 6 %), and the product code has no min/max statistics.
    """
    from chainlink.metrics import _arrow

    _arrow.write_blocks(
        stream,
        MetricsTable(names, [], presence)._arrow_blocks(periods),
        no_statistics=(names["prod"],),
        dictionary=("eci", "coi", "diversity", "ubiquity"),
        uncompressed=("density", "cog"),
    )


@dataclass
class PairTable:
    """Product × product relatedness per period (the result of :func:`relatedness_long`)."""

    names: dict[str, str]
    value_name: str
    periods: list[tuple[str | None, list[str], np.ndarray]]
    minimum: float | None = None

    @property
    def columns(self) -> list[str]:
        keys = [self.names["time"]] if "time" in self.names else []
        prod = self.names["prod"]
        return keys + [f"{prod}_1", f"{prod}_2", self.value_name]

    def _pairs(self, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if self.minimum is None:
            flat = np.arange(matrix.size)
        else:
            flat = np.flatnonzero(matrix.ravel() >= self.minimum)
        return np.divmod(flat, matrix.shape[1])

    def __len__(self) -> int:
        return sum(self._pairs(matrix)[0].size for _, _, matrix in self.periods)

    def rows(self) -> Iterator[dict[str, Any]]:
        """Rows as dicts: [time], product 1, product 2, value."""
        names = self.columns
        for label, products, matrix in self.periods:
            first, second = self._pairs(matrix)
            values = matrix[first, second].tolist()
            for i, j, v in zip(first.tolist(), second.tolist(), values, strict=True):
                row = [products[i], products[j], v]
                yield dict(zip(names, ([label] if "time" in self.names else []) + row, strict=True))

    def write(self, stream: IO[bytes], fmt: str) -> None:
        """Write every pair to the binary ``stream`` as ``csv``, ``tsv`` or ``ndjson`` (streamed)."""
        names = self.columns
        for k, (label, products, matrix) in enumerate(self.periods):
            first, second = self._pairs(matrix)
            values = matrix[first, second]
            columns = []
            if "time" in self.names:
                columns.append(
                    _text.Column(
                        names[0], "text", labels=[str(label)], index=lambda s, e: np.zeros(e - s, np.intp)
                    )
                )
            columns += [
                _text.Column(names[-3], "text", labels=products, index=lambda s, e, f=first: f[s:e]),
                _text.Column(names[-2], "text", labels=products, index=lambda s, e, g=second: g[s:e]),
                _text.Column(names[-1], "float", values=lambda s, e, v=values: v[s:e]),
            ]
            _text.write_table(stream, columns, first.size, fmt, header=k == 0)

    def write_parquet(self, stream: IO[bytes]) -> None:
        """Write every pair to the binary ``stream`` as one Parquet file (pyarrow)."""
        from chainlink.metrics import _arrow

        def blocks() -> Iterator[tuple[list[str], list[Any]]]:
            for label, products, matrix in self.periods:
                first, second = self._pairs(matrix)
                arrays = []
                if "time" in self.names:
                    arrays.append(_arrow.categories([str(label)], np.zeros(first.size, np.int64)))
                arrays += [
                    _arrow.categories(products, first),
                    _arrow.categories(products, second),
                    _arrow.numbers(matrix[first, second], np.float64),
                ]
                yield self.columns, arrays

        _arrow.write_blocks(stream, blocks())
