"""Run ``chainlink metrics compute`` on a fixed set of small inputs and keep every output, to compare two checkouts.

Run from the repository root::

    python bench/metrics_outputs.py OUTDIR                  # this checkout
    python bench/metrics_outputs.py OUTDIR2 --checkout DIR  # another checkout (e.g. main before a change)
    diff -r OUTDIR OUTDIR2                                  # no output: identical

A change to the metrics writer or maths must leave every file identical. The inputs (generated with
a fixed seed into ``OUTDIR/inputs``) cover: csv, tsv, ndjson, json, table, md and Parquet output;
``--output`` files; ``--top``, ``--bom``, ``--threshold``, ``--method reflections``; presence rca, rpop,
both and given; no time column; a Parquet input; codes with commas, quotes, tabs and Chinese; 450
products; values from 1e-7 to 1e13 (the Python fallback at ≥ 10¹²); and the error lines (a negative value,
a repeated row, a disconnected product space, a missing column, a tab-separated file, a misused option).
Each case keeps stdout, stderr and the exit status; a Parquet output is kept as its schema and rows.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CHAINLINK = "import sys; from chainlink.cli import main; sys.argv[0] = 'chainlink'; main()"
PARQUET_DUMP = (
    "import sys, pyarrow.parquet as pq; t = pq.read_table(sys.argv[1]); print(t.schema); print(t.to_pylist())"
)
HEADER = ("year", "county", "industry", "value")


def _long(n_loc: int, n_prod: int, years: int, seed: int) -> list[tuple[str, str, str, str]]:
    """Rows of a nested (ECI-like) county × industry table, ``years`` periods."""
    rng = np.random.default_rng(seed)
    capability, complexity = rng.normal(size=n_loc), rng.normal(size=n_prod)
    rows = []
    for year in range(years):
        noise = rng.normal(scale=0.3, size=(n_loc, n_prod))
        chance = 1 / (1 + np.exp(-(-0.8 + capability[:, None] - complexity[None, :] + noise)))
        loc, prod = np.nonzero(rng.random((n_loc, n_prod)) < chance)
        value = np.round(rng.lognormal(0, 1.5, loc.size) * 1000.0, 3)
        for i, j, v in zip(loc.tolist(), prod.tolist(), value.tolist(), strict=True):
            rows.append((str(2020 + year), f"{330000 + i:06d}", f"{j:04d}", repr(v)))
    return rows


def _write(path: Path, rows: list, header: tuple = HEADER, delimiter: str = ",") -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def make_inputs(folder: Path) -> None:
    """Write the inputs of the cases into ``folder`` (fixed seeds: the same files every time)."""
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / "a.csv", _long(60, 40, 2, seed=1))
    _write(folder / "b.csv", _long(200, 450, 1, seed=2))
    _write(folder / "quoted.csv", [(y, f"c,{c}", f'p"q{p}', v) for y, c, p, v in _long(30, 25, 1, seed=3)])
    names = ["杭州", "宁波", "温州", "tab\tx", "a b"]
    _write(
        folder / "zh.csv",
        [(y, names[int(c[-2:]) % 5] + c[-2:], "产业" + p, v) for y, c, p, v in _long(30, 25, 1, seed=4)],
    )
    rows = _long(40, 30, 1, seed=5)
    _write(
        folder / "disconnected.csv",
        [
            (y, c, p, repr(float(v)))
            for (y, c, p, _), v in zip(rows, np.logspace(-10, 13, len(rows)), strict=True)
        ],
    )
    rows = _long(80, 30, 1, seed=5)
    scale = 10.0 ** np.random.default_rng(55).uniform(-9, 9, size=len(rows))
    _write(
        folder / "wide.csv",
        [(y, c, p, repr(float(v) * m)) for (y, c, p, v), m in zip(rows, scale, strict=True)],
    )
    _write(folder / "given.csv", [(y, c, p, "1") for y, c, p, _ in _long(40, 30, 1, seed=6)])
    counties = sorted({row[1] for row in _long(60, 40, 2, seed=1)})
    _write(
        folder / "pop.csv",
        [(c, str(1000 + 37 * i)) for i, c in enumerate(counties)],
        header=("county", "pop"),
    )
    _write(folder / "notime.csv", [row[1:] for row in _long(50, 35, 1, seed=8)], header=HEADER[1:])
    _write(folder / "t.tsv", _long(30, 20, 1, seed=9), delimiter="\t")
    rows = _long(20, 15, 1, seed=10)
    rows[5] = (*rows[5][:3], "-1")
    _write(folder / "negative.csv", rows)
    rows = _long(20, 15, 1, seed=11)
    _write(folder / "repeated.csv", [*rows, rows[3]])
    _write(folder / "mid.csv", _long(400, 300, 1, seed=12))
    text = {"county": pa.string(), "industry": pa.string(), "year": pa.string()}
    table = pcsv.read_csv(folder / "a.csv", convert_options=pcsv.ConvertOptions(column_types=text))
    pq.write_table(table, folder / "a.parquet")


def cases(inputs: Path) -> list[list[str]]:
    """The argument lists after ``metrics compute`` (``{out}`` is replaced by the case's output file)."""
    i = str(inputs)
    names = ["--loc", "county", "--prod", "industry", "--val", "value", "--time", "year"]
    plain = ["--loc", "county", "--prod", "industry", "--val", "value"]
    pop = ["--pop", f"{i}/pop.csv"]
    return [
        [f"{i}/a.csv", *names],
        [f"{i}/a.csv", *names, "--format", "tsv"],
        [f"{i}/a.csv", *names, "--format", "ndjson"],
        [f"{i}/a.csv", *names, "--format", "json"],
        [f"{i}/a.csv", *names, "--format", "table"],
        [f"{i}/a.csv", *names, "--format", "md"],
        [f"{i}/a.csv", *names, "--output", "{out}.parquet"],
        [f"{i}/a.csv", *names, "--top", "17"],
        [f"{i}/a.csv", *names, "--bom"],
        [f"{i}/a.csv", *names, "--presence", "rpop", *pop],
        [f"{i}/a.csv", *names, "--presence", "both", *pop, "--format", "tsv"],
        [f"{i}/a.csv", *names, "--threshold", "0.8"],
        [f"{i}/a.csv", *names, "--method", "reflections"],
        [f"{i}/a.csv", *names, "--output", "{out}.csv"],
        [f"{i}/a.csv", *names, "--output", "{out}.ndjson"],
        [f"{i}/a.parquet", *names],
        [f"{i}/a.parquet", *names, "--output", "{out}.parquet"],
        [f"{i}/b.csv", *names],
        [f"{i}/b.csv", *names, "--format", "ndjson"],
        [f"{i}/quoted.csv", *names],
        [f"{i}/quoted.csv", *names, "--format", "tsv"],
        [f"{i}/quoted.csv", *names, "--format", "ndjson"],
        [f"{i}/zh.csv", *names],
        [f"{i}/zh.csv", *names, "--format", "tsv"],
        [f"{i}/zh.csv", *names, "--format", "ndjson", "--bom"],
        [f"{i}/wide.csv", *names],
        [f"{i}/wide.csv", *names, "--format", "ndjson"],
        [f"{i}/given.csv", *names, "--presence", "given"],
        [f"{i}/given.csv", *names, "--presence", "given", "--format", "tsv"],
        [f"{i}/notime.csv", *plain],
        [f"{i}/notime.csv", *plain, "--output", "{out}.parquet"],
        [f"{i}/mid.csv", *names],
        [f"{i}/mid.csv", *names, "--format", "tsv", "--no-escape-formulas"],
        [f"{i}/disconnected.csv", *names],
        [f"{i}/t.tsv", *names],
        [f"{i}/negative.csv", *names],
        [f"{i}/repeated.csv", *names],
        [f"{i}/a.csv", *names, *pop],
        [f"{i}/a.csv", "--loc", "county", "--prod", "nope", "--val", "value"],
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path, help="folder for the outputs (made; must be empty or new)")
    parser.add_argument(
        "--checkout", type=Path, default=ROOT, help="the checkout whose chainlink runs (default: this one)"
    )
    args = parser.parse_args()
    out = args.outdir.resolve()
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"{out} is not empty")
    inputs = out.parent / f"{out.name}-inputs"
    make_inputs(inputs)
    env = {
        **os.environ,
        "PYTHONPATH": str(args.checkout.resolve()) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }
    out.mkdir(parents=True, exist_ok=True)
    for k, arguments in enumerate(cases(inputs), start=1):
        stem = out / f"{k:02d}"
        command = [
            sys.executable,
            "-c",
            CHAINLINK,
            "metrics",
            "compute",
            *(a.replace("{out}", str(stem)) for a in arguments),
        ]
        # run in OUTDIR: `python -c` puts the current folder first on sys.path, so no checkout's chainlink
        done = subprocess.run(command, cwd=out, env=env, capture_output=True)
        stem.with_suffix(".out").write_bytes(done.stdout)
        stem.with_suffix(".err").write_bytes(done.stderr.replace(str(inputs).encode(), b"INPUTS"))
        stem.with_suffix(".rc").write_text(f"{done.returncode}\n")
        parquet = stem.with_suffix(".parquet")
        if parquet.exists():
            dump = subprocess.run(
                [sys.executable, "-c", PARQUET_DUMP, str(parquet)], capture_output=True, check=True
            )
            parquet.with_suffix(".parquet.txt").write_bytes(dump.stdout)
            parquet.unlink()
    print(f"{k} cases in {out} (inputs in {inputs})")


if __name__ == "__main__":
    main()
