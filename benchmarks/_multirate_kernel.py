"""A multi-rate variant of the development kernel, for the design study of issue 16 (not the model).

A copy of ``attachsim.development._kernel.development_step`` as it stood at commit 6882e65, with one
change: from the age ``switch_w`` on, the slow states (regulation, the working models' evidence,
self-worth, threat, hyperactivation, deactivation, conflict, stress gain, social cognition) are updated
once per 4 weeks instead of every week. Before ``switch_w``, and everywhere with ``mode == 0``, it runs
the shipped weekly code unchanged (bit-identical results: ``benchmarks/multirate_study.py --check``).

``mode == 1`` (variant a, "monthly learning, weekly draws"): every draw, arousal and the response
trackers stay weekly; the week's inputs to each slow law are summed in per-person accumulators ``A``
(the sufficient statistics of each law's weekly increment with the slow state held fixed), and at the
fourth week of a month each slow state takes the month's summed increment at once (a frozen-state
Euler step of four weeks). Hyperactivation and deactivation approach targets evaluated once a month
from that week's trackers (the two sigmoids are the only learning cost saved that is not a sum).

``mode == 2`` (variant b, "monthly draws"): at the first week of a month the person's draws are made
once for four weeks: one Poisson with four times the week's rate, the bid and response binomials
once, one sensitivity draw, the drift as an exact four-step AR(1), weekly hazards as four-week
hazards. The month's unresolved distress drives arousal spread evenly over its four weeks (arousal
itself still moves every week, through its own memory; the drive is kept in ``A[0]``). The slow laws
and the trackers take the month's counts, each weighted by the expected number of weeks in which the
weekly law would have fired (``4 (1 - 0.75 ** N)`` weeks with episodes for ``N`` episodes spread
over four weeks), and the nonlinear inputs that depend on arousal (the regulation drain, collapse
conflict) are summed over the four weekly arousal values. Random numbers stay keyed on
(seed, stream, step, id): a month's draws use the keys of its first week.

``mode == 3`` (variant c): variant b, but the month's soothed, rebuffed (or harmed) and other bids are spread
over its four weeks (each bid in a random week: binomials per category and week, draws 10-18 of the response
stream), and the response trackers and strategy targets step weekly on those counts.

See ``docs/multirate.md`` for the results.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from attachsim.core.laws import clip, guard_cache
from attachsim.core.rng import binomial_inv_nb, normal_nb, person_key_nb, poisson_inv_nb, uniform_nb
from attachsim.core.timeline import ADULT_W, INFANCY_END_W, YEAR_W
from attachsim.development import infancy, later
from attachsim.development._kernel import week_constants
from attachsim.development.infancy import AROUSAL_DRAIN_CAP, FRIGHT_WEIGHT

#: Rows of the accumulator matrix ``A`` (float64, one column per person) in variant a.
ACC = ("reg_soothed", "reg_drain", "reg_contagion", "evidence_soothed", "evidence_unsoothed", "sw_validation",
       "sw_weeks", "threat_in", "conflict_in", "stress_in", "maturation_in")
N_ACC = len(ACC)
MONTH = 4


@nb.njit(cache=True, inline="always")
def _busy_weeks(count):  # type: ignore[no-untyped-def]
    """Expected number of the month's four weeks holding at least one of ``count`` events (spread at random)."""
    return MONTH * (1.0 - 0.75 ** count)


