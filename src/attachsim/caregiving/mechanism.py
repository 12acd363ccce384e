"""The caregiving environment of MODEL §5: exogenous caregivers and adversity schedules."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from ..core.columns import Column, count
from ..core.mechanism import Mechanism, f32, i8, i32, owned
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

    key = "caregiving"
    stages = ("infancy", "childhood", "adolescence")
    label = "caregiving environment (MODEL §5)"
    summary = "weekly sensitivity = profile sensitivity, lowered by dysregulation and deprivation, " \
        "+ inconsistency noise; harm raised by threat"
    kernel = "development"
    states = owned(
        key,
        i8("profile", -1, "code", "Caregiver profile (index into attachsim.caregiving.PROFILES)."),
        i32("caregiver", -1, "id", "Caregiver's id, or -1 for an exogenous profile caregiver."),
        f32("cg_availability", 0.9, "0-1", "Share of distress episodes at which the caregiver is present."),
        f32("cg_sensitivity", 0.6, "0-1", "Probability that a present caregiver soothes a bid promptly."),
        f32("cg_inconsistency", 0.1, "SD", "Week-to-week SD of sensitivity."),
        f32("cg_rejection", 0.1, "0-1", "Probability of rebuffing a bid for contact."),
        f32("cg_harm", 0.0, "0-1", "Probability of an abusive response per bid (before adversity)."),
        f32("cg_dysregulation", 0.1, "0-1", "Caregiver's chronic stress, depression or anxiety."),
        i8("ses_risks", 0, "count", "Number of cumulative socioeconomic risks in the home."),
        f32("threat_intensity", 0.0, "0-1", "Intensity of scheduled threat (active harm)."),
        i32("threat_onset_w", 0, "week of age", "First week of scheduled threat."),
        i32("threat_end_w", 0, "week of age", "First week after scheduled threat."),
        f32("deprivation_intensity", 0.0, "0-1", "Intensity of scheduled deprivation (absent input)."),
        i32("deprivation_onset_w", 0, "week of age", "First week of scheduled deprivation."),
        i32("deprivation_end_w", 0, "week of age", "First week after scheduled deprivation."),
    )

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
