"""Who people are: ids, sex, birth week, generation (no model: temperament belongs to M1)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from .columns import Column, count
from .mechanism import Mechanism, i8, i32, owned
from .rng import uniforms

if TYPE_CHECKING:
    from .engine import Simulation


class Demography(Mechanism):
    """Identity, sex and birth of every person."""

    key = "demography"
    label = "population and birth"
    summary = "stable ids, sex, birth week, generation"
    stages = ("infancy", "childhood", "adolescence", "adulthood")
    states = owned(
        key,
        i32("id", -1, "index", "Stable id: the person's column in the population."),
        i8("sex", 0, "code", "0 male, 1 female."),
        i32("birth_step", 0, "week", "Simulation week of birth."),
        i8("generation", 0, "count", "0 for the first generation."),
    )

    def columns(self, sim: Simulation) -> tuple[Column, ...]:
        """Id, sex (F/M) and generation."""
        return (
            Column("id", "int32", "index", "stable id", "none", lambda s: s.pop["id"].copy()),
            Column("sex", "str", "F/M", "sex", "share", lambda s: np.where(s.pop["sex"] == 1, "F", "M"),
                   categories=("F", "M")),
            count("generation", "int32", "count", "generation (0 for the first)", "none"),
        )

    def init_people(self, sim: Simulation, ids: npt.NDArray[np.int32]) -> None:
        """Draw sex and record the week of birth of newborns."""
        female = sim.scenario.population.female_share
        sim.pop["sex"][ids] = (uniforms(sim.seed, "init.sex", 0, ids) < female).astype(np.int32)
        sim.pop["birth_step"][ids] = sim.step_now
