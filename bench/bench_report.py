"""Report benchmark: `chainlink report --all` (26 county pages + index) against `chainlink export` (26 counties).

Run: ``python bench/bench_report.py [--runs N]``. Each command runs as a fresh process, alternating with the
reference (`export`, which computes the same 26 suggestion lists without rendering) in the same run so that
machine drift affects both; prints the median, min and max of each and the ratio. Pages go to a temporary
folder; the total size written is printed too. Nothing here asserts a time (the issue's target: under 10 s).
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


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="chainlink-bench-") as tmp:
        site = Path(tmp) / "site"
        reference = ("chainlink export (26 counties)", [PY, "-m", "chainlink", "export", "--format", "csv"])
        cases = [
            ("chainlink report --all", [PY, "-m", "chainlink", "report", "--all", "-o", str(site)]),
            ("chainlink report --all -f md", [PY, "-m", "chainlink", "report", "--all", "-f", "md", "-o",
                                              str(Path(tmp) / "md")]),
        ]
        print(f"{'command':32} {'median s':>9} {'min s':>7} {'max s':>7} {'ref s':>7} {'ratio':>6}")
        for label, cmd in cases:
            wall(cmd)  # warm-up (file cache)
            times, refs = [], []
            for _ in range(args.runs):
                refs.append(wall(reference[1]))
                times.append(wall(cmd))
            med, ref = statistics.median(times), statistics.median(refs)
            print(f"{label:32} {med:9.3f} {min(times):7.3f} {max(times):7.3f} {ref:7.3f} {med / ref:6.1f}")
        files = list(site.iterdir())
        size = sum(p.stat().st_size for p in files)
        print(f"report --all wrote {len(files)} files, {size / 1e6:.1f} MB "
              f"(largest {max(p.stat().st_size for p in files) / 1e6:.2f} MB)")
    print(f"reference: {reference[0]}, measured alternately with each command; {args.runs} runs each")


if __name__ == "__main__":
    main()
