"""Compiling the kernels once per machine (:mod:`attachsim.warm`)."""

import os
import subprocess
import sys

import attachsim
from attachsim.warm import kernels_cached


def test_kernels_cached_tells_an_empty_cache_from_a_filled_one(tmp_path):
    attachsim.run("normative", n=50, seed=1)  # compiles the kernels or loads them from this checkout's cache
    assert kernels_cached()
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", "from attachsim.warm import kernels_cached; print(kernels_cached())"],
                         env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
