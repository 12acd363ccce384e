"""SHA-256 of the people tables of the reference scenarios (structure changes must leave them identical).

Usage: python3 scripts/structure_hashes.py [--threads 1 2] [--sorted] [--out FILE]

``--sorted`` hashes the table with its columns in name order (with each column's dtype in the hash): the
people table is assembled from the mechanisms' column declarations, so its column order follows the plan,
while every column's name, dtype and values must stay the same.

Each scenario runs 40 years with seed 11 in a fresh process per thread count; kernels are forced onto the
parallel path (PARALLEL_MIN_PEOPLE = 0) so the two thread counts really differ in how work is shared out.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

SCENARIOS = {"normative": 3000, "high-risk": 3000, "maltreated": 3000, "intergenerational": 3000, "inconsistent": 3000}
SEED = 11
YEARS = 40

_CHILD = """
import hashlib, json, sys, numba, attachsim
import attachsim.core.parallel
attachsim.core.parallel.PARALLEL_MIN_PEOPLE = 0
assert numba.get_num_threads() == {threads}
out = {{}}
for name, n in {scenarios!r}.items():
    res = attachsim.run(name, n=n, seed={seed}, years={years})
    people = res.people
    if {sort}:
        people = people[sorted(people.columns)]
    text = people.to_csv(index=False) + repr([str(t) for t in people.dtypes]) * {sort}
    out[name] = hashlib.sha256(text.encode()).hexdigest()
print(json.dumps(out))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--sorted", action="store_true", help="columns in name order, dtypes hashed too")
    ap.add_argument("--out")
    args = ap.parse_args()
    result: dict[str, dict[str, str]] = {}
    for threads in args.threads:
        env = {**os.environ, "NUMBA_NUM_THREADS": str(threads)}
        code = _CHILD.format(threads=threads, scenarios=SCENARIOS, seed=SEED, years=YEARS, sort=bool(args.sorted))
        proc = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
        result[f"threads={threads}"] = json.loads(proc.stdout.strip().splitlines()[-1])
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        with open(args.out, "w") as fh:
            fh.write(text + "\n")


if __name__ == "__main__":
    main()
