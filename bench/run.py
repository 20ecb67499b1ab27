"""Core benchmarks: each command as a fresh process, paired with bare `python -c pass` in the same run.

Run: ``python bench/run.py [--runs N] [--only NAME ...]``. Cases: ``--help``, ``match qingtian``,
``export`` (26 counties), ``match --project``, ``build`` and ``build --check`` (on a temporary copy
of the registry, never the shipped one). Each case alternates with the reference (bare Python), so
that machine drift affects both; prints the median wall and CPU seconds (user + system of the
child), the difference and the ratio to the reference's, and the load average. On a shared machine
the CPU figures and the ratios are the ones to quote. Nothing here asserts a time.

``--baseline DIR`` also runs every command with the chainlink of another checkout (``DIR`` first on
``PYTHONPATH``, its own registry.db; e.g. ``git worktree add /tmp/before main``), in the same rounds, and
prints its CPU seconds and ``before / after``: a before/after comparison measured under the same load.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable
ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ("python -c pass", [PY, "-c", "pass"])
PROJECT = 'name: 示例合成革项目\norigin: 宁波石化经开区\ngbt: "2925"\nland_mu: 80\npollution: medium\n'


def cases(tmp: Path) -> list[tuple[str, list[str]]]:
    cl = [PY, "-m", "chainlink"]
    project = tmp / "project.yaml"
    project.write_text(PROJECT, encoding="utf-8")
    db = tmp / "registry.db"
    shutil.copyfile(ROOT / "registry.db", db)
    return [
        ("chainlink --help", [*cl, "--help"]),
        ("chainlink match qingtian", [*cl, "match", "qingtian"]),
        ("chainlink export (26 counties)", [*cl, "export", "--format", "csv"]),
        ("chainlink match --project", [*cl, "match", "--project", str(project)]),
        ("chainlink build", [*cl, "build", "--db", str(db)]),
        ("chainlink build --check", [*cl, "build", "--check", "--db", str(db)]),
    ]


def run(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one run of ``cmd``.

    Runs outside the checkout (``cwd``) so that ``-m chainlink`` is the installed one of this Python.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, cwd=cwd, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--only", nargs="*", help="run only the cases whose label contains one of these")
    parser.add_argument("--baseline", type=Path, metavar="DIR", help="also run the chainlink checkout in DIR")
    args = parser.parse_args()
    base_env = None
    if args.baseline:
        base_env = dict(os.environ, PYTHONPATH=str(args.baseline.resolve()))
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {load()}")
    print(
        f"{'command':32} {'wall s':>7} {'ref':>6} {'Δ wall':>7} {'×':>5} │ "
        f"{'cpu s':>6} {'ref':>6} {'Δ cpu':>6} {'×':>5}"
        + (f" │ {'before':>6} {'×':>5} {'b/a':>5}" if base_env else "")
    )
    with tempfile.TemporaryDirectory(prefix="chainlink-bench-") as folder:
        tmp = Path(folder)
        for label, cmd in cases(tmp):
            if args.only and not any(word in label for word in args.only):
                continue
            run(cmd, tmp)  # warm-up (file cache; the first build also settles the registry copy)
            mine, refs, base = [], [], []
            baseline = base_env is not None and "build" not in label  # build runs on this checkout's copy
            if baseline:
                run(cmd, tmp, base_env)
            for _ in range(args.runs):
                refs.append(run(REFERENCE[1], tmp))
                mine.append(run(cmd, tmp))
                if baseline:
                    base.append(run(cmd, tmp, base_env))
            wall, rwall = (statistics.median(x[0] for x in s) for s in (mine, refs))
            cpu, rcpu = (statistics.median(x[1] for x in s) for s in (mine, refs))
            ratio_wall = statistics.median(m[0] / r[0] for m, r in zip(mine, refs, strict=True))
            ratio_cpu = statistics.median(m[1] / max(r[1], 1e-3) for m, r in zip(mine, refs, strict=True))
            extra = ""
            if base:
                bcpu = statistics.median(x[1] for x in base)
                extra = f" │ {bcpu:6.3f} {bcpu / max(rcpu, 1e-3):5.1f} {bcpu / max(cpu, 1e-3):5.1f}"
            print(
                f"{label:32} {wall:7.3f} {rwall:6.3f} {wall - rwall:+7.3f} {ratio_wall:5.1f} │ "
                f"{cpu:6.3f} {rcpu:6.3f} {cpu - rcpu:+6.3f} {ratio_cpu:5.1f}{extra}",
                flush=True,
            )
    print(f"reference: {REFERENCE[0]}, run alternately with each command; {args.runs} runs each; {load()}")


if __name__ == "__main__":
    main()
