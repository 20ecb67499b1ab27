"""Dedupe benchmark: `enterprises dedupe` on N generated enterprises against every pair scored, same run.

Run: ``python bench/bench_dedupe.py [--rows 300000] [--ref-rows 4000]``. Two scenarios, each in a fresh
process (so that peak memory is its own):

- ``diverse``: N enterprise names from ~2,500 common characters (distinctive part 2–4 characters +
  industry word + legal form, some with a province or county prefix), 2% near-duplicates (one character
  changed, added or dropped), all compared with each other;
- ``alike``: N names that differ only in a 3-character part inside a shared frame (浙江XYZ智能科技有限公司),
  26 places, ``--within-place`` (the case that ran for 10 minutes at 9.5 GB before).

For each: the time and peak RSS of :func:`chainlink.store.dedupe.candidate_pairs` on all N rows, and the
reference: every pair scored (``process.cdist`` with a cutoff, the old approach) on ``--ref-rows`` rows,
timed in the same process and extrapolated quadratically to N. The blocked search on the reference rows
must find exactly the pairs the reference finds (checked, printed). Prints the ratio of the extrapolated
reference to the new time. Target (issue 15): 300,000 rows under a minute with bounded memory. Nothing
here asserts a time.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

INDUSTRY = ["鞋业", "阀门", "石雕", "汽配", "服装", "电子", "机械", "新材料", "化工", "医药", "食品", "光学", "泵业"]
FORMS = ["有限公司", "股份有限公司", "有限责任公司", "集团有限公司"]
PREFIXES = ["", "", "浙江", "丽水", "青田", "衢州市", "龙泉市"]
PLACES = ["331121", "330881", "331181", "330825", "331122", "331123", "331124", "331125", "331126", "331127"]


def common_chars() -> list[str]:
    """GB2312 level-1 characters (the ~3,755 most common), as a realistic alphabet for names."""
    out = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                out.append(bytes([hi, lo]).decode("gb2312"))
    return out


def diverse(n: int, seed: int = 1) -> list[dict[str, str]]:
    rng = random.Random(seed)
    chars = common_chars()
    rows = []
    for i in range(n):
        if rows and rng.random() < 0.02:
            base = rng.choice(rows)["name_zh"]
            edit = list(base)
            where = rng.randrange(len(PREFIXES[0]) + 2, len(edit) - 4) if len(edit) > 6 else 0
            edit[where] = rng.choice(chars)
            name = "".join(edit)
        else:
            core = "".join(rng.choice(chars) for _ in range(rng.randint(2, 4)))
            name = rng.choice(PREFIXES) + core + rng.choice(INDUSTRY) + rng.choice(FORMS)
        rows.append({"credit_code": f"C{i:08d}", "name_zh": name, "county_code": rng.choice(PLACES)})
    return rows


def alike(n: int, seed: int = 2) -> list[dict[str, str]]:
    rng = random.Random(seed)
    chars = common_chars()
    places = [f"3311{k:02d}" for k in range(26)]
    return [
        {
            "credit_code": f"A{i:08d}",
            "name_zh": "浙江" + "".join(rng.choice(chars) for _ in range(3)) + "智能科技有限公司",
            "county_code": places[i % 26],
        }
        for i in range(n)
    ]


def run(scenario: str, rows: int, ref_rows: int) -> dict[str, object]:
    from chainlink.store.dedupe import _all_pairs, _similar_keys, candidate_pairs, name_key

    data = (diverse if scenario == "diverse" else alike)(rows)
    within = scenario == "alike"
    places = ["浙江", "丽水", "青田", "衢州市", "龙泉市"]
    start = time.perf_counter()
    pairs = candidate_pairs(data, places, within_place=within)
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # reference: every pair scored, on a subset of distinct keys (one group), and the blocked search on it
    subset = data[:ref_rows] if not within else [r for r in data if r["county_code"] == data[0]["county_code"]]
    subset = subset[:ref_rows]
    keys = sorted({name_key(r["name_zh"], places) for r in subset})
    start = time.perf_counter()
    exact = {(i, j): s for i, j, s in _all_pairs(keys, 85.0)}
    ref_seconds = time.perf_counter() - start
    blocked = {(i, j): s for i, j, s in _similar_keys(keys, 85.0, max_candidates=10**9)}
    groups = 26 if within else 1
    per_group = rows / groups
    extrapolated = ref_seconds * (per_group / len(keys)) ** 2 * groups
    return {
        "scenario": scenario,
        "rows": rows,
        "pairs": len(pairs),
        "seconds": round(seconds, 2),
        "peak_rss_mib": round(rss),
        "ref_keys": len(keys),
        "ref_seconds": round(ref_seconds, 2),
        "ref_extrapolated_seconds": round(extrapolated),
        "ref_pairs": len(exact),
        "blocked_equals_ref": blocked == exact,
        "speedup": round(extrapolated / seconds, 1) if seconds else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--ref-rows", type=int, default=4_000)
    parser.add_argument("--scenario", choices=["diverse", "alike"])
    args = parser.parse_args()
    if args.scenario:
        print(json.dumps(run(args.scenario, args.rows, args.ref_rows)))
        return
    for scenario in ("diverse", "alike"):
        out = subprocess.run(
            [sys.executable, __file__, "--scenario", scenario, "--rows", str(args.rows), "--ref-rows", str(args.ref_rows)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        r = json.loads(out)
        print(
            f"{r['scenario']:8} {r['rows']:,} rows: {r['seconds']} s, peak RSS {r['peak_rss_mib']} MiB, "
            f"{r['pairs']:,} pairs | every pair scored on {r['ref_keys']:,} keys: {r['ref_seconds']} s "
            f"→ {r['ref_extrapolated_seconds']:,} s extrapolated to {r['rows']:,} "
            f"({r['speedup']}× slower than blocked); blocked = all-pairs on the subset: {r['blocked_equals_ref']}"
        )


if __name__ == "__main__":
    main()
