"""Benchmark ``chainlink metrics compute`` against py-ecomplexity's ``ecomplexity()``.

Run from the repository root::

    python bench/bench_metrics.py            # 1 year and 10 years of 2,850 locations × 1,381 industries
    python bench/bench_metrics.py --years 1  # only the one-year case

Both tools run as subprocesses on the same generated long CSV, and both write the full result
table (one row per year, location and industry) to a CSV file, as a user of either would. For each
run the script prints the wall time and the peak resident memory of the subprocess (from
``resource.getrusage(RUSAGE_CHILDREN)`` in a fresh measuring process), then the ratios
py-ecomplexity / chainlink. The data are synthetic but shaped like county × industry output:
about 17 % of cells are non-zero, sizes are log-normal, and presence follows a nested
capability structure (so ECI is meaningful), drifting from year to year; the seed is fixed.

py-ecomplexity needs pandas (a test-only dependency of chainlink); its run is capped at
``--reference-memory`` GB of address space so that a large case fails with MemoryError instead of
waking the out-of-memory killer.

``python bench/bench_metrics.py --vs-pandas [--runs N]`` measures the issue-14 ratio instead: the one-year
case as CSV → CSV and as Parquet → Parquet (``--format parquet``), each run alternating with a process
that only reads the same CSV with pandas (``pd.read_csv``: Python start and the pandas import
included), and prints the medians of wall and CPU seconds (user + system of the child) and the ratio
of each command to the pandas read measured in the same rounds. Each run writes a new output file (the
previous run's is removed first, untimed); "CSV → CSV, replacing" writes over the previous run's output,
which adds the file system's deletion of the old 438 MB file to the run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
LOCATIONS = 2850
INDUSTRIES = 1381
SEED = 20240605

CHAINLINK = (
    "import sys; import chainlink.cli.metrics; from chainlink.cli import main; "
    "sys.argv[0] = 'chainlink'; main()"
)
REFERENCE = """
import sys, warnings
import pandas as pd
from ecomplexity import ecomplexity
src, dst = sys.argv[1], sys.argv[2]
data = pd.read_csv(src, dtype={"county": str, "industry": str})
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    out = ecomplexity(data, {"time": "year", "loc": "county", "prod": "industry", "val": "value"})
out.to_csv(dst, index=False)
"""


def generate(path: Path, years: int, seed: int = SEED) -> int:
    """Write a long CSV (year, county, industry, value) with ``years`` years; return its row count."""
    rng = np.random.default_rng(seed)
    capability = rng.normal(size=LOCATIONS)
    complexity = rng.normal(size=INDUSTRIES)
    size_loc = rng.lognormal(0.0, 1.0, LOCATIONS)
    size_ind = rng.lognormal(0.0, 1.2, INDUSTRIES)
    base = -2.2 + 1.2 * capability[:, None] - 1.0 * complexity[None, :]
    drift = np.zeros((LOCATIONS, INDUSTRIES))
    counties = np.array([f"{330000 + i:06d}" for i in range(LOCATIONS)])
    industries = np.array([f"{i:04d}" for i in range(INDUSTRIES)])
    rows = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("year,county,industry,value\n")
        for k in range(years):
            drift += rng.normal(scale=0.15, size=drift.shape)
            chance = 1.0 / (1.0 + np.exp(-(base + drift)))
            loc, ind = np.nonzero(rng.random(drift.shape) < chance)
            value = np.round(size_loc[loc] * size_ind[ind] * rng.lognormal(0.0, 1.0, loc.size) * 1000, 1)
            year = str(2015 + k)
            fh.writelines(
                f"{year},{c},{i},{v!r}\n"
                for c, i, v in zip(
                    counties[loc].tolist(), industries[ind].tolist(), value.tolist(), strict=True
                )
            )
            rows += loc.size
    return rows


def measure(command: list[str], env: dict[str, str], memory_gb: float | None = None) -> dict:
    """Run ``command`` in a fresh measuring process; return wall seconds, peak MB and status."""
    probe = (
        "import json, resource, subprocess, sys, time\n"
        "limit = float(sys.argv[1])\n"
        "def cap():\n"
        "    if limit > 0:\n"
        "        resource.setrlimit(resource.RLIMIT_AS, (int(limit * 2**30), int(limit * 2**30)))\n"
        "start = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=cap)\n"
        "wall = time.perf_counter() - start\n"
        "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "peak = usage.ru_maxrss / 1024\n"
        "print(json.dumps({'wall': wall, 'cpu': usage.ru_utime + usage.ru_stime, 'peak_mb': peak,\n"
        "                  'status': done.returncode,\n"
        "                  'stderr': done.stderr.decode(errors='replace')[-600:]}))\n"
    )
    limit = str(memory_gb or 0)
    done = subprocess.run(
        [sys.executable, "-c", probe, limit, *command], env=env, capture_output=True, text=True
    )
    return json.loads(done.stdout)


def load() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "load average unknown"
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


PANDAS_READ = """
import sys
import pandas as pd
pd.read_csv(sys.argv[1], dtype={"county": str, "industry": str})
"""


def vs_pandas(work: Path, env: dict[str, str], runs: int, baseline: Path | None = None) -> None:
    """The one-year case, CSV → CSV and Parquet → Parquet, each against a pandas-only read of the CSV.

    With ``baseline`` (another checkout), its chainlink runs the same commands in the same rounds.
    """
    import statistics

    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    os.chdir(work)  # `python -c` puts the current folder first on sys.path: not a checkout's chainlink
    data = work / "long_1y.csv"
    rows = generate(data, 1)
    parquet = work / "long_1y.parquet"
    text = {"county": pa.string(), "industry": pa.string(), "year": pa.string()}
    pq.write_table(pcsv.read_csv(data, convert_options=pcsv.ConvertOptions(column_types=text)), parquet)
    names = ["--loc", "county", "--prod", "industry", "--val", "value", "--time", "year"]
    csv_out, replaced_out, parquet_out = work / "out.csv", work / "out_replaced.csv", work / "out.parquet"
    cases = {
        "CSV → CSV": [sys.executable, "-c", CHAINLINK, "metrics", "compute", str(data), *names,
                      "--output", str(csv_out)],
        "CSV → CSV, replacing": [sys.executable, "-c", CHAINLINK, "metrics", "compute", str(data), *names,
                                 "--output", str(replaced_out)],
        "Parquet → Parquet": [sys.executable, "-c", CHAINLINK, "metrics", "compute", str(parquet), *names,
                              "--format", "parquet", "--output", str(parquet_out)],
    }  # fmt: skip
    # Each run writes a new file, as the first run does: the previous run's output is removed before it, untimed.
    # "replacing" keeps it, so the run's atomic rename replaces a 438 MB file: on ext4 here the kernel frees the
    # old file's blocks inside that rename, ≈ 0.4 s of wall time (≈ 0.05 CPU s) that belongs to deleting the old
    # output rather than to computing and writing the new one.
    outputs = {"CSV → CSV": csv_out, "Parquet → Parquet": parquet_out}
    reference = [sys.executable, "-c", PANDAS_READ, str(data)]
    envs = {name: env for name in cases}
    if baseline is not None:
        before = {**env, "PYTHONPATH": str(baseline.resolve()) + os.pathsep + env.get("PYTHONPATH", "")}
        for name in list(cases):
            cases[f"{name} (before)"] = cases[name]
            envs[f"{name} (before)"] = before
            if name in outputs:
                outputs[f"{name} (before)"] = outputs[name]
    measure(cases["CSV → CSV, replacing"], env)  # the file the timed runs replace
    print(f"\none year: {rows:,} input rows; {runs} runs, each command alternating with the pandas read")
    times: dict[str, list[dict]] = {name: [] for name in [*cases, "pandas read"]}
    for _ in range(runs):
        for name, command in cases.items():
            times["pandas read"].append(measure(reference, env))
            if name in outputs:
                outputs[name].unlink(missing_ok=True)
            result = measure(command, envs[name])
            if result["status"] != 0:
                raise SystemExit(f"{name} failed: {result['stderr'].strip()}")
            times[name].append(result)
    ref_wall = statistics.median(r["wall"] for r in times["pandas read"])
    ref_cpu = statistics.median(r["cpu"] for r in times["pandas read"])
    print(f"  {'command':22s} {'wall s':>8s} {'cpu s':>8s} {'× pandas (wall)':>16s} {'× pandas (cpu)':>15s}")
    for name, results in times.items():
        wall = statistics.median(r["wall"] for r in results)
        cpu = statistics.median(r["cpu"] for r in results)
        print(f"  {name:22s} {wall:8.2f} {cpu:8.2f} {wall / ref_wall:16.2f} {cpu / ref_cpu:15.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--years", type=int, nargs="+", default=[1, 10], help="cases to run (default: 1 10)")
    parser.add_argument("--skip-reference", action="store_true", help="time chainlink only")
    parser.add_argument("--reference-memory", type=float, default=18.0, help="GB cap for py-ecomplexity")
    parser.add_argument("--keep", action="store_true", help="keep the generated files (in bench/results/)")
    parser.add_argument("--vs-pandas", action="store_true", help="the issue-14 ratio: one year against pandas' read")
    parser.add_argument("--runs", type=int, default=3, help="runs of each command with --vs-pandas (default 3)")
    parser.add_argument("--baseline", type=Path, metavar="DIR", help="with --vs-pandas: also run the checkout in DIR")
    args = parser.parse_args()

    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    work = Path(tempfile.mkdtemp(prefix="bench_metrics_"))
    print(f"chainlink metrics benchmark: {LOCATIONS} locations × {INDUSTRIES} industries, seed {SEED}")
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, {os.cpu_count()} CPUs, {load()}")
    results = []
    if args.vs_pandas:
        try:
            vs_pandas(work, env, args.runs, args.baseline)
            print(f"\n{load()}")
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return
    try:
        for years in args.years:
            data = work / f"long_{years}y.csv"
            started = time.perf_counter()
            rows = generate(data, years)
            print(
                f"\n{years} year(s): {rows:,} input rows, {data.stat().st_size / 1e6:.0f} MB "
                f"(generated in {time.perf_counter() - started:.0f} s)"
            )
            ours = measure(
                [
                    sys.executable,
                    "-c",
                    CHAINLINK,
                    "metrics",
                    "compute",
                    str(data),
                    "--loc",
                    "county",
                    "--prod",
                    "industry",
                    "--val",
                    "value",
                    "--time",
                    "year",
                    "--output",
                    str(work / "chainlink.csv"),
                ],
                env,
            )
            report("chainlink metrics compute", ours, work / "chainlink.csv")
            reference = None
            if not args.skip_reference:
                reference = measure(
                    [sys.executable, "-c", REFERENCE, str(data), str(work / "ecomplexity.csv")],
                    env,
                    args.reference_memory,
                )
                report("py-ecomplexity ecomplexity()", reference, work / "ecomplexity.csv")
                if ours["status"] == 0 and reference["status"] == 0:
                    print(
                        f"  ratio (py-ecomplexity / chainlink): time {reference['wall'] / ours['wall']:.1f}×, "
                        f"peak memory {reference['peak_mb'] / ours['peak_mb']:.1f}×"
                    )
            results.append({"years": years, "rows": rows, "chainlink": ours, "ecomplexity": reference})
            for name in ("chainlink.csv", "ecomplexity.csv"):
                (work / name).unlink(missing_ok=True)
        print(f"\n{load()}")
        if args.keep:
            keep = ROOT / "bench" / "results"
            keep.mkdir(parents=True, exist_ok=True)
            (keep / "bench_metrics.json").write_text(json.dumps(results, indent=2))
            for path in work.glob("long_*.csv"):
                shutil.move(str(path), keep / path.name)
            print(f"kept the data and bench_metrics.json in {keep}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(name: str, result: dict, output: Path) -> None:
    if result["status"] != 0:
        why = "out of memory" if "MemoryError" in result["stderr"] else f"exit {result['status']}"
        print(f"  {name:30s} FAILED ({why}) after {result['wall']:.1f} s, peak {result['peak_mb']:.0f} MB")
        print("    " + result["stderr"].strip().splitlines()[-1] if result["stderr"].strip() else "")
        return
    size = output.stat().st_size / 1e6 if output.exists() else 0.0
    print(f"  {name:30s} {result['wall']:8.1f} s   peak {result['peak_mb']:7.0f} MB   output {size:.0f} MB")


if __name__ == "__main__":
    main()
