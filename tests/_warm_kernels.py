"""Compile (and cache) the adult and assessment kernels, for the test session's second core.

A clean checkout has no Numba cache, and the first test that runs a population compiles every kernel one after the
other (about 100 s on the 2-core CI machine, the development kernel alone about 60 s). ``tests/conftest.py`` starts
this script in a second process when the session starts, so that the relief, M9, Strange Situation and
questionnaire kernels compile on the other core while the first test compiles the development kernel; that test
then loads them from the cache. It runs a small population with the development step left out (so that script
does not compile the development kernel a second time); nothing it computes is read.
"""

import attachsim
import attachsim.development._runner as runner

runner.development_step = lambda *args: None  # type: ignore[assignment]  # compile everything but this kernel
attachsim.run("normative", n=300, seed=1, years=40)
