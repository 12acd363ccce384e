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
**Adult life events** (issue 15 item 4, a cause outside attachment): adults meet chance stressful
events (job loss, bereavement, separation, illness, money) that add stress, fading over weeks;
the stress adds to the arousal that drives relief, brought down by regulation (the need) and
buffered by a responsive partner (co-regulation), so late onsets and late relapses follow
events, in the dysregulated and the unpartnered most.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ..core.columns import Column, count, is_one
from ..core.laws import kernel_law, sigmoid
from ..core.mechanism import Mechanism, f32, i8, i32, owned
from ..core.params import ParamModel
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


class ReliefParams(ParamModel):
    """Relief-seeking: who uses, how habit and tolerance grow, who stops and who relapses."""

    start_age: float
    need_regulation: float
    use_gain: float
    habit_weight: float
    craving_regulation: float
    rebound_weight: float
    relief: float
    habit_rate: float
    habit_decay: float
    tolerance_rate: float
    tolerance_decay: float
    rebound: float
    criterion_habit: float
    criterion_use: float
    quit_per_year: float
    resolve: float
    love_hyperactivation: float
    love_deactivation: float
    sex_deactivation: float
    substance_deactivation: float
    isolation_pull: float
    life_events_per_year: float
    life_event_weeks: float
    life_event_arousal: float
    partner_buffering: float
    autonomy_age: float
    liability_scale: float
    heritability_alcohol: float
    heritability_drugs: float
    heritability_food: float
    heritability_sex: float
    heritability_love: float
    shared_env_alcohol: float
    shared_env_drugs: float
    threshold_alcohol_male: float
    threshold_alcohol_female: float
    threshold_drugs_male: float
    threshold_drugs_female: float
    threshold_food_male: float
    threshold_food_female: float
    threshold_sex_male: float
    threshold_sex_female: float
    threshold_love_male: float
    threshold_love_female: float


def _relief_states() -> tuple[StateSpec, ...]:
    specs: list[StateSpec] = [f32("peer_risk", 0.0, "z", "Shared-environment risk for substance use (peers, "
                                  "neighbourhood): standard normal, drawn at birth."),
                              f32("life_stress", 0.0, "events", "Stress from chance adult life events (job loss, "
                                  "bereavement, separation, illness, money): each adds 1, fading.")]
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
            i32(f"compulsive_{t}_last_w", -1, "weeks", f"Age (weeks) in the last week {t} use met the criterion; -1 "
                "never (the surveys' 12-month read-out)."),
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
    heritable = tuple(f"liability_{t}" for t in REGULATORS)
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
def last_met(last_w: Any, age_w: Any, now: Any) -> Any:
    """The age (weeks) of the last week the criterion was met: this week's age if it is met now (``now`` 0/1)."""
    return last_w + (age_w - last_w) * now


def met_within(last_w: Any, age_w: Any, window_w: int) -> Any:
    """Met the criterion in any of the ``window_w`` weeks up to and including age ``age_w`` (weeks).

    The surveys' 12-month prevalence (NESARC-III, NCS-R): the criterion met at any time in the past year.
    """
    return (last_w >= 0) & (last_w > age_w - window_w)


@kernel_law
def single(age_w: Any, partner: Any) -> Any:
    """1.0 for an adult (18 or older, in weeks) without a partner, else 0.0: isolation's share of the pull."""
    return ((age_w >= ADULT_W) & (partner < 0)) * 1.0


@kernel_law
def felt_arousal(arousal: Any, stress: Any, weight: Any, answered: Any, partnered: Any, buffering: Any) -> Any:
    """Arousal as felt this week: a life event's stress adds to it, less what a responsive partner buffers.

    ``answered``: the share of one's bids the partner answers (M9), counted only with a partner (``partnered`` 1).
    """
    return arousal + weight * stress * (1.0 - buffering * answered * partnered)


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
def supervised_access(access: Any, age_w: Any, start_w: Any, autonomy_w: Any) -> Any:
    """Access within an adolescent's reach: caregivers' monitoring limits it, less as autonomy grows.

    Grows linearly from 0 at the start age to the scenario's ``access`` at ``autonomy_w`` weeks of age (and after).
    """
    return access * np.minimum(1.0, np.maximum(0.0, (age_w - start_w) / (autonomy_w - start_w)))


@kernel_law
def use_chance(access: Any, habit: Any, gain: Any, drive_: Any, threshold: Any) -> Any:
    """Weekly chance of use: half-likely at the threshold drive (threshold + resolve: a lapse) within full reach.

    Access limits a first use; a habit finds its own supply (assumption): reach = access + (1 - access) x habit,
    so no access means no use, ever.
    """
    return chance_of_use(access, habit, sigmoid(use_argument(gain, drive_, threshold)))


@kernel_law
def use_argument(gain: Any, drive_: Any, threshold: Any) -> Any:
    """The argument of :func:`use_chance`'s sigmoid: the drive above the threshold, times the gain."""
    return gain * (drive_ - threshold)


@kernel_law
def chance_of_use(access: Any, habit: Any, s: Any) -> Any:
    """:func:`use_chance` from its sigmoid's value ``s``: the reach (access, or a habit's own supply) times ``s``."""
    return (access + (1.0 - access) * habit) * s


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
