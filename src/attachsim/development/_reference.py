"""Plain NumPy reference of the fused development step (M1-M7): the same laws as the kernel, vectorised.

Used by the tests to check the fused kernel and by the benchmark as the baseline. It calls the laws of
:mod:`.infancy` and :mod:`.later` on arrays (the kernel inlines the same functions), computes in float64
and stores float32, like the kernel, and uses the same counter-based draws, so both give the same states
to float tolerance and the same categories. The control flow and the draws are written here a second time
on purpose: the reference takes every draw by its counter for everyone (the kernel only where it decides
something) and replaces branches by masks, which is what makes it an independent check of the kernel's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ..core.laws import clip
from ..core.rng import binomial_inv_np, box_muller_np, person_key_np, poisson_inv_np, step_key_np, uniform_np
from ..core.timeline import ADULT_W, INFANCY_END_W, WEEKS_PER_YEAR, YEAR_W, weekly_chance
from . import infancy, later
from ._runner import LIFESPAN_END_WEEKS, kernel_inputs

if TYPE_CHECKING:
    from ..core.engine import Simulation

F64 = npt.NDArray[np.float64]


def make_infancy(sim: Simulation) -> Callable[[Simulation, int], None]:
    """A callable that advances the population one week with NumPy."""
    rf, ri, rb, par, keys = kernel_inputs(sim)

    def run(s: Simulation, step: int) -> None:
        development_step_np(s.pop.f32, s.pop.i32, s.pop.i8, rf, ri, rb, par, [step_key_np(k, step) for k in keys],
                            step, s.pop.n)

    return run


def development_step_np(F: npt.NDArray[np.float32], I: npt.NDArray[np.int32], B: npt.NDArray[np.int8],
                        rf: Any, ri: Any, rb: Any, p: Any, skeys: list[np.uint64], step: int, n: int) -> None:
    """Advance every living person by one week (same laws and draws as the Numba kernel)."""
    age_all = step - I[ri.birth_step, :n].astype(np.int64)
    idx = np.nonzero((age_all >= 0) & (age_all < LIFESPAN_END_WEEKS))[0]
    if idx.size == 0:
        return
    age = age_all[idx]

    def get(row: np.int64) -> F64:
        out: F64 = F[row, idx].astype(np.float64)
        return out

    def iget(row: np.int64) -> npt.NDArray[np.int64]:
        out: npt.NDArray[np.int64] = I[row, idx].astype(np.int64)
        return out

    plast = infancy.plasticity(age, p.plasticity_floor, p.plasticity_tau_years * WEEKS_PER_YEAR)
    thr_on = (iget(ri.threat_onset_w) <= age) & (age < iget(ri.threat_end_w))
    dep_on = (iget(ri.deprivation_onset_w) <= age) & (age < iget(ri.deprivation_end_w))
    thr_i = np.where(thr_on, get(rf.threat_intensity), 0.0)
    dep_i = np.where(dep_on, get(rf.deprivation_intensity) * p.deprivation_max, 0.0)
    pkc = person_key_np(skeys[0], idx)
    z = box_muller_np(uniform_np(pkc, 0), uniform_np(pkc, 1))
    child = age < ADULT_W
    later_child = child & (age >= INFANCY_END_W)
    adult = ~child
    # caregiver (to 18): drift and family disruption from 2 years
    dys = get(rf.cg_dysregulation)
    base_sens = get(rf.cg_sensitivity)
    avail = get(rf.cg_availability) * (1.0 - dep_i)
    rho = later.drift_memory(p.drift_years)
    shift = later.drift_next(get(rf.cg_shift), rho, later.drift_step_sd(p.drift_sd, rho),
                       box_muller_np(uniform_np(pkc, 2), uniform_np(pkc, 3)))
    F[rf.cg_shift, idx[later_child]] = shift[later_child]
    base_sens = np.where(later_child, base_sens + shift, base_sens)
    evu = iget(ri.family_event_until_w)
    new_event = later_child & (age >= evu) & (uniform_np(pkc, 4) < weekly_chance(p.divorce_per_year))
    evu = np.where(new_event, age + np.int64(p.disruption_weeks), evu)
    I[ri.family_event_until_w, idx[new_event]] = evu[new_event]
    B[rb.ace_divorce, idx[new_event]] = 1
    disrupted = later_child & (age < evu)
    dys = np.where(disrupted, np.minimum(1.0, dys + p.divorce_dysregulation), dys)
    avail = np.where(disrupted, avail * (1.0 - p.divorce_availability), avail)
    B[rb.ace_incarceration, idx[later_child & (uniform_np(pkc, 5) < weekly_chance(p.incarceration_per_year))]] = 1
    sens = infancy.caregiver_sensitivity(base_sens, p.dysregulation_sensitivity, dys, dep_i,
                                         get(rf.cg_inconsistency), z)
    harm = clip(get(rf.cg_harm) + p.threat_harm_max * thr_i, 0.0, 1.0)
    B[rb.ace_mental_illness, idx[child & (dys >= p.mental_illness_threshold)]] = 1
    rej = get(rf.cg_rejection)
    # adulthood: close others, chosen partly by one's own security (S0-7)
    if adult.any():
        renew = adult & ((age == ADULT_W) | (uniform_np(pkc, 5) < weekly_chance(p.turnover_per_year)))
        security = later.chooser_security(get(rf.others_a), get(rf.others_b), get(rf.deactivation))
        drawn = later.close_other_sensitivity(security, p.close_sensitivity_mean, p.close_security_weight,
                                        p.close_sensitivity_sd, box_muller_np(uniform_np(pkc, 6), uniform_np(pkc, 7)))
        F[rf.close_sensitivity, idx[renew]] = drawn[renew]
        partnered = adult & (iget(ri.partner) >= 0)
        figure = np.where(partnered, get(rf.partner_responsiveness), get(rf.close_sensitivity))
        dys = np.where(adult, 0.0, dys)
        figure_av = np.where(partnered, p.partner_availability, p.close_availability)
        avail = np.where(adult, figure_av * (1.0 - dep_i), avail)
        sens = np.where(adult, later.adult_figure_sensitivity(figure, dep_i, get(rf.cg_inconsistency),
                                                        p.figure_inconsistency_share, z), sens)
        harm = np.where(adult, clip(p.threat_harm_max * thr_i, 0.0, 1.0), harm)
        rej = np.where(adult, p.close_rejection, rej)
    fright_p = infancy.fright(p.fright_per_dysregulation, dys, p.fright_per_harm, harm)
    # M1
    hyp, dea = get(rf.hyperactivation), get(rf.deactivation)
    base_rate = np.where(age < INFANCY_END_W,
                         infancy.infant_distress_rate(age, p.rate_newborn, p.rate_late, p.rate_tau_weeks),
                         later.later_distress_rate(age, p.rate_child, p.rate_adult, p.rate_tau_years * WEEKS_PER_YEAR))
    lam = infancy.episode_rate(base_rate, get(rf.reactivity), get(rf.stress_gain), p.dysregulation_distress, dys)
    pk1 = person_key_np(skeys[1], idx)
    n_ep = poisson_inv_np(uniform_np(pk1, 0), lam)
    n_bid = binomial_inv_np(uniform_np(pk1, 1), n_ep, infancy.bid_probability(p.bid_suppression, dea))
    # M2
    p_h, p_f, p_r, p_s = infancy.response_probabilities(avail, harm, fright_p, rej, sens, p.escalation_payoff, hyp)
    pk2 = person_key_np(skeys[2], idx)
    left = np.ones(idx.size)
    n_h = binomial_inv_np(uniform_np(pk2, 0), n_bid, p_h / left)
    left = left - p_h
    rest = n_bid - n_h
    safe = np.where(left > 0.0, left, 1.0)
    n_f = np.where(left > 0.0, binomial_inv_np(uniform_np(pk2, 1), rest, p_f / safe), 0)
    left = left - p_f
    rest = rest - n_f
    safe = np.where(left > 0.0, left, 1.0)
    n_r = np.where(left > 0.0, binomial_inv_np(uniform_np(pk2, 2), rest, p_r / safe), 0)
    left = left - p_r
    rest = rest - n_r
    safe = np.where(left > 0.0, left, 1.0)
    n_s = np.where(left > 0.0, binomial_inv_np(uniform_np(pk2, 3), rest, p_s / safe), 0)
    n_i = rest - n_s
    intruded = (age >= ADULT_W) & (iget(ri.partner) >= 0) & (n_s > 0)
    n_in = np.where(intruded, binomial_inv_np(uniform_np(pk2, 8), n_s, get(rf.intrusion)), 0)
    n_s = n_s - n_in
    n_i = n_i + n_in
    # M3
    reg = get(rf.regulation)
    intr = np.where((age >= ADULT_W) & (iget(ri.partner) >= 0), get(rf.intrusion), 0.0)
    unresolved = infancy.unresolved_episodes(n_ep, n_s, n_h, n_f, reg) \
        + later.intrusion_unresolved(n_in, intr, avail, n_ep - n_bid, p.intrusion_arousal)
    arousal = infancy.arousal_next(get(rf.arousal), p.arousal_memory, unresolved, p.arousal_scale,
                                   p.dysregulation_contagion, dys)
    has_ep = n_ep > 0
    reg = np.where(has_ep, infancy.regulation_learned(reg, plast, p.learning_rate, n_s / np.maximum(n_ep, 1),
                                              p.arousal_drain, arousal), reg)
    reg = infancy.regulation_contagion(reg, plast, p.learning_rate, p.dysregulation_contagion, dys)
    # M4
    decay = 1.0 - plast * p.forgetting
    oa = infancy.evidence(get(rf.others_a), decay, plast, n_s)
    ob = infancy.evidence(get(rf.others_b), decay, plast, n_bid - n_s)
    sw = get(rf.self_worth)
    validation = (n_s - n_r - n_h) / np.maximum(n_ep, 1)
    sw = np.where(has_ep, infancy.self_worth_next(sw, plast, p.self_worth_rate, validation), sw)
    thr = infancy.threat_next(get(rf.threat), plast, p.threat_rate, n_h, n_f, n_ep, p.threat_decay)
    # M5
    r_exp, r_unp, r_buf = get(rf.resp_expect), get(rf.resp_unpredict), get(rf.rebuff_expect)
    has_bid = n_bid > 0
    bids = np.maximum(n_bid, 1)
    new_exp, new_unp, new_buf = infancy.trackers_next(n_s / bids, bids, (n_r + n_h) / bids, r_exp, r_unp, r_buf,
                                              p.tracker_rate)
    r_exp = np.where(has_bid, new_exp, r_exp)
    r_unp = np.where(has_bid, new_unp, r_unp)
    r_buf = np.where(has_bid, new_buf, r_buf)
    h_tgt, d_tgt = infancy.strategy_targets(r_exp, r_unp, r_buf, p.hyper_gain, p.hyper_threshold, p.deact_gain,
                                    p.deact_threshold, p.ignore_weight)
    hyp = hyp + plast * p.strategy_rate * (h_tgt - hyp)
    dea = dea + plast * p.strategy_rate * (d_tgt - dea)
    fr_share = (n_h + n_f) / np.maximum(n_ep, 1)
    c_in = infancy.fright_conflict(fr_share, r_exp, p.conflict_gain, p.fright_scale) \
        + infancy.collapse_conflict(arousal, r_exp, p.collapse_gain, p.collapse_response)
    con = infancy.conflict_next(get(rf.conflict), plast, p.conflict_rate, c_in, p.conflict_decay)
    # M6
    sg = infancy.stress_gain_next(get(rf.stress_gain), plast, p.stress_gain_rate, n_h, n_f, p.stress_gain_recovery,
                          p.stress_gain_max)
    sc = infancy.social_cognition_next(get(rf.social_cognition), p.maturation_rate, avail, sens)

    F[rf.arousal, idx] = arousal
    for row, count in ((rf.episodes_total, n_ep), (rf.soothed_total, n_s), (rf.ignored_total, n_i),
                       (rf.rejected_total, n_r), (rf.frightened_total, n_f), (rf.harmed_total, n_h)):
        F[row, idx] += count.astype(np.float32)
    first_year = age < YEAR_W
    fy = idx[first_year]
    F[rf.sens_obs_num, fy] = (F[rf.sens_obs_num, fy].astype(np.float64) + sens[first_year]).astype(np.float32)
    F[rf.sens_obs_den, fy] += np.float32(1.0)
    for row, value in ((rf.regulation, reg), (rf.others_a, oa), (rf.others_b, ob), (rf.self_worth, sw),
                       (rf.threat, thr), (rf.hyperactivation, hyp), (rf.deactivation, dea), (rf.conflict, con),
                       (rf.resp_expect, r_exp), (rf.resp_unpredict, r_unp), (rf.rebuff_expect, r_buf),
                       (rf.stress_gain, sg), (rf.social_cognition, sc)):
        F[row, idx] = value
    # exposure ledger (before 18) and chronic stress (adulthood)
    harmed = child & (n_h > 0)
    for k, (flag, share) in enumerate(((rb.ace_emotional_abuse, p.emotional_abuse_share),
                                       (rb.ace_physical_abuse, p.physical_abuse_share),
                                       (rb.ace_sexual_abuse, p.sexual_abuse_share))):
        B[flag, idx[harmed & (uniform_np(pk2, 4 + k) < later.any_of(share, n_h))]] = 1
    B[rb.ace_violence, idx[harmed & (uniform_np(pk2, 7) < p.violence_per_harm_week)]] = 1
    F[rf.low_response_weeks, idx[later_child & (r_exp < p.neglect_response_threshold)]] += np.float32(1.0)
    deprived = child & dep_on & (get(rf.deprivation_intensity) >= p.severe_deprivation)
    F[rf.deprived_weeks, idx[deprived]] += np.float32(1.0)
    F[rf.arousal_mean, idx] = later.running_year_mean(get(rf.arousal_mean), arousal)