@nb.njit(cache=True, parallel=True)
def development_step(F, I, B, rf, ri, rb, p, skeys, step, n, plasticity, base_rates,  # type: ignore[no-untyped-def]
                     A, switch_w, mode):
    """The shipped weekly step below age ``switch_w``; multi-rate (``mode`` 1 or 2) from it on."""
    age_end = plasticity.shape[0]
    drift_rho, drift_step, div_h, disrupt_w, inc_h, turnover_h = week_constants(p)
    # four-week versions (variant b): exact AR(1) over four steps, four-week hazards
    rho2 = drift_rho * drift_rho
    drift_rho4 = rho2 * rho2
    drift_step4 = drift_step * np.sqrt((1.0 - drift_rho4 * drift_rho4) / (1.0 - rho2))
    div_h4 = 1.0 - (1.0 - div_h) ** MONTH
    inc_h4 = 1.0 - (1.0 - inc_h) ** MONTH
    turnover_h4 = 1.0 - (1.0 - turnover_h) ** MONTH
    k_cg, k_m1, k_m2 = skeys[0], skeys[1], skeys[2]
    for i in nb.prange(n):
        age = step - I[ri.birth_step, i]
        if age < 0 or age >= age_end:
            continue
        plast = plasticity[age]
        monthly = mode != 0 and age >= switch_w
        phase = (age - switch_w) % MONTH if monthly else 0
        drawn_monthly = monthly and mode >= 2
        if drawn_monthly and phase != 0:
            # variant b, weeks 2-4 of a month: arousal moves by its memory towards the month's drive
            arousal = p.arousal_memory * F[rf.arousal, i] + (1.0 - p.arousal_memory) * A[0, i]
            F[rf.arousal, i] = arousal
            F[rf.arousal_mean, i] = later.running_year_mean(F[rf.arousal_mean, i], arousal)
            continue
        thr_on = I[ri.threat_onset_w, i] <= age < I[ri.threat_end_w, i]
        dep_on = I[ri.deprivation_onset_w, i] <= age < I[ri.deprivation_end_w, i]
        thr_i = F[rf.threat_intensity, i] if thr_on else 0.0
        dep_i = F[rf.deprivation_intensity, i] * p.deprivation_max if dep_on else 0.0
        pkc = person_key_nb(k_cg, i)
        rej = float(F[rf.cg_rejection, i])
        if age < ADULT_W:
            dys = float(F[rf.cg_dysregulation, i])
            avail = F[rf.cg_availability, i] * (1.0 - dep_i)
            base_sens = float(F[rf.cg_sensitivity, i])
            if age >= INFANCY_END_W:
                if drawn_monthly:
                    shift = later.drift_next(F[rf.cg_shift, i], drift_rho4, drift_step4, normal_nb(pkc, 2))
                else:
                    shift = later.drift_next(F[rf.cg_shift, i], drift_rho, drift_step, normal_nb(pkc, 2))
                F[rf.cg_shift, i] = shift
                base_sens = base_sens + shift
                if age >= I[ri.family_event_until_w, i] and uniform_nb(pkc, 4) < (div_h4 if drawn_monthly else div_h):
                    I[ri.family_event_until_w, i] = age + disrupt_w
                    B[rb.ace_divorce, i] = 1
                if age < I[ri.family_event_until_w, i]:
                    dys = min(1.0, dys + p.divorce_dysregulation)
                    avail = avail * (1.0 - p.divorce_availability)
                if uniform_nb(pkc, 5) < (inc_h4 if drawn_monthly else inc_h):
                    B[rb.ace_incarceration, i] = 1
            sens = infancy.caregiver_sensitivity(base_sens, p.dysregulation_sensitivity, dys, dep_i,
                                                 F[rf.cg_inconsistency, i], normal_nb(pkc, 0))
            harm = clip(F[rf.cg_harm, i] + p.threat_harm_max * thr_i, 0.0, 1.0)
            if dys >= p.mental_illness_threshold:
                B[rb.ace_mental_illness, i] = 1
        else:
            first_adult = age < ADULT_W + MONTH if drawn_monthly else age == ADULT_W
            if first_adult or uniform_nb(pkc, 5) < (turnover_h4 if drawn_monthly else turnover_h):
                security = later.chooser_security(F[rf.others_a, i], F[rf.others_b, i], F[rf.deactivation, i])
                F[rf.close_sensitivity, i] = later.close_other_sensitivity(
                    security, p.close_sensitivity_mean, p.close_security_weight, p.close_sensitivity_sd,
                    normal_nb(pkc, 6))
            dys = 0.0
            if I[ri.partner, i] >= 0:
                avail = p.partner_availability * (1.0 - dep_i)
                sens = later.adult_figure_sensitivity(F[rf.partner_responsiveness, i], dep_i, F[rf.cg_inconsistency, i],
                                                      p.figure_inconsistency_share, normal_nb(pkc, 0))
            else:
                avail = p.close_availability * (1.0 - dep_i)
                sens = later.adult_figure_sensitivity(F[rf.close_sensitivity, i], dep_i, F[rf.cg_inconsistency, i],
                                                      p.figure_inconsistency_share, normal_nb(pkc, 0))
            harm = clip(p.threat_harm_max * thr_i, 0.0, 1.0)
            rej = p.close_rejection
        fright_p = infancy.fright(p.fright_per_dysregulation, dys, p.fright_per_harm, harm)
        # M1 distress and bids
        hyp = float(F[rf.hyperactivation, i])
        dea = float(F[rf.deactivation, i])
        lam = infancy.episode_rate(base_rates[age], F[rf.reactivity, i], F[rf.stress_gain, i],
                                   p.dysregulation_distress, dys)
        if drawn_monthly:
            lam = lam * MONTH
        pk1 = person_key_nb(k_m1, i)
        n_ep = poisson_inv_nb(uniform_nb(pk1, 0), lam)
        n_bid = binomial_inv_nb(uniform_nb(pk1, 1), n_ep, infancy.bid_probability(p.bid_suppression, dea))
        # M2 caregiver response: sequential conditional binomials
        p_h, p_f, p_r, p_s = infancy.response_probabilities(avail, harm, fright_p, rej, sens, p.escalation_payoff, hyp)
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
        n_in = 0
        if age >= ADULT_W and I[ri.partner, i] >= 0 and n_s > 0:
            n_in = binomial_inv_nb(uniform_nb(pk2, 8), n_s, np.float64(F[rf.intrusion, i]))
            n_s -= n_in
            n_i += n_in
        reg = float(F[rf.regulation, i])
        unresolved = infancy.unresolved_episodes(n_ep, n_s, n_h, n_f, reg) + p.intrusion_arousal * n_in
        r_exp = float(F[rf.resp_expect, i])
        r_unp = float(F[rf.resp_unpredict, i])
        r_buf = float(F[rf.rebuff_expect, i])
        oa = float(F[rf.others_a, i])
        ob = float(F[rf.others_b, i])
        sw = float(F[rf.self_worth, i])
        thr = float(F[rf.threat, i])
        con = float(F[rf.conflict, i])
        sg = float(F[rf.stress_gain, i])
        sc = float(F[rf.social_cognition, i])
        if not monthly:
            # ---- the shipped weekly learning, verbatim ----
            arousal = infancy.arousal_next(F[rf.arousal, i], p.arousal_memory, unresolved, p.arousal_scale,
                                           p.dysregulation_contagion, dys)
            if n_ep > 0:
                reg = infancy.regulation_learned(reg, plast, p.learning_rate, n_s / n_ep, p.arousal_drain, arousal)
            reg = infancy.regulation_contagion(reg, plast, p.learning_rate, p.dysregulation_contagion, dys)
            decay = 1.0 - plast * p.forgetting
            oa = infancy.evidence(F[rf.others_a, i], decay, plast, n_s)
            ob = infancy.evidence(F[rf.others_b, i], decay, plast, n_bid - n_s)
            if n_ep > 0:
                sw = infancy.self_worth_next(sw, plast, p.self_worth_rate, (n_s - n_r - n_h) / n_ep)
            thr = infancy.threat_next(float(F[rf.threat, i]), plast, p.threat_rate, n_h, n_f, n_ep, p.threat_decay)
            if n_bid > 0:
                r_exp, r_unp, r_buf = infancy.trackers_next(n_s / n_bid, n_bid, (n_r + n_h) / n_bid, r_exp, r_unp,
                                                            r_buf, p.tracker_rate)
            h_tgt, d_tgt = infancy.strategy_targets(r_exp, r_unp, r_buf, p.hyper_gain, p.hyper_threshold,
                                                    p.deact_gain, p.deact_threshold, p.ignore_weight)
            hyp = hyp + plast * p.strategy_rate * (h_tgt - hyp)
            dea = dea + plast * p.strategy_rate * (d_tgt - dea)
            fr_share = (n_h + n_f) / max(n_ep, 1)
            c_fright = infancy.fright_conflict(fr_share, r_exp, p.conflict_gain, p.fright_scale) \
                if fr_share > 0.0 else 0.0
            c_in = c_fright + infancy.collapse_conflict(arousal, r_exp, p.collapse_gain, p.collapse_response)
            con = infancy.conflict_next(float(F[rf.conflict, i]), plast, p.conflict_rate, c_in, p.conflict_decay)
            sg = infancy.stress_gain_next(float(F[rf.stress_gain, i]), plast, p.stress_gain_rate, n_h, n_f,
                                          p.stress_gain_recovery, p.stress_gain_max)
            sc = infancy.social_cognition_next(float(F[rf.social_cognition, i]), p.maturation_rate, avail, sens)
        elif mode == 1:
            # ---- variant a: weekly arousal and trackers; the slow laws' weekly inputs summed ----
            arousal = infancy.arousal_next(F[rf.arousal, i], p.arousal_memory, unresolved, p.arousal_scale,
                                           p.dysregulation_contagion, dys)
            if n_ep > 0:
                share = n_s / n_ep
                A[0, i] += share
                A[1, i] += (1.0 - share) * min(arousal, AROUSAL_DRAIN_CAP)
                A[5, i] += 0.5 + 0.5 * ((n_s - n_r - n_h) / n_ep)
                A[6, i] += 1.0
            A[2, i] += dys
            A[3, i] += n_s
            A[4, i] += n_bid - n_s
            A[7, i] += (n_h + FRIGHT_WEIGHT * n_f) / (1.0 + n_ep)
            if n_bid > 0:
                r_exp, r_unp, r_buf = infancy.trackers_next(n_s / n_bid, n_bid, (n_r + n_h) / n_bid, r_exp, r_unp,
                                                            r_buf, p.tracker_rate)
            fr_share = (n_h + n_f) / max(n_ep, 1)
            c_fright = infancy.fright_conflict(fr_share, r_exp, p.conflict_gain, p.fright_scale) \
                if fr_share > 0.0 else 0.0
            A[8, i] += c_fright + infancy.collapse_conflict(arousal, r_exp, p.collapse_gain, p.collapse_response)
            A[9, i] += n_h + FRIGHT_WEIGHT * n_f
            A[10, i] += avail * (0.5 + 0.5 * sens)
            if phase == MONTH - 1:
                lr = plast * p.learning_rate
                reg = clip(reg + lr * (A[0, i] * (1.0 - reg) - p.arousal_drain * A[1, i] * reg)
                           - lr * p.dysregulation_contagion * A[2, i] * reg, 0.0, 1.0)
                decay = 1.0 - plast * p.forgetting
                decay2 = decay * decay
                oa = infancy.evidence(oa, decay2 * decay2, plast, A[3, i])
                ob = infancy.evidence(ob, decay2 * decay2, plast, A[4, i])
                sw = clip(sw + plast * p.self_worth_rate * (A[5, i] - A[6, i] * sw), 0.0, 1.0)
                thr = clip(thr + plast * (p.threat_rate * A[7, i] * (1.0 - thr) - MONTH * p.threat_decay * thr),
                           0.0, 1.0)
                h_tgt, d_tgt = infancy.strategy_targets(r_exp, r_unp, r_buf, p.hyper_gain, p.hyper_threshold,
                                                        p.deact_gain, p.deact_threshold, p.ignore_weight)
                hyp = hyp + MONTH * plast * p.strategy_rate * (h_tgt - hyp)
                dea = dea + MONTH * plast * p.strategy_rate * (d_tgt - dea)
                con = infancy.conflict_next(con, plast, p.conflict_rate, A[8, i], MONTH * p.conflict_decay)
                sg = infancy.stress_gain_next(sg, plast, p.stress_gain_rate, A[9, i], 0.0,
                                              MONTH * p.stress_gain_recovery, p.stress_gain_max)
                sc = infancy.social_cognition_next(sc, p.maturation_rate, A[10, i], 1.0)
                for k in range(N_ACC):
                    A[k, i] = 0.0
        else:
            # ---- variant b: the month's counts, drawn once; arousal driven by them, spread over four weeks ----
            drive = (unresolved / MONTH) / p.arousal_scale + p.dysregulation_contagion * dys
            A[0, i] = drive
            # the month's four weekly arousal values (weeks 2-4 are recomputed then, the same way)
            mem = p.arousal_memory
            a1 = mem * F[rf.arousal, i] + (1.0 - mem) * drive
            a2 = mem * a1 + (1.0 - mem) * drive
            a3 = mem * a2 + (1.0 - mem) * drive
            a4 = mem * a3 + (1.0 - mem) * drive
            drain_sum = (min(a1, AROUSAL_DRAIN_CAP) + min(a2, AROUSAL_DRAIN_CAP) + min(a3, AROUSAL_DRAIN_CAP)
                         + min(a4, AROUSAL_DRAIN_CAP))
            arousal = a1
            lr = plast * p.learning_rate
            if n_ep > 0:
                w_ep = _busy_weeks(n_ep)
                share = n_s / n_ep
                reg = reg + lr * (w_ep * share * (1.0 - reg)
                                  - p.arousal_drain * (1.0 - share) * (w_ep / MONTH) * drain_sum * reg)
                sw = clip(sw + plast * p.self_worth_rate * w_ep * (0.5 + 0.5 * ((n_s - n_r - n_h) / n_ep) - sw),
                          0.0, 1.0)
            reg = clip(reg - lr * p.dysregulation_contagion * MONTH * dys * reg, 0.0, 1.0)
            decay = 1.0 - plast * p.forgetting
            decay2 = decay * decay
            oa = infancy.evidence(oa, decay2 * decay2, plast, n_s)
            ob = infancy.evidence(ob, decay2 * decay2, plast, n_bid - n_s)
            thr = clip(thr + plast * (p.threat_rate * (n_h + FRIGHT_WEIGHT * n_f) * (1.0 - thr) / (1.0 + n_ep / MONTH)
                                      - MONTH * p.threat_decay * thr), 0.0, 1.0)
            if mode == 3:
                # variant c: the month's soothed, rebuffed (or harmed) and other bids each spread over the four weeks
                # (every bid falls in a week at random: a binomial per category and week, draws 10-18), the
                # trackers and the strategy targets stepped weekly on them
                h_sum = 0.0
                d_sum = 0.0
                rem_s = n_s
                rem_x = n_r + n_h
                rem_o = n_bid - n_s - n_r - n_h
                for k in range(MONTH):
                    if k < MONTH - 1:
                        share_k = 1.0 / (MONTH - k)
                        s_k = binomial_inv_nb(uniform_nb(pk2, 10 + 3 * k), rem_s, share_k)
                        x_k = binomial_inv_nb(uniform_nb(pk2, 11 + 3 * k), rem_x, share_k)
                        o_k = binomial_inv_nb(uniform_nb(pk2, 12 + 3 * k), rem_o, share_k)
                    else:
                        s_k = rem_s
                        x_k = rem_x
                        o_k = rem_o
                    b_k = s_k + x_k + o_k
                    if b_k > 0:
                        r_exp, r_unp, r_buf = infancy.trackers_next(s_k / b_k, b_k, x_k / b_k, r_exp, r_unp, r_buf,
                                                                    p.tracker_rate)
                    h_k, d_k = infancy.strategy_targets(r_exp, r_unp, r_buf, p.hyper_gain, p.hyper_threshold,
                                                        p.deact_gain, p.deact_threshold, p.ignore_weight)
                    h_sum += h_k
                    d_sum += d_k
                    rem_s -= s_k
                    rem_x -= x_k
                    rem_o -= o_k
                hyp = hyp + plast * p.strategy_rate * (h_sum - MONTH * hyp)
                dea = dea + plast * p.strategy_rate * (d_sum - MONTH * dea)
            else:
                if n_bid > 0:
                    rate_m = 1.0 - (1.0 - p.tracker_rate) ** _busy_weeks(n_bid)
                    r_exp, r_unp, r_buf = infancy.trackers_next(n_s / n_bid, n_bid, (n_r + n_h) / n_bid, r_exp, r_unp,
                                                                r_buf, rate_m)
                h_tgt, d_tgt = infancy.strategy_targets(r_exp, r_unp, r_buf, p.hyper_gain, p.hyper_threshold,
                                                        p.deact_gain, p.deact_threshold, p.ignore_weight)
                hyp = hyp + MONTH * plast * p.strategy_rate * (h_tgt - hyp)
                dea = dea + MONTH * plast * p.strategy_rate * (d_tgt - dea)
            c_in = 0.0
            n_fr = n_h + n_f
            if n_fr > 0:
                # fright falls in about _busy_weeks(n_fr) weeks; a week with fright holds its share of the
                # fright and a quarter of the other episodes (so its share is not the month's average share)
                w_fr = _busy_weeks(n_fr)
                per_week = (n_ep - n_fr) / MONTH + n_fr / w_fr
                c_in = w_fr * infancy.fright_conflict((n_fr / w_fr) / per_week, r_exp, p.conflict_gain,
                                                      p.fright_scale)
            for a_k in (a1, a2, a3, a4):
                c_in += infancy.collapse_conflict(a_k, r_exp, p.collapse_gain, p.collapse_response)
            con = infancy.conflict_next(con, plast, p.conflict_rate, c_in, MONTH * p.conflict_decay)
            sg = infancy.stress_gain_next(sg, plast, p.stress_gain_rate, n_h, n_f, MONTH * p.stress_gain_recovery,
                                          p.stress_gain_max)
            sc = infancy.social_cognition_next(sc, p.maturation_rate, MONTH * avail, sens)
        # write back
        F[rf.arousal, i] = arousal
        F[rf.episodes_total, i] += n_ep
        F[rf.soothed_total, i] += n_s
        F[rf.ignored_total, i] += n_i
        F[rf.rejected_total, i] += n_r
        F[rf.frightened_total, i] += n_f
        F[rf.harmed_total, i] += n_h
        if age < YEAR_W:
            F[rf.sens_obs_num, i] += sens
            F[rf.sens_obs_den, i] += 1.0
        F[rf.regulation, i] = reg
        F[rf.others_a, i] = oa
        F[rf.others_b, i] = ob
        F[rf.self_worth, i] = sw
        F[rf.threat, i] = thr
        F[rf.hyperactivation, i] = hyp
        F[rf.deactivation, i] = dea
        F[rf.conflict, i] = con
        F[rf.resp_expect, i] = r_exp
        F[rf.resp_unpredict, i] = r_unp
        F[rf.rebuff_expect, i] = r_buf
        F[rf.stress_gain, i] = sg
        F[rf.social_cognition, i] = sc
        # exposure ledger for the ACE count (before 18) and chronic stress (adulthood)
        if age < ADULT_W:
            if n_h > 0:
                abuse = ((rb.ace_emotional_abuse, p.emotional_abuse_share),
                         (rb.ace_physical_abuse, p.physical_abuse_share), (rb.ace_sexual_abuse, p.sexual_abuse_share))
                for k, (flag, share_k) in enumerate(abuse):
                    if uniform_nb(pk2, 4 + k) < later.any_of(share_k, n_h):
                        B[flag, i] = 1
                if drawn_monthly:
                    # one chance per week with harm: about _busy_weeks(n_h) such weeks in the month
                    if uniform_nb(pk2, 7) < later.any_of(p.violence_per_harm_week, _busy_weeks(n_h)):
                        B[rb.ace_violence, i] = 1
                elif uniform_nb(pk2, 7) < p.violence_per_harm_week:
                    B[rb.ace_violence, i] = 1
            if age >= INFANCY_END_W and r_exp < p.neglect_response_threshold:
                F[rf.low_response_weeks, i] += MONTH if drawn_monthly else 1.0
            if drawn_monthly:
                if F[rf.deprivation_intensity, i] >= p.severe_deprivation:
                    for k in range(MONTH):
                        if I[ri.deprivation_onset_w, i] <= age + k < I[ri.deprivation_end_w, i]:
                            F[rf.deprived_weeks, i] += 1.0
            elif dep_on and F[rf.deprivation_intensity, i] >= p.severe_deprivation:
                F[rf.deprived_weeks, i] += 1.0
        F[rf.arousal_mean, i] = later.running_year_mean(F[rf.arousal_mean, i], arousal)


guard_cache(development_step)
