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
from ..core.mechanism import Mechanism, f32, owned
from ..core.params import ParamModel, param
from ..core.rng import normals

if TYPE_CHECKING:
    from ..core.engine import Simulation

CAL = "calibrated by hand to MODEL §8 low-risk Strange Situation targets (seeds 1000-1003)"


class DevelopmentParams(ParamModel):
    """Plasticity schedule shared by every learning mechanism (MODEL §3)."""

    plasticity_floor: float = param(
        0.08, 0.0, 1.0, unit="fraction of infant plasticity",
        meaning="Plasticity never reaches zero: the adult floor as a share of the newborn's.",
        source="rationale: continuity infancy to adulthood is real but modest (Fraley 2002; Waters et al. 2000); "
        "refined by later calibration",
    )
    plasticity_tau_years: float = param(
        2.5, 0.1, 30.0, unit="years",
        meaning="Time constant of the fall of plasticity with age.",
        source="rationale: sensitive period of the first two years (MODEL S0-10; Bowlby 1969)",
    )


class DistressParams(ParamModel):
    """M1: distress episodes and bids."""

    rate_newborn: float = param(
        14.0, 0.0, 60.0, unit="episodes/week",
        meaning="Expected distress episodes per week at birth for average reactivity.",
        source="Brazelton 1962; St James-Roberts & Halil 1991 (about 2 crying bouts a day early in infancy)",
    )
    rate_late: float = param(
        8.0, 0.0, 60.0, unit="episodes/week",
        meaning="Expected distress episodes per week once early crying has subsided.",
        source="St James-Roberts & Halil 1991 (crying declines after the first three months)",
    )
    rate_tau_weeks: float = param(
        12.0, 1.0, 200.0, unit="weeks", meaning="Time constant of the early decline of crying.",
        source="St James-Roberts & Halil 1991 (peak at about 6 weeks, decline by 12-16 weeks)",
    )
    dysregulation_distress: float = param(
        0.5, 0.0, 3.0, unit="relative increase at dysregulation 1",
        meaning="A dysregulated caregiver raises the infant's distress (S0-2).",
        source="Field 1995 (infants of depressed mothers show more distress); size is a rationale",
    )
    bid_suppression: float = param(
        0.75, 0.0, 1.0, unit="share of bids",
        meaning="Share of distress episodes in which a fully deactivated infant does not bid.",
        source="rationale: Main 1981 (avoidant infants minimise attachment signals)",
    )
    reactivity_sd: float = param(
        0.25, 0.0, 1.0, unit="log units",
        meaning="SD of log temperamental reactivity at birth (mean reactivity 1).",
        source="rationale: moderate temperament variance (Rothbart 1981); temperament does not by itself "
        "determine attachment security (Vaughn & Bost 1999)",
    )


class ResponseParams(ParamModel):
    """M2: how a caregiver's week turns into outcomes of the infant's bids."""

    dysregulation_sensitivity: float = param(
        0.45, 0.0, 1.0, unit="share of sensitivity lost at dysregulation 1",
        meaning="A dysregulated (depressed, anxious) caregiver is less sensitive.",
        source="Lovejoy et al. 2000 meta-analysis (depression and parenting, d about .3-.5); size is a rationale",
    )
    fright_per_dysregulation: float = param(
        0.3101, 0.0, 1.0, unit="probability per bid at dysregulation 1",
        meaning="Frightened or frightening behaviour without harm from a dysregulated caregiver.",
        source="Main & Hesse 1990; Schuengel et al. 1999; " + CAL,
    )
    fright_per_harm: float = param(
        1.0, 0.0, 5.0, unit="probability per unit harm",
        meaning="An abusive caregiver is also frightening in episodes without harm.",
        source="rationale: Main & Hesse 1990 (the frightening parent)",
    )
    escalation_payoff: float = param(
        0.45, 0.0, 1.0, unit="share",
        meaning="Share of a present caregiver's non-responses that a fully hyperactivated bid turns into soothing.",
        source="Cassidy & Berlin 1994 (escalated signals pay off with intermittently responsive caregivers); " + CAL,
    )
    threat_harm_max: float = param(
        0.15, 0.0, 1.0, unit="probability per bid",
        meaning="Added probability of a harmful response per bid at threat intensity 1.",
        source="rationale: maltreating caregivers harm in a minority of interactions",
    )
    deprivation_max: float = param(
        0.80, 0.0, 1.0, unit="share",
        meaning="Share of availability, sensitivity and stimulation removed at deprivation intensity 1.",
        source="rationale: McLaughlin & Sheridan 2016 (deprivation = absence of expected input)",
    )


