"""Plain NumPy reference of the infancy step (M1-M6): the same arithmetic as the kernel, vectorised.

Used by the tests to check the fused kernel and by the benchmark as the baseline. It
computes in float64 and stores float32, like the kernel, and uses the same
counter-based draws, so both give the same states to float tolerance and the same
categories.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from ..core.rng import binomial_inv_np, box_muller_np, person_key_np, poisson_inv_np, step_key_np, uniform_np
from ._kernel import ADULT_W, B_STATES, F_STATES, I_STATES, INFANCY_END_W, PARAM_ORDER, WEEKS_PER_YEAR
from ._runner import LIFESPAN_END_WEEKS, kernel_inputs

if TYPE_CHECKING:
    from ..core.engine import Simulation

F64 = npt.NDArray[np.float64]


def _sigmoid(x: F64) -> F64:
    out: F64 = 1.0 / (1.0 + np.exp(-x))
    return out


def make_infancy(sim: Simulation) -> Callable[[Simulation, int], None]:
    """A callable that advances the population one week with NumPy."""
    rf, ri, rb, par_vec, keys = kernel_inputs(sim)
    par = dict(zip(PARAM_ORDER, par_vec.tolist(), strict=True))

    def run(s: Simulation, step: int) -> None:
        development_step_np(s.pop.f32, s.pop.i32, s.pop.i8, rf, ri, rb, par, [step_key_np(k, step) for k in keys],
                            step, s.pop.n)

    return run


def development_step_np(F: npt.NDArray[np.float32], I: npt.NDArray[np.int32], B: npt.NDArray[np.int8],
                        rf: npt.NDArray[np.int64], ri: npt.NDArray[np.int64], rb: npt.NDArray[np.int64],
                        p: dict[str, float], skeys: list[np.uint64], step: int, n: int) -> None:
    """Advance every living person by one week (same rules and draws as the Numba kernel)."""
    f = {name: rf[j] for j, name in enumerate(F_STATES)}
    irow = {name: ri[j] for j, name in enumerate(I_STATES)}
    brow = {name: rb[j] for j, name in enumerate(B_STATES)}
    age_all = step - I[irow["birth_step"], :n].astype(np.int64)
    idx = np.nonzero((age_all >= 0) & (age_all < LIFESPAN_END_WEEKS))[0]
    if idx.size == 0:
        return
    age = age_all[idx]

    def get(name: str) -> F64:
        out: F64 = F[f[name], idx].astype(np.float64)
        return out

    def iget(name: str) -> npt.NDArray[np.int64]:
        out: npt.NDArray[np.int64] = I[irow[name], idx].astype(np.int64)
        return out

    floor = p["development.plasticity_floor"]
    plast = floor + (1.0 - floor) * np.exp(-age / (p["development.plasticity_tau_years"] * WEEKS_PER_YEAR))
    thr_on = (iget("threat_onset_w") <= age) & (age < iget("threat_end_w"))
    dep_on = (iget("deprivation_onset_w") <= age) & (age < iget("deprivation_end_w"))
    thr_i = np.where(thr_on, get("threat_intensity"), 0.0)
    dep_i = np.where(dep_on, get("deprivation_intensity") * p["response.deprivation_max"], 0.0)
    pkc = person_key_np(skeys[0], idx)
    z = box_muller_np(uniform_np(pkc, 0), uniform_np(pkc, 1))
    child = age < ADULT_W
    later_child = child & (age >= INFANCY_END_W)
    adult = ~child
    # caregiver (to 18): drift and family disruption from 2 years
    dys = get("cg_dysregulation")
    base_sens = get("cg_sensitivity")
    avail = get("cg_availability") * (1.0 - dep_i)
    rho = 1.0 - 1.0 / (p["later.drift_years"] * WEEKS_PER_YEAR)
    drift = p["later.drift_sd"] * np.sqrt(1.0 - rho * rho)
    shift = get("cg_shift") * rho + drift * box_muller_np(uniform_np(pkc, 2), uniform_np(pkc, 3))
    F[f["cg_shift"], idx[later_child]] = shift[later_child]
    base_sens = np.where(later_child, base_sens + shift, base_sens)
    evu = iget("family_event_until_w")
    div_h = 1.0 - (1.0 - p["life_events.divorce_per_year"]) ** (1.0 / WEEKS_PER_YEAR)
    new_event = later_child & (age >= evu) & (uniform_np(pkc, 4) < div_h)
    evu = np.where(new_event, age + np.int64(p["life_events.disruption_weeks"]), evu)
    I[irow["family_event_until_w"], idx[new_event]] = evu[new_event]
    B[brow["ace_divorce"], idx[new_event]] = 1
    disrupted = later_child & (age < evu)
    dys = np.where(disrupted, np.minimum(1.0, dys + p["life_events.divorce_dysregulation"]), dys)
    avail = np.where(disrupted, avail * (1.0 - p["life_events.divorce_availability"]), avail)
    inc_h = 1.0 - (1.0 - p["life_events.incarceration_per_year"]) ** (1.0 / WEEKS_PER_YEAR)
    B[brow["ace_incarceration"], idx[later_child & (uniform_np(pkc, 5) < inc_h)]] = 1
    sens = (base_sens * (1.0 - p["response.dysregulation_sensitivity"] * dys)) * (1.0 - dep_i)
    sens = np.clip(sens + get("cg_inconsistency") * z, 0.0, 1.0)
    harm = np.clip(get("cg_harm") + p["response.threat_harm_max"] * thr_i, 0.0, 1.0)
    B[brow["ace_mental_illness"], idx[child & (dys >= p["life_events.mental_illness_threshold"])]] = 1
    rej = get("cg_rejection")
    # adulthood: close others, chosen partly by one's own security (S0-7)
    if adult.any():
        turnover_h = 1.0 - (1.0 - p["relationships.turnover_per_year"]) ** (1.0 / WEEKS_PER_YEAR)
        renew = adult & ((age == ADULT_W) | (uniform_np(pkc, 5) < turnover_h))
        security = get("others_a") / (get("others_a") + get("others_b")) * (1.0 - get("deactivation"))
        z67 = box_muller_np(uniform_np(pkc, 6), uniform_np(pkc, 7))
        drawn = np.clip(p["relationships.close_sensitivity_mean"]
                        + p["relationships.close_security_weight"] * (security - 0.5)
                        + p["relationships.close_sensitivity_sd"] * z67, 0.0, 1.0)
        F[f["close_sensitivity"], idx[renew]] = drawn[renew]
        close = get("close_sensitivity")
        partnered = adult & (iget("partner") >= 0)
        close = np.where(partnered, get("partner_responsiveness"), close)
        dys = np.where(adult, 0.0, dys)
        figure_av = np.where(partnered, p["relationships.partner_availability"],
                             p["relationships.close_availability"])
        avail = np.where(adult, figure_av * (1.0 - dep_i), avail)
        sens = np.where(adult, np.clip(close * (1.0 - dep_i) + get("cg_inconsistency") * 0.5 * z, 0.0, 1.0), sens)
        harm = np.where(adult, np.clip(p["response.threat_harm_max"] * thr_i, 0.0, 1.0), harm)
        rej = np.where(adult, p["relationships.close_rejection"], rej)
    fright = np.clip(p["response.fright_per_dysregulation"] * dys + p["response.fright_per_harm"] * harm, 0.0, 1.0)
    # M1
    hyp, dea = get("hyperactivation"), get("deactivation")
    r0, r1 = p["distress.rate_newborn"], p["distress.rate_late"]
    later_rate = p["later.rate_adult"] + (p["later.rate_child"] - p["later.rate_adult"]) * np.exp(
        -(age - INFANCY_END_W) / (p["later.rate_tau_years"] * WEEKS_PER_YEAR))
    base_rate = np.where(age < INFANCY_END_W, r1 + (r0 - r1) * np.exp(-age / p["distress.rate_tau_weeks"]), later_rate)
    lam = base_rate * get("reactivity") * get("stress_gain") * (1.0 + p["distress.dysregulation_distress"] * dys)
    pk1 = person_key_np(skeys[1], idx)
    n_ep = poisson_inv_np(uniform_np(pk1, 0), lam)
    n_bid = binomial_inv_np(uniform_np(pk1, 1), n_ep, 1.0 - p["distress.bid_suppression"] * dea)
    # M2
    p_h = avail * harm
    p_f = avail * (1.0 - harm) * fright
    p_r = avail * (1.0 - harm) * (1.0 - fright) * rej
    s_eff = sens + (1.0 - sens) * p["response.escalation_payoff"] * hyp
    p_s = avail * (1.0 - harm) * (1.0 - fright) * (1.0 - rej) * s_eff
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
    paradox = (age >= ADULT_W) & (iget("partner") >= 0) & (get("self_worth") < p["relationships.paradox_self_worth"]) \
        & (dea > p["relationships.paradox_deactivation"])
    n_r = np.where(paradox, n_r + n_s, n_r)
    n_s = np.where(paradox, 0, n_s)
    # M3
    reg = get("regulation")
    unresolved = (n_ep - n_s) * (1.0 - reg) + n_h + 0.5 * n_f
    mem = p["regulation.arousal_memory"]
    cont = p["regulation.dysregulation_contagion"]
    arousal = mem * get("arousal") + (1.0 - mem) * (unresolved / p["regulation.arousal_scale"] + cont * dys)
    lr_reg = p["regulation.learning_rate"]
    has_ep = n_ep > 0
    s_share = n_s / np.maximum(n_ep, 1)
    grown = reg + plast * lr_reg * (s_share * (1.0 - reg)
                                    - p["regulation.arousal_drain"] * (1.0 - s_share) * np.minimum(arousal, 2.0) * reg)
    reg = np.where(has_ep, grown, reg)
    reg = np.clip(reg - plast * lr_reg * cont * dys * reg, 0.0, 1.0)
    # M4
    decay = 1.0 - plast * p["working_models.forgetting"]
    oa = get("others_a") * decay + plast * n_s
    ob = get("others_b") * decay + plast * (n_bid - n_s)
    sw = get("self_worth")
    val = (n_s - n_r - n_h) / np.maximum(n_ep, 1)
    sw = np.where(has_ep, np.clip(sw + plast * p["working_models.self_worth_rate"] * (0.5 + 0.5 * val - sw), 0.0, 1.0),
                  sw)
    thr = get("threat")
    thr = np.clip(thr + plast * (p["working_models.threat_rate"] * (n_h + 0.5 * n_f) * (1.0 - thr) / (1.0 + n_ep)
                                 - p["working_models.threat_decay"] * thr), 0.0, 1.0)
    # M5
    trk = p["strategies.tracker_rate"]
    r_exp, r_unp, r_buf = get("resp_expect"), get("resp_unpredict"), get("rebuff_expect")
    has_bid = n_bid > 0
    r = n_s / np.maximum(n_bid, 1)
    excess = (r - r_exp) * (r - r_exp) - r_exp * (1.0 - r_exp) / np.maximum(n_bid, 1)
    r_unp = np.where(has_bid, r_unp + trk * (excess - r_unp), r_unp)
    r_exp = np.where(has_bid, r_exp + trk * (r - r_exp), r_exp)
    r_buf = np.where(has_bid, r_buf + trk * ((n_r + n_h) / np.maximum(n_bid, 1) - r_buf), r_buf)
    ignored = np.maximum(0.0, 1.0 - r_exp - r_buf)
    h_tgt = _sigmoid(p["strategies.hyper_gain"] * (np.sqrt(np.maximum(r_unp, 0.0)) - p["strategies.hyper_threshold"])) \
        * (1.0 - r_buf)
    d_tgt = _sigmoid(p["strategies.deact_gain"] * (r_buf + p["strategies.ignore_weight"] * ignored
                                                   - p["strategies.deact_threshold"]))
    lr_s = p["strategies.strategy_rate"]
    hyp = hyp + plast * lr_s * (h_tgt - hyp)
    dea = dea + plast * lr_s * (d_tgt - dea)
    fr_share = (n_h + n_f) / np.maximum(n_ep, 1)
    con = get("conflict")
    c_in = p["strategies.conflict_gain"] * np.log1p(fr_share / p["strategies.fright_scale"]) * (0.5 + r_exp) \
        + p["strategies.collapse_gain"] * np.maximum(arousal - 1.0, 0.0) \
        * np.maximum(0.0, p["strategies.collapse_response"] - r_exp) / p["strategies.collapse_response"]
    con = np.clip(con + plast * (p["strategies.conflict_rate"] * c_in * (1.0 - con)
                                 - p["strategies.conflict_decay"] * con), 0.0, 1.0)
    # M6
    sg = get("stress_gain")
    sg = np.clip(sg + plast * (p["pathways.stress_gain_rate"] * (n_h + 0.5 * n_f)
                               - p["pathways.stress_gain_recovery"] * (sg - 1.0)), 1.0, p["pathways.stress_gain_max"])
    stim = avail * (0.5 + 0.5 * sens)
    sc = get("social_cognition")
    sc = sc + p["pathways.maturation_rate"] * stim * (1.0 - sc)

    def put(name: str, value: F64 | npt.NDArray[np.int64]) -> None:
        F[f[name], idx] = value

    put("arousal", arousal)
    for name, count in (("episodes_total", n_ep), ("soothed_total", n_s), ("ignored_total", n_i),
                        ("rejected_total", n_r), ("frightened_total", n_f), ("harmed_total", n_h)):
        F[f[name], idx] += count.astype(np.float32)
    first_year = age < 52
    obs = sens
    fy = idx[first_year]
    F[f["sens_obs_num"], fy] = (F[f["sens_obs_num"], fy].astype(np.float64) + obs[first_year]).astype(np.float32)
    F[f["sens_obs_den"], idx[first_year]] += np.float32(1.0)
    for name, value in (("regulation", reg), ("others_a", oa), ("others_b", ob), ("self_worth", sw), ("threat", thr),
                        ("hyperactivation", hyp), ("deactivation", dea), ("conflict", con), ("resp_expect", r_exp),
                        ("resp_unpredict", r_unp), ("rebuff_expect", r_buf), ("stress_gain", sg),
                        ("social_cognition", sc)):
        put(name, value)
    # exposure ledger (before 18) and chronic stress (adulthood)
    shares = (p["life_events.emotional_abuse_share"], p["life_events.physical_abuse_share"],
              p["life_events.sexual_abuse_share"])
    harmed = child & (n_h > 0)
    for k, (flag, share) in enumerate(zip(("ace_emotional_abuse", "ace_physical_abuse", "ace_sexual_abuse"), shares,
                                          strict=True)):
        hit = harmed & (uniform_np(pk2, 4 + k) < 1.0 - (1.0 - share) ** n_h)
        B[brow[flag], idx[hit]] = 1
    B[brow["ace_violence"], idx[harmed & (uniform_np(pk2, 7) < p["life_events.violence_per_harm_week"])]] = 1
    low = later_child & (r_exp < p["life_events.neglect_response_threshold"])
    F[f["low_response_weeks"], idx[low]] += np.float32(1.0)
    deprived = child & dep_on & (get("deprivation_intensity") >= 0.5)
    F[f["deprived_weeks"], idx[deprived]] += np.float32(1.0)
    am = get("arousal_mean")
    F[f["arousal_mean"], idx] = am + (arousal - am) / 52.0
