"""Who people are: ids, sex, birth week, generation."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from .mechanism import Mechanism, i8, i32, owned
from .rng import normals, uniforms

if TYPE_CHECKING:
    from .engine import Simulation


class Demography(Mechanism):
    """Identity, sex and birth of every person; temperament drawn at birth."""

    key = "demography"
    label = "population and birth"
    summary = "stable ids, sex, birth week, generation; temperament (reactivity) drawn at birth"
    states = owned(
        key,
        i32("id", -1, "index", "Stable id: the person's column in the population."),
        i8("sex", 0, "code", "0 male, 1 female."),
        i32("birth_step", 0, "week", "Simulation week of birth."),
        i8("generation", 0, "count", "0 for the first generation."),
    )

    def init_people(self, sim: Simulation, ids: npt.NDArray[np.int32]) -> None:
        """Draw sex and temperament (reactivity) for newborns."""
        female = sim.scenario.population.female_share
        sim.pop["sex"][ids] = (uniforms(sim.seed, "init.sex", 0, ids) < female).astype(np.int32)
        sim.pop["birth_step"][ids] = sim.step_now
        sd = sim.scenario.parameters.distress.reactivity_sd
        z = normals(sim.seed, "init.reactivity", 0, ids)
        # lognormal with mean 1: exp(sd * z - sd^2 / 2)
        sim.pop["reactivity"][ids] = np.exp(sd * z - 0.5 * sd * sd).astype(np.float32)
