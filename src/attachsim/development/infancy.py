"""Mechanisms M1-M6 of MODEL §6 for the first two years of life.

Each mechanism declares the states it owns and its parameters (with sources). Their
weekly update runs in one fused Numba kernel (:mod:`._kernel`); a plain NumPy
reference of the same step lives in :mod:`._reference` and is used by the tests.

Parameters marked "calibrated" were fitted by hand to the low-risk Strange Situation
distribution and the sensitivity-security correlation of MODEL §8 on seeds 1000-1003
(see ``docs/calibration.md``); tests check the targets on other seeds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ..core.laws import clip, kernel_law, sigmoid
from ..core.mechanism import Mechanism
from ..core.params import ParamModel
from ..core.rng import normals

if TYPE_CHECKING:
    from ..core.engine import Simulation


class DevelopmentParams(ParamModel):
    """Plasticity schedule shared by every learning mechanism (MODEL §3)."""

    plasticity_floor: float
    plasticity_tau_years: float


class DistressParams(ParamModel):
    """M1: distress episodes and bids."""

    rate_newborn: float
    rate_late: float
    rate_tau_weeks: float
    dysregulation_distress: float
    bid_suppression: float
    reactivity_sd: float


class ResponseParams(ParamModel):
    """M2: how a caregiver's week turns into outcomes of the infant's bids."""

    dysregulation_sensitivity: float
    fright_per_dysregulation: float
    fright_per_harm: float
    escalation_payoff: float
    threat_harm_max: float
    deprivation_max: float


class RegulationParams(ParamModel):
    """M3: co-regulation builds self-regulation."""

    learning_rate: float
    arousal_drain: float
    arousal_memory: float
    arousal_scale: float
    dysregulation_contagion: float


class WorkingModelParams(ParamModel):
    """M4: working models of others and of self."""

    forgetting: float
    self_worth_rate: float
    threat_rate: float
    threat_decay: float


class StrategyParams(ParamModel):
    """M5: reinforcement learning of the bid strategy."""

    tracker_rate: float
    strategy_rate: float
    hyper_gain: float
    hyper_threshold: float
    deact_gain: float
    deact_threshold: float
    ignore_weight: float
    conflict_rate: float
    conflict_gain: float
    collapse_gain: float
    fright_scale: float
    collapse_response: float
    conflict_decay: float


class PathwayParams(ParamModel):
    """M6: the two pathways of adversity, threat and deprivation."""

    stress_gain_rate: float
    stress_gain_recovery: float
    stress_gain_max: float
    maturation_rate: float


class Development(Mechanism):
    """Plasticity(age): how much a week of experience moves the slow states."""


class Distress(Mechanism):
    """M1: distress episodes and bids."""

    def init_people(self, sim: Simulation, ids: npt.NDArray[np.int32]) -> None:
        """Draw each newborn's temperament (reactivity): lognormal with mean 1, exp(sd * z - sd^2 / 2)."""
        sd = sim.scenario.parameters.distress.reactivity_sd
        z = normals(sim.seed, "init.reactivity", 0, ids)
        sim.pop["reactivity"][ids] = np.exp(sd * z - 0.5 * sd * sd).astype(np.float32)


class Response(Mechanism):
    """M2: caregiver response to each bid."""

    internal = frozenset({"sens_obs_num", "sens_obs_den"})  # read by the observed-sensitivity column


class CoRegulation(Mechanism):
    """M3: co-regulation builds regulation."""


class WorkingModels(Mechanism):
    """M4: working models of others (Beta counts), self-worth and threat."""


class Strategies(Mechanism):
    """M5: secure, hyperactivating, deactivating and conflicted strategies."""


class Pathways(Mechanism):
    """M6: threat and deprivation leave different marks."""


INFANCY_MECHANISMS: tuple[type[Mechanism], ...] = (
    Development, Distress, Response, CoRegulation, WorkingModels, Strategies, Pathways,
)


# ----------------------------------------------------------------------------- laws
# Each law is written once and used by the fused kernel (:mod:`._kernel`, inlined by Numba) and by the NumPy
# reference (:mod:`._reference`, vectorised); see :mod:`attachsim.core.laws`.

#: A frightening response (without harm) counts as half a harmful one in arousal, threat learning and stress
#: sensitisation: structural (it fixes the unit of "harm events" the rates are given in), not a free parameter.
FRIGHT_WEIGHT = 0.5
#: Arousal above which unsoothed distress erodes regulation no further (two weeks' worth of unresolved
#: episodes): a cap on the drain, part of the drain's unit, not a free parameter.
AROUSAL_DRAIN_CAP = 2.0


