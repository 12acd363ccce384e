"""The adult kernels: M8 relief-seeking (fused over people and regulators) and the M9 pass over couples and singles.

The laws they compose live with their mechanisms (:mod:`.relief`, :mod:`.relationships`; inlined by
Numba, see :mod:`attachsim.core.laws`); parameters arrive by name in named-tuple records whose field
orders live in this file, so that Numba's on-disk cache is invalidated whenever they change.
"""

from __future__ import annotations

from collections import namedtuple

import numba as nb
import numpy as np
import numpy.typing as npt

from ..core.laws import guard_cache, sigmoid_lanes
from ..core.parallel import spread, spread_stride
from ..core.prefetch import prefetch_row
from ..core.rng import GOLDEN, mix_nb, normal_nb, person_key_nb, uniform_bits_f64, uniform_nb
from ..core.timeline import ADULT_W, WEEKS_PER_YEAR, weekly_chance
from ..development.infancy import model_of_others
from . import relief
from .relationships import (
    answered,
    breakup_hazard,
    couple_conflict,
    exchange,
    match_score,
    offered_closeness,
    preferred_closeness,
    responsiveness,
    satisfaction,
    seek_chance,
    stress_next,
)

REGULATORS = ("alcohol", "drugs", "food", "sex", "love")
SCALARS = (
    "start_age", "need_regulation", "use_gain", "habit_weight", "rebound_weight", "relief",
    "habit_rate", "habit_decay", "tolerance_rate", "tolerance_decay", "rebound", "criterion_habit", "criterion_use",
    "quit_per_year", "resolve", "craving_regulation", "life_events_per_year", "life_event_weeks", "life_event_arousal",
    "partner_buffering", "autonomy_age",
)
#: The M8 kernel's scalar parameters by name (fields: ``SCALARS``, the ``relief`` group's names).
ReliefKernelParams = namedtuple("ReliefKernelParams", SCALARS)  # type: ignore[misc]
PER_TYPE_F = ("habit_{}", "tolerance_{}", "recent_use_{}", "compulsive_{}_onset_age", "liability_{}")
PER_TYPE_I = ("relapses_{}", "compulsive_{}_last_w")
#: Per-regulator codes in the int8 matrix.
PER_TYPE_B = ("use_state_{}", "compulsive_{}_ever")
#: Rows of ``rt_f``, ``rt_i`` and ``rt_b`` by state (generated from the orders above).
T_HABIT, T_TOLERANCE, T_RECENT_USE, T_ONSET_AGE, T_LIABILITY = (PER_TYPE_F.index(x) for x in (
    "habit_{}", "tolerance_{}", "recent_use_{}", "compulsive_{}_onset_age", "liability_{}"))
T_RELAPSES, T_LAST_W = PER_TYPE_I.index("relapses_{}"), PER_TYPE_I.index("compulsive_{}_last_w")
T_USE_STATE, T_EVER = PER_TYPE_B.index("use_state_{}"), PER_TYPE_B.index("compulsive_{}_ever")
SHARED_F = ("arousal", "regulation", "hyperactivation", "deactivation", "peer_risk", "life_stress",
            "partner_responsiveness")
SHARED_I = ("birth_step", "partner")
SHARED_B = ("sex",)
#: Rows of the shared states by name (``SHARED_F`` in ``F``, ``SHARED_I`` in ``I``, sex in ``B``).
SharedRows = namedtuple("SharedRows", (*SHARED_F, *SHARED_I, *SHARED_B))  # type: ignore[misc]


#: People per block of the relief kernel: each block's lanes run phase by phase (loads and drive, the use chance,
#: the draws and updates), so that the phases vectorise over the lanes. 512 rather than 256: each of the block's
#: ~50 loops has a fixed cost on entry (LLVM's run-time overlap checks, prologue and epilogue), spread over more
#: lanes (measured 1.07x; 1,024 no faster, 128 slower).
RELIEF_BLOCK = 512
#: Blocks per task of the relief kernel's parallel loop: a task allocates its blocks' scratch once (an allocation
#: costs about as much as a phase of a block).
RELIEF_GROUP = 8


@nb.njit(cache=True, inline="always")
def uniform_lane(pkey, k):  # type: ignore[no-untyped-def]
    """:func:`.rng.uniform_nb` (the same bits) in a form that vectorises: the integer converted by exact steps."""
    return uniform_from_offset(pkey, np.uint64(k) * GOLDEN)


