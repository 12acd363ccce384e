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
    "later.rate_child", "later.rate_adult", "later.rate_tau_years", "later.drift_sd", "later.drift_years",
    "life_events.divorce_per_year", "life_events.divorce_dysregulation", "life_events.divorce_availability",
    "life_events.disruption_weeks", "life_events.incarceration_per_year", "life_events.emotional_abuse_share",
    "life_events.physical_abuse_share", "life_events.sexual_abuse_share", "life_events.violence_per_harm_week",
    "life_events.neglect_response_threshold", "life_events.mental_illness_threshold",
    "relationships.close_availability", "relationships.close_sensitivity_mean",
    "relationships.close_security_weight", "relationships.close_sensitivity_sd", "relationships.close_rejection",
    "relationships.turnover_per_year", "strategies.collapse_response",
    "relationships.partner_availability", "relationships.paradox_self_worth", "relationships.paradox_deactivation",
)
F_STATES = (
    "reactivity", "arousal", "episodes_total", "soothed_total", "ignored_total", "rejected_total",
    "frightened_total", "harmed_total", "sens_obs_num", "sens_obs_den", "regulation", "others_a", "others_b",
    "self_worth", "threat", "hyperactivation", "deactivation", "conflict", "resp_expect", "resp_unpredict",
    "rebuff_expect", "stress_gain", "social_cognition", "cg_availability", "cg_sensitivity",
    "cg_inconsistency", "cg_rejection", "cg_harm", "cg_dysregulation", "threat_intensity",
    "deprivation_intensity", "cg_shift", "close_sensitivity", "arousal_mean", "low_response_weeks",
    "deprived_weeks", "partner_responsiveness",
)
I_STATES = ("birth_step", "threat_onset_w", "threat_end_w", "deprivation_onset_w", "deprivation_end_w",
            "family_event_until_w", "partner")
#: The exposure ledger's flags, rows of the int8 matrix (one byte per person each).
B_STATES = ("ace_emotional_abuse", "ace_physical_abuse", "ace_sexual_abuse", "ace_violence", "ace_mental_illness",
            "ace_divorce", "ace_incarceration")
#: Kernel states that the step reads but never writes (set at birth).
READ_ONLY_F = ("reactivity", "cg_availability", "cg_sensitivity", "cg_inconsistency", "cg_rejection", "cg_harm",
               "cg_dysregulation", "threat_intensity", "deprivation_intensity")
READ_ONLY_I = ("birth_step", "threat_onset_w", "threat_end_w", "deprivation_onset_w", "deprivation_end_w")
STREAMS = ("caregiving.week", "m1.distress", "m2.response")

WEEKS_PER_YEAR = 52.1775
INFANCY_END_W = 104  # weeks(years=2)
ADULT_W = 939  # weeks(years=18)


@nb.njit(cache=True, inline="always")
def _clip(x: float, lo: float, hi: float) -> float:
    return min(max(x, lo), hi)


@nb.njit(cache=True, inline="always")
def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + np.exp(-x))


@nb.njit(cache=True)
def age_tables(par, age_end):  # type: ignore[no-untyped-def]
    """Plasticity and the base rate of distress episodes for every week of age below ``age_end``.

    Both depend on age alone, so the weekly step looks them up instead of calling ``exp`` twice
    per person; the expressions are the ones the step used, evaluated by the same compiled code.
    """
    floor = par[0]
    tau_w = par[1] * WEEKS_PER_YEAR
    rate0, rate1, rate_tau = par[2], par[3], par[4]
    rate_child, rate_adult, rate_later_tau = par[38], par[39], par[40] * WEEKS_PER_YEAR
    plasticity = np.empty(age_end)
    base_rate = np.empty(age_end)
    for age in range(age_end):
        plasticity[age] = floor + (1.0 - floor) * np.exp(-age / tau_w)
        if age < INFANCY_END_W:
            base_rate[age] = rate1 + (rate0 - rate1) * np.exp(-age / rate_tau)
        else:
            base_rate[age] = rate_adult + (rate_child - rate_adult) * np.exp(-(age - INFANCY_END_W) / rate_later_tau)
    return plasticity, base_rate