@kernel_law
def plasticity(age: Any, floor: Any, tau_w: Any) -> Any:
    """Plasticity at ``age`` weeks: ``floor + (1 - floor) * exp(-age / tau)`` (MODEL §3); ``tau_w`` in weeks."""
    return floor + (1.0 - floor) * np.exp(-age / tau_w)


@kernel_law
def infant_distress_rate(age: Any, rate_newborn: Any, rate_late: Any, tau_weeks: Any) -> Any:
    """M1: expected distress episodes per week in infancy (average reactivity), falling from the newborn rate."""
    return rate_late + (rate_newborn - rate_late) * np.exp(-age / tau_weeks)


@kernel_law
def episode_rate(base_rate: Any, reactivity: Any, stress_gain: Any, dysregulation_distress: Any, dys: Any) -> Any:
    """M1: this week's expected episodes: the age's base rate times temperament, sensitisation and contagion."""
    return base_rate * reactivity * stress_gain * (1.0 + dysregulation_distress * dys)


@kernel_law
def bid_probability(bid_suppression: Any, deactivation: Any) -> Any:
    """M1: chance that an episode becomes a bid (deactivation suppresses bids)."""
    return 1.0 - bid_suppression * deactivation


@kernel_law
def caregiver_sensitivity(base: Any, dysregulation_sensitivity: Any, dys: Any, deprivation: Any,
                          inconsistency: Any, z: Any) -> Any:
    """M2: this week's sensitivity of a caregiver: dysregulation and deprivation lower it, inconsistency varies it."""
    return clip((base * (1.0 - dysregulation_sensitivity * dys)) * (1.0 - deprivation) + inconsistency * z, 0.0, 1.0)


@kernel_law
def fright(fright_per_dysregulation: Any, dys: Any, fright_per_harm: Any, harm: Any) -> Any:
    """M2: chance that a bid is met by frightened or frightening behaviour."""
    return clip(fright_per_dysregulation * dys + fright_per_harm * harm, 0.0, 1.0)


@kernel_law
def response_probabilities(avail: Any, harm: Any, fright_p: Any, rejection: Any, sens: Any,
                           escalation_payoff: Any, hyp: Any) -> tuple[Any, Any, Any, Any]:
    """M2: chances that a bid is harmed, frightened, rebuffed or soothed (the rest is ignored)."""
    p_h = avail * harm
    p_f = avail * (1.0 - harm) * fright_p
    p_r = avail * (1.0 - harm) * (1.0 - fright_p) * rejection
    s_eff = sens + (1.0 - sens) * escalation_payoff * hyp
    p_s = avail * (1.0 - harm) * (1.0 - fright_p) * (1.0 - rejection) * s_eff
    return p_h, p_f, p_r, p_s


@kernel_law
def unresolved_episodes(n_ep: Any, n_s: Any, n_h: Any, n_f: Any, reg: Any) -> Any:
    """M3: episodes left unresolved this week (unsoothed distress not self-soothed, plus harm and fright)."""
    return (n_ep - n_s) * (1.0 - reg) + n_h + FRIGHT_WEIGHT * n_f


@kernel_law
def arousal_next(arousal: Any, memory: Any, unresolved: Any, scale: Any, contagion: Any, dys: Any) -> Any:
    """M3: this week's arousal: last week's, carried over, and this week's unresolved distress and contagion."""
    return memory * arousal + (1.0 - memory) * (unresolved / scale + contagion * dys)


@kernel_law
def regulation_learned(reg: Any, plast: Any, rate: Any, soothed_share: Any, drain: Any, arousal: Any) -> Any:
    """M3 (weeks with episodes): soothed distress builds regulation; unsoothed distress under arousal erodes it."""
    return reg + plast * rate * (soothed_share * (1.0 - reg)
                                 - drain * (1.0 - soothed_share) * np.minimum(arousal, AROUSAL_DRAIN_CAP) * reg)


@kernel_law
def regulation_contagion(reg: Any, plast: Any, rate: Any, contagion: Any, dys: Any) -> Any:
    """M3: a dysregulated caregiver's arousal erodes regulation (S0-2)."""
    return clip(reg - plast * rate * contagion * dys * reg, 0.0, 1.0)


@kernel_law
def model_of_others(others_a: Any, others_b: Any) -> Any:
    """M4: expected availability of others, the Beta mean of the evidence counts."""
    return others_a / (others_a + others_b)


@kernel_law
def evidence(count: Any, decay: Any, plast: Any, new: Any) -> Any:
    """M4: an evidence count of the model of others after a week: old evidence fades, new evidence adds."""
    return count * decay + plast * new


@kernel_law
def self_worth_next(sw: Any, plast: Any, rate: Any, validation: Any) -> Any:
    """M4 (weeks with episodes): self-worth moves toward the week's validation (-1 all harmed .. 1 all soothed)."""
    return clip(sw + plast * rate * (0.5 + 0.5 * validation - sw), 0.0, 1.0)