@nb.njit(cache=True, inline="always")
def uniform_from_offset(pkey, offset):  # type: ignore[no-untyped-def]
    """:func:`uniform_lane` of draw number k given ``offset`` = k * GOLDEN (mod 2^64): the same bits."""
    return uniform_bits_f64(mix_nb(pkey + offset))


@nb.njit(cache=True, parallel=True, error_model="numpy")
def relief_step(F, I, B, rs, rt_f, rt_i, rt_b, p, thresholds, weights, access, skey, step, n):  # type: ignore[no-untyped-def]
    """One week of relief-seeking for everyone past the start age, in blocks of :data:`RELIEF_BLOCK` people.

    ``rs`` holds the rows of the shared states (:data:`SharedRows`) by name; ``rt_f`` (5, 5), ``rt_i`` (2, 5) and
    ``rt_b`` (2, 5) the rows of the per-regulator states (``PER_TYPE_*`` by ``REGULATORS``); ``p`` the
    :data:`ReliefKernelParams`; ``thresholds`` (2, 5) the drive at which use is half-likely, by sex (0 male,
    1 female) and regulator; ``weights`` (5, 5) :func:`.relief.pull_weights`; ``access`` (5,) the scenario's access.
    Blocks are independent, so how they are grouped into tasks (:data:`RELIEF_GROUP`) changes no result.
    """
    start_w = p.start_age * WEEKS_PER_YEAR
    quit_w = weekly_chance(p.quit_per_year)
    event_w = weekly_chance(p.life_events_per_year)
    n_blocks = (n + RELIEF_BLOCK - 1) // RELIEF_BLOCK
    n_groups = (n_blocks + RELIEF_GROUP - 1) // RELIEF_GROUP
    stride = spread_stride(n_groups)
    for t in nb.prange(n_groups):
        g = spread(t, n_groups, stride)  # groups of all ages on every thread (people are in birth order)
        s = _relief_scratch()
        for b in range(g * RELIEF_GROUP, min(n_blocks, (g + 1) * RELIEF_GROUP)):
            lo = b * RELIEF_BLOCK
            _relief_block(F, I, B, rs, rt_f, rt_i, rt_b, p, thresholds, weights, access, skey, step, lo,
                          min(n, lo + RELIEF_BLOCK), start_w, quit_w, event_w, s)


@nb.njit(cache=True)
def _relief_scratch():  # type: ignore[no-untyped-def]
    """A task's scratch for one block at a time: lanes' ages, flags, draws' keys and float64 states."""
    k = RELIEF_BLOCK
    return (np.empty(k, dtype=np.int64), np.empty(k, dtype=np.bool_), np.empty(k, dtype=np.uint64),
            np.empty(k, dtype=np.bool_), np.empty(k, dtype=np.bool_), np.empty(k, dtype=np.bool_),
            np.empty(k), np.empty(k), np.empty(k), np.empty(k), np.empty(k), np.empty(k), np.empty(k), np.empty(k),
            np.empty(k), np.empty(k), np.empty(k), np.empty(k), np.empty(k))