@nb.njit(cache=True, parallel=True)
def development_step(F, I, B, rf, ri, rb, par, skeys, step, n, plasticity, base_rates):  # type: ignore[no-untyped-def]
    """Advance every person aged 0 <= age < ``len(plasticity)`` weeks by one week (M1-M7).

    The attachment figure whose responses the person learns from is the caregiver up to
    18 years (in infancy exactly as drawn; from 2 years with a slow drift of sensitivity
    and family disruptions) and close others (friends, partners) in adulthood.
    """
    (REACT, AROUS, EPIS, SOOTH, IGN, REJ, FRI, HARM, SNUM, SDEN, REG, OA, OB, SW, THR, HYP, DEA, CON, REXP,
     RUNP, RBUF, SG, SC, CAV, CSE, CIN, CRE, CHA, CDY, TIN, DIN) = (
        rf[0], rf[1], rf[2], rf[3], rf[4], rf[5], rf[6], rf[7], rf[8], rf[9], rf[10], rf[11], rf[12], rf[13],
        rf[14], rf[15], rf[16], rf[17], rf[18], rf[19], rf[20], rf[21], rf[22], rf[23], rf[24], rf[25], rf[26],
        rf[27], rf[28], rf[29], rf[30])
    SHIFT, CLOSE, AMEAN, LOWR, DEPW, PRESP = rf[31], rf[32], rf[33], rf[34], rf[35], rf[36]
    BIRTH, TON, TEND, DON, DEND, EVU, PARTNER = ri[0], ri[1], ri[2], ri[3], ri[4], ri[5], ri[6]
    A_EMO, A_PHY, A_SEX, A_VIO, A_MEN, A_DIV, A_INC = rb[0], rb[1], rb[2], rb[3], rb[4], rb[5], rb[6]
    age_end = plasticity.shape[0]
    dys_dist, bid_sup = par[5], par[6]
    dys_sens, fr_dys, fr_harm, esc, thr_max, dep_max = par[7], par[8], par[9], par[10], par[11], par[12]
    lr_reg, drain, ar_mem, ar_scale, dys_cont = par[13], par[14], par[15], par[16], par[17]
    forget, lr_sw, lr_thr, thr_decay = par[18], par[19], par[20], par[21]
    trk, lr_strat, h_gain, h_thr, d_gain, d_thr, ign_w, lr_con, c_gain, col_gain, c_decay = (
        par[22], par[23], par[24], par[25], par[26], par[27], par[28], par[29], par[30], par[31], par[32])
    fr_scale = par[33]
    lr_sg, sg_rec, sg_max, mat = par[34], par[35], par[36], par[37]
    drift_rho = 1.0 - 1.0 / (par[42] * WEEKS_PER_YEAR)
    drift_step = par[41] * np.sqrt(1.0 - drift_rho * drift_rho)
    div_h = 1.0 - (1.0 - par[43]) ** (1.0 / WEEKS_PER_YEAR)
    div_dys, div_av, disrupt_w = par[44], par[45], np.int64(par[46])
    inc_h = 1.0 - (1.0 - par[47]) ** (1.0 / WEEKS_PER_YEAR)
    emo_sh, phy_sh, sex_sh, vio_w, neg_thr, mental_thr = par[48], par[49], par[50], par[51], par[52], par[53]
    close_av, close_mean, close_secw, close_sd, close_rej = par[54], par[55], par[56], par[57], par[58]
    turnover_h = 1.0 - (1.0 - par[59]) ** (1.0 / WEEKS_PER_YEAR)
    col_resp = par[60]
    partner_av, paradox_sw, paradox_dea = par[61], par[62], par[63]
    k_cg, k_m1, k_m2 = skeys[0], skeys[1], skeys[2]
    for i in nb.prange(n):
        age = step - I[BIRTH, i]
        if age < 0 or age >= age_end:
            continue
        plast = plasticity[age]
        # the attachment figure this week (MODEL §5, M7), with adversity schedules
        thr_on = I[TON, i] <= age < I[TEND, i]
        dep_on = I[DON, i] <= age < I[DEND, i]
        thr_i = F[TIN, i] if thr_on else 0.0
        dep_i = F[DIN, i] * dep_max if dep_on else 0.0
        pkc = person_key_nb(k_cg, i)
        rej = float(F[CRE, i])
        if age < ADULT_W:
            dys = float(F[CDY, i])
            avail = F[CAV, i] * (1.0 - dep_i)
            base_sens = float(F[CSE, i])
            if age >= INFANCY_END_W:
                # caregiving drifts as family circumstances change; divorce disrupts it for a while
                shift = F[SHIFT, i] * drift_rho + drift_step * normal_nb(pkc, 2)
                F[SHIFT, i] = shift
                base_sens = base_sens + shift
                if age >= I[EVU, i] and uniform_nb(pkc, 4) < div_h:
                    I[EVU, i] = age + disrupt_w
                    B[A_DIV, i] = 1
                if age < I[EVU, i]:
                    dys = min(1.0, dys + div_dys)
                    avail = avail * (1.0 - div_av)
                if uniform_nb(pkc, 5) < inc_h:
                    B[A_INC, i] = 1
            sens = _clip((base_sens * (1.0 - dys_sens * dys)) * (1.0 - dep_i) + F[CIN, i] * normal_nb(pkc, 0),
                         0.0, 1.0)
            harm = _clip(F[CHA, i] + thr_max * thr_i, 0.0, 1.0)
            if dys >= mental_thr:
                B[A_MEN, i] = 1
        else:
            # adulthood: close others chosen partly by one's own security (S0-7), renewed now and then
            if age == ADULT_W or uniform_nb(pkc, 5) < turnover_h:
                security = float(F[OA, i]) / (float(F[OA, i]) + float(F[OB, i])) * (1.0 - F[DEA, i])
                F[CLOSE, i] = _clip(close_mean + close_secw * (security - 0.5) + close_sd * normal_nb(pkc, 6),
                                    0.0, 1.0)
            dys = 0.0
            if I[PARTNER, i] >= 0:
                # a partner is the main co-regulator (M9); responsiveness computed from the partner's state
                avail = partner_av * (1.0 - dep_i)
                sens = _clip(F[PRESP, i] * (1.0 - dep_i) + F[CIN, i] * 0.5 * normal_nb(pkc, 0), 0.0, 1.0)
            else:
                avail = close_av * (1.0 - dep_i)
                sens = _clip(F[CLOSE, i] * (1.0 - dep_i) + F[CIN, i] * 0.5 * normal_nb(pkc, 0), 0.0, 1.0)
            harm = _clip(thr_max * thr_i, 0.0, 1.0)
            rej = close_rej
        fright = _clip(fr_dys * dys + fr_harm * harm, 0.0, 1.0)
        # M1 distress and bids
        hyp = float(F[HYP, i])
        dea = float(F[DEA, i])
        lam = base_rates[age] * F[REACT, i] * F[SG, i] * (1.0 + dys_dist * dys)
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
        if age >= ADULT_W and I[PARTNER, i] >= 0 and F[SW, i] < paradox_sw and dea > paradox_dea:
            # S0-8: being loved threatens a rigid defence; the partner's soothing is felt as intrusion
            n_r += n_s
            n_s = 0
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
        # log1p(0) is 0: skip the call in the (usual) weeks without fright
        c_fright = c_gain * np.log1p(fr_share / fr_scale) * (0.5 + r_exp) if fr_share > 0.0 else 0.0
        c_in = c_fright + col_gain * max(arousal - 1.0, 0.0) * max(0.0, col_resp - r_exp) / col_resp
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
        # exposure ledger for the ACE count (before 18) and chronic stress (adulthood)
        if age < ADULT_W:
            if n_h > 0:
                if uniform_nb(pk2, 4) < 1.0 - (1.0 - emo_sh) ** n_h:
                    B[A_EMO, i] = 1
                if uniform_nb(pk2, 5) < 1.0 - (1.0 - phy_sh) ** n_h:
                    B[A_PHY, i] = 1
                if uniform_nb(pk2, 6) < 1.0 - (1.0 - sex_sh) ** n_h:
                    B[A_SEX, i] = 1
                if uniform_nb(pk2, 7) < vio_w:
                    B[A_VIO, i] = 1
            if age >= INFANCY_END_W and r_exp < neg_thr:
                F[LOWR, i] += 1.0
            if dep_on and F[DIN, i] >= 0.5:
                F[DEPW, i] += 1.0
        F[AMEAN, i] += (arousal - F[AMEAN, i]) / 52.0