@kernel_law
def threat_next(thr: Any, plast: Any, rate: Any, n_h: Any, n_f: Any, n_ep: Any, decay: Any) -> Any:
    """M4: harm and fright teach the expectation of harm; without them it extinguishes."""
    return clip(thr + plast * (rate * (n_h + FRIGHT_WEIGHT * n_f) * (1.0 - thr) / (1.0 + n_ep) - decay * thr),
                0.0, 1.0)


@kernel_law
def trackers_next(r: Any, n_bid: Any, rebuffed: Any, r_exp: Any, r_unp: Any, r_buf: Any,
                  rate: Any) -> tuple[Any, Any, Any]:
    """M5 (weeks with bids): running estimates of response, unpredictability and rebuff.

    ``r`` is the share of bids soothed this week, ``rebuffed`` the share rebuffed or harmed; unpredictability
    is the excess variance of the weekly response over what sampling alone would give.
    """
    excess = (r - r_exp) * (r - r_exp) - r_exp * (1.0 - r_exp) / n_bid
    return r_exp + rate * (r - r_exp), r_unp + rate * (excess - r_unp), r_buf + rate * (rebuffed - r_buf)


@kernel_law
def strategy_targets(r_exp: Any, r_unp: Any, r_buf: Any, hyper_gain: Any, hyper_threshold: Any, deact_gain: Any,
                     deact_threshold: Any, ignore_weight: Any) -> tuple[Any, Any]:
    """M5: the reinforced levels of hyperactivation (partial schedule) and deactivation (rebuff, being ignored)."""
    h_drive, d_drive = strategy_drives(r_exp, r_unp, r_buf, hyper_gain, hyper_threshold, deact_gain, deact_threshold,
                                       ignore_weight)
    return strategy_levels(sigmoid(h_drive), sigmoid(d_drive), r_buf)


@kernel_law
def strategy_drives(r_exp: Any, r_unp: Any, r_buf: Any, hyper_gain: Any, hyper_threshold: Any, deact_gain: Any,
                    deact_threshold: Any, ignore_weight: Any) -> tuple[Any, Any]:
    """M5: the drives of hyperactivation and deactivation, whose sigmoids :func:`strategy_levels` turns into targets.

    (Split from :func:`strategy_targets` so that the wide kernel can take the sigmoids' ``exp`` out of its
    vectorised loops; the operations are the same.)
    """
    ignored = np.maximum(0.0, 1.0 - r_exp - r_buf)
    return (hyper_gain * (np.sqrt(np.maximum(r_unp, 0.0)) - hyper_threshold),
            deact_gain * (r_buf + ignore_weight * ignored - deact_threshold))


@kernel_law
def strategy_levels(hyper_sigmoid: Any, deact_sigmoid: Any, r_buf: Any) -> tuple[Any, Any]:
    """M5: the targets from the drives' sigmoids: hyperactivation is held down by expected rebuff."""
    return hyper_sigmoid * (1.0 - r_buf), deact_sigmoid


@kernel_law
def fright_conflict(fright_share: Any, r_exp: Any, conflict_gain: Any, fright_scale: Any) -> Any:
    """M5: conflict input from a figure who both comforts and frightens (log of the frightening share)."""
    return conflict_gain * np.log1p(fright_share / fright_scale) * (0.5 + r_exp)


@kernel_law
def collapse_conflict(arousal: Any, r_exp: Any, collapse_gain: Any, collapse_response: Any) -> Any:
    """M5: conflict input from high arousal with no one to turn to."""
    return collapse_gain * np.maximum(arousal - 1.0, 0.0) * np.maximum(0.0, collapse_response - r_exp) \
        / collapse_response


@kernel_law
def conflict_next(con: Any, plast: Any, rate: Any, conflict_in: Any, decay: Any) -> Any:
    """M5: approach-avoid conflict grows with its input and resolves without it."""
    return clip(con + plast * (rate * conflict_in * (1.0 - con) - decay * con), 0.0, 1.0)


@kernel_law
def stress_gain_next(sg: Any, plast: Any, rate: Any, n_h: Any, n_f: Any, recovery: Any, sg_max: Any) -> Any:
    """M6 threat pathway: harm and fright sensitise the stress response, which slowly recovers toward 1."""
    return clip(sg + plast * (rate * (n_h + FRIGHT_WEIGHT * n_f) - recovery * (sg - 1.0)), 1.0, sg_max)


@kernel_law
def social_cognition_next(sc: Any, maturation_rate: Any, avail: Any, sens: Any) -> Any:
    """M6 deprivation pathway: social cognition matures with stimulation (a present, sensitive figure)."""
    return sc + maturation_rate * (avail * (0.5 + 0.5 * sens)) * (1.0 - sc)