@nb.njit(cache=True, error_model="numpy")
def _relief_block(F, I, B, rs, rt_f, rt_i, rt_b, p, thresholds, weights, access, skey, step, lo, hi, start_w,  # type: ignore[no-untyped-def]
                  quit_w, event_w, scratch):
    """People ``lo`` to ``hi`` (one block): the scalar kernel's arithmetic and draws, lane by lane, phase by phase.

    Every lane computes both outcomes of each branch and selects (same values as the branch); the draws are
    pure functions of (key, person, draw number), so drawing a number a lane then ignores changes nothing.
    Lanes before the start age are computed and not written. ``scratch``: :func:`_relief_scratch`.
    """
    m = hi - lo
    (age, live, pk, female, used, rare, ramp, arousal, reg, hyper, deact, peer, single, stress, felt, habit, tol,
     chance, recent) = scratch
    n_live = 0
    birth = I[rs.birth_step, lo:hi]
    autonomy_w = p.autonomy_age * WEEKS_PER_YEAR
    for j in range(m):
        a = step - np.int64(birth[j])
        age[j] = a
        # caregivers' monitoring: the share of a regulator's access within reach, the same for all five (the law is
        # access times this share; ``1.0 *`` it is exact, and ``acc * ramp`` below the law's own product)
        ramp[j] = relief.supervised_access(1.0, np.float64(a), start_w, autonomy_w)
        live[j] = a >= start_w
        n_live += a >= start_w
    if n_live == 0:
        return
    f_life, f_ans = F[rs.life_stress, lo:hi], F[rs.partner_responsiveness, lo:hi]
    memory = 1.0 - 1.0 / p.life_event_weeks
    f_ar, f_reg, f_hyp, f_dea, f_peer = (F[rs.arousal, lo:hi], F[rs.regulation, lo:hi], F[rs.hyperactivation, lo:hi],
                                         F[rs.deactivation, lo:hi], F[rs.peer_risk, lo:hi])
    i_partner = I[rs.partner, lo:hi]
    b_sex = B[rs.sex, lo:hi]
    # the shared states in float64 (a loop of its own: with the key and the int8 and int32 rows below, LLVM's cost
    # model left it scalar)
    for j in range(m):
        arousal[j] = np.float64(f_ar[j])
        reg[j] = np.float64(f_reg[j])
        hyper[j] = np.float64(f_hyp[j])
        deact[j] = np.float64(f_dea[j])
        peer[j] = np.float64(f_peer[j])
    for j in range(m):
        single[j] = relief.single(age[j], i_partner[j])
        female[j] = b_sex[j] != 0
    # the person's key; adult life events (draw 15): this week's stress, and the arousal it makes felt (a partner
    # buffers it)
    for j in range(m):
        k = person_key_nb(skey, np.int64(lo + j))
        pk[j] = k
        event = 1.0 if (age[j] >= ADULT_W) & (uniform_lane(k, 15) < event_w) else 0.0
        stress[j] = stress_next(np.float64(f_life[j]), memory, event)
        felt[j] = relief.felt_arousal(arousal[j], stress[j], p.life_event_arousal, np.float64(f_ans[j]),
                                      1.0 if i_partner[j] >= 0 else 0.0, p.partner_buffering)
    for t in range(5):
        f_hab, f_tol = F[rt_f[T_HABIT, t], lo:hi], F[rt_f[T_TOLERANCE, t], lo:hi]
        f_rec, f_liab = F[rt_f[T_RECENT_USE, t], lo:hi], F[rt_f[T_LIABILITY, t], lo:hi]
        b_state = B[rt_b[T_USE_STATE, t], lo:hi]
        w_hyper, w_deact, w_single = weights[relief.W_HYPER, t], weights[relief.W_DEACT, t], weights[relief.W_SINGLE, t]
        w_gene, w_peer = weights[relief.W_GENE, t], weights[relief.W_PEER, t]
        thr_male, thr_female = thresholds[0, t], thresholds[1, t]
        acc = access[t]
        has = acc > 0.0
        # phase 1 (vector): the drive, and the threshold (plus the resolve while abstinent): the argument of the
        # use chance's sigmoid
        for j in range(m):
            h = np.float64(f_hab[j])
            tl = np.float64(f_tol[j])
            habit[j] = h
            tol[j] = tl
            pl = relief.pull(hyper[j], deact[j], single[j], np.float64(f_liab[j]), peer[j], w_hyper, w_deact,
                             w_single, w_gene, w_peer)
            dr = relief.drive(felt[j], p.need_regulation, reg[j], p.rebound_weight, tl, p.habit_weight, h,
                              p.craving_regulation, pl)
            base = thr_female if female[j] else thr_male
            th = base + p.resolve if b_state[j] == relief.ABSTINENT else base
            chance[j] = relief.use_argument(p.use_gain, dr, th)
        # phase 2 (vector, with core/vexp.py's exp): the sigmoid of relief.use_chance on the block row (exp's special
        # cases only where an argument needs them)
        sigmoid_lanes(chance, chance, m)
        # phase 3 (vector): the weekly chance of use (relief.use_chance), and draw 3t (use) or 3t + 1 (lapse, while
        # abstinent), taken for every lane; (3t + 1) * G is 3t * G + G modulo 2^64, so the lane's draw number costs
        # an add, not a 64-bit multiply (AVX2 has none)
        use_offset = np.uint64(3 * t) * GOLDEN
        for j in range(m):
            c = relief.chance_of_use(acc * ramp[j], habit[j], chance[j])
            lapse_offset = GOLDEN if b_state[j] == relief.ABSTINENT else np.uint64(0)
            used[j] = has & (uniform_from_offset(pk[j], use_offset + lapse_offset) < c)
        # phase 5 (vector): both outcomes of the week, selected, in float64 scratch
        for j in range(m):
            u = used[j]
            a_on, h_on, t_on, r_on = relief.after_use(arousal[j], habit[j], tol[j], np.float64(f_rec[j]), p.relief,
                                                      p.habit_rate, p.tolerance_rate)
            a_off, h_off, t_off, r_off = relief.after_no_use(arousal[j], habit[j], tol[j], np.float64(f_rec[j]),
                                                             p.rebound, p.habit_decay, p.tolerance_decay)
            arousal[j] = a_on if u else a_off
            habit[j] = h_on if u else h_off
            tol[j] = t_on if u else t_off
            recent[j] = r_on if u else r_off
        # phase 6 (vector): the lanes whose discrete states may change this week (rare): a lapse (which ends
        # abstinence), or the criterion met (the 12-month state; maybe a first onset, maybe a quit)
        n_rare = 0
        for j in range(m):
            state = b_state[j]
            lapse = used[j] & (state == relief.ABSTINENT)
            state = relief.NOT_ABSTINENT if lapse else state
            now = relief.compulsive(habit[j], recent[j], state, p.criterion_habit, p.criterion_use)
            flag = live[j] & (lapse | now)
            rare[j] = flag
            n_rare += flag
        if n_rare:
            _relief_rare(F, I, B, rt_f, rt_i, rt_b, t, lo, m, rare, used, habit, recent, reg, age, pk, p, quit_w)
        # phase 7 (vector): the float states of the lanes past the start age (plain stores where every lane is:
        # AVX2's masked stores are slow)
        if n_live == m:
            for j in range(m):
                f_hab[j] = np.float32(habit[j])
                f_tol[j] = np.float32(tol[j])
                f_rec[j] = np.float32(recent[j])
        else:
            for j in range(m):
                ok = live[j]
                f_hab[j] = np.float32(habit[j]) if ok else f_hab[j]
                f_tol[j] = np.float32(tol[j]) if ok else f_tol[j]
                f_rec[j] = np.float32(recent[j]) if ok else f_rec[j]
    if n_live == m:
        for j in range(m):
            f_ar[j] = arousal[j]
            f_life[j] = stress[j]
    else:
        for j in range(m):
            if live[j]:
                f_ar[j] = arousal[j]
                f_life[j] = stress[j]



