"""Measure M8's ``liability_scale``: the SD, across adults, of the person-level mean drive from the model's own causes.

The drive's own causes are the need (arousal that regulation does not bring down) and the strategy and isolation
pulls; habit and tolerance are left out (they are consequences of use) and so are the liabilities being scaled.
Each week from 12 to 25 years (where the model's onsets fall) every person's need + pulls is added up; the SD of the
per-person means is printed per regulator. ``liability_scale`` is alcohol's (the best-studied regulator).
Development helper (not run by CI): ``python3 scripts/relief_drive_sd.py [N] [SEED]`` (3000, 1000).
"""

from __future__ import annotations

import sys

import numpy as np

import attachsim
from attachsim.adulthood import relief
from attachsim.core.timeline import WEEKS_PER_YEAR


class DriveRecorder:
    """Sums each person's weekly need + pulls between two ages."""

    def __init__(self, n: int, lo: float = 12.0, hi: float = 25.0) -> None:
        self.total = np.zeros((len(relief.REGULATORS), n))
        self.weeks = np.zeros(n)
        self.lo, self.hi = lo * WEEKS_PER_YEAR, hi * WEEKS_PER_YEAR

    def record(self, sim: attachsim.Simulation, step: int) -> None:
        """Add this week's need and pulls of everyone between the two ages."""
        pop = sim.pop
        n = self.weeks.size
        age = step - pop["birth_step"][:n].astype(np.int64)
        ids = np.nonzero((age >= self.lo) & (age < self.hi))[0]
        if ids.size == 0:
            return
        p = sim.scenario.parameters.relief
        w = relief.pull_weights(p)
        need = np.maximum(0.0, pop["arousal"][ids] - p.need_regulation * pop["regulation"][ids])
        single = relief.single(age[ids], pop["partner"][ids])
        for t in range(len(relief.REGULATORS)):  # strategy and isolation pulls, no liabilities
            self.total[t, ids] += need + relief.pull(pop["hyperactivation"][ids], pop["deactivation"][ids], single,
                                                     0.0, 0.0, w[relief.W_HYPER, t], w[relief.W_DEACT, t],
                                                     w[relief.W_SINGLE, t], 0.0, 0.0)
        self.weeks[ids] += 1

    def finish(self, sim: attachsim.Simulation, results: object) -> None:
        """Nothing to do after the run."""
        pass


def main() -> None:
    """Run, then print the SDs."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    sim = attachsim.simulation("normative", n=n, seed=seed, years=25.0)
    rec = DriveRecorder(n)
    sim.recorders.append(rec)  # type: ignore[arg-type]
    sim.run()
    seen = rec.weeks > 0
    sds = []
    for t, name in enumerate(relief.REGULATORS):
        mean = rec.total[t, seen] / rec.weeks[seen]
        sds.append(mean.std())
        print(f"{name}: person-level mean drive (need + pulls), ages 12-25: mean {mean.mean():.3f}, "
              f"SD {mean.std():.3f}, n {mean.size}")
    print("drive_sd_<regulator>: " + ", ".join(f"{t} {sd:.3f}" for t, sd in zip(relief.REGULATORS, sds, strict=True)))


if __name__ == "__main__":
    main()
