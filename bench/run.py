"""Core benchmarks: cold `chainlink --help` against bare `python -c pass`, `match qingtian`, full `export`.

Run: ``python bench/run.py [--runs N]``. Every command runs as a fresh process, alternating with the
reference (bare Python) in the same run so that machine drift affects both; prints medians and the
difference/ratio against the reference. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

PY = sys.executable
CASES = [
    ("chainlink --help", [PY, "-m", "chainlink", "--help"]),
    ("chainlink match qingtian", [PY, "-m", "chainlink", "match", "qingtian"]),
    ("chainlink match qingtian -f json", [PY, "-m", "chainlink", "match", "qingtian", "-f", "json"]),
    ("chainlink export (26 counties)", [PY, "-m", "chainlink", "export", "--format", "csv"]),
    ("chainlink build --check", [PY, "-m", "chainlink", "build", "--check"]),
]
REFERENCE = ("python -c pass", [PY, "-c", "pass"])


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(
        f"{'command':36} {'median s':>9} {'min s':>7} {'max s':>7} {'ref s':>7} {'Δ vs ref':>9} {'ratio':>6}"
    )
    for label, cmd in CASES:
        wall(cmd)  # warm-up (file cache), not counted
        times, refs = [], []
        for _ in range(args.runs):
            refs.append(wall(REFERENCE[1]))
            times.append(wall(cmd))
        med, ref = statistics.median(times), statistics.median(refs)
        print(
            f"{label:36} {med:9.3f} {min(times):7.3f} {max(times):7.3f} {ref:7.3f} {med - ref:+9.3f} {med / ref:6.1f}"
        )
    print(f"reference: {REFERENCE[0]}, measured alternately with each command; {args.runs} runs each")


if __name__ == "__main__":
    main()