@nb.njit(cache=True, error_model="numpy")
def _relief_rare(F, I, B, rt_f, rt_i, rt_b, t, lo, m, rare, used, habit, recent, reg, age, pk, p, quit_w):  # type: ignore[no-untyped-def]
    """Regulator ``t``'s discrete states in the lanes of ``rare`` (live, and a lapse or the criterion met).

    The scalar kernel's update, lane by lane: a lapse ends abstinence and counts a relapse; the criterion met sets
    the 12-month state and maybe a first onset, and draw 3t + 2 decides a quit (a quit sets ``recent`` to 0, written
    by the caller). Elsewhere nothing changes: the criterion not met leaves the 12-month state as it was
    (:func:`.relief.last_met` with 0), and the quit draw, a pure function of (key, person, draw number), is not
    needed.
    """
    f_ons = F[rt_f[T_ONSET_AGE, t], lo:lo + m]
    b_state, b_ever = B[rt_b[T_USE_STATE, t], lo:lo + m], B[rt_b[T_EVER, t], lo:lo + m]
    i_rel, i_last = I[rt_i[T_RELAPSES, t], lo:lo + m], I[rt_i[T_LAST_W, t], lo:lo + m]
    for j in range(m):
        if not rare[j]:
            continue
        state = b_state[j]
        lapse = used[j] & (state == relief.ABSTINENT)
        state = relief.NOT_ABSTINENT if lapse else state
        now = relief.compulsive(habit[j], recent[j], state, p.criterion_habit, p.criterion_use)
        i_rel[j] += np.int32(lapse)
        if now:
            if b_ever[j] == 0:
                b_ever[j] = np.int8(1)
                f_ons[j] = np.float32(age[j] / WEEKS_PER_YEAR)
            i_last[j] = np.int32(relief.last_met(np.int64(i_last[j]), age[j], np.int64(1)))
            if uniform_nb(pk[j], 3 * t + 2) < relief.quit_chance(quit_w, reg[j]):
                state = relief.ABSTINENT
                recent[j] = 0.0
        b_state[j] = np.int8(state)

#: Relationship states the M9 kernel reads (float rows) and links and counters it reads or writes (int rows).
M9_F = ("hyperactivation", "deactivation", "conflict", "regulation", "others_a", "others_b", "arousal", "self_worth",
        "relationship_quality", "relationship_conflict", "single_weeks", "partner_responsiveness", "pursuit",
        "withdrawal", "intrusion", "relational_liability", "external_stress")
