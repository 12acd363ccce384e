"""The fused infancy step (M1-M6) as one Numba kernel over people.

One pass per week reads and writes each person's states once. Parameters arrive as a
float64 vector in ``PARAM_ORDER`` and state rows as index vectors in ``F_STATES`` and
``I_STATES``; both orders live in this file, so that Numba's on-disk cache is
invalidated whenever they change.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from ..core.rng import binomial_inv_nb, normal_nb, person_key_nb, poisson_inv_nb, uniform_nb

PARAM_ORDER = (
    "development.plasticity_floor", "development.plasticity_tau_years",
    "distress.rate_newborn", "distress.rate_late", "distress.rate_tau_weeks", "distress.dysregulation_distress",
    "distress.bid_suppression",
    "response.dysregulation_sensitivity", "response.fright_per_dysregulation", "response.fright_per_harm",
    "response.escalation_payoff", "response.threat_harm_max", "response.deprivation_max",
    "regulation.learning_rate", "regulation.arousal_drain", "regulation.arousal_memory",
    "regulation.arousal_scale", "regulation.dysregulation_contagion",
    "working_models.forgetting", "working_models.self_worth_rate", "working_models.threat_rate",
    "working_models.threat_decay",
    "strategies.tracker_rate", "strategies.strategy_rate", "strategies.hyper_gain", "strategies.hyper_threshold",
    "strategies.deact_gain", "strategies.deact_threshold", "strategies.ignore_weight", "strategies.conflict_rate",
    "strategies.conflict_gain", "strategies.collapse_gain", "strategies.conflict_decay", "strategies.fright_scale",
    "pathways.stress_gain_rate", "pathways.stress_gain_recovery", "pathways.stress_gain_max",
    "pathways.maturation_rate",
)
F_STATES = (
    "reactivity", "arousal", "episodes_total", "soothed_total", "ignored_total", "rejected_total",
    "frightened_total", "harmed_total", "sens_obs_num", "sens_obs_den", "regulation", "others_a", "others_b",
    "self_worth", "threat", "hyperactivation", "deactivation", "conflict", "resp_expect", "resp_unpredict",
    "rebuff_expect", "stress_gain", "social_cognition", "cg_availability", "cg_sensitivity",
    "cg_inconsistency", "cg_rejection", "cg_harm", "cg_dysregulation", "threat_intensity",
    "deprivation_intensity",
)
I_STATES = ("birth_step", "threat_onset_w", "threat_end_w", "deprivation_onset_w", "deprivation_end_w")
STREAMS = ("caregiving.week", "m1.distress", "m2.response")

_P = {name: i for i, name in enumerate(PARAM_ORDER)}
WEEKS_PER_YEAR = 52.1775


@nb.njit(cache=True, inline="always")
def _clip(x: float, lo: float, hi: float) -> float:
    return min(max(x, lo), hi)


@nb.njit(cache=True, inline="always")
def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + np.exp(-x))


@nb.njit(cache=True, parallel=True)
def infancy_step(F, I, rf, ri, par, skeys, step, n, age_end):  # type: ignore[no-untyped-def]
    """Advance every person aged 0 <= age < ``age_end`` weeks by one week (M1-M6)."""
    (REACT, AROUS, EPIS, SOOTH, IGN, REJ, FRI, HARM, SNUM, SDEN, REG, OA, OB, SW, THR, HYP, DEA, CON, REXP,
     RUNP, RBUF, SG, SC, CAV, CSE, CIN, CRE, CHA, CDY, TIN, DIN) = (
        rf[0], rf[1], rf[2], rf[3], rf[4], rf[5], rf[6], rf[7], rf[8], rf[9], rf[10], rf[11], rf[12], rf[13],
        rf[14], rf[15], rf[16], rf[17], rf[18], rf[19], rf[20], rf[21], rf[22], rf[23], rf[24], rf[25], rf[26],
        rf[27], rf[28], rf[29], rf[30])
    BIRTH, TON, TEND, DON, DEND = ri[0], ri[1], ri[2], ri[3], ri[4]
    floor = par[0]
    tau_w = par[1] * WEEKS_PER_YEAR
    rate0, rate1, rate_tau, dys_dist, bid_sup = par[2], par[3], par[4], par[5], par[6]
    dys_sens, fr_dys, fr_harm, esc, thr_max, dep_max = par[7], par[8], par[9], par[10], par[11], par[12]
    lr_reg, drain, ar_mem, ar_scale, dys_cont = par[13], par[14], par[15], par[16], par[17]
    forget, lr_sw, lr_thr, thr_decay = par[18], par[19], par[20], par[21]
    trk, lr_strat, h_gain, h_thr, d_gain, d_thr, ign_w, lr_con, c_gain, col_gain, c_decay = (
        par[22], par[23], par[24], par[25], par[26], par[27], par[28], par[29], par[30], par[31], par[32])
    fr_scale = par[33]
    lr_sg, sg_rec, sg_max, mat = par[34], par[35], par[36], par[37]
    k_cg, k_m1, k_m2 = skeys[0], skeys[1], skeys[2]
    for i in nb.prange(n):
        age = step - I[BIRTH, i]
        if age < 0 or age >= age_end:
            continue
        plast = floor + (1.0 - floor) * np.exp(-age / tau_w)
        # caregiving this week (MODEL §5) with adversity schedules
        thr_on = I[TON, i] <= age < I[TEND, i]
        dep_on = I[DON, i] <= age < I[DEND, i]
        thr_i = F[TIN, i] if thr_on else 0.0
        dep_i = F[DIN, i] * dep_max if dep_on else 0.0
        dys = float(F[CDY, i])
        avail = F[CAV, i] * (1.0 - dep_i)
        pkc = person_key_nb(k_cg, i)
        sens = _clip((F[CSE, i] * (1.0 - dys_sens * dys)) * (1.0 - dep_i) + F[CIN, i] * normal_nb(pkc, 0), 0.0, 1.0)
        harm = _clip(F[CHA, i] + thr_max * thr_i, 0.0, 1.0)
        fright = _clip(fr_dys * dys + fr_harm * harm, 0.0, 1.0)
        rej = float(F[CRE, i])
        # M1 distress and bids
        hyp = float(F[HYP, i])
        dea = float(F[DEA, i])
        lam = (rate1 + (rate0 - rate1) * np.exp(-age / rate_tau)) * F[REACT, i] * F[SG, i] * (1.0 + dys_dist * dys)
        pk1 = person_key_nb(k_m1, i)
        n_ep = poisson_inv_nb(uniform_nb(pk1, 0), lam)
        n_bid = binomial_inv_nb(uniform_nb(pk1, 1), n_ep, 1.0 - bid_sup * dea)
        # M2 caregiver response: sequential conditional binomials
        p_h = avail * harm
        p_f = avail * (1.0 - harm) * fright
        p_r = avail * (1.0 - harm) * (1.0 - fright) * rej
        s_eff = sens + (1.0 - sens) * esc * hyp
        p_s = avail * (1.0 - harm) * (1.0 - fright) * (1.0 - rej) * s_eff
        pk2 = person_key_nb(k_m2, i)
        left = 1.0
        n_h = binomial_inv_nb(uniform_nb(pk2, 0), n_bid, p_h / left)
        left -= p_h
        rest = n_bid - n_h
        n_f = binomial_inv_nb(uniform_nb(pk2, 1), rest, p_f / left) if left > 0.0 else 0
        left -= p_f
        rest -= n_f
        n_r = binomial_inv_nb(uniform_nb(pk2, 2), rest, p_r / left) if left > 0.0 else 0
        left -= p_r
        rest -= n_r
        n_s = binomial_inv_nb(uniform_nb(pk2, 3), rest, p_s / left) if left > 0.0 else 0
        n_i = rest - n_s
        # M3 co-regulation -> regulation, arousal
        reg = float(F[REG, i])
        unresolved = (n_ep - n_s) * (1.0 - reg) + n_h + 0.5 * n_f
        arousal = ar_mem * F[AROUS, i] + (1.0 - ar_mem) * (unresolved / ar_scale + dys_cont * dys)
        if n_ep > 0:
            s_share = n_s / n_ep
            reg = reg + plast * lr_reg * (s_share * (1.0 - reg) - drain * (1.0 - s_share) * min(arousal, 2.0) * reg)
        reg = _clip(reg - plast * lr_reg * dys_cont * dys * reg, 0.0, 1.0)
        # M4 working models
        decay = 1.0 - plast * forget
        oa = F[OA, i] * decay + plast * n_s
        ob = F[OB, i] * decay + plast * (n_bid - n_s)
        sw = float(F[SW, i])
        if n_ep > 0:
            val = (n_s - n_r - n_h) / n_ep
            sw = _clip(sw + plast * lr_sw * (0.5 + 0.5 * val - sw), 0.0, 1.0)
        thr = float(F[THR, i])
        thr = _clip(thr + plast * (lr_thr * (n_h + 0.5 * n_f) * (1.0 - thr) / (1.0 + n_ep) - thr_decay * thr),
                    0.0, 1.0)
        # M5 strategies
        r_exp = float(F[REXP, i])
        r_unp = float(F[RUNP, i])
        r_buf = float(F[RBUF, i])
        if n_bid > 0:
            r = n_s / n_bid
            # excess variance of the weekly response over what sampling alone would give
            excess = (r - r_exp) * (r - r_exp) - r_exp * (1.0 - r_exp) / n_bid
            r_unp = r_unp + trk * (excess - r_unp)
            r_exp = r_exp + trk * (r - r_exp)
            r_buf = r_buf + trk * ((n_r + n_h) / n_bid - r_buf)
        ignored = max(0.0, 1.0 - r_exp - r_buf)
        h_tgt = _sigmoid(h_gain * (np.sqrt(max(r_unp, 0.0)) - h_thr)) * (1.0 - r_buf)
        d_tgt = _sigmoid(d_gain * (r_buf + ign_w * ignored - d_thr))
        hyp = hyp + plast * lr_strat * (h_tgt - hyp)
        dea = dea + plast * lr_strat * (d_tgt - dea)
        fr_share = (n_h + n_f) / max(n_ep, 1)
        con = float(F[CON, i])
        c_in = c_gain * np.log1p(fr_share / fr_scale) * (0.5 + r_exp) \
            + col_gain * max(arousal - 1.0, 0.0) * (1.0 - r_exp)
        con = _clip(con + plast * (lr_con * c_in * (1.0 - con) - c_decay * con), 0.0, 1.0)
        # M6 pathways
        sg = float(F[SG, i])
        sg = _clip(sg + plast * (lr_sg * (n_h + 0.5 * n_f) - sg_rec * (sg - 1.0)), 1.0, sg_max)
        stim = avail * (0.5 + 0.5 * sens)
        sc = float(F[SC, i])
        sc = sc + mat * stim * (1.0 - sc)
        # write back
        F[AROUS, i] = arousal
        F[EPIS, i] += n_ep
        F[SOOTH, i] += n_s
        F[IGN, i] += n_i
        F[REJ, i] += n_r
        F[FRI, i] += n_f
        F[HARM, i] += n_h
        if age < 52:
            F[SNUM, i] += sens
            F[SDEN, i] += 1.0
        F[REG, i] = reg
        F[OA, i] = oa
        F[OB, i] = ob
        F[SW, i] = sw
        F[THR, i] = thr
        F[HYP, i] = hyp
        F[DEA, i] = dea
        F[CON, i] = con
        F[REXP, i] = r_exp
        F[RUNP, i] = r_unp
        F[RBUF, i] = r_buf
        F[SG, i] = sg
        F[SC, i] = sc
