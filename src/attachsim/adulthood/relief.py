"""M8 compulsive relief-seeking (MODEL §6; seed 0, S0-4, S0-7, S0-9).

From about 12 years, when arousal exceeds what regulation can bring down, a person may
use a regulator (alcohol, drugs, food, sex, love). Use brings immediate relief (negative
reinforcement) and strengthens a habit; tolerance grows with use and, when use stops,
produces rebound dysphoria (Solomon & Corbit 1974; Koob & Le Moal 2001), so use begets
use. The compulsive-use criterion is met when the habit is strong and use continues
week after week.

**Which relief** (S0-7): each regulator adds its own pull to the drive. Relational relief
(love: seeking a partner's presence to quiet fear of abandonment) is pulled by
hyperactivation and pushed away by deactivation; solitary relief (sex as "a solo act",
alcohol and drugs) by deactivation and by being an adult without a partner; food by
dysregulation alone (the shared need). **Other causes** (issue 15 item 4): a heritable
liability per regulator and, for the substances, a shared-environment risk (peers,
neighbourhood), both drawn at birth on their own random streams and scaled by the shares
twin studies give them. **Stopping and relapse**: a person in compulsive use may stop
(a quit attempt, likelier with good regulation); an abstinent person lapses when the same
drive (stress, cue-triggered habit, withdrawal, isolation, liability, less what regulation
brings down) exceeds the use threshold by more than the resolve to abstain. Relapse is
therefore not a rate of its own: it follows from the drive, and falls as the habit fades.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ..core.columns import Column, count, is_one
from ..core.laws import kernel_law, sigmoid
from ..core.mechanism import Mechanism, f32, i8, i32, owned
from ..core.params import ParamModel, param
from ..core.rng import normals
from ..core.state import StateSpec
from ..core.timeline import ADULT_W

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
CAL = ("calibrated by hand on seed 1000 (docs/relief.md): to the survey ranges of docs/relief.md, the sex "
       "thresholds to Dickenson et al. 2018 at age 35, the sex ratios cited")


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
    craving_regulation: float = param(
        0.3, 0.0, 1.0, unit="share of craving removed at regulation 1",
        meaning="Regulation damps the cue-triggered craving of a habit (S0-4, S0-9).",
        source="assumption, direction from Kober et al. 2010 (cognitive regulation lowers cue-induced craving)")
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
    quit_per_year: float = param(
        0.03, 0.0, 1.0, unit="per year at regulation 0.5",
        meaning="Yearly chance that a compulsive user stops (a quit attempt that starts abstinence), times "
                "(0.5 + regulation).",
        source="calibrated by hand on seed 1000 (docs/relief.md) toward Lopez-Quintero et al. 2011 (half of "
               "alcohol dependence remitted 14 years after onset, most without treatment); remission is mostly "
               "maturing out, and this rate moves it little")
    resolve: float = param(
        1.0, 0.0, 5.0, unit="drive",
        meaning="While abstinent, use (a lapse) needs this much more drive than the use threshold.",
        source="assumption: at the usual threshold a lapse is 6 logits (about 400 times) less likely than use; "
               "lapses then come from stress (Sinha 2001), cue-triggered habit (Carter & Tiffany 1999) and "
               "withdrawal, and fall as the habit fades (Hunt, Barnett & Branch 1971: most relapse within months)")
    love_hyperactivation: float = param(
        3.0, 0.0, 20.0, unit="drive per unit hyperactivation",
        meaning="Relational relief (love) is pulled by hyperactivation (S0-7): one adult SD (about 0.08) adds 0.25.",
        source="assumption, direction from Topino et al. 2023 (preoccupied and fearful attachment go with love "
               "addiction) and a meta-analysis of 15 studies (doi 10.1556/2006.2025.00031: anxiety r = .39, "
               "avoidance r = -.09): the strongest strategy pull of the five")
    love_deactivation: float = param(
        -1.2, -20.0, 20.0, unit="drive per unit deactivation",
        meaning="Deactivation pushes away from relational relief: one adult SD (about 0.05) takes 0.06.",
        source="assumption: a quarter of the anxiety pull per SD, the ratio of the two meta-analytic r's "
               "(.09 / .39, doi 10.1556/2006.2025.00031)")
    sex_deactivation: float = param(
        2.0, 0.0, 20.0, unit="drive per unit deactivation",
        meaning="Solitary sex is pulled by deactivation (S0-7, 'a solo act'): one adult SD adds 0.10.",
        source="assumption, direction from Engel et al. 2019 (attachment avoidance set men with hypersexual "
               "disorder apart from controls); as for the substances (a first value of 3.0 made almost every "
               "adolescent episode remit, lifetime five times current)")
    substance_deactivation: float = param(
        2.0, 0.0, 20.0, unit="drive per unit deactivation",
        meaning="Alcohol and drugs are pulled by deactivation ('turn into themselves'): one adult SD adds 0.10.",
        source="assumption, direction from Schindler 2019 (insecure, mostly avoidant-fearful attachment in "
               "substance use disorders)")
    isolation_pull: float = param(
        0.1, 0.0, 5.0, unit="drive",
        meaning="An adult without a partner is drawn to solitary relief (sex, alcohol, drugs).",
        source="assumption, direction from Grant et al. 2015 (AUD most prevalent among the never married) and "
               "seed 0 ('cementing their original isolation')")
    liability_scale: float = param(
        0.305, 0.0, 5.0, unit="drive",
        meaning="SD, across people, of the person-level mean drive to alcohol from the model's own causes (need, "
                "strategy and isolation pulls) over ages 12-25, where the model's onsets fall: the one unit in "
                "which every regulator's heritable and shared-environment liabilities are scaled.",
        source="measured: scripts/relief_drive_sd.py, normative, seed 1000, 3,000 people (12-35 gives 0.205, "
               "which let attachment carry most of the variance where use begins)")
    heritability_alcohol: float = param(
        0.49, 0.0, 0.9, unit="share of liability variance", meaning="Heritable share of alcohol liability.",
        source="Verhulst, Neale & Kendler 2015 (meta-analysis of twin and adoption studies: 0.49)")
    heritability_drugs: float = param(
        0.55, 0.0, 0.9, unit="share of liability variance", meaning="Heritable share of drug liability.",
        source="Kendler et al. 2014 (Swedish national twin-sibling study: 55% in men, 73% in women)")
    heritability_food: float = param(
        0.45, 0.0, 0.9, unit="share of liability variance", meaning="Heritable share of eating-for-relief liability.",
        source="Javaras et al. 2008 (binge eating disorder, family and twin study: 0.41-0.57)")
    heritability_sex: float = param(
        0.35, 0.0, 0.9, unit="share of liability variance", meaning="Heritable share of compulsive-sex liability.",
        source="assumption: no twin estimate of CSB located; below the substance use disorders")
    heritability_love: float = param(
        0.35, 0.0, 0.9, unit="share of liability variance", meaning="Heritable share of love-addiction liability.",
        source="assumption: no twin estimate located; as for sex")
    shared_env_alcohol: float = param(
        0.10, 0.0, 0.5, unit="share of liability variance",
        meaning="Shared-environment share of alcohol liability (peers, neighbourhood, family).",
        source="Verhulst, Neale & Kendler 2015 (0.10)")
    shared_env_drugs: float = param(
        0.23, 0.0, 0.5, unit="share of liability variance",
        meaning="Shared-environment share of drug liability (peers, neighbourhood deprivation, family SES).",
        source="Kendler et al. 2014 (23% in men, mostly community-wide)")
    threshold_alcohol_male: float = param(
        1.71, -2.0, 5.0, unit="drive", meaning="Drive at which a man uses alcohol in half the weeks.",
        source="Grant et al. 2015 (alcohol use disorder about 1.7 times as common in men); " + CAL)
    threshold_alcohol_female: float = param(
        1.82, -2.0, 5.0, unit="drive", meaning="Drive at which a woman uses alcohol in half the weeks.",
        source="Grant et al. 2015; " + CAL)
    threshold_drugs_male: float = param(
        2.25, -2.0, 5.0, unit="drive", meaning="Drive at which a man uses drugs in half the weeks.",
        source="Grant et al. 2016 (drug use disorder about 1.6 times as common in men); " + CAL)
    threshold_drugs_female: float = param(
        2.35, -2.0, 5.0, unit="drive", meaning="Drive at which a woman uses drugs in half the weeks.",
        source="Grant et al. 2016; " + CAL)
    threshold_food_male: float = param(
        1.42, -2.0, 5.0, unit="drive", meaning="Drive at which a man eats for relief in half the weeks.",
        source="Hudson et al. 2007 (binge eating about 1.75 times as common in women); " + CAL)
    threshold_food_female: float = param(
        1.33, -2.0, 5.0, unit="drive", meaning="Drive at which a woman eats for relief in half the weeks.",
        source="Hudson et al. 2007; " + CAL)
    threshold_sex_male: float = param(
        1.7, -2.0, 5.0, unit="drive", meaning="Drive at which a man uses sex for relief in half the weeks.",
        source="Dickenson et al. 2018 (10.3% of men above the clinical threshold); " + CAL)
    threshold_sex_female: float = param(
        1.76, -2.0, 5.0, unit="drive", meaning="Drive at which a woman uses sex for relief in half the weeks.",
        source="Dickenson et al. 2018 (7.0% of women); " + CAL)
    threshold_love_male: float = param(
        1.66, -2.0, 5.0, unit="drive", meaning="Drive at which a man seeks relief in love or a relationship.",
        source="Sussman, Lisha & Griffiths 2011 (love addiction about 3% of US adults over 12 months, a soft "
               "estimate); equal for both sexes (Sussman 2010); " + CAL)
    threshold_love_female: float = param(
        1.66, -2.0, 5.0, unit="drive", meaning="Drive at which a woman seeks relief in love or a relationship.",
        source="as for men (Sussman 2010); " + CAL)


def _relief_states() -> tuple[StateSpec, ...]:
    specs: list[StateSpec] = [f32("peer_risk", 0.0, "z", "Shared-environment risk for substance use (peers, "
                                  "neighbourhood): standard normal, drawn at birth.")]
    for t in REGULATORS:
        specs += [
            f32(f"habit_{t}", 0.0, "0-1", f"Habit strength of {t} use (learned, cue-triggered)."),
            f32(f"tolerance_{t}", 0.0, "0-1", f"Tolerance (opponent process) for {t}."),
            f32(f"recent_use_{t}", 0.0, "0-1", f"Share of recent weeks with {t} use (8-week average)."),
            f32(f"compulsive_{t}_onset_age", float("nan"), "years", f"Age when {t} use first met the criterion."),
            f32(f"liability_{t}", 0.0, "z", f"Heritable liability to {t} use: standard normal, drawn at birth."),
            i8(f"use_state_{t}", NOT_ABSTINENT, "code", f"{t}: {NOT_ABSTINENT} not abstinent, {ABSTINENT} abstinent "
               "after stopping (UseState)."),
            i8(f"compulsive_{t}_ever", 0, "flag", f"{t} use has met the compulsive criterion."),
            i32(f"relapses_{t}", 0, "count", f"Relapses (lapses) into {t} use after abstinence."),
        ]
    return tuple(specs)


def pull_weights(p: ReliefParams) -> npt.NDArray[np.float64]:
    """(5, 5) drive per unit of hyperactivation, deactivation, being single, liability and peer risk, by regulator.

    Rows: :data:`W_HYPER`, :data:`W_DEACT`, :data:`W_SINGLE`, :data:`W_GENE`, :data:`W_PEER`; columns
    :data:`REGULATORS`. The liabilities are scaled so that, beside the model's own causes of the person-level drive
    (SD ``liability_scale``), the heritable part has the share ``heritability_<t>`` and the shared environment
    ``shared_env_<t>`` of the total variance.
    """
    w = np.zeros((5, len(REGULATORS)), dtype=np.float64)
    col = {t: i for i, t in enumerate(REGULATORS)}
    w[W_HYPER, col["love"]] = p.love_hyperactivation
    w[W_DEACT, col["love"]] = p.love_deactivation
    w[W_DEACT, col["sex"]] = p.sex_deactivation
    for t in ("alcohol", "drugs"):
        w[W_DEACT, col[t]] = p.substance_deactivation
    for t in ("alcohol", "drugs", "sex"):
        w[W_SINGLE, col[t]] = p.isolation_pull
    for t in REGULATORS:
        h2 = float(getattr(p, f"heritability_{t}"))
        c2 = float(getattr(p, f"shared_env_{t}", 0.0))
        rest = max(1e-6, 1.0 - h2 - c2)
        w[W_GENE, col[t]] = p.liability_scale * np.sqrt(h2 / rest)
        w[W_PEER, col[t]] = p.liability_scale * np.sqrt(c2 / rest)
    return w


#: Rows of :func:`pull_weights`.
W_HYPER, W_DEACT, W_SINGLE, W_GENE, W_PEER = range(5)


class Relief(Mechanism):
    """M8: relief-seeking with regulators, habit, tolerance, stopping and relapse."""

    key = "m8_relief"
    label = "M8 compulsive relief-seeking"
    heritable = tuple(f"liability_{t}" for t in REGULATORS)
    summary = "need = arousal - regulation; each regulator's pull (strategy, isolation, liability); use relieves " \
        "arousal, builds habit and tolerance; tolerance rebounds; criterion = strong habit + continued use; " \
        "quit; lapse when the drive beats the threshold plus resolve"
    kernel = "relief"
    writes = ("arousal",)  # use relieves this week's arousal (negative reinforcement)
    stages = ("adolescence", "adulthood")
    Params = ReliefParams
    states = owned(key, *_relief_states())

    def init_people(self, sim: Simulation, ids: npt.NDArray[np.int32]) -> None:
        """Draw each newborn's heritable liabilities (one per regulator) and peer risk, each on its own stream."""
        sim.pop["peer_risk"][ids] = normals(sim.seed, "init.relief_peer_risk", 0, ids).astype(np.float32)
        for t in REGULATORS:
            sim.pop[f"liability_{t}"][ids] = normals(sim.seed, f"init.relief_liability_{t}", 0, ids).astype(np.float32)

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
def single(age_w: Any, partner: Any) -> Any:
    """1.0 for an adult (18 or older, in weeks) without a partner, else 0.0: isolation's share of the pull."""
    return ((age_w >= ADULT_W) & (partner < 0)) * 1.0


