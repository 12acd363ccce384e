"""The caregiving environment of MODEL §5: exogenous caregivers and adversity schedules."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from ..core.columns import Column, count
from ..core.mechanism import Mechanism
from ..core.rng import normals, uniforms
from ..core.timeline import weeks
from .profiles import CAREGIVING_PARAMETERS, PARAMETER_MAX, PARENT_PROFILE, PROFILE_CODES, PROFILES

if TYPE_CHECKING:
    from ..core.engine import Simulation
    from ..scenarios.schema import AdversitySchedule


class Caregiving(Mechanism):
    """Each child's caregiver: drawn from a profile, shifted by socioeconomic risk and adversity.

    The six parameters are set at birth from the scenario's profile (or mixture) with
    per-caregiver variation; each week the kernel turns them, the adversity schedules
    and the caregiver's dysregulation into that week's behaviour (M2).
    """

    def columns(self, sim: Simulation) -> tuple[Column, ...]:
        """The caregiver's profile, socioeconomic risks, and whether threat or deprivation was scheduled."""
        profiles = np.array(list(PROFILES), dtype=object)

        def profile(s: Simulation) -> object:
            code = s.pop["profile"]
            return np.where(code == PARENT_PROFILE, "parent", profiles[np.maximum(code, 0)])

        def exposed(kind: str) -> Column:
            return Column(f"{kind}_exposed", "bool", "flag", f"{kind} scheduled (intensity > 0, for some weeks)",
                          "share", lambda s: (s.pop[f"{kind}_intensity"] > 0)
                          & (s.pop[f"{kind}_end_w"] > s.pop[f"{kind}_onset_w"]))

        return (
            Column("profile", "str", "profile", "caregiver profile ('parent': a simulated parent, M10)", "share",
                   profile, categories=(*PROFILES, "parent")),
            count("ses_risks", "int32", "count", "cumulative socioeconomic risks in the home"),
            exposed("threat"),
            exposed("deprivation"),
        )

    def init_people(self, sim: Simulation, ids: npt.NDArray[np.int32]) -> None:
        """Draw each newborn's caregiver from the scenario's profile or mixture."""
        spec = sim.scenario.caregiving
        pop, seed = sim.pop, sim.seed
        weights = spec.weights()
        names = list(weights)
        cum = np.cumsum([weights[name] for name in names])
        u = uniforms(seed, "init.profile", 0, ids)
        which = np.minimum(np.searchsorted(cum / cum[-1], u, side="right"), len(names) - 1)
        pop["profile"][ids] = np.array([PROFILE_CODES[name] for name in names], dtype=np.int32)[which]
        for param in CAREGIVING_PARAMETERS:
            mean = np.empty(len(ids))
            sd = np.empty(len(ids))
            for j, name in enumerate(names):
                m, s = PROFILES[name].dist(param)
                override = getattr(spec.overrides, param)
                if override is not None:
                    m, s = override.mean, override.sd
                mean[which == j] = m
                sd[which == j] = s
            value = mean + sd * normals(seed, f"init.caregiver.{param}", 0, ids)
            pop[f"cg_{param}"][ids] = np.clip(value, 0.0, PARAMETER_MAX[param]).astype(np.float32)
        risk = spec.ses_risk
        if risk.risks > 0 and risk.share > 0:
            at_risk = uniforms(seed, "init.ses_risk", 0, ids) < risk.share
            r_ids = ids[at_risk]
            pop["ses_risks"][r_ids] = risk.risks
            dys = pop["cg_dysregulation"][r_ids] + risk.risks * risk.dysregulation_per_risk
            pop["cg_dysregulation"][r_ids] = np.clip(dys, 0.0, 1.0)
            sens = pop["cg_sensitivity"][r_ids] - risk.risks * risk.sensitivity_per_risk
            pop["cg_sensitivity"][r_ids] = np.clip(sens, 0.0, 1.0)
        for kind in ("threat", "deprivation"):
            schedule: AdversitySchedule | None = getattr(sim.scenario.adversity, kind)
            if schedule is None or schedule.intensity == 0 or schedule.share == 0:
                continue
            exposed = ids[uniforms(seed, f"init.{kind}", 0, ids) < schedule.share]
            spread = schedule.intensity_spread
            z = normals(seed, f"init.{kind}.intensity", 0, exposed)
            level = schedule.intensity * np.exp(spread * z - 0.5 * spread * spread)
            pop[f"{kind}_intensity"][exposed] = np.clip(level, 0.0, 1.0).astype(np.float32)
            onset = weeks(months=schedule.onset_months)
            pop[f"{kind}_onset_w"][exposed] = onset
            pop[f"{kind}_end_w"][exposed] = onset + weeks(months=schedule.duration_months)
