"""Import benchmark: `chainlink import enterprises` of N rows against plain sqlite3 executemany, same run.

Run: ``python bench/bench_import.py [--rows 1000000] [--runs 1]``. Writes a CSV of N valid enterprise
rows (real check digits, county names and codes mixed, GB/T codes) to a temporary folder, then, each
in a fresh process and alternating:

- ``plain``: ``csv.reader`` → one ``executemany`` INSERT into ``user_enterprises`` of a copy of the
  registry, in one transaction, default pragmas (no checks at all);
- ``plain-tuned``: the same with the pragmas chainlink's writer uses (256 MiB page cache, WAL,
  synchronous=NORMAL), so that the ratio against it is the cost of chainlink's checks alone;
- ``chainlink``: :func:`chainlink.imports.import_file` into another copy (every check, upsert, log).

Prints wall time, rows/s, peak resident memory of each process and the ratios chainlink / plain and
chainlink / plain-tuned.
Targets (issue #7): 1,000,000 rows under 60 s and within 2× of plain. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = [
    "credit_code",
    "name_zh",
    "county_code",
    "gbt_codes",
    "size",
    "chain_leader",
    "source",
    "confidence",
]


def make_csv(path: Path, rows: int, registry: Path) -> None:
    from chainlink.base.credit import ALPHABET, complete

    conn = sqlite3.connect(registry)
    counties = [r for r in conn.execute("SELECT code, name_zh, short_zh FROM counties")]
    codes = [r[0] for r in conn.execute("SELECT code FROM industries WHERE level = 4 AND section = 'C'")]
    conn.close()
    rng = random.Random(7)
    seen: set[str] = set()
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(COLUMNS)
        for i in range(rows):
            code, name_zh, short = counties[i % len(counties)]
            while True:
                body = "9133" + code[2:6] + "".join(rng.choice(ALPHABET) for _ in range(9))
                credit = complete(body)
                if credit not in seen:
                    seen.add(credit)
                    break
            county = (code, name_zh, short)[i % 3]
            gbt = ";".join(rng.sample(codes, 1 + i % 2))
            writer.writerow(
                [
                    credit,
                    f"测试{i}号{short}制造有限公司",
                    county,
                    gbt,
                    ("小型", "中型", "large")[i % 3],
                    i % 2,
                    "bench",
                    "sample",
                ]
            )


def plain(csv_path: Path, db: Path, tuned: bool = False) -> int:
    """Plain sqlite3: read the CSV and executemany it into user_enterprises (no checks)."""
    conn = sqlite3.connect(db)
    if tuned:
        conn.execute("PRAGMA cache_size = -262144")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    with open(csv_path, encoding="utf-8", newline="") as fh, conn:
        reader = csv.reader(fh)
        next(reader)
        conn.execute(
            "INSERT INTO user_import_log (id, kind, file, file_sha256, format, started_at) "
            "VALUES (1, 'enterprises', 'bench', '', 'csv', '')"
        )
        conn.executemany(
            "INSERT INTO user_enterprises VALUES (?, ?, ?, ?, '', ?, '', ?, ?, ?, ?, 1)",
            ((r[0], r[0], r[1], r[2], r[3], r[4], int(r[5]), r[6], r[7]) for r in reader),
        )
        count = conn.execute("SELECT count(*) FROM user_enterprises").fetchone()[0]
    if tuned:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    return count


def chainlink(csv_path: Path, db: Path) -> int:
    from chainlink.imports import import_file

    report = import_file("enterprises", csv_path, db)
    assert report.rows_rejected == 0, report.errors[:3]
    return report.inserted


def worker(kind: str, csv_path: Path, db: Path) -> None:
    start = time.perf_counter()
    if kind == "chainlink":
        count = chainlink(csv_path, db)
    else:
        count = plain(csv_path, db, tuned=kind == "plain-tuned")
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"kind": kind, "rows": count, "seconds": seconds, "peak_mib": peak_kib / 1024}))


def run_worker(kind: str, csv_path: Path, registry: Path, folder: Path) -> dict:
    db = folder / f"{kind}.db"
    shutil.copyfile(registry, db)
    out = subprocess.run(
        [sys.executable, __file__, "--worker", kind, str(csv_path), str(db)],
        check=True,
        capture_output=True,
        text=True,
    )
    os.unlink(db)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--worker", nargs=3, metavar=("KIND", "CSV", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, csv_path, db = args.worker
        worker(kind, Path(csv_path), Path(db))
        return
    from chainlink.store.migrations import migrate_registry
    from chainlink.store.registry import find_registry

    with tempfile.TemporaryDirectory(prefix="chainlink-bench-") as tmp:
        folder = Path(tmp)
        registry = folder / "registry.db"
        shutil.copyfile(find_registry(None), registry)
        migrate_registry(registry)
        csv_path = folder / "enterprises.csv"
        start = time.perf_counter()
        make_csv(csv_path, args.rows, registry)
        size = csv_path.stat().st_size
        print(f"{args.rows:,} rows, {size / 1e6:.1f} MB CSV written in {time.perf_counter() - start:.1f} s")
        results: dict[str, list[dict]] = {"plain": [], "plain-tuned": [], "chainlink": []}
        for _ in range(args.runs):
            for kind in results:
                results[kind].append(run_worker(kind, csv_path, registry, folder))
        print(f"{'':12} {'median s':>9} {'rows/s':>10} {'peak MiB':>9}")
        medians = {}
        for kind, runs in results.items():
            med = statistics.median(r["seconds"] for r in runs)
            medians[kind] = med
            peak = max(r["peak_mib"] for r in runs)
            assert all(r["rows"] == args.rows for r in runs), runs
            print(f"{kind:12} {med:9.2f} {args.rows / med:10,.0f} {peak:9.0f}")
        ratio = medians["chainlink"] / medians["plain"]
        tuned = medians["chainlink"] / medians["plain-tuned"]
        print(
            f"ratio chainlink / plain: {ratio:.2f}×, chainlink / plain-tuned: {tuned:.2f}× "
            f"({args.runs} run(s) each, alternating; fresh processes)"
        )


if __name__ == "__main__":
    main()