class RegulationParams(ParamModel):
    """M3: co-regulation builds self-regulation."""

    learning_rate: float = param(
        0.035, 0.0, 1.0, unit="per week at plasticity 1",
        meaning="How fast the share of distress that is soothed moves regulation.",
        source="rationale: regulation builds over months (Kopp 1989); " + CAL,
    )
    arousal_drain: float = param(
        0.6, 0.0, 5.0, unit="per unit arousal",
        meaning="Unsoothed distress under high arousal erodes regulation.",
        source="rationale: toxic stress (Shonkoff et al. 2012)",
    )
    arousal_memory: float = param(
        0.5, 0.0, 0.99, unit="share kept per week",
        meaning="Share of last week's arousal carried into this week.", source="rationale",
    )
    arousal_scale: float = param(
        8.0, 0.1, 100.0, unit="episodes",
        meaning="Unresolved episodes per week that make arousal 1.", source="rationale",
    )
    dysregulation_contagion: float = param(
        0.4, 0.0, 3.0, unit="arousal at dysregulation 1",
        meaning="Arousal the infant takes on from a dysregulated caregiver (S0-2).",
        source="Field 1995; Feldman 2007 (biobehavioural synchrony)",
    )


class WorkingModelParams(ParamModel):
    """M4: working models of others and of self."""

    forgetting: float = param(
        0.03, 0.0, 1.0, unit="per week at plasticity 1",
        meaning="Decay of past evidence about others' availability.", source="rationale",
    )
    self_worth_rate: float = param(
        0.04, 0.0, 1.0, unit="per week at plasticity 1",
        meaning="How fast validation (soothed distress) moves self-worth.", source="rationale",
    )
    threat_rate: float = param(
        0.25, 0.0, 5.0, unit="per harm event at plasticity 1",
        meaning="Growth of the learned expectation of harm per harmful or frightening episode.",
        source="rationale: fear conditioning is fast (LeDoux 2000)",
    )
    threat_decay: float = param(
        0.01, 0.0, 1.0, unit="per week at plasticity 1",
        meaning="Extinction of the expectation of harm without new harm.", source="rationale",
    )


class StrategyParams(ParamModel):
    """M5: reinforcement learning of the bid strategy."""

    tracker_rate: float = param(
        0.15, 0.0, 1.0, unit="per week",
        meaning="Rate of the running estimates of response, unpredictability and rebuff.", source="rationale",
    )
    strategy_rate: float = param(
        0.06, 0.0, 1.0, unit="per week at plasticity 1",
        meaning="How fast hyperactivation and deactivation move to their reinforced levels.", source=CAL,
    )
    hyper_gain: float = param(
        23.9807, 0.0, 100.0, unit="per unit unpredictability", meaning="Steepness of hyperactivation's response.",
        source=CAL,
    )
    hyper_threshold: float = param(
        0.1573, 0.0, 1.0, unit="SD of weekly response beyond sampling noise",
        meaning="Unpredictability of response at which hyperactivation is half-reinforced (partial schedule).",
        source="Cassidy & Berlin 1994; " + CAL,
    )
    deact_gain: float = param(
        12.0, 0.0, 100.0, unit="per unit rebuff", meaning="Steepness of deactivation's response.", source=CAL,
    )
    deact_threshold: float = param(
        0.2762, 0.0, 1.0, unit="expected share of bids rebuffed",
        meaning="Expected rebuff at which deactivation is half-reinforced (bids extinguish).",
        source="Ainsworth et al. 1978; Main 1981; " + CAL,
    )
    ignore_weight: float = param(
        0.25, 0.0, 2.0, unit="weight",
        meaning="Weight of unanswered (ignored) bids relative to rebuffed ones in extinguishing bids.",
        source="Bell & Ainsworth 1972 (low-risk mothers ignored about 40% of crying episodes, so ignoring alone "
        "extinguishes bids only weakly)",
    )
    conflict_rate: float = param(
        0.08, 0.0, 1.0, unit="per week at plasticity 1", meaning="Rate of approach-avoid conflict learning.",
        source=CAL,
    )
    conflict_gain: float = param(
        2.5348, 0.0, 100.0, unit="per log unit of frightening share",
        meaning="Conflict from a caregiver who both comforts and frightens (fright without solution), per log unit "
        "of frightening share.",
        source="Main & Hesse 1990; " + CAL,
    )
    collapse_gain: float = param(
        6.0, 0.0, 10.0, unit="per unit arousal",
        meaning="Conflict from high arousal with no one to turn to (collapse of strategy).",
        source="Zeanah et al. 2005 (disorganisation in institutional care); " + CAL,
    )
    fright_scale: float = param(
        0.1883, 0.001, 1.0, unit="share of episodes",
        meaning="Frightening share of episodes at which conflict input grows logarithmically (diminishing "
        "sensitivity): even subtle fright matters, and more fright matters less than proportionally.",
        source="Main & Hesse 1990; Schuengel et al. 1999 (subtle frightened behaviour predicts D); " + CAL,
    )
    collapse_response: float = param(
        0.3, 0.01, 1.0, unit="expected share of bids answered",
        meaning="Below this expected response there is no one to turn to, and high arousal feeds conflict.",
        source="rationale: disorganisation without a selective attachment figure (Zeanah et al. 2005)",
    )
    conflict_decay: float = param(
        0.0826, 0.0, 1.0, unit="per week at plasticity 1", meaning="Resolution of conflict without fright.",
        source="rationale",
    )