M9_I = ("birth_step", "partner", "breakups")
#: People per chunk of the seekers' pass: a fixed chunking (not one per thread) keeps the order of seekers, and
#: so the result, independent of the number of threads.
M9_CHUNK = 4096
#: How many people ahead the couples' passes ask for the partner's scratch row (:func:`.prefetch_row`): a partner
#: sits anywhere in the population, and once the scratch outgrows the caches each read waits for memory.
M9_AHEAD = 32


#: The M9 kernel's parameters by name: the ``partners`` parameters its laws read, and the values the runner
#: derives (1 / memory_weeks, the weekly break-up scale, the weekly chance to seek, the weekly chance and carry-over
#: of external stress, and the partner's availability from ``relationships.partner_availability``).
M9_PARAMS = ("oscillation", "responsiveness_base", "responsiveness_regulation", "responsiveness_trust",
             "responsiveness_deactivation", "responsiveness_conflict", "closeness_base", "closeness_hyperactivation",
             "closeness_deactivation", "offer_presence", "offer_pursuit", "pursue_shortfall", "pursue_withdrawal",
             "pursue_after_conflict", "withdraw_excess", "withdraw_demand", "intrusion_gain", "regulation_damping",
             "conflict_demand_withdraw", "conflict_protest", "conflict_arousal", "satisfaction_conflict",
             "liability_quality", "liability_conflict", "stress_quality", "stress_conflict", "breakup_conflict",
             "breakup_quality", "seek_anxiety", "seek_avoidance")
M9_DERIVED = ("memory_rate", "breakup_weekly", "seek_weekly", "stress_weekly", "stress_memory", "availability")
M9KernelParams = namedtuple("M9KernelParams", (*M9_PARAMS, *M9_DERIVED))  # type: ignore[misc]
M9FRows = namedtuple("M9FRows", M9_F)  # type: ignore[misc]
M9IRows = namedtuple("M9IRows", M9_I)  # type: ignore[misc]


#: The couples' scratch: two compact rows a person, each read by the partner with one scattered cache-line read.
#: ``p1`` (32 bytes a person, float64): what each partnered person shows the other from last week's states (pass 1
#: writes, pass 2 reads the partner's; pass 3 its own adult flag). ``p2`` (64 bytes, one cache line, float64 with a
#: float32 view ``p2s`` of the same memory): this week's behaviour and the states the couple's conflict and
#: satisfaction read (pass 2 writes its own, pass 3 reads its own and the partner's). The float32 columns hold
#: states stored as float32 (widened exactly when read), the float64 columns values computed in float64.
M9_P1_R, M9_P1_U_OLD, M9_P1_W_OLD, M9_P1_ADULT = range(4)
M9_P1_WIDTH = 4
M9_P2_U, M9_P2_W, M9_P2_ANS, M9_P2_OFFER, M9_P2_CLOSE, M9_P2_STRESS = range(6)
M9_P2_WIDTH = 8
#: Columns of the float32 view ``p2s`` (the last two float64 slots of a ``p2`` row).
M9_P2S_AR, M9_P2S_LIAB, M9_P2S_Q, M9_P2S_C = range(12, 16)


def m9_scratch(capacity: int) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float32]]:
    """The M9 kernel's scratch for ``capacity`` people: ``p1``, ``p2`` and ``p2s``.

    ``p1`` (capacity, 4) and ``p2`` (capacity, 8) are float64, ``p2s`` the float32 view of ``p2`` (capacity, 16);
    rows start on 64-byte boundaries, so that a partner's row is one cache line.
    """
    p1 = _aligned(capacity * M9_P1_WIDTH).reshape(capacity, M9_P1_WIDTH)
    raw = _aligned(capacity * M9_P2_WIDTH)
    return p1, raw.reshape(capacity, M9_P2_WIDTH), raw.view(np.float32).reshape(capacity, 2 * M9_P2_WIDTH)