@kernel_law
def pull(hyper: Any, deact: Any, single: Any, gene: Any, peer: Any, w_hyper: Any, w_deact: Any, w_single: Any,
         w_gene: Any, w_peer: Any) -> Any:
    """What draws this person to this regulator beyond the shared need: strategy (S0-7), isolation, liability."""
    return w_hyper * hyper + w_deact * deact + w_single * single + w_gene * gene + w_peer * peer


@kernel_law
def drive(arousal: Any, need_regulation: Any, reg: Any, rebound_weight: Any, tol: Any, habit_weight: Any,
          habit: Any, craving_regulation: Any, pull_: Any) -> Any:
    """The drive to use: unrelieved arousal, withdrawal, the habit's craving (damped by regulation) and the pull."""
    need = np.maximum(0.0, arousal - need_regulation * reg)
    return need + rebound_weight * tol + habit_weight * habit * (1.0 - craving_regulation * reg) + pull_


@kernel_law
def use_chance(access: Any, habit: Any, gain: Any, drive_: Any, threshold: Any) -> Any:
    """Weekly chance of use: half-likely at the threshold drive (threshold + resolve: a lapse) within full reach.

    Access limits a first use; a habit finds its own supply (assumption): reach = access + (1 - access) x habit,
    so no access means no use, ever.
    """
    return (access + (1.0 - access) * habit) * sigmoid(gain * (drive_ - threshold))


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
