"""Build benchmark: `chainlink build` and `chainlink build --check` against bare `python -c pass`.

Run: ``python bench/bench_build.py [--runs N]``. Each command runs as a fresh process, alternating with the
reference (bare Python) in the same run so that machine drift affects both; prints the median, min and max
of each, the difference and the ratio to the reference. The build writes to a temporary registry (never the
shipped one); `--check` checks that file. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable
REFERENCE = ("python -c pass", [PY, "-c", "pass"])


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="chainlink-bench-") as tmp:
        db = str(Path(tmp) / "registry.db")
        cases = [
            ("chainlink build", [PY, "-m", "chainlink", "build", "--db", db]),
            ("chainlink build --check", [PY, "-m", "chainlink", "build", "--check", "--db", db]),
        ]
        print(
            f"{'command':28} {'median s':>9} {'min s':>7} {'max s':>7} {'ref s':>7} {'Δ vs ref':>9} {'ratio':>6}"
        )
        for label, cmd in cases:
            wall(cmd)  # warm-up (file cache; the first build also creates the registry for --check)
            times, refs = [], []
            for _ in range(args.runs):
                refs.append(wall(REFERENCE[1]))
                times.append(wall(cmd))
            med, ref = statistics.median(times), statistics.median(refs)
            print(
                f"{label:28} {med:9.3f} {min(times):7.3f} {max(times):7.3f} {ref:7.3f} {med - ref:+9.3f} {med / ref:6.1f}"
            )
    print(f"reference: {REFERENCE[0]}, measured alternately with each command; {args.runs} runs each")


if __name__ == "__main__":
    main()