class PathwayParams(ParamModel):
    """M6: the two pathways of adversity, threat and deprivation."""

    stress_gain_rate: float = param(
        0.04, 0.0, 1.0, unit="per harm event at plasticity 1",
        meaning="Sensitisation of the stress response by harm (threat pathway).",
        source="McLaughlin & Sheridan 2016; Teicher & Samson 2016 (amygdala reactivity after maltreatment)",
    )
    stress_gain_recovery: float = param(
        0.005, 0.0, 1.0, unit="per week at plasticity 1", meaning="Return of stress gain towards 1.",
        source="rationale",
    )
    stress_gain_max: float = param(
        3.0, 1.0, 10.0, unit="multiplier", meaning="Ceiling of stress gain.", source="rationale",
    )
    maturation_rate: float = param(
        0.005, 0.0, 1.0, unit="per week at full stimulation",
        meaning="Maturation of emotion and social-cognition pathways with stimulation (deprivation pathway).",
        source="McLaughlin & Sheridan 2016; Nelson et al. 2007 (BEIP); rate rationale: emotion understanding and "
        "theory of mind mature over early and middle childhood (Pons et al. 2004), time constant about 5 years",
    )


class Development(Mechanism):
    """Plasticity(age): how much a week of experience moves the slow states."""

    key = "development"
    stages = ("infancy", "childhood", "adolescence", "adulthood")
    label = "plasticity schedule (MODEL §3)"
    summary = "plasticity(age) = floor + (1 - floor) * exp(-age / tau)"
    kernel = "development"
    Params = DevelopmentParams


class Distress(Mechanism):
    """M1: distress episodes and bids."""

    key = "m1_distress"
    stages = ("infancy", "childhood", "adolescence", "adulthood")
    label = "M1 distress and bids"
    summary = "episodes ~ Poisson(rate(age) * reactivity * stress_gain); bids suppressed by deactivation"
    kernel = "development"
    Params = DistressParams

    def init_people(self, sim: Simulation, ids: npt.NDArray[np.int32]) -> None:
        """Draw each newborn's temperament (reactivity): lognormal with mean 1, exp(sd * z - sd^2 / 2)."""
        sd = sim.scenario.parameters.distress.reactivity_sd
        z = normals(sim.seed, "init.reactivity", 0, ids)
        sim.pop["reactivity"][ids] = np.exp(sd * z - 0.5 * sd * sd).astype(np.float32)

    states = owned(
        key,
        f32("reactivity", 1.0, "multiplier", "Temperament: how easily distressed; fixed at birth."),
        f32("arousal", 0.0, "unresolved distress (1 = arousal_scale episodes a week)", "Current stress this week."),
        f32("episodes_total", 0.0, "episodes", "Distress episodes so far."),
    )


