"""The fused weekly step (M1-M7, life events, partner co-regulation) as one Numba kernel over people.

One pass per week reads and writes each person's states once. The laws it composes live with their
mechanisms (:mod:`.infancy`, :mod:`.later`; inlined by Numba, see :mod:`attachsim.core.laws`); the kernel
holds only the control flow and the draws. Parameters arrive by name in a :data:`KernelParams` record
(one float per ``PARAM_ORDER`` entry, named by the parameter's name in its group) and state rows by name in
:data:`FRows`, :data:`IRows` and :data:`BRows` records; all these orders live in this file, so that
Numba's on-disk cache is invalidated whenever they change.
"""

from __future__ import annotations

from collections import namedtuple

import numba as nb
import numpy as np

from ..core.laws import clip, guard_cache, sigmoid_lanes
from ..core.parallel import spread, spread_stride
from ..core.rng import (
    binomial_inv_lanes,
    normal_lanes,
    normal_nb,
    person_key_nb,
    poisson_inv_lanes,
    small_int_f64,
    uniform_lanes,
    uniform_nb,
)
from ..core.timeline import ADULT_W, INFANCY_END_W, WEEKS_PER_YEAR, YEAR_W, weekly_chance
from . import infancy, later

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
    "relationships.partner_availability", "relationships.intrusion_arousal",
    "relationships.figure_inconsistency_share", "life_events.severe_deprivation",
)
F_STATES = (
    "reactivity", "arousal", "episodes_total", "soothed_total", "ignored_total", "rejected_total",
    "frightened_total", "harmed_total", "sens_obs_num", "sens_obs_den", "regulation", "others_a", "others_b",
    "self_worth", "threat", "hyperactivation", "deactivation", "conflict", "resp_expect", "resp_unpredict",
    "rebuff_expect", "stress_gain", "social_cognition", "cg_availability", "cg_sensitivity",
    "cg_inconsistency", "cg_rejection", "cg_harm", "cg_dysregulation", "threat_intensity",
    "deprivation_intensity", "cg_shift", "close_sensitivity", "arousal_mean", "low_response_weeks",
    "deprived_weeks", "partner_responsiveness", "intrusion",
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

#: The kernel's parameters by name (``p.deprivation_max`` for ``response.deprivation_max``): parameter names are
#: unique across the groups the kernel reads (a duplicate would fail here, at import).
KernelParams = namedtuple("KernelParams", [dotted.split(".")[1] for dotted in PARAM_ORDER])  # type: ignore[misc]
#: Rows of the kernel's states in the float32, int32 and int8 matrices, by state name.
FRows = namedtuple("FRows", F_STATES)  # type: ignore[misc]
IRows = namedtuple("IRows", I_STATES)  # type: ignore[misc]
BRows = namedtuple("BRows", B_STATES)  # type: ignore[misc]


@nb.njit(cache=True)
def age_tables(p, age_end):  # type: ignore[no-untyped-def]
    """Plasticity and the base rate of distress episodes for every week of age below ``age_end``.

    Both depend on age alone, so the weekly step looks them up instead of calling ``exp`` twice
    per person; the laws are the ones the NumPy reference evaluates per person.
    """
    tau_w = p.plasticity_tau_years * WEEKS_PER_YEAR
    later_tau_w = p.rate_tau_years * WEEKS_PER_YEAR
    plast = np.empty(age_end)
    base_rate = np.empty(age_end)
    for age in range(age_end):
        plast[age] = infancy.plasticity(age, p.plasticity_floor, tau_w)
        if age < INFANCY_END_W:
            base_rate[age] = infancy.infant_distress_rate(age, p.rate_newborn, p.rate_late, p.rate_tau_weeks)
        else:
            base_rate[age] = later.later_distress_rate(age, p.rate_child, p.rate_adult, later_tau_w)
    return plast, base_rate


#: People per block (lanes): each phase of the step runs over a block's lanes in tight loops (see docs/performance.md).
BLOCK = 128
#: Blocks are shared out to threads in at most this many chunks; each chunk allocates its lane scratch once.
CHUNKS = 64

# rows of the float64 lane scratch
(W_U10, W_U11, W_U20, W_U21, W_U22, W_U23, W_UC0, W_UC1, W_UC2, W_UC3, W_U28, W_PROB, W_S, W_R, W_NWF, W_UD) = range(16)
N_WF = 16
# rows of the int64 lane scratch
(W_ACT, W_AGE, W_NEP, W_NBID, W_NH, W_NF, W_NR, W_NS, W_NIN, W_REST, W_NW, W_IDX, W_KD) = range(13)
N_WI = 13
#: States the learning phase reads and writes, as rows of its float64 lane scratch ``V`` (same order as V_STATE).
V_STATES = ("arousal", "regulation", "others_a", "others_b", "self_worth", "threat", "hyperactivation", "deactivation",
            "resp_expect", "resp_unpredict", "rebuff_expect", "conflict", "stress_gain", "social_cognition",
            "episodes_total", "soothed_total", "ignored_total", "rejected_total", "frightened_total", "harmed_total",
            "sens_obs_num", "sens_obs_den", "arousal_mean")
(V_AROUSAL, V_REG, V_OA, V_OB, V_SW, V_THR, V_HYP, V_DEA, V_REXP, V_RUNP, V_RBUF, V_CON, V_SG, V_SC, V_EP_T, V_SO_T,
 V_IG_T, V_RJ_T, V_FR_T, V_HM_T, V_SON, V_SOD, V_AM) = range(23)
# the lane inputs (counts as float64: exact) and temporaries of the learning phase
(V_PLAST, V_DYS, V_AVAIL, V_SENS, V_YOUNG, V_NEP, V_NBID, V_NH, V_NF, V_NR, V_NS, V_NI, V_NIN, V_HX, V_DX, V_FRS,
 V_CFR) = range(23, 40)
# the figure phase's inputs (states and schedules as float64: exact), draws and outputs (the draws' chances)
(V_REACT, V_CREJ, V_CDYS, V_CAV, V_CSENS, V_CINC, V_CHARM, V_TINT, V_DINT, V_SHIFT, V_PRESP, V_CLOSE, V_INTR,
 V_AGE, V_TON, V_TOFF, V_DON, V_DOFF, V_FAM, V_PART, V_BASE, V_Z0, V_Z2, V_U4, V_U5, V_DEPON, V_LAM, V_BIDP, V_PH,
 V_PF, V_PR, V_PS, V_PIN) = range(40, 73)
N_V = 73
#: Life stages of a block whose lanes are all in one (a lifespan run is a cohort: nearly every block is); MIXED runs
#: the general lane-by-lane figure phase.
MIXED, INFANT, CHILD, ADULT = range(4)


@nb.njit(cache=True, inline="always")
def _load_row(dst, F, row, lo, m):  # type: ignore[no-untyped-def]
    """``dst[l] = F[row, lo + l]`` (float32 to float64, exact) for ``l < m``."""
    src = F[row, lo:lo + m]  # a row slice: contiguous (vector) loads, no per-lane negative-index wrap-around
    for lane in range(m):
        dst[lane] = src[lane]


@nb.njit(cache=True, inline="always")
def _store_row(F, row, lo, src, act, full, m):  # type: ignore[no-untyped-def]
    """``F[row, lo + l] = src[l]`` (rounded to float32) for the active lanes ``l < m``; the others keep theirs."""
    dst = F[row, lo:lo + m]  # a row slice: LLVM vectorises these loops
    if full:  # every lane active (the usual block): plain stores
        for lane in range(dst.shape[0]):
            dst[lane] = np.float32(src[lane])
    else:  # a select: masked stores
        for lane in range(dst.shape[0]):
            dst[lane] = np.float32(src[lane]) if act[lane] != 0 else dst[lane]


@nb.njit(cache=True, inline="always")
def _load_rows(V, F, rf, lo, m):  # type: ignore[no-untyped-def]
    """The learning phase's states of the block's people into the rows of ``V`` (``V_STATES`` order)."""
    for v, row in enumerate((rf.arousal, rf.regulation, rf.others_a, rf.others_b, rf.self_worth, rf.threat,
                             rf.hyperactivation, rf.deactivation, rf.resp_expect, rf.resp_unpredict, rf.rebuff_expect,
                             rf.conflict, rf.stress_gain, rf.social_cognition, rf.episodes_total, rf.soothed_total,
                             rf.ignored_total, rf.rejected_total, rf.frightened_total, rf.harmed_total,
                             rf.sens_obs_num, rf.sens_obs_den, rf.arousal_mean)):
        _load_row(V[v], F, row, lo, m)


@nb.njit(cache=True, inline="always")
def _store_rows(F, rf, lo, V, act, full, m):  # type: ignore[no-untyped-def]
    """The rows of ``V`` back into the states of the block's active people (``V_STATES`` order)."""
    for v, row in enumerate((rf.arousal, rf.regulation, rf.others_a, rf.others_b, rf.self_worth, rf.threat,
                             rf.hyperactivation, rf.deactivation, rf.resp_expect, rf.resp_unpredict, rf.rebuff_expect,
                             rf.conflict, rf.stress_gain, rf.social_cognition, rf.episodes_total, rf.soothed_total,
                             rf.ignored_total, rf.rejected_total, rf.frightened_total, rf.harmed_total,
                             rf.sens_obs_num, rf.sens_obs_den, rf.arousal_mean)):
        _store_row(F, row, lo, V[v], act, full, m)


@nb.njit(cache=True, inline="always")
def _load_irow(dst, I, row, lo, m):  # type: ignore[no-untyped-def]
    """``dst[l] = I[row, lo + l]`` (int32 to float64, exact) for ``l < m``."""
    src = I[row, lo:lo + m]
    for lane in range(m):
        dst[lane] = src[lane]


@nb.njit(cache=True, inline="always")
def _flag_where(B, row, lo, x, threshold, m):  # type: ignore[no-untyped-def]
    """``B[row, lo + l] = 1`` where ``x[l] >= threshold``; the other flags keep theirs (a select)."""
    dst = B[row, lo:lo + m]
    for lane in range(dst.shape[0]):
        dst[lane] = np.int8(1) if x[lane] >= threshold else dst[lane]


@nb.njit(cache=True, error_model="numpy")
def _drift_normals(pkc_l, Wf, z2, m):  # type: ignore[no-untyped-def]
    """Normal draw 2 of the caregiving stream (Box-Muller on draws 2 and 3) of every lane: caregiving's drift."""
    uniform_lanes(pkc_l, 2, Wf[W_UC2], m)
    uniform_lanes(pkc_l, 3, Wf[W_UC3], m)
    normal_lanes(Wf[W_UC2], Wf[W_UC3], z2, m)


@nb.njit(cache=True, inline="always")
def _chances(V, lane, p, dys, avail, sens, harm, rej):  # type: ignore[no-untyped-def]
    """M1 distress and bids, M2 the figure's response: the chances of this week's draws of lane ``lane`` (into V)."""
    fright_p = infancy.fright(p.fright_per_dysregulation, dys, p.fright_per_harm, harm)
    V[V_LAM, lane] = infancy.episode_rate(V[V_BASE, lane], V[V_REACT, lane], V[V_SG, lane], p.dysregulation_distress,
                                          dys)
    V[V_BIDP, lane] = infancy.bid_probability(p.bid_suppression, V[V_DEA, lane])
    p_h, p_f, p_r, p_s = infancy.response_probabilities(avail, harm, fright_p, rej, sens, p.escalation_payoff,
                                                        V[V_HYP, lane])
    # sequential conditional binomials: each response among the bids the earlier ones left
    left = 1.0
    V[V_PH, lane] = p_h / left
    left -= p_h
    V[V_PF, lane] = p_f / left if left > 0.0 else 0.0
    left -= p_f
    V[V_PR, lane] = p_r / left if left > 0.0 else 0.0
    left -= p_r
    V[V_PS, lane] = p_s / left if left > 0.0 else 0.0
    V[V_DYS, lane] = dys
    V[V_AVAIL, lane] = avail
    V[V_SENS, lane] = sens


@nb.njit(cache=True, inline="always")
def _schedules(V, lane, p):  # type: ignore[no-untyped-def]
    """Lane ``lane``'s threat and deprivation this week (its adversity schedules), from the rows of V."""
    age = V[V_AGE, lane]
    thr_on = (V[V_TON, lane] <= age) & (age < V[V_TOFF, lane])
    dep_on = (V[V_DON, lane] <= age) & (age < V[V_DOFF, lane])
    ti = V[V_TINT, lane]
    di = V[V_DINT, lane] * p.deprivation_max
    V[V_DEPON, lane] = 1.0 if dep_on else 0.0
    return (ti if thr_on else 0.0), (di if dep_on else 0.0)


@nb.njit(cache=True, inline="always", error_model="numpy")
def week_constants(p):  # type: ignore[no-untyped-def]
    """What the step derives from the parameters once a block.

    The drift's memory and innovation SD, the weekly chances of divorce, incarceration and a new close other, and
    the weeks a divorce disrupts care.
    """
    drift_rho = later.drift_memory(p.drift_years)
    drift_step = later.drift_step_sd(p.drift_sd, drift_rho)
    return (drift_rho, drift_step, weekly_chance(p.divorce_per_year), np.int64(p.disruption_weeks),
            weekly_chance(p.incarceration_per_year), weekly_chance(p.turnover_per_year))


@nb.njit(cache=True, error_model="numpy")
def _figure_lanes(F, I, B, rf, ri, rb, p, lo, m, age_end, V, act, age_l, drift_rho, drift_step, div_h, disrupt_w,
                  inc_h, turnover_h, pkc_l):  # type: ignore[no-untyped-def]
    """The figure phase lane by lane, for a block whose people are not all in one life stage (see ``_block``)."""
    for lane in range(m):
        i = lo + lane
        age = age_l[lane]
        if age < 0 or age >= age_end:
            act[lane] = 0
            for row in (V_PLAST, V_DYS, V_AVAIL, V_SENS, V_YOUNG, V_LAM, V_BIDP, V_PH, V_PF, V_PR, V_PS, V_PIN,
                        V_DEPON):
                V[row, lane] = 0.0
            continue
        act[lane] = 1
        thr_on = I[ri.threat_onset_w, i] <= age < I[ri.threat_end_w, i]
        dep_on = I[ri.deprivation_onset_w, i] <= age < I[ri.deprivation_end_w, i]
        V[V_DEPON, lane] = 1.0 if dep_on else 0.0
        thr_i = F[rf.threat_intensity, i] if thr_on else 0.0
        dep_i = F[rf.deprivation_intensity, i] * p.deprivation_max if dep_on else 0.0
        rej = float(F[rf.cg_rejection, i])
        pin = 0.0
        if age < ADULT_W:
            dys = float(F[rf.cg_dysregulation, i])
            avail = F[rf.cg_availability, i] * (1.0 - dep_i)
            base_sens = float(F[rf.cg_sensitivity, i])
            if age >= INFANCY_END_W:
                # caregiving drifts as family circumstances change; divorce disrupts it for a while
                shift = later.drift_next(F[rf.cg_shift, i], drift_rho, drift_step, V[V_Z2, lane])  # normal 2
                F[rf.cg_shift, i] = shift
                base_sens = base_sens + shift
                if age >= I[ri.family_event_until_w, i] and uniform_nb(pkc_l[lane], 4) < div_h:
                    I[ri.family_event_until_w, i] = age + disrupt_w
                    B[rb.ace_divorce, i] = 1
                if age < I[ri.family_event_until_w, i]:
                    dys = min(1.0, dys + p.divorce_dysregulation)
                    avail = avail * (1.0 - p.divorce_availability)
                if uniform_nb(pkc_l[lane], 5) < inc_h:
                    B[rb.ace_incarceration, i] = 1
            sens = infancy.caregiver_sensitivity(base_sens, p.dysregulation_sensitivity, dys, dep_i,
                                                 F[rf.cg_inconsistency, i], V[V_Z0, lane])
            harm = clip(F[rf.cg_harm, i] + p.threat_harm_max * thr_i, 0.0, 1.0)
            if dys >= p.mental_illness_threshold:
                B[rb.ace_mental_illness, i] = 1
        else:
            # adulthood: close others chosen partly by one's own security (S0-7), renewed now and then
            if age == ADULT_W or uniform_nb(pkc_l[lane], 5) < turnover_h:
                _new_close_other(F, rf, p, i, pkc_l[lane])
            dys = 0.0
            if I[ri.partner, i] >= 0:
                # a partner is the main co-regulator (M9); responsiveness computed from the partner's state
                avail = p.partner_availability * (1.0 - dep_i)
                sens = later.adult_figure_sensitivity(F[rf.partner_responsiveness, i], dep_i,
                                                      F[rf.cg_inconsistency, i], p.figure_inconsistency_share,
                                                      V[V_Z0, lane])
                # S0-8: the share of the partner's soothing that M9 found felt as intrusion (see phase 5)
                pin = np.float64(F[rf.intrusion, i])
            else:
                avail = p.close_availability * (1.0 - dep_i)
                sens = later.adult_figure_sensitivity(F[rf.close_sensitivity, i], dep_i, F[rf.cg_inconsistency, i],
                                                      p.figure_inconsistency_share, V[V_Z0, lane])
            harm = clip(p.threat_harm_max * thr_i, 0.0, 1.0)
            rej = p.close_rejection
        V[V_PIN, lane] = pin
        V[V_YOUNG, lane] = 1.0 if age < YEAR_W else 0.0
        _chances(V, lane, p, dys, avail, sens, harm, rej)


@nb.njit(cache=True, inline="always")
def _new_close_other(F, rf, p, i, pkc):  # type: ignore[no-untyped-def]
    """Adulthood: new close others, chosen partly by one's own security (S0-7; normal draw 6 of caregiving)."""
    security = later.chooser_security(F[rf.others_a, i], F[rf.others_b, i], F[rf.deactivation, i])
    F[rf.close_sensitivity, i] = later.close_other_sensitivity(
        security, p.close_sensitivity_mean, p.close_security_weight, p.close_sensitivity_sd, normal_nb(pkc, 6))


@nb.njit(cache=True, error_model="numpy")
def _block(F, I, B, rf, ri, rb, p, skeys, step, lo, m, plasticity, base_rates, Wf, Wi, Wu):  # type: ignore[no-untyped-def]
    """One block of ``m`` people from ``lo``: the weekly step of :func:`development_step`, phase by phase over lanes."""
    age_end = plasticity.shape[0]
    drift_rho, drift_step, div_h, disrupt_w, inc_h, turnover_h = week_constants(p)
    k_cg, k_m1, k_m2 = skeys[0], skeys[1], skeys[2]
    pkc_l, pk1_l, pk2_l = Wu[0], Wu[1], Wu[2]
    act, age_l = Wi[W_ACT], Wi[W_AGE]
    # the lanes' ages, and the life stage if the whole block is in one (the usual case: a lifespan run is a cohort)
    V = np.empty((N_V, BLOCK))
    birth = I[ri.birth_step, lo:lo + m]
    amin = age_end
    amax = -1
    for lane in range(m):
        age = step - birth[lane]
        age_l[lane] = age
        V[V_AGE, lane] = age
        amin = min(amin, age)
        amax = max(amax, age)
    stage = MIXED
    if amin >= 0 and amax < age_end:
        if amax < INFANCY_END_W:
            stage = INFANT
        elif amin >= INFANCY_END_W and amax < ADULT_W:
            stage = CHILD
        elif amin >= ADULT_W:
            stage = ADULT
    for lane in range(m):  # the age tables (gathers; lanes outside the kernel's ages read entry 0)
        a = age_l[lane] if (age_l[lane] >= 0) & (age_l[lane] < age_end) else 0
        V[V_PLAST, lane] = plasticity[a]
        V[V_BASE, lane] = base_rates[a]
    # phase 1: the person keys and the uniforms every lane uses (branch-free hashes; the rarer draws in phase 3)
    for lane in range(m):
        pkc_l[lane] = person_key_nb(k_cg, lo + lane)
        pk1_l[lane] = person_key_nb(k_m1, lo + lane)
        pk2_l[lane] = person_key_nb(k_m2, lo + lane)
    uniform_lanes(pkc_l, 0, Wf[W_UC0], m)
    uniform_lanes(pkc_l, 1, Wf[W_UC1], m)
    uniform_lanes(pk1_l, 0, Wf[W_U10], m)
    uniform_lanes(pk1_l, 1, Wf[W_U11], m)
    uniform_lanes(pk2_l, 0, Wf[W_U20], m)
    uniform_lanes(pk2_l, 1, Wf[W_U21], m)
    uniform_lanes(pk2_l, 2, Wf[W_U22], m)
    uniform_lanes(pk2_l, 3, Wf[W_U23], m)
    # phase 2: this week's sensitivity draw (Box-Muller on draws 0 and 1 of the caregiving stream); in a block
    # with children (2-18 years) also the drift of caregiving (draws 2 and 3), which every child lane uses
    normal_lanes(Wf[W_UC0], Wf[W_UC1], V[V_Z0], m)
    children = stage == CHILD
    if stage == MIXED:
        for lane in range(m):
            children = children or (INFANCY_END_W <= age_l[lane] < ADULT_W)
    if children:
        _drift_normals(pkc_l, Wf, V[V_Z2], m)
    # the states the learning phase (5) reads and writes, and the figure phase (3) reads, as float64 rows of V
    _load_rows(V, F, rf, lo, m)
    _load_row(V[V_REACT], F, rf.reactivity, lo, m)
    # phase 3: the attachment figure this week (MODEL §5, M7), with adversity schedules: the chances of the draws
    if stage == MIXED:  # lane by lane, with the three ages' branches
        _figure_lanes(F, I, B, rf, ri, rb, p, lo, m, age_end, V, act, age_l, drift_rho, drift_step, div_h, disrupt_w,
                      inc_h, turnover_h, pkc_l)
    else:  # every lane in one stage: the stage's branch-free loop over rows of V; the rare events lane by lane
        for lane in range(m):
            act[lane] = 1
        _load_row(V[V_CINC], F, rf.cg_inconsistency, lo, m)
        _load_row(V[V_TINT], F, rf.threat_intensity, lo, m)
        _load_row(V[V_DINT], F, rf.deprivation_intensity, lo, m)
        _load_irow(V[V_TON], I, ri.threat_onset_w, lo, m)
        _load_irow(V[V_TOFF], I, ri.threat_end_w, lo, m)
        _load_irow(V[V_DON], I, ri.deprivation_onset_w, lo, m)
        _load_irow(V[V_DOFF], I, ri.deprivation_end_w, lo, m)
        if stage != ADULT:
            _load_row(V[V_CREJ], F, rf.cg_rejection, lo, m)
            _load_row(V[V_CDYS], F, rf.cg_dysregulation, lo, m)
            _load_row(V[V_CAV], F, rf.cg_availability, lo, m)
            _load_row(V[V_CSENS], F, rf.cg_sensitivity, lo, m)
            _load_row(V[V_CHARM], F, rf.cg_harm, lo, m)
        if stage == INFANT:
            for lane in range(m):
                thr_i, dep_i = _schedules(V, lane, p)
                dys = V[V_CDYS, lane]
                avail = V[V_CAV, lane] * (1.0 - dep_i)
                sens = infancy.caregiver_sensitivity(V[V_CSENS, lane], p.dysregulation_sensitivity, dys, dep_i,
                                                     V[V_CINC, lane], V[V_Z0, lane])
                harm = clip(V[V_CHARM, lane] + p.threat_harm_max * thr_i, 0.0, 1.0)
                V[V_PIN, lane] = 0.0
                V[V_YOUNG, lane] = 1.0 if V[V_AGE, lane] < YEAR_W else 0.0
                _chances(V, lane, p, dys, avail, sens, harm, V[V_CREJ, lane])
            _flag_where(B, rb.ace_mental_illness, lo, V[V_DYS], p.mental_illness_threshold, m)
        elif stage == CHILD:
            # divorce (draw 4, after a disruption has ended) and incarceration (draw 5): rare, lane by lane
            uniform_lanes(pkc_l, 4, V[V_U4], m)
            uniform_lanes(pkc_l, 5, V[V_U5], m)
            hits = 0
            for lane in range(m):
                hits += int((V[V_U4, lane] < div_h) | (V[V_U5, lane] < inc_h))
            if hits > 0:
                for lane in range(m):
                    i = lo + lane
                    age = age_l[lane]
                    if age >= I[ri.family_event_until_w, i] and V[V_U4, lane] < div_h:
                        I[ri.family_event_until_w, i] = age + disrupt_w
                        B[rb.ace_divorce, i] = 1
                    if V[V_U5, lane] < inc_h:
                        B[rb.ace_incarceration, i] = 1
            _load_irow(V[V_FAM], I, ri.family_event_until_w, lo, m)
            _load_row(V[V_SHIFT], F, rf.cg_shift, lo, m)
            for lane in range(m):
                thr_i, dep_i = _schedules(V, lane, p)
                dys = V[V_CDYS, lane]
                avail = V[V_CAV, lane] * (1.0 - dep_i)
                # caregiving drifts as family circumstances change (normal 2); divorce disrupts it for a while
                shift = later.drift_next(V[V_SHIFT, lane], drift_rho, drift_step, V[V_Z2, lane])
                V[V_SHIFT, lane] = shift
                base_sens = V[V_CSENS, lane] + shift
                family = V[V_AGE, lane] < V[V_FAM, lane]
                dys_f = min(1.0, dys + p.divorce_dysregulation)
                avail_f = avail * (1.0 - p.divorce_availability)
                dys = dys_f if family else dys
                avail = avail_f if family else avail
                sens = infancy.caregiver_sensitivity(base_sens, p.dysregulation_sensitivity, dys, dep_i,
                                                     V[V_CINC, lane], V[V_Z0, lane])
                harm = clip(V[V_CHARM, lane] + p.threat_harm_max * thr_i, 0.0, 1.0)
                V[V_PIN, lane] = 0.0
                V[V_YOUNG, lane] = 0.0
                _chances(V, lane, p, dys, avail, sens, harm, V[V_CREJ, lane])
            _store_row(F, rf.cg_shift, lo, V[V_SHIFT], act, True, m)
            _flag_where(B, rb.ace_mental_illness, lo, V[V_DYS], p.mental_illness_threshold, m)
        else:
            # new close others at 18 years and on turnover (draw 5): rare, lane by lane
            uniform_lanes(pkc_l, 5, V[V_U5], m)
            hits = 0
            for lane in range(m):
                hits += int((V[V_U5, lane] < turnover_h) | (age_l[lane] == ADULT_W))
            if hits > 0:
                for lane in range(m):
                    if age_l[lane] == ADULT_W or V[V_U5, lane] < turnover_h:
                        _new_close_other(F, rf, p, lo + lane, pkc_l[lane])
            _load_row(V[V_PRESP], F, rf.partner_responsiveness, lo, m)
            _load_row(V[V_CLOSE], F, rf.close_sensitivity, lo, m)
            _load_row(V[V_INTR], F, rf.intrusion, lo, m)
            _load_irow(V[V_PART], I, ri.partner, lo, m)
            for lane in range(m):
                thr_i, dep_i = _schedules(V, lane, p)
                # a partner (M9) or close others; S0-8: the share of a partner's soothing felt as intrusion
                partnered = V[V_PART, lane] >= 0.0
                avail = (p.partner_availability if partnered else p.close_availability) * (1.0 - dep_i)
                # both figures' sensitivities, then a select (a select of the two loads would become a gather)
                sens_p = later.adult_figure_sensitivity(V[V_PRESP, lane], dep_i, V[V_CINC, lane],
                                                        p.figure_inconsistency_share, V[V_Z0, lane])
                sens_c = later.adult_figure_sensitivity(V[V_CLOSE, lane], dep_i, V[V_CINC, lane],
                                                        p.figure_inconsistency_share, V[V_Z0, lane])
                sens = sens_p if partnered else sens_c
                pin = V[V_INTR, lane]
                V[V_PIN, lane] = pin if partnered else 0.0
                harm = clip(p.threat_harm_max * thr_i, 0.0, 1.0)
                V[V_YOUNG, lane] = 0.0
                _chances(V, lane, p, 0.0, avail, sens, harm, p.close_rejection)
    # phase 4: the week's counts, every lane's inversion together
    prob, s, r, nw, nwf, rest = Wf[W_PROB], Wf[W_S], Wf[W_R], Wi[W_NW], Wf[W_NWF], Wi[W_REST]
    ud, idx, kd = Wf[W_UD], Wi[W_IDX], Wi[W_KD]
    n_ep_l, n_bid_l, n_h_l, n_f_l, n_r_l, n_s_l, n_in_l = (Wi[W_NEP], Wi[W_NBID], Wi[W_NH], Wi[W_NF], Wi[W_NR],
                                                           Wi[W_NS], Wi[W_NIN])
    pin_l = V[V_PIN]
    poisson_inv_lanes(Wf[W_U10], V[V_LAM], n_ep_l, prob, s, ud, r, idx, kd, m)
    binomial_inv_lanes(Wf[W_U11], n_ep_l, V[V_BIDP], n_bid_l, prob, s, r, nw, nwf, ud, idx, kd, m)
    binomial_inv_lanes(Wf[W_U20], n_bid_l, V[V_PH], n_h_l, prob, s, r, nw, nwf, ud, idx, kd, m)
    for lane in range(m):
        rest[lane] = n_bid_l[lane] - n_h_l[lane]
    binomial_inv_lanes(Wf[W_U21], rest, V[V_PF], n_f_l, prob, s, r, nw, nwf, ud, idx, kd, m)
    for lane in range(m):
        rest[lane] -= n_f_l[lane]
    binomial_inv_lanes(Wf[W_U22], rest, V[V_PR], n_r_l, prob, s, r, nw, nwf, ud, idx, kd, m)
    for lane in range(m):
        rest[lane] -= n_r_l[lane]
    binomial_inv_lanes(Wf[W_U23], rest, V[V_PS], n_s_l, prob, s, r, nw, nwf, ud, idx, kd, m)
    # S0-8: of a partner's soothing, the share felt as intrusion (draw 8) soothes nothing and teaches nothing good
    # (it counts as unanswered) and arouses; lanes without a partner have pin = 0 and draw nothing
    u28 = Wf[W_U28]
    for lane in range(m):
        u28[lane] = uniform_nb(pk2_l[lane], 8) if (pin_l[lane] > 0.0) & (n_s_l[lane] > 0) else 0.0
    binomial_inv_lanes(u28, n_s_l, pin_l, n_in_l, prob, s, r, nw, nwf, ud, idx, kd, m)
    # phase 5: learning from the week (M3-M6) over the block's lanes, in branch-free loops over the float64 rows
    # of V (one allocation: LLVM sees that its rows do not overlap and vectorises); the libm calls (the strategy
    # sigmoids' exp, fright's log1p) in loops of their own; lanes outside the kernel's ages compute and keep nothing
    for lane in range(m):
        n_s = n_s_l[lane] - n_in_l[lane]
        V[V_NEP, lane] = small_int_f64(n_ep_l[lane])  # float(count), exactly, in vector code
        V[V_NBID, lane] = small_int_f64(n_bid_l[lane])
        V[V_NH, lane] = small_int_f64(n_h_l[lane])
        V[V_NF, lane] = small_int_f64(n_f_l[lane])
        V[V_NR, lane] = small_int_f64(n_r_l[lane])
        V[V_NS, lane] = small_int_f64(n_s)
        V[V_NI, lane] = small_int_f64(rest[lane] - n_s)
        V[V_NIN, lane] = small_int_f64(n_in_l[lane])
    for lane in range(m):
        plast = V[V_PLAST, lane]
        n_ep = V[V_NEP, lane]
        n_bid = V[V_NBID, lane]
        n_h = V[V_NH, lane]
        n_f = V[V_NF, lane]
        n_r = V[V_NR, lane]
        n_s = V[V_NS, lane]
        dys = V[V_DYS, lane]
        # M3 co-regulation -> regulation, arousal
        reg = V[V_REG, lane]
        unresolved = infancy.unresolved_episodes(n_ep, n_s, n_h, n_f, reg) \
            + later.intrusion_unresolved(V[V_NIN, lane], V[V_PIN, lane], V[V_AVAIL, lane], n_ep - n_bid,
                                         p.intrusion_arousal)
        arousal = infancy.arousal_next(V[V_AROUSAL, lane], p.arousal_memory, unresolved, p.arousal_scale,
                                       p.dysregulation_contagion, dys)
        learned = infancy.regulation_learned(reg, plast, p.learning_rate, n_s / n_ep, p.arousal_drain, arousal)
        reg = learned if n_ep > 0.0 else reg
        V[V_REG, lane] = infancy.regulation_contagion(reg, plast, p.learning_rate, p.dysregulation_contagion, dys)
        V[V_AROUSAL, lane] = arousal
        # M4 working models
        decay = 1.0 - plast * p.forgetting
        V[V_OA, lane] = infancy.evidence(V[V_OA, lane], decay, plast, n_s)
        V[V_OB, lane] = infancy.evidence(V[V_OB, lane], decay, plast, n_bid - n_s)
        sw = V[V_SW, lane]
        sw_next = infancy.self_worth_next(sw, plast, p.self_worth_rate, (n_s - n_r - n_h) / n_ep)
        V[V_SW, lane] = sw_next if n_ep > 0.0 else sw
        V[V_THR, lane] = infancy.threat_next(V[V_THR, lane], plast, p.threat_rate, n_h, n_f, n_ep, p.threat_decay)
        # M5 strategies: the trackers (weeks with bids) and the drives of the strategies
        r_exp = V[V_REXP, lane]
        r_unp = V[V_RUNP, lane]
        r_buf = V[V_RBUF, lane]
        t_exp, t_unp, t_buf = infancy.trackers_next(n_s / n_bid, n_bid, (n_r + n_h) / n_bid, r_exp, r_unp, r_buf,
                                                    p.tracker_rate)
        bids = n_bid > 0.0
        r_exp = t_exp if bids else r_exp
        r_unp = t_unp if bids else r_unp
        r_buf = t_buf if bids else r_buf
        V[V_REXP, lane] = r_exp
        V[V_RUNP, lane] = r_unp
        V[V_RBUF, lane] = r_buf
        h_drive, d_drive = infancy.strategy_drives(r_exp, r_unp, r_buf, p.hyper_gain, p.hyper_threshold,
                                                   p.deact_gain, p.deact_threshold, p.ignore_weight)
        V[V_HX, lane] = h_drive
        V[V_DX, lane] = d_drive
        V[V_FRS, lane] = (n_h + n_f) / max(n_ep, 1.0)
    # the sigmoids (vexp: vectorised; exp's special cases only where a row's argument needs them)
    sigmoid_lanes(V[V_HX], V[V_HX], m)
    sigmoid_lanes(V[V_DX], V[V_DX], m)
    for lane in range(m):  # libm: log1p in (the rarer) weeks with fright, a loop of its own
        fr_share = V[V_FRS, lane]
        V[V_CFR, lane] = infancy.fright_conflict(fr_share, V[V_REXP, lane], p.conflict_gain,
                                                 p.fright_scale) if fr_share > 0.0 else 0.0
    for lane in range(m):
        plast = V[V_PLAST, lane]
        r_exp = V[V_REXP, lane]
        h_tgt, d_tgt = infancy.strategy_levels(V[V_HX, lane], V[V_DX, lane], V[V_RBUF, lane])
        hyp = V[V_HYP, lane]
        dea = V[V_DEA, lane]
        V[V_HYP, lane] = hyp + plast * p.strategy_rate * (h_tgt - hyp)
        V[V_DEA, lane] = dea + plast * p.strategy_rate * (d_tgt - dea)
        arousal = V[V_AROUSAL, lane]
        c_in = V[V_CFR, lane] + infancy.collapse_conflict(arousal, r_exp, p.collapse_gain, p.collapse_response)
        V[V_CON, lane] = infancy.conflict_next(V[V_CON, lane], plast, p.conflict_rate, c_in, p.conflict_decay)
        # M6 pathways
        n_h = V[V_NH, lane]
        n_f = V[V_NF, lane]
        V[V_SG, lane] = infancy.stress_gain_next(V[V_SG, lane], plast, p.stress_gain_rate, n_h, n_f,
                                                 p.stress_gain_recovery, p.stress_gain_max)
        V[V_SC, lane] = infancy.social_cognition_next(V[V_SC, lane], p.maturation_rate, V[V_AVAIL, lane],
                                                      V[V_SENS, lane])
        # the week's counts, the sensitivity observed in the first year, chronic stress
        V[V_EP_T, lane] += V[V_NEP, lane]
        V[V_SO_T, lane] += V[V_NS, lane]
        V[V_IG_T, lane] += V[V_NI, lane]
        V[V_RJ_T, lane] += V[V_NR, lane]
        V[V_FR_T, lane] += n_f
        V[V_HM_T, lane] += n_h
        young = V[V_YOUNG, lane] > 0.0
        V[V_SON, lane] = V[V_SON, lane] + V[V_SENS, lane] if young else V[V_SON, lane]
        V[V_SOD, lane] = V[V_SOD, lane] + 1.0 if young else V[V_SOD, lane]
        V[V_AM, lane] = later.running_year_mean(V[V_AM, lane], arousal)
    full = True
    for lane in range(m):
        full = full and act[lane] != 0
    _store_rows(F, rf, lo, V, act, full, m)
    # exposure ledger for the ACE count (before 18), lane by lane
    for lane in range(m if stage != ADULT else 0):
        age = age_l[lane]
        if act[lane] == 0 or age >= ADULT_W:
            continue
        i = lo + lane
        n_h_i = n_h_l[lane]
        if n_h_i > 0:
            # the abuse categories of a harm event (ledger row, chance per event): draws 4, 5, 6
            pk2 = pk2_l[lane]
            abuse = ((rb.ace_emotional_abuse, p.emotional_abuse_share),
                     (rb.ace_physical_abuse, p.physical_abuse_share), (rb.ace_sexual_abuse, p.sexual_abuse_share))
            for k, (flag, share) in enumerate(abuse):
                if uniform_nb(pk2, 4 + k) < later.any_of(share, n_h_i):
                    B[flag, i] = 1
            if uniform_nb(pk2, 7) < p.violence_per_harm_week:
                B[rb.ace_violence, i] = 1
        if age >= INFANCY_END_W and V[V_REXP, lane] < p.neglect_response_threshold:
            F[rf.low_response_weeks, i] += 1.0
        if V[V_DEPON, lane] > 0.0 and F[rf.deprivation_intensity, i] >= p.severe_deprivation:
            F[rf.deprived_weeks, i] += 1.0


@nb.njit(cache=True, parallel=True, error_model="numpy")
def development_step(F, I, B, rf, ri, rb, p, skeys, step, n, plasticity, base_rates):  # type: ignore[no-untyped-def]
    """Advance every person aged 0 <= age < ``len(plasticity)`` weeks by one week (M1-M7).

    The attachment figure whose responses the person learns from is the caregiver up to
    18 years (in infancy exactly as drawn; from 2 years with a slow drift of sensitivity
    and family disruptions) and close others (friends, partners) in adulthood.

    People run in blocks of :data:`BLOCK` (see :func:`_block`); each draw is the scalar kernel's draw (same
    stream, person, draw number and operations), so results do not depend on the blocking or the threads.
    """
    nblocks = (n + BLOCK - 1) // BLOCK
    nchunks = min(nblocks, CHUNKS)
    stride = spread_stride(nchunks)
    for t in nb.prange(nchunks):
        c = spread(t, nchunks, stride)  # chunks of all ages on every thread (people are in birth order)
        Wf = np.empty((N_WF, BLOCK))
        Wi = np.empty((N_WI, BLOCK), dtype=np.int64)
        Wu = np.empty((3, BLOCK), dtype=np.uint64)
        for b in range(c * nblocks // nchunks, (c + 1) * nblocks // nchunks):
            lo = b * BLOCK
            _block(F, I, B, rf, ri, rb, p, skeys, step, lo, min(n - lo, BLOCK), plasticity, base_rates, Wf, Wi, Wu)


# compile afresh when a law these kernels inline (or a jitted helper they call) changed since the cache was written
guard_cache(age_tables, week_constants, _load_row, _store_row, _load_rows, _store_rows, _load_irow, _flag_where,
            _drift_normals, _chances, _schedules, _figure_lanes, _new_close_other, _block, development_step)