def _aligned(size: int, align: int = 64) -> npt.NDArray[np.float64]:
    """A zeroed float64 vector of ``size`` whose first byte sits on an ``align``-byte boundary."""
    raw = np.zeros(size + align // 8, dtype=np.float64)
    skip = (-raw.ctypes.data % align) // 8
    return raw[skip: skip + size]


@nb.njit(cache=True, parallel=True)
def relationships_step(F, I, rf, ri, p, skeys, step, n, adult_w, seekers, chunk_counts, p1, p2, p2s):  # type: ignore[no-untyped-def]
    """One week of M9 for every adult: couples exchange, some break up, singles count a week and some seek.

    ``rf``, ``ri``: rows by name (:data:`M9FRows`, :data:`M9IRows`); ``p``: :data:`M9KernelParams`.
    ``skeys``: stream-step keys of m9.oscillation, m9.breakup, m9.seek and m9.stress. Seekers are written chunk by
    chunk into ``seekers`` (chunk c from c * M9_CHUNK), their number per chunk into ``chunk_counts``; returns the
    number of single adults. ``p1``, ``p2``, ``p2s``: scratch (:func:`m9_scratch`).
    Reads only last week's attachment states and writes only relationship states, so the order in which
    people are processed does not matter (the same arithmetic as the NumPy hook, person by person).

    A couple is updated when its lower id is an adult. Pass 1 fills each partnered person's ``p1`` row (what the
    partner reads in pass 2); pass 2 computes each partner's own part of ``p2`` and pursuit, withdrawal and intrusion
    this week from their own states and the other's ``p1`` row, and leaves the couple's adult flag in the higher
    id's ``p1`` row (so that pass 3 reads only its own ``p1`` row and the partner's ``p2`` row); pass 3 (chunk by
    chunk, with the singles) gives each partner the couple's conflict (the lower id as partner a, as the reference)
    and their own satisfaction from both ``p2`` rows, and both take the break-up decision from the lower id's draw
    and both partners' updated satisfaction, as the reference does; then each single adult (this week's break-ups
    included) counts a week single and may seek.
    """
    HYP, DEA, CON, REG, OA, OB, AR, SW = (rf.hyperactivation, rf.deactivation, rf.conflict, rf.regulation,
                                          rf.others_a, rf.others_b, rf.arousal, rf.self_worth)
    QUAL, CONF, SINGLE, PRESP = rf.relationship_quality, rf.relationship_conflict, rf.single_weeks, \
        rf.partner_responsiveness
    PURS, WITH, INTR, LIAB, STRESS = rf.pursuit, rf.withdrawal, rf.intrusion, rf.relational_liability, \
        rf.external_stress
    BIRTH, PARTNER, BREAKUPS = ri.birth_step, ri.partner, ri.breakups
    rate = p.memory_rate
    k_osc, k_break, k_seek, k_stress = skeys[0], skeys[1], skeys[2], skeys[3]
    # every pass chunk by chunk, the chunks in an order that gives every thread people of all ages (people are in
    # birth order, and only adults have partners)
    n_chunks = (n + M9_CHUNK - 1) // M9_CHUNK
    stride = spread_stride(n_chunks)
    # pass 1: what each partnered person shows the other this week (last week's states)
    for t in nb.prange(n_chunks):
        ch = spread(t, n_chunks, stride)
        for i in range(ch * M9_CHUNK, min(n, (ch + 1) * M9_CHUNK)):
            if I[PARTNER, i] < 0:
                continue
            # np.float64(x), not float(x): Numba's float() keeps a float32 a float32, and this kernel must do the
            # NumPy reference's float64 arithmetic exactly
            p1[i, M9_P1_R] = responsiveness(np.float64(F[OA, i]), np.float64(F[OB, i]), np.float64(F[REG, i]),
                                            np.float64(F[DEA, i]), np.float64(F[CON, i]), p)
            p1[i, M9_P1_U_OLD] = np.float64(F[PURS, i])
            p1[i, M9_P1_W_OLD] = np.float64(F[WITH, i])
            p1[i, M9_P1_ADULT] = 1.0 if step - I[BIRTH, i] >= adult_w else 0.0
    # pass 2: each partner's own part of ``p2`` (from last week's states) and pursuit, withdrawal and felt intrusion
    # this week (from the partner's ``p1`` row)
    for t in nb.prange(n_chunks):
        ch = spread(t, n_chunks, stride)
        for x in range(ch * M9_CHUNK, min(n, (ch + 1) * M9_CHUNK)):
            ahead = x + M9_AHEAD
            if ahead < n and I[PARTNER, ahead] >= 0:
                prefetch_row(p1, I[PARTNER, ahead])
            y = I[PARTNER, x]
            if y < 0:
                continue
            adult = p1[min(np.int64(x), np.int64(y)), M9_P1_ADULT]
            if y < x:
                # the couple's flag (the lower id's) in the higher id's own row, for pass 3: after pass 1 only x reads
                # this slot (the partner reads its own), so pass 3 finds it without a scattered read
                p1[x, M9_P1_ADULT] = adult
            if adult == 0.0:
                continue
            hyp, dea, con = np.float64(F[HYP, x]), np.float64(F[DEA, x]), np.float64(F[CON, x])
            swing = 2.0 * uniform_nb(person_key_nb(k_osc, x), 0) - 1.0
            close = preferred_closeness(hyp, dea, con, swing, p)
            event = 1.0 if uniform_nb(person_key_nb(k_stress, x), 0) < p.stress_weekly else 0.0
            stress = stress_next(np.float64(F[STRESS, x]), p.stress_memory, event)
            c_own = F[CONF, x]
            u_y, w_y = p1[y, M9_P1_U_OLD], p1[y, M9_P1_W_OLD]
            offered = offered_closeness(p.availability, p1[y, M9_P1_R], w_y, u_y, p)
            u, w, intr = exchange(hyp, dea, con, np.float64(F[SW, x]), np.float64(F[REG, x]), close, offered, u_y, w_y,
                                  np.float64(c_own), p)
            p2[x, M9_P2_U] = u
            p2[x, M9_P2_W] = w
            p2[x, M9_P2_ANS] = answered(p1[x, M9_P1_R], w)
            p2[x, M9_P2_OFFER] = offered
            p2[x, M9_P2_CLOSE] = close
            p2[x, M9_P2_STRESS] = stress
            p2s[x, M9_P2S_AR] = F[AR, x]
            p2s[x, M9_P2S_LIAB] = F[LIAB, x]
            p2s[x, M9_P2S_Q] = F[QUAL, x]
            p2s[x, M9_P2S_C] = c_own
            F[PURS, x] = u
            F[WITH, x] = w
            F[INTR, x] = intr
            F[STRESS, x] = stress
    # pass 3, chunk by chunk: the couple's conflict, each partner's satisfaction, and maybe a break-up; then the
    # singles (including this week's break-ups): a week single, and some look for a partner
    singles = np.zeros(n_chunks, dtype=np.int64)
    for t in nb.prange(n_chunks):
        ch = spread(t, n_chunks, stride)
        found = 0
        count = 0
        end = min(n, (ch + 1) * M9_CHUNK)
        for x in range(ch * M9_CHUNK, end):
            ahead = x + M9_AHEAD
            if ahead < end and I[PARTNER, ahead] >= 0:
                prefetch_row(p2, I[PARTNER, ahead])
            y = I[PARTNER, x]
            if y >= 0:
                if p1[x, M9_P1_ADULT] == 0.0:  # the couple's flag (pass 2)
                    continue
                a = min(np.int64(x), np.int64(y))
                b = max(np.int64(x), np.int64(y))
                _couple_week(F, I, p, p2, p2s, x, y, a, b, rate, k_break, QUAL, CONF, PRESP, PURS, WITH, INTR,
                             PARTNER, BREAKUPS)
                if I[PARTNER, x] >= 0:
                    continue
            if step - I[BIRTH, x] < adult_w:
                continue
            count += 1
            F[SINGLE, x] += np.float32(1.0)
            chance = seek_chance(p.seek_weekly, np.float64(F[HYP, x]), np.float64(F[DEA, x]), p)
            if uniform_nb(person_key_nb(k_seek, x), 0) < chance:
                seekers[ch * M9_CHUNK + found] = x
                found += 1
        chunk_counts[ch] = found
        singles[ch] = count
    return singles.sum()


@nb.njit(inline="always")
def _couple_week(F, I, p, p2, p2s, x, y, a, b, rate, k_break, QUAL, CONF, PRESP, PURS, WITH, INTR, PARTNER,  # type: ignore[no-untyped-def]
                 BREAKUPS):
    """Person ``x``'s part of pass 3 (partner ``y``; ``a`` the lower id, ``b`` the higher)."""
    liab = np.float64(p2s[a, M9_P2S_LIAB]) + np.float64(p2s[b, M9_P2S_LIAB])
    stress = p2[a, M9_P2_STRESS] + p2[b, M9_P2_STRESS]
    c_week = couple_conflict(p2[a, M9_P2_U], p2[a, M9_P2_W], p2[a, M9_P2_ANS], np.float64(p2s[a, M9_P2S_AR]),
                             p2[b, M9_P2_U], p2[b, M9_P2_W], p2[b, M9_P2_ANS], np.float64(p2s[b, M9_P2S_AR]), liab,
                             stress, p)
    F[PRESP, x] = p2[y, M9_P2_ANS]
    c = np.float64(p2s[x, M9_P2S_C])
    F[CONF, x] = c + rate * (c_week - c)
    # both partners' satisfaction after this update, as stored (float32), and the lower id's conflict
    q_ta = satisfaction(p.availability, p2[b, M9_P2_ANS], p2[a, M9_P2_CLOSE], p2[a, M9_P2_OFFER], c_week, liab,
                        stress, p)
    q_tb = satisfaction(p.availability, p2[a, M9_P2_ANS], p2[b, M9_P2_CLOSE], p2[b, M9_P2_OFFER], c_week, liab,
                        stress, p)
    qa0, qb0 = np.float64(p2s[a, M9_P2S_Q]), np.float64(p2s[b, M9_P2S_Q])
    q_a = np.float64(np.float32(qa0 + rate * (q_ta - qa0)))
    q_b = np.float64(np.float32(qb0 + rate * (q_tb - qb0)))
    F[QUAL, x] = q_a if x == a else q_b
    ca0 = np.float64(p2s[a, M9_P2S_C])
    c_low = np.float64(np.float32(ca0 + rate * (c_week - ca0)))
    hazard = breakup_hazard(p.breakup_weekly, q_a, q_b, c_low, p)
    if uniform_nb(person_key_nb(k_break, a), 0) < hazard:
        I[PARTNER, x] = -1
        I[BREAKUPS, x] += 1
        F[QUAL, x] = np.nan
        F[CONF, x] = np.nan
        F[PURS, x] = 0.0
        F[WITH, x] = 0.0
        F[INTR, x] = 0.0


@nb.njit(cache=True, error_model="numpy")
def match_step(F, I, B, rf, ri, partnerships, sex, p, skey, ids, match_hyperactivation, assortment_noise,  # type: ignore[no-untyped-def]
               start_quality, start_conflict):
    """Pair this week's seekers ``ids`` (ascending), as ``Relationships._match`` does in NumPy (the reference).

    Each seeker's score (:func:`.relationships.match_score`: trust, openness and a normal draw of the stream whose
    person-step key is ``skey``); men and women each in order of descending score (a stable sort, ties in id order);
    the first ``k`` of each (``k`` the smaller count) become partners, rank for rank, and start a relationship.
    ``partnerships`` and ``sex``: the rows of those states in ``I`` and ``B``. The same operations and draws as the
    reference, so the same bits; one call instead of about forty small NumPy calls a week.
    """
    OA, OB, DEA, HYP = rf.others_a, rf.others_b, rf.deactivation, rf.hyperactivation
    n = ids.shape[0]
    n_men = 0
    for j in range(n):
        n_men += B[sex, ids[j]] == 0
    men = np.empty(n_men, dtype=np.int64)
    women = np.empty(n - n_men, dtype=np.int64)
    neg_men = np.empty(n_men)
    neg_women = np.empty(n - n_men)
    a = 0
    b = 0
    for j in range(n):
        x = ids[j]
        m = model_of_others(np.float64(F[OA, x]), np.float64(F[OB, x]))
        score = match_score(m, np.float64(F[DEA, x]), np.float64(F[HYP, x]), normal_nb(person_key_nb(skey, x), 0),
                            match_hyperactivation, assortment_noise)
        if B[sex, x] == 0:
            men[a] = x
            neg_men[a] = -score
            a += 1
        else:
            women[b] = x
            neg_women[b] = -score
            b += 1
    k = min(n_men, n - n_men)
    if k == 0:
        return
    men = men[np.argsort(neg_men, kind="mergesort")][:k]  # stable, as NumPy's kind="stable"
    women = women[np.argsort(neg_women, kind="mergesort")][:k]
    for j in range(k):
        x, y = men[j], women[j]
        I[ri.partner, x] = y
        I[ri.partner, y] = x
    for side in range(2):
        for j in range(k):
            x = men[j] if side == 0 else women[j]
            I[partnerships, x] += 1
            F[rf.relationship_quality, x] = start_quality
            F[rf.relationship_conflict, x] = start_conflict
            F[rf.pursuit, x] = 0.0
            F[rf.withdrawal, x] = 0.0
            F[rf.intrusion, x] = 0.0
            F[rf.external_stress, x] = 0.0
    # a new partner answers bids from this week on
    for j in range(k):
        x, y = men[j], women[j]
        F[rf.partner_responsiveness, x] = responsiveness(np.float64(F[OA, y]), np.float64(F[OB, y]),
                                                         np.float64(F[rf.regulation, y]), np.float64(F[DEA, y]),
                                                         np.float64(F[rf.conflict, y]), p)
        F[rf.partner_responsiveness, y] = responsiveness(np.float64(F[OA, x]), np.float64(F[OB, x]),
                                                         np.float64(F[rf.regulation, x]), np.float64(F[DEA, x]),
                                                         np.float64(F[rf.conflict, x]), p)


# compile afresh when a law these kernels inline (or a jitted helper they call) changed since the cache was written
guard_cache(relief_step, _relief_scratch, _relief_block, _relief_rare, relationships_step, match_step)