class Response(Mechanism):
    """M2: caregiver response to each bid."""

    key = "m2_response"
    stages = ("infancy", "childhood", "adolescence", "adulthood")
    label = "M2 caregiver response"
    summary = "bids end soothed, ignored, rejected, frightened or harmed (multinomial counts per week)"
    kernel = "development"
    Params = ResponseParams
    internal = frozenset({"sens_obs_num", "sens_obs_den"})  # read by the observed-sensitivity column
    states = owned(
        key,
        f32("soothed_total", 0.0, "episodes", "Bids soothed so far."),
        f32("ignored_total", 0.0, "episodes", "Bids unanswered (caregiver absent or unresponsive) so far."),
        f32("rejected_total", 0.0, "episodes", "Bids rebuffed so far."),
        f32("frightened_total", 0.0, "episodes", "Bids met by frightened or frightening behaviour without harm."),
        f32("harmed_total", 0.0, "episodes", "Bids met by harm (abuse) so far."),
        f32("sens_obs_num", 0.0, "probability-weeks",
            "Year one: sum over weeks of the caregiver's sensitivity that week (prompt soothing when present)."),
        f32("sens_obs_den", 0.0, "weeks", "Year one: weeks observed."),
    )


class CoRegulation(Mechanism):
    """M3: co-regulation builds regulation."""

    key = "m3_coregulation"
    stages = ("infancy", "childhood", "adolescence", "adulthood")
    label = "M3 co-regulation -> regulation"
    summary = "soothed distress lowers arousal and builds regulation at plasticity(age) (S0-1)"
    kernel = "development"
    Params = RegulationParams
    states = owned(key, f32("regulation", 0.1, "0-1", "Self-soothing capacity, built by co-regulation (S0-1)."))


class WorkingModels(Mechanism):
    """M4: working models of others (Beta counts), self-worth and threat."""

    key = "m4_working_models"
    stages = ("infancy", "childhood", "adolescence", "adulthood")
    label = "M4 working models"
    summary = "answered/unanswered bids update the model of others; validation the model of self; harm threat"
    kernel = "development"
    Params = WorkingModelParams
    states = owned(
        key,
        f32("others_a", 1.0, "evidence count", "Bids answered (Beta count for the model of others)."),
        f32("others_b", 1.0, "evidence count", "Bids not answered (Beta count for the model of others)."),
        f32("self_worth", 0.5, "0-1", "Model of self: raised by validation, lowered by rejection and neglect."),
        f32("threat", 0.0, "0-1", "Learned expectation of harm from close others."),
    )


class Strategies(Mechanism):
    """M5: secure, hyperactivating, deactivating and conflicted strategies."""

    key = "m5_strategies"
    stages = ("infancy", "childhood", "adolescence", "adulthood")
    label = "M5 strategies"
    summary = "reliable response -> secure; rebuff -> deactivation; partial reinforcement -> hyperactivation; " \
        "comfort that frightens -> conflict"
    kernel = "development"
    Params = StrategyParams
    states = owned(
        key,
        f32("hyperactivation", 0.0, "0-1", "Learned intensity of bids: protest, clinging (anxious strategy)."),
        f32("deactivation", 0.0, "0-1", "Learned suppression of bids: self-reliance, distance (avoidant)."),
        f32("conflict", 0.0, "0-1", "Approach-avoid conflict toward the attachment figure (disorganisation)."),
        f32("resp_expect", 0.5, "share of bids", "Running estimate of the share of bids answered."),
        f32("resp_unpredict", 0.0, "variance",
            "Running excess variance of the weekly response share over sampling variance (unpredictability)."),
        f32("rebuff_expect", 0.0, "share of bids", "Running estimate of the share of bids rebuffed or harmed."),
    )


class Pathways(Mechanism):
    """M6: threat and deprivation leave different marks."""

    key = "m6_pathways"
    stages = ("infancy", "childhood", "adolescence", "adulthood")
    label = "M6 threat and deprivation pathways"
    summary = "harm raises stress_gain (threat); missing stimulation slows social_cognition (deprivation)"
    kernel = "development"
    Params = PathwayParams
    states = owned(
        key,
        f32("stress_gain", 1.0, ">= 1 multiplier", "Sensitisation of the stress response (hypervigilance)."),
        f32("social_cognition", 0.0, "0-1", "Maturity of emotion and social-cognition pathways."),
    )


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
