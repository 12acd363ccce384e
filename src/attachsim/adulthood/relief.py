"""M8 compulsive relief-seeking (MODEL §6; seed 0, S0-4, S0-7, S0-9).

From about 12 years, when arousal exceeds what regulation can bring down, a person may
use a regulator (alcohol, drugs, food, sex, love). Use brings immediate relief (negative
reinforcement) and strengthens a habit; tolerance grows with use and, when use stops,
produces rebound dysphoria (Solomon & Corbit 1974; Koob & Le Moal 2001), so use begets
use. The compulsive-use criterion is met when the habit is strong and use continues
week after week. People who meet it may stop (a quit attempt, likelier with good
regulation); relapse after abstinence is driven by stress and cues and is less likely
when regulation is high.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING, Any

import numpy as np

from ..core.columns import Column, count, is_one
from ..core.laws import kernel_law, sigmoid
from ..core.mechanism import Mechanism, f32, i8, i32, owned
from ..core.params import ParamModel, param
from ..core.state import StateSpec

if TYPE_CHECKING:
    from ..core.engine import Simulation

REGULATORS = ("alcohol", "drugs", "food", "sex", "love")


class UseState(IntEnum):
    """Codes of the int8 states ``use_state_<regulator>``."""

    NOT_ABSTINENT = 0  # free to use (whether or not one does)
    ABSTINENT = 2  # abstinent after stopping; only a relapse ends it


#: The codes as plain ints, for Numba kernels and NumPy comparisons.
NOT_ABSTINENT = int(UseState.NOT_ABSTINENT)
ABSTINENT = int(UseState.ABSTINENT)
#: Weekly rate of the running share of recent weeks with use (``recent_use_<regulator>``): an 8-week average,
#: which is what "use week after week" means in the compulsive criterion; part of the criterion's unit.
RECENT = 1.0 / 8.0
CAL = ("calibrated by hand on seed 1000: sex thresholds to Dickenson et al. 2018 at age 35; the others set "
       "relative to them by the sex ratios cited")


class ReliefParams(ParamModel):
    """Relief-seeking: who uses, how habit and tolerance grow, who stops and who relapses."""

    start_age: float = param(12.0, 8.0, 30.0, unit="years", meaning="Age from which regulators are used.",
                             source="MODEL §6 M8 (from about age 12)")
    need_regulation: float = param(
        1.0, 0.0, 5.0, unit="arousal per unit regulation",
        meaning="Arousal that regulation brings down by itself; the rest is need for relief.", source="rationale",
    )
    use_gain: float = param(6.0, 0.0, 50.0, unit="logit per unit drive", meaning="Steepness of weekly use.",
                            source="rationale")
    habit_weight: float = param(1.0, 0.0, 10.0, unit="drive per unit habit",
                                meaning="Habit (cue-triggered wanting) adds to the drive to use.",
                                source="Everitt & Robbins 2005 (from goal-directed to habitual use)")
    rebound_weight: float = param(0.5, 0.0, 10.0, unit="drive per unit tolerance",
                                  meaning="Tolerance adds withdrawal dysphoria to the drive.",
                                  source="Solomon & Corbit 1974; Koob & Le Moal 2001")
    relief: float = param(0.35, 0.0, 1.0, unit="share of arousal", meaning="Arousal relieved by one week of use.",
                          source="rationale: negative reinforcement (Baker et al. 2004)")
    habit_rate: float = param(0.04, 0.0, 1.0, unit="per week of use", meaning="Growth of habit with use.",
                              source="rationale")
    habit_decay: float = param(0.02, 0.0, 1.0, unit="per week without use", meaning="Decay of habit.",
                               source="rationale: habits outlast abstinence (cue reactivity persists)")
    tolerance_rate: float = param(0.03, 0.0, 1.0, unit="per week of use", meaning="Growth of tolerance.",
                                  source="rationale")
    tolerance_decay: float = param(0.02, 0.0, 1.0, unit="per week without use", meaning="Decay of tolerance.",
                                   source="rationale")
    rebound: float = param(0.1, 0.0, 5.0, unit="arousal per unit tolerance",
                           meaning="Rebound dysphoria in a week without use.", source="Koob & Le Moal 2001")
    criterion_habit: float = param(0.6, 0.0, 1.0, unit="habit", meaning="Habit strength of the compulsive criterion.",
                                   source="rationale: loss of control with continued use (DSM-5; ICD-11 6C72)")
    criterion_use: float = param(0.5, 0.0, 1.0, unit="share of recent weeks",
                                 meaning="Recent weekly use of the compulsive criterion (use despite harm).",
                                 source="rationale")
    quit_per_year: float = param(0.3, 0.0, 1.0, unit="per year at regulation 0.5",
                                 meaning="Yearly chance that a compulsive user stops, times (0.5 + regulation).",
                                 source="rationale")
    relapse_per_week: float = param(0.01, 0.0, 1.0, unit="per week",
                                    meaning="Base weekly chance of relapse during abstinence.",
                                    source="Hunt, Barnett & Branch 1971 (most relapse within months)")
    relapse_stress: float = param(2.0, 0.0, 20.0, unit="per unit arousal", meaning="Stress-driven relapse.",
                                  source="Sinha 2001")
    relapse_cue: float = param(2.0, 0.0, 20.0, unit="per unit habit", meaning="Cue-driven relapse.",
                               source="rationale: cue reactivity (Carter & Tiffany 1999)")
    relapse_regulation: float = param(0.8, 0.0, 1.0, unit="share removed at regulation 1",
                                      meaning="Regulation protects against relapse (S0-9).", source="rationale")
    threshold_alcohol_male: float = param(
        0.8, -2.0, 5.0, unit="drive", meaning="Drive at which a man uses alcohol in half the weeks.",
        source="Grant et al. 2015 (alcohol use disorder about 1.7 times as common in men); " + CAL)
    threshold_alcohol_female: float = param(
        0.9, -2.0, 5.0, unit="drive", meaning="Drive at which a woman uses alcohol in half the weeks.",
        source="Grant et al. 2015; " + CAL)
    threshold_drugs_male: float = param(
        0.9, -2.0, 5.0, unit="drive", meaning="Drive at which a man uses drugs in half the weeks.",
        source="Grant et al. 2016 (drug use disorder about 1.6 times as common in men); " + CAL)
    threshold_drugs_female: float = param(
        1.0, -2.0, 5.0, unit="drive", meaning="Drive at which a woman uses drugs in half the weeks.",
        source="Grant et al. 2016; " + CAL)
    threshold_food_male: float = param(
        0.95, -2.0, 5.0, unit="drive", meaning="Drive at which a man eats for relief in half the weeks.",
        source="Hudson et al. 2007 (binge eating about 1.75 times as common in women); " + CAL)
    threshold_food_female: float = param(
        0.85, -2.0, 5.0, unit="drive", meaning="Drive at which a woman eats for relief in half the weeks.",
        source="Hudson et al. 2007; " + CAL)
    threshold_sex_male: float = param(
        0.68, -2.0, 5.0, unit="drive", meaning="Drive at which a man uses sex for relief in half the weeks.",
        source="Dickenson et al. 2018 (10.3% of men above the clinical threshold); " + CAL)
    threshold_sex_female: float = param(
        0.73, -2.0, 5.0, unit="drive", meaning="Drive at which a woman uses sex for relief in half the weeks.",
        source="Dickenson et al. 2018 (7.0% of women); " + CAL)
    threshold_love_male: float = param(
        1.0, -2.0, 5.0, unit="drive", meaning="Drive at which a man seeks relief in love or a relationship.",
        source="rationale: no population estimate of love addiction (Sussman 2010); equal for both sexes")
    threshold_love_female: float = param(
        1.0, -2.0, 5.0, unit="drive", meaning="Drive at which a woman seeks relief in love or a relationship.",
        source="rationale: as for men (Sussman 2010)")


def _relief_states() -> tuple[StateSpec, ...]:
    specs: list[StateSpec] = []
    for t in REGULATORS:
        specs += [
            f32(f"habit_{t}", 0.0, "0-1", f"Habit strength of {t} use."),
            f32(f"tolerance_{t}", 0.0, "0-1", f"Tolerance (opponent process) for {t}."),
            f32(f"recent_use_{t}", 0.0, "0-1", f"Share of recent weeks with {t} use (8-week average)."),
            f32(f"compulsive_{t}_onset_age", float("nan"), "years", f"Age when {t} use first met the criterion."),
            i8(f"use_state_{t}", NOT_ABSTINENT, "code", f"{t}: {NOT_ABSTINENT} not abstinent, {ABSTINENT} abstinent "
               "after stopping (UseState)."),
            i8(f"compulsive_{t}_ever", 0, "flag", f"{t} use has met the compulsive criterion."),
            i32(f"relapses_{t}", 0, "count", f"Relapses into {t} use after abstinence."),
        ]
    return tuple(specs)


class Relief(Mechanism):
    """M8: relief-seeking with regulators, habit, tolerance, stopping and relapse."""

    key = "m8_relief"
    label = "M8 compulsive relief-seeking"
    summary = "need = arousal - regulation; use relieves arousal, builds habit and tolerance; tolerance rebounds; " \
        "criterion = strong habit + continued use; quit and relapse"
    kernel = "relief"
    writes = ("arousal",)  # use relieves this week's arousal (negative reinforcement)
    stages = ("adolescence", "adulthood")
    Params = ReliefParams
    states = owned(key, *_relief_states())

    def columns(self, sim: Simulation) -> tuple[Column, ...]:
        """Per regulator: ever compulsive, and relapses after abstinence."""
        cols: list[Column] = []
        for t in REGULATORS:
            cols.append(Column(f"compulsive_{t}_ever", "bool", "flag", f"{t} use has met the compulsive criterion",
                               "share", is_one(f"compulsive_{t}_ever")))
            cols.append(count(f"relapses_{t}", "int16", "count", f"relapses into {t} use after abstinence"))
        return tuple(cols)


# ----------------------------------------------------------------------------- laws (see attachsim.core.laws)

@kernel_law
def compulsive(habit: Any, recent: Any, state: Any, criterion_habit: Any, criterion_use: Any) -> Any:
    """The compulsive-use criterion: a strong habit, use week after week, and not abstinent."""
    return (habit >= criterion_habit) & (recent >= criterion_use) & (state != ABSTINENT)


@kernel_law
def relapse_chance(base: Any, stress: Any, arousal: Any, cue: Any, habit: Any, protection: Any, reg: Any) -> Any:
    """Weekly chance of relapse during abstinence: stress and cues raise it, regulation lowers it (S0-9)."""
    return base * (1.0 + stress * arousal + cue * habit) * (1.0 - protection * reg)


@kernel_law
def drive(arousal: Any, need_regulation: Any, reg: Any, rebound_weight: Any, tol: Any, habit_weight: Any,
          habit: Any) -> Any:
    """The drive to use: arousal that regulation does not bring down, withdrawal dysphoria and habit."""
    need = np.maximum(0.0, arousal - need_regulation * reg)
    return need + rebound_weight * tol + habit_weight * habit


@kernel_law
def use_chance(access: Any, gain: Any, drive_: Any, threshold: Any) -> Any:
    """Weekly chance of use with this access, half-likely at the threshold drive."""
    return access * sigmoid(gain * (drive_ - threshold))


@kernel_law
def after_use(arousal: Any, habit: Any, tol: Any, recent: Any, relief: Any, habit_rate: Any,
              tolerance_rate: Any) -> tuple[Any, Any, Any, Any]:
    """A week of use: arousal relieved; habit, tolerance and recent use grow."""
    return (arousal * (1.0 - relief), habit + habit_rate * (1.0 - habit), tol + tolerance_rate * (1.0 - tol),
            recent + RECENT * (1.0 - recent))


@kernel_law
def after_no_use(arousal: Any, habit: Any, tol: Any, recent: Any, rebound: Any, habit_decay: Any,
                 tolerance_decay: Any) -> tuple[Any, Any, Any, Any]:
    """A week without use: tolerance rebounds as dysphoria; habit, tolerance and recent use decay."""
    return (arousal + rebound * tol, habit * (1.0 - habit_decay), tol * (1.0 - tolerance_decay),
            recent * (1.0 - RECENT))


@kernel_law
def quit_chance(weekly: Any, reg: Any) -> Any:
    """Weekly chance that a compulsive user stops: the weekly base times (0.5 + regulation)."""
    return weekly * (0.5 + reg)
