"""Which loops of the relief kernel LLVM vectorised: its loop-vectorize remarks, by line of adulthood/_kernel.py.

Compiles ``relief_step`` afresh (an empty Numba cache in a temporary folder, debug line information on, so that
each remark names its source line) on a few hundred adults, and prints one line per loop of the kernel file:
``vectorized loop (vectorization width: 4, ...)`` or why not.

    python benchmarks/relief_remarks.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import sys
import llvmlite.binding as llvm
import numpy as np
import attachsim
sys.path.insert(0, {bench!r})
from adult_kernels import relief_args
from attachsim.adulthood import _kernel as k
from attachsim.core.rng import step_key_np
n = 300
sim = attachsim.simulation("normative", n=n, seed=11, years=20)
sim.pop.add(n)
sim.pop.i32[sim.layout.row("birth_step"), :n] = -2000
sim.pop.i32[sim.layout.row("partner"), :n] = -1
rs, rt_f, rt_i, rt_b, par, thr, w, acc, key = relief_args(sim)
for kind in ("", "-missed", "-analysis"):
    llvm.set_option("", f"--pass-remarks{{kind}}=loop-vectorize")
pop = sim.pop
k.relief_step(pop.f32, pop.i32, pop.i8, rs, rt_f, rt_i, rt_b, par, thr, w, acc, step_key_np(key, 5), np.int64(5),
              np.int64(n))
"""


def main() -> None:
    bench = str(Path(__file__).resolve().parent)
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache, "NUMBA_DEBUGINFO": "1", "NUMBA_NUM_THREADS": "1"}
        out = subprocess.run([sys.executable, "-c", CHILD.format(bench=bench)], env=env, capture_output=True,
                             text=True, check=True)
    kernel = Path(bench).parent / "src" / "attachsim" / "adulthood" / "_kernel.py"
    source = kernel.read_text().splitlines()
    seen: set[tuple[int, str]] = set()
    for line in (out.stdout + out.stderr).splitlines():
        if "_kernel.py:" not in line or "remark" not in line or "explicitly disabled" in line \
                or "interleaving is not beneficial" in line:
            continue
        where, _, what = line.partition("_kernel.py:")[2].partition(": ")
        seen.add((int(where.split(":")[0]), what.strip()))
    for number, what in sorted(seen):
        print(f"{number:4d} {source[number - 1].strip()[:40]:40s} {what}")


if __name__ == "__main__":
    main()
